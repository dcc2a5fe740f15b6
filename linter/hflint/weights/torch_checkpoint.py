"""Tensor names and storage sizes of a ``torch.save`` checkpoint (pytorch_model*.bin), read
statically: never unpickled, torch never imported.

Two layouts exist (torch/serialization.py): the zip archive written since torch 1.6, whose
``<archive>/data.pkl`` member holds the state-dict pickle, and the legacy layout of four
consecutive pickles (magic number, protocol, sys info, then the object). Reads go through
``_Budget``, which refuses any read that would pass a fixed byte budget, so a forged zip
directory size or pickle length can neither allocate nor read gigabytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from hflint.weights.pickle_keys import Call, Dict, Global, PersId, Unreadable, run

READ_BUDGET = 64 * 1024 * 1024  # data.pkl of the largest real shards is a few MB
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C  # torch/serialization.py MAGIC_NUMBER
# Bytes per element of the storage classes torch.save names in persistent ids.
STORAGE_ITEM_BYTES = {
    "DoubleStorage": 8, "FloatStorage": 4, "HalfStorage": 2, "BFloat16Storage": 2,
    "LongStorage": 8, "IntStorage": 4, "ShortStorage": 2, "CharStorage": 1, "ByteStorage": 1,
    "BoolStorage": 1, "ComplexFloatStorage": 8, "ComplexDoubleStorage": 16,
    "QUInt8Storage": 1, "QInt8Storage": 1, "QInt32Storage": 4, "QUInt4x2Storage": 1,
    "QUInt2x4Storage": 1, "UntypedStorage": 1,
}  # fmt: skip


@dataclass(frozen=True)
class StateDictInfo:
    keys: tuple[str, ...]
    nbytes: int | None  # sum over distinct storages, as transformers computes total_size
    nbytes_unknown: str | None = None  # why nbytes is None
    # tensor -> shape, for values written as torch._utils._rebuild_tensor_v2(storage,
    # offset, size, stride, ...) (what torch.save writes for a plain tensor); others absent
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)


class _Budget(io.RawIOBase):
    """A read-only view of a file that refuses to read more than ``budget`` bytes in total."""

    def __init__(self, raw: BinaryIO, budget: int) -> None:
        self._raw, self._left = raw, budget

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:  # zipfile reads the end-of-archive record this way
            here = self._raw.tell()
            size = self._raw.seek(0, io.SEEK_END) - here
            self._raw.seek(here)
        if size > self._left:
            raise Unreadable(f"would read past hflint's {READ_BUDGET}-byte budget for pickles")
        data = self._raw.read(size)
        self._left -= len(data)
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        out = bytearray()
        while not out.endswith(b"\n"):
            chunk = self.read(1)
            if not chunk:
                break
            out += chunk
        return bytes(out)


def read_state_dict(fh: BinaryIO) -> StateDictInfo:
    """Keys of the top-level dict in a torch checkpoint; Unreadable says why not."""
    head = fh.read(4)
    fh.seek(0)
    budget = _Budget(fh, READ_BUDGET)
    if head.startswith(b"PK"):
        top = run(io.BytesIO(_data_pkl(budget)))
    elif head[:1] == b"\x80":
        if run(budget) != LEGACY_MAGIC:
            raise Unreadable("not a torch checkpoint: a pickle without torch's magic number")
        run(budget)  # protocol version
        run(budget)  # sys info
        top = run(budget)
    else:
        raise Unreadable("neither a zip archive nor a pickle")
    if not isinstance(top, Dict):
        raise Unreadable("the checkpoint's top-level object is not a dict")
    keys = []
    for key, _ in top.items:
        if not isinstance(key, str):
            raise Unreadable(f"the checkpoint has a non-string key ({type(key).__name__})")
        keys.append(key)
    nbytes, why = _storage_bytes(top)
    return StateDictInfo(tuple(keys), nbytes, why, _shapes(top))


def _data_pkl(budget: _Budget) -> bytes:
    try:
        with zipfile.ZipFile(budget) as archive:
            names = [n for n in archive.namelist() if n.endswith("data.pkl") and n.count("/") == 1]
            if len(names) != 1:
                raise Unreadable(f"zip archive has {len(names)} '<archive>/data.pkl' members, not 1")
            info = archive.getinfo(names[0])
            if info.file_size > READ_BUDGET:
                raise Unreadable(f"{names[0]} declares {info.file_size} bytes, over the budget")
            with archive.open(info) as member:
                data = member.read(READ_BUDGET + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            ValueError, EOFError, RuntimeError) as exc:
        raise Unreadable(f"not a readable zip archive: {exc}") from None
    if len(data) > READ_BUDGET:
        raise Unreadable("data.pkl inflates past the read budget")
    return data


def _storage_bytes(top: Dict) -> tuple[int | None, str | None]:
    """Bytes of every distinct storage the values reference (transformers' total_size)."""
    sizes: dict[object, int] = {}
    for name, value in top.items:
        pids = list(_persistent_ids(value))
        if not pids:
            return None, f"the value of {name!r} is not a tensor stored in the checkpoint"
        for pid in pids:
            if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
                return None, "a tensor's storage reference has an unexpected form"
            kind, key, numel = pid[1], pid[2], pid[4]
            item = STORAGE_ITEM_BYTES.get(kind.name) if isinstance(kind, Global) else None
            if item is None or type(numel) is not int:
                return None, f"storage type {kind!r} has no known element size"
            sizes[key] = numel * item  # tensors sharing a storage count it once
    return sum(sizes.values()), None


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
        elif isinstance(value, Call):
            stack += [value.func, value.args]
        elif isinstance(value, tuple | list):
            stack += list(value)
        elif isinstance(value, Dict):
            stack += [v for _, v in value.items]


_REBUILD = Global("torch._utils", "_rebuild_tensor_v2")


def _shapes(top: Dict) -> dict[str, tuple[int, ...]]:
    out: dict[str, tuple[int, ...]] = {}
    for name, value in top.items:
        if isinstance(name, str) and isinstance(value, Call) and value.func == _REBUILD:
            args = value.args
            size = args[2] if isinstance(args, tuple) and len(args) >= 3 else None
            if isinstance(size, tuple) and all(type(d) is int for d in size):
                out[name] = size
    return out
