"""Generated from rules/schemas/dataset-card.schema.json by `python -m hflint.ruledoc`: do not edit.

hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;
the schema file is the source of truth (a stale module is never used)."""

from __future__ import annotations

from typing import Any

from hflint.schemafast.runtime import JSON_TYPES, Bail

STAMP = (8040, 529151217)

_SC0: frozenset[Any] = frozenset()
_SC1: frozenset[Any] = frozenset({
    'found',
    'crowdsourced',
    'expert-generated',
    'machine-generated',
    'no-annotation',
    'other',
})
_SC2: frozenset[Any] = frozenset({
    'found',
    'crowdsourced',
    'expert-generated',
    'machine-generated',
    'other',
})
_SC3: frozenset[Any] = frozenset({
    'monolingual',
    'multilingual',
    'translation',
    'other',
})
_SC4: frozenset[Any] = frozenset({
    'n<1K',
    '1K<n<10K',
    '10K<n<100K',
    '100K<n<1M',
    '1M<n<10M',
    '10M<n<100M',
    '100M<n<1B',
    '1B<n<10B',
    '10B<n<100B',
    '100B<n<1T',
    'n>1T',
    'other',
})
_SC5: frozenset[Any] = frozenset({
    'text',
    'checkbox',
    'date_picker',
    'country',
    'ip_location',
})
_SC6: frozenset[Any] = frozenset({
    'text',
    'checkbox',
    'date_picker',
    'country',
    'ip_location',
    'select',
})


