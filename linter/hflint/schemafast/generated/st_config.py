"""Generated from rules/schemas/st-config.schema.json by `python -m hflint.ruledoc`: do not edit.

hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;
the schema file is the source of truth (a stale module is never used)."""

from __future__ import annotations

from typing import Any

from hflint.schemafast.runtime import JSON_TYPES, Bail

STAMP = (1272, 33168055)

_SC0: frozenset[Any] = frozenset()


def _s0(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and '__version__' in x and not _s1(x['__version__']):
        return False
    if t is dict and 'prompts' in x and not _s2(x['prompts']):
        return False
    if t is dict and 'default_prompt_name' in x and not _s3(x['default_prompt_name']):
        return False
    return True


def _s1(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if _s4(x):
        return False
    return True


def _s2(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC0 and not _s5(v):
                return False
    return True


def _s3(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or x is None):
        return False
    return True


def _s4(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s5(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


VALID = _s0
