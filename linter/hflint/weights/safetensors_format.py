"""Read and validate a safetensors header exactly as the reference Rust parser does.

Source of the rules: huggingface/safetensors ``safetensors/src/tensor.rs``
(``SafeTensors::read_metadata``, ``HashMetadata``, ``TensorInfo``, ``Metadata::validate``,
``Dtype::bitsize``), checked against safetensors 0.8.0 on crafted files (see
``tests/test_weights_parity.py``). Only the 8-byte length and the header are read; the data
section is never touched, so a 4 GB shard costs one small read.

Every problem carries a ``source``:

* ``parser``: ``safetensors.safe_open`` rejects the file (the loader fails);
* ``spec``: the format README forbids it but the Rust parser tolerates it (duplicate keys,
  a header not starting with ``{``, padding other than spaces, non-canonical entry forms);
* ``limit``: the header is larger than the 25 MB that huggingface_hub and huggingface.js
  accept (``SAFETENSORS_MAX_HEADER_LENGTH``); hflint does not parse it either, which keeps
  memory bounded.

Ordinary headers are first offered to a C-speed fast path (hflint.weights.safetensors_fast)
that can only prove a header valid; everything else is parsed here, serde's way.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

from hflint.jsonfile import pointer
from hflint.weights import serde_json
from hflint.weights.safetensors_fast import parse_ordinary as _fast_parse
from hflint.weights.safetensors_spec import (
    DTYPE_BITS,
    FIELDS,
    HUB_MAX_HEADER_SIZE,
    MAX_HEADER_SIZE,
    METADATA_KEY,
    Header,
    Problem,
    Source,
    TensorInfo,
)
from hflint.weights.serde_json import U64_MAX, Obj, kind, show, usize_list

__all__ = [
    "DTYPE_BITS", "FIELDS", "HUB_MAX_HEADER_SIZE", "MAX_HEADER_SIZE", "METADATA_KEY",
    "Header", "Problem", "Source", "TensorInfo", "parse_header", "read_header",
]  # fmt: skip

def _p(message: str, ptr: str | None = None) -> Problem:
    return Problem("parser", message, ptr)


def _broken(n: int, size: int, message: str, *extra: Problem) -> Header:
    return Header(n, size, None, None, (_p(message), *extra))


def read_header(fh: BinaryIO) -> Header:
    """Read the length prefix and, bounded by it, the header of an open safetensors file."""
    size = fh.seek(0, os.SEEK_END)  # not fstat: a file on the Hub has no descriptor
    fh.seek(0)
    prefix = fh.read(8)
    if len(prefix) < 8:
        return _broken(0, size, f"file is {size} bytes, too small for the 8-byte length prefix")
    (n,) = struct.unpack("<Q", prefix)
    # Both checks come before any read: a length of 2**63 is a finding, not an allocation.
    if n > MAX_HEADER_SIZE:
        return _broken(n, size, f"declared header length {n} is over the parser's limit of "
                       f"{MAX_HEADER_SIZE} bytes (header too large)")
    if n + 8 > size:
        return _broken(n, size, f"declared header length {n} runs past the end of the "
                       f"{size}-byte file (invalid header length)")
    if n > HUB_MAX_HEADER_SIZE:
        msg = (f"header is {n} bytes; huggingface_hub and the Hub refuse headers over "
               f"{HUB_MAX_HEADER_SIZE} bytes, and hflint does not parse it")
        return Header(n, size, None, None, (Problem("limit", msg),))
    return parse_header(fh.read(n), n, size)


def parse_header(raw: bytes, n: int, size: int) -> Header:
    spec = _spec_text_problems(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _broken(n, size, f"invalid UTF-8 in header at byte {exc.start}", *spec)
    if not spec and (fast := _fast_parse(text, n, size)) is not None:
        return fast
    return _parse_exactly(text, n, size, spec)


def _parse_exactly(text: str, n: int, size: int, spec: list[Problem]) -> Header:
    """Every case, serde's way: member lists, duplicates, odd entry forms, exact errors."""
    try:
        doc = serde_json.loads(text, skip=FIELDS)
    except serde_json.JsonError as exc:
        return _broken(n, size, f"invalid JSON in header: {exc}", *spec)
    return _deserialise(doc, n, size, spec)


