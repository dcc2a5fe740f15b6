"""Constraints over config files, as data (``rules/data/config-constraints.yaml``).

A constraint names the configs it applies to, the keys it checks and one check; its
``group`` says which rule reports it (HF212 model-type, HF214 rejects, HF215 suspect).
Model-specific facts (which model types need what, integer defaults) come from the field
table (``hflint.configs.table``). Evaluation yields ``Violation``s; a key reported by an
earlier group is not reported again by a later one (one defect, one finding).
"""

from __future__ import annotations

import functools
import json
import math
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from hflint.configs.table import Part, Table, field_name, is_transformers_config, parts
from hflint.globs import matches
from hflint.jsonfile import pointer
from hflint.yamlfile import data_value

GROUPS = ("model-type", "rejects", "suspect")  # precedence: a key is reported once, by the first
CHECKS = frozenset({"range", "above", "names", "divisible", "int-keys", "quantization", "quant-method-known",
                    "model-type-name", "model-type-known", "json-type", "enum", "key-of", "dtype",
                    "even-rotary-dim", "same-length"})
CONFIGS = frozenset({"transformers", "transformers-like", "diffusers", "any"})
_MISSING = object()


class ConstraintError(ValueError):
    pass


@dataclass(frozen=True)
class Constraint:
    id: str
    group: str
    files: tuple[str, ...]
    configs: str
    uses: str | None
    field: str | None
    not_known_type: bool
    keys: tuple[str, ...]
    check: dict[str, Any]
    why: str
    source: str
    require_number: bool  # a non-number fails range/above too (keys no config class declares)


class Violation(NamedTuple):
    constraint: Constraint
    pointer: str
    detail: str
    source: str  # the constraint's source, or the model type's own file for `uses`


