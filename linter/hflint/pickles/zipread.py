"""A zip reader that trusts nothing and reads only the central directory and chosen members.

Written from PKWARE's APPNOTE.TXT 6.3.x rather than with ``zipfile`` because the loaders
that matter (PyTorch's miniz-based reader) accept archives that ``zipfile`` rejects, and
scanners that used ``zipfile`` failed open on them: CRC errors (CVE-2025-10156), flag bits
(CVE-2025-1945), local/central name mismatches (CVE-2025-1944). Each oddity here is an
HF403 reason, and the member is still analysed as the loader would read it.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import NamedTuple

from hflint.pickles.readers import Budget, BytesReader, Inflater, LimitHit, Unreadable, Window

EOCD = b"PK\x05\x06"
EOCD64 = b"PK\x06\x06"
LOC64 = b"PK\x06\x07"
CEN = b"PK\x01\x02"
LOC = b"PK\x03\x04"
# APPNOTE 4.4.4: bit 1-2 deflate options, bit 3 data descriptor, bit 11 UTF-8 names.
HARMLESS_FLAGS = 0x0002 | 0x0004 | 0x0008 | 0x0800
METHODS = {0: "stored", 8: "deflate"}


class Member(NamedTuple):
    name: str
    flags: int
    method: int
    crc: int
    csize: int
    usize: int
    header_offset: int


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
        raise LimitHit(f"zip lists {n_total} members, over the limit of {budget.limits.max_members}")
    if cd_off + cd_size > size:
        raise Unreadable("zip central directory lies outside the file")
    win.seek(cd_off)
    data = win.read(cd_size)
    members = list(_entries(data, n_total, size))
    names = [m.name for m in members]
    if len(set(names)) != len(names):
        problems.append("duplicate member names (loaders disagree on which one is read)")
    return Archive(members, problems)


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


def _entries(data: bytes, count: int, size: int) -> Iterator[Member]:
    pos = 0
    for _ in range(count):
        if data[pos : pos + 4] != CEN:
            raise Unreadable("zip central directory entry is corrupt")
        fields = struct.unpack("<4sHHHHHHIIIHHHHHII", data[pos : pos + 46])
        flags, method, crc, csize, usize = fields[3], fields[4], fields[7], fields[8], fields[9]
        nlen, elen, clen, offset = fields[10], fields[11], fields[12], fields[16]
        raw = data[pos + 46 : pos + 46 + nlen]
        extra = data[pos + 46 + nlen : pos + 46 + nlen + elen]
        if len(raw) != nlen:
            raise Unreadable("zip central directory is truncated")
        usize, csize, offset = _zip64_extra(extra, usize, csize, offset)
        name = raw.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        if offset + 30 > size:
            raise Unreadable(f"zip member {name!r} starts past the end of the file")
        yield Member(name, flags, method, crc, csize, usize, offset)
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


def open_member(win: Window, m: Member, budget: Budget) -> tuple[Window | Inflater, list[str]]:
    """A reader of the member's content as a loader sees it, and the oddities found."""
    problems = []
    odd = m.flags & ~HARMLESS_FLAGS
    if odd & 0x0001:
        problems.append("member is marked encrypted (flag bit 0); analysed as stored bytes, as miniz reads it")
    if odd & ~0x0001:
        problems.append(f"unusual zip flag bits 0x{odd & ~0x0001:04x}")
    win.seek(m.header_offset)
    head = win.read(30)
    if len(head) != 30 or not head.startswith(LOC):
        raise Unreadable(f"zip local header of {m.name!r} is missing")
    nlen, elen = struct.unpack("<HH", head[26:30])
    local_name = win.read(nlen).decode("utf-8" if m.flags & 0x800 else "cp437", "replace")
    if local_name != m.name:
        problems.append(f"local header names {local_name!r}, central directory {m.name!r}")
    start = m.header_offset + 30 + nlen + elen
    if start + m.csize > win.length:
        raise Unreadable(f"zip member {m.name!r} runs past the end of the file")
    body = win.sub(start, m.csize)
    if m.method == 0:
        if m.csize != m.usize:
            problems.append("stored member with different compressed and uncompressed sizes")
        return body, problems
    if m.method == 8:
        return Inflater(body, "deflate", budget, expected=m.usize), problems
    raise Unreadable(f"zip member {m.name!r} uses compression method {m.method}, which hflint cannot read")
