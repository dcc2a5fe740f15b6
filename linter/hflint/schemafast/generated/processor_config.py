"""Generated from rules/schemas/processor-config.schema.json by `python -m hflint.ruledoc`: do not edit.

hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;
the schema file is the source of truth (a stale module is never used)."""

from __future__ import annotations

from typing import Any

from hflint.schemafast.runtime import JSON_TYPES, Bail

STAMP = (3223, 1663188725)

_SC0: frozenset[Any] = frozenset()


def _s0(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and 'image_processor_type' in x and not _s1(x['image_processor_type']):
        return False
    if t is dict and 'feature_extractor_type' in x and not _s2(x['feature_extractor_type']):
        return False
    if t is dict and 'processor_class' in x and not _s3(x['processor_class']):
        return False
    if t is dict and 'do_resize' in x and not _s4(x['do_resize']):
        return False
    if t is dict and 'do_rescale' in x and not _s5(x['do_rescale']):
        return False
    if t is dict and 'do_normalize' in x and not _s6(x['do_normalize']):
        return False
    if t is dict and 'do_center_crop' in x and not _s7(x['do_center_crop']):
        return False
    if t is dict and 'do_convert_rgb' in x and not _s8(x['do_convert_rgb']):
        return False
    if t is dict and 'rescale_factor' in x and not _s9(x['rescale_factor']):
        return False
    if t is dict and 'image_mean' in x and not _s10(x['image_mean']):
        return False
    if t is dict and 'image_std' in x and not _s11(x['image_std']):
        return False
    if t is dict and 'size' in x and not _s12(x['size']):
        return False
    if t is dict and 'resample' in x and not _s13(x['resample']):
        return False
    if t is dict and 'sampling_rate' in x and not _s14(x['sampling_rate']):
        return False
    if t is dict and 'feature_size' in x and not _s15(x['feature_size']):
        return False
    if t is dict and 'auto_map' in x and not _s16(x['auto_map']):
        return False
    return True


def _s1(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
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
    if t is str and len(x) < 1:
        return False
    return True


def _s4(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is bool or x is None):
        return False
    return True


def _s5(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is bool or x is None):
        return False
    return True


def _s6(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is bool or x is None):
        return False
    return True


def _s7(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is bool or x is None):
        return False
    return True


def _s8(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is bool or x is None):
        return False
    return True


def _s9(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or t is float) or x is None):
        return False
    if (t is int or t is float) and x <= 0:
        return False
    return True


def _s10(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (_s17(x) or _s18(x) or _s19(x)):
        return False
    return True


def _s11(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (_s20(x) or _s21(x) or _s22(x)):
        return False
    return True


def _s12(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (_s23(x) or _s24(x) or _s25(x) or _s26(x)):
        return False
    return True


def _s13(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer())) or x is None):
        return False
    if (t is int or t is float) and x < 0:
        return False
    return True


def _s14(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer()))):
        return False
    if (t is int or t is float) and x < 1:
        return False
    return True


def _s15(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer()))):
        return False
    if (t is int or t is float) and x < 1:
        return False
    return True


def _s16(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC0 and not _s27(v):
                return False
    return True


def _s17(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or t is float)):
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
            if not _s28(v):
                return False
    return True


def _s19(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (x is None):
        return False
    return True


def _s20(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or t is float)):
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
    if not (x is None):
        return False
    return True


def _s23(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer()))):
        return False
    if (t is int or t is float) and x < 1:
        return False
    return True


def _s24(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC0 and not _s30(v):
                return False
    return True


def _s25(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s31(v):
                return False
    return True


def _s26(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (x is None):
        return False
    return True


def _s27(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (_s32(x) or _s33(x)):
        return False
    return True


def _s28(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or t is float)):
        return False
    return True


def _s29(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or t is float)):
        return False
    return True


def _s30(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer())) or x is None):
        return False
    if (t is int or t is float) and x < 1:
        return False
    return True


def _s31(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer()))):
        return False
    if (t is int or t is float) and x < 1:
        return False
    return True


def _s32(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s33(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s34(v):
                return False
    return True


def _s34(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or x is None):
        return False
    return True


VALID = _s0
