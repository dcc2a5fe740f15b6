"""Generated from rules/schemas/st-pooling-config.schema.json by `python -m hflint.ruledoc`: do not edit.

hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;
the schema file is the source of truth (a stale module is never used)."""

from __future__ import annotations

from typing import Any

from hflint.schemafast.runtime import JSON_TYPES, Bail

STAMP = (1690, 2326557665)

_SC0: frozenset[Any] = frozenset({
    'cls',
    'max',
    'mean',
    'mean_sqrt_len_tokens',
    'weightedmean',
    'lasttoken',
})


def _s0(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if not (_s1(x) or _s2(x)):
        return False
    if t is dict and 'embedding_dimension' in x and not _s3(x['embedding_dimension']):
        return False
    if t is dict and 'word_embedding_dimension' in x and not _s4(x['word_embedding_dimension']):
        return False
    if t is dict and 'pooling_mode' in x and not _s5(x['pooling_mode']):
        return False
    return True


def _s1(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if t is dict and ('embedding_dimension' not in x):
        return False
    return True


def _s2(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if t is dict and ('word_embedding_dimension' not in x):
        return False
    return True


def _s3(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if _s6(x):
        return False
    return True


def _s4(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if _s7(x):
        return False
    return True


def _s5(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (_s8(x) or _s9(x)):
        return False
    return True


def _s6(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (x is None):
        return False
    return True


def _s7(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (x is None):
        return False
    return True


def _s8(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s10(x):
        return False
    return True


def _s9(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list and len(x) < 1:
        return False
    if t is list:
        for v in x:
            if not _s11(v):
                return False
    return True


def _s10(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC0)):
        return False
    return True


def _s11(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s10(x):
        return False
    return True


VALID = _s0
