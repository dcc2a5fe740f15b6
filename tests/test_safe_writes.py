"""hflint's own files in a hostile repository (issue #16): never read or written through a
link, never lost.

A symlink (to an outside file, to an outside path that does not exist, to an outside FIFO,
to an outside folder, and a chain through a link inside the repository), a FIFO and a folder
are put at every path hflint reads or writes as its own record and at every temporary and
lock name it uses: each is refused (exit 2, or a finding for a scan), nothing outside is
opened or changed (content and mtime), and nothing is left in the repository. Interrupted
writes leave the old file; concurrent approvals and baseline runs keep each other's entries.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hflint import safefile
from hflint.cli import main

ROOT = Path(__file__).resolve().parents[1]
FILES = {
    "README.md": "# m\n",
    "config.json": '{"model_type": "bert", "hidden_size": "16"}',  # HF213
    "a.json": "{,}",  # HF217 (no loader reads it)
    "vocab.json": "{,}",  # HF201
    "modeling_x.py": "import torch\n\nclass M(torch.nn.Module):\n    pass\n",
    "configuration_x.py": "class C:\n    model_type = 'x'\n",
}
BASELINE = ".hflint-baseline.json"
REVIEW = ".hflint-review.yaml"
TOKEN = "feedfacecafebeef"  # what safefile._token returns in these tests
KINDS = ("outside-file", "outside-missing", "outside-fifo", "outside-folder", "chain", "fifo-here", "folder-here")

# Every open this process makes, while a test records them (sys.addaudithook, PEP 578):
# refused records must not be opened at all, not merely left unchanged. The event carries the
# path, not a dir_fd, so a name opened relative to a folder's descriptor (openat) is resolved
# from the working directory here; the "paths" runs open whole paths, which it sees exactly.
_opened: list[str] | None = None


def _record_opens(event: str, args: tuple[Any, ...]) -> None:
    if _opened is None or event != "open" or not args or not isinstance(args[0], str | bytes | os.PathLike):
        return
    path = Path(os.fsdecode(args[0]))
    flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
    if flags & getattr(os, "O_NOFOLLOW", 0):  # what the open can reach: its last name is not followed
        _opened.append(str(path.parent.resolve() / path.name))
    else:
        _opened.append(str(path.resolve()))


sys.addaudithook(_record_opens)


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A read that blocks on a FIFO fails the test instead of hanging the suite."""

    def fail(*_: object) -> None:
        raise TimeoutError("blocked: hflint opened a FIFO for reading?")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


class World:
    """A repository and an outside folder holding what links point to."""

    def __init__(self, tmp: Path) -> None:
        self.repo = tmp / "repo"
        self.outside = tmp / "outside"
        self.repo.mkdir()
        self.outside.mkdir()
        for rel, text in FILES.items():
            (self.repo / rel).write_text(text, encoding="utf-8")
        (self.outside / "secret.txt").write_text("not hflint's: version: 1\n", encoding="utf-8")
        os.mkfifo(self.outside / "pipe")
        (self.outside / "dir").mkdir()
        (self.outside / "dir" / "inner.txt").write_text("inner\n", encoding="utf-8")
        for p in self.outside.rglob("*"):  # an old mtime, so any write would show
            os.utime(p, ns=(1_000_000_000, 1_000_000_000), follow_symlinks=False)

    def plant(self, rel: str, kind: str) -> None:
        at = self.repo / rel
        targets = {
            "outside-file": self.outside / "secret.txt",
            "outside-missing": self.outside / "missing.txt",
            "outside-fifo": self.outside / "pipe",
            "outside-folder": self.outside / "dir",
        }
        if kind in targets:
            at.symlink_to(targets[kind])
        elif kind == "chain":  # inside, then out: only resolving the whole chain shows it
            (self.repo / "hop").symlink_to("../outside/secret.txt")
            at.symlink_to("hop")
        elif kind == "fifo-here":
            os.mkfifo(at)
        else:
            at.mkdir()

    def outside_state(self) -> dict[str, tuple[int, int, bytes]]:
        state = {}
        for p in sorted(self.outside.rglob("*")):
            st = p.lstat()
            body = p.read_bytes() if stat.S_ISREG(st.st_mode) else b""
            state[p.relative_to(self.outside).as_posix()] = (st.st_mode, st.st_mtime_ns, body)
        return state

    def listing(self) -> dict[str, tuple[int, int, bytes]]:
        out = {}
        for p in sorted(self.repo.rglob("*")):
            st = p.lstat()
            out[p.relative_to(self.repo).as_posix()] = (
                st.st_mode,
                st.st_mtime_ns,
                p.read_bytes() if stat.S_ISREG(st.st_mode) else b"",
            )
        return out


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


