"""hflint's walk of Flax msgpack state dicts against the real msgpack unpacker (the reference,
as flax.serialization.from_bytes calls it): on files written as flax writes them and on every
truncation and many byte flips of them, the walk refuses exactly what the unpacker and
flax's array rebuild refuse (tests the whole class, not a list of fixtures)."""

from __future__ import annotations

import io
import struct
import time
from typing import Any

import msgpack  # type: ignore[import-untyped]
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hflint.weights.msgpack_walk import ITEM_SIZES, LimitReached, MsgpackError, walk

DTYPES = ["float32", "float16", "int32", "int64", "uint8", "bool", "float64", "complex64", "int8"]


def _ext(x: Any) -> Any:
    """flax.serialization._msgpack_ext_pack: arrays as ext 1, numpy scalars as ext 3."""
    if isinstance(x, np.ndarray):
        return msgpack.ExtType(1, msgpack.packb((x.shape, x.dtype.name, x.tobytes("C")), use_bin_type=True))
    if isinstance(x, np.generic):
        arr = np.asarray(x)
        return msgpack.ExtType(3, msgpack.packb((arr.shape, arr.dtype.name, arr.tobytes("C")), use_bin_type=True))
    return x


def flax_bytes(tree: dict[str, Any]) -> bytes:
    """What flax.serialization.msgpack_serialize writes for a tree of numpy leaves."""
    return bytes(msgpack.packb(tree, default=_ext, strict_types=True))


class Unjudged(Exception):
    """The loader fails on a dtype name hflint does not know: the walk does not judge it."""


def flax_restore(data: bytes) -> Any:
    """flax.serialization.msgpack_restore (with numpy standing in for jax's bfloat16), plus
    transformers' need for a map at the top."""

    def hook(code: int, payload: bytes) -> Any:
        if code in (1, 3):
            shape, name, buffer = msgpack.unpackb(payload, raw=True)
            if name is None:
                name = b"float64"  # np.dtype(None)
            if not isinstance(name, bytes):
                raise Unjudged(repr(name))  # np.dtype of a list or a dict: a structured dtype
            text = name.decode("utf-8", "replace")
            if text not in ITEM_SIZES:
                raise Unjudged(text)
            dtype = np.dtype("uint16") if text == "bfloat16" else np.dtype(text)
            arr = np.frombuffer(buffer, dtype=dtype, count=-1, offset=0).reshape(shape, order="C")
            return arr[()] if code == 3 else arr
        if code == 2:  # a native complex: its payload is not judged by the walk
            raise Unjudged("complex")
        return msgpack.ExtType(code, payload)

    tree = msgpack.unpackb(data, ext_hook=hook, raw=False)
    if not isinstance(tree, dict):
        raise ValueError("not a state dict")
    return tree


def loads(data: bytes) -> bool | None:
    """The reference verdict: True loads, False fails, None not judged by the walk."""
    try:
        flax_restore(data)
    except Unjudged:
        return None
    except Exception:  # any unpacker or rebuild failure is a failed load
        return False
    return True


def walks(data: bytes) -> bool:
    try:
        walk(io.BytesIO(data), len(data))
    except MsgpackError:
        return False
    return True


_NAMES = st.text(alphabet="abcdefgé_.0123456789", min_size=1, max_size=12)


@st.composite
def arrays(draw: st.DrawFn) -> Any:
    dtype = draw(st.sampled_from(DTYPES))
    shape = tuple(draw(st.lists(st.integers(0, 5), max_size=3)))
    arr = np.zeros(shape, dtype=dtype)
    return arr if draw(st.integers(0, 5)) else arr.reshape(-1)[:1].sum(dtype=dtype) if arr.size else np.float32(1.5)


