"""Chunked reads over a bounded Reader, with a tee for fickling's second opinion and a
running CRC-32 of everything taken from the source (the zip member check reuses it)."""

from __future__ import annotations

import zlib
from typing import Any

from hflint.pickles.readers import CHUNK, Reader


class Buffered:
    """Chunked reads over a Reader, so that one-byte opcode reads cost no system call.

    The tee records at chunk granularity (the consumed part of each buffer, when it is
    replaced or the tee stops), so recording costs nothing per opcode."""

    def __init__(self, src: Reader) -> None:
        self._src = src
        self._buf = b""
        self._i = 0
        self.pos = src.tell()  # offset in the source (tell(), as an attribute for the walk)
        self._tee: bytearray | None = None
        self._tee_from = 0  # where in _buf the unrecorded part of the tee starts
        self._tee_cap = 0
        self.crc = 0  # CRC-32 of the bytes taken from the source, in order
        self.ops: Any = None  # the opcode table of hflint.pickles.opcodes over this reader
        self.whole = src.tell() == 0  # every byte of the source so far went through crc

    def start_tee(self, cap: int) -> None:
        """Record the bytes consumed from now on, up to ``cap`` (then recording stops)."""
        self._tee, self._tee_from, self._tee_cap = bytearray(), self._i, cap

    def stop_tee(self) -> bytes | None:
        self._flush_tee(self._i)
        tee, self._tee = self._tee, None
        return None if tee is None else bytes(tee)

    def _flush_tee(self, end: int) -> None:
        if self._tee is not None:
            self._add_tee(self._buf[self._tee_from : end])
        self._tee_from = end

    def _add_tee(self, data: bytes) -> None:
        if self._tee is not None:
            if len(self._tee) + len(data) > self._tee_cap:
                self._tee = None
            else:
                self._tee += data

    def _take(self, n: int) -> bytes:
        data = self._src.read(n)
        self.crc = zlib.crc32(data, self.crc)
        return data

    def _refill(self) -> bool:
        self._flush_tee(len(self._buf))
        self._buf, self._i, self._tee_from = self._take(CHUNK), 0, 0
        return bool(self._buf)

    def read(self, n: int) -> bytes:
        i = self._i
        if i + n <= len(self._buf):  # the common case: a few bytes from the buffer
            self._i = i + n
            self.pos += n
            return self._buf[i : i + n]
        parts = [self._buf[i:]]
        got = len(parts[0])
        self._i = len(self._buf)
        while got < n:
            if n - got >= CHUNK:
                self._flush_tee(self._i)
                chunk = self._take(n - got)
                if not chunk:
                    break
                self._add_tee(chunk)
                parts.append(chunk)
                got += len(chunk)
                continue
            if not self._refill():
                break
            take = self._buf[: n - got]
            self._i = len(take)
            parts.append(take)
            got += len(take)
        self.pos += got
        return b"".join(parts)

    def skip(self, n: int) -> int:
        if self._tee is not None and len(self._tee) + (self._i - self._tee_from) + n <= self._tee_cap:
            return len(self.read(n))
        self._flush_tee(self._i)
        self._tee = None
        have = len(self._buf) - self._i
        if n <= have:
            self._i += n
            self.pos += n
            return n
        self._i = len(self._buf)
        self._tee_from = self._i
        done = have + self._src.skip(n - have)
        self.whole = False  # bytes passed by unread: the CRC no longer covers the source
        self.pos += done
        return done

    def tell(self) -> int:
        return self.pos

    def at_eof(self) -> bool:
        return self._i >= len(self._buf) and not self._refill()

    def readline(self, keep: int) -> tuple[bytes, bool]:
        """Up to ``keep`` bytes of the next line (newline dropped); False when EOF came first."""
        i = self._i
        j = self._buf.find(b"\n", i)
        if 0 <= j - i <= keep:  # the common case: a short line inside the buffer
            self._i = j + 1
            self.pos += j + 1 - i
            return self._buf[i:j], True
        kept = bytearray()
        while True:
            j = self._buf.find(b"\n", self._i)
            end = len(self._buf) if j < 0 else j
            if len(kept) < keep:
                kept += self._buf[self._i : min(end, self._i + keep - len(kept))]
            self.pos += end - self._i + (j >= 0)
            self._i = end + (j >= 0)
            if j >= 0:
                return bytes(kept), True
            if not self._refill():
                return bytes(kept), False

    def digest(self) -> tuple[int, int] | None:
        """(CRC-32, size) of the whole source, when every byte of it went through this reader."""
        return (self.crc, self.pos) if self.whole and self.at_eof() else None
