"""Model formats recognised by content (hflint.identify.formats_of, hflint.formats.sniff):
ONNX, SavedModel and GraphDef have no magic number, so they are recognised by a bounded parse
of their protobuf fields; TFLite, GGUF, HDF5 and Keras zips by their signatures.

Zero false identifications: on every file of the repository's fixtures (real-library repos,
golden cases, pickles, archives, text), on random bytes and on the other formats' samples,
no format is named that the file is not; and a byte string recognised as ONNX is one that
``onnx.load`` reads as a model, or one whose defect below the top levels HF605 reports.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import onnx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper

from hflint import identify
from hflint.formats import sniff
from protoenc import field, varint

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"


def _formats(data: bytes) -> frozenset[str]:
    return identify.model_formats(io.BytesIO(data), data[: identify.HEAD], len(data))


def _onnx_oracle(data: bytes) -> bool:
    """What an ONNX loader takes for a model: onnx.load parses it, with an IR version or an
    opset (onnxruntime requires both) and a graph or function holding something."""
    try:
        model = onnx.load_model_from_string(data)
    except Exception:
        return False
    graph = model.graph
    holds = bool(graph.node or graph.initializer or graph.sparse_initializer)
    holds = holds or any(f.node for f in model.functions)
    return bool(model.ir_version or model.opset_import) and holds


# Golden fixtures of a protobuf model format under another name.
RENAMED = {
    "golden/HF600/pass/renamed-model-formats/onnx/model.bin": "onnx",
    "golden/HF600/pass/renamed-model-formats/graph.dat": "tf-graph-def",
    "golden/HF600/pass/renamed-model-formats/saved_model.bin": "tf-saved-model",
    "fixtures/baselines/before-fingerprint-migration-4/repo/exports/model.pb": "onnx",
    "fixtures/baselines/before-fingerprint-migration-4/repo/exports/model.tflite": "onnx",
}


def _claimed(path: Path) -> frozenset[str]:
    """The formats a fixture's name and folder say it is."""
    renamed = RENAMED.get(path.relative_to(TESTS).as_posix())
    if renamed:
        return frozenset({renamed})
    name = path.name.lower()
    case = path.parent.name
    if name.endswith(".onnx") or "onnx-named" in case:
        return frozenset({"onnx"})
    if name == "saved_model.pb" or "saved-model-named" in case:
        return frozenset({"tf-saved-model"})
    if (name.endswith(".pb") and name not in ("fingerprint.pb", "keras_metadata.pb")) or "graph-def-named" in case:
        return frozenset({"tf-graph-def"})
    return frozenset()


def _fixtures() -> list[Path]:
    out = []
    for folder, _dirs, files in os.walk(TESTS):
        for name in files:
            path = Path(folder) / name
            if not path.is_symlink() and path.stat().st_size <= 8 << 20:
                out.append(path)
    return sorted(out)


def test_no_fixture_is_taken_for_a_protobuf_model_it_is_not() -> None:
    """Every file of tests/ (1,000+: the real-library repos, golden cases, pickles, tars,
    safetensors, GGUF, TFLite, Keras, text): the protobuf formats recognised are the ones its
    name claims, and a claimed one is recognised whenever the file is well-formed."""
    wrong = []
    seen = {"onnx": 0, "tf-saved-model": 0, "tf-graph-def": 0}
    for path in _fixtures():
        data = path.read_bytes()
        found = _formats(data) & set(seen)
        claimed = _claimed(path)
        if not found <= claimed:
            wrong.append(f"{path.relative_to(ROOT)}: {sorted(found)}")
        if "onnx" in claimed and ("onnx" in found) != _onnx_oracle(data):
            wrong.append(f"{path.relative_to(ROOT)}: onnx.load disagrees ({sorted(found)})")
        for f in found:
            seen[f] += 1
    assert wrong == []
    assert seen["onnx"] >= 15 and seen["tf-saved-model"] >= 8 and seen["tf-graph-def"] >= 2


def test_broken_fixtures_of_each_format_are_not_recognised() -> None:
    truncated = (TESTS / "golden/HF614/fail/truncated/saved_model.pb").read_bytes()
    assert _formats(truncated) == frozenset()
    assert _formats((TESTS / "golden/HF605/fail/truncated/model.onnx").read_bytes()) == frozenset()


# -- random bytes and other protobufs ---------------------------------------------------------


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(min_size=0, max_size=4096))
def test_random_bytes_are_no_model_format(data: bytes) -> None:
    assert sniff.recognise(io.BytesIO(data)) == frozenset()


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=2048))
def test_text_is_no_model_format(text: str) -> None:
    assert _formats(text.encode("utf-8")) == frozenset()


