"""Generated from rules/schemas/rulepack.schema.json by `python -m hflint.ruledoc`: do not edit.

hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;
the schema file is the source of truth (a stale module is never used)."""

from __future__ import annotations

from typing import Any

from hflint.schemafast.runtime import JSON_TYPES, Bail, search

STAMP = (4013, 1197747554)

_SC0: frozenset[Any] = frozenset({
    'pack',
    'description',
    'severity-overrides',
    'fix-overrides',
    'rules',
})
_SC1: frozenset[Any] = frozenset()
_SC2: frozenset[Any] = frozenset({
    'error',
    'warning',
    'note',
})
_SC3: frozenset[Any] = frozenset({
    'off',
    'safe',
    'unsafe',
})
_SC4: frozenset[Any] = frozenset({
    'id',
    'name',
    'title',
    'severity',
    'security-severity',
    'precision',
    'tags',
    'files',
    'exclude',
    'formats',
    'kind',
    'params',
    'message',
    'fix',
    'docs',
})
_SC5: frozenset[Any] = frozenset({
    'very-high',
    'high',
    'medium',
    'low',
})
_SC6: frozenset[Any] = frozenset({
    'kind',
    'safety',
})
_SC7: frozenset[Any] = frozenset({
    'what',
    'why',
    'example',
    'fix',
    'references',
})
_SC8: frozenset[Any] = frozenset({
    'onnx',
    'tf-saved-model',
    'tf-graph-def',
    'tflite',
    'gguf',
    'hdf5',
    'keras',
})
_SC9: frozenset[Any] = frozenset({
    'safe',
    'unsafe',
})


def _s0(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('pack' not in x or 'rules' not in x):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC0 and True:
                return False
    if t is dict and 'pack' in x and not _s1(x['pack']):
        return False
    if t is dict and 'description' in x and not _s2(x['description']):
        return False
    if t is dict and 'severity-overrides' in x and not _s3(x['severity-overrides']):
        return False
    if t is dict and 'fix-overrides' in x and not _s4(x['fix-overrides']):
        return False
    if t is dict and 'rules' in x and not _s5(x['rules']):
        return False
    return True


def _s1(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^[a-z0-9][a-z0-9-]*$', x):
        return False
    return True


def _s2(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s3(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict:
        for k in x:
            if not _s6(k):
                return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC1 and not _s7(v):
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
            if not _s8(k):
                return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC1 and not _s9(v):
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
            if not _s10(v):
                return False
    return True


def _s6(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if t is str and not search('^[A-Z]{2,8}[0-9]{0,3}$', x):
        return False
    return True


def _s7(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC2)):
        return False
    return True


def _s8(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if t is str and not search('^[A-Z]{2,8}[0-9]{0,3}$', x):
        return False
    return True


def _s9(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC3)):
        return False
    return True


def _s10(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s11(x):
        return False
    return True


def _s11(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('id' not in x or 'name' not in x or 'title' not in x or 'severity' not in x or 'kind' not in x or 'message' not in x or 'docs' not in x):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC4 and True:
                return False
    if t is dict and 'id' in x and not _s12(x['id']):
        return False
    if t is dict and 'name' in x and not _s13(x['name']):
        return False
    if t is dict and 'title' in x and not _s14(x['title']):
        return False
    if t is dict and 'severity' in x and not _s15(x['severity']):
        return False
    if t is dict and 'security-severity' in x and not _s16(x['security-severity']):
        return False
    if t is dict and 'precision' in x and not _s17(x['precision']):
        return False
    if t is dict and 'tags' in x and not _s18(x['tags']):
        return False
    if t is dict and 'files' in x and not _s19(x['files']):
        return False
    if t is dict and 'exclude' in x and not _s20(x['exclude']):
        return False
    if t is dict and 'formats' in x and not _s21(x['formats']):
        return False
    if t is dict and 'kind' in x and not _s22(x['kind']):
        return False
    if t is dict and 'params' in x and not _s23(x['params']):
        return False
    if t is dict and 'message' in x and not _s24(x['message']):
        return False
    if t is dict and 'fix' in x and not _s25(x['fix']):
        return False
    if t is dict and 'docs' in x and not _s26(x['docs']):
        return False
    return True


def _s12(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^[A-Z]{2,8}[0-9]{3}$', x):
        return False
    return True


def _s13(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^[a-z][a-z0-9]*(-[a-z0-9]+)*$', x):
        return False
    return True


def _s14(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    if t is str and len(x) > 120:
        return False
    return True


def _s15(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC2)):
        return False
    return True


def _s16(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or t is float)):
        return False
    if (t is int or t is float) and x <= 0:
        return False
    if (t is int or t is float) and x > 10:
        return False
    return True


def _s17(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC5)):
        return False
    return True


def _s18(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s27(v):
                return False
    if t is list and len(x) > 20:
        return False
    return True


def _s19(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s28(x):
        return False
    return True


def _s20(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s28(x):
        return False
    return True


def _s21(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s29(v):
                return False
    return True


def _s22(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^[a-z][a-z0-9-]*$', x):
        return False
    return True


def _s23(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    return True


def _s24(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s30(x):
        return False
    return True


def _s25(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('kind' not in x or 'safety' not in x):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC6 and True:
                return False
    if t is dict and 'kind' in x and not _s31(x['kind']):
        return False
    if t is dict and 'safety' in x and not _s32(x['safety']):
        return False
    return True


def _s26(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('what' not in x or 'why' not in x or 'example' not in x or 'fix' not in x):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC7 and True:
                return False
    if t is dict and 'what' in x and not _s33(x['what']):
        return False
    if t is dict and 'why' in x and not _s34(x['why']):
        return False
    if t is dict and 'example' in x and not _s35(x['example']):
        return False
    if t is dict and 'fix' in x and not _s36(x['fix']):
        return False
    if t is dict and 'references' in x and not _s37(x['references']):
        return False
    return True


def _s27(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^[a-z0-9][a-z0-9/._-]*$', x):
        return False
    return True


def _s28(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s38(v):
                return False
    return True


def _s29(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC8)):
        return False
    return True


def _s30(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s31(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^[a-z][a-z0-9-]*$', x):
        return False
    return True


def _s32(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC9)):
        return False
    return True


def _s33(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s30(x):
        return False
    return True


def _s34(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s30(x):
        return False
    return True


def _s35(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s30(x):
        return False
    return True


def _s36(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s30(x):
        return False
    return True


def _s37(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s39(v):
                return False
    return True


def _s38(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s39(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


VALID = _s0