def _s0(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and 'license' in x and not _s1(x['license']):
        return False
    if t is dict and 'license_name' in x and not _s2(x['license_name']):
        return False
    if t is dict and 'license_link' in x and not _s3(x['license_link']):
        return False
    if t is dict and 'license_details' in x and not _s4(x['license_details']):
        return False
    if t is dict and 'language' in x and not _s5(x['language']):
        return False
    if t is dict and 'tags' in x and not _s6(x['tags']):
        return False
    if t is dict and 'extra_gated_prompt' in x and not _s7(x['extra_gated_prompt']):
        return False
    if t is dict and 'extra_gated_heading' in x and not _s8(x['extra_gated_heading']):
        return False
    if t is dict and 'extra_gated_description' in x and not _s9(x['extra_gated_description']):
        return False
    if t is dict and 'extra_gated_button_content' in x and not _s10(x['extra_gated_button_content']):
        return False
    if t is dict and 'extra_gated_fields' in x and not _s11(x['extra_gated_fields']):
        return False
    if t is dict and 'extra_gated_eu_disallowed' in x and not _s12(x['extra_gated_eu_disallowed']):
        return False
    if t is dict and 'pretty_name' in x and not _s13(x['pretty_name']):
        return False
    if t is dict and 'annotations_creators' in x and not _s14(x['annotations_creators']):
        return False
    if t is dict and 'language_creators' in x and not _s15(x['language_creators']):
        return False
    if t is dict and 'multilinguality' in x and not _s16(x['multilinguality']):
        return False
    if t is dict and 'size_categories' in x and not _s17(x['size_categories']):
        return False
    if t is dict and 'source_datasets' in x and not _s18(x['source_datasets']):
        return False
    if t is dict and 'task_categories' in x and not _s19(x['task_categories']):
        return False
    if t is dict and 'task_ids' in x and not _s20(x['task_ids']):
        return False
    if t is dict and 'paperswithcode_id' in x and not _s21(x['paperswithcode_id']):
        return False
    if t is dict and 'config_names' in x and not _s22(x['config_names']):
        return False
    if t is dict and 'configs' in x and not _s23(x['configs']):
        return False
    if t is dict and 'dataset_info' in x and not _s24(x['dataset_info']):
        return False
    return True


def _s1(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s25(x):
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
    if not (t is str):
        return False
    return True


def _s5(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or t is list):
        return False
    if t is list and len(x) < 1:
        return False
    if t is list:
        for v in x:
            if not _s26(v):
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
            if not _s27(v):
                return False
    return True


def _s7(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
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
    return True


def _s10(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s11(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s28(x):
        return False
    return True


def _s12(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is bool):
        return False
    return True


def _s13(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s14(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or t is list):
        return False
    if t is list and len(x) < 1:
        return False
    if t is list:
        for v in x:
            if not _s29(v):
                return False
    if _s30(x):
        if not _s31(x):
            return False
    return True


def _s15(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or t is list):
        return False
    if t is list and len(x) < 1:
        return False
    if t is list:
        for v in x:
            if not _s32(v):
                return False
    if _s33(x):
        if not _s34(x):
            return False
    return True


def _s16(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or t is list):
        return False
    if t is list and len(x) < 1:
        return False
    if t is list:
        for v in x:
            if not _s35(v):
                return False
    if _s36(x):
        if not _s37(x):
            return False
    return True


def _s17(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or t is list):
        return False
    if t is list and len(x) < 1:
        return False
    if t is list:
        for v in x:
            if not _s38(v):
                return False
    if _s39(x):
        if not _s40(x):
            return False
    return True


def _s18(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or t is list):
        return False
    if t is list and len(x) < 1:
        return False
    if t is list:
        for v in x:
            if not _s41(v):
                return False
    if _s42(x):
        if not _s43(x):
            return False
    return True


def _s19(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or t is list):
        return False
    if t is list and len(x) < 1:
        return False
    if t is list:
        for v in x:
            if not _s44(v):
                return False
    if _s45(x):
        if not _s46(x):
            return False
    return True


def _s20(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or t is list):
        return False
    if t is list and len(x) < 1:
        return False
    if t is list:
        for v in x:
            if not _s47(v):
                return False
    if _s48(x):
        if not _s49(x):
            return False
    return True


def _s21(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or x is None):
        return False
    return True


def _s22(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s50(v):
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
            if not _s51(v):
                return False
    return True


def _s24(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict or t is list):
        return False
    return True


def _s25(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or t is list):
        return False
    if t is list and len(x) < 1:
        return False
    if t is list:
        for v in x:
            if not _s52(v):
                return False
    if _s53(x):
        if not _s54(x):
            return False
    return True


def _s26(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s55(x):
        return False
    return True


def _s27(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s56(x):
        return False
    return True


def _s28(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC0 and not _s57(v):
                return False
    return True


def _s29(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC1)):
        return False
    return True


def _s30(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s31(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC1)):
        return False
    return True


def _s32(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC2)):
        return False
    return True


def _s33(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s34(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC2)):
        return False
    return True


def _s35(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC3)):
        return False
    return True


def _s36(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s37(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC3)):
        return False
    return True


def _s38(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC4)):
        return False
    return True


def _s39(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s40(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC4)):
        return False
    return True


def _s41(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s56(x):
        return False
    return True


def _s42(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s43(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s56(x):
        return False
    return True


def _s44(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s56(x):
        return False
    return True


def _s45(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s46(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s56(x):
        return False
    return True


def _s47(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s56(x):
        return False
    return True


def _s48(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s49(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s56(x):
        return False
    return True


def _s50(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s51(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('config_name' not in x):
        return False
    if t is dict and 'config_name' in x and not _s58(x['config_name']):
        return False
    if t is dict and 'default' in x and not _s59(x['default']):
        return False
    if t is dict and 'data_files' in x and not _s60(x['data_files']):
        return False
    return True


def _s52(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s53(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s54(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s55(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s56(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s57(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (_s61(x) or _s62(x)):
        return False
    return True


def _s58(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s59(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is bool):
        return False
    return True


def _s60(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (_s63(x) or _s64(x)):
        return False
    return True


def _s61(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC5)):
        return False
    return True


def _s62(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('type' not in x):
        return False
    if t is dict and 'type' in x and not _s65(x['type']):
        return False
    if t is dict and 'options' in x and not _s66(x['options']):
        return False
    return True


def _s63(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s64(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s67(v):
                return False
    return True


def _s65(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC6)):
        return False
    return True


def _s66(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    return True


def _s67(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (_s68(x) or _s69(x)):
        return False
    return True


def _s68(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s69(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('split' not in x or 'path' not in x):
        return False
    if t is dict and 'split' in x and not _s70(x['split']):
        return False
    if t is dict and 'path' in x and not _s71(x['path']):
        return False
    return True


def _s70(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s71(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or t is list):
        return False
    if t is list and len(x) < 1:
        return False
    if t is list:
        for v in x:
            if not _s72(v):
                return False
    if _s73(x):
        if not _s74(x):
            return False
    return True


def _s72(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s73(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s74(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


VALID = _s0
