"""Recognise the protobuf model formats, which have no magic number, by their content: ONNX
ModelProto, TensorFlow SavedModel and GraphDef (used by hflint.identify.formats_of).

A protobuf parser accepts any well-formed stream and skips the fields it does not know or
whose wire type is not the schema's (they become unknown fields), so a format is recognised
the way its loader reads it, in two steps:

1. the top-level message is well-formed to the end of the file: every field walked with the
   shared bounded walker (hflint.formats.protowire), values skipped by seeking, at most
   ``MAX_TOP_FIELDS`` fields (a model with more is judged on those);
2. the fields its loader uses have the format's shape, looked at to a bounded depth:

   * ONNX (onnx/onnx.proto ModelProto): ``ir_version`` (1, varint) or ``opset_import`` (8),
     which every exporter writes and onnxruntime requires, and a ``graph`` (7) holding a
     node, an initializer or a sparse initializer (GraphProto 1, 5, 15), or a model-local
     function with nodes (``functions`` 25, FunctionProto ``node`` 7);
   * SavedModel (tensorflow/core/protobuf/saved_model.proto): a ``meta_graphs`` entry (2)
     whose MetaGraphDef holds a ``graph_def`` (2) shaped as a GraphDef below;
   * GraphDef (tensorflow/core/framework/graph.proto): ``node`` entries (1) whose first
     ``SAMPLE_NODES`` each have a name (NodeDef 1) and an op (NodeDef 2) spelled as TensorFlow
     spells them.

Other protobufs on the Hub do not have these shapes: a SentencePiece model's pieces carry a
float score where a NodeDef has its op, a TF1 ``.meta`` MetaGraphDef has no ir_version or
opset, a ``fingerprint.pb`` no graph. ``tests/test_sniff.py`` checks random bytes, text,
the other formats' samples and every fixture of the repository.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

from hflint.formats.protowire import LEN, VARINT, Limits, Span, WireError, WireReader

ONNX = "onnx"
SAVED_MODEL = "tf-saved-model"
GRAPH_DEF = "tf-graph-def"

MAX_TOP_FIELDS = 1 << 16  # a frozen graph has one per node; a hostile file of tiny fields stops here
MAX_INNER_FIELDS = 4096  # fields of one sub-message looked at for the shape
SAMPLE_NODES = 16
WINDOW = 1 << 14  # small reads: most files are rejected within their first bytes
WINDOW_PARSE = 1 << 20
LIMITS = Limits(max_fields=MAX_TOP_FIELDS + 16 * MAX_INNER_FIELDS, max_string=1 << 12, max_seconds=10.0)

_ONNX_GRAPH_CONTENT = frozenset({1, 5, 15})  # GraphProto node, initializer, sparse_initializer
MAX_CHECKED_FIELDS = 1 << 16
# onnx/onnx.proto (onnx 1.17-1.19), message -> ({field: message it holds}, {packed repeated
# scalar field: its fixed size, 0 for varints}); tests/test_sniff.py compares it with the
# onnx package's descriptors.
ONNX_SCHEMA: dict[str, tuple[dict[int, str], dict[int, int]]] = {
    "Model": ({7: "Graph", 8: "Leaf", 14: "Leaf", 20: "Training", 25: "Function", 26: "Leaf"}, {}),
    "Graph": (
        {1: "Node", 5: "Tensor", 11: "Value", 12: "Value", 13: "Value", 14: "Annotation", 15: "Sparse", 16: "Leaf"},
        {},
    ),
    "Node": ({5: "Attribute", 9: "Leaf", 10: "NodeDevice"}, {}),
    "Attribute": (
        {5: "Tensor", 6: "Graph", 10: "Tensor", 11: "Graph", 14: "Type", 15: "Type", 22: "Sparse", 23: "Sparse"},
        {7: 4, 8: 0},  # floats, ints
    ),
    "Tensor": ({3: "Leaf", 13: "Leaf", 16: "Leaf"}, {1: 0, 4: 4, 5: 0, 7: 0, 10: 8, 11: 0}),
    "Sparse": ({1: "Tensor", 2: "Tensor"}, {3: 0}),
    "Type": ({1: "TypeTensor", 4: "TypeOne", 5: "TypeMap", 7: "Leaf", 8: "TypeTensor", 9: "TypeOne"}, {}),
    "TypeTensor": ({2: "Shape"}, {}),
    "TypeOne": ({1: "Type"}, {}),  # Sequence and Optional: elem_type
    "TypeMap": ({2: "Type"}, {}),
    "Shape": ({1: "Leaf"}, {}),
    "NodeDevice": ({2: "Sharding"}, {}),
    "Sharding": ({3: "IntList", 4: "ShardedDim"}, {2: 0}),
    "IntList": ({}, {2: 0}),
    "ShardedDim": ({2: "Leaf"}, {}),
    "Value": ({2: "Type", 4: "Leaf"}, {}),
    "Annotation": ({2: "Leaf"}, {}),
    "Training": ({1: "Graph", 2: "Graph", 3: "Leaf", 4: "Leaf"}, {}),
    "Function": ({7: "Node", 9: "Leaf", 11: "Attribute", 12: "Value", 14: "Leaf"}, {}),
    "Leaf": ({}, {}),  # a message without sub-messages or packed fields: its fields parse
}  # fmt: skip
# TensorFlow names (tensorflow/core/graph/graph.cc, op_def_builder.cc): a node name, and an op
# that is a registered op (CamelCase) or a library function (__inference_f_12, a_b.c).
_NODE_NAME = re.compile(r"[A-Za-z0-9._][A-Za-z0-9_.\-/>]*")
_OP_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/>]*")


def recognise(fh: BinaryIO) -> frozenset[str]:
    """The protobuf model formats the content of ``fh`` is (none, or one: a SavedModel is
    never also called a GraphDef)."""
    reader = WireReader(fh, LIMITS, window=WINDOW)
    if reader.size == 0:
        return frozenset()
    try:
        top = _Top(reader)
    except WireError:
        return frozenset()  # not a well-formed protobuf message: no loader reads it
    found = set()
    if _holds(top.onnx):
        found.add(ONNX)
    if _holds(top.saved_model):
        found.add(SAVED_MODEL)
    elif _holds(top.graph_def):
        found.add(GRAPH_DEF)
    return frozenset(found)


def _holds(shape: Callable[[], bool]) -> bool:
    """A shape check; a sub-message that does not parse is not that format's (the same
    bytes may be another format's string)."""
    try:
        return shape()
    except WireError:
        return False


