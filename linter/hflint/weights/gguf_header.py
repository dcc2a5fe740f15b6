"""Validate a GGUF header (hflint.weights.gguf.read_header) as llama.cpp's loader reads it.

Sources: ggml/docs/gguf.md (layout, alignment) and ggml/src/gguf.cpp ``gguf_init_from_file_impl``
(what the loader refuses): names shorter than GGML_MAX_NAME (64) and unique, at most
GGML_MAX_DIMS (4) non-negative dimensions whose product fits int64, a known type whose block
divides ne[0], offsets that are multiples of the alignment and follow each other (each tensor
at the padded end of the one before), and data inside the file. Sizes are computed with
Python's integers and compared to 2**64, so an overflow the C code must guard against is a
finding here, never a wrap. Its integer checks are where the loader's recent fixes went
(ggml-org/llama.cpp PRs 14595, 18674, 19856).
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path
from typing import Any, NamedTuple

from hflint.weights.gguf import ALIGNMENT_KEY, DEFAULT_ALIGNMENT, Header
from hflint.yamlfile import YamlError, data_value

MAX_NAME = 64  # GGML_MAX_NAME, including the terminating NUL
MAX_DIMS = 4  # GGML_MAX_DIMS
INT64_MAX = 2**63 - 1
U64 = 2**64


class GGMLType(NamedTuple):
    name: str
    block: int
    size: int


class Types(NamedTuple):
    known: dict[int, GGMLType]
    removed: dict[int, str]


class Problem(NamedTuple):
    where: str  # a tensor name, or "" for the header
    message: str


@functools.cache
def load_types(path: Path) -> Types:
    try:
        raw: Any = data_value(path)
        known = {int(t["id"]): GGMLType(str(t["name"]), int(t["block"]), int(t["size"])) for t in raw["types"]}
        removed = {int(i): str(e["reason"]) for e in raw.get("removed", ()) for i in e["ids"]}
        if any(t.block < 1 or t.size < 1 for t in known.values()):
            raise ValueError("block and size must be positive")
        return Types(known, removed)
    except (OSError, YamlError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{path.name}: {exc}") from None


def validate(header: Header, types: Types) -> list[Problem]:
    out = [Problem("", p) for p in header.problems]
    if header.version == 1:
        out.append(Problem("", "GGUF version 1 is no longer read by llama.cpp (re-convert the model)"))
    align = header.alignment
    seen: set[str] = set()
    spans: list[tuple[int, int, str]] = []
    for info in header.tensors:
        where = info.name
        if len(info.name.encode()) >= MAX_NAME:
            out.append(Problem(where, f"name is {len(info.name.encode())} bytes; llama.cpp allows {MAX_NAME - 1}"))
        if info.name in seen:
            out.append(Problem(where, "tensor name appears twice"))
        seen.add(info.name)
        nbytes = _nbytes(info.dims, info.ggml_type, types, where, out)
        if align is not None and info.offset % align:
            out.append(Problem(where, f"offset {info.offset} is not a multiple of the alignment {align}"))
        if nbytes is None:
            continue
        end = header.data_start + info.offset + nbytes
        if end >= U64:
            out.append(Problem(where, f"offset {info.offset} + {nbytes} bytes overflows 64 bits"))
        elif end > header.size:
            out.append(Problem(where, f"data ends at byte {end}, past the end of the {header.size}-byte file"))
        spans.append((info.offset, info.offset + nbytes, info.name))
    out += _layout(header, spans, align)
    return out


def _nbytes(dims: tuple[int, ...], ggml_type: int, types: Types, where: str, out: list[Problem]) -> int | None:
    if len(dims) > MAX_DIMS:
        out.append(Problem(where, f"{len(dims)} dimensions; ggml allows {MAX_DIMS}"))
        return None
    if any(d > INT64_MAX for d in dims):
        out.append(Problem(where, f"dimensions {list(dims)} are negative as int64"))
        return None
    count = 1
    for d in dims:
        count *= d
    if count > INT64_MAX:
        out.append(Problem(where, f"dimensions {list(dims)} hold {count} elements, more than int64 can count"))
        return None
    kind = types.known.get(ggml_type)
    if kind is None:
        why = types.removed.get(ggml_type, "not a ggml type")
        out.append(Problem(where, f"ggml type {ggml_type} is unknown ({why})"))
        return None
    ne0 = dims[0] if dims else 1
    if ne0 % kind.block:
        out.append(Problem(where, f"{ne0} elements per row is not a multiple of {kind.name}'s block of {kind.block}"))
        return None
    return count // kind.block * kind.size


def _layout(header: Header, spans: list[tuple[int, int, str]], align: int | None) -> list[Problem]:
    """Overlaps (any reader), then the order llama.cpp requires (each tensor where the one
    before it ends, padded to the alignment); the first break of each is reported, and an
    order break at the tensor that overlaps is that overlap (one defect, one finding)."""
    out = []
    ordered = sorted(spans)
    for (_, end, name), (start, _, other) in itertools.pairwise(ordered):
        if start < end:
            out.append(Problem(other, f"data overlaps tensor {name!r} (offset {start} < its end {end})"))
            break
    if align is None or len(spans) != len(header.tensors):
        return out
    expected = 0
    for start, end, name in spans:
        if start != expected:
            if not any(p.where == name for p in out):  # an overlap there is the one defect
                out.append(Problem(name, f"offset {start}, but llama.cpp expects {expected}: tensors must follow "
                                         "each other in order, each padded to the alignment"))
            break
        size = end - start
        expected += size + (-size % align)
    return out


__all__ = ["ALIGNMENT_KEY", "DEFAULT_ALIGNMENT", "Problem", "Types", "load_types", "validate"]
