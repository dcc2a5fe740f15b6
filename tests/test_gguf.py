"""GGUF metadata (hflint.weights.gguf) and the chat templates HF208 reads from it.

Fixtures are written by llama.cpp's own ``gguf`` writer (tests/fixtures/gguf/
make_gguf_fixtures.py); hostile variants are cut or patched from them here.
"""

from __future__ import annotations

import io
import shutil
import struct
from pathlib import Path

import pytest

from hflint.config import Config
from hflint.engine import scan
from hflint.weights.gguf import GGUFError, string_values

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