class _Top:
    """The top-level fields of the file, walked once: first spans of the fields that
    identify a format, by number and wire type."""

    def __init__(self, reader: WireReader) -> None:
        self.r = reader
        self.spans: dict[tuple[int, int], list[Span]] = {}
        for count, (number, wire, value, length) in enumerate(reader.fields(reader.whole, 0)):
            if count >= MAX_TOP_FIELDS:
                break
            kept = self.spans.setdefault((number, wire), [])
            if len(kept) < SAMPLE_NODES:
                kept.append((value, value + length) if wire == LEN else (value, value))

    def has(self, number: int, wire: int) -> bool:
        return (number, wire) in self.spans

    def first(self, number: int) -> Span | None:
        spans = self.spans.get((number, LEN))
        return spans[0] if spans else None

    def inner(self, span: Span) -> Iterator[tuple[int, int, int, int]]:
        for count, field in enumerate(self.r.fields((span,), 1)):
            if count >= MAX_INNER_FIELDS:
                return
            yield field

    # -- ONNX ------------------------------------------------------------------------------

    def onnx(self) -> bool:
        if not (self.has(1, VARINT) or self.has(8, LEN)):
            return False
        graph = self.first(7)
        shaped = graph is not None and any(n in _ONNX_GRAPH_CONTENT and w == LEN for n, w, _, _ in self.inner(graph))
        function = self.first(25)
        shaped = shaped or (function is not None and any(n == 7 and w == LEN for n, w, _, _ in self.inner(function)))
        # The leading fields are read in one pass through the file: a window of protowire's
        # size, so that a model on the Hub costs a few range requests, not one per 16 KiB.
        reader = WireReader(self.r.fh, LIMITS, window=WINDOW_PARSE)
        return shaped and _Parse(reader).message(reader.whole[0], "Model", 0)

    # -- TensorFlow ------------------------------------------------------------------------

    def saved_model(self) -> bool:
        meta = self.first(2)
        if meta is None:
            return False
        graphs = [(v, v + n) for number, wire, v, n in self.inner(meta) if number == 2 and wire == LEN]
        return bool(graphs) and _graph_def(self.r, graphs[0])

    def graph_def(self) -> bool:
        nodes = self.spans.get((1, LEN), [])
        return bool(nodes) and all(_node(self.r, span) for span in nodes)


class _Parse:
    """What protobuf's parser checks of a message's leading part: every sub-message the
    schema names parses as that message, every packed repeated scalar is whole varints or
    fixed-size values; at most MAX_CHECKED_FIELDS fields (a model's first nodes, tensors and
    types), so that what hflint calls ONNX is what onnx.load reads, to that depth."""

    def __init__(self, reader: WireReader) -> None:
        self.r = reader
        self.left = MAX_CHECKED_FIELDS

    def message(self, span: Span, name: str, depth: int) -> bool:
        subs, packed = ONNX_SCHEMA[name]
        for number, wire, value, length in self.r.fields((span,), depth):
            self.left -= 1
            if self.left < 0:
                return True  # the rest is the kind's to read (HF605 when it breaks)
            if wire != LEN:
                continue
            sub = subs.get(number)
            if sub is not None and not self.message((value, value + length), sub, depth + 1):
                return False
            size = packed.get(number)
            if size is not None and not self._packed(value, length, size):
                return False
        return True

    def _packed(self, start: int, length: int, size: int) -> bool:
        if size:
            return length % size == 0
        for _ in self.r.varints(start, length):
            pass
        return True


def _graph_def(reader: WireReader, span: Span) -> bool:
    nodes: list[Span] = []
    library = False
    for count, (number, wire, value, length) in enumerate(reader.fields((span,), 2)):
        if count >= MAX_INNER_FIELDS or len(nodes) >= SAMPLE_NODES:
            break
        if number == 1 and wire == LEN:
            nodes.append((value, value + length))
        library |= number == 2 and wire == LEN
    return (bool(nodes) or library) and all(_node(reader, s) for s in nodes)


def _node(reader: WireReader, span: Span) -> bool:
    """A NodeDef with a TensorFlow node name (1) and op (2), both strings."""
    name = op = None
    for count, (number, wire, value, length) in enumerate(reader.fields((span,), 3)):
        if count >= MAX_INNER_FIELDS:
            break
        if wire == LEN and number in (1, 2) and length <= 4096:
            text = reader.read(value, length).decode("ascii", "replace")
            if number == 1:
                name = text
            else:
                op = text
        elif number in (1, 2):
            return False  # a name or op that is not a string: not a NodeDef
    return (
        name is not None
        and op is not None
        and _NODE_NAME.fullmatch(name) is not None
        and _OP_NAME.fullmatch(op) is not None
    )
