"""A Flax array payload, ``packb((shape, dtype.name, buffer))`` inside msgpack extension 1
or 3, judged as flax rebuilds it: ``np.frombuffer(buffer, np.dtype(name)).reshape(shape)``
(flax/serialization.py ``_ndarray_from_bytes``). The payload was already walked as msgpack
(hflint.weights.msgpack_walk), so only its meaning is left to judge; what numpy would read in
a way hflint does not model (an unknown dtype name, a structured dtype) is not judged.
"""

from __future__ import annotations

import struct

from hflint.weights.msgpack_read import FIXED, SIGNED, SIZED, UNSIGNED, MsgpackError, Reader

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


class _NotJudged(Exception):
    """An inner value numpy would read in a way hflint does not model: no verdict."""


def array_problem(r: Reader) -> str | None:
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


def _shape(r: Reader) -> list[int] | None:
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


def _dtype(r: Reader) -> str:
    kind, _, value, _ = _inner(r, "the dtype name")
    if kind == "nil":
        return "float64"  # np.dtype(None)
    if kind == "bytes":
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else ""
    if kind in ("list", "map"):
        raise _NotJudged  # a structured dtype description
    raise MsgpackError("its dtype name is not a string (np.dtype fails)", "")


def _inner(r: Reader, what: str) -> tuple[str, int, int | bytes | None, int]:
    """One value of an array payload: (kind, items a list opens, value, bytes length)."""
    (b,) = r.take(1, what)
    if b <= 0x7F or b >= 0xE0:
        return "int", 0, b if b <= 0x7F else b - 0x100, 0
    if b in (0xCC, 0xCD, 0xCE, 0xCF):
        return "int", 0, struct.unpack(UNSIGNED[FIXED[b]], r.take(FIXED[b], what))[0], 0
    if b in SIGNED:
        return "int", 0, struct.unpack(SIGNED[b], r.take(FIXED[b], what))[0], 0
    if b == 0xC0:
        return "nil", 0, None, 0
    if 0x90 <= b <= 0x9F or b in (0xDC, 0xDD):
        count = (
            b & 0x0F
            if b <= 0x9F
            else struct.unpack(">H" if b == 0xDC else ">I", r.take(2 if b == 0xDC else 4, what))[0]
        )
        return "list", count, None, 0
    if 0xA0 <= b <= 0xBF or b in SIZED:
        if b in SIZED:
            width = SIZED[b][0]
            (n,) = struct.unpack(UNSIGNED[width], r.take(width, what))
        else:
            n = b & 0x1F
        if n <= 256:
            return "bytes", 0, r.take(n, what), n
        r.skip(n, what)
        return "bytes", 0, None, n
    if 0x80 <= b <= 0x8F or b in (0xDE, 0xDF):
        return "map", 0, None, 0
    return "other", 0, None, 0
