"""Windowed reads of a msgpack file and the format's tables (msgpack spec), shared by the
walk of a Flax state dict (hflint.weights.msgpack_walk) and of its array payloads
(hflint.weights.msgpack_arrays)."""

from __future__ import annotations

from typing import BinaryIO

WINDOW = 1 << 13  # small: after a skipped tensor the next header is a few dozen bytes

# type byte -> width of a fixed-size number; of a length-prefixed str/bin; struct formats
FIXED = {0xCA: 4, 0xCB: 8, 0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8, 0xD0: 1, 0xD1: 2, 0xD2: 4, 0xD3: 8}
SIZED = {0xC4: (1, "bin"), 0xC5: (2, "bin"), 0xC6: (4, "bin"), 0xD9: (1, "str"), 0xDA: (2, "str"), 0xDB: (4, "str")}
UNSIGNED = {1: ">B", 2: ">H", 4: ">I", 8: ">Q"}
SIGNED = {0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q"}


class MsgpackError(Exception):
    """What makes ``msgpack.unpackb`` (or flax's rebuild of an array) fail, and where."""

    def __init__(self, message: str, where: str) -> None:
        super().__init__(message)
        self.message = message
        self.where = where


class Reader:
    """Windowed reads over a seekable file: headers cost no system call each, payloads are
    skipped by moving the position."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        self.fh, self.size = fh, size
        self.pos = 0
        self._buf, self._at = b"", 0  # window and the file offset it starts at

    def take(self, n: int, what: str) -> bytes:
        if self.pos + n > self.size:
            raise MsgpackError(f"the file ends inside {what} (at byte {self.pos}, {n} bytes needed; truncated)", "")
        start = self.pos - self._at
        if start < 0 or start + n > len(self._buf):
            self.fh.seek(self.pos)
            self._buf, self._at, start = self.fh.read(max(n, WINDOW)), self.pos, 0
        data = self._buf[start : start + n]
        if len(data) < n:  # the file is shorter than listed (it changed while being read)
            raise MsgpackError(f"the file ends inside {what} (at byte {self.pos}; it is shorter than listed)", "")
        self.pos += n
        return data

    def skip(self, n: int, what: str) -> None:
        if self.pos + n > self.size:
            raise MsgpackError(f"{what} of {n} bytes at byte {self.pos} runs past the end of the file (truncated)", "")
        self.pos += n


_FIXED = {0xCA: 4, 0xCB: 8, 0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8, 0xD0: 1, 0xD1: 2, 0xD2: 4, 0xD3: 8}
_SIZED = {0xC4: (1, "bin"), 0xC5: (2, "bin"), 0xC6: (4, "bin"), 0xD9: (1, "str"), 0xDA: (2, "str"), 0xDB: (4, "str")}
_UNSIGNED = {1: ">B", 2: ">H", 4: ">I", 8: ">Q"}
