"""A bounded structural walk of a Flax msgpack state dict (``flax_model.msgpack``).

Flax writes a state dict with ``msgpack.packb(tree, default=..., strict_types=True)`` and
transformers reads it with ``flax.serialization.from_bytes``, which is
``msgpack.unpackb(data, ext_hook=..., raw=False)`` (flax/serialization.py). Arrays are ext
type 1 (ndarray) or 3 (numpy scalar), each holding ``packb((shape, dtype.name, buffer))``,
rebuilt with ``np.frombuffer(buffer, dtype).reshape(shape)``. The format carries no code, so
the question is only whether that call can succeed; this walk answers it the way msgpack's
unpacker decides it (msgpack/unpack_template.h, msgpack/_unpacker.pyx), without building
the tree and without reading tensor bytes:

- every object complete inside the file, and nothing after the top-level one (``ExtraData``);
- no reserved byte 0xc1; containers nested at most 1024 deep (the C unpacker's stack);
- map keys that are str or bin (``strict_map_key``, the default since msgpack 1.0), every
  str valid UTF-8 (``raw=False``), timestamp extensions (type -1) of 4, 8 or 12 bytes with
  nanoseconds below 10^9;
- for ndarray and scalar extensions, an inner ``[shape, dtype, buffer]`` whose buffer holds
  exactly ``prod(shape)`` items of the dtype, when hflint knows the dtype's size
  (``ITEM_SIZES``: numpy's names and JAX's bfloat16); an unknown name is not judged, nor is
  the payload of a native complex (type 2); other negative types than -1 are refused
  (``msgpack.ExtType`` takes 0-127).

The walk reads object headers and map keys; str, bin and ext payloads are skipped by seeking
(an ndarray's header, a few dozen bytes, is read). A count claiming more objects than bytes
are left is refused at once, so a 2^32-element array header costs one comparison.
"""

from __future__ import annotations

import codecs
import struct
import time
from dataclasses import dataclass
from typing import BinaryIO

from hflint.weights.msgpack_arrays import ITEM_SIZES, array_problem
from hflint.weights.msgpack_read import FIXED, SIZED, UNSIGNED, MsgpackError, Reader

__all__ = ["ITEM_SIZES", "MAX_DEPTH", "LimitReached", "MsgpackError", "Summary", "walk"]

MAX_DEPTH = 1024  # msgpack's C unpacker: 1024 nested containers load, 1025 raise StackError
_STR_CHUNK = 1 << 20

_NDARRAY, _SCALAR, _TIMESTAMP = 1, 3, -1


class LimitReached(Exception):
    """More objects than the walk's budget: not analysed, not invalid."""


@dataclass
class Summary:
    objects: int
    arrays: int  # ndarray / scalar extensions checked against their dtype


class _Frame:
    """An open container: objects still to read (a map's keys and values alternate)."""

    __slots__ = ("is_map", "left")

    def __init__(self, left: int, is_map: bool) -> None:
        self.left, self.is_map = left, is_map


_A = {
    "map": "a map",
    "list": "a list",
    "str": "a str",
    "bin": "bin data",
    "scalar": "a scalar",
    "ext": "an extension",
    "array": "an array",
}


class _Walk:
    """How one unpackb call reads: ``raw`` (str stays bytes: no UTF-8 check) and ``flax``
    (ext types 1 and 3 are flax arrays); the object budget is shared by nested calls."""

    def __init__(self, raw: bool, flax: bool, budget: list[int], deadline: float = float("inf")) -> None:
        self.raw, self.flax, self.budget = raw, flax, budget
        self.deadline = deadline
        self.arrays = 0


def walk(fh: BinaryIO, size: int, max_objects: int = 10_000_000, max_seconds: float = 5.0) -> Summary:
    """Check the file as msgpack.unpackb and flax's array rebuild would read it. Past
    ``max_objects`` objects or ``max_seconds`` (checked every 4,096 objects: a file of
    millions of empty lists costs about a microsecond each) it raises LimitReached."""
    r = Reader(fh, size)
    if size == 0:
        raise MsgpackError("the file is empty: msgpack.unpackb reads no object from it", "")
    budget = [max_objects]
    ctx = _Walk(raw=False, flax=True, budget=budget)
    ctx.deadline = time.monotonic() + max_seconds
    first = _one(r, ctx)
    if first != "map":
        raise MsgpackError(
            f"the top level is {_A[first]}, not the map of a state dict (flax.serialization.from_bytes)", ""
        )
    if r.pos != size:
        raise MsgpackError(f"{size - r.pos:,} bytes follow the state dict (msgpack.unpackb raises ExtraData)", "")
    return Summary(max_objects - budget[0], ctx.arrays)


