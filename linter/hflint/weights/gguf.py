"""Read a GGUF file's header (metadata and tensor infos) without reading its tensors.

GGUF (ggml's format, https://github.com/ggml-org/ggml/blob/master/docs/gguf.md): magic
``GGUF``, a version, the tensor count and the metadata count, then key/value pairs (a
length-prefixed key, a value type, a value: integers, floats, bools, length-prefixed
strings, or typed arrays of those), then one info per tensor (name, dimension count,
dimensions, ggml type, offset into the data section), then padding to ``general.alignment``
(default 32) and the data. Version 1 used 32-bit lengths and counts; 2 and 3 use 64-bit
ones. Files may be big-endian (the version then reads byte-swapped, as gguf-py detects it).

The file is hostile input: every count is checked against the bytes left before anything
is allocated or looped over (a file claiming 2**60 tensors is refused at once), every length
against the file size, long strings are skipped by seeking. ``string_values`` walks only
the pairs (HF208's chat templates); ``read_header`` walks the whole header for HF621.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO, NamedTuple

MAGIC = b"GGUF"
STRING, ARRAY = 8, 9
UINT32 = 4
FIXED = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}  # type -> bytes
MAX_PAIRS = 1_000_000
MAX_ARRAY = 100_000_000
MAX_DEPTH = 4  # arrays of arrays
MAX_KEY = 1 << 16  # the spec caps keys at 65535 bytes
ALIGNMENT_KEY = "general.alignment"
DEFAULT_ALIGNMENT = 32


class GGUFError(ValueError):
    """The header cannot be read; the message says why."""


class TensorInfo(NamedTuple):
    name: str
    dims: tuple[int, ...]
    ggml_type: int
    offset: int  # relative to the data section


class Header(NamedTuple):
    version: int
    big_endian: bool
    pairs: int
    alignment: int | None  # None: general.alignment is present but unusable (see problems)
    tensors: list[TensorInfo]
    data_start: int  # file offset of the data section
    size: int  # file size
    problems: list[str]  # what is wrong beyond the byte layout (duplicates, bad alignment...)


class _Reader:
    def __init__(self, fh: BinaryIO, keep: tuple[str, ...], max_value: int) -> None:
        self.fh, self.keep, self.max_value = fh, keep, max_value
        self.size = fh.seek(0, os.SEEK_END)
        fh.seek(0)
        self.wide = True  # 64-bit lengths (versions 2, 3)
        self.order = "<"
        self.problems: list[str] = []
        self.alignment: int | None = DEFAULT_ALIGNMENT

    def _exact(self, n: int) -> bytes:
        data = self.fh.read(n)
        if len(data) != n:
            raise GGUFError(f"file ends inside the header at byte {self.fh.tell()} (truncated)")
        return data

    def _u32(self) -> int:
        value: int = struct.unpack(self.order + "I", self._exact(4))[0]
        return value

    def _u64(self) -> int:
        value: int = struct.unpack(self.order + "Q", self._exact(8))[0]
        return value

    def _count(self) -> int:
        return self._u64() if self.wide else self._u32()

    def _left(self) -> int:
        return self.size - self.fh.tell()

    def _skip(self, n: int) -> None:
        if n > self._left():
            raise GGUFError(f"a length of {n} bytes at byte {self.fh.tell()} runs past the end of the "
                            f"{self.size}-byte file")
        self.fh.seek(n, os.SEEK_CUR)

    def _string(self, keep: bool, limit: int | None = None) -> str | None:
        n = self._count()
        if not keep:
            self._skip(n)
            return None
        limit = self.max_value if limit is None else limit
        if n > limit:
            self._skip(n)
            raise GGUFError(f"a string at byte {self.fh.tell() - n} is {n} bytes, over the {limit}-byte limit")
        if n > self._left():
            raise GGUFError(f"a length of {n} bytes runs past the end of the {self.size}-byte file")
        try:
            return self._exact(n).decode("utf-8")
        except UnicodeDecodeError:
            raise GGUFError("a string is not valid UTF-8") from None

    def _value(self, kind: int, keep: bool, depth: int) -> str | int | None:
        if kind in FIXED:
            if keep:  # a kept integer (general.alignment)
                raw = self._exact(FIXED[kind])
                return int.from_bytes(raw, "little" if self.order == "<" else "big")
            self._skip(FIXED[kind])
            return None
        if kind == STRING:
            return self._string(keep)
        if kind != ARRAY:
            raise GGUFError(f"unknown value type {kind} at byte {self.fh.tell() - 4}")
        if depth >= MAX_DEPTH:
            raise GGUFError("arrays nested too deep")
        inner = self._u32()
        count = self._count()
        if count > MAX_ARRAY:
            raise GGUFError(f"an array of {count} items, over the {MAX_ARRAY} limit")
        if inner in FIXED:
            self._skip(count * FIXED[inner])
        else:
            if inner in (STRING, ARRAY) and count * (8 if self.wide else 4) > self._left():
                raise GGUFError(f"an array of {count} strings or arrays cannot fit in the {self._left()} bytes left")
            for _ in range(count):
                self._value(inner, False, depth + 1)
        return None

    def _start(self) -> tuple[int, int, int]:
        if self._exact(4) != MAGIC:
            raise GGUFError("not a GGUF file (no GGUF magic)")
        raw = self._exact(4)
        version = struct.unpack("<I", raw)[0]
        if version not in (1, 2, 3) and struct.unpack(">I", raw)[0] in (1, 2, 3):
            self.order, version = ">", struct.unpack(">I", raw)[0]  # a big-endian file
        if version not in (1, 2, 3):
            raise GGUFError(f"unsupported GGUF version {version}")
        self.wide = version >= 2
        tensors, pairs = self._count(), self._count()
        # The least bytes a pair (key length, empty key, type, 1-byte value) and a tensor info
        # (name length, empty name, n_dims, type, offset) take: a count the file cannot hold is
        # refused before any loop (llama.cpp's gguf.cpp bounds them after reading each one).
        width = 8 if self.wide else 4
        least = pairs * (width + 4 + 1) + tensors * (width + 4 + 4 + 8)
        if least > self._left():
            raise GGUFError(f"claims {tensors} tensors and {pairs} metadata pairs, which need at least {least} "
                            f"bytes; {self._left()} are left in the file")
        if pairs > MAX_PAIRS:
            raise GGUFError(f"{pairs} metadata pairs, over the {MAX_PAIRS} limit")
        return version, tensors, pairs

    def pairs(self, count: int) -> dict[str, str]:
        found: dict[str, str] = {}
        seen: set[str] = set()
        for _ in range(count):
            key = self._string(True, limit=MAX_KEY) or ""
            if key in seen:
                self.problems.append(f"metadata key {key!r} appears twice (llama.cpp refuses duplicate keys)")
            seen.add(key)
            kind = self._u32()
            if key == ALIGNMENT_KEY:
                value = self._value(kind, kind in FIXED, 0)
                self._alignment(kind, value)
                continue
            keep = kind == STRING and key.startswith(self.keep)
            text = self._value(kind, keep, 0)
            if isinstance(text, str):
                found[key] = text
        return found

    def _alignment(self, kind: int, value: str | int | None) -> None:
        if kind != UINT32:
            # gguf_get_val_u32 asserts the type: llama.cpp aborts on any other
            self.problems.append(f"{ALIGNMENT_KEY} has value type {kind}, not uint32 (4)")
            self.alignment = None
        elif not isinstance(value, int) or value == 0 or value & (value - 1):
            self.problems.append(f"{ALIGNMENT_KEY} is {value}, not a power of two")
            self.alignment = None
        else:
            self.alignment = value

    def tensor_infos(self, count: int, max_name: int) -> list[TensorInfo]:
        infos = []
        for index in range(count):
            name = self._string(True, limit=max_name)
            if name is None:  # pragma: no cover - _string(True) returns a str or raises
                raise GGUFError("tensor name missing")
            n_dims = self._u32()
            if n_dims > 8:  # GGML_MAX_DIMS is 4; more is reported by the validator, a huge count here
                raise GGUFError(f"tensor {index} ({name!r}) has {n_dims} dimensions")
            dims = tuple(self._u64() for _ in range(n_dims))
            ggml_type = self._u32()
            infos.append(TensorInfo(name, dims, ggml_type, self._u64()))
        return infos


def string_values(fh: BinaryIO, prefixes: tuple[str, ...], max_value: int) -> dict[str, str]:
    """Metadata strings whose keys start with one of ``prefixes``; GGUFError otherwise."""
    reader = _Reader(fh, prefixes, max_value)
    _, _, pairs = reader._start()
    return reader.pairs(pairs)


def read_header(fh: BinaryIO, max_name: int = 1 << 16) -> Header:
    """The whole header: metadata walked (values skipped), tensor infos read. GGUFError for
    a layout that cannot be read; semantic problems are left to ``validate``."""
    reader = _Reader(fh, (), 0)
    version, tensors, pairs = reader._start()
    reader.pairs(pairs)
    infos = reader.tensor_infos(tensors, max_name)
    end = fh.tell()
    align = reader.alignment or DEFAULT_ALIGNMENT
    data_start = end + (-end % align)
    return Header(version, reader.order == ">", pairs, reader.alignment, infos, data_start, reader.size,
                  reader.problems)
