"""A bounded, streaming reader of the protobuf wire format, shared by ONNX and TensorFlow.

Encoding (https://protobuf.dev/programming-guides/encoding/): a message is a sequence of
fields, each a varint key ``field_number << 3 | wire_type`` and a value: 0 VARINT, 1 I64,
2 LEN (varint length, then bytes: strings, sub-messages, packed scalars), 3/4 SGROUP/EGROUP
(proto2 groups, skipped), 5 I32. A singular sub-message that occurs several times is the
merge of its occurrences, which is what parsing their concatenation gives, so callers pass
every occurrence's span to ``fields`` at once; a repeated one is one element per occurrence.

Nothing is loaded whole: the file is read through a window of ``WINDOW`` bytes, and a long
LEN value (tensor data) that no caller asks for is skipped by seeking, so a 3 GB model costs
a few reads and a model over protobuf's 2 GiB message limit is read in bounded pieces like
any other. Every length is checked against the enclosing span before it is used; the
number of fields visited, the nesting depth (protobuf's own recursion limit, 100, in
``io/coded_stream.h``) and the strings read are bounded, so a hostile file ends in a
WireError with the reason, never in an allocation or a long loop.
"""

from __future__ import annotations

import os
import struct
import time
from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO, NamedTuple

VARINT, I64, LEN, SGROUP, EGROUP, I32 = 0, 1, 2, 3, 4, 5
WINDOW = 1 << 20
U64 = (1 << 64) - 1

Span = tuple[int, int]  # [start, end) in the file
Field = tuple[int, int, int, int]  # (number, wire type, value or start of a LEN value, LEN length)


class WireError(ValueError):
    """The bytes are not a protobuf message within the limits; the message says why."""


class Limits(NamedTuple):
    max_fields: int = 5_000_000  # field keys visited in one file (a 7B-parameter ONNX graph: ~1M)
    max_depth: int = 100  # protobuf's default recursion limit (CodedInputStream)
    max_string: int = 1 << 16  # any string a check reads (names, domains, paths)
    # wall-clock budget per file, checked every CLOCK_EVERY fields: a guard against a stalled
    # walk, well above what walking max_fields fields takes on a loaded machine
    max_seconds: float = 30.0


DEFAULT_LIMITS = Limits()
CLOCK_EVERY = 1 << 14  # fields between two looks at the clock (a few ms of walking)
DEFAULT_CLOCK: Callable[[], float] = time.monotonic  # tests replace it


