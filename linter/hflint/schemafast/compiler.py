"""Compile a JSON Schema (Draft 2020-12, the keywords hflint's schemas use) to Python source.

The generated function answers one question, is this document valid, with jsonschema's
exact answer for every document made of JSON values (dict, list, str, int, float, bool,
None), and raises ``Bail`` for anything else (a YAML date, a subclass), so that a caller
falls back to jsonschema. Each keyword is translated with jsonschema's semantics
(``jsonschema/_keywords.py``, ``_types.py``, ``_format.py`` 4.26): "integer" accepts an
integral float, a bool is never a number, ``pattern`` is ``re.search``, ``additionalProperties``
skips names matched by the ``patternProperties`` joined with "|", enum equality keeps
``True`` apart from ``1``; formats are the ones the json-schema kind checks ("date",
"hflint-int"). A keyword the compiler does not know makes the whole schema unsupported
(``Unsupported``), never silently ignored: such a schema always takes the jsonschema path.
"""

from __future__ import annotations

import math
from typing import Any

# Annotations: no effect on validity.
_IGNORED = frozenset({"title", "description", "$comment", "examples", "default", "deprecated", "readOnly",
                      "writeOnly", "$schema", "$defs"})
_FORMATS = frozenset({"date", "hflint-int"})
_TYPE_TEST = {
    "string": "t is str",
    "integer": "(t is int or (t is float and x.is_integer()))",
    "number": "(t is int or t is float)",
    "boolean": "t is bool",
    "null": "x is None",
    "array": "t is list",
    "object": "t is dict",
}


class Unsupported(Exception):
    """The schema uses something the compiler does not translate."""


def _resolve(root: Any, ref: str) -> Any:
    """A local JSON-pointer ``$ref`` ("#" or "#/..."); an anchor ("#name") or another document
    is refused: resolving it as a pointer would silently validate against the wrong schema."""
    if ref != "#" and not ref.startswith("#/"):
        raise Unsupported(f"$ref {ref!r} is not a local JSON pointer")
    if "%" in ref:
        raise Unsupported(f"$ref {ref!r} is percent-encoded")
    node = root
    for raw in ref[2:].split("/") if ref != "#" else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise Unsupported(f"$ref {ref!r} does not resolve")
    return node


def _scalar(value: Any) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return value is None or isinstance(value, str | int | float)


