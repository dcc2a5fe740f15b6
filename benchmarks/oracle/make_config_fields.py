"""Writes rules/data/transformers-config-fields.json (the field types transformers checks) and
rules/data/diffusers-config-fields.json (the constructor arguments of diffusers classes).

transformers 5 declares each model's config as a ``@strict`` dataclass (huggingface_hub
``dataclasses.strict``): ``from_pretrained`` builds the class from config.json and every
declared field is checked against its annotation and its validators on assignment, so
``"hidden_size": 16.0`` or ``"rms_norm_eps": 1`` (an int for a float) fails to load. This
script reads those declarations from the installed transformers (``dataclasses.fields``
of each class in ``CONFIG_MAPPING``), for the model types in ``MODEL_TYPES`` and the
sub-configs they nest, and writes them as data for the ``config-fields`` check kind (HF213).

The encoding mirrors what ``huggingface_hub.dataclasses.type_validator`` accepts for a
value read from JSON:

* ``"any"``: not checked (``Any``, or an annotation kept as a string, as in modules with
  ``from __future__ import annotations``: the validator skips those);
* ``"int"`` (not bool), ``"float"`` (a JSON integer is not a float), ``"bool"``, ``"str"``,
  ``"null"``, ``"list"``, ``"dict"``; ``"never"`` for a class no JSON value is an instance
  of (``tuple``, ``torch.dtype``, a config class, a TypedDict);
* ``{"list": T}``, ``{"dict": [K, V]}`` (JSON keys are strings, so an ``int`` key type
  never matches), ``{"seq": T}`` (``Sequence``: a list or a string), ``{"union": [...]}``,
  ``{"enum": [...]}`` (``Literal``; booleans and integers compared as the validator does);
* validators from the field's metadata: ``{"interval": [min, max, exclude_min,
  exclude_max]}``, ``"positive"`` (``positive_int_field``: an int above 0, or null),
  ``"activation"`` (``activation_fn_key``: a key of ``ACT2FN``).

Each model type records its class, the module that declares it, ``attribute_map`` (JSON
keys that are aliases of fields) and the model types of its sub-configs. Types are stored
once in ``types`` and referred to by index.

    python benchmarks/oracle/make_config_fields.py   # in a venv with transformers (and torch)
"""

from __future__ import annotations

import collections.abc
import dataclasses
import json
import re
import types
import typing
from pathlib import Path
from typing import Any

from seeds import ROOT  # the checkout (this script runs from benchmarks/oracle)

OUT = ROOT / "rules" / "data" / "transformers-config-fields.json"

# The model types most published on the Hub: decoder LLMs, encoders, encoder-decoders,
# speech, vision and multimodal families. Their sub-configs are added automatically.
MODEL_TYPES = [
    # decoders
    "llama", "mistral", "mixtral", "ministral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "gemma", "gemma2",
    "gemma3", "gemma3_text", "phi", "phi3", "phimoe", "gpt2", "gpt_neox", "gptj", "gpt_bigcode", "gpt_neo",
    "falcon", "bloom", "opt", "starcoder2", "olmo", "olmo2", "cohere", "cohere2", "stablelm", "granite",
    "deepseek_v2", "deepseek_v3", "mamba", "mamba2", "jamba", "smollm3", "glm", "glm4", "helium",
    # encoders
    "bert", "roberta", "xlm-roberta", "distilbert", "albert", "electra", "deberta", "deberta-v2", "mpnet",
    "camembert", "modernbert", "ernie", "xlnet", "longformer", "xlm-roberta-xl", "esm",
    # encoder-decoders
    "t5", "mt5", "umt5", "bart", "mbart", "marian", "pegasus", "led", "longt5", "m2m_100", "nllb-moe",
    # speech
    "whisper", "wav2vec2", "hubert", "wavlm", "speecht5", "seamless_m4t",
    # vision and multimodal
    "clip", "siglip", "siglip2", "vit", "deit", "beit", "swin", "convnext", "resnet", "dinov2", "detr",
    "segformer", "blip", "blip-2", "llava", "llava_next", "qwen2_vl", "qwen2_5_vl", "idefics2", "idefics3",
    "mllama", "paligemma", "layoutlmv3", "owlvit", "vision-encoder-decoder",
]


