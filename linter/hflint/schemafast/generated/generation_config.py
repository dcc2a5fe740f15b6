"""Generated from rules/schemas/generation-config.schema.json by `python -m hflint.ruledoc`: do not edit.

hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;
the schema file is the source of truth (a stale module is never used)."""

from __future__ import annotations

from typing import Any

from hflint.schemafast.runtime import JSON_TYPES, Bail, search

STAMP = (3491, 4184218462)

_SC0: frozenset[Any] = frozenset({
    'never',
})


def _s0(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and 'max_new_tokens' in x and not _s1(x['max_new_tokens']):
        return False
    if t is dict and 'max_length' in x and not _s2(x['max_length']):
        return False
    if t is dict and 'min_length' in x and not _s3(x['min_length']):
        return False
    if t is dict and 'early_stopping' in x and not _s4(x['early_stopping']):
        return False
    if t is dict and 'num_beams' in x and not _s5(x['num_beams']):
        return False
    if t is dict and 'num_return_sequences' in x and not _s6(x['num_return_sequences']):
        return False
    if t is dict and 'temperature' in x and not _s7(x['temperature']):
        return False
    if t is dict and 'top_p' in x and not _s8(x['top_p']):
        return False
    if t is dict and 'top_k' in x and not _s9(x['top_k']):
        return False
    if t is dict and 'repetition_penalty' in x and not _s10(x['repetition_penalty']):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if search('_token_id$', k) and not _s11(v):
                return False
    return True


def _s1(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer())) or x is None):
        return False
    if (t is int or t is float) and x < 1:
        return False
    return True


def _s2(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer())) or x is None):
        return False
    if (t is int or t is float) and x < 1:
        return False
    return True


def _s3(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer())) or x is None):
        return False
    if (t is int or t is float) and x < 0:
        return False
    return True


def _s4(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC0) or x is True or x is False):
        return False
    return True


def _s5(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer())) or x is None):
        return False
    if (t is int or t is float) and x < 1:
        return False
    return True


def _s6(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer())) or x is None):
        return False
    if (t is int or t is float) and x < 1:
        return False
    return True


def _s7(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or t is float) or x is None):
        return False
    if (t is int or t is float) and x < 0:
        return False
    return True


def _s8(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or t is float) or x is None):
        return False
    if (t is int or t is float) and x < 0:
        return False
    if (t is int or t is float) and x > 1:
        return False
    return True


def _s9(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer())) or x is None):
        return False
    if (t is int or t is float) and x < 0:
        return False
    return True


def _s10(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or t is float) or x is None):
        return False
    if (t is int or t is float) and x <= 0:
        return False
    return True


def _s11(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (_s12(x) or _s13(x) or _s14(x)):
        return False
    return True


def _s12(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer()))):
        return False
    return True


def _s13(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (x is None):
        return False
    return True


def _s14(x: Any) -> bool:
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


def _s15(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer()))):
        return False
    return True


VALID = _s0
