"""Whole-run replay (hflint.replay): a repeat `hflint scan` of an unchanged folder prints what
the same run printed, without running it; any change to what the run read, listed or walked
up through is a miss; only a run whose whole output is stdout and stderr is recorded."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hflint import cli, replay
from test_resultcache import _llama

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    """`hflint ARGS` as a whole process runs it (main() reads sys.argv), in tmp_path; the racy
    window set to 0 so that files made by the test count as old once a tick has passed."""
    (tmp_path / "w").mkdir()
    monkeypatch.chdir(tmp_path / "w")  # the cache folder beside it, not in it
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(replay, "RACY_NS", 0)

    def run(*args: str) -> tuple[int, str, str]:
        time.sleep(0.02)  # past the file system's timestamp tick
        monkeypatch.setattr(sys, "argv", ["hflint", *args])
        code = cli.main()
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _entries(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "xdg" / "hflint" / "runs"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _no_run(argv: list[str]) -> int:
    raise AssertionError("a replayed run ran the command")


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The runs of the command from now on (a replay runs none)."""
    ran: list[list[str]] = []
    real = cli._run

    def counted(argv: list[str]) -> int:
        ran.append(argv)
        return real(argv)

    monkeypatch.setattr(cli, "_run", counted)
    return ran


def _fresh(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main([*args, "--no-cache"])
    out, err = capsys.readouterr()
    return code, out, err


ARGS = ["scan", "--isolated", "--fail-on", "note", "--format", "json", "m"]


def test_a_repeat_scan_is_replayed_without_running(process: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _llama(tmp_path / "w" / "m")
    first = process(*ARGS)
    assert len(_entries(tmp_path)) == 1
    with monkeypatch.context() as m:
        m.setattr(cli, "_run", _no_run)
        assert process(*ARGS) == first
    code, out, _ = _fresh(ARGS, capsys)
    assert (code, out) == first[:2]
    assert first[0] == 1 and '"findings"' in first[1]


@pytest.mark.parametrize("change", ["same-size byte, mtime restored", "new file", "removed file",
                                    "config above", "new subfolder file"])
def test_any_change_to_what_the_run_depended_on_is_a_miss(process: Run, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str], change: str) -> None:
    root = _llama(tmp_path / "w" / "m")
    (root / "sub").mkdir()
    (root / "sub" / "notes.txt").write_text("x\n", encoding="utf-8")
    args = ["scan", "m"] if change == "config above" else ARGS
    process(*args)
    assert process(*args)[0] in (0, 1)
    time.sleep(0.02)
    if change.startswith("same-size"):
        path = root / "model.safetensors"
        st = path.stat()
        data = bytearray(path.read_bytes())
        at = data.index(b'"F16"')
        data[at + 1 : at + 4] = b"F17"
        path.write_bytes(bytes(data))
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    elif change == "new file":
        (root / "evil.pkl").write_bytes(b"cos\nsystem\n(S'id'\ntR.")
    elif change == "removed file":
        (root / "README.md").unlink()
    elif change == "config above":
        (tmp_path / "w" / ".hflint.yaml").write_text("select: [HF1]\n", encoding="utf-8")
    else:
        (root / "sub" / "model.pkl").write_bytes(b"cos\nsystem\n(S'id'\ntR.")
    expected = _fresh(args, capsys)
    ran = _counting(monkeypatch)
    assert process(*args) == expected
    assert ran


def test_only_a_run_whose_output_is_stdout_is_recorded(process: Run, tmp_path: Path) -> None:
    _llama(tmp_path / "w" / "m")
    process("scan", "--isolated", "-o", "report.txt", "m")
    process("scan", "--isolated", "--format", "sarif", "m")  # SARIF carries fixes: no result cache
    process("scan", "--isolated", "--no-cache", "m")
    assert process("scan", "--isolated", "--select", "HF9999", "m")[0] == 2
    assert _entries(tmp_path) == []
    assert cli.main(["scan", "--isolated", "m"]) in (0, 1)  # main(argv): an embedder, never recorded
    assert _entries(tmp_path) == []


def test_a_run_that_read_a_file_changed_moments_before_is_not_recorded(process: Run, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _llama(tmp_path / "w" / "m")
    monkeypatch.setattr(replay, "RACY_NS", 3_000_000_000)
    process(*ARGS)
    assert _entries(tmp_path) == []


def test_a_corrupt_entry_is_a_miss(process: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _llama(tmp_path / "w" / "m")
    first = process(*ARGS)
    [entry] = _entries(tmp_path)
    good = entry.read_bytes()
    for bad in (b"", b"\x00not an entry", good[: len(good) // 2], good.replace(b"exit 1", b"exit 2"),
                good.replace(b"\nf ", b"\nq ", 1)):
        entry.write_bytes(bad)
        with monkeypatch.context() as m:
            ran = _counting(m)
            assert process(*ARGS) == first
        assert ran, bad[:40]


def test_entries_round_trip_any_path_and_text(tmp_path: Path) -> None:
    folder = tmp_path / "\u00e9 d\nx"
    folder.mkdir()
    files: dict[str, list[int] | None] = {str(tmp_path / "a\nb c"): None}
    data = replay.encode(files, [str(folder)], "out \n with lines\udcff", "", 1)
    assert replay._verified(data) == ("out \n with lines\udcff", "", 1)
    (tmp_path / "a\nb c").write_text("now present", encoding="utf-8")
    assert replay._verified(data) is None
