"""A bounded tar header walker that reads members one at a time, as Python's tarfile does.

Loaders of tar-based model files (torch's pre-1.0 checkpoints, NeMo's restore_from, onnx's
hub download) read them with ``tarfile``; scanning must see the members tarfile sees. But
``tarfile`` keeps every TarInfo in ``TarFile.members`` and costs about 19 us a header, so a
tar of a million empty members held a scan for a minute: this walker yields each member as
it reads its header (about 4 us), keeps nothing, and the caller stops it at its limits.

It follows CPython's Lib/tarfile.py (3.11-3.13) where it decides what a member is:
POSIX.1-1988 ustar headers with the ``prefix`` field, the unsigned or signed header
checksum, base-256 numbers (GNU), GNU long names and long link names (``L``, ``K``), pax
extended and global headers (``x``, ``g``; POSIX.1-2001: ``path``, ``linkpath``, ``size``),
the earliest extended header winning as in tarfile's recursion, V7 directories (a regular
file whose name ends in ``/``), data blocks skipped only for regular files and unknown
types, and the end of the archive at the first empty or invalid header after the first
(tarfile stops there silently, so what follows is reported as not analysed). GNU sparse
members are marked, not expanded. Anything tarfile would refuse is a TarError.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple, Protocol

BLOCK = 512
NUL_BLOCK = bytes(BLOCK)
REGULAR = frozenset(b"0\x007S")  # REGTYPE, AREGTYPE, CONTTYPE, GNUTYPE_SPARSE: data follows
SUPPORTED = frozenset(b"0\x0012345679LKS")  # tarfile.SUPPORTED_TYPES; others are read as regular files
EXTENDED = frozenset(b"LKxgX")  # headers that describe the next member
HARDLINK, SYMLINK, CHAR, BLOCK_DEV, DIRECTORY, FIFO = (ord(c) for c in "123456")
MAX_EXTENDED_BYTES = 1 << 20  # a long name or pax header; tarfile reads any size into memory
MAX_EXTENDED_CHAIN = 16  # extended headers before one member; tarfile recurses per header
_PAX_RECORD = re.compile(rb"(\d+) ([^=]+)=")
_SPARSE_KEYS = ("GNU.sparse.map", "GNU.sparse.size", "GNU.sparse.major", "GNU.sparse.realsize")


class TarError(Exception):
    """The archive cannot be read as tarfile reads it (tarfile would raise ReadError)."""

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(reason)
        self.reason, self.offset = reason, offset


class Entry(NamedTuple):
    name: str
    linkname: str
    type: int  # the type flag byte (ord('0') for a regular file)
    size: int  # content size (pax ``size`` applied; a sparse member's real size)
    offset: int  # where its first header (extended ones included) starts
    data: int  # where its content starts
    stored: int  # bytes tarfile steps over to the next header (for regular and unknown types)
    sparse: bool  # GNU sparse: the bytes stored are not the content

    @property
    def regular(self) -> bool:
        return self.type in REGULAR

    @property
    def next_header(self) -> int:
        """Where tarfile reads the next header: past the data of regular and unknown types only."""
        if self.type in REGULAR or self.type not in SUPPORTED:
            return self.data + _blocks(self.stored)
        return self.data


class Source(Protocol):
    def read(self, n: int) -> bytes: ...
    def skip(self, n: int) -> int: ...
    def tell(self) -> int: ...


class End(NamedTuple):
    """Why the walk stopped: at ``offset``; ``reason`` is None for a proper end marker."""

    offset: int
    reason: str | None


def entries(src: Source, end: list[End]) -> Iterator[Entry]:
    """The members of the tar in ``src`` (positioned at its start), in order. The caller may
    read a regular member's content from ``src`` before asking for the next one (the walker
    skips whatever it did not read). ``end`` receives where and why the walk ended."""
    global_pax: dict[str, str] = {}
    first = True
    pos = src.tell()
    if hasattr(src, "seek"):  # a window of the file: headers are read ahead in chunks
        src = _Ahead(src)  # type: ignore[arg-type]
    while True:
        if src.tell() != pos:  # the caller read part of the last member's content
            _seek(src, pos)
        try:
            entry = _member(src, pos, global_pax)
        except TarError as exc:
            if first or "extended header" in exc.reason or "sparse" in exc.reason:
                raise  # tarfile raises ReadError here too (SubsequentHeaderError), or hflint cannot follow
            end.append(End(exc.offset, f"invalid tar header at byte {exc.offset} ({exc.reason})"))
            return
        if entry is None:  # the end-of-archive marker (or an empty archive, for tarfile too)
            end.append(End(pos, None))
            return
        first = False
        yield entry
        pos = entry.next_header


def _member(src: Source, pos: int, global_pax: dict[str, str]) -> Entry | None:
    """The member whose headers start at ``pos``; None at the end-of-archive marker.

    tarfile processes extended headers recursively and patches the member on the way back,
    so the first one in the file wins: a GNU long name before a pax ``path`` gives the long
    name, and the other way round the pax path. A pax ``x`` header carries the global ones
    with it (tarfile copies them into each ``x``), and its ``size`` also moves the next
    header; a global ``size`` alone changes the content size but not where the next header
    is (tarfile computes that first), which is kept here as ``stored``."""
    name: str | None = None
    link: str | None = None
    size_text: str | None = None
    moves = sparse = False
    for _ in range(MAX_EXTENDED_CHAIN + 1):
        at = src.tell()
        block = src.read(BLOCK)
        if len(block) < BLOCK:
            if at == pos and not block:
                return None  # the file ends where a header could start: tarfile's EOF
            raise TarError("truncated header" if block else "extended header without a member", at)
        if block == NUL_BLOCK:
            if at != pos:
                raise TarError("extended header followed by the end-of-archive marker", at)
            return None
        own_name, own_size, own_link = _header(block, at)
        kind = block[156]
        if kind in EXTENDED:
            if not 0 <= own_size <= MAX_EXTENDED_BYTES:
                raise TarError(f"extended header of {own_size} bytes (hflint reads up to {MAX_EXTENDED_BYTES})", at)
            data = src.read(_blocks(own_size))  # tarfile parses whole blocks, not only ``size`` bytes
            if len(data) < own_size:
                raise TarError("extended header is truncated", at)
            if kind == ord("L"):
                name = _text(data.split(b"\0", 1)[0]) if name is None else name
            elif kind == ord("K"):
                link = _text(data.split(b"\0", 1)[0]) if link is None else link
            elif kind == ord("g"):
                global_pax.update(_pax(data, at))
            else:
                eff = {**global_pax, **_pax(data, at)}
                if name is None and "path" in eff:
                    name = eff["path"].rstrip("/")
                if link is None and "linkpath" in eff:
                    link = eff["linkpath"]
                if size_text is None and "size" in eff:
                    size_text, moves = eff["size"], True
                sparse = sparse or any(k in eff for k in _SPARSE_KEYS)
                if eff.get("GNU.sparse.major") == "1":
                    raise TarError("GNU sparse member (pax format 1.0), which hflint does not read", at)
            continue
        if name is None and "path" in global_pax:
            name = global_pax["path"].rstrip("/")
        if link is None and "linkpath" in global_pax:
            link = global_pax["linkpath"]
        if size_text is None and "size" in global_pax:
            size_text = global_pax["size"]
        if kind == 0 and own_name.endswith("/"):
            kind = DIRECTORY  # V7: a regular file whose name ends in "/" is a directory
        prefix = _text(block[345:500].split(b"\0", 1)[0])
        if prefix and kind not in (ord("L"), ord("K"), ord("S")):
            own_name = prefix + "/" + own_name
        full = own_name if name is None else name
        if kind == DIRECTORY:
            full = full.rstrip("/")
        size, stored = own_size, own_size
        if kind == ord("S"):  # old GNU sparse: extension blocks, then the stored data
            sparse, size = True, _number(block[483:495], at)
            flag, count = block[482], 0
            while flag:
                count += 1
                ext = src.read(BLOCK)
                if len(ext) < BLOCK or count > MAX_EXTENDED_CHAIN:
                    raise TarError("GNU sparse header is truncated or too long", at)
                flag = ext[504]
        if size_text is not None:
            try:
                size = int(size_text)
            except ValueError:
                size = 0  # tarfile's _apply_pax_info reads a bad number as 0
            stored = size if moves else stored
        if size < 0 or stored < 0:
            raise TarError(f"negative member size {min(size, stored)}", at)
        return Entry(full, own_link if link is None else link, kind, size, pos, src.tell(), stored, sparse)
    raise TarError(f"more than {MAX_EXTENDED_CHAIN} extended headers before one member", pos)


class Seekable(Source, Protocol):
    def seek(self, pos: int) -> None: ...


class _Ahead:
    """Header reads from a seekable source, a chunk at a time while members are small (a
    tar of empty members costs one read per 128 headers), one block at a time after a large
    member (so a tar of big files reads its headers, not its data)."""

    CHUNK = 64 * 1024

    def __init__(self, src: Seekable) -> None:
        self._src = src
        self._buf, self._base, self._pos = b"", 0, src.tell()

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int) -> None:
        self._pos = pos

    def skip(self, n: int) -> int:
        self._pos += n
        return n

    def read(self, n: int) -> bytes:
        i = self._pos - self._base
        if i < 0 or i + n > len(self._buf):
            near = 0 <= i <= len(self._buf) + self.CHUNK  # the last jump was short: members are small
            self._src.seek(self._pos)
            self._buf, self._base, i = self._src.read(max(n, self.CHUNK if near else n)), self._pos, 0
        out = self._buf[i : i + n]
        self._pos += len(out)
        return out


def _header(block: bytes, at: int) -> tuple[str, int, str]:
    """(name, size, linkname) of a header block whose checksum holds; TarError otherwise."""
    stored = _number(block[148:156], at)
    unsigned = sum(block) - sum(block[148:156]) + 256
    if stored != unsigned and stored != unsigned - 256 * sum(1 for b in block[:148] + block[156:] if b > 127):
        raise TarError("bad checksum", at)
    return (_text(block[:100].split(b"\0", 1)[0]), _number(block[124:136], at),
            _text(block[157:257].split(b"\0", 1)[0]))


def _number(field: bytes, at: int) -> int:
    """tarfile.nti: base-256 (GNU) when the first byte is 0x80 or 0xff, else octal text."""
    if field[0] in (0x80, 0xFF):
        n = int.from_bytes(field[1:], "big")
        return n - 256 ** (len(field) - 1) if field[0] == 0xFF else n
    try:
        return int(field.split(b"\0", 1)[0].decode("ascii").strip() or "0", 8)
    except (UnicodeDecodeError, ValueError):
        raise TarError("invalid number in header", at) from None


def _pax(data: bytes, at: int) -> dict[str, str]:
    """pax records "%d %s=%s\\n" (POSIX.1-2001 pax); a zero length is invalid, as in tarfile."""
    out: dict[str, str] = {}
    pos = 0
    while (match := _PAX_RECORD.match(data, pos)) is not None:
        length = int(match.group(1))
        if length == 0:
            raise TarError("invalid pax record", at)
        value = data[match.end(2) + 1 : match.start(1) + length - 1]
        out[_text(match.group(2))] = _text(value)
        pos += length
    return out


def _text(raw: bytes) -> str:
    # tarfile decodes with the file system encoding (UTF-8) and surrogateescape; a name
    # that is not UTF-8 is shown escaped (it cannot be written to JSON or SARIF as it is).
    return raw.decode("utf-8", "backslashreplace")


def _blocks(size: int) -> int:
    return (size + BLOCK - 1) // BLOCK * BLOCK


def _seek(src: Source, pos: int) -> None:
    here = src.tell()
    seek = getattr(src, "seek", None)
    if seek is not None:
        # tarfile reads the byte before the next header and raises "unexpected end of data"
        # when there is none (TarFile.next): a member whose content or padding is cut makes
        # the archive unreadable for every loader, not a shorter archive.
        # (read with the header that follows, so _Ahead makes one read of the file for both)
        seek(pos - 1)
        if pos > 0 and not src.read(1 + BLOCK):
            raise TarError("member content is truncated", here)
        seek(pos)
    elif pos > here:
        src.skip(pos - here)
    if src.tell() != pos:
        raise TarError("member content is truncated", here)

