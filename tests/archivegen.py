"""Hostile archives for tests and benchmarks/archive_bench.py, built in code: tars of a
million members generated block by block (never held whole), zips whose central
directory entries overlap (David Fifield's "A better zip bomb"), zips of many members and
archives nested deep. Only the standard library."""

from __future__ import annotations

import io
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Iterator

BLOCK = 512


def tar_header(name: str, size: int = 0, kind: bytes = b"0", link: str = "") -> bytes:
    """A ustar header block as tarfile writes it (POSIX.1-1988 layout)."""
    info = tarfile.TarInfo(name)
    info.size, info.type, info.linkname, info.mtime = size, kind, link, 0
    return info.tobuf(tarfile.USTAR_FORMAT)


class HeaderRun:
    """``count`` empty regular members ``<prefix><i>``, each header computed from a template
    (so a million of them cost no memory), then the end-of-archive marker."""

    def __init__(self, count: int, prefix: str = "m/") -> None:
        self.count, self.prefix = count, prefix
        self.width = len(str(count))
        template = bytearray(tar_header(prefix + "0" * self.width))
        template[148:156] = b" " * 8
        self.template = bytes(template)
        self.base = sum(template) - sum(b"0" * self.width)
        self.at = len(prefix)
        self.size = count * BLOCK + 2 * BLOCK

    def block(self, i: int) -> bytes:
        if i >= self.count:
            return bytes(BLOCK)
        digits = str(i).zfill(self.width).encode()
        chk = f"{self.base + sum(digits):06o}\0 ".encode()
        t = self.template
        return t[: self.at] + digits + t[self.at + self.width : 148] + chk + t[156:]

    def blocks(self) -> Iterator[bytes]:
        for i in range(self.count + 2):
            yield self.block(i)


class LazyFile(io.RawIOBase):
    """A read-only seekable file whose bytes are HeaderRun blocks, produced when read."""

    def __init__(self, run: HeaderRun) -> None:
        self.run, self.pos, self.reads = run, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, pos: int, whence: int = 0) -> int:
        self.pos = {0: 0, 1: self.pos, 2: self.run.size}[whence] + pos
        return self.pos

    def tell(self) -> int:
        return self.pos

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        n = max(0, min(len(b), self.run.size - self.pos))
        out = bytearray()
        first, skip = divmod(self.pos, BLOCK)
        i = first
        while len(out) < skip + n:
            out += self.run.block(i)
            i += 1
        b[:n] = out[skip : skip + n]
        self.pos += n
        self.reads += 1
        return n


def write_tar_run(path: str, count: int, *, gzip: bool = False) -> None:
    """HeaderRun written to disk (for the benchmark's CLI scans), gzipped on request."""
    run = HeaderRun(count)
    with open(path, "wb") as raw:
        if gzip:
            comp = zlib.compressobj(6, zlib.DEFLATED, 16 + 15)
            for chunk in _chunks(run):
                raw.write(comp.compress(chunk))
            raw.write(comp.flush())
        else:
            for chunk in _chunks(run):
                raw.write(chunk)


def _chunks(run: HeaderRun, per: int = 2048) -> Iterator[bytes]:
    buf: list[bytes] = []
    for block in run.blocks():
        buf.append(block)
        if len(buf) == per:
            yield b"".join(buf)
            buf = []
    if buf:
        yield b"".join(buf)


def overlapping_zip(entries: int, kernel: bytes = b"x" * 1000) -> bytes:
    """Fifield's full overlap: one local file header and deflated kernel, and ``entries``
    central directory entries that all point at it (each a distinct name)."""
    data = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = data.compress(kernel) + data.flush()
    crc = zlib.crc32(kernel)
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(body), len(kernel), 1, 0) + b"k"
    central = bytearray()
    for i in range(entries):
        name = f"f{i:06d}".encode()
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(body),
                               len(kernel), len(name), 0, 0, 0, 0, 0, 0) + name
    head = local + body
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, entries, entries, len(central), len(head), 0)
    return head + bytes(central) + end


def quoted_overlap_zip(entries: int, kernel: bytes = b"x" * 10_000) -> bytes:
    """Fifield's quoted overlap: each member's deflate stream starts with a stored block that
    quotes the next member's local header, then continues into the next member's data, so
    every name matches its local header and zipfile extracts each member (all of them
    ending with the one shared kernel)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = comp.compress(kernel) + comp.flush()  # ends with a final block
    names = [f"q{i:05d}".encode() for i in range(entries)]
    data, content, crc = tail, len(kernel), zlib.crc32(kernel)
    plain: list[bytes] = []  # what each member inflates to, before the kernel
    records: list[tuple[bytes, int, int, int]] = [(b"", 0, 0, 0)] * entries
    for i in range(entries - 1, -1, -1):
        records[i] = (data, content, crc, 0)
        local = _local(names[i], crc, len(data), content)
        if i:
            quote = b"\x00" + struct.pack("<HH", len(local), 0xFFFF ^ len(local)) + local
            plain.append(local)
            data, content = quote + data, content + len(local)
            crc = zlib.crc32(kernel, zlib.crc32(b"".join(reversed(plain))))
    out = bytearray()
    central = bytearray()
    for i in range(entries):
        body, size, crc_i, _ = records[i]
        offset = len(out)
        out += _local(names[i], crc_i, len(body), size)
        out += body if i == entries - 1 else body[:5]  # the stored-block header; the quote follows
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc_i, len(body), size,
                               len(names[i]), 0, 0, 0, 0, 0, offset) + names[i]
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, entries, entries, len(central), len(out), 0)
    return bytes(out) + bytes(central) + end


def _local(name: bytes, crc: int, csize: int, usize: int) -> bytes:
    return struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, csize, usize, len(name), 0) + name


def many_member_zip(members: int, name: str = "../escape/{i}", data: bytes = b"") -> bytes:
    """A stored zip of ``members`` small members (names from the template ``name``)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i in range(members):
            zf.writestr(zipfile.ZipInfo(name.format(i=i)), data)
    return buf.getvalue()


def nested(depth: int, inner: bytes, kinds: str = "zt") -> bytes:
    """``inner`` wrapped ``depth`` times, alternating zip and tar by ``kinds``."""
    data = inner
    for level in range(depth):
        buf = io.BytesIO()
        if kinds[level % len(kinds)] == "z":
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
                zf.writestr(f"level{level}", data)
        else:
            with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tf:
                info = tarfile.TarInfo(f"level{level}")
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
        data = buf.getvalue()
    return data
