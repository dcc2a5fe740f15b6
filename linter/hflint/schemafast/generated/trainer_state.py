"""Generated from rules/schemas/trainer-state.schema.json by `python -m hflint.ruledoc`: do not edit.

hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;
the schema file is the source of truth (a stale module is never used)."""

from __future__ import annotations

from typing import Any

from hflint.schemafast.runtime import JSON_TYPES, Bail

STAMP = (705, 1877787770)

def _s0(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and 'stateful_callbacks' in x and not _s1(x['stateful_callbacks']):
        return False
    return True


def _s1(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict or x is None):
        return False
    return True


VALID = _s0
