"""Result cache: a repeat scan of an unchanged repository replays its findings (issue 14).

As ruff and mypy keep theirs, under the user's cache folder (``$XDG_CACHE_HOME/hflint``,
else ``~/.cache/hflint``; never inside the scanned repository), bypassed with ``--no-cache``.

What an entry is keyed by, and why a cached verdict is the same verdict:

- the *listing* (every file's path and size, Git LFS pointers, what listing refused) and
  whether the repository's own records are trusted (``--isolated``) pick the entry;
- the *code and policy*: hflint's version, the interpreter, the installed distributions
  (fickling's version decides its second opinion), the size and times of every file of the
  hflint package and of its shipped ``rules/`` (packs, schemas, policy data), the selected
  rules as resolved (ids, severities, parameters) and the size and times of every file
  beside a user's own pack;
- the *content*: a cold scan records every read a check makes through ``Repo.open`` (an
  offset and a length) and hashes the bytes as they are read: the bytes actually analysed,
  that is the whole of a small file, a safetensors header, a zip's directory and pickle
  stream. A warm scan reads the same offsets and lengths again and trusts the entry only when
  the hash is the same (BLAKE2b, so a hostile change cannot be made to collide), and when
  every path a check resolved (a symlink an ONNX model names) resolves the same way.

Entries are JSON (never pickle), written through ``hflint.safefile`` (a temporary file and
an atomic rename), so concurrent runs each see a whole entry or none; an entry that does not
parse or verify is a miss. fickling's opinion of a pickle stream is kept apart, keyed by the
stream's hash, so it is paid once per distinct stream even when the repository around it
changed (``hflint.pickles.second_opinion``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from hflint.replay import cache_folder, code_stamp, tree_stamp

if TYPE_CHECKING:
    from hflint.finding import Finding
    from hflint.repo import Repo
    from hflint.rule import Rule

try:  # the C module hashlib wraps: ~0.2 ms to import where hashlib (OpenSSL) takes ~2 ms
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without it
    from hashlib import blake2b

FORMAT = 1  # of an entry (the code stamp has its own, hflint.replay)
MAX_ENTRY_BYTES = 64 * 1024 * 1024
_MAX_PACK_FILES = 2000  # files beside a user's pack that are stamped; more: no caching


def _hex(*parts: object) -> str:
    h = blake2b(digest_size=32)
    h.update(json.dumps(parts, sort_keys=True, default=str).encode())
    return h.hexdigest()


def folder(environ: dict[str, str] | os._Environ[str] = os.environ) -> Path:
    """``$XDG_CACHE_HOME/hflint``; the XDG Base Directory spec ignores a relative value."""
    return Path(cache_folder(environ))


def rules_stamp(rules: Iterable[Rule]) -> str | None:
    """The resolved rules, and the files beside every pack that is not shipped (its data
    and schemas); None when a pack's folder is too large to stamp."""
    from hflint import _paths

    shipped = _paths.rules_dir().resolve()
    rows = []
    folders: dict[str, Any] = {}
    for r in rules:
        rows.append((r.id, r.severity.value, r.kind, r.message, str(r.source), r.files, r.exclude, r.params,
                     r.active))
        pack_dir = r.source.resolve().parent
        if not pack_dir.is_relative_to(shipped) and str(pack_dir) not in folders:
            stamp = tree_stamp(str(pack_dir), _MAX_PACK_FILES)
            if stamp is None:
                return None
            folders[str(pack_dir)] = stamp
    return _hex(rows, folders)


def entry_key(rules_key: str, repo: Repo) -> str:
    """Which entry a scan looks up: code, rules and the listing (contents are verified)."""
    listing = [(f, repo.size(f), repo.is_lfs_pointer(f)) for f in repo.files]
    events = [(e.kind, e.path, e.detail) for e in repo.events]
    return _hex(code_stamp(), rules_key, repo.trust_records, listing, events)


# -- recording what a cold scan reads ----------------------------------------------------


class Reads:
    """Per file, the (offset, length) of every read and the hash of the bytes read."""

    def __init__(self) -> None:
        self.reads: dict[str, list[tuple[int, int]]] = {}
        self.hashes: dict[str, Any] = {}
        self.resolved: dict[str, str | None] = {}
        self.incomplete = False  # a check read bytes this record did not see: store nothing

    def opened(self, rel: str, fh: BinaryIO) -> BinaryIO:
        if rel not in self.reads:
            self.reads[rel] = []
            self.hashes[rel] = blake2b(digest_size=32)
        return cast("BinaryIO", RecordingFile(fh, self.reads[rel], self.hashes[rel], self))

    def digests(self) -> dict[str, tuple[list[tuple[int, int]], str]]:
        return {rel: (self.reads[rel], self.hashes[rel].hexdigest()) for rel in self.reads}


