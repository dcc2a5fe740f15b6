"""Paths on the command line -> model folders (what the pre-commit hook relies on)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import MakeRepo
from hflint.cli import main
from hflint.targets import expand


@pytest.fixture
def monorepo(make_repo: MakeRepo) -> Path:
    return make_repo(
        {
            "README.md": "# org models\n",
            "models/bert/config.json": "{,}",
            "models/bert/README.md": "# bert\n",
            "models/sd/model_index.json": "{}",
            "models/sd/unet/config.json": "{}",
            "models/sd/unet/diffusion_pytorch_model.safetensors": b"",
            "tools/script.py": "print(1)\n",
        }
    )


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (["models/bert/config.json"], ["models/bert"]),
        (["models/bert/README.md", "models/bert/config.json"], ["models/bert"]),
        (["models/sd/unet/diffusion_pytorch_model.safetensors"], ["models/sd"]),  # outermost model folder
        (["models/sd/unet/config.json", "models/bert/config.json"], ["models/bert", "models/sd"]),
        (["tools/script.py"], ["tools"]),  # in no model folder: its own folder
        (["tools/script.py", "models/bert/README.md"], ["models/bert", "tools"]),
        (["models/bert", "models/bert/config.json"], ["models/bert"]),
        ([".", "models/bert/config.json"], ["models/bert", "models/sd"]),  # "." is a monorepo: its models
        (["models"], ["models/bert", "models/sd"]),
        (["tools"], ["tools"]),  # no model below: scanned as given
        (["models/sd/unet"], ["models/sd/unet"]),  # a folder is scanned as given
    ],
)
def test_expand(monorepo: Path, paths: list[str], expected: list[str]) -> None:
    got = [p.relative_to(monorepo).as_posix() for p in expand(paths, monorepo)]
    assert got == expected


def test_pre_commit_skips_files_outside_models(monorepo: Path) -> None:
    assert expand(["tools/script.py"], monorepo, skip_outside=True) == []
    got = expand(["tools/script.py", "models/bert/README.md"], monorepo, skip_outside=True)
    assert got == [monorepo / "models" / "bert"]


@pytest.mark.parametrize("name", ["exports/model.tflite", "tf/saved_model.pb", "k/model.keras", "asr/model.nemo",
                                  "legacy/model.hdf5", "sk/model.joblib"])
def test_a_folder_of_any_model_format_is_a_model(make_repo: MakeRepo, name: str) -> None:
    """A model folder is recognised by every model format hflint reads, not only weights: a
    staged .tflite in a monorepo is scanned by the pre-commit hook, and `hflint scan .` scans
    its folder instead of leaving it out."""
    root = make_repo({"README.md": "# org\n", "models/bert/config.json": "{}", name: b"x"})
    folder = root / name.rsplit("/", 1)[0]
    assert expand([name], root, skip_outside=True) == [folder]
    assert expand(["."], root) == sorted([root / "models" / "bert", folder])


def test_a_named_file_outside_any_model_is_still_scanned(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo({"downloads/suspicious.json": b"\x80\x02cos\nsystem\nq\x00."})
    monkeypatch.chdir(root)
    assert main(["scan", "downloads/suspicious.json", "--select", "HF4", "--format", "json"]) == 1
    found = {f["rule_id"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert {"HF401", "HF405"} <= found


@pytest.mark.parametrize(
    "files",
    [
        {"config.json": "{}", "README.md": "# m\n", "tools/x.py": ""},
        {"README.md": "# m\n", "model.gguf": "", "tools/x.py": ""},  # weights alone make a model
    ],
)
def test_a_repo_that_is_a_model_is_scanned_whole(make_repo: MakeRepo, files: dict[str, str]) -> None:
    root = make_repo(dict(files))
    assert expand(["tools/x.py"], root) == [root.resolve()]


def test_file_arguments_scan_their_model_folders(
    monorepo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(monorepo)
    code = main(["scan", "models/bert/config.json", "models/sd/unet/config.json", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    paths = sorted({(f["rule_id"], f["path"]) for f in doc["findings"]})
    assert ("HF201", "models/bert/config.json") in paths
    assert ("HF101", "models/sd/README.md") in paths  # the whole pipeline folder was scanned
    assert not any(p.startswith("tools/") for _, p in paths)
    assert code == 1


def test_monorepo_config_at_the_root_applies_to_model_folders(
    monorepo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (monorepo / ".hflint.yaml").write_text("ignore: [HF101]\n", encoding="utf-8")
    monkeypatch.chdir(monorepo)
    assert expand(["models/bert/config.json"], monorepo) == [monorepo / "models" / "bert"]  # a config is no model
    main(["scan", "models/sd", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert not any(f["rule_id"] == "HF101" for f in doc["findings"])
    main(["scan", "models/sd", "--format", "json", "--isolated"])
    assert any(f["rule_id"] == "HF101" for f in json.loads(capsys.readouterr().out)["findings"])


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # a Hub repository whose weights are all in a subfolder: its card makes it one target
        ({"README.md": "---\nlicense: mit\n---\n# m\n", "onnx/model.onnx": b"\x08\x07",
          "exploit.dat": "text\n"}, ["."]),
        # binary content outside the model folders: scanning only those would pass it unread
        ({"README.md": "# org\n", "models/bert/config.json": "{}", "stray/blob.dat": b"\x80\x04K\x01."}, ["."]),
        ({"README.md": "# org\n", "models/bert/config.json": "{}", "weights.pkl": "x"}, ["."]),
        # text only outside (scripts, docs): a monorepo, its models are the targets
        ({"README.md": "# org\n", "models/bert/config.json": "{}", "tools/convert.py": "import os\n"},
         ["models/bert"]),
    ],
)
def test_a_folder_is_scanned_whole_when_anything_outside_its_models_needs_reading(
        make_repo: MakeRepo, files: dict[str, str | bytes], expected: list[str]) -> None:
    root = make_repo(files)
    got = [p.relative_to(root).as_posix() or "." for p in expand(["."], root)]
    assert got == expected


@pytest.mark.parametrize("bundle", ["AudioEncoder.mlmodelc", "float32_model.mlpackage"])
@pytest.mark.parametrize(
    "target",
    ["", "{bundle}", "{bundle}/weights/weight.bin", "{bundle}/coremldata.bin"],
)
def test_a_core_ml_bundle_is_scanned_from_the_folder_holding_it(tmp_path: Path, bundle: str, target: str) -> None:
    """A .mlmodelc or .mlpackage is one model's files (its parts are named by where they sit):
    whatever names it, a folder, the bundle or a file inside it, the scan root is the folder
    that holds the bundle, never the bundle or its weights/ folder."""
    holder = tmp_path / "coreml" / "whisper"
    weights = holder / bundle / "weights"
    weights.mkdir(parents=True)
    (weights / "weight.bin").write_bytes(b"\x01\x00\x00\x00\x02\x00\x00\x00" + bytes(56))
    (holder / bundle / "coremldata.bin").write_bytes(b"\x08\x01" + bytes(30))
    arg = str(holder / target.format(bundle=bundle)) if target else str(tmp_path)
    assert expand([arg], tmp_path) == [holder.resolve()]
