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

MAX_DEPTH = 1024  # msgpack's C unpacker: 1024 nested containers load, 1025 raise StackError
WINDOW = 1 << 13  # small: after a skipped tensor the next header is a few dozen bytes
_STR_CHUNK = 1 << 20

# numpy dtype names flax writes (``arr.dtype.name``) and their item sizes.
ITEM_SIZES = {
    "bool": 1,
    "int8": 1,
    "uint8": 1,
    "int16": 2,
    "uint16": 2,
    "float16": 2,
    "bfloat16": 2,
    "int32": 4,
    "uint32": 4,
    "float32": 4,
    "int64": 8,
    "uint64": 8,
    "float64": 8,
    "complex64": 8,
    "complex128": 16,
    "float8_e4m3fn": 1,
    "float8_e5m2": 1,
    "float8_e4m3b11fnuz": 1,
    "float8_e4m3fnuz": 1,
    "float8_e5m2fnuz": 1,
}
_NDARRAY, _SCALAR, _TIMESTAMP = 1, 3, -1


class MsgpackError(Exception):
    """What makes ``msgpack.unpackb`` (or flax's rebuild of an array) fail, and where."""

    def __init__(self, message: str, where: str) -> None:
        super().__init__(message)
        self.message = message
        self.where = where


class LimitReached(Exception):
    """More objects than the walk's budget: not analysed, not invalid."""


@dataclass
class Summary:
    objects: int
    arrays: int  # ndarray / scalar extensions checked against their dtype


class _Reader:
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
        self.pos += n
        return self._buf[start : start + n]

    def skip(self, n: int, what: str) -> None:
        if self.pos + n > self.size:
            raise MsgpackError(f"{what} of {n} bytes at byte {self.pos} runs past the end of the file (truncated)", "")
        self.pos += n


_FIXED = {0xCA: 4, 0xCB: 8, 0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8, 0xD0: 1, 0xD1: 2, 0xD2: 4, 0xD3: 8}
_SIZED = {0xC4: (1, "bin"), 0xC5: (2, "bin"), 0xC6: (4, "bin"), 0xD9: (1, "str"), 0xDA: (2, "str"), 0xDB: (4, "str")}
_UNSIGNED = {1: ">B", 2: ">H", 4: ">I", 8: ">Q"}


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
    r = _Reader(fh, size)
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


def _one(r: _Reader, ctx: _Walk) -> str:
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


def _object(r: _Reader, is_key: bool, ctx: _Walk) -> tuple[str, int, str | None]:
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
    if b in _FIXED:
        r.skip(_FIXED[b], "a number")
        return _no_key(is_key, "a number")
    if b in _SIZED:
        width, what = _SIZED[b]
        (n,) = struct.unpack(_UNSIGNED[width], r.take(width, f"a {what} length"))
        if what == "str":
            return "str", 0, _str(r, n, is_key, ctx.raw)
        r.skip(n, "a bin key" if is_key else "a bin payload")
        return "bin", 0, "<bin>" if is_key else None
    if b in (0xDC, 0xDD, 0xDE, 0xDF):
        width = 2 if b in (0xDC, 0xDE) else 4
        (n,) = struct.unpack(_UNSIGNED[width], r.take(width, "a container length"))
        return _container(is_key, "map" if b >= 0xDE else "list", 2 * n if b >= 0xDE else n)
    # ext: fixext 1/2/4/8/16 (0xd4-0xd8) or ext 8/16/32 (0xc7-0xc9)
    if 0xD4 <= b <= 0xD8:
        n = 1 << (b - 0xD4)
    else:
        width = {0xC7: 1, 0xC8: 2, 0xC9: 4}[b]
        (n,) = struct.unpack(_UNSIGNED[width], r.take(width, "an ext length"))
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


def _str(r: _Reader, n: int, keep: bool, raw: bool) -> str | None:
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


def _timestamp(r: _Reader, n: int) -> None:
    if n not in (4, 8, 12):
        raise MsgpackError(f"a timestamp extension of {n} bytes (msgpack reads 4, 8 or 12)", "")
    data = r.take(n, "a timestamp")
    nanoseconds = 0 if n == 4 else struct.unpack(">Q", data)[0] >> 34 if n == 8 else struct.unpack(">I", data[:4])[0]
    if nanoseconds > 999_999_999:
        raise MsgpackError(
            f"a timestamp extension with {nanoseconds} nanoseconds (msgpack requires fewer than 10^9)", ""
        )


def _ndarray(r: _Reader, n: int, ctx: _Walk) -> None:
    """An ndarray payload: ``shape, dtype_name, buffer = msgpack.unpackb(payload, raw=True)``,
    then ``np.frombuffer(buffer, dtype=np.dtype(dtype_name)).reshape(shape)``."""
    end = r.pos + n
    if end > r.size:
        raise MsgpackError(
            f"an array extension of {n:,} bytes at byte {r.pos} runs past the end of the file (truncated)", ""
        )
    inner = _Reader(r.fh, end)
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
            problem = _array_problem(inner)
    except MsgpackError as exc:
        problem = exc.message
    if problem:
        raise MsgpackError(f"an array extension at byte {start}: {problem}", "")
    r.pos = end


