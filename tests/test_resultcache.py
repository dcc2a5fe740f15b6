"""The result cache (hflint.resultcache): a warm scan gives the cold scan's findings, on every
golden case; it is never trusted once an analysed byte changed; it lives in the user's cache
folder, never in the scanned repository; fickling is asked once per distinct pickle stream."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from hflint import engine, resultcache
from hflint.config import Config
from hflint.engine import scan
from hflint.finding import Severity
from hflint.pickles import second_opinion
from test_golden import _cases, _materialise, scan_case

sys.path.insert(0, str(ROOT / "tests" / "golden"))
import make_weights_fixtures as fx

CASES = _cases("fail") + _cases("pass")


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


def _no_checks(*_: object) -> list[object]:
    raise AssertionError("a warm scan of an unchanged repository ran the checks")


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.parent.name}-{p.parent.name}-{p.name}")
def test_every_golden_case_is_the_same_cold_and_warm(case: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = _materialise(case, tmp_path)
    before = _tree(root)
    cache = tmp_path / "cache"
    cold = scan_case(case, root, cache)
    assert list((cache / "results").iterdir()), "the cold scan stored no entry"
    with monkeypatch.context() as m:
        m.setattr(engine, "_run", _no_checks)
        warm = scan_case(case, root, cache)
    assert warm == cold
    assert scan_case(case, root) == cold  # and the same as without a cache
    assert _tree(root) == before  # nothing written inside the scanned repository


def _llama(root: Path) -> Path:
    root.mkdir()
    fx.write_st(root / "model.safetensors", {"a.weight": ("F16", [256, 256]), "b.weight": ("F16", [256])})
    (root / "config.json").write_text('{"model_type": "llama", "vocab_size": 10}\n', encoding="utf-8")
    (root / "README.md").write_text("---\nlicense: mit\n---\n# A model\n\nWhat it does.\n", encoding="utf-8")
    return root


def _findings(root: Path, cache: Path | None) -> list[str]:
    result = scan(root, Config(isolated=True), cache=cache)
    return [f"{f.rule_id} {f.path} {f.message}" for f in result.findings]


def test_a_changed_analysed_byte_is_never_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _llama(tmp_path / "m")
    cache = tmp_path / "cache"
    clean = _findings(root, cache)
    # the same size, one byte of the safetensors header changed: a dtype the file does not have
    data = bytearray((root / "model.safetensors").read_bytes())
    at = data.index(b'"F16"')
    data[at + 1 : at + 4] = b"F17"
    (root / "model.safetensors").write_bytes(bytes(data))
    changed = _findings(root, cache)
    assert changed != clean and changed == _findings(root, None)
    # a config value of the same length
    (root / "config.json").write_text('{"model_type": "llama", "vocab_size": 11}\n', encoding="utf-8")
    assert _findings(root, cache) == _findings(root, None)


def test_bytes_no_check_reads_do_not_invalidate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tensor data is not analysed (headers are): changing it keeps the entry."""
    root = _llama(tmp_path / "m")
    cache = tmp_path / "cache"
    cold = _findings(root, cache)
    data = bytearray((root / "model.safetensors").read_bytes())
    data[-1] ^= 0xFF  # the last byte of the last tensor
    (root / "model.safetensors").write_bytes(bytes(data))
    monkeypatch.setattr(engine, "_run", _no_checks)
    assert _findings(root, cache) == cold


def test_a_corrupt_entry_is_a_miss(tmp_path: Path) -> None:
    root = _llama(tmp_path / "m")
    cache = tmp_path / "cache"
    cold = _findings(root, cache)
    for entry in (cache / "results").iterdir():
        entry.write_text('{"format": 1, "files": {}, "resolved": {}, "findings": [["x"]]}', encoding="utf-8")
    assert _findings(root, cache) == cold
    for entry in (cache / "results").iterdir():
        entry.write_bytes(b"\x00not json")
    assert _findings(root, cache) == cold


def test_other_rules_or_severities_are_other_entries(tmp_path: Path) -> None:
    root = _llama(tmp_path / "m")
    cache = tmp_path / "cache"
    _findings(root, cache)
    stricter = Config(isolated=True, severity={"HF101": Severity.NOTE})
    assert scan(root, stricter, cache=cache).findings == scan(root, stricter).findings
    assert len(list((cache / "results").iterdir())) == 2