def _spec_text_problems(raw: bytes) -> list[Problem]:
    """What the format README requires of the header bytes but the parser does not check."""
    out = []
    if not raw.startswith(b"{"):
        out.append(Problem("spec", "header does not begin with '{' as the format requires"))
    body = raw.rstrip(b" ")
    if body != body.rstrip(b" \t\r\n"):
        out.append(Problem("spec", "header is padded with characters other than spaces (0x20)"))
    return out


def _deserialise(doc: object, n: int, size: int, problems: list[Problem]) -> Header:
    """serde's HashMetadata: ``__metadata__`` (string map or null) plus flattened tensors."""
    if not isinstance(doc, Obj):
        return _broken(n, size, f"header is a JSON {kind(doc)}, not an object", *problems)
    metadata: dict[str, str] | None = None
    tensors: dict[str, TensorInfo] = {}
    seen: set[str] = set()
    fatal = False
    for name, value in doc:
        if name in seen and name == METADATA_KEY:
            problems.append(_p("duplicate field `__metadata__`", pointer(name)))
            fatal = True
        elif name in seen:
            msg = f"duplicate tensor name {name!r}; the parser silently keeps the last entry"
            problems.append(Problem("spec", msg, pointer(name)))
        seen.add(name)
        if name == METADATA_KEY:
            metadata, found = _metadata(value)
        else:
            info, found = _tensor(value, name)
            if info is not None:
                tensors[name] = info
        if found:  # empty for every valid tensor: skip the generator (hot loop)
            problems += found
            fatal = fatal or any(p.source == "parser" for p in found)
    if fatal:
        return Header(n, size, None, metadata, tuple(problems))
    problems += _validate(tensors, n, size)
    return Header(n, size, tensors, metadata, tuple(problems))


def _metadata(value: object) -> tuple[dict[str, str] | None, list[Problem]]:
    if value is None:
        return None, []
    if not isinstance(value, Obj):
        msg = f"__metadata__ is a JSON {kind(value)}, not a map of strings"
        return None, [_p(msg, pointer(METADATA_KEY))]
    out: dict[str, str] = {}
    problems = []
    for key, item in value:
        where = pointer(METADATA_KEY, key)
        if key in out:
            problems.append(Problem("spec", f"duplicate __metadata__ key {key!r}", where))
        if isinstance(item, str):
            out[key] = item
        else:
            msg = f"__metadata__[{key!r}] is a JSON {kind(item)}, not a string"
            problems.append(_p(msg, where))
    return out, problems


