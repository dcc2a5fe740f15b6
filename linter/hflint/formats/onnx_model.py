"""What the ONNX checks need from a model file: every tensor whose data is external, and
every operator used, read with the shared protobuf walker (hflint.formats.protowire).

Field numbers are those of onnx/onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto):
ModelProto{graph=7, training_info=20, functions=25}; GraphProto{node=1, initializer=5,
sparse_initializer=15}; NodeProto{name=3, op_type=4, attribute=5, domain=7};
AttributeProto{t=5, g=6, tensors=10, graphs=11, sparse_tensor=22, sparse_tensors=23};
TensorProto{dims=1, data_type=2, name=8, external_data=13, data_location=14 (EXTERNAL=1)};
StringStringEntryProto{key=1, value=2}; SparseTensorProto{values=1, indices=2};
TrainingInfoProto{initialization=1, algorithm=2}; FunctionProto{name=1, node=7, domain=10,
attribute_proto=11}. Tensor data (raw_data, float_data...) is skipped, never read, and
external data files are never opened.

Every place a tensor can hide is walked, as onnx's ``external_data_helper._get_all_tensors``
and onnxruntime's graph loader do, and more: attribute tensors and sub-graphs whatever the
attribute's declared type, the graphs of training_info, and the nodes and default attributes
of model-local functions. Singular sub-messages are merged over their occurrences as the
protobuf parsers merge them, so a tensor split into two fields is seen whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO, NamedTuple

from hflint.formats.protowire import DEFAULT_LIMITS, LEN, VARINT, Limits, Span, WireError, WireReader, int32

__all__ = ["ExternalTensor", "ModelInfo", "OpUse", "WireError", "read_model"]

EXTERNAL = 1  # TensorProto.DataLocation.EXTERNAL
MAX_EXTERNAL = 500_000  # external tensors kept per file (real models: up to a few thousand)
MAX_OPS = 100_000  # distinct (domain, op_type) pairs kept per file (real models: under 200)


class ExternalTensor(NamedTuple):
    where: str  # "/graph/initializer/3": the tensor's place, as the proto's field names
    name: str
    entries: tuple[tuple[str, str], ...]  # external_data key/value pairs, in order
    data_type: int
    dims: tuple[int, ...]


class OpUse(NamedTuple):
    nodes: int
    where: str  # the first node using it
    node: str  # that node's name


class ModelInfo(NamedTuple):
    external: list[ExternalTensor]
    ops: dict[tuple[str, str], OpUse]  # (domain, op_type) -> use
    functions: frozenset[tuple[str, str]]  # (domain, name) of the model's own functions


class _Walker:
    def __init__(self, reader: WireReader) -> None:
        self.r = reader
        self.external: list[ExternalTensor] = []
        self.ops: dict[tuple[str, str], OpUse] = {}
        self.functions: set[tuple[str, str]] = set()

    def _str(self, start: int, length: int) -> str:
        return self.r.string(start, length)

    # ModelProto
    def model(self) -> None:
        graphs: list[Span] = []
        counts = {20: 0, 25: 0}
        for number, wire, value, length in self.r.fields(self.r.whole, 0):
            if wire != LEN:
                continue
            if number == 7:
                graphs.append((value, value + length))
            elif number in counts:
                index = counts[number]
                counts[number] += 1
                if number == 20:
                    self.training_info((value, value + length), f"/training_info/{index}", 1)
                else:
                    self.function((value, value + length), f"/functions/{index}", 1)
        if not graphs:
            # ModelProto.graph is required (onnx/checker.cc: "The model does not have a graph");
            # an empty or cut file parses as a ModelProto without one, which onnxruntime
            # refuses: a pass would claim a file was checked that holds nothing to check.
            raise WireError("the model holds no graph (ModelProto field 7): an empty or cut file, which "
                            "onnxruntime cannot load")
        self.graph(graphs, "/graph", 1)

    def training_info(self, span: Span, where: str, depth: int) -> None:
        parts: dict[int, list[Span]] = {1: [], 2: []}
        for number, wire, value, length in self.r.fields((span,), depth):
            if wire == LEN and number in parts:
                parts[number].append((value, value + length))
        for number, name in ((1, "initialization"), (2, "algorithm")):
            if parts[number]:
                self.graph(parts[number], f"{where}/{name}", depth + 1)

    def function(self, span: Span, where: str, depth: int) -> None:
        name = domain = ""
        nodes = attrs = 0
        for number, wire, value, length in self.r.fields((span,), depth):
            if wire != LEN:
                continue
            if number == 1:
                name = self._str(value, length)
            elif number == 10:
                domain = self._str(value, length)
            elif number == 7:
                self.node((value, value + length), f"{where}/node/{nodes}", depth + 1)
                nodes += 1
            elif number == 11:
                self.attribute((value, value + length), f"{where}/attribute_proto/{attrs}", depth + 1)
                attrs += 1
        self.functions.add((domain, name))

    # GraphProto
    def graph(self, spans: Sequence[Span], where: str, depth: int) -> None:
        counts = {1: 0, 5: 0, 15: 0}
        for number, wire, value, length in self.r.fields(spans, depth):
            if wire != LEN or number not in counts:
                continue
            span, index = (value, value + length), counts[number]
            counts[number] += 1
            if number == 1:
                self.node(span, f"{where}/node/{index}", depth + 1)
            elif number == 5:
                self.tensor([span], f"{where}/initializer/{index}", depth + 1)
            else:
                self.sparse([span], f"{where}/sparse_initializer/{index}", depth + 1)

    # NodeProto
    def node(self, span: Span, where: str, depth: int) -> None:
        op_type = domain = name = ""
        attrs = 0
        for number, wire, value, length in self.r.fields((span,), depth):
            if wire != LEN:
                continue
            if number == 4:
                op_type = self._str(value, length)
            elif number == 7:
                domain = self._str(value, length)
            elif number == 3:
                name = self._str(value, length)
            elif number == 5:
                self.attribute((value, value + length), f"{where}/attribute/{attrs}", depth + 1)
                attrs += 1
        key = (domain, op_type)
        use = self.ops.get(key)
        if use is None:
            if len(self.ops) >= MAX_OPS:
                raise WireError(f"more than {MAX_OPS} distinct operators; not analysed further")
            self.ops[key] = OpUse(1, where, name)
        else:
            self.ops[key] = use._replace(nodes=use.nodes + 1)

    # AttributeProto
    def attribute(self, span: Span, where: str, depth: int) -> None:
        single: dict[int, list[Span]] = {5: [], 6: [], 22: []}
        counts = {10: 0, 11: 0, 23: 0}
        for number, wire, value, length in self.r.fields((span,), depth):
            if wire != LEN:
                continue
            sub = (value, value + length)
            if number in single:
                single[number].append(sub)
            elif number in counts:
                index = counts[number]
                counts[number] += 1
                if number == 10:
                    self.tensor([sub], f"{where}/tensors/{index}", depth + 1)
                elif number == 11:
                    self.graph([sub], f"{where}/graphs/{index}", depth + 1)
                else:
                    self.sparse([sub], f"{where}/sparse_tensors/{index}", depth + 1)
        if single[5]:
            self.tensor(single[5], f"{where}/t", depth + 1)
        if single[6]:
            self.graph(single[6], f"{where}/g", depth + 1)
        if single[22]:
            self.sparse(single[22], f"{where}/sparse_tensor", depth + 1)

    # SparseTensorProto
    def sparse(self, spans: Sequence[Span], where: str, depth: int) -> None:
        parts: dict[int, list[Span]] = {1: [], 2: []}
        for number, wire, value, length in self.r.fields(spans, depth):
            if wire == LEN and number in parts:
                parts[number].append((value, value + length))
        for number, name in ((1, "values"), (2, "indices")):
            if parts[number]:
                self.tensor(parts[number], f"{where}/{name}", depth + 1)

    # TensorProto
    def tensor(self, spans: Sequence[Span], where: str, depth: int) -> None:
        location = 0
        name = ""
        data_type = 0
        dims: list[int] = []
        entries: list[tuple[str, str]] = []
        for number, wire, value, length in self.r.fields(spans, depth):
            if number == 14 and wire == VARINT:
                # A closed proto2 enum: an unknown value is kept aside, the field unchanged.
                if int32(value) in (0, 1):
                    location = int32(value)
            elif number == 13 and wire == LEN:
                entries.append(self._entry((value, value + length), depth + 1))
            elif number == 8 and wire == LEN:
                name = self._str(value, length)
            elif number == 2 and wire == VARINT:
                data_type = int32(value)
            elif number == 1 and wire == VARINT:
                dims.append(value)
            elif number == 1 and wire == LEN:  # packed
                dims.extend(self.r.varints(value, length))
        if location == EXTERNAL:
            if len(self.external) >= MAX_EXTERNAL:
                raise WireError(f"more than {MAX_EXTERNAL} external tensors; not analysed further")
            signed = tuple(d - (1 << 64) if d >= 1 << 63 else d for d in dims)
            self.external.append(ExternalTensor(where, name, tuple(entries), data_type, signed))

    def _entry(self, span: Span, depth: int) -> tuple[str, str]:
        key = value = ""
        for number, wire, start, length in self.r.fields((span,), depth):
            if wire == LEN and number == 1:
                key = self._str(start, length)
            elif wire == LEN and number == 2:
                value = self._str(start, length)
        return key, value


def read_model(fh: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> ModelInfo:
    """The external tensors and operators of the ONNX model in ``fh``; WireError otherwise."""
    walker = _Walker(WireReader(fh, limits))
    walker.model()
    return ModelInfo(walker.external, walker.ops, frozenset(walker.functions))

