"""A bounded reader of FlatBuffers tables and of the FlexBuffers vectors TFLite's Flex ops
carry, over a file read through a small window (a TFLite model may be gigabytes of weights).

FlatBuffers (https://flatbuffers.dev/internals/): the file starts with a uoffset (u32) to the
root table; a table starts with an soffset (i32) back to its vtable; the vtable holds its own
size, the table's size and one u16 offset per field (0 or past the vtable: absent). Offset
fields (tables, vectors, strings) hold a u32 relative to where they are stored; a vector or
string starts with its u32 length. Every position is checked against the file size, every
vector length against the bytes it needs, before it is used: a hostile offset is a
FlatError, never an out-of-range read or a huge loop.

FlexBuffers (https://flatbuffers.dev/flexbuffers/): the root is at the end (last byte: its
byte width; the one before: its packed type, type << 2 | log2 width); an untyped vector
(type 10) has its length just before its elements and one packed type byte per element
after them; a string (type 5) is an offset back to its bytes, its length just before them.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

WINDOW = 1 << 16


class FlatError(ValueError):
    """The bytes are not the flatbuffer the schema describes; the message says why."""


class FlatFile:
    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.size = fh.seek(0, os.SEEK_END)
        self._buf = b""
        self._base = 0

    def read(self, pos: int, n: int) -> bytes:
        if pos < 0 or n < 0 or pos + n > self.size:
            raise FlatError(f"{n} bytes at offset {pos} are outside the {self.size}-byte file")
        i = pos - self._base
        if i < 0 or i + n > len(self._buf):
            self.fh.seek(pos)
            self._buf, self._base, i = self.fh.read(max(n, WINDOW)), pos, 0
            if len(self._buf) < n:
                raise FlatError(f"file ends at offset {pos + len(self._buf)} (truncated)")
        return self._buf[i : i + n]

    def u8(self, pos: int) -> int:
        return self.read(pos, 1)[0]

    def u16(self, pos: int) -> int:
        value: int = struct.unpack("<H", self.read(pos, 2))[0]
        return value

    def u32(self, pos: int) -> int:
        value: int = struct.unpack("<I", self.read(pos, 4))[0]
        return value

    def i32(self, pos: int) -> int:
        value: int = struct.unpack("<i", self.read(pos, 4))[0]
        return value

    def u64(self, pos: int) -> int:
        value: int = struct.unpack("<Q", self.read(pos, 8))[0]
        return value

    # -- tables ------------------------------------------------------------------------------

    def root(self) -> int:
        return self.u32(0)

    def field(self, table: int, index: int) -> int | None:
        """Where field ``index`` of the table at ``table`` is stored, or None when absent."""
        vtable = table - self.i32(table)
        vsize = self.u16(vtable)
        if vsize < 4 or vsize % 2:
            raise FlatError(f"vtable at offset {vtable} has an invalid size {vsize}")
        slot = 4 + 2 * index
        if slot + 2 > vsize:
            return None
        offset = self.u16(vtable + slot)
        return table + offset if offset else None

    def deref(self, pos: int) -> int:
        return pos + self.u32(pos)

    def vector(self, table: int, index: int, element: int, limit: int) -> tuple[int, int]:
        """(position of the first element, length) of a vector field; (0, 0) when absent."""
        at = self.field(table, index)
        if at is None:
            return 0, 0
        start = self.deref(at)
        length = self.u32(start)
        if length > limit:
            raise FlatError(f"a vector of {length} items at offset {start}, over the limit of {limit}")
        if start + 4 + length * element > self.size:
            raise FlatError(f"a vector of {length} items at offset {start} runs past the end of the file")
        return start + 4, length

    def tables(self, table: int, index: int, limit: int) -> list[int]:
        start, length = self.vector(table, index, 4, limit)
        return [self.deref(start + 4 * i) for i in range(length)]

    def string(self, table: int, index: int, limit: int) -> str | None:
        at = self.field(table, index)
        if at is None:
            return None
        start = self.deref(at)
        length = self.u32(start)
        if length > limit:
            raise FlatError(f"a string of {length} bytes at offset {start}, over the limit of {limit}")
        return self.read(start + 4, length).decode("utf-8", "replace")

    def scalar(self, table: int, index: int, fmt: str, default: int) -> int:
        at = self.field(table, index)
        if at is None:
            return default
        value: int = struct.unpack("<" + fmt, self.read(at, struct.calcsize(fmt)))[0]
        return value


def flex_strings(data: bytes) -> list[bytes]:
    """The strings of a FlexBuffers root that is an untyped vector of strings (a Flex op's
    ``[op name, serialized NodeDef]``); FlatError for anything else."""
    if len(data) < 3:
        raise FlatError("custom options too short for a FlexBuffers root")
    width = data[-1]
    packed = data[-2]
    if width not in (1, 2, 4, 8) or len(data) < 2 + width:
        raise FlatError("custom options are not a FlexBuffers root")
    root_at = len(data) - 2 - width
    if packed >> 2 != 10:  # FBT_VECTOR
        raise FlatError(f"custom options root is FlexBuffers type {packed >> 2}, not a vector")
    vec = root_at - _uint(data, root_at, width)
    elem = 1 << (packed & 3)
    if vec - elem < 0:
        raise FlatError("custom options vector offset is out of range")
    count = _uint(data, vec - elem, elem)
    if count > 16 or vec + count * (elem + 1) > len(data):
        raise FlatError("custom options vector length is out of range")
    out = []
    for i in range(count):
        at = vec + i * elem
        kind = data[vec + count * elem + i]
        if kind >> 2 != 5:  # FBT_STRING
            raise FlatError(f"custom options item {i} is FlexBuffers type {kind >> 2}, not a string")
        start = at - _uint(data, at, elem)
        swidth = 1 << (kind & 3)
        if start - swidth < 0:
            raise FlatError("custom options string offset is out of range")
        length = _uint(data, start - swidth, swidth)
        if start + length > len(data):
            raise FlatError("custom options string runs past the end")
        out.append(data[start : start + length])
    return out


def _uint(data: bytes, pos: int, width: int) -> int:
    if pos < 0 or pos + width > len(data):
        raise FlatError("FlexBuffers read out of range")
    return int.from_bytes(data[pos : pos + width], "little")