def encode(tp: Any, lenient: bool = False) -> Any:
    """The annotation as data (see the module docstring); mirrors huggingface_hub's
    ``type_validator`` branch by branch. ``lenient`` encodes what code that does not check
    types can still use (diffusers' ``register_to_config`` classes): a float parameter
    takes any number, a bool any value (it is read for its truth), a tuple a list, and an
    unknown class anything."""
    if tp is Any or isinstance(tp, str | typing.ForwardRef):
        return "any"
    if tp is None or tp is type(None):
        return "null"
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        parts = [encode(a, lenient) for a in args]
        return "any" if "any" in parts else {"union": parts}
    if origin is typing.Literal:
        if lenient:  # diffusers' Literals are documentation; what code accepts may be wider
            kinds = {type(a) for a in args}
            return encode(kinds.pop(), lenient) if len(kinds) == 1 else "any"
        return {"enum": list(args)}
    if origin is list or (lenient and origin is tuple):
        items = [encode(a, lenient) for a in args if a is not Ellipsis]
        item = items[0] if len(set(map(json.dumps, items))) == 1 else {"union": items} if items else "any"
        return {"list": item} if args else "list"
    if origin is dict:
        return {"dict": [encode(args[0], lenient), encode(args[1], lenient)]} if args else "dict"
    if origin is collections.abc.Sequence:
        return {"seq": encode(args[0], lenient)} if args else {"seq": "any"}
    if origin in (tuple, set, frozenset):
        return "never"  # JSON yields lists, never tuples or sets
    if origin is not None:
        return "any" if lenient else _unsupported(tp)
    simple = {int: "int", float: "number" if lenient else "float", bool: "any" if lenient else "bool",
              str: "str", list: "list", dict: "dict", object: "any", tuple: "list" if lenient else "never"}
    if tp in simple:
        return simple[tp]
    if isinstance(tp, type):
        return "never"  # torch.dtype, a config class, a TypedDict: no JSON value is one
    return _unsupported(tp)


def _unsupported(tp: Any) -> Any:
    raise ValueError(f"unsupported annotation {tp!r}")


# diffusers classes whose config.json / scheduler_config.json the table covers: the
# pipeline components published most (Stable Diffusion 1-3, SDXL, Flux, ControlNet) and the
# schedulers they ship with.
DIFFUSERS_CLASSES = [
    "UNet2DModel", "UNet2DConditionModel", "AutoencoderKL", "AutoencoderTiny", "ControlNetModel",
    "SD3Transformer2DModel", "FluxTransformer2DModel", "PriorTransformer", "Transformer2DModel",
    "DDPMScheduler", "DDIMScheduler", "PNDMScheduler", "EulerDiscreteScheduler", "EulerAncestralDiscreteScheduler",
    "DPMSolverMultistepScheduler", "LMSDiscreteScheduler", "HeunDiscreteScheduler", "UniPCMultistepScheduler",
    "FlowMatchEulerDiscreteScheduler", "LCMScheduler", "DEISMultistepScheduler", "KDPM2DiscreteScheduler",
]
DIFFUSERS_OUT = ROOT / "rules" / "data" / "diffusers-config-fields.json"