def _tensor(value: object, name: str) -> tuple[TensorInfo | None, list[Problem]]:
    """serde's derived TensorInfo: a map with the three fields, or a 3-element sequence."""
    if isinstance(value, Obj) and len(value) == 3:  # the canonical entry, checked fast
        (k0, dtype), (k1, shape), (k2, offsets) = value
        if ((k0, k1, k2) == FIELDS and isinstance(dtype, str) and dtype in DTYPE_BITS
                and usize_list(shape) and usize_list(offsets) and len(offsets) == 2):
            return TensorInfo(dtype, tuple(shape), offsets[0], offsets[1]), []
    ptr = pointer(name)
    problems: list[Problem] = []
    fields: dict[str, object] = {}
    if isinstance(value, Obj):
        for key, item in value:  # unknown keys are ignored by serde, and so here
            if key in FIELDS and key in fields:
                return None, [_p(f"duplicate field `{key}` in tensor entry", ptr)]
            if key in FIELDS:
                fields[key] = item
        missing = [f for f in FIELDS if f not in fields]
        if missing:
            return None, [_p(f"tensor entry has no `{missing[0]}`", ptr)]
    elif isinstance(value, list):
        if len(value) != 3:
            return None, [_p(f"tensor entry is an array of {len(value)} items", ptr)]
        problems.append(Problem("spec", "tensor entry is an array, not an object", ptr))
        fields = dict(zip(FIELDS, value, strict=True))
    else:
        return None, [_p(f"tensor entry is a JSON {kind(value)}, not an object", ptr)]
    dtype = fields["dtype"]
    if isinstance(dtype, Obj) and len(dtype) == 1 and dtype[0][1] is None:
        dtype = dtype[0][0]  # serde also reads a unit enum variant from {"F32": null}
        problems.append(Problem("spec", "dtype is an object, not a string", f"{ptr}/dtype"))
    if not isinstance(dtype, str) or dtype not in DTYPE_BITS:
        return None, [_p(f"unknown dtype {show(dtype)}", f"{ptr}/dtype")]
    shape, offsets = fields["shape"], fields["data_offsets"]
    if not usize_list(shape):
        return None, [_p(f"shape {show(shape)} is not a list of sizes", f"{ptr}/shape")]
    if not usize_list(offsets) or len(offsets) != 2:
        msg = f"data_offsets {show(offsets)} is not a [begin, end] pair"
        return None, [_p(msg, f"{ptr}/data_offsets")]
    return TensorInfo(dtype, tuple(shape), offsets[0], offsets[1]), problems


def _validate(tensors: dict[str, TensorInfo], n: int, size: int) -> list[Problem]:
    """Metadata::validate, then read_metadata's end-of-file check."""
    problems: list[Problem] = []
    start = 0
    chain_ok = True
    # Rust sorts the entries by data_offsets (a stable sort) and walks them from offset 0.
    for name, info in sorted(tensors.items(), key=lambda item: (item[1].begin, item[1].end)):
        if chain_ok and (info.begin != start or info.end < info.begin):
            if info.end < info.begin:
                why = f"ends at {info.end}, before its start {info.begin}"
            elif info.begin > start:
                why = f"starts at {info.begin}, leaving a {info.begin - start}-byte hole before it"
            else:
                why = f"starts at {info.begin}, inside the previous tensor (which ends at {start})"
            msg = f"invalid offset for {name!r}: {why}"
            problems.append(_p(msg, pointer(name, "data_offsets")))
            chain_ok = False  # the parser stops here; the later chain is not meaningful
        start = info.end
        problems += _size_problems(name, info)
    if not problems and 8 + n + start != size:
        gap = size - (8 + n + start)
        why = (f"{gap} bytes after the last tensor are not covered by any tensor" if gap > 0
               else f"the file is {-gap} bytes short of the last tensor's end (truncated?)")
        problems.append(_p(f"file is {size} bytes but the header describes {8 + n + start}: {why}"))
    return problems


def _size_problems(name: str, info: TensorInfo) -> list[Problem]:
    nelements = 1
    for dim in info.shape:
        nelements *= dim
        if nelements > U64_MAX:  # usize::checked_mul, applied dimension by dimension
            msg = f"{name!r}: shape {list(info.shape)} overflows 64 bits"
            return [_p(msg, pointer(name, "shape"))]
    nbits = nelements * DTYPE_BITS[info.dtype]
    if nbits > U64_MAX:
        msg = f"{name!r}: {nelements} x {info.dtype} overflows 64 bits"
        return [_p(msg, pointer(name, "shape"))]
    if nbits % 8:
        msg = f"{name!r}: {nelements} x {info.dtype} is {nbits} bits, not a whole number of bytes"
        return [_p(msg, pointer(name, "shape"))]
    if nbits // 8 != info.nbytes:
        msg = (f"{name!r}: shape {list(info.shape)} of {info.dtype} needs {nbits // 8} bytes "
               f"but data_offsets span {info.nbytes}")
        return [_p(msg, pointer(name, "data_offsets"))]
    return []
