"""Bounded byte sources: every byte read or inflated is charged to one per-file Budget.

A weight file is never read whole: readers open windows on the file (zip members, the
rest of a legacy checkpoint) and decompress lazily, so a multi-GB checkpoint costs the
size of its pickles. Hitting any bound raises LimitHit, which the rules report as HF403.
"""

from __future__ import annotations

import bz2
import lzma
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

CHUNK = 64 * 1024


class Unreadable(Exception):
    """The content cannot be analysed completely; ``reason`` says why (HF403)."""

    def __init__(self, reason: str, offset: int | None = None, *, cls: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.offset = offset
        self.cls = cls  # the problem class findings group by ("": the reason itself)


class LimitHit(Unreadable):
    """A resource bound was reached; the rest of the content was not analysed."""


class Exhausted(LimitHit):
    """A bound of the whole file was reached (bytes read or inflated, members, declared
    bytes, wall-clock time) or the file is a known archive bomb: the walk stops, and the
    reason is recorded once, where it was hit (``recorded`` says it was)."""

    recorded = False


@dataclass(frozen=True)
class Limits:
    max_read_bytes: int = 1 << 30  # bytes read from disk per file
    max_inflated_bytes: int = 1 << 30  # bytes produced by decompression per file
    max_ratio: int = 200  # inflated / compressed, zip-bomb guard (per member)
    max_depth: int = 4  # archives inside archives
    max_opcodes: int = 20_000_000  # per pickle stream
    max_streams: int = 10_000  # pickle streams per file
    max_members: int = 200_000  # archive entries per file, nested archives included
    max_declared_bytes: int = 1 << 40  # sizes archive entries declare per file (what extraction writes)
    max_seconds: float = 5.0  # wall-clock budget per file, checked between members and reads
    max_memo: int = 1_000_000
    max_stack: int = 1_000_000
    fickling_max_bytes: int = 32 << 20  # second opinion only on streams this small
    fickling_max_opcodes: int = 2_000_000

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Limits:
        names = {
            "max-read-bytes": "max_read_bytes",
            "max-inflated-bytes": "max_inflated_bytes",
            "max-compression-ratio": "max_ratio",
            "max-nesting-depth": "max_depth",
            "max-opcodes": "max_opcodes",
            "max-members": "max_members",
            "max-declared-bytes": "max_declared_bytes",
            "max-seconds": "max_seconds",
            "fickling-max-bytes": "fickling_max_bytes",
        }
        values: dict[str, Any] = {names[k]: v for k, v in params.items() if k in names}
        if "max_seconds" in values:  # 5 and 5.0 are one limit (the analysis is cached by the repr)
            values["max_seconds"] = float(values["max_seconds"])
        return cls(**values)


Clock = Callable[[], float]
DEFAULT_CLOCK: Clock = time.monotonic  # what a Budget measures with when none is given (tests replace it)


class Budget:
    """What one file may cost: bytes read and inflated, archive members and the sizes they
    declare (counted while the walk reads them, never after listing), and wall-clock time.
    ``clock`` is injectable so that tests check the time budget without sleeping."""

    def __init__(self, limits: Limits, clock: Clock | None = None) -> None:
        self.limits = limits
        self.read = 0
        self.inflated = 0
        self.members = 0
        self.declared = 0
        self.clock = clock or DEFAULT_CLOCK
        self.started = self.clock()
        self.deadline = self.started + limits.max_seconds
        self.spent = 0.0  # seconds the walk took, set when it ends (close)
        self.spools: list[Any] = []  # temporary files holding nested archives; closed with the file

    def restart(self) -> None:
        """What is left of the time budget, from now: fickling's second opinion on the same
        file runs when a security rule asks, maybe long after the walk ended."""
        self.deadline = self.clock() + max(0.0, self.limits.max_seconds - self.spent)

    def close(self) -> None:
        self.spent = self.clock() - self.started
        for spool in self.spools:
            spool.close()
        self.spools.clear()

    def charge_read(self, n: int) -> None:
        self.read += n
        if self.read > self.limits.max_read_bytes:
            raise Exhausted(f"read limit of {self.limits.max_read_bytes} bytes reached", cls="limit:read")
        self.check_time()

    def charge_inflated(self, n: int) -> None:
        self.inflated += n
        if self.inflated > self.limits.max_inflated_bytes:
            raise Exhausted(f"decompressed-size limit of {self.limits.max_inflated_bytes} bytes reached",
                            cls="limit:inflated")
        self.check_time()

    def member(self, declared: int) -> None:
        """One more archive entry, declaring ``declared`` bytes of content."""
        self.members += 1
        self.declared += max(declared, 0)
        if self.members > self.limits.max_members:
            raise Exhausted(f"more than {self.limits.max_members} archive members (limit max-members); "
                            "the rest were not analysed", cls="limit:members")
        if self.declared > self.limits.max_declared_bytes:
            raise Exhausted(f"archive members declare more than {self.limits.max_declared_bytes} bytes "
                            "(limit max-declared-bytes): extracting them would fill a disk", cls="limit:declared")
        self.check_time()

    def check_time(self) -> None:
        if self.clock() > self.deadline:
            raise Exhausted(f"wall-clock budget of {self.limits.max_seconds:g} s per file spent (limit "
                            "max-seconds); the rest was not analysed", cls="limit:time")


class Reader(Protocol):
    """What the opcode walker needs: sequential reads, skips and a position."""

    def read(self, n: int) -> bytes: ...
    def skip(self, n: int) -> int: ...
    def tell(self) -> int: ...


class Window:
    """A seekable window [start, start+length) of an open file; positions are relative."""

    def __init__(self, fh: BinaryIO, start: int, length: int, budget: Budget) -> None:
        self._fh, self._start, self.length, self._budget = fh, start, length, budget
        self._pos = 0

    def read(self, n: int) -> bytes:
        n = max(0, min(n, self.length - self._pos))
        if n == 0:
            return b""
        self._budget.charge_read(n)
        self._fh.seek(self._start + self._pos)
        data = self._fh.read(n)
        self._pos += len(data)
        return data

    def skip(self, n: int) -> int:
        n = max(0, min(n, self.length - self._pos))
        self._pos += n
        return n

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int) -> None:
        self._pos = min(max(0, pos), self.length)

    def sub(self, start: int, length: int) -> Window:
        return Window(self._fh, self._start + start, min(length, self.length - start), self._budget)


