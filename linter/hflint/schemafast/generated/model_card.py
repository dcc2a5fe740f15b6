"""Generated from rules/schemas/model-card.schema.json by `python -m hflint.ruledoc`: do not edit.

hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;
the schema file is the source of truth (a stale module is never used)."""

from __future__ import annotations

from typing import Any

from hflint.schemafast.runtime import JSON_TYPES, Bail, search

STAMP = (10680, 3462252596)

_SC0: frozenset[Any] = frozenset()
_SC1: frozenset[Any] = frozenset({
    'text',
    'checkbox',
    'date_picker',
    'country',
    'ip_location',
})
_SC2: frozenset[Any] = frozenset({
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
    if t is dict and 'library_name' in x and not _s13(x['library_name']):
        return False
    if t is dict and 'pipeline_tag' in x and not _s14(x['pipeline_tag']):
        return False
    if t is dict and 'datasets' in x and not _s15(x['datasets']):
        return False
    if t is dict and 'buckets' in x and not _s16(x['buckets']):
        return False
    if t is dict and 'metrics' in x and not _s17(x['metrics']):
        return False
    if t is dict and 'base_model' in x and not _s18(x['base_model']):
        return False
    if t is dict and 'base_model_relation' in x and not _s19(x['base_model_relation']):
        return False
    if t is dict and 'new_version' in x and not _s20(x['new_version']):
        return False
    if t is dict and 'model-index' in x and not _s21(x['model-index']):
        return False
    if t is dict and 'widget' in x and not _s22(x['widget']):
        return False
    if t is dict and 'inference' in x and not _s23(x['inference']):
        return False
    if t is dict and 'thumbnail' in x and not _s24(x['thumbnail']):
        return False
    if t is dict and 'co2_eq_emissions' in x and not _s25(x['co2_eq_emissions']):
        return False
    if t is dict and 'instance_prompt' in x and not _s26(x['instance_prompt']):
        return False
    if t is dict and 'mask_token' in x and not _s27(x['mask_token']):
        return False
    if t is dict and 'finetuned_from' in x and not _s28(x['finetuned_from']):
        return False
    return True


def _s1(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s29(x):
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
            if not _s30(v):
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
            if not _s31(v):
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
    if not _s32(x):
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
    if not (t is str):
        return False
    if t is str and len(x) < 1:
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
            if not _s33(v):
                return False
    if _s34(x):
        if not _s35(x):
            return False
    return True


def _s16(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s36(v):
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
            if not _s37(v):
                return False
    if _s38(x):
        if not _s39(x):
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
            if not _s40(v):
                return False
    if _s41(x):
        if not _s42(x):
            return False
    return True


def _s19(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s20(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s43(x):
        return False
    return True


def _s21(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s44(x):
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
            if not _s45(v):
                return False
    return True


def _s23(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (_s46(x) or _s47(x)):
        return False
    return True


def _s24(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or x is None):
        return False
    return True


def _s25(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (_s48(x) or _s49(x)):
        return False
    return True


def _s26(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or x is None):
        return False
    return True


def _s27(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s28(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s29(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str or t is list):
        return False
    if t is list and len(x) < 1:
        return False
    if t is list:
        for v in x:
            if not _s50(v):
                return False
    if _s51(x):
        if not _s52(x):
            return False
    return True


def _s30(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s53(x):
        return False
    return True


def _s31(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s54(x):
        return False
    return True


def _s32(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC0 and not _s55(v):
                return False
    return True


def _s33(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s54(x):
        return False
    return True


def _s34(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s35(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s54(x):
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
    if not _s54(x):
        return False
    return True


def _s38(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s39(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s54(x):
        return False
    return True


def _s40(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s43(x):
        return False
    return True


def _s41(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s42(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not _s43(x):
        return False
    return True


def _s43(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    if t is str and len(x) > 200:
        return False
    if t is str and not search('^(?![./~\\\\])(?!.*\\.\\.)(?!.*\\\\)(?!.*:)[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?$', x):
        return False
    return True


def _s44(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s56(v):
                return False
    return True


def _s45(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    return True


def _s46(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is bool):
        return False
    return True


def _s47(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and 'parameters' in x and not _s57(x['parameters']):
        return False
    return True


def _s48(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or t is float)):
        return False
    return True


def _s49(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and 'emissions' in x and not _s58(x['emissions']):
        return False
    if t is dict and 'source' in x and not _s59(x['source']):
        return False
    if t is dict and 'training_type' in x and not _s60(x['training_type']):
        return False
    if t is dict and 'geographical_location' in x and not _s61(x['geographical_location']):
        return False
    if t is dict and 'hardware_used' in x and not _s62(x['hardware_used']):
        return False
    return True


def _s50(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s51(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
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
    if t is str and len(x) < 1:
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
    if not (_s63(x) or _s64(x)):
        return False
    return True


def _s56(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('name' not in x or 'results' not in x):
        return False
    if t is dict and 'name' in x and not _s65(x['name']):
        return False
    if t is dict and 'results' in x and not _s66(x['results']):
        return False
    return True


def _s57(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    return True


def _s58(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or t is float)):
        return False
    return True


def _s59(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s60(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s61(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s62(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s63(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC1)):
        return False
    return True


def _s64(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('type' not in x):
        return False
    if t is dict and 'type' in x and not _s67(x['type']):
        return False
    if t is dict and 'options' in x and not _s68(x['options']):
        return False
    return True


def _s65(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s66(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s69(v):
                return False
    return True


def _s67(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC2)):
        return False
    return True


def _s68(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    return True


def _s69(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('task' not in x or 'dataset' not in x or 'metrics' not in x):
        return False
    if t is dict and 'task' in x and not _s70(x['task']):
        return False
    if t is dict and 'dataset' in x and not _s71(x['dataset']):
        return False
    if t is dict and 'metrics' in x and not _s72(x['metrics']):
        return False
    if t is dict and 'source' in x and not _s73(x['source']):
        return False
    return True


def _s70(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('type' not in x):
        return False
    if t is dict and 'type' in x and not _s74(x['type']):
        return False
    if t is dict and 'name' in x and not _s75(x['name']):
        return False
    return True


def _s71(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('type' not in x or 'name' not in x):
        return False
    if t is dict and 'type' in x and not _s76(x['type']):
        return False
    if t is dict and 'name' in x and not _s77(x['name']):
        return False
    if t is dict and 'config' in x and not _s78(x['config']):
        return False
    if t is dict and 'split' in x and not _s79(x['split']):
        return False
    if t is dict and 'revision' in x and not _s80(x['revision']):
        return False
    if t is dict and 'args' in x and not _s81(x['args']):
        return False
    return True


def _s72(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s82(v):
                return False
    return True


def _s73(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('url' not in x):
        return False
    if t is dict and 'url' in x and not _s83(x['url']):
        return False
    if t is dict and 'name' in x and not _s84(x['name']):
        return False
    return True


def _s74(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s75(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s76(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s77(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s78(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s79(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s80(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s81(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict or t is str or x is None):
        return False
    return True


def _s82(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('type' not in x or 'value' not in x):
        return False
    if t is dict and 'type' in x and not _s85(x['type']):
        return False
    if t is dict and 'name' in x and not _s86(x['name']):
        return False
    if t is dict and 'config' in x and not _s87(x['config']):
        return False
    if t is dict and 'args' in x and not _s88(x['args']):
        return False
    if t is dict and 'verified' in x and not _s89(x['verified']):
        return False
    if t is dict and 'verifyToken' in x and not _s90(x['verifyToken']):
        return False
    return True


def _s83(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s84(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s85(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and len(x) < 1:
        return False
    return True


def _s86(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s87(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s88(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict or t is str or x is None):
        return False
    return True


def _s89(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is bool):
        return False
    return True


def _s90(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


VALID = _s0