@pytest.fixture(params=["openat", "paths"])
def opening(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """openat: descriptor-relative walking (Linux, macOS). paths: the fallback for systems
    without openat(2) or O_NOFOLLOW (see hflint.safefile), which must refuse the same things;
    there every open names a whole path, so the audit hook below sees exactly what it reaches."""
    if request.param == "paths":
        monkeypatch.setattr(safefile, "AT_FDS", False)
        monkeypatch.setattr(safefile, "_NOFOLLOW", 0)
    return str(request.param)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def approve(repo: Path, *files: str) -> list[str]:
    return ["review", "approve", "--repo", str(repo), "--by", "Jane Reviewer", "--note", "read", *files]


def write_baseline(repo: Path, *extra: str) -> list[str]:
    return ["baseline", "write", str(repo), "--reason", "known issue", "--select", "HF2", *extra]


def refused(world: World, capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run argv: exit 2, nothing outside opened or changed, nothing new in the repository."""
    global _opened
    outside, listing = world.outside_state(), world.listing()
    _opened = []
    try:
        code, out, err = run(capsys, *argv)
    finally:
        opened, _opened = _opened, None
    assert code == 2, (out, err)
    assert not [p for p in opened if p.startswith(str(world.outside))], opened
    assert world.outside_state() == outside
    assert world.listing() == listing
    return err


# -- reads: the repository's own records ------------------------------------------------


READ_PATHS = {
    ".hflint.yaml": "cannot read config",
    ".hflint.yml": "cannot read config",
    "pyproject.toml": "cannot read config",
    BASELINE: "cannot read baseline",
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("rel", READ_PATHS)
def test_scan_refuses_a_record_that_is_not_a_regular_file_inside(
    world: World, capsys: pytest.CaptureFixture[str], opening: str, rel: str, kind: str
) -> None:
    world.plant(rel, kind)
    err = refused(world, capsys, ["scan", str(world.repo), "--select", "HF2"])
    assert READ_PATHS[rel] in err
    if kind.startswith("outside") or kind == "chain":
        assert f"{rel} is a symlink to " in err
        assert "which resolves outside the repository; it was not followed" in err
    else:
        assert "not a regular file" in err


@pytest.mark.parametrize("kind", KINDS)
def test_review_records_behind_a_link_are_refused(
    world: World, capsys: pytest.CaptureFixture[str], opening: str, kind: str
) -> None:
    world.plant(REVIEW, kind)
    err = refused(world, capsys, ["review", "status", "--repo", str(world.repo)])
    expected = "it was not followed" if kind.startswith("outside") or kind == "chain" else "not a regular file"
    assert f"{REVIEW}: " in err and expected in err
    # A scan does not trust them either: HF501 names the review file (fail closed).
    global _opened
    _opened = []
    try:
        code, out, _ = run(capsys, "scan", str(world.repo), "--select", "HF501", "--format", "json")
    finally:
        opened, _opened = _opened, None
    assert not [p for p in opened if p.startswith(str(world.outside))]
    findings = json.loads(out)["findings"]
    assert code == 1
    assert any(f["path"] == REVIEW and expected in f["message"] for f in findings), findings


def test_config_found_in_a_parent_folder_is_contained_there(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = world.repo / "sub"
    sub.mkdir()
    (sub / "config.json").write_text("{}", encoding="utf-8")
    world.plant(".hflint.yaml", "outside-file")
    monkeypatch.chdir(world.repo)
    err = refused(world, capsys, ["scan", "sub"])
    assert "it was not followed" in err


def test_links_that_stay_inside_are_read_like_scanned_files(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    (world.repo / "configs").mkdir()
    (world.repo / "configs" / "hflint.yaml").write_text("select: [HF201]\n", encoding="utf-8")
    (world.repo / ".hflint.yaml").symlink_to("configs/hflint.yaml")
    code, out, _ = run(capsys, "scan", str(world.repo), "--format", "json")
    assert code == 1
    assert {f["rule_id"] for f in json.loads(out)["findings"]} == {"HF201"}


def test_user_named_files_follow_the_path_as_given(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """--config and --baseline (for a scan) and report outputs are the user's choice."""
    (world.outside / "cfg.yaml").write_text("select: [HF201]\n", encoding="utf-8")
    link = world.repo.parent / "my-config.yaml"
    link.symlink_to(world.outside / "cfg.yaml")
    report = world.repo.parent / "report.json"
    report.symlink_to(world.outside / "report.json")
    code, _, err = run(capsys, "scan", str(world.repo), "--config", str(link), "--json-output", str(report))
    assert code == 1, err
    assert json.loads((world.outside / "report.json").read_text(encoding="utf-8"))["findings"]


# -- writes: baseline, review records, their lock and temporary files -------------------


def _write_cases(world: World) -> dict[str, tuple[str, list[str]]]:
    """name -> (path planted, command that writes there)."""
    custom = world.repo / "custom-baseline.json"
    return {
        "baseline-write": (BASELINE, write_baseline(world.repo)),
        "baseline-update": (BASELINE, ["baseline", "update", str(world.repo), "--select", "HF2"]),
        "baseline-named": (custom.name, write_baseline(world.repo, "--baseline", str(custom))),
        "baseline-lock": (BASELINE + ".lock", write_baseline(world.repo)),
        "baseline-temporary": (f"{BASELINE}.{TOKEN}.tmp", write_baseline(world.repo)),
        "review": (REVIEW, approve(world.repo, "modeling_x.py")),
        "review-lock": (REVIEW + ".lock", approve(world.repo, "modeling_x.py")),
        "review-temporary": (f"{REVIEW}.{TOKEN}.tmp", approve(world.repo, "modeling_x.py")),
    }


WRITE_CASES = (
    "baseline-write",
    "baseline-update",
    "baseline-named",
    "baseline-lock",
    "baseline-temporary",
    "review",
    "review-lock",
    "review-temporary",
)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", WRITE_CASES)
def test_writes_refuse_anything_but_a_regular_file(
    world: World,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    opening: str,
    case: str,
    kind: str,
) -> None:
    monkeypatch.setattr(safefile, "_token", lambda: TOKEN)
    rel, argv = _write_cases(world)[case]
    if case.endswith(("lock", "temporary")):  # an existing record next to them stays as it was
        target = world.repo / rel.split(".lock")[0].split(f".{TOKEN}")[0]
        target.write_text("version: 1\nfiles: {}\n" if target.name == REVIEW else '{"version": 1, "entries": []}\n')
    world.plant(rel, kind)
    err = refused(world, capsys, argv)
    assert "hflint: cannot write " in err
    reason = {"fifo-here": "is a FIFO, socket or device, not a regular file", "folder-here": "is a folder"}
    assert f"{rel} {reason.get(kind, 'is a symlink to ')}" in err, err


def test_a_linked_folder_on_the_way_is_refused(world: World, opening: str) -> None:
    (world.repo / "sub").symlink_to(world.outside / "dir")
    before = world.outside_state()
    for call in (
        lambda: safefile.snapshot(world.repo, "sub/inner.txt"),
        lambda: safefile.replace(world.repo, "sub/x", b"x", safefile.Snapshot(None, None, None)),
        lambda: safefile.update(world.repo, "sub/x", lambda _: b"x"),
    ):
        with pytest.raises(safefile.Refused, match="sub is a symlink to "):
            call()
    with pytest.raises(safefile.Refused, match="through a linked folder"):
        safefile.read_inside(world.repo, "sub/inner.txt")
    assert world.outside_state() == before


def test_writes_are_atomic_and_keep_the_mode(world: World) -> None:
    path = world.repo / "config.json"
    path.chmod(0o640)
    before = safefile.snapshot(world.repo, "config.json")
    assert before.data == b'{"model_type": "bert", "hidden_size": "16"}' and before.mode == 0o640
    safefile.replace(world.repo, "config.json", b"{}", before)
    assert path.read_bytes() == b"{}" and stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in world.repo.iterdir()) == sorted(FILES)  # no temporary file left
    old_umask = os.umask(0o027)
    try:
        safefile.replace(world.repo, "new.json", b"[]", safefile.snapshot(world.repo, "new.json"))
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((world.repo / "new.json").stat().st_mode) == 0o640  # 0o666 less the umask


def test_write_if_unchanged_since_read(world: World) -> None:
    """The contract `hflint fix` will rely on: an edit made after hflint read the file wins."""
    before = safefile.snapshot(world.repo, "a.json")
    (world.repo / "a.json").write_text("{ }", encoding="utf-8")  # an editor saves meanwhile
    with pytest.raises(safefile.Changed):
        safefile.replace(world.repo, "a.json", b"{}", before)
    assert (world.repo / "a.json").read_text(encoding="utf-8") == "{ }"
    absent = safefile.snapshot(world.repo, "b.json")
    (world.repo / "b.json").write_text("1", encoding="utf-8")
    with pytest.raises(safefile.Changed):
        safefile.replace(world.repo, "b.json", b"2", absent)
    assert sorted(p.name for p in world.repo.iterdir()) == sorted([*FILES, "b.json"])


def test_update_merges_with_a_writer_that_does_not_lock(world: World) -> None:
    seen: list[bytes | None] = []

    def change(data: bytes | None) -> bytes:
        seen.append(data)
        if len(seen) == 1:  # someone else writes between our read and our rename
            (world.repo / "list.txt").write_bytes(b"theirs\n")
        return (data or b"") + b"ours\n"

    assert safefile.update(world.repo, "list.txt", change)
    assert seen == [None, b"theirs\n"]
    assert (world.repo / "list.txt").read_bytes() == b"theirs\nours\n"
    assert not safefile.update(world.repo, "list.txt", lambda data: data or b"")  # unchanged: no write


def test_a_lock_left_by_a_killed_run_does_not_block(world: World) -> None:
    (world.repo / (REVIEW + ".lock")).write_bytes(b"")  # its process died; the kernel dropped the flock
    assert safefile.update(world.repo, REVIEW, lambda _: b"version: 1\n")
    assert not (world.repo / (REVIEW + ".lock")).exists()


# -- interrupted writes ---------------------------------------------------------------


class Interrupt:
    """Fails one step of safefile.replace, on the temporary file only: the open's O_EXCL
    marks the temporary file's descriptor, and the chosen step fails on it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, step: str, error: BaseException) -> None:
        self.step, self.error, self.fd = step, error, -1
        real_open = os.open

        def opening(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
            fd = real_open(path, flags, mode, dir_fd=dir_fd)
            if flags & os.O_EXCL and str(path).endswith(".tmp"):
                self.fd = fd
            return fd

        monkeypatch.setattr(os, "open", opening)
        for name in ("fchmod", "write", "fsync", "replace"):
            monkeypatch.setattr(os, name, self._wrap(name, getattr(os, name)))

    def _wrap(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if name == self.step and (args[0] == self.fd or str(args[0]).endswith(".tmp")):
                raise self.error
            return real(*args, **kwargs)

        return call


STEPS = ("fchmod", "write", "fsync", "replace")


@pytest.mark.parametrize("error", [OSError(errno.EIO, "I/O error"), KeyboardInterrupt()], ids=["EIO", "interrupt"])
@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("command", ["approve", "baseline"])
def test_an_interrupted_write_leaves_the_old_file(
    world: World,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    step: str,
    error: BaseException,
) -> None:
    name, argv = (REVIEW, approve(world.repo, "modeling_x.py")) if command == "approve" else (BASELINE, [])
    if command == "baseline":  # an old baseline with one entry, then a new finding to add
        assert main(write_baseline(world.repo, "--select", "HF201")) == 0
        argv = write_baseline(world.repo, "--select", "HF201,HF213")
    else:
        assert main(approve(world.repo, "configuration_x.py")) == 0
    (world.repo / name).chmod(0o640)
    capsys.readouterr()
    listing = world.listing()
    interrupt = Interrupt(monkeypatch, step, error)
    code = main(argv)
    assert code == (130 if isinstance(error, KeyboardInterrupt) else 2)
    assert world.listing() == listing  # the old file, byte for byte and mtime; no temporary or lock file
    monkeypatch.undo()
    assert interrupt.fd != -1  # the failure did hit the temporary file
    assert main(argv) == 0  # nothing stale blocks the next run
    assert stat.S_IMODE((world.repo / name).stat().st_mode) == 0o640
    text = (world.repo / name).read_text(encoding="utf-8")
    assert ("configuration_x.py" in text and "modeling_x.py" in text) if command == "approve" else text.count(
        '"rule"'
    ) == 2


_CHILD = """
import os, signal, sys, time
from hflint import safefile
from hflint.cli import main

real_snapshot, real_replace = safefile.snapshot, os.replace
mode = sys.argv[1]

def slow_snapshot(*args, **kwargs):
    got = real_snapshot(*args, **kwargs)
    time.sleep(0.3)  # widen the read-to-rename window, so unserialised runs would overlap
    return got

def kill_before_rename(src, dst, **kwargs):
    if str(src).endswith(".tmp"):
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst, **kwargs)

