"""Write the golden cases of the fixes (tests/golden/<RULE>/fix/<case>/; test_fix_golden.py).

Shard index cases break the index of repositories the real libraries wrote
(tests/fixtures/real: transformers' llama in safetensors and .bin shards, diffusers' sharded
UNet): deleted, corrupted (total_size, a removed entry, entries moved between shards, a
duplicated key, stale shard names) or reordered. The shards and config.json are shared
through golden-base.txt, and golden-reference.txt names the index the library wrote, which
the fixed index must equal. Card cases are small cards and license files.

Run by hand from the repository root: ``python tests/golden/make_fix_fixtures.py``, then
``pytest tests/test_fix_golden.py --update-goldens`` and review the expected.fix diff.
"""

from __future__ import annotations

import json
import random
import shutil
import struct
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
sys.path.insert(0, str(HERE))
from make_compliance_fixtures import APACHE, MIT  # noqa: E402  (one copy of the license stand-ins)

KEEP = ("expected.fix",)
LLAMA = "fixtures/real/llama-safetensors-sharded"
LLAMA_BIN = "fixtures/real/llama-bin-sharded"
UNET = "fixtures/real/diffusers-sharded"
INVENTED = "The Example Model License\n\nYou may use the Example model for research only.\n"


def case(rule: str, name: str, files: dict[str, str | bytes], base: list[str] = (), reference: str = "") -> None:
    folder = HERE / rule / "fix" / name
    folder.mkdir(parents=True, exist_ok=True)
    for item in folder.iterdir():
        if item.name not in KEEP:
            shutil.rmtree(item) if item.is_dir() else item.unlink()
    for rel, content in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    if base:
        (folder / "golden-base.txt").write_text("".join(f"{line}\n" for line in base), encoding="utf-8")
    if reference:
        (folder / "golden-reference.txt").write_text(reference + "\n", encoding="utf-8")


def shards(repo: str) -> list[str]:
    return sorted(f"{repo}/{p.name}" for p in (TESTS / repo).iterdir() if "-of-" in p.name)


def index(repo: str) -> tuple[str, dict[str, Any]]:
    path = next((TESTS / repo).glob("*.index.json"))
    return path.name, json.loads(path.read_text(encoding="utf-8"))


def dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def safetensors(tensors: dict[str, list[int]]) -> bytes:
    """A small F32 safetensors file (the format: 8-byte header length, JSON header, data)."""
    header: dict[str, Any] = {}
    offset = 0
    for name, shape in tensors.items():
        size = 4
        for dim in shape:
            size *= dim
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + b"\0" * offset