def _sentencepiece(pieces: list[str]) -> bytes:
    """sentencepiece_model.proto: ModelProto{pieces=1 {piece=1, score=2 (float), type=3}}."""
    out = b""
    for i, piece in enumerate(pieces):
        body = field(1, piece) + bytes([2 << 3 | 5]) + struct.pack("<f", -i) + varint(3 << 3) + varint(1)
        out += field(1, body)
    return out + field(2, field(1, "x"))


def _meta_graph() -> bytes:
    """A TF1 ``.meta`` file: MetaGraphDef{meta_info_def=1 {meta_graph_version=1,
    stripped_op_list=2}, graph_def=2, object_graph_def=7 {nodes=1}}: field 7 holds a message
    with a field 1, as an ONNX graph would, but nothing in it is ONNX."""
    node = field(1, "x") + field(2, "Placeholder")
    return (
        field(1, field(1, "v1") + field(2, field(1, field(1, "Placeholder"))))
        + field(2, field(1, node))
        + field(7, field(1, field(1, field(1, "x"))))
    )


def _relu_model() -> bytes:
    return helper.make_model(
        helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [], [])
    ).SerializeToString()


def _fingerprint() -> bytes:
    """tensorflow/core/protobuf/fingerprint.proto: checksums 1-5 (uint64), version 6, uuid 7."""
    return varint(1 << 3) + varint(2**63) + varint(2 << 3) + varint(12345) + field(7, "1234567890")


@pytest.mark.parametrize(
    ("what", "data"),
    [
        ("sentencepiece", _sentencepiece(["<unk>", "▁the", "s"])),
        ("tf1 meta graph", _meta_graph()),
        ("fingerprint.pb", _fingerprint()),
        ("empty onnx model", onnx.helper.make_model(onnx.helper.make_graph([], "g", [], [])).SerializeToString()),
        ("onnx without ir_version or opset", field(7, field(1, field(4, "Relu")))),
        ("graph def of nameless nodes", field(1, field(2, "Relu")) + field(1, field(2, "Relu"))),
        ("graph def whose op is a number", field(1, field(1, "a") + varint(2 << 3) + varint(7))),
        ("trailing garbage", _relu_model() + b"\xff"),
    ],
)
def test_other_protobufs_are_not_taken_for_models(what: str, data: bytes) -> None:
    assert _formats(data) == frozenset(), what


def test_each_format_is_recognised_by_content() -> None:
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [], [])
    model = helper.make_model(graph).SerializeToString()
    assert _formats(model) == {"onnx"}
    # fields in any order, with unknown fields the loader skips: still what onnx.load reads
    reordered = field(7, graph.SerializeToString()) + varint(99 << 3) + varint(1) + varint(1 << 3) + varint(8)
    assert _onnx_oracle(reordered) and _formats(reordered) == {"onnx"}
    node = field(1, "x") + field(2, "Placeholder")
    assert _formats(field(1, node) + field(1, field(1, "y") + field(2, "PyFunc"))) == {"tf-graph-def"}
    saved = varint(1 << 3) + varint(1) + field(2, field(2, field(1, node)))
    assert _formats(saved) == {"tf-saved-model"}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("config.json", "{}")
        zf.writestr("metadata.json", "{}")
    assert _formats(buf.getvalue()) == {"keras"}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("config.json", "{}")  # a zipped transformers folder is no Keras model
        zf.writestr("model.safetensors", b"")
    assert _formats(buf.getvalue()) == frozenset()
    assert _formats(b"\x1c\x00\x00\x00TFL3" + bytes(40)) == {"tflite"}
    assert _formats(b"\xff\x00\x00\x00TFL3" + bytes(40)) == frozenset()  # root table outside the file


# -- agreement with onnx.load -------------------------------------------------------------------

_SAMPLE = onnx.helper.make_model(
    onnx.helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"], name="r")],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
        [helper.make_tensor("w", TensorProto.FLOAT, [2], [1.0, 2.0])],
    ),
    producer_name="hflint",
).SerializeToString()


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_onnx_is_recognised_only_when_onnx_loads_it(data: st.DataObject) -> None:
    """Flip, cut or insert bytes of a real model: whatever hflint calls ONNX, onnx.load reads
    as a model (its leading MAX_CHECKED_FIELDS fields are parsed as protobuf parses them)."""
    raw = bytearray(_SAMPLE)
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(raw) - 1))
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if op == "flip":
            raw[at] ^= data.draw(st.integers(1, 255))
        elif op == "cut":
            del raw[at : at + data.draw(st.integers(1, 16))]
        else:
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=8))
    if raw and "onnx" in _formats(bytes(raw)):
        assert _onnx_oracle(bytes(raw))