if mode == "slow":
    safefile.snapshot = slow_snapshot
elif mode == "kill":
    os.replace = kill_before_rename
go = sys.argv[2]
while not os.path.exists(go):
    time.sleep(0.005)
sys.exit(main(sys.argv[3:]))
"""


def _processes(tmp: Path, mode: str, *commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Run hflint commands as separate processes, released together."""
    go = tmp / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "linter")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, mode, str(go), *argv],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for argv in commands
    ]
    time.sleep(0.5)  # all started (importing hflint); none can pass the barrier yet
    go.touch()
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


@pytest.mark.parametrize("command", ["approve", "baseline"])
def test_a_killed_run_leaves_the_old_file_and_does_not_block_the_next(
    world: World, tmp_path: Path, command: str
) -> None:
    if command == "approve":
        assert main(approve(world.repo, "configuration_x.py")) == 0
        name, argv = REVIEW, approve(world.repo, "modeling_x.py")
    else:
        assert main(write_baseline(world.repo, "--select", "HF201")) == 0
        name, argv = BASELINE, write_baseline(world.repo, "--select", "HF201,HF213")
    old = (world.repo / name).read_bytes()
    (killed,) = _processes(tmp_path, "kill", argv)
    assert killed.returncode == -signal.SIGKILL
    assert (world.repo / name).read_bytes() == old
    left = {p.name for p in world.repo.iterdir()} - {*FILES, name}  # what a SIGKILL leaves behind
    assert name + ".lock" in left and len([n for n in left if n.endswith(".tmp")]) == 1, left
    (done,) = _processes(tmp_path, "none", argv)  # the stale lock file does not block
    assert done.returncode == 0, done.stderr
    assert (world.repo / name).read_bytes() != old
    assert not (world.repo / (name + ".lock")).exists()


