"""Whole-run replay: a repeat ``hflint scan`` of an unchanged folder prints what the same run
printed before, decided before argparse, the config, the rule packs or the engine are
imported (issue 14: a repeat scan at the floor).

This module imports only ``os``, ``sys``, ``time`` and BLAKE2 (not even ``json``, whose
decoder imports ``re`` and ``enum``: 5 ms): it is the whole start-up of a replayed run.

An entry is keyed by everything a report depends on besides the files: hflint's code and
shipped policy (``code_stamp``: version, interpreter, installed distributions, the size and
times of every file of the package and of ``rules/``), the arguments, the working directory,
the environment variables hflint or its reporters read, whether stdout and stderr are
terminals (colour, progress), the terminal's width and today's date (suppressions expire).

It is trusted only when every file and folder the recorded run depended on has the same
identity as then (``os.lstat`` and ``os.stat``: device, inode, type and mode, size, mtime and
ctime, in nanoseconds): every file the run opened, every folder it listed with each entry in
it (a file added, removed, renamed, resized or rewritten changes one of them), and the folders
between what it read and the working directory (a config or model folder found by walking up).
POSIX has ``write`` mark a file's ctime for update and no call sets a ctime back, so unchanged
times mean unchanged bytes; git trusts its index the same way and has the same blind spot, a
change within a timestamp's granularity of the recording ("racy git"). As git does, a run is
not recorded while anything it read changed less than ``RACY_NS`` before it started; such a
run is recorded by a later one. Anything else (an entry that does not parse, a stat that
differs) is a miss, and the scan runs as usual through the result cache, which re-hashes the
bytes the checks analyse (hflint.resultcache).

Only a run that the CLI marks replayable is recorded: one local folder, the result cache in
use, the report on stdout only (no ``--output``, ``--sarif-output``, ``--json-output``, GitHub
step summary), no fixes, exit 0 or 1. Entries are files under ``runs/`` in the cache folder in
a line format of their own (paths hex-encoded, the output length-prefixed; never pickle),
written through ``hflint.safefile`` as the result cache's are; one that does not parse is a miss.
"""

from __future__ import annotations

import os
import sys
import time

from hflint import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing; mypy knows the name

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any, TextIO

try:  # the C module hashlib wraps: ~0.2 ms to import where hashlib (OpenSSL) takes ~2 ms
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without it
    from hashlib import blake2b

FORMAT = 1
RACY_NS = 3_000_000_000  # coarser than any file system's timestamps (FAT: 2 s)
MAX_ENTRY_BYTES = 64 * 1024 * 1024
# What a report depends on in the environment (colour, width, CI, the cache folder itself).
ENVIRONMENT = ("NO_COLOR", "COLUMNS", "CI", "GITHUB_STEP_SUMMARY", "GITHUB_ACTIONS", "HFLINT_DEBUG",
               "XDG_CACHE_HOME", "HOME", "TERM", "PYTHONIOENCODING", "PYTHONUTF8", "LANG", "LC_ALL", "LC_CTYPE")


# -- the code stamp (hflint.resultcache keys its entries with it too) ---------------------


def cache_folder(environ: Any = os.environ) -> str:
    """``$XDG_CACHE_HOME/hflint``; the XDG Base Directory spec ignores a relative value."""
    base = environ.get("XDG_CACHE_HOME", "")
    root = base if base and os.path.isabs(base) else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(root, "hflint")


def digest(*parts: object) -> str:
    """A hash of plain values (str, int, bool, None, and lists, tuples and dicts of them, in
    the order given): their repr, which is exact for these types."""
    return blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=32).hexdigest()