def shard_cases() -> None:
    name, doc = index(LLAMA)
    llama = [*shards(LLAMA), f"{LLAMA}/config.json"]
    ref = f"{name} {LLAMA}/{name}"
    stale = json.loads(json.dumps(doc))
    stale["weight_map"] = {k: v.replace("-of-00002", "-of-00003") for k, v in doc["weight_map"].items()}
    case("HF301", "stale-shard-names", {name: dump(stale)}, llama, ref)
    case("HF301", "missing-shard-not-fixed", {name: dump(doc)}, [shards(LLAMA)[0], f"{LLAMA}/config.json"])
    case("HF302", "index-deleted-transformers", {}, llama, ref)
    bin_name, bin_doc = index(LLAMA_BIN)
    case(
        "HF302",
        "index-deleted-bin",
        {},
        [*shards(LLAMA_BIN), f"{LLAMA_BIN}/config.json"],
        f"{bin_name} {LLAMA_BIN}/{bin_name}",
    )
    unet_name, unet_doc = index(UNET)
    unet = [*shards(UNET), f"{UNET}/config.json"]
    case("HF302", "index-deleted-diffusers", {}, unet, f"{unet_name} {UNET}/{unet_name}")
    gap = {
        "model-00001-of-00003.safetensors": safetensors({"a": [2]}),
        "model-00003-of-00003.safetensors": safetensors({"c": [2]}),
    }
    case("HF302", "numbering-gap-not-fixed", gap)
    variant = {
        p.replace("model-", "model.fp16-"): (TESTS / LLAMA / p).read_bytes()
        for p in (Path(s).name for s in shards(LLAMA))
    }
    case("HF302", "variant-index-deleted", variant, [f"{LLAMA}/config.json"])
    swapped = json.loads(json.dumps(bin_doc))
    first, last = "model.embed_tokens.weight", "lm_head.weight"
    swapped["weight_map"][first], swapped["weight_map"][last] = (
        bin_doc["weight_map"][last],
        bin_doc["weight_map"][first],
    )
    case(
        "HF303",
        "swapped-entries-bin",
        {bin_name: dump(swapped)},
        [*shards(LLAMA_BIN), f"{LLAMA_BIN}/config.json"],
        f"{bin_name} {LLAMA_BIN}/{bin_name}",
    )
    ghost = json.loads(json.dumps(doc))
    ghost["weight_map"]["mtp.fc.weight"] = "model-00001-of-00002.safetensors"
    case("HF303", "tensor-in-no-shard-unsafe", {name: dump(ghost)}, llama, ref)
    case("HF303", "tensor-in-no-shard-safe-mode", {name: dump(ghost)}, llama)
    removed = json.loads(json.dumps(unet_doc))
    removed["weight_map"].pop("conv_in.weight")
    case("HF304", "entry-removed-diffusers", {unet_name: dump(removed)}, unet, f"{unet_name} {UNET}/{unet_name}")
    shuffled = json.loads(json.dumps(doc))
    items = list(shuffled["weight_map"].items())
    random.Random(13).shuffle(items)
    shuffled = {"weight_map": dict(items), "metadata": {"total_size": 999, "total_parameters": 7440}}
    case("HF305", "corrupted-and-reordered", {name: json.dumps(shuffled, indent=2) + "\n"}, llama, ref)
    hub = {"metadata": {"total_size": 1}, "weight_map": dict(items)}  # save_torch_state_dict: no sort, no final newline
    hub["metadata"]["total_parameters"] = 7440
    case("HF305", "hub-style-no-final-newline", {name: json.dumps(hub, indent=2)}, llama, ref)
    text = dump(doc).replace(
        '"weight_map": {', '"weight_map": {\n    "lm_head.weight": "model-00001-of-00002.safetensors",', 1
    )
    case("HF304", "duplicate-key", {name: text}, llama, ref)


def card(metadata: str, body: str = "# example\n\nA small example model.\n") -> str:
    return f"---\n{metadata.strip()}\n---\n{body}"


