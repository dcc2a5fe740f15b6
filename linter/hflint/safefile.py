"""hflint's own files inside a repository it scans: never read or written through a link.

hflint keeps records in the repositories it scans (``.hflint-baseline.json``,
``.hflint-review.yaml``; ``hflint fix`` will rewrite files there too), and a repository
written by someone else can put a symlink, a FIFO or a folder at any of those names, or at
the temporary and lock names hflint writes through. Every such file goes through this module:

``read_inside``  reads a record as hflint reads a scanned file (hflint.repo uses it too): a link
                 that stays inside the folder is followed, one that leaves it is refused (in
                 HF003's words); the file is opened non-blocking (a FIFO must not hang), must
                 be a regular file, and is read up to a limit.
``snapshot``     reads a file that is about to be rewritten: no component of its path may be a
                 link and the file must be regular (or absent); it keeps the file's identity
                 and mode for ``replace``.
``replace``      writes over a snapshot: a temporary file is created beside the target with
                 ``O_CREAT | O_EXCL | O_NOFOLLOW`` under a random name and the old file's mode,
                 written and fsynced, renamed over the target only if the target is still the
                 file the snapshot read (else ``Changed``), and the folder is fsynced. Until the
                 rename the old file is untouched; on an error the temporary file is removed.
``update``       read-modify-write under the target's lock, retried when the file changed.

Folders are walked openat(2)-style: each component is opened relative to its parent's
descriptor with ``O_NOFOLLOW | O_DIRECTORY``, so what is checked is what is written, with no
window for a swap. A refusal (``Refused``) is raised before anything is created.

Portability: ``O_NOFOLLOW``, ``O_DIRECTORY``, ``dir_fd`` and ``fcntl.flock`` are POSIX (Linux,
macOS, the BSDs). Where ``os.open`` lacks ``dir_fd`` or ``O_NOFOLLOW`` (Windows), the same
checks run on paths (``lstat`` of each component, then the call), which leaves a window between
check and use; where ``fcntl`` is missing, ``update`` takes no lock and relies on the
unchanged-since-read check alone.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO, NamedTuple

from hflint.exitcodes import ERROR

_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY: int = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC: int = getattr(os, "O_CLOEXEC", 0)
_BINARY: int = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
# Whether folders can be walked by descriptor; rename covers replace (both are renameat(2)).
AT_FDS = bool(_NOFOLLOW) and {os.open, os.stat, os.rename, os.unlink, os.readlink} <= os.supports_dir_fd
MAX_RECORD_BYTES = 64 * 1024 * 1024  # a baseline of ~100k entries; far above any config

_FOLLOW_LINK_HINT = "hflint does not follow links to its own files in a repository: remove the link and run again"


class Refused(OSError):
    """hflint will not read or write ``path``; ``str()`` is a sentence naming it and why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path} {reason}")
        self.path = path
        self.reason = reason


