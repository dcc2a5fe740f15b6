"""The state-dict view of a ``torch.save`` checkpoint, from the same opcode walk the pickle
rules vet: tensor names, storage bytes and shapes, never unpickled, torch never imported.

torch/serialization.py writes two layouts: the zip archive (torch >= 1.6), whose
``<archive>/data.pkl`` member is the pickled object, and the legacy one of consecutive
pickles (magic number, protocol, sys info, then the object). A state dict is a dict (or
``OrderedDict()`` then SETITEMS) of ``torch._utils._rebuild_tensor_v2(storage, offset,
size, stride, ...)`` calls whose storage is a persistent id ``('storage', <storage class>,
key, location, numel)``. hflint.pickles.analysis finds the object; this module reads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from hflint.pickles.values import GlobalRef, Obj, PersId, SymDict

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C  # torch/serialization.py MAGIC_NUMBER
# Bytes per element of the storage classes torch.save names (torch._utils._element_size).
STORAGE_BYTES = {
    "DoubleStorage": 8, "FloatStorage": 4, "HalfStorage": 2, "BFloat16Storage": 2,
    "LongStorage": 8, "IntStorage": 4, "ShortStorage": 2, "CharStorage": 1, "ByteStorage": 1,
    "BoolStorage": 1, "ComplexFloatStorage": 8, "ComplexDoubleStorage": 16,
    "QUInt8Storage": 1, "QInt8Storage": 1, "QInt32Storage": 4, "QUInt4x2Storage": 1,
    "QUInt2x4Storage": 1, "UntypedStorage": 1,
}  # fmt: skip
_REBUILD = GlobalRef("torch._utils", "_rebuild_tensor_v2")


class StateDictInfo(NamedTuple):
    keys: tuple[str, ...]
    nbytes: int | None  # sum over distinct storages, as transformers computes total_size
    nbytes_unknown: str | None  # why nbytes is None
    # tensor -> shape, for values written as _rebuild_tensor_v2(storage, offset, size, ...)
    shapes: dict[str, tuple[int, ...]]
    storages: int = 0  # distinct storages (fewer than keys: some tensors share one, e.g. tied weights)


class NoStateDict(NamedTuple):
    """Why a file's tensor names cannot be read; ``from_problem``: an HF403 problem says it."""

    reason: str
    from_problem: bool = False


def not_checkpoint(content: str | None) -> NoStateDict:
    return NoStateDict(f"{content + ' content is ' if content else ''}neither a zip archive nor a pickle")


def view(top: Any) -> StateDictInfo | NoStateDict:
    """The state-dict view of the object a checkpoint pickles."""
    if not isinstance(top, SymDict):
        return NoStateDict("the checkpoint's top-level object is not a dict")
    if top.unmodelled:
        return NoStateDict(f"the checkpoint has {top.unmodelled} key(s) that are not plain strings")
    keys = tuple(top)
    if not all(type(key) is str for key in keys):
        key = next(key for key in keys if type(key) is not str)
        return NoStateDict(f"the checkpoint has a non-string key ({type(key).__name__})")
    shapes: dict[str, tuple[int, ...]] = {}
    sizes: dict[object, int] = {}  # storage key -> bytes: tensors sharing a storage count it once
    why: str | None = None
    for name, value in top.items():
        args = value.args if isinstance(value, Obj) and value.cls == _REBUILD else None
        if isinstance(args, tuple) and len(args) >= 3:  # the usual value: one rebuilt tensor
            size = args[2]
            if isinstance(size, tuple) and all(type(d) is int for d in size):
                shapes[name] = size
            pids = [args[0].pid] if isinstance(args[0], PersId) else list(_persistent_ids(value))
        else:
            pids = list(_persistent_ids(value))
        if why is None:
            why = _count(name, pids, sizes)
    return StateDictInfo(keys, None if why else sum(sizes.values()), why, shapes, len(sizes))


def _count(name: str, pids: list[object], sizes: dict[object, int]) -> str | None:
    """Add the bytes of each storage ``pids`` names to ``sizes``; or why they are unknown."""
    if not pids:
        return f"the value of {name!r} is not a tensor stored in the checkpoint"
    for pid in pids:
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            return "a tensor's storage reference has an unexpected form"
        kind, key, numel = pid[1], pid[2], pid[4]
        item = STORAGE_BYTES.get(kind.name) if isinstance(kind, GlobalRef) else None
        if item is None or type(numel) is not int:
            return f"storage type {kind!r} has no known element size"
        try:
            sizes[key] = numel * item
        except TypeError:  # an unhashable key: the walk kept a list or dict there
            return "a tensor's storage key is not a string"
    return None


def _persistent_ids(value: object) -> Iterator[object]:
    seen: set[int] = set()
    stack: list[object] = [value]
    while stack:
        value = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, PersId):
            yield value.pid
        elif isinstance(value, Obj):
            stack += [value.cls, value.args]
        elif isinstance(value, tuple | list):
            stack += list(value)
        elif isinstance(value, dict):
            stack += list(value.values())