class RecordingFile:
    """A file a check reads: every read is recorded and hashed. Only the methods below
    exist, so a reader that would bypass the record (``fileno`` and ``mmap``) fails loudly
    (HF001) instead of silently leaving bytes out of the cache key."""

    def __init__(self, fh: BinaryIO, reads: list[tuple[int, int]], digest: Any, owner: Reads) -> None:
        self._fh = fh
        self._reads = reads
        self._digest = digest
        self._owner = owner

    def mark_unrecorded(self) -> None:
        """Bytes of this file were analysed where the record cannot see them (a child
        process that was stopped before it said what it read): the run is not stored, so
        no entry is ever verified against fewer bytes than were analysed."""
        self._owner.incomplete = True

    def _note(self, at: int, data: bytes | memoryview) -> None:
        if data:
            self._reads.append((at, len(data)))
            self._digest.update(data)

    def read(self, size: int | None = -1) -> bytes:
        at = self._fh.tell()
        data = self._fh.read(-1 if size is None else size)
        self._note(at, data)
        return data

    read1 = read

    def readinto(self, buffer: Any) -> int:
        at = self._fh.tell()
        n = self._fh.readinto(buffer)  # type: ignore[attr-defined]
        if n:
            self._note(at, memoryview(buffer)[:n])
        return int(n or 0)

    def readline(self, size: int | None = -1) -> bytes:
        at = self._fh.tell()
        data = self._fh.readline(-1 if size is None else size)
        self._note(at, data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._fh.seek(offset, whence)

    def tell(self) -> int:
        return self._fh.tell()

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    @property
    def closed(self) -> bool:
        return self._fh.closed

    @property
    def name(self) -> Any:
        return self._fh.name

    @property
    def mode(self) -> str:
        return "rb"

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> RecordingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


# -- entries --------------------------------------------------------------------------


def _finding_row(f: Finding) -> list[Any]:
    region = None if f.region is None else [f.region.start_line, f.region.start_column, f.region.end_line,
                                            f.region.end_column]
    return [f.rule_id, f.path, f.message, int(f.severity), region, f.pointer, f.occurrence, f.key]


def _finding(row: list[Any]) -> Finding:
    from hflint.finding import Finding, Region, Severity

    rule_id, path, message, severity, region, ptr, occurrence, key = row
    return Finding(rule_id, path, message, Severity(severity), None if region is None else Region(*region), ptr,
                   None, occurrence, key)


class Store:
    """One cache folder: scan entries under ``results/``, fickling's opinions under ``fickling/``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _read(self, kind: str, key: str) -> Any:
        from hflint.safefile import read_inside

        try:
            return json.loads(read_inside(self.root / kind, f"{key}.json", MAX_ENTRY_BYTES))
        except (OSError, ValueError):
            return None

    def _write(self, kind: str, key: str, value: Any) -> None:
        from hflint import safefile

        data = json.dumps(value, separators=(",", ":")).encode()
        if len(data) > MAX_ENTRY_BYTES:
            return
        try:
            (self.root / kind).mkdir(parents=True, exist_ok=True, mode=0o700)
            rel = f"{kind}/{key}.json"
            safefile.replace(self.root, rel, data, safefile.snapshot(self.root, rel))
        except (OSError, safefile.Changed):
            return  # a concurrent run wrote it first, or the folder is read-only: no cache

    # -- whole scans

    def lookup(self, key: str, repo: Repo) -> list[Finding] | None:
        entry = self._read("results", key)
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            return None
        try:
            if not all(repo.resolve(rel) == to for rel, to in entry["resolved"].items()):
                return None
            if not all(_same(repo, rel, reads, digest) for rel, (reads, digest) in entry["files"].items()):
                return None
            return [_finding(row) for row in entry["findings"]]
        except (KeyError, TypeError, ValueError):
            return None

    def store(self, key: str, reads: Reads, findings: list[Finding]) -> None:
        if reads.incomplete:
            return
        self._write("results", key, {"format": FORMAT, "files": reads.digests(), "resolved": reads.resolved,
                                     "findings": [_finding_row(f) for f in findings]})

    # -- fickling's opinion of one pickle stream

    def opinion(self, key: str) -> Any:
        return self._read("fickling", key)

    def keep_opinion(self, key: str, value: Any) -> None:
        self._write("fickling", key, value)


def _same(repo: Repo, rel: str, reads: list[list[int]], digest: str) -> bool:
    """Whether ``rel`` still holds the bytes a cold scan read at those offsets."""
    from hflint.repo import CannotAnalyse

    if not repo.exists(rel):
        return False
    h = blake2b(digest_size=32)
    try:
        with repo.open_unrecorded(rel) as fh:
            for at, length in reads:
                fh.seek(at)
                data = fh.read(length)
                if len(data) != length:
                    return False
                h.update(data)
    except (OSError, CannotAnalyse):
        return False
    return h.hexdigest() == digest


def stream_key(data: bytes, max_opcodes: int) -> str:
    """fickling's opinion of a stream depends on its bytes, the opcode limit, and the
    versions in ``code_stamp`` (fickling's among the installed distributions)."""
    h = blake2b(data, digest_size=32)
    return _hex("fickling", code_stamp(), max_opcodes, h.hexdigest())
