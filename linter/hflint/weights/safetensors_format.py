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
"""

from __future__ import annotations

import json
import os
import re
import struct
from itertools import chain, repeat
from math import prod
from operator import floordiv, itemgetter, mod, mul, sub
from typing import Any, BinaryIO, Literal, NamedTuple

from hflint.jsonfile import pointer
from hflint.weights import serde_json
from hflint.weights.serde_json import U64_MAX, Obj, kind, show, usize_list

_SPACED_KEY_END = re.compile(r'"[ \t\r\n]+:')
MAX_HEADER_SIZE = 100_000_000  # tensor.rs MAX_HEADER_SIZE
HUB_MAX_HEADER_SIZE = 25_000_000  # huggingface_hub constants.SAFETENSORS_MAX_HEADER_LENGTH
METADATA_KEY = "__metadata__"
FIELDS = ("dtype", "shape", "data_offsets")

# tensor.rs Dtype::bitsize; the names are case-sensitive serde variants.
DTYPE_BITS: dict[str, int] = {
    "BOOL": 8, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6, "U8": 8, "I8": 8,
    "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8, "F8_E4M3FNUZ": 8, "F8_E5M2FNUZ": 8,
    "I16": 16, "U16": 16, "F16": 16, "BF16": 16, "I32": 32, "U32": 32, "F32": 32,
    "C64": 64, "F64": 64, "I64": 64, "U64": 64,
}  # fmt: skip

Source = Literal["parser", "spec", "limit"]


class Problem(NamedTuple):
    source: Source
    message: str
    pointer: str | None = None  # JSON pointer into the header, e.g. /w/data_offsets


class TensorInfo(NamedTuple):
    """One header entry. A NamedTuple, not a dataclass: the fast path builds hundreds per
    header with ``tuple.__new__`` at C speed."""

    dtype: str
    shape: tuple[int, ...]
    begin: int
    end: int

    @property
    def nbytes(self) -> int:
        return self.end - self.begin


class Header(NamedTuple):
    """What a header says; ``tensors`` is None when the parser could not deserialise it."""

    length: int  # N, the declared header size
    file_size: int
    tensors: dict[str, TensorInfo] | None
    metadata: dict[str, str] | None
    problems: tuple[Problem, ...]

    @property
    def parser_rejects(self) -> bool:
        return any(p.source == "parser" for p in self.problems)


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


def _fast_parse(text: str, n: int, size: int) -> Header | None:
    """A valid header as every writer produces it, checked with C-level bulk operations; None
    as soon as anything differs, and ``_parse_exactly`` decides (and explains). The
    conditions make the two agree (tests/test_weights_parity.py compares them on every file):

    * nothing plain ``json.loads`` reads differently from serde: ``-0`` and surrogate
      ``\\u`` escapes are looked for; NaN/Infinity, floats, negative numbers and numbers
      beyond u64 fail the type checks below;
    * values have exactly the expected shape, so nesting is 3 deep at most;
    * no duplicate keys: outside strings ``":`` ends each key, and inside one it can only
      follow an escaped quote, so the count of ``":`` is at least the number of keys
      written, which is at least the number ``json.loads`` kept; equal counts leave no
      room for a duplicate (a key spaced from its colon is sent to the exact path);
    * the header is valid: the fast path never reports a problem, it only proves there is
      none (the parser's checks, in bulk: known dtypes, usize lists, sizes, offsets).
    """
    if ("-0" in text or "\\u" in text) and serde_json.needs_exact(text):
        return None
    if _SPACED_KEY_END.search(text):
        return None
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if type(doc) is not dict:
        return None
    keys = len(doc)
    metadata = doc.pop(METADATA_KEY, None)
    if metadata is not None:
        if type(metadata) is not dict or set(map(type, metadata.values())) - {str}:
            return None
        keys += len(metadata)
    tensors = _bulk_tensors(doc, n, size)
    if tensors is None or text.count('":') != keys + 3 * len(tensors):
        return None
    return Header(n, size, tensors, metadata, ())


def _bulk_tensors(doc: dict[str, object], n: int, size: int) -> dict[str, TensorInfo] | None:
    """The tensors when every entry is canonical and the whole header valid, else None."""
    entries: list[Any] = list(doc.values())
    if not entries:
        return {} if 8 + n == size else None
    if set(map(type, entries)) != {dict} or set(map(len, entries)) != {3}:
        return None
    try:
        dtypes = list(map(itemgetter("dtype"), entries))
        shapes = list(map(itemgetter("shape"), entries))
        offsets = list(map(itemgetter("data_offsets"), entries))
        bits = list(map(DTYPE_BITS.__getitem__, dtypes))  # KeyError: unknown dtype (or unhashable)
    except (KeyError, TypeError):
        return None
    # A dtype that was found in DTYPE_BITS is a str (json.loads makes no other equal keys).
    if set(map(type, shapes)) | set(map(type, offsets)) != {list} or set(map(len, offsets)) != {2}:
        return None
    dims = list(chain.from_iterable(shapes))
    if set(map(type, chain(dims, chain.from_iterable(offsets)))) != {int}:
        return None
    # A 0 dim: Rust's checked_mul may overflow before reaching it, so the exact path decides.
    # Negative dims could multiply to a plausible size. Dims over u64 make the product (and
    # nbits) too large, and out-of-range offsets cannot chain from 0 to the file's end: both
    # fail below.
    if dims and (0 in dims or min(dims) < 0):
        return None
    numels = list(map(prod, shapes))
    nbits = list(map(mul, numels, bits))
    if max(nbits) > U64_MAX or any(map(mod, nbits, repeat(8))):
        return None
    begins = list(map(itemgetter(0), offsets))
    ends = list(map(itemgetter(1), offsets))
    if list(map(floordiv, nbits, repeat(8))) != list(map(sub, ends, begins)):
        return None
    order = sorted(zip(begins, ends, strict=True))  # Rust's stable sort by (begin, end); equal pairs are equal
    starts = list(map(itemgetter(0), order))
    stops = list(map(itemgetter(1), order))
    if starts[0] != 0 or starts[1:] != stops[:-1] or 8 + n + stops[-1] != size:
        return None
    # tuple.__new__ builds each NamedTuple at C speed (no Python-level __new__ call)
    fields = zip(dtypes, map(tuple, shapes), begins, ends, strict=True)
    return dict(zip(doc, map(tuple.__new__, repeat(TensorInfo), fields), strict=True))


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