def card_cases() -> None:
    case("HF103", "apache-license-file", {"README.md": card("tags:\n  - demo"), "LICENSE": APACHE})
    case("HF103", "no-front-matter", {"README.md": "# example\n\nA small example model.\n", "LICENSE": MIT})
    case("HF103", "unrecognised-text-not-fixed", {"README.md": card("tags: [demo]"), "LICENSE": INVENTED})
    case("HF103", "code-license-only-not-fixed", {"README.md": card("tags: [demo]"), "LICENSE-CODE": MIT})
    case("HF104", "spdx-spellings", {"README.md": card("license: Apache-2.0  # the SPDX id\ntags: [demo]")})
    case(
        "HF104",
        "list-entries-keep-quotes",
        {"README.md": card("license:\n  - MIT\n  - 'GPL-3.0-or-later'\n  - \"CC-BY-4.0\"")},
    )
    case("HF104", "expression-not-fixed", {"README.md": card("license: Apache-2.0 OR MIT")})
    case(
        "HF105",
        "broken-link",
        {"README.md": card("license: other\nlicense_name: example-1.0\nlicense_link: LICENSE.md"), "LICENSE": INVENTED},
    )
    case("HF105", "name-and-link-missing-not-fixed", {"README.md": card("license: other")})
    case("HF109", "text2text", {"README.md": card("license: mit\npipeline_tag: text2text-generation")})
    case(
        "HF109", "crlf-card", {"README.md": card("license: mit\npipeline_tag: 'conversational'").replace("\n", "\r\n")}
    )
    llama = [f"{LLAMA}/config.json"]
    case("HF101", "no-card-unsafe", {"LICENSE": APACHE}, llama)
    case("HF101", "no-card-safe-mode", {"LICENSE": APACHE}, llama)
    adapter = {
        "base_model_name_or_path": "meta-llama/Llama-3.1-8B",
        "peft_type": "LORA",
        "r": 8,
        "task_type": "CAUSAL_LM",
    }
    case(
        "HF102",
        "no-front-matter-unsafe",
        {"README.md": "# adapter\n\nA LoRA adapter.\n", "adapter_config.json": json.dumps(adapter, indent=2) + "\n"},
    )
    case("HF102", "nothing-proven-not-fixed-unsafe", {"README.md": "# model\n\nNo metadata anywhere.\n"})
    body = "# example\n\nA small example model.\n\n## Uses\n\nResearch.\n\n## Evaluation\n\nNone yet.\n"
    case("HF107", "missing-sections-unsafe", {"README.md": card("license: mit", body)})
    case("HF107", "no-final-newline-unsafe", {"README.md": card("license: mit", "# example\n\n## Uses\n\nResearch.")})


BERT = "fixtures/real/bert-safetensors"


def config_cases() -> None:
    bert = [f"{BERT}/{name}" for name in ("model.safetensors", "tokenizer.json", "tokenizer_config.json", "vocab.txt")]
    config = (TESTS / BERT / "config.json").read_text(encoding="utf-8")
    stale = config.replace('"vocab_size": 97', '"vocab_size": 30522')
    case("HF310", "vocab-size-stale", {"config.json": stale}, bert, f"config.json {BERT}/config.json")
    weights = [f"{BERT}/model.safetensors"]
    case("HF310", "no-tokenizer-not-fixed", {"config.json": stale}, weights)
    big = "".join(f"tok{i}\n" for i in range(300))
    case("HF310", "tokenizer-does-not-fit-not-fixed", {"config.json": stale, "vocab.txt": big}, weights)
    names = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")
    llama = [f"{LLAMA}/{name}" for name in names]
    files = {n: (TESTS / LLAMA / n).read_text(encoding="utf-8") for n in ("config.json", "generation_config.json")}
    wrong = {n: text.replace('"eos_token_id": 2', '"eos_token_id": 5') for n, text in files.items()}
    refs = "\n".join(f"{n} {LLAMA}/{n}" for n in files)
    case("HF206", "eos-id-wrong", wrong, llama, refs)
    arch = {"config.json": config.replace('"architectures": [\n    "BertModel"\n  ],', '"architectures": "BertModel",')}
    case("HF215", "architectures-string", arch, reference=f"config.json {BERT}/config.json")
    listed = {
        "generation_config.json": files["generation_config.json"].replace('"eos_token_id": 2', '"eos_token_id": [5, 6]')
    }
    case("HF206", "id-list-not-fixed", listed, llama)


PEFT = "fixtures/real/peft-lora"


def adapter_cases() -> None:
    config = (TESTS / PEFT / "adapter_config.json").read_text(encoding="utf-8")
    weights = [f"{PEFT}/adapter_model.safetensors"]
    ref = f"adapter_config.json {PEFT}/adapter_config.json"
    case("HF312", "rank-edited", {"adapter_config.json": config.replace('"r": 2,', '"r": 16,')}, weights, ref)
    pattern = config.replace('"rank_pattern": {},', '"rank_pattern": {"q_proj": 4},')
    case("HF312", "rank-pattern-not-fixed", {"adapter_config.json": pattern}, weights)


if __name__ == "__main__":
    shard_cases()
    card_cases()
    config_cases()
    adapter_cases()