def _one(r: Reader, ctx: _Walk) -> str:
    """Walks exactly one object (containers with everything in them) from ``r.pos`` as
    msgpack's unpacker reads it; returns the kind of that object."""
    stack: list[_Frame] = []
    path: list[str] = []  # the keys down to the current object, for messages
    pending = 1  # objects every open container still owes: each takes at least one byte
    first = ""
    while True:
        if ctx.budget[0] <= 0:
            raise LimitReached("more msgpack objects than the walk's budget")
        ctx.budget[0] -= 1
        if not ctx.budget[0] & 0xFFF and time.monotonic() > ctx.deadline:
            raise LimitReached("the walk's time budget ran out")
        pending -= 1
        is_key = bool(stack) and stack[-1].is_map and stack[-1].left % 2 == 0
        where = "/".join(path)
        try:
            kind, count, key = _object(r, is_key, ctx)
        except MsgpackError as exc:
            raise MsgpackError(exc.message, exc.where or where) from None
        first = first or kind
        if is_key:
            path.append(key or "?")
        if kind in ("map", "list") and len(stack) >= MAX_DEPTH:  # an empty one is a level too
            raise MsgpackError(f"containers nested deeper than {MAX_DEPTH} (msgpack's unpacker stack)", where)
        if count:
            pending += count
            if pending > r.size - r.pos:
                raise MsgpackError(
                    f"{_A[kind]} at byte {r.pos} claims {count:,} objects, more than "
                    f"the {r.size - r.pos:,} bytes left (truncated or corrupt)",
                    where,
                )
            stack.append(_Frame(count, kind == "map"))
            continue
        # A scalar (or an empty container) is done: close every container it completes.
        while stack:
            frame = stack[-1]
            frame.left -= 1
            if frame.is_map and frame.left % 2 == 0 and path:
                path.pop()  # a map's value is done: its key leaves the path
            if frame.left:
                break
            stack.pop()
        if not stack:
            return first


def _object(r: Reader, is_key: bool, ctx: _Walk) -> tuple[str, int, str | None]:
    """Reads one object header (and skips its payload): (kind, items it opens, key text)."""
    (b,) = r.take(1, "an object")
    if b <= 0x7F or b >= 0xE0 or b in (0xC0, 0xC2, 0xC3):
        return _no_key(is_key, "an integer, nil or boolean")
    if 0x80 <= b <= 0x8F:
        return _container(is_key, "map", 2 * (b & 0x0F))
    if 0x90 <= b <= 0x9F:
        return _container(is_key, "list", b & 0x0F)
    if 0xA0 <= b <= 0xBF:
        return "str", 0, _str(r, b & 0x1F, is_key, ctx.raw)
    if b == 0xC1:
        raise MsgpackError("byte 0xc1, which msgpack reserves and never writes", "")
    if b in FIXED:
        r.skip(FIXED[b], "a number")
        return _no_key(is_key, "a number")
    if b in SIZED:
        width, what = SIZED[b]
        (n,) = struct.unpack(UNSIGNED[width], r.take(width, f"a {what} length"))
        if what == "str":
            return "str", 0, _str(r, n, is_key, ctx.raw)
        r.skip(n, "a bin key" if is_key else "a bin payload")
        return "bin", 0, "<bin>" if is_key else None
    if b in (0xDC, 0xDD, 0xDE, 0xDF):
        width = 2 if b in (0xDC, 0xDE) else 4
        (n,) = struct.unpack(UNSIGNED[width], r.take(width, "a container length"))
        return _container(is_key, "map" if b >= 0xDE else "list", 2 * n if b >= 0xDE else n)
    # ext: fixext 1/2/4/8/16 (0xd4-0xd8) or ext 8/16/32 (0xc7-0xc9)
    if 0xD4 <= b <= 0xD8:
        n = 1 << (b - 0xD4)
    else:
        width = {0xC7: 1, 0xC8: 2, 0xC9: 4}[b]
        (n,) = struct.unpack(UNSIGNED[width], r.take(width, "an ext length"))
    (code,) = struct.unpack(">b", r.take(1, "an ext type"))
    if is_key:
        raise MsgpackError(
            f"a map key is an extension (type {code}); msgpack.unpackb allows only str and bin keys (strict_map_key)",
            "",
        )
    if code < 0 and code != _TIMESTAMP:
        raise MsgpackError(f"an extension of reserved type {code}: msgpack.ExtType takes types 0-127 only", "")
    if code == _TIMESTAMP:
        _timestamp(r, n)
        return "ext", 0, None
    if ctx.flax and code in (_NDARRAY, _SCALAR):
        _ndarray(r, n, ctx)
        ctx.arrays += 1
        return "array", 0, None
    r.skip(n, "an ext payload")
    return "ext", 0, None