def tree_stamp(top: str, limit: int | None = None) -> list[tuple[str, int, int, int]] | None:
    """(path, size, mtime, ctime) of every file under ``top``, bytecode caches left out;
    None when there are more than ``limit``."""
    out: list[tuple[str, int, int, int]] = []
    stack = [top]
    while stack:
        here = stack.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name == "__pycache__":
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            out.append((entry.path, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
            if limit is not None and len(out) > limit:
                return None
    return out


def _distributions() -> list[str]:
    """The installed distributions and versions (``*.dist-info`` folder names)."""
    names = []
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as found:
                names += [e.name for e in found if e.name.endswith((".dist-info", ".egg-info"))]
        except OSError:
            continue
    return sorted(names)


def _own_folders() -> tuple[str, str]:
    from hflint import _paths

    return os.path.dirname(os.path.realpath(__file__)), _paths.rules_folder()


_CODE_STAMP: list[str] = []


def code_stamp() -> str:
    """hflint's code and shipped policy, the interpreter and the installed libraries (once
    per process)."""
    if not _CODE_STAMP:
        package, rules = _own_folders()
        _CODE_STAMP.append(digest(FORMAT, __version__, sys.version, _distributions(), tree_stamp(package),
                                  tree_stamp(rules)))
    return _CODE_STAMP[0]


# -- the key and the identity of what a run depended on -----------------------------------


def _columns() -> int:
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 0


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def run_key(argv: Sequence[str]) -> str:
    return digest("run", code_stamp(), list(argv), os.getcwd(), {k: os.environ.get(k) for k in ENVIRONMENT},
                  _isatty(sys.stdout), _isatty(sys.stderr), _columns(), time.strftime("%Y-%m-%d"))


def _identity(path: str) -> list[int] | None:
    """lstat and stat of ``path``: None when it does not exist."""
    try:
        a = os.lstat(path)
    except OSError:
        return None
    try:
        b = os.stat(path)
    except OSError:
        b = a
    return [a.st_dev, a.st_ino, a.st_mode, a.st_size, a.st_mtime_ns, a.st_ctime_ns,
            b.st_dev, b.st_ino, b.st_mode, b.st_size, b.st_mtime_ns, b.st_ctime_ns]


def _kind(path: str) -> str | None:
    """A folder's entries other than files are compared by type only: a subfolder the run
    listed is compared itself, one it did not (``.git``, an excluded folder) does not matter."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    return "dir" if (mode & 0o170000) == 0o040000 else None


def _entry_path(root: str, key: str) -> str:
    return os.path.join(root, "runs", f"{key}.run")


MAGIC = b"hflint-run %d\n" % FORMAT


def encode(files: dict[str, list[int] | None], folders: list[str], out: str, err: str, code: int) -> bytes:
    lines = [MAGIC, b"exit %d\n" % code]
    for path, identity in sorted(files.items()):
        numbers = "-" if identity is None else " ".join(map(str, identity))
        lines.append(b"f %s %s\n" % (os.fsencode(path).hex().encode(), numbers.encode()))
    lines += [b"d %s\n" % os.fsencode(path).hex().encode() for path in sorted(folders)]
    for name, text in ((b"out", out), (b"err", err)):
        data = text.encode("utf-8", "surrogatepass")
        lines.append(b"%s %d\n%s\n" % (name, len(data), data))
    return b"".join(lines)


def _verified(data: bytes) -> tuple[str, str, int] | None:
    """The recorded output when every identity in the entry is what it was (ValueError when
    the entry does not parse)."""
    if not data.startswith(MAGIC):
        return None
    at = len(MAGIC)
    texts: list[str] = []
    code = -1
    while at < len(data):
        end = data.index(b"\n", at)
        word, _, rest = data[at:end].partition(b" ")
        at = end + 1
        if word == b"exit":
            code = int(rest)
        elif word == b"f":
            path, _, numbers = rest.partition(b" ")
            identity = None if numbers == b"-" else [int(n) for n in numbers.split()]
            if _identity(os.fsdecode(bytes.fromhex(path.decode()))) != identity:
                return None
        elif word == b"d":
            if _kind(os.fsdecode(bytes.fromhex(rest.decode()))) != "dir":
                return None
        elif word in (b"out", b"err"):
            n = int(rest)
            texts.append(data[at : at + n].decode("utf-8", "surrogatepass"))
            if data[at + n : at + n + 1] != b"\n":
                raise ValueError("truncated entry")
            at += n + 1
        else:
            raise ValueError(f"unknown record {word!r}")
    if len(texts) != 2 or code not in (0, 1):
        raise ValueError("incomplete entry")
    return texts[0], texts[1], code


def lookup(argv: Sequence[str]) -> tuple[str, str, int] | None:
    """The recorded (stdout, stderr, exit code) of this run when nothing it depended on changed."""
    try:
        with open(_entry_path(cache_folder(), run_key(argv)), "rb") as fh:
            return _verified(fh.read(MAX_ENTRY_BYTES + 1))
    except (OSError, ValueError, UnicodeError):
        return None


# -- recording a run ----------------------------------------------------------------------


class _Tee:
    """A text stream that also keeps what is written to it."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.kept: list[str] = []

    def write(self, text: str) -> int:
        self.kept.append(text)
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _Recorder:
    def __init__(self) -> None:
        self.opened: set[str] = set()
        self.listed: set[str] = set()  # os.listdir: the import system's too
        self.scanned: set[str] = set()  # os.scandir: hflint.repo's listing of the repository
        self.unsure = False


_RECORDER: list[_Recorder] = []  # the run being recorded (one per process)
_HOOKED: list[bool] = []
_REPLAYABLE: list[str] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _RECORDER:
        return
    if event == "open":
        path = args[0]
        if isinstance(path, os.PathLike):
            path = os.fspath(path)
        if isinstance(path, (str, bytes)):
            _RECORDER[0].opened.add(os.path.abspath(os.fsdecode(path)))
        elif not isinstance(path, int):
            _RECORDER[0].unsure = True  # an open this module cannot name
    elif event in ("os.scandir", "os.listdir"):
        path = os.fspath(args[0]) if isinstance(args[0], os.PathLike) else args[0]
        if path is None or isinstance(path, (str, bytes)):
            into = _RECORDER[0].scanned if event == "os.scandir" else _RECORDER[0].listed
            into.add(os.path.abspath(os.fsdecode(path or ".")))
        else:
            _RECORDER[0].unsure = True  # a listing through a descriptor


def mark_replayable(why: str) -> None:
    """The CLI says "report" when this run's whole output is its stdout and stderr for one
    local folder; the engine says "cache" when the result cache was used for it. A run is
    recorded when both said so."""
    _REPLAYABLE.append(why)


def record(argv: Sequence[str], run: Any) -> int:
    """Run ``run()`` (the scan) and, when it is replayable, record what it printed and depended on."""
    start = time.time_ns()
    if not _HOOKED:
        sys.addaudithook(_audit)  # PEP 578: sees every open and listing, whichever code makes it
        _HOOKED.append(True)
    recorder = _Recorder()
    _RECORDER.append(recorder)
    _REPLAYABLE.clear()
    out, err = _Tee(sys.stdout), _Tee(sys.stderr)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = int(run())
    finally:
        sys.stdout, sys.stderr = saved
        _RECORDER.clear()
    if {"report", "cache"} <= set(_REPLAYABLE) and code in (0, 1) and not recorder.unsure:
        _store(argv, recorder, start, "".join(out.kept), "".join(err.kept), code)
    return code


def _prefixes(*tops: str) -> tuple[str, ...]:
    return tuple({os.path.join(f(t), "") for t in tops for f in (os.path.realpath, os.path.abspath)})


def _skipped(recorder: _Recorder) -> set[str]:
    """What the code stamp covers (the interpreter, its libraries, hflint and its rules) and
    the cache itself (content-addressed entries), unless it is in a folder hflint.repo listed
    (a repository inside a virtual environment is scanned like any other)."""
    package, rules = _own_folders()
    always = _prefixes(package, rules, cache_folder(), "/dev", "/proc")
    code = _prefixes(sys.prefix, sys.base_prefix, sys.exec_prefix)
    scanned = tuple(os.path.join(p, "") for p in recorder.scanned)
    return {p for p in recorder.opened | recorder.listed | recorder.scanned
            if (p + os.sep).startswith(always) or ((p + os.sep).startswith(code) and not p.startswith(scanned)
                                                   and p not in recorder.scanned)}


def _ancestors(path: str, stop: str) -> list[str]:
    """The folders above ``path`` up to ``stop`` (inclusive), when ``path`` is below it."""
    out = []
    here = os.path.dirname(path)
    while here.startswith(os.path.join(stop, "")) or here == stop:
        out.append(here)
        if here == stop:
            break
        here = os.path.dirname(here)
    return out


def _store(argv: Sequence[str], recorder: _Recorder, start: int, out: str, err: str, code: int) -> None:
    skip = _skipped(recorder)
    cwd = os.getcwd()
    # A path opened relative to a folder descriptor (hflint.safefile's openat) is named here
    # relative to the working directory: such a name is checked too (a needless check, never
    # a missing one), and what it stands for is in a folder below that was listed.
    paths = (recorder.opened | recorder.listed | recorder.scanned) - skip
    # The folders the run listed, and those between what it read and the working directory
    # (a config or a model folder found by walking up): each with every entry in it.
    folders = (recorder.listed | recorder.scanned) - skip
    folders.update(f for p in paths for f in _ancestors(p, cwd))
    files: dict[str, list[int] | None] = {p: _identity(p) for p in paths | folders}
    types: dict[str, str] = {}
    for folder in folders:
        try:
            with os.scandir(folder) as found:
                names = [e.path for e in found]
        except OSError:
            continue  # absent or not a folder: its identity says so
        for name in names:
            if name in files or name in types:
                continue
            kind = _kind(name)
            if kind == "dir":
                types[name] = kind
            else:
                files[name] = _identity(name)
    racy = start - RACY_NS
    if any(i is not None and max(i[4], i[5], i[10], i[11]) >= racy for i in files.values()):
        return  # changed just before or during the run: a later run records it
    data = encode(files, sorted(types), out, err, code)
    if len(data) > MAX_ENTRY_BYTES:
        return
    from pathlib import Path

    from hflint import safefile

    root = cache_folder()
    rel = f"runs/{run_key(argv)}.run"
    try:
        os.makedirs(os.path.join(root, "runs"), mode=0o700, exist_ok=True)
        safefile.replace(Path(root), rel, data, safefile.snapshot(Path(root), rel))
    except (OSError, safefile.Changed):
        return  # a concurrent run wrote it first, or the folder is read-only: no entry
