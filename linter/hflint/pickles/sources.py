"""Byte sources inside archives: replaying bytes already read, a bounded slice of a stream,
and the probe identification uses to look past a member's first bytes (all bounded)."""

from __future__ import annotations

from hflint.pickles import zipread
from hflint.pickles.readers import Budget, BytesReader, Inflater, Unreadable, Window


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
    return Rewound(head, src)


class MemberProbe:
    """hflint.identify's Probe over an archive member: reads on from what was read, up to
    a safetensors header of at most HUB_MAX_HEADER_SIZE bytes; ``data`` is all it read."""

    def __init__(self, src: Source, budget: Budget, first: int, read: bytes = b"") -> None:
        self.src, self.budget = src, budget
        self.data = read + src.read(first - len(read)) if len(read) < first else read  # ``read``: taken already
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


class Slice:
    """The next ``length`` bytes of a stream (a tar member read from a .tar.gz)."""

    def __init__(self, src: Source, length: int) -> None:
        self._src, self._left, self._pos = src, length, 0
        self.size = length

    def read(self, n: int) -> bytes:
        data = self._src.read(max(0, min(n, self._left)))
        self._left -= len(data)
        self._pos += len(data)
        return data

    def skip(self, n: int) -> int:
        done = self._src.skip(max(0, min(n, self._left)))
        self._left -= done
        self._pos += done
        return done

    def tell(self) -> int:
        return self._pos


Source = Window | Inflater | BytesReader | Rewound | Slice