def _no_key(is_key: bool, what: str) -> tuple[str, int, str | None]:
    if is_key:
        raise MsgpackError(f"a map key is {what}; msgpack.unpackb allows only str and bin keys (strict_map_key)", "")
    return "scalar", 0, None


def _container(is_key: bool, kind: str, count: int) -> tuple[str, int, str | None]:
    if is_key:
        raise MsgpackError(f"a map key is a {kind}; msgpack.unpackb allows only str and bin keys (strict_map_key)", "")
    return kind, count, None


def _str(r: Reader, n: int, keep: bool, raw: bool) -> str | None:
    """Checks that the str is UTF-8 (raw=False decodes it); returns it when it is a key."""
    if r.pos + n > r.size:
        raise MsgpackError(f"a str of {n:,} bytes at byte {r.pos} runs past the end of the file (truncated)", "")
    if raw:  # unpackb(raw=True) keeps str as bytes: nothing to decode
        r.skip(n, "a str")
        return "<bytes>" if keep else None
    decoder = codecs.getincrementaldecoder("utf-8")()
    text: list[str] = []
    left = n
    try:
        while left:
            part = r.take(min(left, _STR_CHUNK), "a str")
            left -= len(part)
            piece = decoder.decode(part, final=not left)
            if keep and sum(map(len, text)) < 200:
                text.append(piece)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise MsgpackError(
            f"a str at byte {r.pos - n} is not valid UTF-8 (msgpack.unpackb(raw=False) raises UnicodeDecodeError)", ""
        ) from None
    return "".join(text)[:200] if keep else None


def _timestamp(r: Reader, n: int) -> None:
    if n not in (4, 8, 12):
        raise MsgpackError(f"a timestamp extension of {n} bytes (msgpack reads 4, 8 or 12)", "")
    data = r.take(n, "a timestamp")
    nanoseconds = 0 if n == 4 else struct.unpack(">Q", data)[0] >> 34 if n == 8 else struct.unpack(">I", data[:4])[0]
    if nanoseconds > 999_999_999:
        raise MsgpackError(
            f"a timestamp extension with {nanoseconds} nanoseconds (msgpack requires fewer than 10^9)", ""
        )


def _ndarray(r: Reader, n: int, ctx: _Walk) -> None:
    """An ndarray payload: ``shape, dtype_name, buffer = msgpack.unpackb(payload, raw=True)``,
    then ``np.frombuffer(buffer, dtype=np.dtype(dtype_name)).reshape(shape)``."""
    end = r.pos + n
    if end > r.size:
        raise MsgpackError(
            f"an array extension of {n:,} bytes at byte {r.pos} runs past the end of the file (truncated)", ""
        )
    inner = Reader(r.fh, end)
    inner.pos = start = r.pos
    try:  # first as msgpack.unpackb(payload, raw=True) reads any object, then as flax's array
        _one(inner, _Walk(raw=True, flax=False, budget=ctx.budget, deadline=ctx.deadline))
        problem = (
            f"{end - inner.pos:,} bytes follow its [shape, dtype, buffer] (msgpack.unpackb raises ExtraData)"
            if inner.pos != end
            else None
        )
        if problem is None:
            inner.pos = start
            problem = array_problem(inner)
    except MsgpackError as exc:
        problem = exc.message
    if problem:
        raise MsgpackError(f"an array extension at byte {start}: {problem}", "")
    r.pos = end
