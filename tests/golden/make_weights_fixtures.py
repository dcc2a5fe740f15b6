"""Write the binary golden fixtures of HF301-HF307 (run it, commit its output with it).

    python tests/golden/make_weights_fixtures.py

Deterministic: fixed tensor data (zeros), fixed zip timestamps, sorted JSON. The writers
are also imported by tests/test_weights_*.py and benchmarks/weights_bench.py. They build
safetensors files and torch.save checkpoints by hand (torch is not needed): a torch
checkpoint is a zip with ``<archive>/data.pkl`` (a protocol-2 pickle of an OrderedDict whose
values are ``torch._utils._rebuild_tensor_v2`` calls on persistent storage ids) and one
``<archive>/data/<key>`` member per storage, as torch/serialization.py writes it.
"""

from __future__ import annotations

import io
import json
import math
import struct
import sys
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ST_BITS = {"BOOL": 8, "U8": 8, "I8": 8, "F8_E4M3": 8, "F8_E5M2": 8, "F8_E8M0": 8,
           "F8_E4M3FNUZ": 8, "F8_E5M2FNUZ": 8, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
           "I16": 16, "U16": 16, "F16": 16, "BF16": 16, "I32": 32, "U32": 32, "F32": 32,
           "I64": 64, "U64": 64, "F64": 64, "C64": 64}  # fmt: skip
TORCH_ITEM = {"FloatStorage": 4, "HalfStorage": 2, "BFloat16Storage": 2, "LongStorage": 8}
DATE = (1980, 1, 1, 0, 0, 0)

Tensors = Mapping[str, tuple[str, Sequence[int]]]  # name -> (dtype, shape)


# -- safetensors ---------------------------------------------------------------------------


def st_header(tensors: Tensors, metadata: Mapping[str, str] | None = None) -> tuple[bytes, int]:
    """The 8-byte prefix + space-padded header, and the data size, as safetensors writes."""
    header: dict[str, object] = {}
    if metadata is not None:
        header["__metadata__"] = dict(metadata)
    offset = 0
    for name, (dtype, shape) in tensors.items():
        size = math.prod(shape) * ST_BITS[dtype] // 8
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw, offset


def st_bytes(tensors: Tensors, metadata: Mapping[str, str] | None = None) -> bytes:
    head, size = st_header(tensors, metadata)
    return head + bytes(size)


def raw_st(header: bytes | str, data: bytes = b"") -> bytes:
    """A file with exactly this header text (no padding added) and data section."""
    raw = header.encode() if isinstance(header, str) else header
    return struct.pack("<Q", len(raw)) + raw + data


def write_st(path: Path, tensors: Tensors, *, sparse: bool = False,
             metadata: Mapping[str, str] | None = None) -> int:
    """Write a safetensors file; sparse leaves the data section a hole. Returns data bytes."""
    head, size = st_header(tensors, metadata)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(head)
        if sparse:
            fh.truncate(len(head) + size)
        else:
            fh.write(bytes(size))
    return size


# -- torch.save checkpoints ----------------------------------------------------------------


def _str(text: str) -> bytes:
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data  # BINUNICODE


