"""hflint fix on hostile repositories: a clear message per file, and no partial write.

A symlinked index, read-only files, a folder where a file should be, an index of 100,000
entries, shards whose headers are invalid, and a card whose text would rewrite the terminal.
Every file hflint does not fix is left byte for byte as it was, nothing is created beside
it (no temporary file), and the files it can fix are still fixed.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import struct
from pathlib import Path

import pytest

from conftest import ROOT
from hflint.cli import main

REAL = ROOT / "tests" / "fixtures" / "real" / "llama-safetensors-sharded"
INDEX = "model.safetensors.index.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def listing(root: Path) -> dict[str, tuple[bytes | str, int]]:
    out: dict[str, tuple[bytes | str, int]] = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            out[str(path.relative_to(root))] = (str(path.readlink()), stat.S_IMODE(st.st_mode))
        elif path.is_file():
            out[str(path.relative_to(root))] = (path.read_bytes(), stat.S_IMODE(st.st_mode))
    return out


@pytest.fixture
def model(tmp_path: Path) -> Path:
    """The transformers-written model with a stale total_size and an SPDX license id."""
    repo = tmp_path / "model"
    shutil.copytree(REAL, repo)
    doc = json.loads((repo / INDEX).read_text(encoding="utf-8"))
    doc["metadata"]["total_size"] = 5
    (repo / INDEX).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    card = (repo / "README.md").read_text(encoding="utf-8").replace("license: apache-2.0", "license: Apache-2.0")
    (repo / "README.md").write_text(card, encoding="utf-8")
    return repo


def test_a_symlinked_index_is_not_written_through(model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (model / "real-index.json").write_bytes((model / INDEX).read_bytes())
    (model / INDEX).unlink()
    (model / INDEX).symlink_to("real-index.json")
    before = listing(model)
    code, out, err = run(capsys, "fix", str(model), "--select", "HF104,HF305")
    assert code == 2
    assert f"cannot fix {INDEX}: is a symlink to real-index.json" in err.replace(f"{model.name}/", "")
    after = listing(model)
    assert after.pop("README.md") != before.pop("README.md")  # the card was fixed all the same
    assert after == before  # the link, its target and the folder are as they were
    assert "fixed HF104" in out


def test_read_only_files_are_left_alone(model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (model / INDEX).chmod(0o444)
    before = listing(model)
    code, _out, err = run(capsys, "fix", str(model), "--select", "HF104,HF305")
    assert code == 2 and "is read-only (mode 0444); hflint does not change read-only files" in err
    after = listing(model)
    assert after[INDEX] == before[INDEX] and after["README.md"] != before["README.md"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_folder_gets_a_message_and_no_write(model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = listing(model)
    model.chmod(0o555)
    try:
        code, _, err = run(capsys, "fix", str(model), "--select", "HF104,HF305")
    finally:
        model.chmod(0o755)
    assert code == 2 and err.count("cannot fix") == 2 and listing(model) == before


def test_a_folder_where_the_card_would_go_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "model"
    shutil.copytree(REAL, repo)
    (repo / "README.md").unlink()
    (repo / "README.md").mkdir()
    code, _, err = run(capsys, "fix", str(repo), "--select", "HF101", "--unsafe")
    assert code == 2 and "cannot fix README.md: is a folder, not a regular file" in err.replace("model/", "")
    assert (repo / "README.md").is_dir() and not any((repo / "README.md").iterdir())


def _safetensors(names: list[str]) -> bytes:
    header = {n: {"dtype": "F32", "shape": [1], "data_offsets": [4 * i, 4 * i + 4]} for i, n in enumerate(names)}
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + bytes(4 * len(names))


def test_an_index_of_100k_entries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """100,000 tensors in two shards: the missing index is written whole; an index naming
    100,000 tensors no shard holds is an unsafe fix (it drops them), shown and not applied."""
    repo = tmp_path / "big"
    repo.mkdir()
    names = [f"layers.{i}.weight" for i in range(100_000)]
    (repo / "model-00001-of-00002.safetensors").write_bytes(_safetensors(names[:50_000]))
    (repo / "model-00002-of-00002.safetensors").write_bytes(_safetensors(names[50_000:]))
    code, out, _ = run(capsys, "fix", str(repo), "--select", "HF302")
    assert code == 0 and "written from the headers of its 2 shards (100000 tensors)" in out
    doc = json.loads((repo / INDEX).read_text(encoding="utf-8"))
    assert doc["metadata"] == {"total_size": 400_000} and len(doc["weight_map"]) == 100_000
    assert doc["weight_map"]["layers.99999.weight"] == "model-00002-of-00002.safetensors"
    doc["weight_map"].update({f"ghost.{i}": "model-00001-of-00002.safetensors" for i in range(100_000)})
    (repo / INDEX).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    before = listing(repo)
    code, out, err = run(capsys, "fix", str(repo), "--select", "HF303", "--diff")
    assert (
        code == 0 and out == "" and "the fixes of 100000 more need --unsafe" in err
    )  # an unsafe fix is not in a safe diff
    code, out, err = run(capsys, "fix", str(repo), "--select", "HF303", "--diff", "--unsafe")
    assert code == 1 and out.count('\n-    "ghost.') == 100_000
    assert listing(repo) == before


def test_shards_whose_headers_are_invalid_block_the_rebuild(model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads((model / INDEX).read_text(encoding="utf-8"))
    doc["metadata"]["total_size"] = 29760
    del doc["weight_map"]["model.embed_tokens.weight"]  # HF304 on shard 1
    (model / INDEX).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    shard = model / "model-00002-of-00002.safetensors"
    shard.write_bytes(struct.pack("<Q", 2**40) + shard.read_bytes()[8:])  # a header length past the end
    before = listing(model)
    code, out, err = run(capsys, "fix", str(model), "--select", "HF3")
    assert code == 1 and err == ""
    assert "not fixed HF304" in out and "the header of model-00002-of-00002.safetensors is invalid" in out
    assert "HF306" in out  # the invalid header itself is reported
    assert listing(model) == before


def test_control_characters_from_the_repository_are_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "m"
    repo.mkdir()
    (repo / "README.md").write_text("---\nlicense: MIT\n---\n# \x1b]0;pwned\x07 m\n", encoding="utf-8")
    code, out, _ = run(capsys, "fix", str(repo), "--select", "HF104", "--diff")
    assert code == 1 and "\x1b" not in out and "\\x1b]0;pwned\\x07" in out
