"""GGUF files written by llama.cpp's own ``gguf`` writer (gguf-py), and hostile variants
patched from them, for the HF621 golden cases (make_formats_fixtures.py), tests/test_gguf.py
and benchmarks/formats_bench.py. ``write`` loads each file back with gguf.GGUFReader.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType, GGUFEndian, GGUFReader, GGUFWriter
from gguf.quants import quantize


def write(path: Path, *, alignment: int | None = None, big_endian: bool = False, n_layers: int = 2) -> Path:
    """A tiny llama-like model: F32 norms, Q8_0 and F16 matrices, a vocabulary."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = GGUFWriter(str(path), "llama", endianess=GGUFEndian.BIG if big_endian else GGUFEndian.LITTLE)
    if alignment is not None:
        writer.add_custom_alignment(alignment)
    writer.add_block_count(n_layers)
    writer.add_context_length(64)
    writer.add_tokenizer_model("llama")
    writer.add_token_list([f"tok{i}" for i in range(32)])
    writer.add_tensor("token_embd.weight", np.zeros((32, 64), np.float16))
    for i in range(n_layers):
        weights = quantize(np.zeros((64, 64), np.float32), GGMLQuantizationType.Q8_0)
        writer.add_tensor(f"blk.{i}.attn_q.weight", weights, raw_dtype=GGMLQuantizationType.Q8_0)
        writer.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(64, np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    reader = GGUFReader(str(path))  # the reference reader accepts it
    assert len(reader.tensors) == 1 + 2 * n_layers
    return path


def tensor_info_at(data: bytes, name: str) -> int:
    """Offset of the n_dims field of tensor ``name``'s info (little-endian file)."""
    raw = name.encode()
    return data.index(struct.pack("<Q", len(raw)) + raw) + 8 + len(raw)


def patch_tensor(data: bytes, name: str, *, ggml_type: int | None = None, offset: int | None = None,
                 dim0: int | None = None) -> bytes:
    out = bytearray(data)
    at = tensor_info_at(data, name)
    (n_dims,) = struct.unpack_from("<I", out, at)
    if dim0 is not None:
        struct.pack_into("<Q", out, at + 4, dim0)
    type_at = at + 4 + 8 * n_dims
    if ggml_type is not None:
        struct.pack_into("<I", out, type_at, ggml_type)
    if offset is not None:
        struct.pack_into("<Q", out, type_at + 4, offset)
    return bytes(out)


def read_offset(data: bytes, name: str) -> int:
    at = tensor_info_at(data, name)
    (n_dims,) = struct.unpack_from("<I", data, at)
    (value,) = struct.unpack_from("<Q", data, at + 4 + 8 * n_dims + 4)
    return int(value)


def with_counts(data: bytes, tensors: int | None = None, pairs: int | None = None) -> bytes:
    out = bytearray(data)
    if tensors is not None:
        struct.pack_into("<Q", out, 8, tensors)
    if pairs is not None:
        struct.pack_into("<Q", out, 16, pairs)
    return bytes(out)