class BytesReader:
    def __init__(self, data: bytes) -> None:
        self._data, self._pos = data, 0
        self.length = len(data)

    def read(self, n: int) -> bytes:
        out = self._data[self._pos : self._pos + max(0, n)]
        self._pos += len(out)
        return out

    def skip(self, n: int) -> int:
        return len(self.read(n))

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int) -> None:
        self._pos = min(max(0, pos), self.length)


class Inflater:
    """Streamed decompression of a Window, bounded in output size and ratio."""

    def __init__(self, src: Window, method: str, budget: Budget, *, expected: int | None = None) -> None:
        self._src, self._budget, self._expected = src, budget, expected
        self.method = method
        self._buf = b""
        self._pos = 0
        self._in = 0
        self._eof = False
        self._pending = b""
        self._obj: Any
        self._is_zlib = method in ("deflate", "gzip", "zlib")
        if method == "deflate":
            self._obj = zlib.decompressobj(-15)
        elif method == "gzip":
            self._obj = zlib.decompressobj(16 + 15)
        elif method == "zlib":
            self._obj = zlib.decompressobj(15)
        elif method == "bz2":
            self._obj = bz2.BZ2Decompressor()
        elif method == "xz":
            self._obj = lzma.LZMADecompressor()
        else:
            raise Unreadable(f"unsupported compression {method}")
        self.crc = 0

    def _fill(self, want: int) -> None:
        limits = self._budget.limits
        while len(self._buf) < want and not self._eof:
            if not self._pending and self._needs_input():
                self._pending = self._src.read(CHUNK)
                self._in += len(self._pending)
                if not self._pending:
                    raise Unreadable("compressed stream is truncated", self._pos + len(self._buf))
            data, self._pending = self._pending, b""
            try:
                out = self._obj.decompress(data, CHUNK * 4)
            except (zlib.error, OSError, EOFError, ValueError, lzma.LZMAError):
                # the decompressor's own text (zlib's "Error -3 ... invalid code lengths set")
                # changes with the zlib build (zlib-ng): hflint says what failed, not how
                raise Unreadable(
                    f"corrupt compressed data: the {self.method} stream does not decompress", self._pos + len(self._buf)
                ) from None
            if self._is_zlib:
                self._pending = self._obj.unconsumed_tail
            self._eof = self._obj.eof
            self._budget.charge_inflated(len(out))
            self.crc = zlib.crc32(out, self.crc)
            self._buf += out
            produced = self._pos + len(self._buf)
            if produced > limits.max_ratio * max(self._in, 1) and produced > 1 << 20:
                raise Exhausted(f"compression ratio above {limits.max_ratio}:1 (decompression bomb); the "
                                "archive was not analysed further", cls="bomb:ratio")
            if self._expected is not None and produced > self._expected:
                raise Unreadable(f"member inflates past its declared size of {self._expected} bytes")

    def _needs_input(self) -> bool:
        if self._is_zlib:
            return True  # unconsumed_tail (kept in _pending) is the only buffered input
        return bool(self._obj.needs_input)

    def read(self, n: int) -> bytes:
        self._fill(n)
        out, self._buf = self._buf[:n], self._buf[n:]
        self._pos += len(out)
        return out

    def skip(self, n: int) -> int:
        done = 0
        while done < n:
            got = len(self.read(min(CHUNK * 4, n - done)))
            if not got:
                break
            done += got
        return done

    def tell(self) -> int:
        return self._pos

    def drain(self) -> int:
        """Read to the end (for the CRC check); returns the total size."""
        while self.skip(CHUNK * 16):
            pass
        return self._pos


