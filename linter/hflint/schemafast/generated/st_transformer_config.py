"""Generated from rules/schemas/st-transformer-config.schema.json by `python -m hflint.ruledoc`: do not edit.

hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;
the schema file is the source of truth (a stale module is never used)."""

from __future__ import annotations

from typing import Any

from hflint.schemafast.runtime import JSON_TYPES, Bail

STAMP = (1898, 1739000973)

_SC0: frozenset[Any] = frozenset({
    'feature-extraction',
    'sequence-classification',
    'text-generation',
    'fill-mask',
    'retrieval',
    'any-to-any',
})


def _s0(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and 'max_seq_length' in x and not _s1(x['max_seq_length']):
        return False
    if t is dict and 'transformer_task' in x and not _s2(x['transformer_task']):
        return False
    if t is dict and 'modality_config' in x and not _s3(x['modality_config']):
        return False
    if t is dict and 'module_output_name' in x and not _s4(x['module_output_name']):
        return False
    if t is dict and 'modality_config' in x and ('module_output_name' not in x):
        return False
    return True


def _s1(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer())) or x is None):
        return False
    if (t is int or t is float) and x < 0:
        return False
    if t is float:
        return False
    return True


def _s2(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC0)):
        return False
    return True


def _s3(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and len(x) < 1:
        return False
    return True


def _s4(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


VALID = _s0