class _NotJudged(Exception):
    """An inner value numpy would read in a way hflint does not model: no verdict."""


def _array_problem(r: _Reader) -> str | None:
    kind, count, _, _ = _inner(r, "the array header")
    if kind == "map":
        return None  # unpacking a map takes its keys: not a case hflint models
    if kind != "list" or count != 3:
        return "it does not hold the list [shape, dtype, buffer] flax writes"
    try:
        shape = _shape(r)
        dtype = _dtype(r)
    except _NotJudged:
        return None
    kind, _, _, length = _inner(r, "the buffer")
    if kind != "bytes":
        return "its buffer is not bytes (np.frombuffer fails)"
    size = ITEM_SIZES.get(dtype)
    if size is None:
        return None  # a dtype hflint does not know: not judged
    if length % size:
        return f"its buffer of {length:,} bytes is not a whole number of {dtype} items (np.frombuffer fails)"
    return None if shape is None else _reshape_problem(shape, length // size, dtype)


def _reshape_problem(shape: list[int], items: int, dtype: str) -> str | None:
    """numpy's ndarray.reshape rules (_fix_unknown_dimension): any one negative dimension is
    the unknown one, inferred from the others; two are refused, and so is an unknown beside
    a zero."""
    if len(shape) > 64:
        return f"its shape has {len(shape)} dimensions (numpy allows at most 64)"
    unknown = sum(d < 0 for d in shape)
    if unknown > 1:
        return f"its shape {shape} has more than one negative (unknown) dimension"
    known = 1
    for d in shape:
        known *= d if d >= 0 else 1
    if unknown:
        if known == 0 or items % known:
            return f"its shape {shape} cannot hold its {items:,} {dtype} items"
        return None
    if known != items:
        return f"its shape {shape} needs {known:,} {dtype} items, its buffer holds {items:,} (reshape fails)"
    return None


def _shape(r: _Reader) -> list[int] | None:
    kind, count, value, _ = _inner(r, "the shape")
    if kind == "nil":
        return None  # reshape(None) keeps the flat array
    if isinstance(value, int):
        return [value]
    if kind == "bytes":  # raw=True makes a str shape bytes: a sequence of small integers
        if not isinstance(value, bytes):
            raise _NotJudged
        return list(value)
    if kind != "list":
        raise MsgpackError("its shape is not a list of integers (reshape fails)", "")
    dims = []
    for _ in range(count):
        _, _, value, _ = _inner(r, "a dimension")
        if not isinstance(value, int):
            raise MsgpackError("its shape holds something other than integers (reshape fails)", "")
        dims.append(value)
    return dims


def _dtype(r: _Reader) -> str:
    kind, _, value, _ = _inner(r, "the dtype name")
    if kind == "nil":
        return "float64"  # np.dtype(None)
    if kind == "bytes":
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else ""
    if kind in ("list", "map"):
        raise _NotJudged  # a structured dtype description
    raise MsgpackError("its dtype name is not a string (np.dtype fails)", "")


_SIGNED = {0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q"}


def _inner(r: _Reader, what: str) -> tuple[str, int, int | bytes | None, int]:
    """One value of an array payload: (kind, items a list opens, value, bytes length)."""
    (b,) = r.take(1, what)
    if b <= 0x7F or b >= 0xE0:
        return "int", 0, b if b <= 0x7F else b - 0x100, 0
    if b in (0xCC, 0xCD, 0xCE, 0xCF):
        return "int", 0, struct.unpack(_UNSIGNED[_FIXED[b]], r.take(_FIXED[b], what))[0], 0
    if b in _SIGNED:
        return "int", 0, struct.unpack(_SIGNED[b], r.take(_FIXED[b], what))[0], 0
    if b == 0xC0:
        return "nil", 0, None, 0
    if 0x90 <= b <= 0x9F or b in (0xDC, 0xDD):
        count = (
            b & 0x0F
            if b <= 0x9F
            else struct.unpack(">H" if b == 0xDC else ">I", r.take(2 if b == 0xDC else 4, what))[0]
        )
        return "list", count, None, 0
    if 0xA0 <= b <= 0xBF or b in _SIZED:
        if b in _SIZED:
            width = _SIZED[b][0]
            (n,) = struct.unpack(_UNSIGNED[width], r.take(width, what))
        else:
            n = b & 0x1F
        if n <= 256:
            return "bytes", 0, r.take(n, what), n
        r.skip(n, what)
        return "bytes", 0, None, n
    if 0x80 <= b <= 0x8F or b in (0xDE, 0xDF):
        return "map", 0, None, 0
    return "other", 0, None, 0
