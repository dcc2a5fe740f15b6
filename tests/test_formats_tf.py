"""TensorFlow SavedModels and GraphDefs (HF611-HF614), without TensorFlow.

The golden graphs were written by TensorFlow (tests/fixtures/tf/make_tf_fixtures.py), which
also wrote what its own protobuf classes decode from them (reference_ops.json): hflint's
walker must decode the same nodes. Saver cases and hostile inputs are encoded here by hand.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

import pytest

from hflint._paths import rules_dir
from hflint.formats.oppolicy import load_policy
from hflint.formats.protowire import WireError
from hflint.formats.tf_graph import Graph, all_nodes, read_graph_def, read_saved_model
from hflint.formats.tf_ops import hits

sys.path.insert(0, str(Path(__file__).parent))
from protoenc import field as _f
from protoenc import varint as _varint

GOLDEN = Path(__file__).parent / "golden"
REFERENCE = Path(__file__).parent / "fixtures" / "tf" / "reference_ops.json"
POLICY = load_policy(rules_dir() / "data" / "tf-ops.yaml")
ALL = frozenset({"python", "filesystem", "network", "checkpoint"})


def _read(data: bytes, saved_model: bool) -> list[Graph]:
    fh = io.BytesIO(data)
    reader = read_saved_model if saved_model else read_graph_def
    return reader(fh, POLICY.attrs_wanted())


def test_walker_decodes_what_tensorflow_decodes() -> None:
    reference = json.loads(REFERENCE.read_text())
    assert len(reference) >= 15
    for rel, triples in reference.items():
        path = GOLDEN / rel
        graphs = _read(path.read_bytes(), path.name == "saved_model.pb")
        ours = sorted([f or "", n.name, n.op] for g in graphs for f, n in all_nodes(g))
        assert ours == triples, rel


def test_benign_saved_models_have_their_saver_ops_and_pass() -> None:
    for path in sorted(GOLDEN.glob("HF61*/pass/*/**/saved_model.pb")):
        graphs = _read(path.read_bytes(), True)
        ops = {n.op for g in graphs for _, n in all_nodes(g)}
        assert ops & {"SaveV2", "RestoreV2"}, path  # the machinery is there...
        assert hits(graphs, POLICY, ALL) == [], path  # ...and clean where it is


# -- hand-encoded graphs ---------------------------------------------------------------------






def _node(name: str, op: str, *, f: str = "", inputs: tuple[str, ...] = ()) -> bytes:
    body = _f(1, name) + _f(2, op) + b"".join(_f(3, i) for i in inputs)
    if f:  # attr {key: "f" value {func {name: f}}}
        body += _f(5, _f(1, "f") + _f(2, _f(10, _f(1, f))))
    return body


def _function(name: str, *nodes: bytes) -> bytes:
    return _f(1, _f(1, name)) + b"".join(_f(3, n) for n in nodes)


def _saved_model(main: list[bytes], functions: list[bytes], saver: tuple[str, str, str]) -> bytes:
    graph = b"".join(_f(1, n) for n in main) + _f(2, b"".join(_f(1, fn) for fn in functions))
    saver_def = b"".join(_f(i + 1, s) for i, s in enumerate(saver))
    return _varint(1 << 3) + _varint(1) + _f(2, _f(2, graph) + _f(3, saver_def))


TF2_SAVER = ("saver_filename:0", "StatefulPartitionedCall_1:0", "StatefulPartitionedCall_2")


def _tf2(serve_calls_saver: bool) -> bytes:
    main = [_node("saver_filename", "Placeholder"),
            _node("StatefulPartitionedCall", "StatefulPartitionedCall", f="__inference_serve_1"),
            _node("StatefulPartitionedCall_1", "StatefulPartitionedCall", f="__inference__traced_save_2"),
            _node("StatefulPartitionedCall_2", "StatefulPartitionedCall", f="__inference__traced_restore_3")]
    serve = [_node("Identity", "Identity")]
    if serve_calls_saver:
        serve.append(_node("call", "PartitionedCall", f="__inference__traced_save_2"))
    functions = [_function("__inference_serve_1", *serve),
                 _function("__inference__traced_save_2", _node("SaveV2", "SaveV2"),
                           _node("MergeV2Checkpoints", "MergeV2Checkpoints")),
                 _function("__inference__traced_restore_3", _node("RestoreV2", "RestoreV2"))]
    return _saved_model(main, functions, TF2_SAVER)


def test_saver_functions_are_clean_until_the_model_calls_them_itself() -> None:
    assert hits(_read(_tf2(False), True), POLICY, ALL) == []
    found = hits(_read(_tf2(True), True), POLICY, ALL)
    assert sorted(h.node.op for h in found) == ["MergeV2Checkpoints", "SaveV2"]
    assert all("also called from outside the saver" in h.note for h in found)


def test_a_function_named_like_the_saver_is_not_the_saver() -> None:
    # SaveV2 in a function called __inference__traced_save_9 that the SaverDef does not name
    main = [_node("StatefulPartitionedCall", "StatefulPartitionedCall", f="__inference__traced_save_9")]
    data = _saved_model(main, [_function("__inference__traced_save_9", _node("SaveV2", "SaveV2"))], ("", "", ""))
    assert [h.node.op for h in hits(_read(data, True), POLICY, ALL)] == ["SaveV2"]


def _tf1(extra_input: str | None) -> bytes:
    main = [_node("x", "Placeholder"), _node("save/Const", "Const"), _node("save/SaveV2", "SaveV2"),
            _node("save/RestoreV2", "RestoreV2"), _node("save/restore_all", "NoOp")]
    if extra_input:
        main.append(_node("y", "Identity", inputs=("x", extra_input)))
    return _saved_model(main, [], ("save/Const:0", "save/control_dependency:0", "save/restore_all"))


def test_tf1_saver_scope_is_clean_unless_the_graph_depends_on_it() -> None:
    assert hits(_read(_tf1(None), True), POLICY, ALL) == []
    found = hits(_read(_tf1("^save/SaveV2"), True), POLICY, ALL)
    assert sorted(h.node.op for h in found) == ["RestoreV2", "SaveV2"]


def test_ops_are_found_in_every_meta_graph_and_duplicate_function_names() -> None:
    graph = _f(2, _f(1, _function("f", _node("a", "WriteFile"))) + _f(1, _function("f", _node("b", "ReadFile"))))
    data = _varint(1 << 3) + _varint(1) + _f(2, _f(2, graph)) + _f(2, _f(2, _f(1, _node("c", "EagerPyFunc"))))
    assert sorted(h.node.op for h in hits(_read(data, True), POLICY, ALL)) == ["EagerPyFunc", "ReadFile", "WriteFile"]


def test_attribute_conditions_follow_the_attribute() -> None:
    def printer(stream: str) -> bytes:
        attr = _f(5, _f(1, "output_stream") + _f(2, _f(2, stream)))
        return _f(1, _f(1, "p") + _f(2, "PrintV2") + attr)

    assert hits(_read(printer("stderr"), False), POLICY, ALL) == []
    assert len(hits(_read(printer("file:///home/u/.bashrc"), False), POLICY, ALL)) == 1


# -- hostile inputs --------------------------------------------------------------------------


def test_every_truncation_of_a_real_saved_model_is_an_error_or_a_graph() -> None:
    data = (GOLDEN / "HF612" / "pass" / "benign-saved-model" / "saved_model.pb").read_bytes()
    for cut in range(0, len(data), 3):
        with contextlib.suppress(WireError):
            _read(data[:cut], True)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_varint(2 << 3 | 2) + _varint(2**62), "runs past the end"),
        (_f(2, _f(2, _f(1, _f(2, b"\xff" * 70_000)))), "over the 65536-byte limit"),
        (_f(2, b"\x0f"), "invalid wire type"),
    ],
)
def test_malformed_saved_models_are_errors(data: bytes, reason: str) -> None:
    with pytest.raises(WireError, match=reason):
        _read(data, True)
