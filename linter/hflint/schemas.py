"""Validators for the JSON Schemas hflint ships for its own files (packs, config, baseline)."""

from __future__ import annotations

import functools
import json
from typing import Any

from hflint import _paths


@functools.cache
def shipped_validator(name: str) -> Any:
    """A Draft 2020-12 validator (formats checked) for ``rules/schemas/<name>``, built once."""
    from jsonschema import Draft202012Validator  # lazy: jsonschema costs ~100 ms to import

    schema = json.loads((_paths.schemas_dir() / name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(name: str, instance: Any) -> list[Any]:
    """Every violation of ``rules/schemas/<name>``, in document order (stable messages); none,
    without importing jsonschema, when the compiled schema proves ``instance`` valid."""
    from hflint.schemafast import proven_valid

    if proven_valid(_paths.schemas_dir() / name, instance):
        return []
    return sorted(shipped_validator(name).iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
