"""Sparse Llama-2-7B and Llama-3-70B repositories as published on the Hub, for scan_bench.py.

Every file a published Llama repository has, at its real size and shape, except that the
shard data is a hole (sparse files: a 70B layout of 30 x 4.6 GB shards takes a few MB of
disk): config.json, generation_config.json, a gated model card with its license and use
policy, .gitattributes, tokenizer.json (a byte-fallback BPE of 32,000 pieces for Llama-2, a
byte-level BPE of 128,000 pieces plus 256 special tokens for Llama-3), tokenizer_config.json,
special_tokens_map.json, the weights as safetensors shards with model.safetensors.index.json,
or as torch.save zip shards with pytorch_model.bin.index.json.

The tokenizer's vocabulary is synthetic but built the way real BPE vocabularies are: every
piece is the concatenation of two earlier pieces, and the merges are every split of a piece
into two pieces of the vocabulary, ranked by the merged piece (what transformers'
SentencePieceExtractor writes for Llama-2), so the file has the real counts (about 61,000
merges for Llama-2, 280,000 for Llama-3) and sizes (1.8 MB and 9 MB).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "golden"))
import make_weights_fixtures as fx  # noqa: E402


class Spec(NamedTuple):
    name: str
    layers: int
    hidden: int
    inter: int
    heads: int
    kv_heads: int
    vocab: int  # the model's vocabulary (embedding rows)
    pieces: int  # the BPE model's vocabulary (without added special tokens)
    shards: int
    dtype: str  # safetensors dtype
    license: str


LLAMA2_7B = Spec("7b", 32, 4096, 11008, 32, 32, 32000, 32000, 2, "F16", "llama2")
LLAMA3_70B = Spec("70b", 80, 8192, 28672, 64, 8, 128256, 128000, 30, "BF16", "llama3")
SPECS = {s.name: s for s in (LLAMA2_7B, LLAMA3_70B)}


def tensors(spec: Spec) -> list[tuple[str, list[int]]]:
    h, i, v = spec.hidden, spec.inter, spec.vocab
    kv = h // spec.heads * spec.kv_heads
    out = [("model.embed_tokens.weight", [v, h])]
    for n in range(spec.layers):
        p = f"model.layers.{n}."
        out += [(p + "self_attn.q_proj.weight", [h, h]), (p + "self_attn.k_proj.weight", [kv, h]),
                (p + "self_attn.v_proj.weight", [kv, h]), (p + "self_attn.o_proj.weight", [h, h]),
                (p + "mlp.gate_proj.weight", [i, h]), (p + "mlp.up_proj.weight", [i, h]),
                (p + "mlp.down_proj.weight", [h, i]),
                (p + "input_layernorm.weight", [h]), (p + "post_attention_layernorm.weight", [h])]
    return [*out, ("model.norm.weight", [h]), ("lm_head.weight", [v, h])]


def _numel(shape: list[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def split(items: list[tuple[str, list[int]]], shards: int) -> list[list[tuple[str, list[int]]]]:
    total = sum(_numel(s) for _, s in items)
    out: list[list[tuple[str, list[int]]]] = [[] for _ in range(shards)]
    done = 0
    for name, shape in items:
        out[min(done * shards // total, shards - 1)].append((name, shape))
        done += _numel(shape)
    return out


def _bpe(alphabet: list[str], size: int, seed: int) -> tuple[list[str], list[str]]:
    """(pieces in rank order, merges "a b" in rank order): each new piece joins two earlier
    ones, short ones more often, as BPE training does on text."""
    rng = random.Random(seed)
    pieces = list(alphabet)
    known = set(pieces)
    while len(pieces) < size:
        n = len(pieces)
        a = pieces[int(n * rng.random() ** 8)]
        b = pieces[int(n * rng.random() ** 30)]
        new = a + b
        if len(new) <= 16 and new not in known:
            known.add(new)
            pieces.append(new)
    merges = []
    for piece in pieces[len(alphabet):]:
        merges += [f"{piece[:k]} {piece[k:]}" for k in range(1, len(piece))
                   if piece[:k] in known and piece[k:] in known]
    return pieces, merges


def _byte_chars() -> list[str]:
    """GPT-2's bytes_to_unicode: the 256 printable stand-ins of a byte-level BPE."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    out, extra = [], 0
    for b in range(256):
        if b in keep:
            out.append(chr(b))
        else:
            out.append(chr(256 + extra))
            extra += 1
    return out


