"""TFLite (HF616-HF618): hflint's flatbuffer reader against TFLite's own schema reader.

The golden models were converted by TensorFlow (tests/fixtures/tf/make_tf_fixtures.py),
which also wrote what TFLite's generated schema reader decodes from them
(reference_tflite.json). Hostile models are built here with a tiny flatbuffer builder.
"""

from __future__ import annotations

import contextlib
import io
import json
import struct
from pathlib import Path

import pytest

from hflint.config import Config
from hflint.engine import scan
from hflint.formats.flatbuf import FlatError, flex_strings
from hflint.formats.tflite_model import read_tflite

GOLDEN = Path(__file__).parent / "golden"
REFERENCE = Path(__file__).parent / "fixtures" / "tf" / "reference_tflite.json"


def test_reader_decodes_what_tflite_decodes() -> None:
    reference = json.loads(REFERENCE.read_text())
    assert len(reference) >= 8
    for rel, codes in reference.items():
        info = read_tflite(io.BytesIO((GOLDEN / rel).read_bytes()))
        assert [[c.builtin, c.custom or ""] for c in info.codes] == codes, rel


def test_flex_ops_of_real_conversions_are_read_from_their_nodedef() -> None:
    info = read_tflite(io.BytesIO((GOLDEN / "HF616" / "fail" / "flex-write-file" / "model.tflite").read_bytes()))
    assert [(u.code, u.op) for u in info.flex] == [("FlexWriteFile", "WriteFile")]


# -- a tiny flatbuffer writer (forward layout: every offset points past where it is stored) --


class Builder:
    def __init__(self) -> None:
        self.buf = bytearray(b"\0\0\0\0TFL3")

    def table(self, present: list[bool]) -> int:
        """A table whose fields are 4-byte slots (absent ones marked 0 in the vtable)."""
        n = len(present)
        vtable = len(self.buf)
        self.buf += struct.pack("<HH", 4 + 2 * n, 4 + 4 * n)
        self.buf += b"".join(struct.pack("<H", 4 + 4 * i if p else 0) for i, p in enumerate(present))
        self.buf += bytes(-len(self.buf) % 4)
        table = len(self.buf)
        self.buf += struct.pack("<i", table - vtable) + bytes(4 * n)
        return table

    def scalar(self, table: int, index: int, value: int, fmt: str = "<i") -> None:
        struct.pack_into(fmt, self.buf, table + 4 + 4 * index, value)

    def ref(self, at: int, target: int) -> None:
        struct.pack_into("<I", self.buf, at, target - at)

    def field_ref(self, table: int, index: int, target: int) -> None:
        self.ref(table + 4 + 4 * index, target)

    def vector(self, count: int, element: int = 4, payload: bytes = b"") -> int:
        self.buf += bytes(-len(self.buf) % 4)
        start = len(self.buf)
        self.buf += struct.pack("<I", count) + (payload or bytes(count * element))
        return start

    def string(self, text: str) -> int:
        return self.vector(len(text.encode()), 1, text.encode() + b"\0")

    def root(self, table: int) -> bytes:
        self.ref(0, table)
        return bytes(self.buf)


def flex_options(name: str, nodedef: bytes) -> bytes:
    """FlexBuffers [name, NodeDef] as the converter writes it (1-byte widths)."""
    out = bytearray()
    starts = []
    for raw in (name.encode(), nodedef):
        out.append(len(raw))
        starts.append(len(out))
        out += raw + b"\0"
    out.append(2)  # vector size
    vec = len(out)
    for i, start in enumerate(starts):
        out.append(vec + i - start)
    out += bytes([5 << 2, 5 << 2])  # two strings of width 1
    root = len(out)
    out += bytes([root - vec, 10 << 2, 1])
    return bytes(out)


def model(code: str, options: bytes | None, codes_count: int = 1) -> bytes:
    b = Builder()
    m = b.table([True, True, True])  # version, operator_codes, subgraphs
    b.scalar(m, 0, 3)
    codes = b.vector(1)
    struct.pack_into("<I", b.buf, codes, codes_count)  # the declared length
    b.field_ref(m, 1, codes)
    opcode = b.table([True, True, True, True])
    b.ref(codes + 4, opcode)
    b.scalar(opcode, 0, 32)  # deprecated_builtin_code: CUSTOM
    b.scalar(opcode, 3, 32)
    b.field_ref(opcode, 1, b.string(code))
    subgraphs = b.vector(1)
    b.field_ref(m, 2, subgraphs)
    subgraph = b.table([False, False, False, True])
    b.ref(subgraphs + 4, subgraph)
    operators = b.vector(1)
    b.field_ref(subgraph, 3, operators)
    operator = b.table([True, False, False, False, False, options is not None])
    b.ref(operators + 4, operator)
    if options is not None:
        b.field_ref(operator, 5, b.vector(len(options), 1, options))
    return b.root(m)


def nodedef(op: str) -> bytes:
    return b"\x0a\x01n" + b"\x12" + bytes([len(op)]) + op.encode()


def test_a_flex_code_whose_nodedef_runs_another_op_is_caught(tmp_path: Path) -> None:
    data = model("FlexAdd", flex_options("Add", nodedef("WriteFile")))
    info = read_tflite(io.BytesIO(data))
    assert [(u.code, u.op) for u in info.flex] == [("FlexAdd", "WriteFile")]
    (tmp_path / "model.bin").write_bytes(data)  # recognised by its identifier, not its name
    result = scan(tmp_path, Config(select=("HF616",), fail_on=None))
    assert [f.rule_id for f in result.findings] == ["HF616"]
    assert "runs TensorFlow op WriteFile (its custom_code says 'FlexAdd')" in result.findings[0].message


def test_a_flex_operator_without_options_is_unreadable() -> None:
    with pytest.raises(FlatError, match="no custom options"):
        read_tflite(io.BytesIO(model("FlexWriteFile", None)))


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (b"\x01\x02", "too short"),
        (bytes([0, 5 << 2, 1]), "not a vector"),
        (bytes([200, 10 << 2, 1]), "out of range"),
    ],
)
def test_malformed_flex_options_are_errors(options: bytes, reason: str) -> None:
    with pytest.raises(FlatError, match=reason):
        flex_strings(options)


def test_hostile_offsets_and_lengths_are_errors() -> None:
    good = model("FlexAdd", flex_options("Add", nodedef("Add")))
    assert read_tflite(io.BytesIO(good)).flex[0].op == "Add"
    with pytest.raises(FlatError, match="over the limit"):
        read_tflite(io.BytesIO(model("FlexAdd", None, codes_count=2**31)))
    with pytest.raises(FlatError, match="runs past the end"):
        read_tflite(io.BytesIO(model("FlexAdd", None, codes_count=5000)))
    wild = bytearray(good)
    struct.pack_into("<I", wild, 0, 2**31)  # root table far outside the file
    with pytest.raises(FlatError, match="outside"):
        read_tflite(io.BytesIO(bytes(wild)))


def test_every_truncation_of_a_real_model_is_an_error_or_a_model() -> None:
    data = (GOLDEN / "HF616" / "fail" / "flex-write-file" / "model.tflite").read_bytes()
    for cut in range(len(data)):
        with contextlib.suppress(FlatError):
            read_tflite(io.BytesIO(data[:cut]))
