"""The layout of a pickled numpy dtype, as numpy rebuilds it: its item size and whether it
holds Python objects (``dtype.hasobject``), which decides what joblib reads after an array
wrapper: raw bytes, or a nested pickle stream (joblib/numpy_pickle.py ``read_array``).

numpy pickles a dtype as ``numpy.dtype(descr, False, True)`` and a BUILD with the state of
``dtype.__reduce__`` (numpy/_core/src/multiarray/descriptor.c ``arraydescr_reduce``):
``(version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])``.
``descr`` is the kind and item size (``f8``, ``V12``; ``U3`` counts characters). On
``__setstate__`` numpy 2 takes ``hasobject`` from the pickled ``flags`` (NPY_ITEM_HASOBJECT,
bit 0), not from the fields, and a flexible dtype's (S, U, V) size from ``elsize``. So the
object flag is derived twice, from the flags and from the kind, fields and subarray, and a
dtype where the two disagree is refused: what follows it would depend on numpy's version.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from hflint.pickles.readers import Unreadable
from hflint.pickles.values import GlobalRef, Obj, SymDict

NUMPY_DTYPE = GlobalRef("numpy", "dtype")
HASOBJECT = 0x01  # NPY_ITEM_HASOBJECT (numpy/ndarraytypes.h)
FLEXIBLE = frozenset("SUVa")  # kinds whose size the state's elsize sets
MAX_DEPTH = 32  # structured dtypes nested in each other
_DESCR = re.compile(r"^[<>|=]?([a-zA-Z])(\d*)$")


class Layout(NamedTuple):
    itemsize: int
    hasobject: bool


def layout(dtype: Any, depth: int = 0) -> Layout:
    """The layout numpy gives ``dtype`` (a value of the walk); Unreadable when it cannot be
    derived statically (a dtype built some other way, a state numpy versions read apart)."""
    if depth > MAX_DEPTH:
        raise Unreadable(f"dtype nested more than {MAX_DEPTH} deep")
    args = dtype.args if isinstance(dtype, Obj) and dtype.cls == NUMPY_DTYPE else None
    descr = args[0] if isinstance(args, tuple) and args else None
    m = _DESCR.match(descr) if isinstance(descr, str) else None
    if m is None:
        raise Unreadable("array dtype is not a numpy.dtype(descr) the walk can read")
    kind = m.group(1)
    size = int(m.group(2) or 0) * (4 if kind == "U" else 1)
    derived = kind == "O"
    state = dtype.state
    if state is None:
        return Layout(size, derived)
    if not isinstance(state, tuple) or len(state) not in (8, 9) or state[0] not in (3, 4):
        raise Unreadable(f"dtype {descr!r} has a state that is not numpy's version 3 or 4 layout")
    _, _, subarray, _, fields, elsize, _, flags = state[:8]
    if subarray is not None:
        if not isinstance(subarray, tuple) or len(subarray) != 2:
            raise Unreadable(f"dtype {descr!r} has a subarray that is not (dtype, shape)")
        derived |= layout(subarray[0], depth + 1).hasobject
    if fields is not None:
        if not isinstance(fields, SymDict) or fields.unmodelled:
            raise Unreadable(f"dtype {descr!r} has fields the walk cannot read")
        for value in fields.values():
            if not isinstance(value, tuple) or len(value) < 2:
                raise Unreadable(f"dtype {descr!r} has a field that is not (dtype, offset)")
            derived |= layout(value[0], depth + 1).hasobject
    if not _int(flags) or not _int(elsize):
        raise Unreadable(f"dtype {descr!r} has flags or a size that are not integers")
    if bool(flags & HASOBJECT) != derived:
        raise Unreadable(f"dtype {descr!r}: its pickled object flag says {bool(flags & HASOBJECT)}, its fields say "
                         f"{derived}; numpy versions read such an array differently")
    if kind in FLEXIBLE and elsize != -1:
        size = elsize
    if size < 0:
        raise Unreadable(f"dtype {descr!r} has a negative size")
    return Layout(size, derived)


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
