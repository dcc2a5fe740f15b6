"""Generated from rules/schemas/config.schema.json by `python -m hflint.ruledoc`: do not edit.

hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;
the schema file is the source of truth (a stale module is never used)."""

from __future__ import annotations

from typing import Any

from hflint.schemafast.runtime import JSON_TYPES, Bail, search

STAMP = (1966, 2397466200)

_SC0: frozenset[Any] = frozenset({
    'select',
    'extend-select',
    'ignore',
    'severity',
    'rules',
    'exclude',
    'per-path-ignores',
    'fail-on',
})
_SC1: frozenset[Any] = frozenset()
_SC2: frozenset[Any] = frozenset({
    'error',
    'warning',
    'note',
    'none',
})
_SC3: frozenset[Any] = frozenset({
    'error',
    'warning',
    'note',
})
_SC4: frozenset[Any] = frozenset({
    'path',
    'rules',
    'reason',
    'expires',
})


def _s0(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC0 and True:
                return False
    if t is dict and 'select' in x and not _s1(x['select']):
        return False
    if t is dict and 'extend-select' in x and not _s2(x['extend-select']):
        return False
    if t is dict and 'ignore' in x and not _s3(x['ignore']):
        return False
    if t is dict and 'severity' in x and not _s4(x['severity']):
        return False
    if t is dict and 'rules' in x and not _s5(x['rules']):
        return False
    if t is dict and 'exclude' in x and not _s6(x['exclude']):
        return False
    if t is dict and 'per-path-ignores' in x and not _s7(x['per-path-ignores']):
        return False
    if t is dict and 'fail-on' in x and not _s8(x['fail-on']):
        return False
    return True


def _s1(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s9(x):
        return False
    return True


def _s2(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s9(x):
        return False
    return True


def _s3(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s9(x):
        return False
    return True


def _s4(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict:
        for k in x:
            if not _s10(k):
                return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC1 and not _s11(v):
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
            if not _s12(v):
                return False
    return True


def _s6(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s13(v):
                return False
    return True


def _s7(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s14(v):
                return False
    return True


def _s8(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC2)):
        return False
    return True


def _s9(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s15(v):
                return False
    return True


def _s10(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s16(x):
        return False
    return True


def _s11(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC3)):
        return False
    return True


def _s12(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s13(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s17(x):
        return False
    return True


def _s14(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('path' not in x or 'rules' not in x or 'reason' not in x):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC4 and True:
                return False
    if t is dict and 'path' in x and not _s18(x['path']):
        return False
    if t is dict and 'rules' in x and not _s19(x['rules']):
        return False
    if t is dict and 'reason' in x and not _s20(x['reason']):
        return False
    if t is dict and 'expires' in x and not _s21(x['expires']):
        return False
    return True


def _s15(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s16(x):
        return False
    return True


def _s16(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^(ALL|[A-Z]{1,8}[0-9]{0,3})$', x):
        return False
    return True


def _s17(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s18(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if [_s22(x), _s23(x)].count(True) != 1:
        return False
    return True


def _s19(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s24(v):
                return False
    if t is list and len(x) < 1:
        return False
    return True


def _s20(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 3:
        return False
    return True


def _s21(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', x):
        return False
    return True


def _s22(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s17(x):
        return False
    return True


def _s23(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s25(v):
                return False
    if t is list and len(x) < 1:
        return False
    return True


def _s24(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s16(x):
        return False
    return True


def _s25(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s17(x):
        return False
    return True


VALID = _s0