@functools.cache
def load_constraints(path: Path) -> tuple[Constraint, ...]:
    try:
        raw: Any = data_value(path)
        return tuple(_constraint(c) for c in raw["constraints"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConstraintError(f"{path.name}: {exc}") from None


def _constraint(c: dict[str, Any]) -> Constraint:
    applies = c.get("applies", {})
    check = dict(c["check"])
    if len(check) != 1 or next(iter(check)) not in CHECKS:
        raise ValueError(f"constraint {c['id']}: check must be one of {sorted(CHECKS)}, not {sorted(check)}")
    if c["group"] not in GROUPS:
        raise ValueError(f"constraint {c['id']}: group must be one of {GROUPS}")
    configs = applies.get("configs", "transformers")
    if configs not in CONFIGS:
        raise ValueError(f"constraint {c['id']}: applies.configs must be one of {sorted(CONFIGS)}")
    keys = tuple(str(k) for k in c.get("keys", ()))
    if not keys and "uses" not in applies and not {"divisible", "even-rotary-dim", "same-length"} & set(check):
        raise ValueError(f"constraint {c['id']}: needs keys (or applies.uses)")
    return Constraint(str(c["id"]), str(c["group"]), tuple(c.get("files", ("config.json",))), configs,
                      applies.get("uses"), applies.get("field"), bool(applies.get("not-known-type")),
                      keys, check, " ".join(str(c["why"]).split()), " ".join(str(c["source"]).split()),
                      bool(c.get("require-number", False)))


def violations(constraints: tuple[Constraint, ...], table: Table, path: str, doc: object) -> list[Violation]:
    """Every violation in one config file, a key reported at most once (by the first group)."""
    name = posixpath.basename(path)
    found: list[Violation] = []
    claimed: set[str] = set()
    for group in GROUPS:
        for constraint in constraints:
            if constraint.group != group or not matches(name, constraint.files):
                continue
            for v in _evaluate(constraint, table, doc):
                if v.pointer not in claimed:
                    found.append(v)
        claimed |= {v.pointer for v in found}
    return found


def _targets(constraint: Constraint, table: Table, doc: object) -> Iterator[Part]:
    """The config objects the constraint applies to."""
    if not isinstance(doc, dict):
        return
    if constraint.configs == "any":
        yield Part("", doc, (), None)
        return
    if constraint.configs == "diffusers":
        if "_diffusers_version" in doc:  # written by diffusers' ConfigMixin.save_config
            yield Part("", doc, (), None)
        return
    if constraint.configs == "transformers-like":
        if _transformers_like(doc):
            yield Part(str(doc.get("model_type", "")), doc, (), table.models.get(str(doc.get("model_type"))))
        return
    if not is_transformers_config(doc):
        return
    for part in parts(table, doc):
        if constraint.not_known_type:
            if part.model is None and not part.at:
                yield part
            continue
        if constraint.uses is not None and (part.model is None or constraint.uses not in part.model["uses"]):
            continue
        if constraint.field is not None and (part.model is None or constraint.field not in part.model["fields"]):
            continue
        yield part


def _transformers_like(doc: dict[str, Any]) -> bool:
    """A config.json that transformers wrote (transformers_version) or that names model
    classes (architectures), and that AutoConfig would build itself (no auto_map
    AutoConfig, not a diffusers config)."""
    if "_class_name" in doc or "_diffusers_version" in doc:
        return False
    auto_map = doc.get("auto_map")
    if isinstance(auto_map, dict) and "AutoConfig" in auto_map:
        return False
    return "transformers_version" in doc or "architectures" in doc


def _keys(constraint: Constraint, part: Part) -> tuple[str, ...]:
    if constraint.keys:
        return constraint.keys
    if constraint.uses is not None and part.model is not None:
        used = part.model["uses"].get(constraint.uses)
        if isinstance(used, dict):
            return tuple(used.get("keys", ()))
    return ()


def _get(doc: dict[str, Any], key: str) -> object:
    value: object = doc
    for step in key.split("/"):
        if not isinstance(value, dict) or step not in value:
            return _MISSING
        value = value[step]
    return value


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _show(value: object) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _source(constraint: Constraint, part: Part, table: Table) -> str:
    """Where the constraint is enforced: for a `uses` constraint, the model type's own file
    (with the transformers release the table was generated from)."""
    if constraint.uses is not None and part.model is not None:
        used = part.model["uses"].get(constraint.uses)
        where = used.get("source") if isinstance(used, dict) else used
        if isinstance(where, str):
            return f"{table.source.split(':', 1)[0]} {where}"
    return constraint.source


def _evaluate(constraint: Constraint, table: Table, doc: object) -> Iterator[Violation]:
    (kind, arg), = constraint.check.items()
    for part in _targets(constraint, table, doc):
        source = _source(constraint, part, table)
        if kind == "divisible":
            for ptr, detail in _divisible(part, arg):
                yield Violation(constraint, ptr, detail, source)
            continue
        if kind == "same-length":
            lists = [(k, part.doc[k]) for k in arg if isinstance(part.doc.get(k), list)]
            if len(lists) == len(arg) and len({len(v) for _, v in lists}) > 1:
                shown = ", ".join(f"{k} has {len(v)}" for k, v in lists)
                yield Violation(constraint, pointer(*part.at, lists[-1][0]), f"the lists differ in length: {shown}",
                                source)
            continue
        if kind == "even-rotary-dim":
            for ptr, detail in _rotary_dim(part):
                yield Violation(constraint, ptr, detail, source)
            continue
        for key in _keys(constraint, part):
            value = _get(part.doc, key)
            if value is _MISSING and kind != "model-type-name":
                continue
            if constraint.require_number and kind in ("range", "above") and not _number(value):
                problem: str | None = f"is {_show(value)}, not a number"
            else:
                problem = _problem(kind, arg, value, part, table)
            if problem is not None:
                ptr = pointer(*part.at, *key.split("/"))
                yield Violation(constraint, ptr, f"{key} {problem}", source)


def _problem(kind: str, arg: Any, value: object, part: Part, table: Table) -> str | None:
    """Why ``value`` fails the check, or None. Values of another JSON type than the check is
    about are skipped (they are a type problem, reported by HF213 or the schemas)."""
    if kind == "model-type-name":
        if value is _MISSING:
            return "is missing"
        return None if isinstance(value, str) and value else f"is {_show(value)}, not a model type name"
    if kind == "dtype":
        if value is None or isinstance(value, dict):
            return None  # unset, or one dtype per sub-config
        if isinstance(value, str) and value in table.names["dtypes"]:
            return None
        return f"is {_show(value)}, which is not one of torch's dtype names"
    if kind in ("range", "above"):
        if not _number(value):
            return None
        number = float(value)  # type: ignore[arg-type]
        if kind == "above":
            return None if number > arg else f"is {_show(value)}, but must be greater than {arg}"
        low, high = arg
        inside = not math.isnan(number) and (low is None or number >= low) and (high is None or number <= high)
        if inside:
            return None
        bounds = f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"
        return f"is {_show(value)}, outside {bounds}"
    if kind == "names":
        if not isinstance(value, str):
            return None
        return None if value in table.names[arg] else f"is {_show(value)}, which is not one of transformers' {arg}"
    if kind == "int-keys":
        if not isinstance(value, dict):
            return None
        bad = [k for k in value if not _int_text(k)]
        return f"has the key {_show(bad[0])}, which is not an integer" if bad else None
    if kind == "quantization":
        if not isinstance(value, dict):
            return None
        if value.get("load_in_8bit") or value.get("load_in_4bit") or value.get("quant_method") is not None:
            return None
        return "has no quant_method (nor load_in_8bit/load_in_4bit)"
    if kind == "quant-method-known":
        if not isinstance(value, dict) or value.get("load_in_8bit") or value.get("load_in_4bit"):
            return None
        method = value.get("quant_method")
        if not isinstance(method, str) or method in table.names["quant_methods"]:
            return None
        return f"names quant_method {_show(method)}, which transformers does not know"
    if kind == "model-type-known":
        return None if not isinstance(value, str) or value in table.models else f"is {_show(value)}"
    if kind == "json-type":
        return None if any(_is_json_type(value, t) for t in arg) else f"is {_show(value)}, not {' or '.join(arg)}"
    if kind == "enum":
        return None if value in arg and type(value) in {type(a) for a in arg} else f"is {_show(value)}"
    if kind == "key-of":
        other = part.doc.get(arg)
        if value is None or not isinstance(value, str) or not isinstance(other, dict):
            return None
        return None if value in other else f"is {_show(value)}, which is not a key of {arg} ({_show(sorted(other))})"
    raise AssertionError(kind)


def _int_text(key: str) -> bool:
    try:
        int(key)
    except ValueError:
        return False
    return True


def _is_json_type(value: object, name: str) -> bool:
    if name == "string-array":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if name == "null":
        return value is None
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return _number(value)
    return isinstance(value, {"string": str, "boolean": bool, "array": list, "object": dict}[name])


def _divisible(part: Part, keys: list[str]) -> Iterator[tuple[str, str]]:
    """``a`` is a multiple of ``b``; a missing key takes the config class's default."""
    found = [_value_or_default(part, key) for key in keys]
    if any(type(value) is not int for _, value, _ in found):
        return  # a type problem (HF213), an unknown default, or a value derived later (None)
    (a_key, a, a_note), (b_key, b, b_note) = found
    assert isinstance(a, int) and isinstance(b, int)
    if b <= 0 or a % b == 0:
        return  # a non-positive count is positive-sizes' finding
    ptr = pointer(*part.at, b_key if b_note == "set" else a_key)
    detail = (f"{a_key} ({a}{_default_note(a_note, part)}) is not a multiple of "
              f"{b_key} ({b}{_default_note(b_note, part)})")
    yield ptr, detail


def _rotary_dim(part: Part) -> Iterator[tuple[str, str]]:
    """transformers' validate_rope: a fully rotated head of odd width above 4 is refused."""
    head_key, head_dim, _ = _value_or_default(part, "head_dim")
    if head_dim is None or head_dim is _MISSING:
        hidden = _value_or_default(part, "hidden_size")
        heads = _value_or_default(part, "num_attention_heads")
        if type(hidden[1]) is not int or type(heads[1]) is not int or heads[1] <= 0:
            return
        head_key, head_dim = heads[0], hidden[1] // heads[1]
    if type(head_dim) is not int:
        return
    rope = part.doc.get("rope_parameters") or part.doc.get("rope_scaling")
    factor: object = rope.get("partial_rotary_factor", 1.0) if isinstance(rope, dict) else 1.0
    factor = part.doc.get("partial_rotary_factor", factor)
    if not isinstance(factor, int | float) or isinstance(factor, bool):
        return
    if head_dim <= 4 or head_dim % 2 == 0 or int(head_dim * factor) != head_dim:
        return
    yield pointer(*part.at, head_key), f"head dimension {head_dim} is odd"


def _value_or_default(part: Part, key: str) -> tuple[str, object, str]:
    """(the JSON key, its value, "set" or "default"); an ``attribute_map`` alias counts as
    the field (GPT-2's ``n_embd`` is its ``hidden_size``)."""
    if part.model is None:
        return key, part.doc.get(key, _MISSING), "set"
    name = field_name(part.model, key)
    for candidate in (key, name, *(a for a, f in part.model["aliases"].items() if f == name)):
        if candidate in part.doc:
            return candidate, part.doc[candidate], "set"
    return key, part.model["defaults"].get(name, _MISSING), "default"


def _default_note(note: str, part: Part) -> str:
    if note != "default" or part.model is None:
        return ""
    return f", not set: {part.model['class']}'s default"