class WireReader:
    def __init__(self, fh: BinaryIO, limits: Limits = DEFAULT_LIMITS, *, window: int = WINDOW,
                 clock: Callable[[], float] | None = None) -> None:
        self.fh, self.limits, self.window = fh, limits, window
        self.size = fh.seek(0, os.SEEK_END)
        self._buf = b""
        self._base = 0
        self.visited = 0
        self.clock = clock or DEFAULT_CLOCK
        self.deadline = self.clock() + limits.max_seconds

    def _late(self) -> bool:
        if self.clock() > self.deadline:
            raise WireError(f"wall-clock budget of {self.limits.max_seconds:g} s per file spent after "
                            f"{self.visited} protobuf fields (limit max-seconds); not analysed further")
        return False

    @property
    def whole(self) -> tuple[Span]:
        return ((0, self.size),)

    # -- bytes ---------------------------------------------------------------------------

    def _window(self, pos: int, need: int) -> tuple[bytes, int]:
        """The buffer and the index of ``pos`` in it, holding ``need`` bytes from ``pos``."""
        i = pos - self._base
        if i < 0 or i + need > len(self._buf):
            self.fh.seek(pos)
            self._buf = self.fh.read(max(need, self.window))
            self._base, i = pos, 0
            if len(self._buf) < need:
                raise WireError(f"file ends at byte {pos + len(self._buf)}, inside a field (truncated)")
        return self._buf, i

    def _varint(self, pos: int, end: int) -> tuple[int, int]:
        """(value, position after it) of the varint at ``pos``; it may not pass ``end``."""
        avail = min(10, end - pos)
        buf, i = self._window(pos, avail)
        result = shift = 0
        for k in range(i, i + avail):
            byte = buf[k]
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                return result & U64, pos + (k - i) + 1
            shift += 7
        if avail >= 10:
            raise WireError(f"malformed varint at byte {pos} (more than 10 bytes)")
        raise WireError(f"a varint at byte {pos} runs past the end of its message")

    def read(self, start: int, length: int) -> bytes:
        """The bytes of a LEN value a caller needs; bounded by ``max_string``."""
        if length > self.limits.max_string:
            raise WireError(f"a {length}-byte string at byte {start} is over the {self.limits.max_string}-byte limit")
        buf, i = self._window(start, length)
        return buf[i : i + length]

    def string(self, start: int, length: int) -> str:
        # Invalid UTF-8 cannot name a real operator, domain or file: shown with U+FFFD.
        return self.read(start, length).decode("utf-8", "replace")

    def varints(self, start: int, length: int) -> Iterator[int]:
        """The values of a packed repeated varint field."""
        pos, end = start, start + length
        while pos < end:
            value, pos = self._varint(pos, end)
            yield value

    # -- fields --------------------------------------------------------------------------

    def _tick(self) -> None:
        self.visited += 1
        if self.visited > self.limits.max_fields:
            raise WireError(f"more than {self.limits.max_fields} protobuf fields; not analysed further")
        if not self.visited % CLOCK_EVERY:
            self._late()

    def fields(self, spans: Sequence[Span], depth: int) -> Iterator[Field]:
        """Every field of the message made of ``spans`` (merged occurrences), in order."""
        if depth > self.limits.max_depth:
            raise WireError(f"messages nested more than {self.limits.max_depth} deep (protobuf's recursion limit)")
        max_fields = self.limits.max_fields
        for start, end in spans:
            pos = start
            while pos < end:
                self.visited += 1
                if self.visited > max_fields:
                    raise WireError(f"more than {max_fields} protobuf fields; not analysed further")
                if not self.visited % CLOCK_EVERY:
                    self._late()
                # Fast path for one-byte keys (fields 1-15), the common case.
                i = pos - self._base
                if 0 <= i < len(self._buf) and self._buf[i] < 0x80:
                    key = self._buf[i]
                    pos += 1
                else:
                    key, pos = self._varint(pos, end)
                number, wire = key >> 3, key & 7
                if number == 0 or number > 0x1FFFFFFF:
                    raise WireError(f"invalid field number {number} at byte {pos}")
                if wire in (VARINT, LEN):
                    i = pos - self._base
                    if pos < end and 0 <= i < len(self._buf) and self._buf[i] < 0x80:
                        value = self._buf[i]
                        pos += 1
                    else:
                        value, pos = self._varint(pos, end)
                    if wire == VARINT:
                        yield number, wire, value, 0
                        continue
                    length = value
                    if length > end - pos:
                        raise WireError(f"a field of {length} bytes at byte {pos} runs past the end of its message")
                    yield number, wire, pos, length
                    pos += length
                elif wire in (I64, I32):
                    n = 8 if wire == I64 else 4
                    if n > end - pos:
                        raise WireError(f"a fixed-size field at byte {pos} runs past the end of its message")
                    buf, i = self._window(pos, n)
                    (value,) = struct.unpack_from("<Q" if n == 8 else "<I", buf, i)
                    yield number, wire, value, 0
                    pos += n
                elif wire == SGROUP:
                    pos = self._skip_group(number, pos, end, depth + 1)
                else:  # EGROUP outside a group, or wire types 6 and 7
                    raise WireError(f"invalid wire type {wire} for field {number} at byte {pos}")

    def _skip_group(self, number: int, pos: int, end: int, depth: int) -> int:
        """Skip a proto2 group (no schema we read uses one): parsers keep it as unknown."""
        open_groups = [number]
        while open_groups:
            if depth + len(open_groups) > self.limits.max_depth:
                raise WireError(f"groups nested more than {self.limits.max_depth} deep")
            if pos >= end:
                raise WireError(f"group {open_groups[-1]} is not closed before the end of its message")
            self._tick()
            key, pos = self._varint(pos, end)
            field, wire = key >> 3, key & 7
            if wire == VARINT:
                _, pos = self._varint(pos, end)
            elif wire == LEN:
                length, pos = self._varint(pos, end)
                if length > end - pos:
                    raise WireError(f"a field of {length} bytes at byte {pos} runs past the end of its message")
                pos += length
            elif wire in (I64, I32):
                pos += 8 if wire == I64 else 4
                if pos > end:
                    raise WireError("a fixed-size field runs past the end of its message")
            elif wire == SGROUP:
                open_groups.append(field)
            elif wire == EGROUP and field == open_groups[-1]:
                open_groups.pop()
            else:
                raise WireError(f"invalid wire type {wire} for field {field} inside a group at byte {pos}")
        return pos


def int32(value: int) -> int:
    """A varint read as protobuf's int32/enum (truncated to 32 bits, two's complement)."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def int64(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value
