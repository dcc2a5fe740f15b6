"""Hostile weight files and indexes: each gives a clear finding, in bounded time, memory and
reads, never a traceback, and nothing outside the repository is opened."""

from __future__ import annotations

import json
import os
import struct
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from hflint import repo as repo_mod
from hflint.config import Config
from hflint.engine import ScanResult, scan

sys.path.insert(0, str(Path(__file__).parent / "golden"))
import make_weights_fixtures as fx

from conftest import MakeRepo

# HF308/HF309 and HF209-HF211 (files a loader needs) are tested on their own; these
# fixtures are bare weight files.
WEIGHTS = Config(select=("HF0", "HF2", "HF3"), ignore=("HF308", "HF309", "HF209", "HF21"), fail_on=None)


@pytest.fixture(autouse=True)
def _small_text_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Repo.read_bytes asks for MAX_TEXT_BYTES + 1 bytes, and CPython's buffered read
    # allocates that up front (128 MB, untouched, for every JSON file): engine behaviour,
    # not what these tests measure, so keep it small here.
    monkeypatch.setattr(repo_mod, "MAX_TEXT_BYTES", 4 * 1024 * 1024)
    empty = tmp_path / "warm-up"
    empty.mkdir()
    scan(empty, WEIGHTS)  # imports and pack loading are not part of the measured reads


def _rchar() -> int:
    with open("/proc/self/io") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("rchar:"))


def _scan(root: Path, config: Config = WEIGHTS) -> tuple[ScanResult, int, int, float]:
    """Scan and return (result, bytes read, peak traced memory, seconds)."""
    tracemalloc.start()
    before, start = _rchar(), time.perf_counter()
    try:
        result = scan(root, config)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, _rchar() - before, peak, time.perf_counter() - start


def _found(result: ScanResult) -> list[tuple[str, str, str]]:
    return [(f.rule_id, f.path, f.message) for f in result.findings]


def test_90mb_header_is_a_finding_without_reading_it(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    n = 90_000_000
    with open(root / "model.safetensors", "wb") as fh:
        fh.write(struct.pack("<Q", n) + b"{")
        fh.truncate(8 + n)  # sparse: the header is a hole, never read
    result, read, peak, secs = _scan(root)
    [finding] = [f for f in result.findings if f.rule_id == "HF306"]
    assert "90000000 bytes" in finding.message and "25000000" in finding.message
    assert read < 1_000_000 and peak < 20_000_000 and secs < 5


@pytest.mark.parametrize("length", [2**63, 2**64 - 1, 100_000_001, 10**12])
def test_header_length_that_lies_is_a_finding_not_an_allocation(tmp_path: Path, length: int) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "model.safetensors").write_bytes(struct.pack("<Q", length) + b'{"a":1}')
    result, read, peak, _ = _scan(root)
    [finding] = [f for f in result.findings if f.rule_id == "HF306"]
    assert str(length) in finding.message
    assert read < 1_000_000 and peak < 20_000_000


def test_100k_deep_header_json(make_repo: MakeRepo) -> None:
    deep = '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":' + "[" * 100_000 + "]" * 100_000 + "}}"
    root = make_repo({"model.safetensors": fx.raw_st(deep, bytes(4))})
    result, _, peak, secs = _scan(root)
    assert [(r, p) for r, p, _ in _found(result)] == [("HF306", "model.safetensors")]
    assert "recursion limit exceeded" in result.findings[0].message and secs < 10 and peak < 100_000_000


def test_truncated_and_zero_byte_shards(make_repo: MakeRepo) -> None:
    files = {
        fx.S1: fx.st_bytes(fx.A)[:-3],
        fx.S2: b"",
        "model.safetensors.index.json": fx._index(fx.GOOD_MAP, 38),
    }
    result, *_ = _scan(make_repo(files))
    found = _found(result)
    assert ("HF306", fx.S1) in [(r, p) for r, p, _ in found]
    assert any(r == "HF306" and p == fx.S2 and "0 bytes" in m for r, p, m in found)
    # HF303/304/305/307 cannot read these shards, but HF306 already says why: no HF001.
    assert not [f for f in found if f[0] in ("HF001", "HF303", "HF304", "HF307")]


def test_unreadable_shard_is_hf001_when_hf306_is_not_selected(make_repo: MakeRepo) -> None:
    root = make_repo({fx.S1: b"", fx.S2: fx.st_bytes(fx.B),
                      "model.safetensors.index.json": fx._index(fx.GOOD_MAP, 38)})
    result = scan(root, Config(select=("HF001", "HF303"), fail_on=None))
    [finding] = result.findings
    assert finding.rule_id == "HF001" and finding.path == fx.S1
    assert "tensor names are unknown" in finding.message and "HF303" in finding.message


def test_index_that_is_not_json(make_repo: MakeRepo) -> None:
    root = make_repo({fx.S1: fx.st_bytes(fx.A), "model.safetensors.index.json": "{not json"})
    result, *_ = _scan(root)
    rules = sorted({r for r, _, _ in _found(result)})
    assert rules == ["HF201", "HF302"]  # the parse error, and the shard no index lists
    result = scan(root, Config(select=("HF001", "HF301"), fail_on=None))
    assert [f.rule_id for f in result.findings] == ["HF001"]


