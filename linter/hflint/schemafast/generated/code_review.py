"""Generated from rules/schemas/code-review.schema.json by `python -m hflint.ruledoc`: do not edit.

hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;
the schema file is the source of truth (a stale module is never used)."""

from __future__ import annotations

from typing import Any

from hflint.schemafast.runtime import JSON_TYPES, Bail, is_date, search

STAMP = (1558, 1123609859)

_SC0: frozenset[Any] = frozenset({
    'version',
    'files',
})
_SC1: frozenset[Any] = frozenset({
    1,
})
_SC2: frozenset[Any] = frozenset()
_SC3: frozenset[Any] = frozenset({
    'sha256',
    'reviewed-by',
    'date',
    'note',
})


def _s0(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('version' not in x or 'files' not in x):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC0 and True:
                return False
    if t is dict and 'version' in x and not _s1(x['version']):
        return False
    if t is dict and 'files' in x and not _s2(x['files']):
        return False
    return True


def _s1(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (((t is int or t is float) and x in _SC1)):
        return False
    return True


def _s2(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict:
        for k in x:
            if not _s3(k):
                return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC2 and not _s4(v):
                return False
    return True


def _s3(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    if t is str and not search('^(?!/)(?!.*\\\\)(?!(.*/)?\\.\\.?(/|$)).+$', x):
        return False
    return True


def _s4(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s5(x):
        return False
    return True


def _s5(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('sha256' not in x or 'reviewed-by' not in x or 'date' not in x):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC3 and True:
                return False
    if t is dict and 'sha256' in x and not _s6(x['sha256']):
        return False
    if t is dict and 'reviewed-by' in x and not _s7(x['reviewed-by']):
        return False
    if t is dict and 'date' in x and not _s8(x['date']):
        return False
    if t is dict and 'note' in x and not _s9(x['note']):
        return False
    return True


def _s6(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^[0-9a-f]{64}$', x):
        return False
    return True


def _s7(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s8(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not is_date(x):
        return False
    if t is str and not search('^\\d{4}-\\d{2}-\\d{2}$', x):
        return False
    return True


def _s9(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


VALID = _s0
