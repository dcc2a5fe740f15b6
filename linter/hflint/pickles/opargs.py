"""Read the argument of one pickle opcode from the stream, bounded.

Arguments are decoded here rather than by ``pickletools.genops`` so that a multi-GB
BINBYTES8 is skipped, not loaded: a string or bytes argument longer than KEEP_BYTES stands
as OPAQUE, a protocol 0 text line is cut at MAX_LINE, and a LONG4 over MAX_LONG bytes is a
limit hit (decoding it takes quadratic time).
"""

from __future__ import annotations

import pickletools
import struct
from typing import Any

from hflint.pickles.buffered import Buffered
from hflint.pickles.readers import LimitHit, Unreadable
from hflint.pickles.values import OPAQUE

KEEP_BYTES = 4096  # longer strings/bytes are skipped and stand as OPAQUE
MAX_LINE = 1 << 16
MAX_LONG = 1 << 20


class ArgReader:
    def __init__(self, reader: Buffered) -> None:
        self.r = reader

    def _exact(self, n: int, what: str) -> bytes:
        data = self.r.read(n)
        if len(data) != n:
            raise Unreadable(f"stream truncated inside {what}", self.r.tell())
        return data

    def _line(self) -> bytes:
        # A protocol 0 argument line can be long (a pickled array as text); keep its head.
        data, complete = self.r.readline(MAX_LINE)
        if not complete:
            raise Unreadable("stream truncated inside a text argument", self.r.tell())
        return data

    def _sized(self, n: int, what: str) -> bytes | None:
        if n < 0:
            raise Unreadable(f"negative length in {what}", self.r.tell())
        if n <= KEEP_BYTES:
            return self._exact(n, what)
        if self.r.skip(n) != n:
            raise Unreadable(f"stream truncated inside {what}", self.r.tell())
        return None

    def _uint(self, fmt: str, size: int, what: str) -> int:
        value: int = struct.unpack(fmt, self._exact(size, what))[0]
        return value

    def read(self, op: pickletools.OpcodeInfo) -> Any:
        """The argument of ``op``, read from the stream (None when it takes none)."""
        a = op.arg
        if a is None:
            return None
        name = a.name
        if name == "uint1":
            return self._exact(1, op.name)[0]
        if name == "uint2":
            return self._uint("<H", 2, op.name)
        if name == "int4":
            return self._uint("<i", 4, op.name)
        if name == "uint4":
            return self._uint("<I", 4, op.name)
        if name == "uint8":
            return self._uint("<Q", 8, op.name)
        if name == "float8":
            return struct.unpack(">d", self._exact(8, op.name))[0]
        if name == "stringnl_noescape_pair":
            return (self._text(self._line()), self._text(self._line()))
        if name in ("stringnl", "stringnl_noescape", "decimalnl_short", "decimalnl_long", "floatnl"):
            return self._line()
        if name == "unicodestringnl":
            return self._line().decode("raw-unicode-escape", "replace")
        if name in ("string1", "bytes1", "unicodestring1"):
            return self._bytes_or_text(name, self._exact(1, op.name)[0])
        if name in ("string4",):
            return self._bytes_or_text(name, self._uint("<i", 4, op.name))
        if name in ("bytes4", "unicodestring4"):
            return self._bytes_or_text(name, self._uint("<I", 4, op.name))
        if name in ("bytes8", "bytearray8", "unicodestring8"):
            return self._bytes_or_text(name, self._uint("<Q", 8, op.name))
        if name in ("long1", "long4"):
            n = self._exact(1, op.name)[0] if name == "long1" else self._uint("<i", 4, op.name)
            if n > MAX_LONG:
                raise LimitHit(f"LONG4 of {n} bytes (quadratic-time decode guard)", self.r.tell())
            data = self._sized(n, op.name)
            return OPAQUE if data is None else int.from_bytes(data, "little", signed=True)
        raise Unreadable(f"unknown argument type {name}", self.r.tell())

    def _text(self, raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Unreadable("GLOBAL/INST name is not UTF-8", self.r.tell()) from None

    def _bytes_or_text(self, kind: str, n: int) -> Any:
        data = self._sized(n, kind)
        if data is None:
            return OPAQUE
        if kind.startswith("unicode"):
            return data.decode("utf-8", "surrogatepass") if _utf8ok(data) else OPAQUE
        if kind.startswith("string"):
            return data.decode("latin-1")  # Python 3 decodes STRING as ASCII by default
        return data


def _utf8ok(data: bytes) -> bool:
    try:
        data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return False
    return True