class Changed(Exception):
    """The file changed after it was read; it was not overwritten."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} changed while hflint was writing it; it was not overwritten: run again")


class Snapshot(NamedTuple):
    """A file as read before a change: its bytes (None: absent), identity and permission bits."""

    data: bytes | None
    stamp: tuple[int, ...] | None
    mode: int | None


def present(path: Path) -> bool:
    """Whether anything is at ``path``, a dangling link included (hflint then refuses it
    rather than acting as if its record were absent)."""
    return os.path.lexists(path)


def escape_reason(target: str) -> str:
    """Why a link out of the repository is not read (HF003's wording)."""
    return f"is a symlink to {target}, which resolves outside the repository; it was not followed"


def not_written(path: Path, exc: Exception) -> int:
    """Report a refused or failed write (stderr) and return exit code 2."""
    print(f"hflint: cannot write {path}: {exc}", file=sys.stderr)
    return ERROR


def _token() -> str:
    return os.urandom(8).hex()


def _stamp(st: os.stat_result) -> tuple[int, ...]:
    # A rewrite changes the inode (rename) or mtime/ctime/size (in place).
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _parts(rel: str) -> list[str]:
    parts = rel.replace(os.sep, "/").split("/")
    if os.path.isabs(rel) or any(p in ("", ".", "..") for p in parts):
        raise Refused(repr(rel), "is not a path inside the folder")
    return parts


class _Dir(NamedTuple):
    """A folder held open: by descriptor where openat(2) exists, else by path."""

    fd: int | None
    path: str

    def at(self, name: str) -> str:
        return name if self.fd is not None else os.path.join(self.path, name)

    def lstat(self, name: str) -> os.stat_result | None:
        try:
            return os.stat(self.at(name), dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def check(self, name: str, shown: str, *, folder: bool = False) -> None:
        """Refused unless ``name`` is absent or what is wanted (a regular file, or a folder)."""
        st = self.lstat(name)
        if st is None:
            return
        if stat.S_ISLNK(st.st_mode):
            raise Refused(shown, f"is a symlink to {os.readlink(self.at(name), dir_fd=self.fd)}; {_FOLLOW_LINK_HINT}")
        if folder and not stat.S_ISDIR(st.st_mode):
            raise Refused(shown, "is not a folder")
        if not folder and not stat.S_ISREG(st.st_mode):
            what = "a folder" if stat.S_ISDIR(st.st_mode) else "a FIFO, socket or device"
            raise Refused(shown, f"is {what}, not a regular file")


@contextmanager
def _walk(folder: Path | str, parts: Sequence[str]) -> Iterator[_Dir]:
    """``folder/parts...`` held open; ``folder`` is the caller's path (followed as given), and
    no part below it may be a link."""
    base = str(folder)
    if not AT_FDS:
        d = _Dir(None, base)
        for i, part in enumerate(parts):
            d.check(part, "/".join(parts[: i + 1]), folder=True)
            d = _Dir(None, os.path.join(d.path, part))
        yield d
        return
    fd = os.open(base, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        for i, part in enumerate(parts):
            try:
                child = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=fd)
            except OSError:  # a link, or not a folder: say which; else the error as it is
                _Dir(fd, base).check(part, "/".join(parts[: i + 1]), folder=True)
                raise
            os.close(fd)
            fd = child
        yield _Dir(fd, base)
    finally:
        os.close(fd)


def _open_regular(d: _Dir, name: str, shown: str, flags: int, mode: int = 0o600) -> int:
    """A descriptor for ``name``, which must be a regular file: never a link (``O_NOFOLLOW``)
    and never blocking (``O_NONBLOCK``: opening a FIFO for reading waits for a writer)."""
    if not _NOFOLLOW:  # then this is the only check (with O_NOFOLLOW the open fails on a link)
        d.check(name, shown)
    try:
        fd = os.open(d.at(name), flags | _NOFOLLOW | _NONBLOCK | _CLOEXEC | _BINARY, mode, dir_fd=d.fd)
    except OSError:  # swapped since the check: say for what
        d.check(name, shown)
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        d.check(name, shown)
        raise Refused(shown, "is not a regular file")
    return fd


def _read(fd: int, shown: str, limit: int) -> bytes:
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise Refused(shown, f"is over {limit} bytes, hflint's limit for this file")
    return data


def inside(root: str, real: str) -> bool:
    """Whether the resolved path ``real`` is ``root`` or below it."""
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def open_inside(root: str, rel: str) -> BinaryIO:
    """``root/rel`` opened for reading as hflint reads a scanned file. ``root`` is an absolute
    path without links (``Path.resolve()``). The path is opened component by component without
    following links; where one is met, it is followed only if the resolved path stays inside
    ``root``, and that path is opened the same way, so nothing swapped in after the check is
    read. Refused, or OSError."""
    return os.fdopen(_fd_inside(root, rel), "rb")


def _fd_inside(root: str, rel: str) -> int:
    try:  # the common case, no link on the way: no realpath (an lstat per component)
        parts = _parts(rel)
        with _walk(root, parts[:-1]) as d:
            return _open_regular(d, parts[-1], rel, os.O_RDONLY)
    except Refused:
        pass  # a link on the way: followed below while it stays inside
    full = os.path.join(root, rel)
    real = os.path.realpath(full)
    if not inside(root, real):
        if os.path.islink(full):
            raise Refused(rel, escape_reason(os.readlink(full)))
        raise Refused(rel, "resolves outside the repository through a linked folder; it was not followed")
    parts = _parts(os.path.relpath(real, root))
    try:
        with _walk(root, parts[:-1]) as d:
            return _open_regular(d, parts[-1], rel, os.O_RDONLY)
    except FileNotFoundError:
        if os.path.islink(full):  # dangling: say so, not "no such file" for a name that is there
            raise Refused(rel, f"is a symlink to {os.readlink(full)}, which does not exist") from None
        raise


def read_inside(folder: Path, rel: str, limit: int = MAX_RECORD_BYTES) -> bytes:
    """A record hflint found in ``folder`` (the repository, or the folder a config was found
    in), read as ``open_inside`` reads and at most ``limit`` bytes."""
    return _read(_fd_inside(str(folder.resolve()), rel), rel, limit)


def read_record(path: Path, *, contained: bool) -> bytes:
    """A record hflint found (``contained``: read inside its folder) or a file the user named
    on the command line (read from the path as given: the user's choice, not the repository's)."""
    return read_inside(path.parent, path.name) if contained else path.read_bytes()


def snapshot(folder: Path, rel: str, limit: int = MAX_RECORD_BYTES) -> Snapshot:
    """``folder/rel`` before a rewrite: Refused when any component of ``rel`` is a link or the
    file is not regular; ``Snapshot(None, None, None)`` when it is absent."""
    parts = _parts(rel)
    with _walk(folder, parts[:-1]) as d:
        try:
            fd = _open_regular(d, parts[-1], rel, os.O_RDONLY)
        except FileNotFoundError:
            return Snapshot(None, None, None)
        st = os.fstat(fd)
        return Snapshot(_read(fd, rel, limit), _stamp(st), stat.S_IMODE(st.st_mode) & 0o777)


def _current(d: _Dir, name: str) -> tuple[int, ...] | None:
    st = d.lstat(name)
    return None if st is None else _stamp(st)


def _sync(d: _Dir) -> None:
    """Make the rename durable: fsync the folder (fsync(2) on the directory's descriptor)."""
    if d.fd is not None:
        fd = d.fd
    else:
        try:
            fd = os.open(d.path, os.O_RDONLY)
        except OSError:  # Windows cannot open a folder; NTFS journals the rename itself
            return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno != errno.EINVAL:  # EINVAL: this file system does not sync folders
            raise
    finally:
        if d.fd is None:
            os.close(fd)


def replace(folder: Path, rel: str, data: bytes, expect: Snapshot) -> None:
    """Write ``data`` to ``folder/rel`` if it is still the file ``expect`` read (``Changed``
    otherwise), keeping its permission bits; atomic: readers see the old or the new file."""
    parts = _parts(rel)
    name = parts[-1]
    tmp = f".{name.lstrip('.')}.{_token()}.tmp"  # hidden, beside the target (rename(2) stays in one folder)
    tmp_shown = "/".join([*parts[:-1], tmp])
    with _walk(folder, parts[:-1]) as d:
        d.check(name, rel)
        # O_EXCL never follows a link and never reuses a file; a name already taken (planted
        # by the repository, or left by a killed run) is refused rather than written through.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        try:
            fd = _open_regular(d, tmp, tmp_shown, flags, 0o666 if expect.mode is None else 0o600)
        except FileExistsError:
            raise Refused(tmp_shown, "already exists; hflint did not write through it") from None
        try:
            try:
                if expect.mode is not None and hasattr(os, "fchmod"):  # Windows: 3.13+
                    os.fchmod(fd, expect.mode)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            if _current(d, name) != expect.stamp:
                raise Changed(rel)
            os.replace(d.at(tmp), d.at(name), src_dir_fd=d.fd, dst_dir_fd=d.fd)
        except BaseException:  # an interrupted write leaves the old file and no temporary one
            with suppress(OSError):
                os.unlink(d.at(tmp), dir_fd=d.fd)
            raise
        _sync(d)


@contextmanager
def locked(folder: Path, rel: str) -> Iterator[None]:
    """Hold ``rel``'s lock, an flock(2) on ``rel + ".lock"`` beside it. The kernel drops an
    flock when its process dies, so a lock file left by a killed run never blocks the next;
    the file is removed on release, and a waiter that then holds a removed file locks anew."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): update relies on its unchanged-since-read check
        yield
        return
    parts = _parts(rel)
    name = parts[-1] + ".lock"
    shown = "/".join([*parts[:-1], name])
    with _walk(folder, parts[:-1]) as d:
        d.check(parts[-1], rel)  # refuse a bad target before creating anything
        while True:
            fd = _open_regular(d, name, shown, os.O_RDWR | os.O_CREAT)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    print(f"hflint: waiting for another hflint to finish writing {rel}", file=sys.stderr)
                    fcntl.flock(fd, fcntl.LOCK_EX)
                st, now = os.fstat(fd), d.lstat(name)
            except BaseException:
                os.close(fd)
                raise
            if now is not None and (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino):
                break
            os.close(fd)  # the previous holder removed this file: lock the one there now
        try:
            yield
        finally:
            with suppress(OSError):
                os.unlink(d.at(name), dir_fd=d.fd)
            os.close(fd)


def update(folder: Path, rel: str, change: Callable[[bytes | None], bytes], limit: int = MAX_RECORD_BYTES) -> bool:
    """Read-modify-write ``folder/rel`` under its lock: ``change(old bytes, or None when
    absent)`` returns the new bytes, and may be called again if the file changed meanwhile
    (a writer that does not take the lock). False when there was nothing to write."""
    with locked(folder, rel):
        for _ in range(3):
            before = snapshot(folder, rel, limit)
            data = change(before.data)
            if data == before.data:
                return False
            try:
                replace(folder, rel, data, before)
            except Changed:
                continue
            return True
    raise Changed(rel)