def diffusers_table() -> dict[str, Any]:
    """The constructor arguments of the diffusers classes, as register_to_config stores them
    in config.json; diffusers passes them to __init__ unchecked, so the types are encoded
    leniently (see encode)."""
    import inspect

    import diffusers

    types_table: dict[str, int] = {}
    classes: dict[str, Any] = {}
    for name in DIFFUSERS_CLASSES:
        cls = getattr(diffusers, name)
        hints = typing.get_type_hints(cls.__init__)
        fields = {}
        for param in inspect.signature(cls.__init__).parameters:
            if param in ("self", "kwargs", "args") or param not in hints:
                continue
            entry = encode(hints[param], lenient=True)
            if entry == "never":
                continue  # a lone class (numpy.ndarray): what JSON stands for it is unknown
            if entry == "any":
                continue
            fields[param] = types_table.setdefault(json.dumps(entry, sort_keys=True), len(types_table))
        module = cls.__module__.replace(".", "/") + ".py"
        classes[name] = {"class": f"{name}.__init__", "module": module, "fields": dict(sorted(fields.items())),
                         "defaults": {}, "aliases": {}, "sub_configs": {}, "uses": {}}
    return {
        "source": f"diffusers {diffusers.__version__}: the annotated __init__ arguments of each class, which "
                  "register_to_config writes to config.json and from_config passes back unchecked",
        "generated-by": "benchmarks/oracle/make_config_fields.py",
        "activations": [], "dtypes": [], "quant_methods": [],
        "types": [json.loads(k) for k in types_table],
        "models": classes,
    }


def validators(field: dataclasses.Field[Any]) -> list[Any]:
    found = field.metadata.get("validator")
    out: list[Any] = []
    for fn in found if isinstance(found, list) else [found] if found else []:
        name = getattr(fn, "__qualname__", "")
        if name.startswith("interval."):
            cells = dict(zip(fn.__code__.co_freevars, (c.cell_contents for c in fn.__closure__), strict=True))
            bounds = [cells["min"], cells["max"]]
            out.append({"interval": [None if abs(b) == float("inf") else b for b in bounds]
                        + [cells["exclude_min"], cells["exclude_max"]]})
        elif name == "positive_int_field":
            out.append("positive")
        elif name == "activation_fn_key":
            out.append("activation")
        elif name == "probability":
            out.append({"interval": [0, 1, False, False]})
        else:
            raise ValueError(f"unknown validator {name} on {field.name}")
    return out


def describe(cls: type, types_table: dict[str, int]) -> dict[str, Any]:
    hints: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        if field.name.startswith("_"):
            continue
        tp = field.type
        if not isinstance(tp, str):
            hints[field.name] = tp
        entry: Any = encode(tp)
        checks = validators(field)
        if checks:
            entry = {"type": entry, "validators": checks}
        key = json.dumps(entry, sort_keys=True)
        if entry == "any":
            continue  # nothing to check
        fields[field.name] = types_table.setdefault(key, len(types_table))
    subs = {key: spec.model_type for key, spec in getattr(cls, "sub_configs_defaults", {}).items()
            if getattr(spec, "model_type", None)}
    return {
        "class": cls.__name__,
        "module": cls.__module__.replace("transformers.", "transformers/").replace(".", "/") + ".py",
        "fields": dict(sorted(fields.items())),
        "defaults": defaults(cls),
        "aliases": dict(sorted(getattr(cls, "attribute_map", {}).items())),
        "sub_configs": subs,
        "uses": uses(cls),
    }


def defaults(cls: type) -> dict[str, Any]:
    """Integer defaults (sizes and counts): what a config.json without the key gets, which
    the size checks compare with the weights and with each other."""
    out: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        value = field.default
        if not field.name.startswith("_") and type(value) is int:
            out[field.name] = value
    return dict(sorted(out.items()))


_MODELING_PATTERNS = {
    # config keys the modeling code passes where a bad value fails model construction
    "activation": re.compile(r"ACT2FN\[\s*config\.(\w+)\s*\]"),
    "dropout": re.compile(r"nn\.Dropout\(\s*(?:p\s*=\s*)?config\.(\w+)\s*\)"),
    "embedding": re.compile(r"nn\.Embedding\(\s*config\.(\w+)\s*,"),
}
_HEADS_DIVIDE_HIDDEN = re.compile(r"hidden_size\s*%\s*(?:self|config)\.num_attention_heads")
_KV_GROUPS = re.compile(r"config\.num_attention_heads\s*//\s*config\.num_key_value_heads")


