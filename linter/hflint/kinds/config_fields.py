"""Kind ``config-fields``: config.json values of a type the model's config class rejects.

transformers 5 declares each model's configuration as a strict dataclass
(``huggingface_hub.dataclasses.strict``): ``from_pretrained`` assigns every declared field
from config.json and checks the value against the field's annotation and validators, so
``"hidden_size": 16.0``, ``"rms_norm_eps": 1`` (an int where a float is declared) or
``"use_cache": "true"`` fail to load with ``StrictDataclassFieldValidationError``.

``params.fields`` names the data file (``rules/data/transformers-config-fields.json``,
written by ``benchmarks/oracle/make_config_fields.py`` from the installed transformers):
per model type, each field's type and validators, the aliases of ``attribute_map`` and the
model types of nested sub-configs (``text_config``...). Only model types in the file are
checked, and only the fields their class declares: other keys are accepted by
transformers as free attributes. A config with ``auto_map.AutoConfig`` is built by its
own (custom) class and is not checked.

With ``params.lookup: _class_name`` (HF218) the kind checks diffusers configs instead
(``_class_name`` with ``_diffusers_version``), against the annotated constructor arguments
of the class (``rules/data/diffusers-config-fields.json``, encoded leniently: diffusers
passes them unchecked, so only values the class cannot use are reported).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

from hflint.configs.table import Part, Table, field_name, is_transformers_config, load_table, parts, table_problems
from hflint.jsonfile import pointer
from hflint.kinds.base import Result, each_file
from hflint.repo import Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "fields": {"type": "string", "minLength": 1},
        # model_type: transformers configs (HF213); _class_name: diffusers configs (HF218)
        "lookup": {"enum": ["model_type", "_class_name"]},
        "consequence": {"type": "string", "minLength": 1},
    },
    "required": ["fields"],
    "additionalProperties": False,
}
_STRICT = "from_pretrained fails with StrictDataclassFieldValidationError"
FIELDS = frozenset({"detail", "pointer"})


def validate(rule: Rule) -> list[str]:
    return [f"params.fields: {p}" for p in table_problems(rule.data_file(rule.params["fields"]))]


def _diffusers_parts(table: Table, doc: object) -> list[Part]:
    """A diffusers config (``_class_name`` with ``_diffusers_version``) of a class the table has."""
    if not isinstance(doc, dict) or "_diffusers_version" not in doc or not isinstance(doc.get("_class_name"), str):
        return []
    model = table.models.get(doc["_class_name"])
    return [Part(doc["_class_name"], doc, (), model)] if model is not None else []


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    table = load_table(rule.data_file(rule.params["fields"]))
    by_class = rule.params.get("lookup") == "_class_name"
    consequence = rule.params.get("consequence", _STRICT)

    def check_file(path: str) -> Iterator[Result]:
        doc = repo.json(path)
        if by_class:
            found = _diffusers_parts(table, doc)
        elif is_transformers_config(doc):
            found = list(parts(table, doc))
        else:
            return  # HF212 reports a missing model_type; others' configs are not checked
        for part in found:
            if part.model is None:
                continue
            fields: dict[str, int] = part.model["fields"]
            for key, value in part.doc.items():
                name = field_name(part.model, key)
                if key == "rope_scaling" and "rope_parameters" in fields and "rope_parameters" not in part.doc:
                    # PreTrainedConfig.convert_rope_params_to_dict: the legacy key becomes the field
                    name = "rope_parameters"
                index = fields.get(name)
                if index is None or (name in part.model["sub_configs"] and isinstance(value, dict)):
                    continue
                why = rejects(table, table.types[index], value)
                if why is None and by_class and value == "" and accepts(table.types[index], "x"):
                    why = ", and an empty string names no option"  # diffusers' str arguments are choices
                if why is None:
                    continue
                shown = key if name == key else f"{key} (an alias of {name})"
                detail = (f"{shown} is {_show(value)}, but {part.model['class']} declares "
                          f"{describe(table.types[index])} ({part.model['module']}){why}; {consequence}")
                yield rule.finding(path, pointer=pointer(*part.at, key), detail=detail)

    yield from each_file(rule, repo, check_file, covered_by="json-parse")


def _show(value: object) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def describe(tp: Any) -> str:
    """The declared type, in Python's spelling."""
    if isinstance(tp, str):
        return {"null": "None", "never": "a non-JSON type", "number": "float"}.get(tp, tp)
    if "type" in tp:
        return describe(tp["type"])
    if "union" in tp:
        return " | ".join(describe(t) for t in tp["union"] if t != "never") or "a non-JSON type"
    if "enum" in tp:
        return "one of " + ", ".join(json.dumps(v) for v in tp["enum"])
    if "list" in tp:
        return f"list[{describe(tp['list'])}]"
    if "dict" in tp:
        return f"dict[{describe(tp['dict'][0])}, {describe(tp['dict'][1])}]"
    if "seq" in tp:
        return f"Sequence[{describe(tp['seq'])}]"
    return str(tp)


def rejects(table: Table, tp: Any, value: object) -> str | None:
    """None when the value passes the field's type and validators; else "" (a type
    mismatch) or ", <why>" (a validator's reason), appended to the message."""
    if isinstance(tp, dict) and "type" in tp:
        if not accepts(tp["type"], value):
            return ""
        for check in tp["validators"]:
            why = _validator(table, check, value)
            if why is not None:
                return f", {why}"
        return None
    return None if accepts(tp, value) else ""


def accepts(tp: Any, value: object) -> bool:
    """Whether huggingface_hub's ``type_validator`` accepts a value read from JSON."""
    if isinstance(tp, str):
        return _SIMPLE[tp](value)
    if "union" in tp:
        return any(accepts(t, value) for t in tp["union"])
    if "enum" in tp:
        options: list[object] = tp["enum"]
        if isinstance(value, bool):
            return any(o is value for o in options)
        if isinstance(value, int):
            return any(type(o) is int and o == value for o in options)
        return value in options
    if "list" in tp:
        return isinstance(value, list) and all(accepts(tp["list"], v) for v in value)
    if "seq" in tp:
        return isinstance(value, list | str) and all(accepts(tp["seq"], v) for v in value)
    if "dict" in tp:
        key_type, value_type = tp["dict"]
        return isinstance(value, dict) and all(accepts(key_type, k) and accepts(value_type, v)
                                               for k, v in value.items())
    return False


_SIMPLE: dict[str, Callable[[object], bool]] = {
    "any": lambda v: True,
    "never": lambda v: False,
    "null": lambda v: v is None,
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, float),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "list": lambda v: isinstance(v, list),
    "dict": lambda v: isinstance(v, dict),
}


def _validator(table: Table, check: Any, value: object) -> str | None:
    if check == "positive":  # transformers utils/type_validators.py positive_int_field
        if value is not None and not (isinstance(value, int) and value > 0):
            return "which must be a positive integer"
        return None
    if check == "activation":  # activation_fn_key: a key of transformers' ACT2FN
        if value not in table.names["activations"]:
            return "which must name an activation function of transformers' ACT2FN"
        return None
    low, high, open_low, open_high = check["interval"]  # interval(min, max, ...)
    if not isinstance(value, int | float) or (isinstance(value, float) and math.isnan(value)):
        return "which must be a number within its interval"
    low_ok = low is None or (value > low if open_low else value >= low)
    high_ok = high is None or (value < high if open_high else value <= high)
    if low_ok and high_ok:
        return None
    left, right = "(" if open_low else "[", ")" if open_high else "]"
    return f"which must lie in {left}{'-inf' if low is None else low}, {'inf' if high is None else high}{right}"
