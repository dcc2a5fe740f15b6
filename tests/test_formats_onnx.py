"""ONNX (HF601-HF605): hflint's protobuf walker against the real ``onnx`` package.

Models are built with onnx.helper (tests/golden/formats_onnx.py). For each, what hflint's
walker decodes (external tensors, operators) must equal what an independent walk of onnx's
own parsed objects finds, and include everything onnx's external_data_helper finds.
Hostile inputs are built in code: raw protobuf bytes, sparse multi-GB files.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import AttributeProto, TensorProto, external_data_helper, helper, numpy_helper

from hflint.config import Config
from hflint.engine import scan
from hflint.formats.onnx_model import read_model
from hflint.formats.protowire import Limits, WireError
from hflint.kinds.onnx_model import location_escape

sys.path.insert(0, str(Path(__file__).parent / "golden"))
import formats_onnx as ox

sys.path.insert(0, str(Path(__file__).parent))
from protoenc import field as _field
from protoenc import varint as _varint

# -- an independent reference: walk onnx's parsed Python objects --------------------------


def _ref_graph(g: onnx.GraphProto, where: str, out: dict[str, list[object]]) -> None:
    for i, t in enumerate(g.initializer):
        _ref_tensor(t, f"{where}/initializer/{i}", out)
    for i, s in enumerate(g.sparse_initializer):
        _ref_sparse(s, f"{where}/sparse_initializer/{i}", out)
    for i, n in enumerate(g.node):
        _ref_node(n, f"{where}/node/{i}", out)


def _ref_node(n: onnx.NodeProto, where: str, out: dict[str, list[object]]) -> None:
    out["ops"].append((n.domain, n.op_type))
    for i, a in enumerate(n.attribute):
        _ref_attr(a, f"{where}/attribute/{i}", out)


def _ref_attr(a: AttributeProto, where: str, out: dict[str, list[object]]) -> None:
    if a.HasField("t"):
        _ref_tensor(a.t, f"{where}/t", out)
    if a.HasField("g"):
        _ref_graph(a.g, f"{where}/g", out)
    if a.HasField("sparse_tensor"):
        _ref_sparse(a.sparse_tensor, f"{where}/sparse_tensor", out)
    for i, t in enumerate(a.tensors):
        _ref_tensor(t, f"{where}/tensors/{i}", out)
    for i, g in enumerate(a.graphs):
        _ref_graph(g, f"{where}/graphs/{i}", out)
    for i, s in enumerate(a.sparse_tensors):
        _ref_sparse(s, f"{where}/sparse_tensors/{i}", out)


def _ref_sparse(s: onnx.SparseTensorProto, where: str, out: dict[str, list[object]]) -> None:
    if s.HasField("values"):
        _ref_tensor(s.values, f"{where}/values", out)
    if s.HasField("indices"):
        _ref_tensor(s.indices, f"{where}/indices", out)


def _ref_tensor(t: TensorProto, where: str, out: dict[str, list[object]]) -> None:
    if t.data_location == TensorProto.EXTERNAL:
        entries = tuple((e.key, e.value) for e in t.external_data)
        out["external"].append((where, t.name, entries, t.data_type, tuple(t.dims)))


def reference(model: onnx.ModelProto) -> tuple[list[object], Counter[tuple[str, str]], set[tuple[str, str]]]:
    out: dict[str, list[object]] = {"external": [], "ops": []}
    if model.HasField("graph"):
        _ref_graph(model.graph, "/graph", out)
    for i, f in enumerate(model.functions):
        for j, n in enumerate(f.node):
            _ref_node(n, f"/functions/{i}/node/{j}", out)
        for j, a in enumerate(f.attribute_proto):
            _ref_attr(a, f"/functions/{i}/attribute_proto/{j}", out)
    for i, ti in enumerate(model.training_info):
        _ref_graph(ti.initialization, f"/training_info/{i}/initialization", out)
        _ref_graph(ti.algorithm, f"/training_info/{i}/algorithm", out)
    ops: Counter[tuple[str, str]] = Counter(out["ops"])  # type: ignore[arg-type]
    return sorted(out["external"]), ops, {(f.domain, f.name) for f in model.functions}  # type: ignore[type-var]


def hflint_view(data: bytes) -> tuple[list[object], Counter[tuple[str, str]], set[tuple[str, str]]]:
    info = read_model(io.BytesIO(data))
    ops = Counter({k: u.nodes for k, u in info.ops.items()})
    return sorted(tuple(e) for e in info.external), ops, set(info.functions)


# -- models --------------------------------------------------------------------------------


def _loop_model() -> onnx.ModelProto:
    body_const = ox.constant_node("c", ox.external("loop_c", [2], "body.bin", 0, 8))
    body = helper.make_graph(
        [body_const, helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Add", ["v", "c"], ["v2"])],
        "body", [helper.make_tensor_value_info("i", TensorProto.INT64, []),
                 helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
                 helper.make_tensor_value_info("v", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v2", TensorProto.FLOAT, [2])])
    loop = helper.make_node("Loop", ["n", "", "X"], ["Y"], body=body)
    n = numpy_helper.from_array(np.array(3, np.int64), "n")
    graph = helper.make_graph([loop], "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [2])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [2])], [n])
    return helper.make_model(graph, opset_imports=ox.OPSET)


def _scan_and_tensors_model() -> onnx.ModelProto:
    scan_body = helper.make_graph([ox.constant_node("o", ox.external("scan_c", [2], "../scan.bin"))], "sb", [],
                                  [helper.make_tensor_value_info("o", TensorProto.FLOAT, [2])])
    scan_node = helper.make_node("Scan", ["X"], ["S"], body=scan_body, num_scan_inputs=1)
    listed = helper.make_node("Custom", [], ["L"], domain="acme",
                              tensors=[ox.external("t0", [1], "a.bin"), ox.external("t1", [1], "b.bin")])
    return ox.add_model(nodes=[scan_node, listed], opsets=[helper.make_opsetid("acme", 1)])


def _sparse_model() -> onnx.ModelProto:
    values = ox.external("sp_values", [2], "sparse.bin", 0, 8)
    indices = numpy_helper.from_array(np.array([0, 3], np.int64), "sp_indices")
    sparse = helper.make_sparse_tensor(values, indices, [4])
    model = ox.add_model()
    model.graph.sparse_initializer.append(sparse)
    attr_sparse = helper.make_node("Constant", [], ["S"], sparse_value=helper.make_sparse_tensor(
        ox.external("attr_sp", [1], "attr_sparse.bin"), numpy_helper.from_array(np.array([1], np.int64)), [4]))
    model.graph.node.append(attr_sparse)
    return model


def _training_model() -> onnx.ModelProto:
    model = ox.add_model([ox.external("w", [2], "model.onnx.data", 0, 8)])
    algorithm = helper.make_graph([ox.constant_node("lr", ox.external("lr", [1], "../../lr.bin"))], "algo", [], [])
    model.training_info.append(helper.make_training_info(algorithm, [], None, []))
    return model


MODELS = {
    "plain": ox.add_model(),
    "initializer-external": ox.add_model([ox.external("w", [2], "weights/../w.bin", 16, 8)]),
    "if-branch": ox.if_model([ox.constant_node("T", ox.external("c", [2], "..\\x"))], "T"),
    "loop-body": _loop_model(),
    "scan-and-tensors": _scan_and_tensors_model(),
    "sparse": _sparse_model(),
    "function": ox.add_model(
        functions=[ox.local_function("pkg.local", "F", [ox.constant_node("B", ox.external("f", [2], "/abs"))])],
        nodes=[helper.make_node("F", ["Y"], ["Z"], domain="pkg.local")],
        opsets=[helper.make_opsetid("pkg.local", 1)]),
    "training-info": _training_model(),
    "custom-domains": ox.add_model(nodes=[helper.make_node("PyOp", ["Y"], ["P"], domain="x", module="os"),
                                          helper.make_node("Gelu", ["Y"], ["G"], domain="com.microsoft")],
                                   opsets=[helper.make_opsetid("x", 1), helper.make_opsetid("com.microsoft", 1)]),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_walker_agrees_with_onnx(name: str) -> None:
    data = MODELS[name].SerializeToString()
    parsed = onnx.load_from_string(data)  # what onnx decodes from the same bytes
    assert hflint_view(data) == reference(parsed)
    # and at least everything onnx's own external-data helper would load
    onnx_external = {t.name for t in external_data_helper._get_all_tensors(parsed)
                     if external_data_helper.uses_external_data(t)}
    assert onnx_external <= {e[1] for e in hflint_view(data)[0]}  # type: ignore[index]


def test_the_golden_files_decode_as_onnx_decodes_them() -> None:
    files = sorted((Path(__file__).parent / "golden").glob("HF60[1-4]/*/*/**/*.onnx"))
    assert len(files) >= 15
    for path in files:
        data = path.read_bytes()
        assert hflint_view(data) == reference(onnx.load_from_string(data)), path


# -- protobuf semantics the walker must share with the parsers -----------------------------






def test_a_tensor_split_over_two_occurrences_is_merged_as_protobuf_merges_it() -> None:
    # occurrence 1: the location, data_location unset; occurrence 2: data_location=EXTERNAL.
    # Read apart, neither is an external tensor; merged (as onnx reads it) it is.
    part1 = ox.external("w", [2], "../../etc/passwd")
    part1.ClearField("data_location")
    part2 = TensorProto(data_location=TensorProto.EXTERNAL)
    attr = AttributeProto(name="value", type=AttributeProto.TENSOR).SerializeToString()
    attr += _field(5, part1.SerializeToString()) + _field(5, part2.SerializeToString())
    node = helper.make_node("Constant", [], ["C"]).SerializeToString() + _field(5, attr)
    model = ox.add_model()
    data = model.SerializeToString() + _field(7, _field(1, node))  # a second `graph` occurrence
    parsed = onnx.load_from_string(data)
    assert len(parsed.graph.node) == 2  # the two graph occurrences were merged
    assert parsed.graph.node[1].attribute[0].t.data_location == TensorProto.EXTERNAL
    assert hflint_view(data) == reference(parsed)
    assert [e.where for e in read_model(io.BytesIO(data)).external] == ["/graph/node/1/attribute/0/t"]


def test_an_unknown_data_location_value_leaves_the_field_unchanged() -> None:
    tensor = ox.external("w", [2], "../x")
    raw = tensor.SerializeToString() + _varint(14 << 3) + _varint(7)  # data_location = 7 (unknown)
    data = ox.add_model().SerializeToString() + _field(7, _field(5, raw))
    assert hflint_view(data) == reference(onnx.load_from_string(data))
    assert len(read_model(io.BytesIO(data)).external) == 1


# -- hostile inputs --------------------------------------------------------------------------


def _nested(depth: int) -> bytes:
    graph = b""
    for _ in range(depth):
        attr = _field(6, graph)
        graph = _field(1, _field(5, attr))
    return _field(7, graph)


def test_nesting_past_protobufs_limit_is_an_error_not_a_recursion() -> None:
    read_model(io.BytesIO(_nested(30)))  # 30 graphs deep = 91 messages: within the limit
    with pytest.raises(WireError, match="nested more than 100"):
        read_model(io.BytesIO(_nested(40)))
    with pytest.raises(WireError, match="nested"):
        read_model(io.BytesIO(_nested(5000)))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_varint(7 << 3 | 2) + _varint(2**60), "runs past the end"),
        (_varint(7 << 3 | 2) + b"\xff" * 11, "malformed varint"),
        (b"\x0f", "invalid wire type"),
        (b"\x00\x00", "invalid field number 0"),
        (_varint(7 << 3 | 3) + b"\x08\x01", "not closed"),
        (_field(7, _field(1, _field(4, b"x" * 70_000))), "over the 65536-byte limit"),
    ],
)
def test_malformed_messages_are_errors_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(WireError, match=reason):
        read_model(io.BytesIO(data))


def test_every_truncation_of_a_real_model_is_an_error_or_a_model() -> None:
    data = MODELS["scan-and-tensors"].SerializeToString()
    for cut in range(len(data)):
        with contextlib.suppress(WireError):
            read_model(io.BytesIO(data[:cut]))


def test_a_flood_of_tiny_fields_stops_at_the_field_budget() -> None:
    data = _field(7, b"\x10\x00" * 600_000)  # GraphProto field 2 (varint): 600k fields
    with pytest.raises(WireError, match="more than 100000 protobuf fields"):
        read_model(io.BytesIO(data), Limits(max_fields=100_000))


def test_a_model_over_the_2gb_protobuf_limit_is_read_in_pieces(tmp_path: Path) -> None:
    """A 3 GB initializer (a hole in a sparse file) before the nodes: the walker seeks over
    it and still finds the PyOp after it, reading a few windows."""
    huge = 3 * 2**30
    head = ox.external("w", [2], "../../etc/passwd").SerializeToString()
    tensor_head = head + _varint(9 << 3 | 2) + _varint(huge)  # raw_data of 3 GB follows
    node = helper.make_node("PyOp", ["X"], ["Y"], domain="x").SerializeToString()
    graph_len = len(_varint(5 << 3 | 2)) + len(_varint(len(tensor_head) + huge)) + len(tensor_head) + huge
    graph_len += len(_field(1, node))
    path = tmp_path / "big.onnx"
    with open(path, "wb") as fh:
        fh.write(_varint(7 << 3 | 2) + _varint(graph_len) + _varint(5 << 3 | 2) + _varint(len(tensor_head) + huge))
        fh.write(tensor_head)
        fh.seek(huge, os.SEEK_CUR)
        fh.write(_field(1, node))
    with open(path, "rb") as fh:
        info = read_model(fh)  # type: ignore[arg-type]
    assert [(e.name, dict(e.entries)["location"]) for e in info.external] == [("w", "../../etc/passwd")]
    assert ("x", "PyOp") in info.ops


# -- locations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "escapes"),
    [
        ("model.onnx.data", False),
        ("weights/part-0.bin", False),
        ("weights/../model.onnx.data", False),
        ("./model.data", False),
        ("weights/../../x", True),
        ("../x", True),
        ("..", True),
        ("..\\..\\x", True),
        ("/etc/passwd", True),
        ("\\\\server\\share\\x", True),
        ("C:/x", True),
        ("c:x", True),
        ("*/_ORT_MEM_ADDR_/*", True),
        ("a\x00b", True),
    ],
)
def test_location_escape_table(location: str, escapes: bool) -> None:
    assert (location_escape(location) is not None) is escapes


def _scan(root: Path, select: str) -> list[tuple[str, str, str]]:
    result = scan(root, Config(select=(select,), fail_on=None))
    return [(f.rule_id, f.path, f.message) for f in result.findings]


def test_a_symlink_inside_the_folder_that_leads_out_is_reported(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.bin").write_bytes(bytes(8))
    repo = tmp_path / "repo"
    (repo / "onnx").mkdir(parents=True)
    (repo / "onnx" / "weights").symlink_to(outside)
    ox.save(ox.add_model([ox.external("w", [2], "weights/secret.bin", 0, 8)]), repo / "onnx" / "model.onnx")
    found = _scan(repo, "HF601")
    assert [(r, p) for r, p, _ in found] == [("HF601", "onnx/model.onnx")]
    assert "symlink" in found[0][2]
    # a symlink to a sibling folder of the repo leaves the model's folder too
    (repo / "shared").mkdir()
    (repo / "shared" / "w.bin").write_bytes(bytes(8))
    (repo / "onnx" / "weights").unlink()
    (repo / "onnx" / "weights").symlink_to(repo / "shared")
    ox.save(ox.add_model([ox.external("w", [2], "weights/w.bin", 0, 8)]), repo / "onnx" / "model.onnx")
    assert [r for r, _, _ in _scan(repo, "HF601")] == ["HF601"]


def test_unreadable_onnx_is_hf605_and_not_repeated_as_hf001(tmp_path: Path) -> None:
    (tmp_path / "model.onnx").write_bytes(b"\x0a\xff\xff\xff\xff\x0f")
    ids = [r for r, _, _ in _scan(tmp_path, "HF6")]
    assert ids == ["HF605"]
    result = scan(tmp_path, Config(select=("HF601", "HF001"), fail_on=None))
    assert [f.rule_id for f in result.findings] == ["HF001"]  # HF605 off: the engine still reports it



def test_findings_are_capped_and_the_last_one_says_how_many_more(tmp_path: Path) -> None:
    tensors = [ox.external(f"w{i}", [2], f"../secret{i}.bin") for i in range(25)]
    ox.save(ox.add_model(tensors), tmp_path / "model.onnx")
    found = _scan(tmp_path, "HF601")
    assert len(found) == 20
    assert sum(m.endswith("(5 more not shown)") for _, _, m in found) == 1


def test_a_location_with_a_nul_byte_is_reported_and_no_rule_raises(tmp_path: Path) -> None:
    # Found by benchmarks/mutation_fuzz.py: HF600's look-up of the files an ONNX model names
    # passed the location to the OS, which raises ValueError on a NUL byte (HF001 "internal
    # error"); the location is HF601's, and no kind may raise on it.
    case = Path(__file__).resolve().parent / "golden" / "HF602" / "pass" / "onnx-external-data"
    data = (case / "model.onnx").read_bytes()
    assert data.count(b"model.onnx.data") >= 1
    (tmp_path / "model.onnx").write_bytes(data.replace(b"model.onnx.data", b"model.onnx\0data"))
    (tmp_path / "model.onnx.data").write_bytes((case / "model.onnx.data").read_bytes())
    result = scan(tmp_path, Config(select=("HF0", "HF6")))
    assert not [f for f in result.findings if "internal error" in f.message]
    assert {f.rule_id for f in result.findings if f.path == "model.onnx"} == {"HF601"}
