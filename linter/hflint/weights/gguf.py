"""Read string values from a GGUF file's metadata, without reading its tensors.

GGUF (ggml's format, https://github.com/ggml-org/ggml/blob/master/docs/gguf.md): magic
``GGUF``, a version, the tensor count and the metadata count, then key/value pairs, each a
length-prefixed key, a value type and a value (integers, floats, bools, length-prefixed
strings, or typed arrays of those). Version 1 used 32-bit lengths and counts; 2 and 3
use 64-bit ones. The pairs come before the tensor infos and data, so a chat template
(``tokenizer.chat_template``) is found by walking the pairs: fixed-size values and long
strings are skipped by seeking, and every length is checked against the file size and
the limits below before anything is read. The file is hostile input: a wrong length is
an error, never an allocation.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

MAGIC = b"GGUF"
STRING, ARRAY = 8, 9
FIXED = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}  # type -> bytes
MAX_PAIRS = 1_000_000
MAX_ARRAY = 100_000_000
MAX_DEPTH = 4  # arrays of arrays


class GGUFError(ValueError):
    """The metadata cannot be read; the message says why."""


class _Reader:
    def __init__(self, fh: BinaryIO, keep: tuple[str, ...], max_value: int) -> None:
        self.fh, self.keep, self.max_value = fh, keep, max_value
        self.size = fh.seek(0, os.SEEK_END)
        fh.seek(0)
        self.wide = True  # 64-bit lengths (versions 2, 3)

    def _exact(self, n: int) -> bytes:
        data = self.fh.read(n)
        if len(data) != n:
            raise GGUFError("file ends inside the metadata (truncated)")
        return data

    def _count(self) -> int:
        raw = self._exact(8 if self.wide else 4)
        value: int = struct.unpack("<Q" if self.wide else "<I", raw)[0]
        return value

    def _skip(self, n: int) -> None:
        here = self.fh.tell()
        if n > self.size - here:
            raise GGUFError(f"a length of {n} bytes runs past the end of the {self.size}-byte file")
        self.fh.seek(n, os.SEEK_CUR)

    def _string(self, keep: bool) -> str | None:
        n = self._count()
        if not keep:
            self._skip(n)
            return None
        if n > self.max_value:
            self._skip(n)
            raise GGUFError(f"a kept string is {n} bytes, over the {self.max_value}-byte limit")
        if n > self.size - self.fh.tell():
            raise GGUFError(f"a length of {n} bytes runs past the end of the {self.size}-byte file")
        try:
            return self._exact(n).decode("utf-8")
        except UnicodeDecodeError:
            raise GGUFError("a string is not valid UTF-8") from None

    def _value(self, kind: int, keep: bool, depth: int) -> str | None:
        if kind in FIXED:
            self._skip(FIXED[kind])
            return None
        if kind == STRING:
            return self._string(keep)
        if kind != ARRAY:
            raise GGUFError(f"unknown value type {kind}")
        if depth >= MAX_DEPTH:
            raise GGUFError("arrays nested too deep")
        (inner,) = struct.unpack("<I", self._exact(4))
        count = self._count()
        if count > MAX_ARRAY:
            raise GGUFError(f"an array of {count} items, over the {MAX_ARRAY} limit")
        if inner in FIXED:
            self._skip(count * FIXED[inner])
        else:
            for _ in range(count):
                self._value(inner, False, depth + 1)
        return None

    def read(self) -> dict[str, str]:
        if self._exact(4) != MAGIC:
            raise GGUFError("not a GGUF file (no GGUF magic)")
        (version,) = struct.unpack("<I", self._exact(4))
        if version not in (1, 2, 3):
            raise GGUFError(f"unsupported GGUF version {version}")
        self.wide = version >= 2
        self._count()  # tensor count
        pairs = self._count()
        if pairs > MAX_PAIRS:
            raise GGUFError(f"{pairs} metadata pairs, over the {MAX_PAIRS} limit")
        found: dict[str, str] = {}
        for _ in range(pairs):
            key = self._string(True) or ""
            (kind,) = struct.unpack("<I", self._exact(4))
            keep = kind == STRING and key.startswith(self.keep)
            value = self._value(kind, keep, 0)
            if value is not None:
                found[key] = value
        return found


def string_values(fh: BinaryIO, prefixes: tuple[str, ...], max_value: int) -> dict[str, str]:
    """Metadata strings whose keys start with one of ``prefixes``; GGUFError otherwise."""
    return _Reader(fh, prefixes, max_value).read()
