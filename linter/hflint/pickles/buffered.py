"""Chunked reads over a bounded Reader, with an optional tee for fickling's second opinion."""

from __future__ import annotations

from hflint.pickles.readers import CHUNK, Reader


class Buffered:
    """Chunked reads over a Reader, so that one-byte opcode reads cost no system call."""

    def __init__(self, src: Reader) -> None:
        self._src = src
        self._buf = b""
        self._i = 0
        self._pos = src.tell()
        self._tee: bytearray | None = None
        self._tee_cap = 0

    def start_tee(self, cap: int) -> None:
        """Record the bytes consumed from now on, up to ``cap`` (then recording stops)."""
        self._tee, self._tee_cap = bytearray(), cap

    def stop_tee(self) -> bytes | None:
        tee, self._tee = self._tee, None
        return None if tee is None else bytes(tee)

    def _record(self, data: bytes) -> None:
        if self._tee is not None:
            if len(self._tee) + len(data) > self._tee_cap:
                self._tee = None
            else:
                self._tee += data

    def _refill(self) -> bool:
        self._buf, self._i = self._src.read(CHUNK), 0
        return bool(self._buf)

    def read(self, n: int) -> bytes:
        if self._i + n <= len(self._buf):  # the common case: a few bytes from the buffer
            out = self._buf[self._i : self._i + n]
            self._i += n
            self._pos += n
            self._record(out)
            return out
        parts = [self._buf[self._i :]]
        got = len(parts[0])
        self._i = len(self._buf)
        while got < n:
            if n - got >= CHUNK:
                chunk = self._src.read(n - got)
                if not chunk:
                    break
                parts.append(chunk)
                got += len(chunk)
                continue
            if not self._refill():
                break
            take = self._buf[: n - got]
            self._i = len(take)
            parts.append(take)
            got += len(take)
        self._pos += got
        out = b"".join(parts)
        self._record(out)
        return out

    def skip(self, n: int) -> int:
        if self._tee is not None and len(self._tee) + n <= self._tee_cap:
            return len(self.read(n))
        self._tee = None
        have = len(self._buf) - self._i
        if n <= have:
            self._i += n
            self._pos += n
            return n
        self._i = len(self._buf)
        done = have + self._src.skip(n - have)
        self._pos += done
        return done

    def tell(self) -> int:
        return self._pos

    def at_eof(self) -> bool:
        return self._i >= len(self._buf) and not self._refill()

    def readline(self, keep: int) -> tuple[bytes, bool]:
        """Up to ``keep`` bytes of the next line (newline dropped); False when EOF came first."""
        kept = bytearray()
        while True:
            j = self._buf.find(b"\n", self._i)
            end = len(self._buf) if j < 0 else j
            if len(kept) < keep:
                kept += self._buf[self._i : min(end, self._i + keep - len(kept))]
            self._record(self._buf[self._i : end + (j >= 0)])
            self._pos += end - self._i + (j >= 0)
            self._i = end + (j >= 0)
            if j >= 0:
                return bytes(kept), True
            if not self._refill():
                return bytes(kept), False
