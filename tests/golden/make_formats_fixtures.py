"""Write the golden cases of the formats pack (HF601-HF605 ONNX, HF621 GGUF) with the real
libraries' writers, and check that each library reads its files back:

    pip install onnx gguf && python tests/golden/make_formats_fixtures.py

TensorFlow and TFLite cases are written by tests/fixtures/tf/make_tf_fixtures.py (it
needs TensorFlow, which the tests never import), Keras cases by make_keras_fixtures.py; the
cases of models under other names (a name is a claim: loaders read content) copy their
committed output, so run this after them. Deterministic: fixed names and data.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import formats_gguf as gx  # noqa: E402
import formats_onnx as ox  # noqa: E402
import numpy as np  # noqa: E402
from goldencase import case as _case  # noqa: E402
from onnx import helper, numpy_helper  # noqa: E402


def _data_file(folder: Path, name: str, size: int) -> None:
    (folder / name).write_bytes(bytes(size))


def onnx_cases() -> None:
    # HF601: locations that leave the model's folder, wherever the tensor is.
    ox.save(ox.add_model([ox.external("w", [2], "weights/../../secret.bin")]),
            _case("HF601", "fail", "dotdot-after-prefix") / "model.onnx")
    ox.save(ox.add_model([ox.external("w", [2], "/etc/passwd")]), _case("HF601", "fail", "absolute") / "model.onnx")
    ox.save(ox.add_model([ox.external("w", [2], "*/_ORT_MEM_ADDR_/*", offset=4096, length=8)]),
            _case("HF601", "fail", "ort-memory-tag") / "model.onnx")
    const = ox.constant_node("T", ox.external("c", [2], "..\\..\\windows\\win.ini"))
    ox.save(ox.if_model([const], "T"), _case("HF601", "fail", "if-branch-constant") / "onnx" / "model.onnx")
    fn = ox.local_function("custom", "Leak", [ox.constant_node("B", ox.external("k", [2], "C:/Users/x/.ssh/id_rsa"))])
    ox.save(ox.add_model(functions=[fn], opsets=[helper.make_opsetid("custom", 1)]),
            _case("HF601", "fail", "function-constant") / "model.onnx")
    # pass: onnx's own external-data writer, and a '..' that stays inside the folder
    ox.save_with_data(ox.big_weights_model(), _case("HF601", "pass", "onnx-external-data") / "model.onnx",
                      "model.onnx.data")
    folder = _case("HF601", "pass", "dotdot-inside")
    _data_file(folder, "model.onnx.data", 8)
    ox.save(ox.add_model([ox.external("w", [2], "weights/../model.onnx.data", 0, 8)]), folder / "model.onnx")

    # HF602: missing file, file too short, malformed numbers, length/shape mismatch.
    ox.save(ox.add_model([ox.external("w", [2], "model.onnx.data", 0, 8)]),
            _case("HF602", "fail", "data-not-uploaded") / "model.onnx")
    folder = _case("HF602", "fail", "data-too-short")
    _data_file(folder, "model.onnx.data", 4)
    ox.save(ox.add_model([ox.external("w", [2], "model.onnx.data", 0, 8)]), folder / "model.onnx")
    folder = _case("HF602", "fail", "bad-offset")
    _data_file(folder, "model.onnx.data", 64)
    ox.save(ox.add_model([ox.external("w", [2], "model.onnx.data", -8, 8)]), folder / "model.onnx")
    ox.save_with_data(ox.big_weights_model(), _case("HF602", "pass", "onnx-external-data") / "model.onnx",
                      "model.onnx.data")

    # HF603: Python operators, in the main graph and in a sub-graph.
    pyop = helper.make_node("PyOp", ["X"], ["P"], domain="pyopmulti_1", module="os", class_name="system",
                            input_types=[1], output_types=[1])
    ox.save(ox.add_model(nodes=[pyop], opsets=[helper.make_opsetid("pyopmulti_1", 1)]),
            _case("HF603", "fail", "pyop") / "model.onnx")
    python_op = helper.make_node("PythonOp", ["X"], ["T"], domain="com.microsoft", func_name="evil.Fn")
    ox.save(ox.if_model([python_op], "T"), _case("HF603", "fail", "pythonop-in-subgraph") / "model.onnx")
    gelu = helper.make_node("Gelu", ["Y"], ["Z"], domain="com.microsoft")
    ox.save(ox.add_model(nodes=[gelu], opsets=[helper.make_opsetid("com.microsoft", 1)]),
            _case("HF603", "pass", "contrib-ops") / "model.onnx")

    # HF604: a domain nobody ships; pass: contrib domains and the model's own functions.
    custom = helper.make_node("GridSample3D", ["Y"], ["Z"], domain="mmdeploy")
    ox.save(ox.add_model(nodes=[custom], opsets=[helper.make_opsetid("mmdeploy", 1)]),
            _case("HF604", "fail", "custom-domain") / "model.onnx")
    fn = ox.local_function("pkg.onnxscript.torch_lib", "aten_gelu", [helper.make_node("Relu", ["A"], ["B"])])
    call = helper.make_node("aten_gelu", ["Y"], ["Z"], domain="pkg.onnxscript.torch_lib")
    ml = helper.make_node("Normalizer", ["Z"], ["N"], domain="ai.onnx.ml", norm="L2")
    ox.save(ox.add_model(nodes=[call, ml, gelu], functions=[fn],
                         opsets=[helper.make_opsetid("pkg.onnxscript.torch_lib", 1),
                                 helper.make_opsetid("ai.onnx.ml", 3), helper.make_opsetid("com.microsoft", 1)]),
            _case("HF604", "pass", "local-function-and-contrib") / "model.onnx")

    # HF605: cut and garbage files; pass: a plain model with its weights inline.
    whole = ox.add_model([numpy_helper.from_array(np.arange(64, dtype=np.float32), "w")]).SerializeToString()
    (_case("HF605", "fail", "truncated") / "model.onnx").write_bytes(whole[: len(whole) // 2])
    (_case("HF605", "fail", "not-protobuf") / "model.onnx").write_bytes(b"\xff" * 64)
    (_case("HF605", "fail", "empty") / "model.onnx").write_bytes(b"")  # a ModelProto with no graph
    ox.save(ox.add_model(), _case("HF605", "pass", "inline-weights") / "model.onnx")


def gguf_cases() -> None:
    good = gx.write(_case("HF621", "pass", "llama-q8_0") / "model-q8_0.gguf")
    gx.write(_case("HF621", "pass", "alignment-64") / "model.gguf", alignment=64)
    gx.write(_case("HF621", "pass", "big-endian") / "model-be.gguf", big_endian=True)
    data = good.read_bytes()
    # A GGUF named like a torch checkpoint is still read as GGUF (recognised by its magic).
    (_case("HF621", "pass", "renamed") / "pytorch_model.bin").write_bytes(data)

    def fail(name: str, content: bytes, file: str = "model.gguf") -> None:
        (_case("HF621", "fail", name) / file).write_bytes(content)

    fail("2-pow-60-tensors", gx.with_counts(data, tensors=2**60))
    fail("truncated-data", data[: len(data) - 100])
    fail("truncated-header", data[:300])
    q = "blk.0.attn_q.weight"
    fail("offset-misaligned", gx.patch_tensor(data, q, offset=gx.read_offset(data, q) + 4))
    fail("overlap", gx.patch_tensor(data, "blk.1.attn_q.weight", offset=gx.read_offset(data, q)))
    fail("removed-type", gx.patch_tensor(data, "blk.0.attn_norm.weight", ggml_type=4))
    fail("row-not-block-multiple", gx.patch_tensor(data, q, dim0=48))
    fail("size-overflow", gx.patch_tensor(data, q, dim0=2**62))
    dup = data.replace(b"blk.1.attn_norm.weight", b"blk.0.attn_norm.weight")
    fail("duplicate-name", dup)
    aligned = (HERE / "HF621" / "pass" / "alignment-64" / "model.gguf").read_bytes()
    at = aligned.index(b"general.alignment") + len(b"general.alignment") + 4  # past the value type
    fail("alignment-not-power-of-2", aligned[:at] + (48).to_bytes(4, "little") + aligned[at + 4 :])
    fail("no-magic", b"\x80\x04K\x01." + bytes(32))
    fail("disguised-as-bin", data[:300], file="pytorch_model.bin")


def renamed_cases() -> None:
    """Every model format under names that claim something else: the format's rules run on
    it (recognised by content), HF600 does not call it unknown, HF643 does not call the parts
    of a Keras zip unanalysed members."""
    pyop = helper.make_node("PyOp", ["X"], ["P"], domain="pyopmulti_1", module="os", class_name="system",
                            input_types=[1], output_types=[1])
    onnx_pyop = ox.add_model(nodes=[pyop], opsets=[helper.make_opsetid("pyopmulti_1", 1)])
    onnx_passwd = ox.add_model([ox.external("w", [2], "/etc/passwd")])
    ox.save(onnx_passwd, _case("HF601", "fail", "onnx-named-bin") / "model.bin")
    ox.save(onnx_pyop, _case("HF603", "fail", "onnx-named-without-extension") / "model")
    frozen = (HERE / "HF611" / "fail" / "frozen-py-func" / "graph.pb").read_bytes()
    (_case("HF611", "fail", "graph-def-named-bin") / "model.bin").write_bytes(frozen)
    saved = (HERE / "HF612" / "fail" / "write-file" / "model" / "saved_model.pb").read_bytes()
    (_case("HF612", "fail", "saved-model-named-dat") / "export.dat").write_bytes(saved)
    tflite = (HERE / "HF616" / "fail" / "flex-write-file" / "model.tflite").read_bytes()
    (_case("HF616", "fail", "tflite-named-bin") / "model.bin").write_bytes(tflite)
    keras = (HERE / "HF630" / "fail" / "lambda-in-nested-sequential" / "model.keras").read_bytes()
    (_case("HF630", "fail", "keras-zip-named-pt") / "model.pt").write_bytes(keras)
    benign = (HERE / "HF630" / "pass" / "keras-v3-nested" / "model.keras").read_bytes()
    (_case("HF643", "pass", "keras-zip-named-zip") / "model.zip").write_bytes(benign)
    template = (HERE / "HF208" / "fail" / "gguf-metadata" / "model-q4_0.gguf").read_bytes()
    (_case("HF208", "fail", "gguf-named-bin") / "model.bin").write_bytes(template)
    every = _case("HF600", "pass", "renamed-model-formats")
    ox.save(ox.add_model(), every / "onnx" / "model.bin")
    (every / "graph.dat").write_bytes(frozen)
    (every / "saved_model.bin").write_bytes(saved)
    (every / "model.tflite.bin").write_bytes(tflite)
    (every / "keras.pt").write_bytes(benign)
    (every / "llama.bin").write_bytes((HERE / "HF621" / "pass" / "llama-q8_0" / "model-q8_0.gguf").read_bytes())


if __name__ == "__main__":
    onnx_cases()
    gguf_cases()
    renamed_cases()