def test_index_naming_paths_outside_the_repo_is_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "secret.safetensors").write_bytes(fx.st_bytes(fx.B))
    (root / fx.S1).write_bytes(fx.st_bytes(fx.A))
    weight_map = {"a": fx.S1, "b": fx.S1, "c": "../secret.safetensors", "d": "../../etc/passwd",
                  "e": "/etc/passwd", "f": "sub\\..\\..\\x", "g": "https://evil/x.safetensors"}
    index = {"metadata": {"total_size": 0}, "weight_map": weight_map}
    (root / "model.safetensors.index.json").write_text(json.dumps(index))
    opened: list[str] = []
    real_open = os.open

    def spy(path: str | bytes | os.PathLike[str], *args: object, **kwargs: object) -> int:
        # Repo opens openat-style (hflint.safefile): a name relative to its folder's descriptor.
        dir_fd = kwargs.get("dir_fd")
        folder = Path(f"/proc/self/fd/{dir_fd}").readlink() if isinstance(dir_fd, int) else Path()
        opened.append(os.path.realpath(folder / os.fsdecode(path)))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(repo_mod.os, "open", spy)
    result = scan(root, WEIGHTS)
    real_root = str(root.resolve())
    outside = [p for p in opened if p != real_root and not p.startswith(real_root + os.sep)]
    assert outside == []
    hf301 = sorted(f.pointer or "" for f in result.findings if f.rule_id == "HF301")
    assert hf301 == ["/weight_map/c", "/weight_map/d", "/weight_map/e", "/weight_map/f", "/weight_map/g"]
    assert all("outside the index's folder" in f.message for f in result.findings
               if f.rule_id == "HF301" and f.pointer != "/weight_map/f")


def test_weight_map_that_is_not_an_object(make_repo: MakeRepo) -> None:
    root = make_repo({"model.safetensors.index.json": json.dumps({"weight_map": ["a"], "metadata": 3})})
    result, *_ = _scan(root)
    # transformers fails on both (utils/hub.py reads index["metadata"]): HF301 reports each
    assert {(f.rule_id, f.pointer) for f in result.findings} == {
        ("HF301", "/weight_map"), ("HF301", "/metadata")}


def test_pickle_that_would_run_code_is_read_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = (b"\x80\x02ccollections\nOrderedDict\n)R(" + fx._str("w")
               + b"cos\nsystem\n(" + fx._str(f"touch {marker}") + b"tRu.")
    root = tmp_path / "repo"
    root.mkdir()
    with zipfile.ZipFile(root / "pytorch_model-00001-of-00001.bin", "w") as zf:
        zf.writestr("archive/data.pkl", payload)
    (root / "pytorch_model.bin.index.json").write_text(fx._index({"w": "pytorch_model-00001-of-00001.bin"}, 0))
    result = scan(root, WEIGHTS)
    assert not marker.exists()
    # the key is read; its value is not a tensor storage, so HF305 says it cannot tell
    assert [f.rule_id for f in result.findings] == ["HF001"]
    assert "tensor sizes cannot be read statically" in result.findings[0].message
    assert "the value of 'w' is not a tensor" in result.findings[0].message


def _zip_with_pickle(pkl: bytes) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", pkl)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"PK\x03\x04 truncated zip", "zip end-of-central-directory record not found"),
        (b"\x80\x02K\x01.", "magic number"),
        (b"\x80\x02" + b"\x8e" + struct.pack("<Q", 2**40) + b"xx", "stream truncated inside bytes8"),  # 1 TB, skipped
        (b"hello", "neither a zip archive nor a pickle"),
        (_zip_with_pickle(b"\x80\x02]q\x00."), "not a dict"),  # a list
    ],
)
def test_unreadable_bin_shard_says_so(make_repo: MakeRepo, content: bytes, reason: str) -> None:
    root = make_repo({"pytorch_model-00001-of-00001.bin": content,
                      "pytorch_model.bin.index.json": fx._index({"w": "pytorch_model-00001-of-00001.bin"}, 0)})
    result, read, peak, _ = _scan(root)
    [finding] = result.findings
    assert finding.rule_id == "HF001" and "cannot be read statically" in finding.message
    assert reason in finding.message
    assert read < 1_000_000 and peak < 20_000_000


def test_forged_zip_directory_size_is_bounded(make_repo: MakeRepo) -> None:
    blob = bytearray(fx.torch_zip_bytes(fx.BIN_A))
    eocd = blob.rfind(b"PK\x05\x06")
    blob[eocd + 12 : eocd + 16] = struct.pack("<I", 0xFFFFFFF0)  # central directory size
    root = make_repo({"pytorch_model.bin": bytes(blob), "model.safetensors": fx.st_bytes({"x": ("F32", [1])})})
    result, read, _, _ = _scan(root)
    assert [f.rule_id for f in result.findings] == ["HF001"]
    assert read < 1_000_000


def test_thousands_of_weight_files_without_config_give_one_finding_per_folder(tmp_path: Path) -> None:
    """Each folder is listed once for the loadability rules (the listing is bisected and
    cached), not once per file: a repository of many files must not cost a quadratic scan."""
    for i in range(3000):
        (tmp_path / f"pytorch_model-{i:05d}-of-03000.bin").write_bytes(b"x")
    nested = tmp_path
    for depth in range(50):
        nested = nested / f"d{depth}"
        nested.mkdir()
        (nested / "config.json").write_text('{"architectures": ["XModel"]}')
    result = scan(tmp_path, Config(select=("HF308", "HF309"), fail_on=None))
    hf309 = [f.path for f in result.findings if f.rule_id == "HF309"]
    hf308 = [f.path for f in result.findings if f.rule_id == "HF308"]
    assert hf309 == ["pytorch_model-00000-of-03000.bin"]
    assert len(hf308) == 50 and all(p.endswith("config.json") for p in hf308)