def _special(content: str, ident: int) -> dict[str, object]:
    return {"id": ident, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}


def tokenizer_files(spec: Spec) -> dict[str, object]:
    if spec is LLAMA2_7B:
        specials = ["<unk>", "<s>", "</s>"]
        fallback = [f"<0x{b:02X}>" for b in range(256)]
        letters = [chr(c) for c in range(0x21, 0x7F) if chr(c) != " "]
        alphabet = ["▁", *letters, *(chr(c) for c in range(0xC0, 0x250))]  # sentencepiece keeps chars
        pieces, merges = _bpe(alphabet, spec.pieces - len(specials) - len(fallback), seed=7)
        # sentencepiece ranks single characters after the merged pieces
        ordered = specials + fallback + pieces[len(alphabet):] + pieces[:len(alphabet)]
        model = {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                 "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                 "vocab": {p: i for i, p in enumerate(ordered)}, "merges": merges}
        added = [_special(t, i) for i, t in enumerate(specials)]
        tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
               "normalizer": {"type": "Sequence", "normalizers": [
                   {"type": "Prepend", "prepend": "▁"},
                   {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
               "pre_tokenizer": None,
               "post_processor": {"type": "TemplateProcessing",
                                  "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                             {"Sequence": {"id": "A", "type_id": 0}}],
                                  "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                           {"Sequence": {"id": "A", "type_id": 0}},
                                           {"SpecialToken": {"id": "<s>", "type_id": 1}},
                                           {"Sequence": {"id": "B", "type_id": 1}}],
                                  "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
               "decoder": {"type": "Sequence", "decoders": [
                   {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                   {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1,
                                                                  "stop": 0}]},
               "model": model}
        entry = {"lstrip": False, "normalized": False, "rstrip": False, "single_word": False}
        config = {"add_bos_token": True, "add_eos_token": False,
                  "added_tokens_decoder": {str(i): {"content": t, **entry, "special": True}
                                           for i, t in enumerate(specials)},
                  "bos_token": "<s>", "clean_up_tokenization_spaces": False, "eos_token": "</s>",
                  "legacy": False, "model_max_length": 1000000000000000019884624838656, "pad_token": None,
                  "padding_side": "right", "sp_model_kwargs": {}, "tokenizer_class": "LlamaTokenizer",
                  "unk_token": "<unk>"}
        special_map = {k: {"content": t, **entry} for k, t in
                       (("bos_token", "<s>"), ("eos_token", "</s>"), ("unk_token", "<unk>"))}
        return {"tokenizer.json": tok, "tokenizer_config.json": config, "special_tokens_map.json": special_map}
    pieces, merges = _bpe(_byte_chars(), spec.pieces, seed=8)
    names = ["<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>",
             "<|reserved_special_token_1|>", "<|finetune_right_pad_id|>", "<|reserved_special_token_2|>",
             "<|start_header_id|>", "<|end_header_id|>", "<|eom_id|>", "<|eot_id|>", "<|python_tag|>"]
    names += [f"<|reserved_special_token_{k}|>" for k in range(3, 3 + spec.vocab - spec.pieces - len(names))]
    added = [_special(t, spec.pieces + i) for i, t in enumerate(names)]
    tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
           "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
               {"type": "Split", "pattern": {"Regex": r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|"
                                                      r"\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|"
                                                      r"\s+(?!\S)|\s+"},
                "behavior": "Isolated", "invert": False},
               {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
           "post_processor": {"type": "Sequence", "processors": [
               {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
               {"type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                           {"Sequence": {"id": "A", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                         {"Sequence": {"id": "A", "type_id": 0}},
                         {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 1}},
                         {"Sequence": {"id": "B", "type_id": 1}}],
                "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [128000],
                                                         "tokens": ["<|begin_of_text|>"]}}}]},
           "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
           "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                     "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": True,
                     "vocab": {p: i for i, p in enumerate(pieces)}, "merges": merges}}
    entry = {"lstrip": False, "normalized": False, "rstrip": False, "single_word": False}
    template = ("{{- bos_token }}{%- for message in messages %}{{- '<|start_header_id|>' + message['role'] + "
                "'<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' }}{%- endfor %}"
                "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}"
                "{%- endif %}")
    config = {"added_tokens_decoder": {str(a["id"]): {"content": a["content"], **entry, "special": True}
                                       for a in added},
              "bos_token": "<|begin_of_text|>", "chat_template": template, "clean_up_tokenization_spaces": True,
              "eos_token": "<|eot_id|>", "model_input_names": ["input_ids", "attention_mask"],
              "model_max_length": 1000000000000000019884624838656, "tokenizer_class": "PreTrainedTokenizerFast"}
    special_map = {"bos_token": {"content": "<|begin_of_text|>", **entry},
                   "eos_token": {"content": "<|eot_id|>", **entry}}
    return {"tokenizer.json": tok, "tokenizer_config.json": config, "special_tokens_map.json": special_map}