def test_the_onnx_schema_is_onnx_own() -> None:
    """sniff.ONNX_SCHEMA names, for each message, the fields onnx.proto types as messages and
    the packed repeated scalars: the same as the onnx package's descriptors."""
    from google.protobuf.descriptor import FieldDescriptor as F

    fixed = {F.TYPE_FLOAT: 4, F.TYPE_FIXED32: 4, F.TYPE_SFIXED32: 4, F.TYPE_DOUBLE: 8, F.TYPE_FIXED64: 8}
    seen: set[tuple[str, str]] = set()

    def shape(d: object) -> tuple[dict[int, object], dict[int, int]]:
        fields = d.fields  # type: ignore[attr-defined]
        subs = {f.number: f.message_type for f in fields if f.type == F.TYPE_MESSAGE}
        packed = {
            f.number: fixed.get(f.type, 0)
            for f in fields
            if f.is_repeated and f.type not in (F.TYPE_MESSAGE, F.TYPE_STRING, F.TYPE_BYTES)
        }
        return subs, packed

    def compare(d: object, ours: str) -> None:
        if (d.full_name, ours) in seen:  # type: ignore[attr-defined]
            return
        seen.add((d.full_name, ours))  # type: ignore[attr-defined]
        subs, packed = shape(d)
        expected = sniff.ONNX_SCHEMA[ours]
        assert packed == expected[1], ours
        assert set(subs) == set(expected[0]), ours
        for number, sub in subs.items():
            compare(sub, expected[0][number])

    compare(onnx.ModelProto.DESCRIPTOR, "Model")


def test_a_long_walk_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file of a million tiny fields is judged on the first MAX_TOP_FIELDS of them."""
    monkeypatch.setattr(sniff, "MAX_TOP_FIELDS", 1000)
    node = field(1, field(1, "x") + field(2, "Const"))
    assert sniff.recognise(io.BytesIO(node * 5000)) == {"tf-graph-def"}
    assert sniff.recognise(io.BytesIO(varint(3 << 3) + varint(1))) == frozenset()


def test_a_rule_selects_by_name_and_by_content(tmp_path: Path) -> None:
    """Repo.select: the globs (minus exclude) and every file whose content is a listed format
    whatever its name; exclude is for names only (the content decides)."""
    from hflint.repo import Repo

    model = _relu_model()
    (tmp_path / "a.onnx").write_bytes(b"not a model")  # named: selected, its rule reports it
    (tmp_path / "b.bin").write_bytes(model)  # content: selected
    (tmp_path / "keep.onnx").write_bytes(model)
    (tmp_path / "skip").mkdir()
    (tmp_path / "skip" / "c.onnx").write_bytes(b"x")  # excluded by name
    (tmp_path / "skip" / "d.dat").write_bytes(model)  # excluded name, ONNX content: selected
    (tmp_path / "notes.txt").write_text("graph", encoding="utf-8")
    repo = Repo(tmp_path)
    assert repo.select(["*.onnx"], ["skip/"]) == ["a.onnx", "keep.onnx"]
    assert repo.select(["*.onnx"], ["skip/"], ["onnx"]) == ["a.onnx", "b.bin", "keep.onnx", "skip/d.dat"]
    assert repo.select([], [], ["tflite"]) == []


def test_the_pack_schema_lists_the_formats_hflint_recognises() -> None:
    import json

    schema = json.loads((ROOT / "rules" / "schemas" / "rulepack.schema.json").read_text(encoding="utf-8"))
    listed = schema["$defs"]["rule"]["properties"]["formats"]["items"]["enum"]
    assert tuple(listed) == identify.MODEL_FORMATS


def test_a_cut_graph_def_is_not_taken_for_a_sentencepiece_model() -> None:
    """Both start with field 1 holding a message whose field 1 is a string; a SentencePiece
    piece follows it with its score or type, a NodeDef with its op (field 2). A frozen graph
    cut short is no model format any more, and no plain data either (HF600 reports it)."""
    graph = (TESTS / "golden/HF611/fail/graph-def-named-bin/model.bin").read_bytes()
    for cut in (8, 22, 40, len(graph) - 1):
        assert not identify.sentencepiece_model(graph[:cut][: identify.HEAD]), cut
    assert identify.sentencepiece_model(_sentencepiece(["<unk>", "<s>", "▁the"]))
    assert identify.sentencepiece_model((TESTS / "golden/HF600/pass/hub-data-files/tokenizer.model").read_bytes()[:512])
    # what sentencepiece's trainers write for a piece: its string, score and type, or less
    assert identify.sentencepiece_model(field(1, field(1, "<unk>") + varint(3 << 3) + varint(2)))
    assert identify.sentencepiece_model(field(1, field(1, "<unk>")))
