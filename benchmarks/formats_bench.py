"""Model-format scanners side by side on ONNX, TensorFlow, TFLite, GGUF, Keras/HDF5 and the
pickle classes of issue 12: hflint vs ModelAudit and modelscan.

Every sample is a folder (a SavedModel is one; an ONNX model may need its external data
file beside it) scanned by each tool in its own process; the exit code is the verdict
(hflint: ``--select HF4,HF6,HF001 --fail-on error``, so the missing model card does not count),
wall time and peak RSS (``os.wait4``) are per process. Benign samples are written by the
real libraries: onnx (onnx.helper, onnx's external-data writer), gguf-py's GGUFWriter, and
the SavedModels/TFLite models TensorFlow wrote for the golden tests; malicious ones carry
harmless payloads (paths under /tmp, /etc/passwd read, no code). Two large benign samples
(a 2 GiB GGUF and an ONNX model with 2 GiB of external data, both sparse) show that reads
do not grow with the weights. Keras samples are the golden files keras 3 and h5py wrote
(tests/golden/make_keras_fixtures.py) and two hostile inputs built here: an HDF5 file whose
model_config attribute is 1 GiB (holes punched with fallocate where it can) and a .keras
whose config.json inflates to 256 MiB. The pickle samples are the joblib and allowlist
classes of tests/fixtures/pickles. The renamed samples are each format under a name that
claims another (ONNX named model.bin, a Keras zip named .pt, a GGUF named .bin or weights.dat,
a pickle named model.onnx, .gguf, .tflite, .h5 or saved_model.pb, a torch zip named .h5...), and Keras
models saved as TF 2.0-2.4 SavedModels (metadata inside saved_model.pb).

    pip install -e '.[test]'    # onnx and gguf build the corpus
    python benchmarks/formats_bench.py --peer modelaudit=/tmp/ma/bin/modelaudit \
        --peer modelscan=/tmp/ms/bin/modelscan [--markdown] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
sys.path.insert(0, str(GOLDEN))
sys.path.insert(0, str(ROOT / "benchmarks"))
from peers import Tool, render, run  # noqa: E402

HFLINT = [sys.executable, "-m", "hflint", "scan", "--isolated", "--select", "HF4,HF6,HF001", "--fail-on", "error",
          "--format", "json", "-o", os.devnull]






# -- corpus ---------------------------------------------------------------------------------


def _onnx_samples(base: Path) -> dict[str, Callable[[Path], None]]:
    import formats_onnx as ox
    import numpy as np
    from onnx import helper, numpy_helper

    def one(model: object, name: str = "model.onnx") -> Callable[[Path], None]:
        return lambda d: ox.save(model, d / name)  # type: ignore[arg-type]

    pyop = helper.make_node("PyOp", ["X"], ["P"], domain="pyop", module="os", class_name="system")
    gelu = helper.make_node("Gelu", ["Y"], ["Z"], domain="com.microsoft")
    fn = ox.local_function("pkg.onnxscript.torch_lib", "aten_relu", [helper.make_node("Relu", ["A"], ["B"])])
    call = helper.make_node("aten_relu", ["Y"], ["R"], domain="pkg.onnxscript.torch_lib")
    big = ox.add_model([numpy_helper.from_array(np.zeros(4_000_000, np.float32), "w")])

    def external(d: Path) -> None:
        ox.save_with_data(ox.big_weights_model(8), d / "model.onnx", "model.onnx.data")

    def large_external(d: Path) -> None:
        from onnx import TensorProto

        size = 2**31
        (d / "model.onnx.data").touch()
        os.truncate(d / "model.onnx.data", size)
        tensor = TensorProto(name="w", dims=[size // 4], data_type=TensorProto.FLOAT,
                             data_location=TensorProto.EXTERNAL)  # no data in memory
        for key, value in (("location", "model.onnx.data"), ("offset", "0"), ("length", str(size))):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
        ox.save(ox.add_model([tensor]), d / "model.onnx")

    return {
        "benign/onnx/inline-16MB": one(big),
        "benign/onnx/external-data": external,
        "benign/onnx/contrib-and-local-function": one(ox.add_model(
            nodes=[gelu, call], functions=[fn],
            opsets=[helper.make_opsetid("com.microsoft", 1), helper.make_opsetid("pkg.onnxscript.torch_lib", 1)])),
        "benign/onnx/if-subgraph": one(ox.if_model([helper.make_node("Identity", ["X"], ["T"])], "T")),
        "large/onnx-2GiB-external": large_external,
        "malicious/onnx/external-etc-passwd": one(ox.add_model([ox.external("w", [2], "/etc/passwd")])),
        "malicious/onnx/external-dotdot-after-prefix": one(ox.add_model(
            [ox.external("w", [2], "weights/../../../etc/passwd")])),
        "malicious/onnx/external-in-if-branch": one(ox.if_model(
            [ox.constant_node("T", ox.external("c", [2], "../../etc/passwd"))], "T")),
        "malicious/onnx/external-in-function": one(ox.add_model(
            functions=[ox.local_function("x", "F", [ox.constant_node("B", ox.external("k", [2], "/etc/shadow"))])],
            opsets=[helper.make_opsetid("x", 1)])),
        "malicious/onnx/ort-memory-address": one(ox.add_model(
            [ox.external("w", [2], "*/_ORT_MEM_ADDR_/*", 4096, 8)])),
        "malicious/onnx/pyop": one(ox.add_model(nodes=[pyop], opsets=[helper.make_opsetid("pyop", 1)])),
    }


def _gguf_samples() -> dict[str, Callable[[Path], None]]:
    import formats_gguf as gx

    def patched(fn: Callable[[bytes], bytes]) -> Callable[[Path], None]:
        def write(d: Path) -> None:
            good = gx.write(d / "model.gguf")
            good.write_bytes(fn(good.read_bytes()))

        return write

    q = "blk.0.attn_q.weight"

    def large(d: Path) -> None:
        from gguf import GGUFWriter

        writer = GGUFWriter(str(d / "model-f32.gguf"), "llama")
        writer.add_block_count(1)
        size = 2**31
        writer.add_tensor_info("token_embd.weight", (size // 4 // 4096, 4096), np_dtype(), size)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        writer.close()
        path = d / "model-f32.gguf"
        head = path.stat().st_size
        os.truncate(path, head + (-head % 32) + size)

    return {
        "benign/gguf/llama-q8_0": lambda d: gx.write(d / "model.gguf") and None,
        "benign/gguf/alignment-64": lambda d: gx.write(d / "model.gguf", alignment=64) and None,
        "benign/gguf/big-endian": lambda d: gx.write(d / "model.gguf", big_endian=True) and None,
        "large/gguf-2GiB": large,
        "malicious/gguf/2-pow-60-tensors": patched(lambda b: gx.with_counts(b, tensors=2**60)),
        "malicious/gguf/2-pow-40-pairs": patched(lambda b: gx.with_counts(b, pairs=2**40)),
        "malicious/gguf/size-overflow": patched(lambda b: gx.patch_tensor(b, "blk.0.attn_norm.weight", dim0=2**62 - 1)),
        "malicious/gguf/offset-past-eof": patched(lambda b: gx.patch_tensor(b, q, offset=2**40)),
        "malicious/gguf/overlapping-tensors": patched(
            lambda b: gx.patch_tensor(b, "blk.1.attn_q.weight", offset=gx.read_offset(b, q))),
        "malicious/gguf/removed-type": patched(lambda b: gx.patch_tensor(b, q, ggml_type=4)),
    }


def np_dtype() -> object:
    import numpy as np

    return np.float32


def _copied(*parts: str) -> Callable[[Path], None]:
    return lambda d: shutil.copytree(GOLDEN.joinpath(*parts), d, dirs_exist_ok=True,
                                     ignore=shutil.ignore_patterns("expected.txt"))


def _tf_samples() -> dict[str, Callable[[Path], None]]:
    return {
        "benign/tf/saved-model-tf2": _copied("HF612", "pass", "benign-saved-model"),
        "benign/tf/saved-model-tf1-saver": _copied("HF612", "pass", "tf1-saved-model-saver"),
        "benign/tf/saved-model-vocab-table": _copied("HF613", "fail", "vocab-table"),
        "benign/tflite/builtin-ops": _copied("HF616", "pass", "builtin-ops"),
        "benign/tflite/flex-string-join": _copied("HF616", "pass", "flex-string-join"),
        "malicious/tf/write-file": _copied("HF612", "fail", "write-file"),
        "malicious/tf/print-to-file": _copied("HF612", "fail", "print-to-file"),
        "malicious/tf/save-v2-outside-saver": _copied("HF612", "fail", "save-v2-outside-saver"),
        "malicious/tf/frozen-read-file": _copied("HF612", "fail", "frozen-read-file"),
        "malicious/tf/py-function": _copied("HF611", "fail", "py-function"),
        "malicious/tf/frozen-py-func": _copied("HF611", "fail", "frozen-py-func"),
        "malicious/tflite/flex-write-file": _copied("HF616", "fail", "flex-write-file"),
        "malicious/tflite/flex-read-file": _copied("HF616", "fail", "flex-read-file"),
        "malicious/tflite/nodedef-differs-from-code": _copied("HF616", "fail", "nodedef-differs-from-code"),
    }


def _keras_samples() -> dict[str, Callable[[Path], None]]:
    return {
        "benign/keras/v3-nested-models": _copied("HF630", "pass", "keras-v3-nested"),
        "benign/keras/keras-hub-registered-name": _copied("HF631", "pass", "keras-hub-registered-name"),
        "benign/keras/legacy-h5": _copied("HF631", "pass", "keras3-legacy-h5"),
        "benign/keras/weights-only-h5": _copied("HF630", "pass", "weights-only-h5"),
        "benign/keras/tfsm-inside": _copied("HF633", "pass", "tfsm-inside"),
        "malicious/keras/lambda-in-nested-sequential": _copied("HF630", "fail", "lambda-in-nested-sequential"),
        "malicious/keras/lambda-activation-in-wrapper": _copied("HF630", "fail", "lambda-activation-in-wrapper"),
        "malicious/keras/keras2-h5-lambda-list": _copied("HF630", "fail", "keras2-h5-lambda-list"),
        "malicious/keras/keras2-h5-named-bin": _copied("HF630", "fail", "keras2-h5-named-bin"),
        "malicious/keras/keras-metadata-pb": _copied("HF630", "fail", "keras-metadata-pb"),
        "malicious/keras/os-system-module": _copied("HF631", "fail", "os-system-registered-as-keras-hub"),
        "malicious/keras/builtins-exec": _copied("HF631", "fail", "builtins-exec-function"),
        "malicious/keras/h5-training-config-loss": _copied("HF631", "fail", "h5-training-config-loss"),
        "malicious/keras/enable-unsafe-deserialization": _copied("HF632", "fail", "enable-unsafe-deserialization"),
        "malicious/keras/load-model-without-safe-mode": _copied("HF632", "fail", "load-model-without-safe-mode"),
        "malicious/keras/get-file": _copied("HF632", "fail", "get-file"),
        "malicious/keras/tfsm-absolute": _copied("HF633", "fail", "tfsm-absolute"),
        "malicious/keras/hdf5-attribute-1GiB": _huge_attribute,
        "malicious/keras/config-json-256MiB": _huge_config,
    }


def _huge_attribute(d: Path) -> None:
    import h5py
    import numpy as np

    path = d / "model.h5"
    with h5py.File(path, "w", libver="latest") as f:
        f.attrs["model_config"] = np.void(bytes(1 << 30))
    if shutil.which("fallocate"):
        subprocess.run(["fallocate", "--dig-holes", str(path)], check=False)


def _huge_config(d: Path) -> None:
    import zipfile

    with zipfile.ZipFile(d / "model.keras", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("metadata.json", b'{"keras_version": "3.15.1"}')
        with zf.open("config.json", "w", force_zip64=True) as out:
            out.write(b"[")
            for _ in range(256):
                out.write(b"0," * (1 << 19))
            out.write(b"0]")


def _renamed(src: Path, name: str) -> Callable[[Path], None]:
    return lambda d: shutil.copy(src, d / name)


def _renamed_samples() -> dict[str, Callable[[Path], None]]:
    """Each format under a name that claims another (a name is a claim; loaders read content:
    onnxruntime and onnx.load any file, tf.GraphDef().ParseFromString any bytes, the TFLite
    interpreter any flatbuffer, keras.saving any zip it is handed, h5py any HDF5 file)."""
    import formats_onnx as ox

    def onnx_as(model: object, name: str) -> Callable[[Path], None]:
        return lambda d: ox.save(model, d / name)  # type: ignore[arg-type]

    passwd = ox.add_model([ox.external("w", [2], "/etc/passwd")])

    def saved_model_as(case: tuple[str, ...], name: str) -> Callable[[Path], None]:
        def write(d: Path) -> None:
            _copied(*case)(d)
            model = next(d.rglob("saved_model.pb"))
            model.rename(model.with_name(name))

        return write

    gguf = GOLDEN / "HF621" / "fail" / "2-pow-60-tensors" / "model.gguf"
    keras = GOLDEN / "HF630" / "fail" / "lambda-in-nested-sequential" / "model.keras"
    benign_keras = GOLDEN / "HF630" / "pass" / "keras-v3-nested" / "model.keras"
    payload = ROOT / "tests" / "fixtures" / "pickles" / "malicious" / "os_system_p2.pkl"
    torch_zip = ROOT / "tests" / "fixtures" / "pickles" / "malicious" / "torch_zip_any_folder.pt"
    return {
        "benign/renamed/onnx-as-model.bin": onnx_as(ox.add_model(), "model.bin"),
        "benign/renamed/saved-model-as-model.dat": saved_model_as(("HF612", "pass", "benign-saved-model"), "model.dat"),
        "benign/renamed/tflite-as-model.bin": _renamed(GOLDEN / "HF616" / "pass" / "builtin-ops" / "model.tflite",
                                                       "model.bin"),
        "benign/renamed/keras-as-model.zip": _renamed(benign_keras, "model.zip"),
        "benign/renamed/gguf-as-model.bin": _renamed(GOLDEN / "HF621" / "pass" / "llama-q8_0" / "model-q8_0.gguf",
                                                     "model.bin"),
        "benign/keras/tf24-saved-model": _copied("HF630", "pass", "tf24-saved-model"),
        "malicious/renamed/onnx-external-etc-passwd-as-model.bin": onnx_as(passwd, "model.bin"),
        "malicious/renamed/onnx-external-etc-passwd-as-model.safetensors": onnx_as(passwd, "model.safetensors"),
        "malicious/renamed/onnx-pyop-no-extension": _copied("HF603", "fail", "onnx-named-without-extension"),
        "malicious/renamed/graph-def-py-func-as-model.bin": _copied("HF611", "fail", "graph-def-named-bin"),
        "malicious/renamed/saved-model-write-file-as-model.dat": saved_model_as(("HF612", "fail", "write-file"),
                                                                                "model.dat"),
        "malicious/renamed/tflite-flex-write-file-as-model.bin": _copied("HF616", "fail", "tflite-named-bin"),
        "malicious/renamed/keras-lambda-as-model.pt": _renamed(keras, "model.pt"),
        "malicious/renamed/keras-lambda-as-model.zip": _renamed(keras, "model.zip"),
        "malicious/renamed/gguf-2-pow-60-tensors-as-model.bin": _renamed(gguf, "model.bin"),
        "benign/renamed/gguf-as-weights.dat": _renamed(GOLDEN / "HF621" / "pass" / "llama-q8_0" / "model-q8_0.gguf",
                                                       "weights.dat"),
        "malicious/renamed/gguf-2-pow-60-tensors-as-weights.dat": _renamed(gguf, "weights.dat"),
        # pickle content under a model format's name (torch.load and joblib read content)
        "malicious/renamed/pickle-os-system-as-model.onnx": _renamed(payload, "model.onnx"),
        "malicious/renamed/pickle-os-system-as-model.gguf": _renamed(payload, "model.gguf"),
        "malicious/renamed/pickle-os-system-as-model.tflite": _renamed(payload, "model.tflite"),
        "malicious/renamed/pickle-os-system-as-model.h5": _renamed(payload, "model.h5"),
        "malicious/renamed/pickle-os-system-as-saved_model.pb": _renamed(payload, "saved_model.pb"),
        "malicious/renamed/torch-zip-payload-as-model.h5": _renamed(torch_zip, "model.h5"),
        "malicious/keras/tf24-saved-model-lambda": _copied("HF630", "fail", "tf24-saved-model-lambda"),
        "malicious/keras/tf-keras-metadata-lambda": _copied("HF630", "fail", "tf-keras-metadata-lambda"),
    }


def _pickle_samples() -> dict[str, Callable[[Path], None]]:
    corpus = ROOT / "tests" / "fixtures" / "pickles"

    def one(rel: str, name: str) -> Callable[[Path], None]:
        return lambda d: shutil.copy(corpus / rel, d / name)

    return {
        "benign/pickle/joblib-structured-object": one("benign/structured_object.joblib", "model.joblib"),
        "malicious/pickle/joblib-structured-object-payload": one("malicious/structured_object_payload.joblib",
                                                                 "model.joblib"),
        "malicious/pickle/joblib-object-flag-on-float": one("malicious/dtype_object_flag_on_float.joblib",
                                                            "model.joblib"),
        "malicious/pickle/numpy-dtypes-attribute-walk": one("malicious/numpy_dtypes_attribute_walk.pkl",
                                                            "model.pkl"),
    }


def corpus(base: Path) -> dict[str, str]:
    """Built in a child process: the writers (onnx, numpy, gguf) would otherwise raise this
    process's peak RSS, which Linux hands on to every scanner it starts (ru_maxrss survives
    fork and exec) and which would then be measured as theirs."""
    subprocess.run([sys.executable, __file__, "--build", str(base)], check=True)
    return json.loads((base / "samples.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def build(base: Path) -> None:
    samples = {**_onnx_samples(base), **_gguf_samples(), **_tf_samples(), **_keras_samples(), **_pickle_samples(),
               **_renamed_samples()}
    only = os.environ.get("FORMATS_BENCH_ONLY")
    if only:
        samples = {k: v for k, v in samples.items() if any(p in k for p in only.split(","))}
    out = {}
    for label, write in samples.items():
        folder = base / label.replace("/", "__")
        folder.mkdir(parents=True)
        write(folder)
        out[label] = str(folder)
    (base / "samples.json").write_text(json.dumps(out), encoding="utf-8")


# -- report ----------------------------------------------------------------------------------


def _table(chosen: list[Tool], markdown: bool) -> str:
    head = ["tool", "malicious flagged", "of which scan errors", "samples not scanned", "benign flagged",
            "large (2 GiB) flagged",
            "median s / sample", "max s", "max RSS MiB"]
    rows = []
    for t in chosen:
        mal, ben, large = t.group("malicious/"), t.group("benign/"), t.group("large/")
        bad = t.bad
        flagged = sum(bad(rc) for rc, _, _ in mal.values())
        errors = sum(bad(rc) and rc not in t.flagged for rc, _, _ in mal.values())
        unscanned = sum(rc in t.skipped for rc, _, _ in t.rows.values())
        times = [s for _, s, _ in t.rows.values()]
        rows.append([t.name, f"{flagged}/{len(mal)}", str(errors), str(unscanned),
                     f"{sum(bad(rc) for rc, _, _ in ben.values())}/{len(ben)}",
                     f"{sum(bad(rc) for rc, _, _ in large.values())}/{len(large)}",
                     f"{statistics.median(times):.2f}", f"{max(times):.2f}",
                     f"{max(kb for _, _, kb in t.rows.values()) / 1024:.0f}"])
    return render(head, rows, markdown)


def _per_sample(chosen: list[Tool], markdown: bool) -> str:
    head = ["sample", *(t.name for t in chosen)]
    rows = []
    for label in chosen[0].rows:
        cells = [label]
        for t in chosen:
            rc, s, _ = t.rows[label]
            verdict = ("flagged" if rc in t.flagged else "clean" if rc == 0
                       else "not scanned" if rc in t.skipped else f"error rc {rc}")
            cells.append(f"{verdict} {s:.2f}s")
        rows.append(cells)
    return render(head, rows, markdown)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--peer", action="append", default=[], help="NAME=EXECUTABLE (modelaudit, modelscan)")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--only", help="comma-separated substrings: run the samples whose label has one (keras,pickle)")
    ap.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.build:
        build(args.build)
        return 0
    if args.only:
        os.environ["FORMATS_BENCH_ONLY"] = args.only  # read by the corpus builder (a child process)
    chosen = [Tool("hflint", HFLINT, frozenset({1}))]
    for spec in args.peer:
        name, exe = spec.split("=", 1)
        if name == "modelaudit":
            chosen.append(Tool("modelaudit 0.2.54", [exe, "scan", "--no-cache", "--format", "json"], frozenset({1})))
        elif name == "modelscan":
            # modelscan: 3 = no supported files found (it has no ONNX, GGUF or TFLite scanner)
            chosen.append(Tool("modelscan 0.8.8", [exe, "-p"], frozenset({1}), frozenset({3})))
    with tempfile.TemporaryDirectory() as tmp:
        samples = corpus(Path(tmp) / "corpus")
        for label, folder in samples.items():
            for tool in chosen:  # interleaved: each sample by every tool in turn
                tool.rows[label] = run([*tool.argv, folder], Path(tmp))
    print(_table(chosen, args.markdown))
    print()
    print(_per_sample(chosen, args.markdown))
    if args.json:
        args.json.write_text(json.dumps({t.name: t.rows for t in chosen}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