def uses(cls: type) -> dict[str, Any]:
    """What the model type's own code requires of its config, found in its source (the
    config class's validators and the modeling file next to it), with the file it is in."""
    import inspect

    found: dict[str, Any] = {}
    config_file = Path(inspect.getfile(cls))
    rel = config_file.as_posix().split("/site-packages/", 1)[-1]
    for klass in cls.__mro__:
        method = klass.__dict__.get("validate_architecture")
        if method is not None and _HEADS_DIVIDE_HIDDEN.search(inspect.getsource(method)):
            where = Path(inspect.getfile(klass)).as_posix().split("/site-packages/", 1)[-1]
            found["heads-divide-hidden"] = f"{where} {klass.__name__}.validate_architecture"
            break
    modeling = config_file.with_name(config_file.name.replace("configuration_", "modeling_"))
    if modeling.is_file():
        text = modeling.read_text(encoding="utf-8")
        mrel = rel.replace("configuration_", "modeling_")
        for name, pattern in _MODELING_PATTERNS.items():
            keys = sorted({k for k in pattern.findall(text) if k in {f.name for f in dataclasses.fields(cls)}})
            if keys:
                found[name] = {"keys": keys, "source": mrel}
        if "heads-divide-hidden" not in found and re.search(r"config\." + _HEADS_DIVIDE_HIDDEN.pattern, text):
            found["heads-divide-hidden"] = f"{mrel} (attention __init__)"
        if _KV_GROUPS.search(text):
            found["kv-groups"] = f"{mrel} (num_key_value_groups)"
    return found


def _dump(data: dict[str, Any]) -> str:
    """JSON with one type and one model a line: compact, and a regeneration diffs by line."""

    def one(value: Any) -> str:
        return json.dumps(value, separators=(",", ":"))

    lines = ["{"]
    for key in ("source", "generated-by", "activations", "dtypes", "quant_methods"):
        lines.append(f"{json.dumps(key)}: {one(data[key])},")
    lines.append('"types": [')
    lines.append(",\n".join(one(t) for t in data["types"]))
    lines.append("],")
    lines.append('"models": {')
    lines.append(",\n".join(f"{json.dumps(k)}: {one(v)}" for k, v in data["models"].items()))
    lines.append("}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    import transformers
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING

    types_table: dict[str, int] = {}
    models: dict[str, Any] = {}
    pending = list(MODEL_TYPES)
    while pending:
        model_type = pending.pop(0)
        if model_type in models or model_type not in CONFIG_MAPPING:
            continue
        models[model_type] = describe(CONFIG_MAPPING[model_type], types_table)
        pending += list(models[model_type]["sub_configs"].values())
    import torch
    from transformers.activations import ACT2FN
    from transformers.quantizers.auto import AUTO_QUANTIZATION_CONFIG_MAPPING

    data = {
        "source": f"transformers {transformers.__version__}: the @strict config dataclasses of each model "
                  "(dataclasses.fields), checked by huggingface_hub.dataclasses.type_validator",
        "generated-by": "benchmarks/oracle/make_config_fields.py",
        "activations": sorted(ACT2FN),  # transformers/activations.py ACT2FN (activation_fn_key)
        # PreTrainedConfig.__post_init__ turns a dtype string into getattr(torch, name)
        "dtypes": sorted(n for n in dir(torch) if isinstance(getattr(torch, n, None), torch.dtype)),
        # quantizers/auto.py AutoQuantizationConfig.from_dict: "Unknown quantization type"
        "quant_methods": sorted(str(m) for m in AUTO_QUANTIZATION_CONFIG_MAPPING),
        "types": [json.loads(k) for k in types_table],
        "models": dict(sorted(models.items())),
    }
    missing = sorted(set(MODEL_TYPES) - set(models))
    if missing:
        raise SystemExit(f"not model types of transformers {transformers.__version__}: {missing}")
    OUT.write_text(_dump(data), encoding="utf-8")
    print(f"{OUT}: {len(models)} model types, {len(types_table)} distinct types, {OUT.stat().st_size} bytes")
    DIFFUSERS_OUT.write_text(_dump(diffusers_table()), encoding="utf-8")
    print(f"{DIFFUSERS_OUT}: {len(DIFFUSERS_CLASSES)} classes, {DIFFUSERS_OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