def _int(value: int) -> bytes:
    if 0 <= value < 2**31:
        return b"J" + struct.pack("<i", value)  # BININT
    data = value.to_bytes((value.bit_length() + 8) // 8, "little", signed=True)
    return b"\x8a" + bytes([len(data)]) + data  # LONG1


def _tuple(values: Iterable[int]) -> bytes:
    return b"(" + b"".join(_int(v) for v in values) + b"t"  # MARK ... TUPLE


def state_dict_pickle(entries: Sequence[tuple[str, str, Sequence[int]]]) -> tuple[bytes, list[int]]:
    """Pickle opcodes of an OrderedDict of tensors, one storage each. Returns storage bytes."""
    out = [b"\x80\x02", b"ccollections\nOrderedDict\nq\x00)R", b"("]  # PROTO 2, OrderedDict()
    sizes = []
    for key, (name, storage, shape) in enumerate(entries):
        numel = math.prod(shape)
        stride = [math.prod(shape[i + 1:]) for i in range(len(shape))]
        sizes.append(numel * TORCH_ITEM[storage])
        out += [
            _str(name), b"ctorch._utils\n_rebuild_tensor_v2\n", b"(",
            b"(", _str("storage"), f"ctorch\n{storage}\n".encode(), _str(str(key)), _str("cpu"),
            _int(numel), b"tQ",  # the persistent id tuple, BINPERSID
            _int(0), _tuple(shape), _tuple(stride), b"\x89",  # offset, size, stride, NEWFALSE
            b"ccollections\nOrderedDict\n)R", b"tR",  # backward hooks; TUPLE, REDUCE
        ]
    out.append(b"u.")  # SETITEMS, STOP
    return b"".join(out), sizes


class _SparseWriter(io.RawIOBase):
    """Writes runs of zeros as holes, so a 4 GB zip member costs no disk space."""

    def __init__(self, fh: io.BufferedRandom) -> None:
        self._fh = fh

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if len(data) >= 4096 and data.count(0) == len(data):
            self._fh.seek(len(data), io.SEEK_CUR)
        else:
            self._fh.write(data)
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._fh.seek(offset, whence)

    def tell(self) -> int:
        return self._fh.tell()

    def flush(self) -> None:
        self._fh.flush()


def write_torch_zip(path: Path, entries: Sequence[tuple[str, str, Sequence[int]]], *,
                    archive: str = "archive", sparse: bool = False) -> int:
    """A torch.save zip checkpoint; returns the storage bytes (transformers' total_size)."""
    pkl, sizes = state_dict_pickle(entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w+b") as raw:
        sink = _SparseWriter(raw) if sparse else raw
        with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:  # type: ignore[arg-type]
            def member(name: str, data: bytes) -> None:
                zf.writestr(zipfile.ZipInfo(f"{archive}/{name}", DATE), data)

            member("data.pkl", pkl)
            member("byteorder", b"little")
            for key, size in enumerate(sizes):
                info = zipfile.ZipInfo(f"{archive}/data/{key}", DATE)
                with zf.open(info, "w", force_zip64=size > 2**31) as fh:
                    chunk = bytes(min(size, 64 << 20))
                    left = size
                    while left:
                        fh.write(chunk[:left])
                        left -= min(left, len(chunk))
            member("version", b"3\n")
        raw.truncate(raw.tell())
    return sum(sizes)


def torch_zip_bytes(entries: Sequence[tuple[str, str, Sequence[int]]], archive: str = "archive") -> bytes:
    buf = io.BytesIO()
    pkl, sizes = state_dict_pickle(entries)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(zipfile.ZipInfo(f"{archive}/data.pkl", DATE), pkl)
        for key, size in enumerate(sizes):
            zf.writestr(zipfile.ZipInfo(f"{archive}/data/{key}", DATE), bytes(size))
        zf.writestr(zipfile.ZipInfo(f"{archive}/version", DATE), b"3\n")
    return buf.getvalue()


def legacy_torch_bytes(entries: Sequence[tuple[str, str, Sequence[int]]]) -> bytes:
    """The pre-1.6 layout: magic, protocol, sys info, then the state dict pickle."""
    pkl, sizes = state_dict_pickle(entries)
    magic = b"\x80\x02" + _int(0x1950A86A20F9469CFC6C) + b"."
    proto = b"\x80\x02" + _int(1001) + b"."
    info = b"\x80\x02}q\x00(" + _str("little_endian") + b"\x88u."
    keys = b"\x80\x02(" + b"".join(_str(str(k)) for k in range(len(sizes))) + b"l."
    return magic + proto + info + pkl + keys + bytes(sum(sizes))


# -- golden cases --------------------------------------------------------------------------


def _index(weight_map: Mapping[str, str], total: int | None = None, **extra: object) -> str:
    doc: dict[str, object] = {"weight_map": dict(weight_map)}
    if total is not None:
        doc["metadata"] = {"total_size": total}
    doc.update(extra)
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


S1, S2 = "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"
B1, B2 = "pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"
A = {"a": ("F32", [2, 2]), "b": ("F16", [4])}  # 16 + 8 bytes
B = {"c": ("BF16", [3]), "d": ("I64", [])}  # 6 + 8 bytes
BIN_A = [("a", "FloatStorage", [2, 2]), ("b", "HalfStorage", [4])]
BIN_B = [("c", "BFloat16Storage", [3]), ("d", "LongStorage", [])]
GOOD_MAP = {"a": S1, "b": S1, "c": S2, "d": S2}
LFS = "version https://git-lfs.github.com/spec/v1\noid sha256:" + "0" * 64 + "\nsize 4938985248\n"


def _sharded(folder: str = "", prefix: str = "model", weight_map: Mapping[str, str] | None = None,
             total: int | None = 38) -> dict[str, bytes | str]:
    s1, s2 = (f"{prefix}-0000{i}-of-00002.safetensors" for i in (1, 2))
    wm = weight_map or {"a": s1, "b": s1, "c": s2, "d": s2}
    index = f"{prefix}.safetensors.index.json"
    if prefix == "diffusion_pytorch_model":
        index = "diffusion_pytorch_model.safetensors.index.json"
    base = f"{folder}/" if folder else ""
    return {base + s1: st_bytes(A), base + s2: st_bytes(B), base + index: _index(wm, total)}


def _bin_sharded() -> dict[str, bytes | str]:
    return {B1: torch_zip_bytes(BIN_A, "pytorch_model"), B2: torch_zip_bytes(BIN_B),
            "pytorch_model.bin.index.json": _index({"a": B1, "b": B1, "c": B2, "d": B2}, 38)}


def cases() -> dict[str, dict[str, bytes | str]]:
    deep = '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":' + "[" * 100_000 + "]" * 100_000 + "}}"
    return {
        # HF301 missing shard
        "HF301/fail/shard-not-uploaded": {S1: st_bytes(A), "model.safetensors.index.json": _index(GOOD_MAP, 38)},
        "HF301/fail/path-outside-repo": {S1: st_bytes(A), "model.safetensors.index.json": _index(
            {"a": S1, "b": S1, "c": "../../etc/passwd", "d": "/etc/shadow"}, 38)},
        "HF301/fail/no-weight-map": {"text_encoder/model.safetensors.index.json": json.dumps({"metadata": {}})},
        "HF301/fail/no-metadata": _sharded(total=None),
        "HF301/pass/diffusers-unet": _sharded("unet", "diffusion_pytorch_model"),
        "HF301/pass/lfs-pointer-shard": {**_sharded(), S2: LFS},
        # HF302 orphan / shadowed / numbering
        "HF302/fail/orphan-third-shard": {**_sharded(), "model-00003-of-00003.safetensors": st_bytes(B)},
        "HF302/fail/single-file-beside-index": {**_sharded(), "model.safetensors": st_bytes({**A, **B})},
        "HF302/fail/bin-differs-from-safetensors": {"model.safetensors": st_bytes({**A, **B}),
                                                    "pytorch_model.bin": torch_zip_bytes(BIN_A)},
        "HF302/fail/no-index-and-gap": {"model-00001-of-00003.safetensors": st_bytes(A),
                                        "model-00003-of-00003.safetensors": st_bytes(B)},
        "HF302/fail/second-head-beside-shards": {**_sharded(), "value_head.safetensors": st_bytes({"v": ("F32", [2])}),
                                                 "reward_head.pt": torch_zip_bytes([("r", "FloatStorage", [2])])},
        "HF302/fail/variant-shards-beside-default": {
            **_sharded(), "model.fp16-00001-of-00002.safetensors": st_bytes(A),
            "model.fp16-00002-of-00002.safetensors": st_bytes(B)},  # no fp16 index lists them
        "HF302/pass/published-layouts": {
            # Mistral repos: mistral-inference's consolidated.safetensors beside the HF shards
            **_sharded(), "consolidated.safetensors": st_bytes({**A, **B}),
            # an fp16 variant as transformers save_pretrained(variant="fp16") writes it
            "model.fp16-00001-of-00002.safetensors": st_bytes(A), "model.fp16-00002-of-00002.safetensors": st_bytes(B),
            "model.safetensors.index.fp16.json": _index({"a": "model.fp16-00001-of-00002.safetensors",
                                                         "b": "model.fp16-00001-of-00002.safetensors",
                                                         "c": "model.fp16-00002-of-00002.safetensors",
                                                         "d": "model.fp16-00002-of-00002.safetensors"}, 38),
            # a PEFT adapter and a diffusers LoRA kept with the base
            "adapter_model.safetensors": st_bytes({"lora_A": ("F32", [2])}),
            "pytorch_lora_weights.safetensors": st_bytes({"lora_B": ("F32", [2])}),
            # Meta's original checkpoint in its own folder; Trainer states beside the shards
            "original/consolidated.00.pth": torch_zip_bytes(BIN_A),
            "optimizer.pt": torch_zip_bytes([("s", "FloatStorage", [2])]),
            "rng_state.pth": torch_zip_bytes([("r", "FloatStorage", [2])]),
            # diffusers: a single-file unet with its fp16 variant, a sharded transformer
            "unet/diffusion_pytorch_model.safetensors": st_bytes(A),
            "unet/diffusion_pytorch_model.fp16.safetensors": st_bytes(A),
            **_sharded("transformer", "diffusion_pytorch_model")},
        "HF302/pass/both-formats-agree": {"model.safetensors": st_bytes({**A, **B}),
                                          "pytorch_model.bin": torch_zip_bytes(BIN_A + BIN_B)},
        "HF302/pass/mlx-index-for-single-file": {
            "model.safetensors": st_bytes(A),
            "model.safetensors.index.json": _index({"a": "model.safetensors", "b": "model.safetensors"}, 24)},
        # HF303 weight_map tensor not in its shard
        "HF303/fail/tensor-not-in-shard": _sharded(weight_map={**GOOD_MAP, "mtp.fc.weight": S1}),
        "HF303/fail/diffusers-unet": _sharded("unet", "diffusion_pytorch_model", weight_map={
            "a": "diffusion_pytorch_model-00001-of-00002.safetensors",
            "b": "diffusion_pytorch_model-00002-of-00002.safetensors",
            "c": "diffusion_pytorch_model-00002-of-00002.safetensors",
            "d": "diffusion_pytorch_model-00002-of-00002.safetensors"}),
        "HF303/fail/bin-shard": {**_bin_sharded(), "pytorch_model.bin.index.json": _index(
            {"a": B1, "b": B1, "c": B2, "d": B2, "e": B2}, 38)},
        "HF303/pass/consistent": _sharded(),
        "HF303/pass/consistent-bin": _bin_sharded(),
        # HF304 shard tensor missing from weight_map or mapped elsewhere
        "HF304/fail/unindexed-and-misrouted": _sharded(weight_map={"a": S1, "b": S2, "c": S2}),
        "HF304/fail/duplicate-weight-map-key": {
            **_sharded(), "model.safetensors.index.json": _index(GOOD_MAP, 38).replace(
                f'"c": "{S2}"', f'"c": "{S2}",\n    "a": "{S1}"')},
        "HF304/pass/consistent": _sharded(),
        # HF305 total_size
        "HF305/fail/stale-total": _sharded(total=999),
        "HF305/fail/file-size-convention": _sharded(total=len(st_bytes(A)) + len(st_bytes(B))),
        "HF305/pass/consistent": _sharded(),
        "HF305/pass/consistent-bin": _bin_sharded(),
        # HF306 header validity (parser rules, then spec-only rules)
        "HF306/fail/trailing-bytes": {"model.safetensors": st_bytes(A) + b"MZ\x90\x00polyglot"},
        "HF306/fail/truncated": {"model.safetensors": st_bytes(A)[:-5]},
        "HF306/fail/zero-bytes": {"model.safetensors": b""},
        "HF306/fail/length-2-pow-63": {"model.safetensors": struct.pack("<Q", 2**63) + b"{}"},
        "HF306/fail/length-past-eof": {"model.safetensors": struct.pack("<Q", 4096) + b"{}      "},
        "HF306/fail/overlapping-offsets": {"model.safetensors": raw_st(
            '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
            '"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', bytes(12))},
        "HF306/fail/shape-size-mismatch": {"model.safetensors": raw_st(
            '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', bytes(4))},
        "HF306/fail/unknown-dtype": {"model.safetensors": raw_st(
            '{"w":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}', bytes(4))},
        "HF306/fail/f4-not-byte-aligned": {"model.safetensors": raw_st(
            '{"w":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}', bytes(2))},
        "HF306/fail/metadata-not-strings": {"model.safetensors": raw_st(
            '{"__metadata__":{"format":"pt","step":1000}}')},
        "HF306/fail/deep-nesting": {"model.safetensors": raw_st(deep, bytes(4))},
        "HF306/fail/spec-duplicate-name": {"model.safetensors": raw_st(
            '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
            '"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', bytes(4))},
        "HF306/fail/spec-leading-space": {"model.safetensors": raw_st(
            '  {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', bytes(4))},
        "HF306/pass/all-dtypes": {"unet/model.safetensors": st_bytes(
            {d: (d, [2, 4]) for d in ST_BITS}, {"format": "pt"})},
        "HF306/pass/empty-and-scalar": {"model.safetensors": st_bytes({"e": ("F32", [0, 3]), "s": ("F64", [])}),
                                        "empty.safetensors": st_bytes({})},
        # HF307 one tensor in several shards
        "HF307/fail/tensor-in-two-shards": {**_sharded(), S2: st_bytes({**B, "a": ("F32", [2, 2])})},
        "HF307/pass/consistent": _sharded(),
    }


def main() -> int:
    for case, files in cases().items():
        root = HERE / case
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode() if isinstance(content, str) else content
            path.write_bytes(data)
    print(f"wrote {len(cases())} cases under {HERE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