def test_concurrent_approvals_keep_both_records(world: World, tmp_path: Path) -> None:
    first, second = _processes(
        tmp_path, "slow", approve(world.repo, "modeling_x.py"), approve(world.repo, "configuration_x.py")
    )
    assert (first.returncode, second.returncode) == (0, 0), (first.stderr, second.stderr)
    assert "waiting for another hflint" in first.stderr + second.stderr  # they did overlap
    text = (world.repo / REVIEW).read_text(encoding="utf-8")
    assert "modeling_x.py:" in text and "configuration_x.py:" in text
    assert not (world.repo / (REVIEW + ".lock")).exists()


def test_concurrent_baseline_runs_keep_both_entries(world: World, tmp_path: Path) -> None:
    first, second = _processes(
        tmp_path,
        "slow",
        write_baseline(world.repo, "--select", "HF201"),
        write_baseline(world.repo, "--select", "HF213"),
    )
    assert (first.returncode, second.returncode) == (0, 0), (first.stderr, second.stderr)
    entries = json.loads((world.repo / BASELINE).read_text(encoding="utf-8"))["entries"]
    assert sorted(e["rule"] for e in entries) == ["HF201", "HF213"]


def test_a_run_with_another_selection_keeps_entries_it_did_not_judge(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(write_baseline(world.repo, "--select", "HF201")) == 0
    assert main(["baseline", "update", str(world.repo), "--select", "HF213"]) == 0
    assert "0 added, 1 kept, 0 removed" in capsys.readouterr().out
    (world.repo / "vocab.json").write_text("{}", encoding="utf-8")  # fixed: now its rule judges it gone
    assert main(["baseline", "update", str(world.repo), "--select", "HF201"]) == 0
    assert "0 added, 0 kept, 1 removed" in capsys.readouterr().out


def test_a_baseline_scans_would_refuse_is_not_written(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "baseline", "write", str(world.repo), "--reason", "x", "--select", "HF2")
    assert code == 2 and "would not be a valid baseline" in err and "reason: 'x' is too short" in err
    assert not (world.repo / BASELINE).exists()
