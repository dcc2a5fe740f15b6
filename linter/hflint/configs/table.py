"""The field table (``rules/data/transformers-config-fields.json``) and the walk over a
config.json and its nested sub-configs that the config kinds share.

The table is generated from the installed transformers by
``benchmarks/oracle/make_config_fields.py``: per model type, the config class and its file,
each declared field's type (as huggingface_hub's strict dataclasses check it), integer
defaults, ``attribute_map`` aliases, the model types of nested sub-configs, and what the
model's own code requires of the config (``uses``: activation names, dropout
probabilities, embedding sizes, heads dividing the hidden size...), with the file it is in.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

_MAX_DEPTH = 4  # sub-configs nest two levels in practice (a VLM's text_config)


class Table(NamedTuple):
    source: str
    types: list[Any]
    models: dict[str, dict[str, Any]]
    names: dict[str, frozenset[str]]  # activations, dtypes, quant_methods: value lists


@functools.cache
def load_table(path: Path) -> Table:
    data = json.loads(path.read_text(encoding="utf-8"))
    names = {key: frozenset(data[key]) for key in ("activations", "dtypes", "quant_methods")}
    return Table(data["source"], data["types"], data["models"], names)


def table_problems(path: Path) -> list[str]:
    """Why the table cannot be used (for a rule's ``validate``), or nothing."""
    try:
        load_table(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"cannot read the config field table {path}: {exc}"]
    return []


def is_transformers_config(doc: object) -> bool:
    """A config.json that ``AutoConfig`` builds with one of transformers' own classes:
    an object with a ``model_type``, not a diffusers config (``_class_name``) and not
    built by the repository's own code (``auto_map.AutoConfig``)."""
    if not isinstance(doc, dict) or "_class_name" in doc or not isinstance(doc.get("model_type"), str):
        return False
    auto_map = doc.get("auto_map")
    return not (isinstance(auto_map, dict) and "AutoConfig" in auto_map)


class Part(NamedTuple):
    """One config object inside a config.json: the top level or a nested sub-config."""

    model_type: str
    doc: dict[str, Any]
    at: tuple[str, ...]  # JSON pointer tokens of the object
    model: dict[str, Any] | None  # the table's entry, None for a model type it lacks


def parts(table: Table, doc: dict[str, Any]) -> Iterator[Part]:
    """The config and its sub-configs (``text_config``...), each with its model type: the
    nested ``model_type`` when given, else the one the parent class declares."""
    stack: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [(doc["model_type"], doc, ())]
    while stack:
        model_type, part, at = stack.pop()
        model = table.models.get(model_type)
        yield Part(model_type, part, at, model)
        if model is None or len(at) >= _MAX_DEPTH:
            continue
        aliases: dict[str, str] = model["aliases"]
        subs: dict[str, str] = model["sub_configs"]
        for key, value in part.items():
            name = aliases.get(key, key)
            if name in subs and isinstance(value, dict):
                nested = value.get("model_type", subs[name])
                if isinstance(nested, str):
                    stack.append((nested, value, (*at, key)))


def field_name(model: dict[str, Any], key: str) -> str:
    """The field a JSON key sets (``attribute_map`` aliases: GPT-2's ``hidden_size`` is
    ``n_embd``)."""
    name: str = model["aliases"].get(key, key)
    return name
