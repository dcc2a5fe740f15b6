"""Generated from rules/schemas/peft-adapter-config.schema.json by `python -m hflint.ruledoc`: do not edit.

hflint.schemafast runs it only while the schema file has the size and CRC-32 in STAMP;
the schema file is the source of truth (a stale module is never used)."""

from __future__ import annotations

from typing import Any

from hflint.schemafast.runtime import JSON_TYPES, Bail, search

STAMP = (8547, 3247700945)

_SC0: frozenset[Any] = frozenset({
    'SEQ_CLS',
    'SEQ_2_SEQ_LM',
    'CAUSAL_LM',
    'TOKEN_CLS',
    'QUESTION_ANS',
    'FEATURE_EXTRACTION',
})
_SC1: frozenset[Any] = frozenset({
    'LORA',
})
_SC2: frozenset[Any] = frozenset({
    'none',
    'all',
    'lora_only',
})
_SC3: frozenset[Any] = frozenset()


def _s0(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict and ('peft_type' not in x):
        return False
    if t is dict and 'peft_type' in x and not _s1(x['peft_type']):
        return False
    if t is dict and 'task_type' in x and not _s2(x['task_type']):
        return False
    if t is dict and 'modules_to_save' in x and not _s3(x['modules_to_save']):
        return False
    if not (_s4(x) and _s5(x)):
        return False
    return True


def _s1(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^[A-Z][A-Z0-9_]*$', x):
        return False
    return True


def _s2(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC0) or x is None):
        return False
    return True


def _s3(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list or x is None):
        return False
    if t is list:
        for v in x:
            if not _s6(v):
                return False
    return True


def _s4(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if _s7(x):
        if not _s8(x):
            return False
    return True


def _s5(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if _s9(x):
        if not _s10(x):
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
    if t is dict and 'peft_type' in x and not _s11(x['peft_type']):
        return False
    if t is dict and ('peft_type' not in x):
        return False
    return True


def _s8(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if t is dict and 'r' in x and not _s12(x['r']):
        return False
    if t is dict and 'lora_alpha' in x and not _s13(x['lora_alpha']):
        return False
    if t is dict and 'lora_dropout' in x and not _s14(x['lora_dropout']):
        return False
    if t is dict and 'bias' in x and not _s15(x['bias']):
        return False
    if t is dict and 'init_lora_weights' in x and not _s16(x['init_lora_weights']):
        return False
    if t is dict and 'target_modules' in x and not _s17(x['target_modules']):
        return False
    if t is dict and 'exclude_modules' in x and not _s18(x['exclude_modules']):
        return False
    if t is dict and 'target_parameters' in x and not _s19(x['target_parameters']):
        return False
    if t is dict and 'layers_to_transform' in x and not _s20(x['layers_to_transform']):
        return False
    if t is dict and 'layers_pattern' in x and not _s21(x['layers_pattern']):
        return False
    if t is dict and 'layer_replication' in x and not _s22(x['layer_replication']):
        return False
    if t is dict and 'rank_pattern' in x and not _s23(x['rank_pattern']):
        return False
    if t is dict and 'alpha_pattern' in x and not _s24(x['alpha_pattern']):
        return False
    if t is dict and 'trainable_token_indices' in x and not _s25(x['trainable_token_indices']):
        return False
    if t is dict and 'megatron_config' in x and not _s26(x['megatron_config']):
        return False
    if t is dict and 'eva_config' in x and not _s27(x['eva_config']):
        return False
    if t is dict and 'corda_config' in x and not _s28(x['corda_config']):
        return False
    if t is dict and 'lora_ga_config' in x and not _s29(x['lora_ga_config']):
        return False
    if t is dict and 'velora_config' in x and not _s30(x['velora_config']):
        return False
    if t is dict and 'monteclora_config' in x and not _s31(x['monteclora_config']):
        return False
    if t is dict and 'arrow_config' in x and not _s32(x['arrow_config']):
        return False
    if t is dict and 'kasa_config' in x and not _s33(x['kasa_config']):
        return False
    if t is dict and 'use_bdlora' in x and not _s34(x['use_bdlora']):
        return False
    return True


def _s9(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if t is dict and 'peft_type' in x and not _s35(x['peft_type']):
        return False
    if t is dict and 'layers_pattern' in x and not _s36(x['layers_pattern']):
        return False
    if t is dict and ('peft_type' not in x or 'layers_pattern' not in x):
        return False
    return True


def _s10(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if t is dict and ('layers_to_transform' not in x):
        return False
    if t is dict and 'layers_to_transform' in x and not _s37(x['layers_to_transform']):
        return False
    return True


def _s11(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC1)):
        return False
    return True


def _s12(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer()))):
        return False
    if (t is int or t is float) and x < 1:
        return False
    if t is float:
        return False
    return True


def _s13(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or t is float)):
        return False
    return True


def _s14(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or t is float)):
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
    if not (_s38(x) or _s39(x)):
        return False
    return True


def _s17(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list or t is str or x is None):
        return False
    if t is list:
        for v in x:
            if not _s40(v):
                return False
    return True


def _s18(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list or t is str or x is None):
        return False
    if t is list:
        for v in x:
            if not _s41(v):
                return False
    return True


def _s19(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list or x is None):
        return False
    if t is list:
        for v in x:
            if not _s42(v):
                return False
    return True


def _s20(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (_s43(x) or _s44(x) or _s45(x)):
        return False
    return True


def _s21(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list or t is str or x is None):
        return False
    if t is list:
        for v in x:
            if not _s46(v):
                return False
    return True


def _s22(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list or x is None):
        return False
    if t is list:
        for v in x:
            if not _s47(v):
                return False
    return True


def _s23(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict or x is None):
        return False
    return True


def _s24(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict or x is None):
        return False
    return True


def _s25(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (_s48(x) or _s49(x) or _s50(x)):
        return False
    return True


def _s26(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict or x is None):
        return False
    return True


def _s27(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict or x is None):
        return False
    return True


def _s28(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict or x is None):
        return False
    return True


def _s29(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict or x is None):
        return False
    return True


def _s30(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict or x is None):
        return False
    return True


def _s31(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict or x is None):
        return False
    return True


def _s32(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict or x is None):
        return False
    return True


def _s33(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict or x is None):
        return False
    return True


def _s34(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict or x is None):
        return False
    return True


def _s35(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is str and x in _SC1)):
        return False
    return True


def _s36(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if _s51(x):
        return False
    return True


def _s37(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if _s52(x):
        return False
    return True


def _s38(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is bool):
        return False
    return True


def _s39(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    if t is str and not search('^(gaussian|eva|olora|pissa|pissa_niter_[0-9]+|corda|loftq|orthogonal|mica|lora_ga)$', x):
        return False
    return True


def _s40(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
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
    if not (t is str):
        return False
    return True


def _s43(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer()))):
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
            if not _s53(v):
                return False
    return True


def _s45(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (x is None):
        return False
    return True


def _s46(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is str):
        return False
    return True


def _s47(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list and len(x) > 0 and not _s54(x[0]):
        return False
    if t is list and len(x) > 1 and not _s55(x[1]):
        return False
    if t is list and len(x) < 2:
        return False
    if t is list and len(x) > 2:
        return False
    return True


def _s48(x: Any) -> bool:
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


def _s49(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is dict):
        return False
    if t is dict:
        for k, v in x.items():
            if type(k) is not str:
                raise Bail
            if k not in _SC3 and not _s57(v):
                return False
    return True


def _s50(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (x is None):
        return False
    return True


def _s51(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (x is None):
        return False
    return True


def _s52(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (x is None):
        return False
    return True


def _s53(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer()))):
        return False
    return True


def _s54(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer()))):
        return False
    return True


def _s55(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer()))):
        return False
    return True


def _s56(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer()))):
        return False
    return True


def _s57(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not (t is list):
        return False
    if t is list:
        for v in x:
            if not _s58(v):
                return False
    return True


def _s58(x: Any) -> bool:
    t = type(x)
    if t not in JSON_TYPES:
        raise Bail
    if not ((t is int or (t is float and x.is_integer()))):
        return False
    return True


VALID = _s0
