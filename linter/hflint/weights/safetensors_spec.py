"""The safetensors header's vocabulary: dtypes, limits and the records a parse yields.

Shared by the exact parser (hflint.weights.safetensors_format) and its fast path
(hflint.weights.safetensors_fast); sources are cited in safetensors_format.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

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