def configs(spec: Spec) -> dict[str, object]:
    if spec is LLAMA2_7B:
        config = {"architectures": ["LlamaForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
                  "hidden_size": spec.hidden, "initializer_range": 0.02, "intermediate_size": spec.inter,
                  "max_position_embeddings": 4096, "model_type": "llama", "num_attention_heads": spec.heads,
                  "num_hidden_layers": spec.layers, "num_key_value_heads": spec.kv_heads, "pretraining_tp": 1,
                  "rms_norm_eps": 1e-05, "rope_scaling": None, "tie_word_embeddings": False,
                  "torch_dtype": "float16", "transformers_version": "4.31.0.dev0", "use_cache": True,
                  "vocab_size": spec.vocab}
        generation = {"bos_token_id": 1, "do_sample": True, "eos_token_id": 2, "max_length": 4096,
                      "pad_token_id": 0, "temperature": 0.6, "top_p": 0.9, "transformers_version": "4.31.0.dev0"}
    else:
        config = {"architectures": ["LlamaForCausalLM"], "attention_bias": False, "attention_dropout": 0.0,
                  "bos_token_id": 128000, "eos_token_id": 128009, "hidden_act": "silu", "hidden_size": spec.hidden,
                  "initializer_range": 0.02, "intermediate_size": spec.inter, "max_position_embeddings": 8192,
                  "model_type": "llama", "num_attention_heads": spec.heads, "num_hidden_layers": spec.layers,
                  "num_key_value_heads": spec.kv_heads, "pretraining_tp": 1, "rms_norm_eps": 1e-05,
                  "rope_scaling": None, "rope_theta": 500000.0, "tie_word_embeddings": False,
                  "torch_dtype": "bfloat16", "transformers_version": "4.40.0.dev0", "use_cache": True,
                  "vocab_size": spec.vocab}
        generation = {"bos_token_id": 128000, "do_sample": True, "eos_token_id": [128001, 128009],
                      "max_length": 4096, "temperature": 0.6, "top_p": 0.9, "transformers_version": "4.40.0.dev0"}
    return {"config.json": config, "generation_config.json": generation}


CARD = """---
language:
- en
pipeline_tag: text-generation
tags:
- facebook
- meta
- pytorch
- llama
license: {license}
extra_gated_heading: You need to share contact information with Meta to access this model
extra_gated_prompt: >-
{gate}
extra_gated_fields:
  First Name: text
  Last Name: text
  Date of birth: date_picker
  Country: country
  Affiliation: text
  geo: ip_location
  By clicking Submit below I accept the terms of the license and the Meta Privacy Policy: checkbox
extra_gated_button_content: Submit
---
# Llama {name}

## Model Details

{para}

**Model Architecture** An auto-regressive language model that uses an optimized transformer architecture.

| | Training Data | Params | Context length | GQA | Tokens |
|---|---|---|---|---|---|
| Llama | A new mix of publicly available online data | {name} | 4k | {gqa} | 2.0T |

## Intended Use

{para}

## How to use

```python
import transformers
pipeline = transformers.pipeline("text-generation", model="meta-llama/Llama-{name}")
pipeline("Hey how are you doing today?")
```

## Hardware and Software

{para}

## Training Data

{para}

## Evaluation Results

| Model | Size | Code | Commonsense Reasoning | World Knowledge | Reading Comprehension | Math | MMLU |
|---|---|---|---|---|---|---|---|
| Llama | {name} | 16.8 | 63.9 | 48.9 | 61.3 | 14.6 | 45.3 |

## Ethical Considerations and Limitations

{para}

## Model Card Contact

Please report any software bug, or other problems with the models through one of the following means.
"""
PARA = ("Meta developed and publicly released this family of large language models, a collection of "
        "pretrained and fine-tuned generative text models. The tuned versions use supervised fine-tuning "
        "and reinforcement learning with human feedback to align to human preferences for helpfulness and "
        "safety. Testing conducted to date has been in English, and has not covered, nor could it cover all "
        "scenarios. ") * 4
LICENSE = {"llama2": "LLAMA 2 COMMUNITY LICENSE AGREEMENT\nLlama 2 Version Release Date: July 18, 2023\n",
           "llama3": "META LLAMA 3 COMMUNITY LICENSE AGREEMENT\nMeta Llama 3 Version Release Date: April 18, 2024\n"}
GITATTRIBUTES = "".join(f"*.{ext} filter=lfs diff=lfs merge=lfs -text\n" for ext in (
    "7z", "arrow", "bin", "bz2", "ckpt", "ftz", "gz", "h5", "joblib", "lfs.*", "mlmodel", "model", "msgpack",
    "npy", "npz", "onnx", "ot", "parquet", "pb", "pickle", "pkl", "pt", "pth", "rar", "safetensors", "tar",
    "tflite", "tgz", "wasm", "xz", "zip", "zst")) + "*tfevents* filter=lfs diff=lfs merge=lfs -text\n"


def build(folder: Path, spec: Spec, fmt: str) -> dict[str, int]:
    """Writes the repository; returns {file: size} of the shards."""
    folder.mkdir(parents=True, exist_ok=True)
    groups = split(tensors(spec), spec.shards)
    wm: dict[str, str] = {}
    total = 0
    sizes = {}
    for k, group in enumerate(groups, 1):
        if fmt == "st":
            name = f"model-{k:05d}-of-{spec.shards:05d}.safetensors"
            total += fx.write_st(folder / name, {n: (spec.dtype, s) for n, s in group}, sparse=True,
                                 metadata={"format": "pt"})
        else:
            name = f"pytorch_model-{k:05d}-of-{spec.shards:05d}.bin"
            storage = "HalfStorage" if spec.dtype == "F16" else "BFloat16Storage"
            total += fx.write_torch_zip(folder / name, [(n, storage, s) for n, s in group],
                                        archive=name.removesuffix(".bin"), sparse=True)
        wm.update({n: name for n, _ in group})
        sizes[name] = (folder / name).stat().st_size
    index = "model.safetensors.index.json" if fmt == "st" else "pytorch_model.bin.index.json"
    files: dict[str, object] = {index: {"metadata": {"total_size": total}, "weight_map": wm}}
    files.update(configs(spec))
    files.update(tokenizer_files(spec))
    for name, doc in files.items():
        (folder / name).write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    gate = "\n".join("  " + line for line in (LICENSE[spec.license] + PARA).splitlines())
    (folder / "README.md").write_text(CARD.format(license=spec.license, gate=gate, name=spec.name.upper(),
                                                  para=PARA, gqa="Yes" if spec.kv_heads < spec.heads else "No"),
                                      encoding="utf-8")
    (folder / "LICENSE").write_text(LICENSE[spec.license] + (PARA + "\n\n") * 12, encoding="utf-8")
    (folder / "USE_POLICY.md").write_text("# Acceptable Use Policy\n\n" + (PARA + "\n\n") * 6, encoding="utf-8")
    (folder / ".gitattributes").write_text(GITATTRIBUTES, encoding="utf-8")
    return sizes


if __name__ == "__main__":
    out = Path(sys.argv[1])
    for spec in (LLAMA2_7B, LLAMA3_70B):
        for fmt in ("st", "bin"):
            build(out / f"{spec.name}-{fmt}", spec, fmt)
