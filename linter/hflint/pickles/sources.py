"""Byte sources inside archives: replaying bytes already read, tarfile's file object, and
the probe identification uses to look past a member's first bytes (all bounded)."""

from __future__ import annotations

import io

from hflint.pickles import zipread
from hflint.pickles.readers import Budget, BytesReader, Inflater, Unreadable, Window

Source = Window | Inflater | BytesReader


class Rewound:
    """Replays bytes already read from a non-seekable source, then continues it."""

    def __init__(self, head: bytes, src: Source) -> None:
        self._head, self._src, self._pos = head, src, 0

    def read(self, n: int) -> bytes:
        out = b""
        if self._pos < len(self._head):
            out = self._head[self._pos : self._pos + n]
        rest = n - len(out)
        if rest > 0:
            out += self._src.read(rest)
        self._pos += len(out)
        return out

    def skip(self, n: int) -> int:
        if self._pos < len(self._head):
            return len(self.read(n))
        done = self._src.skip(n)
        self._pos += done
        return done

    def tell(self) -> int:
        return self._pos


def rewound(src: Source, head: bytes) -> Source:
    """``src`` from its start again, ``head`` being everything read from it so far."""
    if isinstance(src, Window | BytesReader):
        src.seek(0)
        return src
    return Rewound(head, src)  # type: ignore[return-value]


class MemberProbe:
    """hflint.identify's Probe over an archive member: reads on from what was read, up to
    a safetensors header of at most HUB_MAX_HEADER_SIZE bytes; ``data`` is all it read."""

    def __init__(self, src: Source, budget: Budget, first: int) -> None:
        self.src, self.budget = src, budget
        self.data = src.read(first)
        self.size = src.length if isinstance(src, Window | BytesReader) else None

    def safetensors(self, length: int) -> bool | None:
        from hflint.weights.safetensors_format import HUB_MAX_HEADER_SIZE, parse_header

        if length > HUB_MAX_HEADER_SIZE:
            return None
        need = 8 + length - len(self.data)
        if need > 0:
            self.data += self.src.read(need)
        if len(self.data) < 8 + length:
            return False
        header = parse_header(self.data[8 : 8 + length], length, self.size or 8 + length)
        return header.tensors is not None

    def zip_directory(self) -> bool | None:
        if not isinstance(self.src, Window | BytesReader):
            return None  # a deflated member: its end is not reachable without inflating it all
        try:
            zipread.read_directory(self.src, self.budget)
        except Unreadable:
            return False
        return True


class WindowFile(io.RawIOBase):
    """A read-only file object over a Window, for tarfile's header walk."""

    def __init__(self, win: Window) -> None:
        self._win = win

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        data = self._win.read(len(b))
        b[: len(data)] = data
        return len(data)

    def seek(self, pos: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._win.tell(), 2: self._win.length}[whence]
        self._win.seek(base + pos)
        return self._win.tell()

    def tell(self) -> int:
        return self._win.tell()
