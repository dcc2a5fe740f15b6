"""Generated from rules/schemas/baseline.schema.json by `python -m hflint.ruledoc`: do not edit.

hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;
the schema file is the source of truth (a stale module is never used)."""

from __future__ import annotations

from typing import Any

from hflint.schemafast.runtime import JSON_TYPES, Bail, search

STAMP = (1225, 3966857676)

_SC0: frozenset[Any] = frozenset({
    'version',
    'entries',
})
_SC1: frozenset[Any] = frozenset({
    1,
    2,
})
_SC2: frozenset[Any] = frozenset({
    'fingerprint',
    'rule',
    'path',
    'pointer',
    'message',
    'reason',
    'expires',
})


def _s0(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('version' not in x or 'entries' not in x):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC0 and True:
                return False
    if t is dict and 'version' in x and not _s1(x['version']):
        return False
    if t is dict and 'entries' in x and not _s2(x['entries']):
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
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s3(v):
                return False
    return True


def _s3(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('fingerprint' not in x or 'rule' not in x or 'path' not in x or 'reason' not in x):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC2 and True:
                return False
    if t is dict and 'fingerprint' in x and not _s4(x['fingerprint']):
        return False
    if t is dict and 'rule' in x and not _s5(x['rule']):
        return False
    if t is dict and 'path' in x and not _s6(x['path']):
        return False
    if t is dict and 'pointer' in x and not _s7(x['pointer']):
        return False
    if t is dict and 'message' in x and not _s8(x['message']):
        return False
    if t is dict and 'reason' in x and not _s9(x['reason']):
        return False
    if t is dict and 'expires' in x and not _s10(x['expires']):
        return False
    return True


def _s4(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^[0-9a-f]{32}$', x):
        return False
    return True


def _s5(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^[A-Z]{2,8}[0-9]{3}$', x):
        return False
    return True


def _s6(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s7(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or x is None):
        return False
    return True


def _s8(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s9(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 3:
        return False
    return True


def _s10(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', x):
        return False
    return True


VALID = _s0
