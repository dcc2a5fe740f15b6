"""Kind ``json-schema``: a JSON file checked against a JSON Schema (HF202, HF203, org packs).

``schema`` is a path relative to the pack file, or ``hflint:<path>`` for a schema shipped in
hflint's own ``rules/`` folder, so an organisation pack can reuse or replace the built-ins.
``schemas`` instead maps file globs to schemas (the first match wins), so one rule can cover
a family of files (HF202: config.json, adapter_config.json, modules.json...).
Each violation is a finding with its JSON pointer (the engine adds the source line). Schemas never fetch
remote ``$ref``s (jsonschema's referencing raises instead of downloading).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hflint import _paths
from hflint.globs import check_glob, matches
from hflint.jsonfile import parse_json, pointer
from hflint.kinds.base import Result, each_file
from hflint.repo import CannotAnalyse, ParseError, Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "schema": {"type": "string", "minLength": 1},
        "schemas": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "files": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
                    "schema": {"type": "string", "minLength": 1},
                },
                "required": ["files", "schema"],
                "additionalProperties": False,
            },
        },
        "max-errors": {"type": "integer", "minimum": 1},
    },
    "oneOf": [{"required": ["schema"]}, {"required": ["schemas"]}],
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "pointer"})
_DETAIL_MAX = 240


def _entries(rule: Rule) -> list[tuple[tuple[str, ...], str]]:
    """(file globs, schema ref) pairs; a single ``schema`` applies to all the rule's files."""
    if "schemas" in rule.params:
        return [(tuple(e["files"]), e["schema"]) for e in rule.params["schemas"]]
    return [(rule.files, rule.params["schema"])]


@functools.cache
def _format_checker() -> Any:
    """The standard formats plus ``hflint-int``: a JSON integer written without a fraction.
    JSON Schema's ``integer`` accepts ``8.0``, which Python's json reads as a float, and
    code that sizes tensors or slices with it fails ("'float' object cannot be interpreted
    as an integer"); a schema adds ``"format": "hflint-int"`` where the loader needs an int."""
    from jsonschema import FormatChecker

    checker = FormatChecker()
    checker.checks("hflint-int")(lambda value: not isinstance(value, float))
    return checker


@functools.cache
def _validator(path: Path) -> Any:
    from jsonschema import validators  # lazy: jsonschema costs ~100 ms to import

    schema = parse_json(path.read_text(encoding="utf-8"))
    cls = validators.validator_for(schema)
    if not path.resolve().is_relative_to(_paths.rules_dir().resolve()):
        # Shipped schemas are checked by the test suite (test_shipped_schemas_are_valid);
        # checking them again costs ~60 ms of every start-up. A user's schema is checked.
        cls.check_schema(schema)
    return cls(schema, format_checker=_format_checker())


def validate(rule: Rule) -> list[str]:
    problems = []
    for globs, ref in _entries(rule):
        problems += [f"params.schemas: bad glob: {bad}" for g in globs if (bad := check_glob(g)) is not None]
        path = rule.data_file(ref)
        if not path.is_file():
            problems.append(f"params.schema: no schema file at {path}")
            continue
        try:
            _validator(path)
        except CannotAnalyse as exc:  # hflint's words and line, the same on every Python
            where = f" (line {exc.line})" if isinstance(exc, ParseError) and exc.line else ""
            problems.append(f"params.schema: {path.name} is not valid JSON: {exc.reason}{where}")
        except (OSError, ValueError) as exc:
            problems.append(f"params.schema: {path.name} cannot be read: {exc}")
        except Exception as exc:  # jsonschema.SchemaError and friends stay inside this kind
            problems.append(f"params.schema: {path.name} is not a valid JSON Schema: {_first_line(exc)}")
    return problems


def _first_line(exc: Exception) -> str:
    text = getattr(exc, "message", None) or str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def _shorten(text: str, limit: int = _DETAIL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _detail(error: Any) -> str:
    """jsonschema's message, with a long instance repr cut down (a whole config dict in a
    message helps nobody), and anyOf/oneOf explained by the closest alternative."""
    message: str = error.message
    shown = repr(error.instance)
    if len(shown) > 60 and message.startswith(shown):
        message = _shorten(shown, 40) + message[len(shown) :]
    if error.validator in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match

        closest = best_match(error.context)
        if closest is not None:
            message = f"matches none of the allowed forms; closest: {_detail(closest)}"
    return _shorten(message)


def errors(schema: Path, doc: Any) -> list[Any]:
    """jsonschema's errors for ``doc``, in document order; none, without importing jsonschema,
    when the schema's compiled form proves the document valid (hflint.schemafast)."""
    from hflint.schemafast import proven_valid

    if proven_valid(schema, doc):
        return []
    return sorted(_validator(schema).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    entries = [(globs, rule.data_file(ref)) for globs, ref in _entries(rule)]
    limit: int = rule.params.get("max-errors", 50)

    def check_file(path: str) -> Iterator[Result]:
        schema = next((s for globs, s in entries if matches(path, globs)), None)
        if schema is None:
            return  # the rule's files reach wider than its schemas: nothing applies here
        doc = repo.json(path)
        try:
            found = errors(schema, doc)
        except RecursionError:
            raise CannotAnalyse("nesting is too deep to validate") from None
        for error in found[:limit]:
            # The engine adds the source line of the pointer (engine._with_json_lines).
            yield rule.finding(path, pointer=pointer(*error.absolute_path) or "/", detail=_detail(error))
        if len(found) > limit:
            yield rule.finding(path, detail=f"{len(found) - limit} more schema errors not shown")

    yield from each_file(rule, repo, check_file, covered_by="json-parse")