class Compiler:
    """One module's worth of functions; ``compile(schema)`` returns the root function's name."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.lines: list[str] = []
        self.constants: list[str] = []
        self._names: dict[int, str] = {}  # id(subschema) -> function
        self._const: dict[str, str] = {}
        self._pending: list[tuple[str, Any]] = []
        self._root: Any = None

    def compile(self, schema: Any) -> str:
        self._root = schema
        if isinstance(schema, dict) and "$id" in schema:
            schema = {k: v for k, v in schema.items() if k != "$id"}  # the root's own base URI
            self._root = schema
        name = self._function(schema)
        while self._pending:
            fn, sub = self._pending.pop(0)
            self._emit(fn, sub)
        return name

    def _function(self, schema: Any) -> str:
        key = id(schema)
        if key not in self._names:
            self._names[key] = f"_{self.prefix}{len(self._names)}"
            self._pending.append((self._names[key], schema))
        return self._names[key]

    def _constant(self, kind: str, values: list[Any]) -> str:
        body = ", ".join(repr(v) for v in values)
        text = f"{kind}({{{body}}})" if values else f"{kind}()"
        if text not in self._const:
            name = f"_{self.prefix.upper()}C{len(self._const)}"
            self._const[text] = name
            items = "".join(f"    {v!r},\n" for v in values)
            made = f"{kind}({{\n{items}}})" if values else f"{kind}()"
            self.constants.append(f"{name}: {kind}[Any] = {made}\n")
        return self._const[text]

    def _emit(self, name: str, schema: Any) -> None:
        out = [f"def {name}(x: Any) -> bool:"]
        if schema is True or schema is False:
            out.append(f"    return {schema}")
            self.lines.append("\n".join(out) + "\n")
            return
        if not isinstance(schema, dict):
            raise Unsupported(f"a schema must be an object or a boolean, not {type(schema).__name__}")
        out += ["    t = type(x)", "    if t not in JSON_TYPES:", "        raise Bail"]
        body: list[str] = []
        for key, value in schema.items():
            if key in _IGNORED or key.startswith("x-") or key in ("then", "else"):
                continue
            handler = getattr(self, "_k_" + key.replace("$", "dollar_"), None)
            if handler is None:
                raise Unsupported(f"keyword {key!r}")
            body += handler(value, schema)
        out += ["    " + line for line in body]
        out.append("    return True")
        self.lines.append("\n".join(out) + "\n")

    # -- keywords: each returns lines of the function body (x: instance, t: its type) --

    def _k_type(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names or any(n not in _TYPE_TEST for n in names):
            raise Unsupported(f"type {value!r}")
        return [f"if not ({' or '.join(_TYPE_TEST[n] for n in names)}):", "    return False"]

    def _enum_test(self, values: list[Any]) -> str:
        if not all(_scalar(v) for v in values):
            raise Unsupported("enum/const with a value that is not a finite scalar")
        parts = []
        strings = [v for v in values if isinstance(v, str)]
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if strings:
            parts.append(f"(t is str and x in {self._constant('frozenset', strings)})")
        if numbers:
            parts.append(f"((t is int or t is float) and x in {self._constant('frozenset', numbers)})")
        parts += [f"x is {v}" for v in (True, False, None) if any(w is v for w in values)]
        return " or ".join(parts) or "False"

    def _k_enum(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        if not isinstance(value, list):
            raise Unsupported("enum must be a list")
        return [f"if not ({self._enum_test(value)}):", "    return False"]

    def _k_const(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        return [f"if not ({self._enum_test([value])}):", "    return False"]

    def _bound(self, test: str, type_test: str, value: Any) -> list[str]:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise Unsupported(f"bound {value!r}")
        return [f"if {type_test} and {test.format(value=repr(value))}:", "    return False"]

    def _k_minLength(self, v: Any, _s: dict[str, Any]) -> list[str]:
        return self._bound("len(x) < {value}", "t is str", v)

    def _k_maxLength(self, v: Any, _s: dict[str, Any]) -> list[str]:
        return self._bound("len(x) > {value}", "t is str", v)

    def _k_minItems(self, v: Any, _s: dict[str, Any]) -> list[str]:
        return self._bound("len(x) < {value}", "t is list", v)

    def _k_maxItems(self, v: Any, _s: dict[str, Any]) -> list[str]:
        return self._bound("len(x) > {value}", "t is list", v)

    def _k_minProperties(self, v: Any, _s: dict[str, Any]) -> list[str]:
        return self._bound("len(x) < {value}", "t is dict", v)

    def _k_maxProperties(self, v: Any, _s: dict[str, Any]) -> list[str]:
        return self._bound("len(x) > {value}", "t is dict", v)

    _NUMBER = "(t is int or t is float)"

    def _k_minimum(self, v: Any, _s: dict[str, Any]) -> list[str]:
        return self._bound("x < {value}", self._NUMBER, v)

    def _k_maximum(self, v: Any, _s: dict[str, Any]) -> list[str]:
        return self._bound("x > {value}", self._NUMBER, v)

    def _k_exclusiveMinimum(self, v: Any, _s: dict[str, Any]) -> list[str]:
        return self._bound("x <= {value}", self._NUMBER, v)

    def _k_exclusiveMaximum(self, v: Any, _s: dict[str, Any]) -> list[str]:
        return self._bound("x >= {value}", self._NUMBER, v)

    def _k_pattern(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        if not isinstance(value, str):
            raise Unsupported("pattern must be a string")
        return [f"if t is str and not search({value!r}, x):", "    return False"]

    def _k_format(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        if value not in _FORMATS:
            raise Unsupported(f"format {value!r}")
        if value == "date":
            return ["if t is str and not is_date(x):", "    return False"]
        return ["if t is float:", "    return False"]  # hflint-int: written without a fraction

    def _k_required(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Unsupported("required must be a list of strings")
        if not value:
            return []
        missing = " or ".join(f"{v!r} not in x" for v in value)
        return [f"if t is dict and ({missing}):", "    return False"]

    def _k_dependentRequired(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        out = []
        for prop, needs in value.items():
            if not isinstance(needs, list) or not all(isinstance(v, str) for v in needs) or not needs:
                raise Unsupported("dependentRequired")
            missing = " or ".join(f"{v!r} not in x" for v in needs)
            out += [f"if t is dict and {prop!r} in x and ({missing}):", "    return False"]
        return out

    def _k_properties(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        if not isinstance(value, dict):
            raise Unsupported("properties must be an object")
        out = []
        for prop, sub in value.items():
            out += [f"if t is dict and {prop!r} in x and not {self._function(sub)}(x[{prop!r}]):", "    return False"]
        return out

    def _k_patternProperties(self, value: Any, schema: dict[str, Any]) -> list[str]:
        if not isinstance(value, dict) or not all(isinstance(p, str) for p in value):
            raise Unsupported("patternProperties")
        out = ["if t is dict:", "    for k, v in x.items():", "        if type(k) is not str:",
               "            raise Bail"]
        for pattern, sub in value.items():
            out += [f"        if search({pattern!r}, k) and not {self._function(sub)}(v):", "            return False"]
        return out

    def _k_additionalProperties(self, value: Any, schema: dict[str, Any]) -> list[str]:
        if value is True:
            return []
        known = list(schema.get("properties", {}))
        joined = "|".join(schema.get("patternProperties", {}))
        out = ["if t is dict:", "    for k, v in x.items():", "        if type(k) is not str:",
               "            raise Bail"]
        extra = f"k not in {self._constant('frozenset', known)}"
        if joined:
            extra += f" and not search({joined!r}, k)"
        fail = "True" if value is False else f"not {self._function(value)}(v)"
        return [*out, f"        if {extra} and {fail}:", "            return False"]

    def _k_propertyNames(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        return ["if t is dict:", "    for k in x:", f"        if not {self._function(value)}(k):",
                "            return False"]

    def _k_prefixItems(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        if not isinstance(value, list):
            raise Unsupported("prefixItems must be a list")
        out = []
        for i, sub in enumerate(value):
            out += [f"if t is list and len(x) > {i} and not {self._function(sub)}(x[{i}]):", "    return False"]
        return out

    def _k_items(self, value: Any, schema: dict[str, Any]) -> list[str]:
        if isinstance(value, list):
            raise Unsupported("items as a list (Draft 2019-09 and earlier)")
        start = len(schema.get("prefixItems", []))
        if value is True:
            return []
        if value is False:
            return [f"if t is list and len(x) > {start}:", "    return False"]
        rest = f"x[{start}:]" if start else "x"
        return ["if t is list:", f"    for v in {rest}:", f"        if not {self._function(value)}(v):",
                "            return False"]

    def _subschemas(self, value: Any, keyword: str) -> list[str]:
        if not isinstance(value, list) or not value:
            raise Unsupported(f"{keyword} must be a non-empty list")
        return [f"{self._function(sub)}(x)" for sub in value]

    def _k_allOf(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        return [f"if not ({' and '.join(self._subschemas(value, 'allOf'))}):", "    return False"]

    def _k_anyOf(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        return [f"if not ({' or '.join(self._subschemas(value, 'anyOf'))}):", "    return False"]

    def _k_oneOf(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        # every alternative is evaluated, as jsonschema does (a Bail in any of them counts)
        return [f"if [{', '.join(self._subschemas(value, 'oneOf'))}].count(True) != 1:", "    return False"]

    def _k_not(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        return [f"if {self._function(value)}(x):", "    return False"]

    def _k_if(self, value: Any, schema: dict[str, Any]) -> list[str]:
        out = [f"if {self._function(value)}(x):"]
        out += [f"    if not {self._function(schema['then'])}(x):", "        return False"] if "then" in schema \
            else ["    pass"]
        if "else" in schema:
            out += ["else:", f"    if not {self._function(schema['else'])}(x):", "        return False"]
        return out

    def _k_dollar_ref(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        if not isinstance(value, str):
            raise Unsupported("$ref must be a string")
        return [f"if not {self._function(_resolve(self._root, value))}(x):", "    return False"]

    def _k_dollar_id(self, value: Any, _schema: dict[str, Any]) -> list[str]:
        raise Unsupported("$id below the root changes the base URI")

    def module(self, root: str, source: str, stamp: tuple[int, int]) -> str:
        """The generated module's text."""
        head = (
            f'"""Generated from rules/schemas/{source} by `python -m hflint.ruledoc`: do not edit.\n\n'
            "hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;\n"
            'the schema file is the source of truth (a stale module is never used)."""\n\n'
            "from __future__ import annotations\n\n"
            "from typing import Any\n\n"
            "from hflint.schemafast.runtime import {names}\n\n"
            f"STAMP = {stamp!r}\n\n"
        )
        functions = "\n\n".join(self.lines)
        names = ("JSON_TYPES", "Bail", "is_date", "search")
        used = [n for n in names if n + ("(" if n[0].islower() else "") in functions]
        head = head.replace("{names}", ", ".join(used))
        consts = "".join(self.constants)
        return head + consts + ("\n\n" if consts else "") + functions + f"\n\nVALID = {root}\n"