TREES = st.recursive(
    st.dictionaries(_NAMES, arrays(), max_size=4),
    lambda children: st.dictionaries(_NAMES, st.one_of(children, arrays()), max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(TREES, st.data())
def test_the_walk_refuses_what_the_unpacker_refuses(tree: dict[str, Any], data: st.DataObject) -> None:
    blob = flax_bytes(tree)
    assert loads(blob) is True
    assert walks(blob)
    cuts = [data.draw(st.integers(0, len(blob) - 1)) for _ in range(4)]
    variants = [blob[:cut] for cut in cuts]
    for _ in range(6):
        at = data.draw(st.integers(0, len(blob) - 1))
        variants.append(blob[:at] + bytes([data.draw(st.integers(0, 255))]) + blob[at + 1 :])
    variants.append(blob + b"\x00")
    for variant in variants:
        verdict = loads(variant)
        if verdict is not None:
            assert walks(variant) == verdict, variant.hex()


def test_every_truncation_of_a_real_layout_is_refused() -> None:
    tree = {
        "params": {
            "embeddings": {"word_embeddings": {"embedding": np.ones((30, 8), "float32")}},
            "encoder": {
                str(i): {"kernel": np.ones((8, 8), "float16"), "bias": np.zeros(8, "float32")} for i in range(3)
            },
        }
    }
    blob = flax_bytes(tree)
    assert walks(blob)
    for cut in range(len(blob)):
        assert not walks(blob[:cut]), cut
        assert loads(blob[:cut]) is False


@pytest.mark.parametrize(("depth", "ok"), [(1023, True), (1024, True), (1025, False)])
@pytest.mark.parametrize("leaf", [b"\xc0", b"\x80", b"\x90"])
def test_nesting_bound_is_the_unpackers(depth: int, ok: bool, leaf: bytes) -> None:
    """msgpack's C unpacker holds 1024 nested containers, an empty one at the bottom included."""
    levels = depth if leaf == b"\xc0" else depth - 1
    blob = b"\x81\xa1k" * levels + leaf
    assert loads(blob) is ok
    assert walks(blob) is ok


@pytest.mark.parametrize(
    ("blob", "words"),
    [
        (b"", "empty"),
        (b"\x91\x80", "top level is a list"),
        (b"\x81\x01\x80", "map key is an integer"),
        (b"\x81\xa1a\xc1", "0xc1"),
        (b"\x81\xa1\xff\x80", "not valid UTF-8"),
        (b"\x81\xa1a\x80\x00", "1 bytes follow"),
        (b"\x81\xa1a\xd7\xff" + struct.pack(">Q", 0x3FFFFFFF << 34), "nanoseconds"),
        (b"\x81\xa1a\xd4\x80\x00", "reserved type -128"),
    ],
)
def test_each_defect_is_named(blob: bytes, words: str) -> None:
    assert loads(blob) is False
    with pytest.raises(MsgpackError, match=words):
        walk(io.BytesIO(blob), len(blob))


def test_a_count_larger_than_the_file_is_refused_at_once() -> None:
    blob = b"\x81\xa1a\xdd\xff\xff\xff\xff" + b"\xc0" * 100
    start = time.perf_counter()
    with pytest.raises(MsgpackError, match="claims 4,294,967,295 objects"):
        walk(io.BytesIO(blob), len(blob))
    assert time.perf_counter() - start < 1.0  # one comparison, not a loop over the claim


def test_array_buffer_of_the_wrong_size_is_refused() -> None:
    inner = msgpack.packb(((4, 4), "float32", b"\x00" * 60), use_bin_type=True)
    blob = msgpack.packb({"w": msgpack.ExtType(1, inner)})
    assert loads(blob) is False
    with pytest.raises(MsgpackError, match=r"shape \[4, 4\] needs 16 float32 items, its buffer holds 15"):
        walk(io.BytesIO(blob), len(blob))


def test_tensor_bytes_are_skipped_not_read() -> None:
    """A 64 MB array costs a few header reads: the walk seeks over the buffer."""

    class Counting(io.BytesIO):
        taken = 0

        def read(self, n: int | None = -1) -> bytes:
            out = super().read(n)
            Counting.taken += len(out)
            return out

    blob = flax_bytes({"params": {"big": np.zeros((4096, 4096), "float32"), "small": np.ones(3, "float32")}})
    summary = walk(Counting(blob), len(blob))
    assert summary.arrays == 2
    assert Counting.taken < 300_000


def test_object_budget_is_a_limit_not_a_verdict() -> None:
    blob = flax_bytes({str(i): np.zeros(1, "float32") for i in range(50)})
    with pytest.raises(LimitReached):
        walk(io.BytesIO(blob), len(blob), max_objects=20)


def test_a_file_built_to_stall_the_walk_hits_its_time_budget() -> None:
    """Millions of one-byte objects (empty lists) cost a microsecond each: the walk stops at
    its time budget, a limit (reported as not analysed), not a verdict and not a stall."""
    count = 5_000_000
    blob = b"\x81\xa1a\xdd" + count.to_bytes(4, "big") + b"\x90" * count
    with pytest.raises(LimitReached, match="time budget"):
        walk(io.BytesIO(blob), len(blob), max_seconds=0.05)


def test_a_file_shorter_than_listed_is_an_error_not_a_crash() -> None:
    """The size comes from the listing; a file that shrank before it was read ends early."""
    blob = flax_bytes({"params": {"w": np.zeros(4, "float32")}})
    for cut in range(len(blob)):
        with pytest.raises(MsgpackError):
            walk(io.BytesIO(blob[:cut]), len(blob))