def test_fickling_is_asked_once_per_distinct_stream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = second_opinion.imports

    def counting(data: bytes, max_opcodes: int) -> set[tuple[str, str]]:
        calls.append(len(data))
        return real(data, max_opcodes)

    monkeypatch.setattr(second_opinion, "imports", counting)
    cache = tmp_path / "cache"
    entries = [("a.weight", "HalfStorage", [4, 4])]
    for name in ("one", "two"):  # two repositories holding the same checkpoint
        (tmp_path / name).mkdir()
        fx.write_torch_zip(tmp_path / name / "pytorch_model.bin", entries)
    first = scan(tmp_path / "one", Config(isolated=True), cache=cache).findings
    assert len(calls) == 1
    second = scan(tmp_path / "two", Config(isolated=True), cache=cache).findings
    assert len(calls) == 1 and first == second
    assert scan(tmp_path / "two", Config(isolated=True)).findings == second  # the opinion without a cache
    assert len(calls) == 2


def test_the_cli_caches_under_xdg_cache_home_and_no_cache_writes_nothing(tmp_path: Path) -> None:
    root = _llama(tmp_path / "m")
    before = _tree(root)
    env = {"PYTHONPATH": str(ROOT / "linter"), "PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path / "xdg"),
           "HOME": str(tmp_path / "home")}

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "hflint", "scan", "--isolated", "--format", "json", *extra,
                               str(root)], capture_output=True, text=True, env=env, check=False)

    off = run("--no-cache")
    assert not (tmp_path / "xdg").exists()
    cold, warm = run(), run()
    assert list((tmp_path / "xdg" / "hflint" / "results").iterdir())
    assert json.loads(cold.stdout)["findings"] == json.loads(warm.stdout)["findings"]
    assert json.loads(off.stdout)["findings"] == json.loads(cold.stdout)["findings"]
    assert cold.returncode == warm.returncode == off.returncode
    assert _tree(root) == before
    assert not (tmp_path / "home").exists()


def test_a_cache_folder_inside_the_scanned_repository_is_not_used(tmp_path: Path) -> None:
    root = _llama(tmp_path / "m")
    before = _tree(root)
    assert _findings(root, root / ".cache" / "hflint") == _findings(root, None)
    assert _tree(root) == before


def test_folder_follows_xdg() -> None:
    assert resultcache.folder({"XDG_CACHE_HOME": "/x/cache"}) == Path("/x/cache/hflint")
    home = Path.home() / ".cache" / "hflint"
    assert resultcache.folder({"XDG_CACHE_HOME": "relative/cache"}) == home  # the spec ignores it
    assert resultcache.folder({}) == home


def test_the_suite_never_writes_the_users_cache() -> None:
    assert Path(os.environ["XDG_CACHE_HOME"]).name.startswith("tmp-hflint-cache-")


def test_a_run_whose_hdf5_child_was_stopped_is_not_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """HDF5 is read in a child process (hflint.formats.isolated); one stopped at its deadline
    never said what it read, so the run is not stored: no entry is verified against fewer
    bytes than were analysed. A child that finishes reports its reads, which are recorded."""
    from hflint.formats import isolated
    from hflint.repo import CannotAnalyse

    root = tmp_path / "m"
    root.mkdir()
    golden = ROOT / "tests" / "golden" / "HF631" / "fail" / "h5-training-config-loss" / "model.h5"
    (root / "model.h5").write_bytes(golden.read_bytes())
    cache = tmp_path / "cache"
    assert any(f.startswith("HF631 ") for f in _findings(root, cache))
    assert list((cache / "results").iterdir()), "a finished child's reads were not recorded"

    def stopped(*_: object, **__: object) -> object:
        raise CannotAnalyse("reading the HDF5 file did not finish within 10 s (a file built to stall its reader)")

    cache2 = tmp_path / "cache2"
    monkeypatch.setattr(isolated, "run", stopped)
    assert any(f.startswith("HF634 ") and "did not finish" in f for f in _findings(root, cache2))
    assert not (cache2 / "results").exists() or not list((cache2 / "results").iterdir())
