"""GGUF metadata (hflint.weights.gguf) and the chat templates HF208 reads from it.

Fixtures are written by llama.cpp's own ``gguf`` writer (tests/fixtures/gguf/
make_gguf_fixtures.py, tests/golden/make_formats_fixtures.py); hostile variants are cut or
patched from them here. gguf-py's GGUFReader (a test extra) is the reference reader.
"""

from __future__ import annotations

import io
import shutil
import struct
import sys
from pathlib import Path

import pytest

from hflint._paths import rules_dir
from hflint.config import Config
from hflint.engine import scan
from hflint.weights.gguf import GGUFError, Header, read_header, string_values
from hflint.weights.gguf_header import load_types
from hflint.weights.gguf_header import validate as validate_header

sys.path.insert(0, str(Path(__file__).parent / "golden"))
import formats_gguf as fx

TYPES = load_types(rules_dir() / "data" / "ggml-types.yaml")

HERE = Path(__file__).parent / "fixtures" / "gguf"
KEY = ("tokenizer.chat_template",)


def _read(data: bytes, limit: int = 1 << 20) -> dict[str, str]:
    return string_values(io.BytesIO(data), KEY, limit)


def test_templates_are_read_past_the_vocabulary() -> None:
    good = _read((HERE / "good.gguf").read_bytes())
    assert list(good) == ["tokenizer.chat_template"] and "add_generation_prompt" in good["tokenizer.chat_template"]
    named = _read((HERE / "named-evil.gguf").read_bytes())
    assert sorted(named) == ["tokenizer.chat_template", "tokenizer.chat_template.tool_use"]
    assert _read((HERE / "no-template.gguf").read_bytes()) == {}


class _Counting(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.read_bytes = 0

    def read(self, n: int | None = -1) -> bytes:
        out = super().read(n)
        self.read_bytes += len(out)
        return out


def test_tensor_data_is_never_read() -> None:
    data = (HERE / "good.gguf").read_bytes() + bytes(20_000_000)  # a tensor section of 20 MB
    fh = _Counting(data)
    string_values(fh, KEY, 1 << 20)
    assert fh.read_bytes < 12_000  # the metadata pairs only


@pytest.mark.parametrize("cut", [3, 8, 20, 30, 200, 5_000])
def test_truncated_files_are_errors(cut: int) -> None:
    with pytest.raises(GGUFError):
        _read((HERE / "good.gguf").read_bytes()[:cut])


def _patched(offset_of: bytes, value: bytes) -> bytes:
    """good.gguf with the 8 bytes before ``offset_of`` (a length) replaced."""
    data = bytearray((HERE / "good.gguf").read_bytes())
    at = data.index(offset_of) - 8
    data[at : at + 8] = value
    return bytes(data)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"GGML" + bytes(20), "magic"),
        (b"GGUF" + struct.pack("<I", 99) + bytes(16), "version"),
        (b"GGUF" + struct.pack("<IQQ", 3, 0, 2**62), "metadata pairs"),
        (_patched(b"general.architecture", struct.pack("<Q", 2**63)), "runs past the end"),
    ],
)
def test_hostile_headers_are_errors_not_allocations(data: bytes, reason: str) -> None:
    with pytest.raises(GGUFError, match=reason):
        _read(data)


def test_oversized_template_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GGUFError, match="limit"):
        _read((HERE / "good.gguf").read_bytes(), limit=10)


def test_scan_reports_the_template_and_unreadable_gguf(tmp_path: Path) -> None:
    shutil.copy(HERE / "evil.gguf", tmp_path / "model.gguf")
    (tmp_path / "broken.gguf").write_bytes((HERE / "good.gguf").read_bytes()[:200])
    result = scan(tmp_path, Config(select=("HF208", "HF001"), fail_on=None))
    by_rule = {(f.rule_id, f.path) for f in result.findings}
    assert ("HF208", "model.gguf") in by_rule
    assert ("HF001", "broken.gguf") in by_rule
    assert all(f.pointer == "tokenizer.chat_template" for f in result.findings if f.rule_id == "HF208")


# -- HF621: the whole header, validated as llama.cpp's loader reads it --------------------

GOLDEN_GGUF = Path(__file__).parent / "golden" / "HF621"


def _header(data: bytes) -> Header:
    return read_header(io.BytesIO(data))


def _problems(data: bytes) -> list[str]:
    return [p.message for p in validate_header(_header(data), TYPES)]


