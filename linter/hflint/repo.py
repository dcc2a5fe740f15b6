"""The scanned repository: a hostile directory tree, listed once and parsed at most once.

Listing never follows a symlink out of the root (HF003), never opens a FIFO or device (a read
would block forever), and notes Git LFS pointer files (HF002): they stand in for weights that
were not fetched, so content checks do not see them as weight files.
Parsed artifacts are cached per file, so every rule that needs ``config.json`` shares one parse.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from hflint.globs import matches
from hflint.safefile import Refused, inside, open_inside

if TYPE_CHECKING:
    from hflint.resultcache import Reads, Store

T = TypeVar("T")

# git-lfs docs/spec.md: a pointer is a small text file starting with this line; "hawser" is
# the pre-release spelling that the spec says parsers should still accept.
LFS_PREFIXES = (b"version https://git-lfs.github.com/spec/", b"version https://hawser.github.com/spec/")
LFS_POINTER_MAX_BYTES = 1024
DEFAULT_MAX_FILES = 200_000
# Large enough for the biggest real tokenizer.json files (tens of MB), small enough that a
# multi-GB file named config.json is refused rather than decoded.
MAX_TEXT_BYTES = 128 * 1024 * 1024


class CannotAnalyse(Exception):
    """The file cannot be analysed (too large, unreadable, not a regular file...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ParseError(CannotAnalyse):
    """The file's syntax is broken; line and column are 1-based when known."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(reason)
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class RepoEvent:
    """Something listing found: kind is 'lfs-pointer', 'symlink-escape' or 'unreadable'."""

    kind: str
    path: str
    detail: str


def is_utf8(name: str) -> bool:
    """Whether a str (from os or a JSON \\u escape) holds no lone surrogate."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Repo:
    # Where the files can be browsed (an absolute URI ending in "/"), when not on this disk:
    # SARIF viewers resolve %SRCROOT% against it.
    source_uri: str | None = None
    # "model" or "dataset" when known from where the repository comes from (the Hub says);
    # None for a local folder, whose card's metadata decides (hflint.cards.repotype).
    repo_type: str | None = None

    def __init__(
        self,
        root: Path,
        exclude: Iterable[str] = (),
        *,
        max_files: int = DEFAULT_MAX_FILES,
        trust_records: bool = True,
    ) -> None:
        self.root = root.resolve()
        # Whether records the repo keeps about itself (code reviews) may be believed; False
        # under --isolated, when the repo was written by someone else.
        self.trust_records = trust_records
        self._exclude = tuple(exclude)
        self._sizes: dict[str, int] = {}
        self._lfs: set[str] = set()
        self._cache: dict[tuple[str, str], Any] = {}
        self._selected: dict[tuple[tuple[str, ...], ...], list[str]] = {}
        self.events: list[RepoEvent] = []
        self.current: str | None = None  # last file a check asked for, for HF001 on a crash
        # Set by the engine while a scan is cached (hflint.resultcache): what the checks read
        # becomes the entry's key, and fickling's opinions are kept per pickle stream.
        self.recording: Reads | None = None
        self.result_cache: Store | None = None
        self._list(max_files)
        self.files: tuple[str, ...] = tuple(sorted(self._sizes))

    # -- listing -----------------------------------------------------------------------

    def _list(self, max_files: int) -> None:
        stack = [""]
        while stack:
            rel_dir = stack.pop()
            try:
                with os.scandir(self.root / rel_dir if rel_dir else self.root) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                self.events.append(RepoEvent("unreadable", rel_dir, f"cannot list directory: {exc.strerror}"))
                continue
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                if not is_utf8(entry.name):
                    # os.scandir decodes bytes with surrogateescape; such a name cannot be
                    # reported (JSON, SARIF URIs) or published (the Hub's paths are UTF-8).
                    shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                    self.events.append(RepoEvent("unreadable", shown, "file name is not valid UTF-8"))
                    continue
                if entry.name == ".git" and rel_dir == "":
                    continue  # version-control metadata, not repository content
                if matches(rel, self._exclude):
                    continue
                if len(self._sizes) >= max_files:
                    self.events.append(
                        RepoEvent("unreadable", "", f"more than {max_files} files; the rest were not scanned")
                    )
                    return
                self._add(entry, rel, stack)

    def _add(self, entry: os.DirEntry[str], rel: str, stack: list[str]) -> None:
        try:
            if entry.is_symlink():
                self._add_symlink(entry, rel)
                return
            st = entry.stat(follow_symlinks=False)
        except OSError as exc:
            self.events.append(RepoEvent("unreadable", rel, f"cannot stat: {exc.strerror}"))
            return
        if stat.S_ISDIR(st.st_mode):
            stack.append(rel)
        elif stat.S_ISREG(st.st_mode):
            self._add_file(rel, st.st_size)
        else:
            self.events.append(RepoEvent("unreadable", rel, "not a regular file (FIFO, socket or device)"))

    def _add_symlink(self, entry: os.DirEntry[str], rel: str) -> None:
        target = os.readlink(entry.path)
        real = os.path.realpath(entry.path)
        if not inside(str(self.root), real):
            self.events.append(RepoEvent("symlink-escape", rel, target))
            return
        try:
            st = os.stat(real)
        except OSError:
            self.events.append(RepoEvent("unreadable", rel, f"dangling symlink to {target}"))
            return
        if stat.S_ISREG(st.st_mode):
            self._add_file(rel, st.st_size)
        # A symlinked directory inside the root is not descended: its files are listed at
        # their real path, and not following it rules out link cycles.

    def _add_file(self, rel: str, size: int) -> None:
        self._sizes[rel] = size
        if size <= LFS_POINTER_MAX_BYTES:
            try:
                with self._open_checked(rel) as fh:
                    head = fh.read(64)
            except OSError as exc:
                self.events.append(RepoEvent("unreadable", rel, f"cannot read: {exc.strerror}"))
                return
            except CannotAnalyse as exc:  # swapped for a link or a FIFO since it was listed
                self.events.append(RepoEvent("unreadable", rel, exc.reason))
                return
            if head.startswith(LFS_PREFIXES):
                self._lfs.add(rel)
                self.events.append(RepoEvent("lfs-pointer", rel, f"{size}-byte pointer"))

    @property
    def name(self) -> str:
        """The repository's name (a dataset's loading script is ``<name>.py``)."""
        return self.root.name

    # -- queries -----------------------------------------------------------------------

    def exists(self, rel: str) -> bool:
        """True for any listed file, LFS pointers included."""
        return rel in self._sizes

    def is_lfs_pointer(self, rel: str) -> bool:
        return rel in self._lfs

    def size(self, rel: str) -> int:
        return self._sizes[rel]

    def resolve(self, rel: str) -> str | None:
        """The root-relative path that ``rel`` (which may hold '..' or pass through
        symlinks) leads to when the OS opens it, or None when that is outside the root.
        A reference a file makes to another (ONNX external data) is checked with this."""
        if "\0" in rel:
            return None  # no OS call takes a name with a NUL byte (ValueError): nothing is opened
        real = os.path.realpath(os.path.join(self.root, rel))
        found = os.path.relpath(real, self.root).replace(os.sep, "/") if inside(str(self.root), real) else None
        if self.recording is not None:
            self.recording.resolved[rel] = found
        return found

    def select(self, include: Iterable[str], exclude: Iterable[str] = (), formats: Iterable[str] = ()) -> list[str]:
        """Content files matching the globs, and every file whose content is one of
        ``formats`` whatever its name (hflint.identify.formats_of: a name is a claim, the
        content decides); LFS pointers are left out (HF002 covers them). Rules of one family
        share their selection, so each is computed once."""
        key = (tuple(include), tuple(exclude), tuple(formats))
        found = self._selected.get(key)
        if found is None:
            inc, exc, fmts = key
            content = self._of_formats(frozenset(fmts)) if fmts else frozenset()
            found = self._selected[key] = [
                f
                for f in self.files
                if f not in self._lfs and ((matches(f, inc) and not matches(f, exc)) or f in content)
            ]
        return list(found)

    def _of_formats(self, formats: frozenset[str]) -> frozenset[str]:
        from hflint.identify import formats_of  # lazy: only rules with `formats:` read content

        return frozenset(f for f in self.files if f not in self._lfs and formats_of(self, f) & formats)

    # -- reading -----------------------------------------------------------------------

    def _open_checked(self, rel: str) -> BinaryIO:
        # The containment hflint's own records are read with too: a link out of the root is
        # refused, the open never follows a link or blocks on a FIFO swapped in after listing.
        try:
            return open_inside(str(self.root), rel)
        except Refused as exc:
            raise CannotAnalyse(exc.reason) from None

    def open(self, rel: str) -> BinaryIO:
        """Open a listed file for bounded reads; the caller reads only what it needs."""
        self.current = rel
        fh = self.open_unrecorded(rel)
        return fh if self.recording is None else self.recording.opened(rel, fh)

    def open_unrecorded(self, rel: str) -> BinaryIO:
        """``open`` for the result cache's own check of what a scan read."""
        try:
            return self._open_checked(rel)
        except OSError as exc:
            raise CannotAnalyse(f"cannot open: {exc.strerror}") from None

    def read_bytes(self, rel: str, limit: int) -> bytes:
        """The whole file, when it is at most ``limit`` bytes; CannotAnalyse otherwise."""
        size = self._sizes.get(rel, 0)
        if size > limit:
            raise CannotAnalyse(f"file is {size} bytes, over the {limit}-byte limit for this check")
        with self.open(rel) as fh:
            # Ask for the listed size (+1 to notice growth), not the limit: read(n) allocates
            # n bytes up front, which would be the whole limit for every small file.
            data = fh.read(size + 1)
            if len(data) > size:  # grew since listing: read on, still bounded by the limit
                data += fh.read(limit + 1 - len(data))
        if len(data) > limit:
            raise CannotAnalyse(f"file grew past the {limit}-byte limit while being read")
        return data

    def cached(self, rel: str, key: str, parse: Callable[[], T]) -> T:
        """Parse once per (file, key) for every rule; a CannotAnalyse is cached too."""
        self.current = rel
        slot = (rel, key)
        if slot not in self._cache:
            try:
                self._cache[slot] = parse()
            except CannotAnalyse as exc:
                self._cache[slot] = exc
        value = self._cache[slot]
        if isinstance(value, CannotAnalyse):
            raise value
        return value  # type: ignore[no-any-return]

    def text(self, rel: str) -> str:
        """The file decoded as strict UTF-8 (a BOM is kept: JSON loaders reject it too)."""

        def parse() -> str:
            data = self.read_bytes(rel, MAX_TEXT_BYTES)
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = data.count(b"\n", 0, exc.start) + 1
                column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
                raise ParseError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", line, column) from None

        return self.cached(rel, "text", parse)

    def json(self, rel: str) -> Any:
        """The parsed JSON value (see hflint.jsonfile for the rules)."""
        from hflint.jsonfile import parse_json

        return self.cached(rel, "json", lambda: parse_json(self.text(rel)))
