"""A zip reader that trusts nothing and reads only the central directory and chosen members.

Written from PKWARE's APPNOTE.TXT 6.3.x rather than with ``zipfile`` because the loaders
that matter (PyTorch's miniz-based reader) accept archives that ``zipfile`` rejects, and
scanners that used ``zipfile`` failed open on them: CRC errors (CVE-2025-10156), flag bits
(CVE-2025-1945), local/central name mismatches (CVE-2025-1944). Each oddity here is an
HF403 reason, and the member is still analysed as the loader would read it.

Zip bombs are recognised from the directory before any member is read, and stop the
analysis (David Fifield, "A better zip bomb", WOOT 2019): entries whose local headers and
data overlap (the full and the quoted overlap both make one kernel extract many times),
entries that declare data past the end of the file, and a local header whose method or
sizes disagree with the central directory (extractors then disagree on what the member is).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import NamedTuple

from hflint.pickles.readers import Budget, BytesReader, Exhausted, Inflater, Unreadable, Window

EOCD = b"PK\x05\x06"
EOCD64 = b"PK\x06\x06"
LOC64 = b"PK\x06\x07"
CEN = b"PK\x01\x02"
LOC = b"PK\x03\x04"
# APPNOTE 4.4.4: bit 1-2 deflate options, bit 3 data descriptor, bit 11 UTF-8 names.
HARMLESS_FLAGS = 0x0002 | 0x0004 | 0x0008 | 0x0800
METHODS = {0: "stored", 8: "deflate"}
# A central directory larger than this is not read into memory (about 200,000 entries with
# names of 200 bytes: the member limit's worth).
MAX_DIRECTORY_BYTES = 64 << 20
S_IFMT, S_IFLNK = 0o170000, 0o120000


class Member(NamedTuple):
    name: str
    flags: int
    method: int
    crc: int
    csize: int
    usize: int
    header_offset: int
    mode: int = 0  # Unix mode from the external attributes (made by Unix), else 0
    name_bytes: int = 0  # length of the name as stored

    @property
    def symlink(self) -> bool:
        return self.mode & S_IFMT == S_IFLNK


class Archive(NamedTuple):
    members: list[Member]
    problems: list[str]


def read_directory(win: Window | BytesReader, budget: Budget) -> Archive:
    size = win.length
    # The record is 22 bytes plus a comment of up to 64 KiB (APPNOTE 4.3.16): read the last
    # 22 bytes first, as zipfile does; the search below finds the same record either way.
    tail_len = min(size, 22)
    win.seek(size - tail_len)
    tail = win.read(tail_len)
    if not (tail.startswith(EOCD) and tail[20:22] == b"\x00\x00"):
        tail_len = min(size, 22 + 0xFFFF)
        win.seek(size - tail_len)
        tail = win.read(tail_len)
    at = tail.rfind(EOCD)
    while at >= 0 and at + 22 > len(tail):
        at = tail.rfind(EOCD, 0, at)
    if at < 0:
        raise Unreadable("zip end-of-central-directory record not found")
    (_, disk, cd_disk, n_disk, n_total, cd_size, cd_off, clen) = struct.unpack("<4sHHHHIIH", tail[at : at + 22])
    problems = []
    if at + 22 + clen != len(tail):
        problems.append("bytes after the zip end-of-central-directory record")
    eocd_pos = size - tail_len + at
    if 0xFFFF in (n_disk, n_total) or 0xFFFFFFFF in (cd_size, cd_off):
        n_total, cd_size, cd_off = _zip64(win, eocd_pos)
    elif disk or cd_disk or n_disk != n_total:
        raise Unreadable("multi-disk zip archive")
    if n_total > budget.limits.max_members:
        raise Exhausted(f"zip lists {n_total} members, over the limit of {budget.limits.max_members} "
                        "(limit max-members); not analysed", cls="limit:members")
    if cd_off + cd_size > size:
        raise Unreadable("zip central directory lies outside the file")
    if cd_size > MAX_DIRECTORY_BYTES:
        raise Exhausted(f"zip central directory of {cd_size} bytes, over hflint's {MAX_DIRECTORY_BYTES}",
                        cls="limit:directory")
    win.seek(cd_off)
    data = win.read(cd_size)
    members = list(_entries(data, n_total))
    _bombs(members, size)
    names = [m.name for m in members]
    if len(set(names)) != len(names):
        problems.append("duplicate member names (loaders disagree on which one is read)")
    return Archive(members, problems)


def _bombs(members: list[Member], size: int) -> None:
    """Exhausted when the directory describes a zip bomb (see the module docstring)."""
    for m in members:
        if m.header_offset + 30 + m.name_bytes + m.csize > size:
            raise Exhausted(f"zip entry {m.name!r} declares {m.csize} bytes at byte {m.header_offset}, past the "
                            f"end of the {size}-byte file: a crafted archive (zip bomb); not analysed",
                            cls="bomb:beyond")
    spans = sorted((m.header_offset, m.header_offset + 30 + m.name_bytes + m.csize, m.name) for m in members)
    overlapping, first = 0, None
    end, owner = -1, ""
    for start, stop, name in spans:
        if start < end:
            overlapping += 1
            first = first or (name, owner, start)
        if stop > end:
            end, owner = stop, name
    if first is not None:
        name, owner, start = first
        raise Exhausted(f"zip bomb: {overlapping:,} of {len(members):,} entries overlap another entry's local "
                        f"header or data ({name!r} at byte {start} lies inside {owner!r}), so one stored kernel "
                        "is extracted many times; not analysed", cls="bomb:overlap")


def _zip64(win: Window | BytesReader, eocd_pos: int) -> tuple[int, int, int]:
    win.seek(eocd_pos - 20)
    loc = win.read(20)
    if len(loc) != 20 or not loc.startswith(LOC64):
        raise Unreadable("zip64 end-of-central-directory locator missing")
    (off,) = struct.unpack("<Q", loc[8:16])
    win.seek(off)
    rec = win.read(56)
    if len(rec) != 56 or not rec.startswith(EOCD64):
        raise Unreadable("zip64 end-of-central-directory record missing")
    n_total, cd_size, cd_off = struct.unpack("<QQQ", rec[32:56])
    return n_total, cd_size, cd_off


def _entries(data: bytes, count: int) -> Iterator[Member]:
    pos = 0
    unpack = struct.Struct("<4sHHHHHHIIIHHHHHII").unpack_from
    for _ in range(count):
        if data[pos : pos + 4] != CEN or pos + 46 > len(data):
            raise Unreadable("zip central directory entry is corrupt")
        fields = unpack(data, pos)
        flags, method, crc, csize, usize = fields[3], fields[4], fields[7], fields[8], fields[9]
        nlen, elen, clen, offset = fields[10], fields[11], fields[12], fields[16]
        raw = data[pos + 46 : pos + 46 + nlen]
        if len(raw) != nlen:
            raise Unreadable("zip central directory is truncated")
        if elen:
            extra = data[pos + 46 + nlen : pos + 46 + nlen + elen]
            usize, csize, offset = _zip64_extra(extra, usize, csize, offset)
        name = raw.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        mode = fields[15] >> 16 if fields[1] >> 8 == 3 else 0  # APPNOTE 4.4.2: made by 3 = UNIX
        yield Member(name, flags, method, crc, csize, usize, offset, mode, nlen)
        pos += 46 + nlen + elen + clen


def _zip64_extra(extra: bytes, usize: int, csize: int, offset: int) -> tuple[int, int, int]:
    i = 0
    while i + 4 <= len(extra):
        tag, n = struct.unpack("<HH", extra[i : i + 4])
        body = extra[i + 4 : i + 4 + n]
        if tag == 1:
            vals = list(struct.unpack(f"<{len(body) // 8}Q", body[: len(body) // 8 * 8]))
            if usize == 0xFFFFFFFF and vals:
                usize = vals.pop(0)
            if csize == 0xFFFFFFFF and vals:
                csize = vals.pop(0)
            if offset == 0xFFFFFFFF and vals:
                offset = vals.pop(0)
        i += 4 + n
    return usize, csize, offset


def open_member(win: Window, m: Member, budget: Budget) -> tuple[Window | Inflater, list[tuple[str, str]]]:
    """A reader of the member's content as a loader sees it, and the oddities found as
    (class, reason): findings group them by class."""
    problems = []
    odd = m.flags & ~HARMLESS_FLAGS
    if odd & 0x0001:
        problems.append(("zip:encrypted",
                         "member is marked encrypted (flag bit 0); analysed as stored bytes, as miniz reads it"))
    if odd & ~0x0001:
        problems.append(("zip:flags", f"unusual zip flag bits 0x{odd & ~0x0001:04x}"))
    win.seek(m.header_offset)
    head = win.read(30 + m.name_bytes)  # the local name is usually the directory's: one read
    if len(head) < 30 or not head.startswith(LOC):
        raise Unreadable(f"zip local header of {m.name!r} is missing", cls="zip:local-missing")
    method, csize, usize, nlen, elen = struct.unpack("<HIIHH", head[8:10] + head[18:30])
    raw = head[30 : 30 + nlen]
    if len(raw) < nlen:
        win.seek(m.header_offset + 30 + len(raw))
        raw += win.read(nlen - len(raw))
    local_name = raw.decode("utf-8" if m.flags & 0x800 else "cp437", "replace")
    if local_name != m.name:
        problems.append(("zip:local-name", f"local header names {local_name!r}, central directory {m.name!r}"))
    sizes = (csize, usize) if not m.flags & 0x0008 and 0xFFFFFFFF not in (csize, usize) else (m.csize, m.usize)
    if method != m.method or sizes != (m.csize, m.usize):
        raise Exhausted(f"zip member {m.name!r}: the local header says method {method}, {csize} -> {usize} bytes, "
                        f"the central directory method {m.method}, {m.csize} -> {m.usize} (extractors disagree "
                        "on the content: a crafted archive); not analysed", cls="bomb:local-header")
    start = m.header_offset + 30 + nlen + elen
    if start + m.csize > win.length:
        raise Unreadable(f"zip member {m.name!r} runs past the end of the file", cls="zip:past-end")
    body = win.sub(start, m.csize)
    if m.method == 0:
        if m.csize != m.usize:
            problems.append(("zip:stored-sizes", "stored member with different compressed and uncompressed sizes"))
        return body, problems
    if m.method == 8:
        return Inflater(body, "deflate", budget, expected=m.usize), problems
    raise Unreadable(f"zip member {m.name!r} uses compression method {m.method}, which hflint cannot read",
                     cls="zip:method")
