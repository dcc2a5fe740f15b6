"""Generated from rules/schemas/st-modules.schema.json by `python -m hflint.ruledoc`: do not edit.

hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;
the schema file is the source of truth (a stale module is never used)."""

from __future__ import annotations

from typing import Any

from hflint.schemafast.runtime import JSON_TYPES, Bail, search

STAMP = (1291, 2592456308)

def _s0(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list and len(x) < 1:
        return False
    if t is list:
        for v in x:
            if not _s1(v):
                return False
    return True


def _s1(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('name' not in x or 'path' not in x or 'type' not in x):
        return False
    if t is dict and 'name' in x and not _s2(x['name']):
        return False
    if t is dict and 'path' in x and not _s3(x['path']):
        return False
    if t is dict and 'type' in x and not _s4(x['type']):
        return False
    if t is dict and 'kwargs' in x and not _s5(x['kwargs']):
        return False
    return True


def _s2(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s3(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s4(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+$', x):
        return False
    return True


def _s5(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s6(v):
                return False
    return True


def _s6(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


VALID = _s0