def test_header_agrees_with_gguf_py_on_every_valid_fixture() -> None:
    from gguf import GGUFReader

    files = [*sorted(GOLDEN_GGUF.glob("pass/*/*")), *sorted(HERE.glob("*.gguf"))]
    assert len(files) >= 8
    for path in files:
        header = _header(path.read_bytes())
        reader = GGUFReader(str(path))
        theirs = [(t.name, tuple(int(d) for d in t.shape), int(t.tensor_type), int(t.data_offset))
                  for t in reader.tensors]
        ours = [(t.name, t.dims, t.ggml_type, header.data_start + t.offset) for t in header.tensors]
        assert ours == theirs, path
        assert validate_header(header, TYPES) == [], path


def test_2_pow_60_tensors_is_refused_before_any_loop() -> None:
    data = (GOLDEN_GGUF / "pass" / "llama-q8_0" / "model-q8_0.gguf").read_bytes()
    fh = _Counting(fx.with_counts(data, tensors=2**60))
    with pytest.raises(GGUFError, match="claims 1152921504606846976 tensors"):
        read_header(fh)
    assert fh.read_bytes <= 24  # magic, version and the two counts


def test_counts_the_file_cannot_hold_are_refused_for_pairs_too() -> None:
    data = (GOLDEN_GGUF / "pass" / "llama-q8_0" / "model-q8_0.gguf").read_bytes()
    with pytest.raises(GGUFError, match="metadata pairs"):
        _header(fx.with_counts(data, pairs=2**40))


def test_offset_plus_size_past_64_bits_is_an_overflow_finding() -> None:
    data = (GOLDEN_GGUF / "pass" / "llama-q8_0" / "model-q8_0.gguf").read_bytes()
    # F32 [2**62 - 1] fits int64 as an element count, but its bytes do not fit 64 bits
    data = fx.patch_tensor(data, "blk.0.attn_norm.weight", dim0=2**62 - 1)
    assert any("overflows 64 bits" in p for p in _problems(data))


def test_a_huge_dimension_count_is_an_error_not_a_loop() -> None:
    data = bytearray((GOLDEN_GGUF / "pass" / "llama-q8_0" / "model-q8_0.gguf").read_bytes())
    at = fx.tensor_info_at(bytes(data), "token_embd.weight")
    struct.pack_into("<I", data, at, 2**32 - 1)
    with pytest.raises(GGUFError, match="4294967295 dimensions"):
        _header(bytes(data))


def test_every_cut_of_a_valid_header_is_an_error_or_a_finding() -> None:
    data = (GOLDEN_GGUF / "pass" / "llama-q8_0" / "model-q8_0.gguf").read_bytes()
    for cut in range(0, 2000, 7):
        try:
            header = _header(data[:cut])
        except GGUFError:
            continue
        assert validate_header(header, TYPES)  # the data is missing: something is reported


def test_big_endian_files_are_read_in_their_byte_order() -> None:
    header = _header((GOLDEN_GGUF / "pass" / "big-endian" / "model-be.gguf").read_bytes())
    assert header.big_endian and header.tensors[0].dims == (64, 32)


def test_scan_checks_gguf_by_content_and_names_by_claim(tmp_path: Path) -> None:
    data = (GOLDEN_GGUF / "pass" / "llama-q8_0" / "model-q8_0.gguf").read_bytes()
    (tmp_path / "weights.bin").write_bytes(data[:500])  # GGUF content under another name
    (tmp_path / "model.gguf").write_bytes(b"not gguf at all")  # the name claims GGUF
    (tmp_path / "notes.txt").write_bytes(b"GGU")
    result = scan(tmp_path, Config(select=("HF621",), fail_on=None))
    assert sorted({f.path for f in result.findings}) == ["model.gguf", "weights.bin"]


def test_a_broken_gguf_is_one_finding_hf621_not_also_hf001(tmp_path: Path) -> None:
    (tmp_path / "model.gguf").write_bytes((HERE / "good.gguf").read_bytes()[:200])
    both = scan(tmp_path, Config(select=("HF208", "HF621", "HF001"), fail_on=None))
    assert [f.rule_id for f in both.findings] == ["HF621"]
    alone = scan(tmp_path, Config(select=("HF208", "HF001"), fail_on=None))
    assert [f.rule_id for f in alone.findings] == ["HF001"]  # HF621 deselected: still reported
