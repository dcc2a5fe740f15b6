"""HF306 parity with the reference parser: hflint flags exactly the files that
``safetensors.safe_open`` rejects, plus the cases the format README forbids but the parser
accepts. Those spec-only cases are, explicitly:

* a header that does not begin with ``{`` (leading whitespace);
* header padding other than 0x20 spaces (tab, newline, carriage return);
* a tensor name given twice (the parser keeps the last entry);
* a ``__metadata__`` key given twice;
* a tensor entry written as a 3-item array (serde reads a struct from a sequence);
* a dtype written as ``{"F32": null}`` (serde reads a unit variant from a map).

Files are generated from a fixed seed (hypothesis, derandomized) and checked with both.
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import pytest
import safetensors  # a core dependency: the reference parser the parity is measured against
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hflint.weights import safetensors_format
from hflint.weights.safetensors_format import DTYPE_BITS, Header, read_header

SPEC_ONLY = {"leading-ws", "odd-padding", "dup-tensor", "dup-meta-key", "array-form", "dtype-map"}
PARSER_MUTATIONS = [
    "shift-begin", "shift-end", "shape", "dtype", "trailing", "truncate", "length-plus",
    "length-minus", "meta-int", "meta-null", "dup-metadata", "garbage", "negative",
    "float-offset", "minus-zero", "deep", "surrogate", "extra-field", "big-number",
    "swap-order", "unknown-dtype", "bool-shape", "offsets-3", "trailing-nul",
]  # fmt: skip
MUTATIONS = sorted(SPEC_ONLY) + PARSER_MUTATIONS
DTYPES = sorted(DTYPE_BITS)


def _safe_open_rejects(path: Path) -> bool:
    try:
        with safetensors.safe_open(str(path), "np") as f:
            list(f.keys())
    except Exception:
        return True
    return False


FAST_PATH_TAKEN: list[bool] = []


def _read_both_ways(path: Path) -> Header:
    """read_header, checked against the exact (serde-like) path alone: the C fast path for
    ordinary headers must never change a result."""
    with open(path, "rb") as fh:
        header = read_header(fh)
    with open(path, "rb") as fh, pytest.MonkeyPatch.context() as mp:
        mp.setattr(safetensors_format, "_fast_parse", lambda text, n, size: None)
        exact = read_header(fh)
    assert header == exact
    raw = path.read_bytes()[8 : 8 + header.length]
    try:
        fast = safetensors_format._fast_parse(raw.decode("utf-8"), header.length, path.stat().st_size)
        FAST_PATH_TAKEN.append(fast is not None)
    except UnicodeDecodeError:
        FAST_PATH_TAKEN.append(False)
    return header


@st.composite
def crafted(draw: st.DrawFn) -> tuple[bytes, bool]:
    """A safetensors file, valid or mutated; True when a spec-only mutation was applied."""
    count = draw(st.integers(0, 4))
    entries: list[list[object]] = []
    offset = 0
    for i in range(count):
        dtype = draw(st.sampled_from(DTYPES))
        shape = draw(st.lists(st.integers(0, 5), max_size=3))
        bits = DTYPE_BITS[dtype] * math.prod(shape)
        if bits % 8:
            shape = [*shape, 2] if DTYPE_BITS[dtype] % 2 == 0 else [*shape, 4]
            bits = DTYPE_BITS[dtype] * math.prod(shape)
        entries.append([f"t{i}", dtype, shape, [offset, offset + bits // 8]])
        offset += bits // 8
    data_len = offset
    mutations = draw(st.lists(st.sampled_from(MUTATIONS), max_size=2, unique=True))
    applied = set(mutations)
    if count == 0:  # these need a tensor entry to act on
        applied -= {"array-form", "dtype-map", "dup-tensor"}
    if "meta-null" in applied:  # __metadata__ is null, so no metadata key is duplicated
        applied.discard("dup-meta-key")
    spec = bool(SPEC_ONLY & applied)
    meta: list[tuple[str, str]] = [("format", "pt")] if draw(st.booleans()) else []
    pick = draw(st.integers(0, 1000))
    delta = draw(st.sampled_from([1, 2, 4, 8]))
    target = entries[pick % len(entries)] if entries else None

    if target is not None:
        if "shift-begin" in mutations:
            target[3] = [target[3][0] + delta, target[3][1]]  # type: ignore[index]
        if "shift-end" in mutations:
            target[3] = [target[3][0], target[3][1] + delta]  # type: ignore[index]
        if "shape" in mutations:
            target[2] = [*target[2], 2]  # type: ignore[misc]
        if "dtype" in mutations:
            target[1] = draw(st.sampled_from(DTYPES))
        if "unknown-dtype" in mutations:
            target[1] = draw(st.sampled_from(["f32", "F128", "E8M0", "FP4", "UE8", ""]))
    if "swap-order" in mutations:
        entries.reverse()

    def entry_json(e: list[object], index: int) -> str:
        _, dtype, shape, offs = e
        d = json.dumps(dtype)
        if "dtype-map" in mutations and index == 0:
            d = "{" + json.dumps(dtype) + ":null}"
        if "array-form" in mutations and index == 0:
            return f"[{d},{json.dumps(shape)},{json.dumps(offs)}]"
        s, o = json.dumps(shape), json.dumps(offs)
        if index == 0:
            if "negative" in mutations:
                o = f"[-1,{offs[1]}]"  # type: ignore[index]
            if "float-offset" in mutations:
                o = f"[{offs[0]}.0,{offs[1]}]"  # type: ignore[index]
            if "minus-zero" in mutations:
                o = f"[-0,{offs[1]}]"  # type: ignore[index]
            if "bool-shape" in mutations:
                s = "[true]"
            if "offsets-3" in mutations:
                o = f"[{offs[0]},{offs[1]},{offs[1]}]"  # type: ignore[index]
        extra = ""
        if index == 0 and "deep" in mutations:
            depth = draw(st.integers(120, 130))
            extra = ',"x":' + "[" * depth + "]" * depth
        if index == 0 and "surrogate" in mutations:
            extra += ',"y":"\\ud800"'
        if index == 0 and "extra-field" in mutations:
            extra += ',"z":{"k":[1,2.5,"s",null,true]}'
        if index == 0 and "big-number" in mutations:
            extra += ',"n":' + "9" * draw(st.sampled_from([20, 300, 320, 400]))
        return f'{{"dtype":{d},"shape":{s},"data_offsets":{o}{extra}}}'

    members = []
    if meta or "meta-int" in mutations or "meta-null" in mutations or "dup-meta-key" in mutations:
        body = ",".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in meta)
        if "meta-int" in mutations:
            body = (body + "," if body else "") + '"step":1'
        if "dup-meta-key" in mutations:
            body = (body + "," if body else "") + '"k":"1","k":"2"'
        members.append('"__metadata__":' + ("null" if "meta-null" in mutations else "{" + body + "}"))
        if "dup-metadata" in mutations:
            members.append('"__metadata__":{}')
    members += [f"{json.dumps(e[0])}:{entry_json(e, i)}" for i, e in enumerate(entries)]
    if "dup-tensor" in mutations and entries:
        members.append(f"{json.dumps(entries[-1][0])}:{entry_json(entries[-1], len(entries))}")
    header = "{" + ",".join(members) + "}"
    if "garbage" in mutations:
        cut = pick % (len(header) + 1)
        header = header[:cut] + draw(st.sampled_from(["}", ",", "\x01", '"', "\\"])) + header[cut:]
    if "leading-ws" in mutations:
        header = draw(st.sampled_from([" ", "\n", "\t ", "\r\n"])) + header
    raw = header.encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    if "odd-padding" in mutations:
        raw += draw(st.sampled_from([b"\t", b"\n", b"\r", b"\n  "]))
    if "trailing-nul" in mutations:
        raw += b"\x00"
    n = len(raw)
    if "length-plus" in mutations:
        n += delta
    if "length-minus" in mutations:
        n = max(0, n - delta)
    data = bytes(data_len)
    if "trailing" in mutations:
        data += b"\x00" * delta
    if "truncate" in mutations:
        data = data[: max(0, len(data) - delta)]
    return struct.pack("<Q", n) + raw + data, spec


@settings(
    max_examples=600,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=crafted())
def test_hflint_flags_exactly_what_safe_open_rejects_plus_spec_cases(case: tuple[bytes, bool], tmp_path: Path) -> None:
    blob, spec = case
    path = tmp_path / "x.safetensors"
    path.write_bytes(blob)
    rejects = _safe_open_rejects(path)
    header = _read_both_ways(path)
    assert header.parser_rejects == rejects, (blob[:300], header.problems)
    assert bool(header.problems) == (rejects or spec), (blob[:300], header.problems)


# Hand-picked edge cases, each checked against safe_open as well: (header text, data bytes,
# spec-only?). These are the boundaries found while reading tensor.rs and serde.
_F32 = '{"dtype":"F32","shape":[1],"data_offsets":[0,4]}'  # one valid 4-byte tensor entry
EDGES = [
    ('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4, False),
    ('{"__metadata__":null}', 0, False),
    ('{"a":["F32",[1],[0,4]]}', 4, True),
    ('{"a":{"dtype":{"F32":null},"shape":[1],"data_offsets":[0,4]}}', 4, True),
    ('{"a":{"dtype":{"F32":[]},"shape":[1],"data_offsets":[0,4]}}', 4, False),
    ('{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4, False),
    ('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1,"x":2}}', 4, False),
    ('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":' + "[" * 125 + "]" * 125 + "}}", 4, False),
    ('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":' + "[" * 126 + "]" * 126 + "}}", 4, False),
    ('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1e400}}', 4, False),
    ('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1e-400}}', 4, False),
    ('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":NaN}}', 4, False),
    ('{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}', 4, False),
    (
        '{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}',
        4,
        False,
    ),
    (
        '{"b":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}',
        0,
        False,
    ),
    ('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551615]}}', 4, False),
    ('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551616]}}', 4, False),
    ('{"\\u005f_metadata__":{"k":"v"}}', 0, False),
    ('{"__metadata__":{},"__metadata__":{}}', 0, False),
    ('{"a":' + _F32 + ',"a":' + _F32 + '}', 4, True),
    ('{"a" :' + _F32 + ',"a":' + _F32 + '}', 4, True),
    ('{"__metadata__":{"k":"v\\":","k":"w"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4, True),
    ('{"__metadata__":{"k":"v\\":"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4, False),
    ('{"a":{"data_offsets":[0,4],"shape":[1],"dtype":"F32"}}', 4, False),
    ('{"\\u005f_metadata__":null,"a":' + _F32 + ',"a":' + _F32 + "}", 4, True),
    ('{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,0],"data_offsets":[0,0]},"b":' + _F32 + "}",
     4, False),
    ('{"a":{"dtype":"F32","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}', 0, False),
    ('{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}}', 1, False),
    ('{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"b":' + _F32 + '}', 4, False),
    ('{"a":{"dtype":"F32","shape":[-0],"data_offsets":[0,0]}}', 0, False),
    ('{"a-0":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4, False),
    ('{"\\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4, False),
    ("{}\x0c", 0, False),
    ("\ufeff{}", 0, False),
    ("", 0, False),
    ("[]", 0, False),
]


@pytest.mark.parametrize(("header", "data", "spec"), EDGES)
def test_edge_cases_match_safe_open(header: str, data: int, spec: bool, tmp_path: Path) -> None:
    raw = header.encode("utf-8")
    path = tmp_path / "x.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + bytes(data))
    rejects = _safe_open_rejects(path)
    parsed = _read_both_ways(path)
    assert parsed.parser_rejects == rejects, parsed.problems
    assert bool(parsed.problems) == (rejects or spec), parsed.problems


def test_fast_path_is_exercised_by_the_corpus() -> None:
    """Runs after the corpus tests above (file order): both paths were really compared."""
    taken = FAST_PATH_TAKEN.count(True)
    assert taken >= 50 and len(FAST_PATH_TAKEN) - taken >= 50, (taken, len(FAST_PATH_TAKEN))
