"""ONNX models written by the real ``onnx`` package (onnx.helper), for the HF601-HF605
golden cases (tests/golden/make_formats_fixtures.py), tests/test_formats_onnx.py and
benchmarks/formats_bench.py. Each builder returns a ModelProto; ``save`` writes it and
checks that onnx reads it back (``onnx.load`` without external data).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = [helper.make_opsetid("", 17)]


def external(name: str, shape: Sequence[int], location: str, offset: int | None = None,
             length: int | None = None) -> TensorProto:
    """A float32 tensor whose data is external at ``location``."""
    tensor = numpy_helper.from_array(np.zeros(shape, np.float32), name)
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    entries = {"location": location}
    if offset is not None:
        entries["offset"] = str(offset)
    if length is not None:
        entries["length"] = str(length)
    for key, value in entries.items():
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    return tensor


def _io(name: str, shape: Sequence[int] = (2,)) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape))


def add_model(
    initializers: Sequence[TensorProto] = (),
    nodes: Sequence[onnx.NodeProto] = (),
    functions: Sequence[onnx.FunctionProto] = (),
    opsets: Sequence[onnx.OperatorSetIdProto] = (),
) -> onnx.ModelProto:
    """Y = X + w (+ the extra nodes), with the given initializers (w among them or not)."""
    init = list(initializers) or [numpy_helper.from_array(np.ones(2, np.float32), "w")]
    graph = helper.make_graph([helper.make_node("Add", ["X", init[0].name], ["Y"]), *nodes], "g",
                              [_io("X")], [_io("Y")], init)
    return helper.make_model(graph, opset_imports=[*OPSET, *opsets], functions=list(functions),
                             producer_name="hflint-tests")


def constant_node(output: str, tensor: TensorProto) -> onnx.NodeProto:
    return helper.make_node("Constant", [], [output], value=tensor)


def if_model(then_nodes: Sequence[onnx.NodeProto], then_output: str) -> onnx.ModelProto:
    """An If whose then-branch holds ``then_nodes`` (a sub-graph, as exporters write it)."""
    then_graph = helper.make_graph(list(then_nodes), "then", [], [_io(then_output)])
    else_graph = helper.make_graph([helper.make_node("Identity", ["X"], ["E"])], "else", [], [_io("E")])
    cond = numpy_helper.from_array(np.array(True), "cond")
    node = helper.make_node("If", ["cond"], ["Y"], then_branch=then_graph, else_branch=else_graph)
    graph = helper.make_graph([node], "g", [_io("X")], [_io("Y")], [cond])
    return helper.make_model(graph, opset_imports=OPSET, producer_name="hflint-tests")


def local_function(domain: str, name: str, nodes: Sequence[onnx.NodeProto]) -> onnx.FunctionProto:
    return helper.make_function(domain, name, ["A"], ["B"], list(nodes), OPSET)


def save(model: onnx.ModelProto, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save_model(model, str(path))
    onnx.load(str(path), load_external_data=False)  # proves the file is a valid model
    return path


def save_with_data(model: onnx.ModelProto, path: Path, data_name: str) -> Path:
    """Saved by onnx's own external-data writer (every tensor of 16+ bytes to ``data_name``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=data_name, size_threshold=16)
    onnx.load(str(path))  # loads the external data too: the layout is valid
    return path


def big_weights_model(n: int = 4) -> onnx.ModelProto:
    """n initializers of 64 float32 each, chained by Adds."""
    inits = [numpy_helper.from_array(np.full(64, i, np.float32), f"w{i}") for i in range(n)]
    nodes = [helper.make_node("Add", ["X" if i == 0 else f"h{i}", f"w{i}"], [f"h{i + 1}" if i < n - 1 else "Y"])
             for i in range(n)]
    graph = helper.make_graph(nodes, "g", [_io("X", (64,))], [_io("Y", (64,))], inits)
    return helper.make_model(graph, opset_imports=OPSET, producer_name="hflint-tests")
