"""What the TFLite checks need from a model: its operator codes, and for each Flex operator
(a TensorFlow kernel run by the Flex delegate) the TensorFlow op it really runs.

Schema: tensorflow/compiler/mlir/lite/schema/schema.fbs (was tensorflow/lite/schema/
schema.fbs), file identifier ``TFL3``. Model{version=0, operator_codes=1, subgraphs=2};
OperatorCode{deprecated_builtin_code=0 (byte), custom_code=1, version=2,
builtin_code=3 (int32)}: the operator is max(deprecated_builtin_code, builtin_code)
(schema_utils.cc GetBuiltinCode), CUSTOM (32) naming it by custom_code. SubGraph{operators=3};
Operator{opcode_index=0, custom_options=5, large_custom_options_offset=9,
large_custom_options_size=10}.

The Flex delegate builds the op from the NodeDef serialised in the operator's
custom_options (tensorflow/lite/delegates/flex/kernel.cc ``InitializeNodeDef``: a
FlexBuffers vector ``[name, NodeDef]``, then ``OpRegistry::LookUp(nodedef.op())``), not from
``custom_code``: a ``FlexAdd`` code can run ``WriteFile``. So the NodeDef's op is read too,
with the protobuf walker (NodeDef.op is field 2).
"""

from __future__ import annotations

import io
from typing import BinaryIO, NamedTuple

from hflint.formats.flatbuf import FlatError, FlatFile, flex_strings
from hflint.formats.protowire import LEN, WireError, WireReader

__all__ = ["FlatError", "OpCode", "TFLiteInfo", "read_tflite"]

IDENTIFIER = b"TFL3"
CUSTOM = 32
FLEX_PREFIX = "Flex"
MAX_CODES = 100_000
MAX_SUBGRAPHS = 10_000
MAX_OPERATORS = 2_000_000
MAX_NAME = 1 << 16
MAX_OPTIONS = 1 << 24


class OpCode(NamedTuple):
    slot: int
    builtin: int
    custom: str | None  # custom_code when the operator is CUSTOM


class FlexUse(NamedTuple):
    where: str  # "/subgraphs/0/operators/3"
    code: str  # custom_code, e.g. "FlexWriteFile"
    op: str  # the NodeDef's op: what the delegate runs


class TFLiteInfo(NamedTuple):
    codes: list[OpCode]
    flex: list[FlexUse]


def read_tflite(fh: BinaryIO) -> TFLiteInfo:
    """FlatError when the file is not a TFLite flatbuffer within the limits."""
    f = FlatFile(fh)
    if f.size < 8:
        raise FlatError(f"file is {f.size} bytes, too small for a flatbuffer")
    if f.read(4, 4) != IDENTIFIER:
        raise FlatError("no TFL3 file identifier: not a TFLite flatbuffer")
    model = f.root()
    codes = []
    for index, table in enumerate(f.tables(model, 1, MAX_CODES)):
        deprecated = f.scalar(table, 0, "b", 0)
        builtin = max(deprecated, f.scalar(table, 3, "i", 0))
        custom = f.string(table, 1, MAX_NAME) if builtin == CUSTOM else None
        codes.append(OpCode(index, builtin, custom))
    flex_codes = {c.slot: c.custom or "" for c in codes if (c.custom or "").startswith(FLEX_PREFIX)}
    flex: list[FlexUse] = []
    if flex_codes:
        operators = 0
        for s, subgraph in enumerate(f.tables(model, 2, MAX_SUBGRAPHS)):
            for o, operator in enumerate(f.tables(subgraph, 3, MAX_OPERATORS)):
                operators += 1
                if operators > MAX_OPERATORS:
                    raise FlatError(f"more than {MAX_OPERATORS} operators; not analysed further")
                code = flex_codes.get(f.scalar(operator, 0, "I", 0))
                if code is not None:
                    flex.append(FlexUse(f"/subgraphs/{s}/operators/{o}", code, _flex_op(f, operator)))
    return TFLiteInfo(codes, flex)


def _flex_op(f: FlatFile, operator: int) -> str:
    start, length = f.vector(operator, 5, 1, MAX_OPTIONS)
    if not length:
        size = f.scalar(operator, 10, "Q", 0)
        if size > MAX_OPTIONS:
            raise FlatError(f"large custom options of {size} bytes, over the limit of {MAX_OPTIONS}")
        start, length = f.scalar(operator, 9, "Q", 0), size
    if not length:
        raise FlatError("a Flex operator has no custom options (no NodeDef to run)")
    items = flex_strings(f.read(start, length))
    if len(items) < 2:
        raise FlatError("a Flex operator's custom options do not hold [name, NodeDef]")
    op = ""
    try:
        reader = WireReader(io.BytesIO(items[1]))
        for number, wire, value, size in reader.fields(reader.whole, 0):
            if number == 2 and wire == LEN:
                op = reader.string(value, size)
    except WireError as exc:
        raise FlatError(f"a Flex operator's NodeDef does not parse: {exc}") from None
    return op
