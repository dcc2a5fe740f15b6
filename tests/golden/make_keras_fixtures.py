"""Write the golden cases of the Keras rules (HF630-HF634) with the real keras and h5py, and
check that Keras loads the benign ones back; commit the output with this script.

    pip install torch==2.13.0 keras h5py && KERAS_BACKEND=torch python tests/golden/make_keras_fixtures.py

Benign models are written by ``keras`` (3.x) itself: nested Functional/Sequential models
with regularizers, constraints, a TimeDistributed wrapper and a compile config, Keras 3's
legacy HDF5 writer, and a weights-only file. Malicious variants are the real files with
their config edited (harmless payloads: ``echo hflint-keras``, paths under /tmp), and
Keras-2 forms (a legacy ``[code, defaults, closure]`` Lambda in HDF5, keras_metadata.pb)
written with h5py and the protobuf wire format as tf.keras 2 writes them. Deterministic
except for the weights' random initialisation, which no rule reads.
"""

from __future__ import annotations

import base64
import io
import json
import marshal
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import h5py  # noqa: E402
import keras  # noqa: E402
from goldencase import case  # noqa: E402

from protoenc import field  # noqa: E402

CMD = "echo hflint-keras"


def _benign_models() -> dict[str, keras.Model]:
    keras.utils.set_random_seed(0)
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(
        3, kernel_regularizer=keras.regularizers.L2(0.01), kernel_constraint=keras.constraints.MaxNorm(2),
        activation=keras.activations.gelu)], name="inner")
    inp = keras.Input((5, 4))
    x = keras.layers.TimeDistributed(inner, name="per_step")(inp)
    x = keras.layers.Bidirectional(keras.layers.LSTM(2), name="bi")(x)
    out = keras.layers.Dense(2, activation="softmax")(x)
    nested = keras.Model(inp, out, name="nested")
    nested.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.CategoricalCrossentropy(),
                   metrics=["accuracy", keras.metrics.AUC()])
    plain = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Lambda(keras.activations.relu)])
    return {"nested": nested, "plain": plain}


def _saved(model: keras.Model, name: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        if name.endswith(".weights.h5"):
            model.save_weights(path)
            return path.read_bytes()
        model.save(path)
        keras.saving.load_model(path, safe_mode=True)  # keras reads it back
        return path.read_bytes()


def _lambda_model() -> keras.Model:
    keras.config.enable_unsafe_deserialization()  # only to save: Keras refuses to load it back in safe mode
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda t: t * 2, name="double")], name="inner")
    inp = keras.Input((4,))
    x = keras.layers.Dense(3)(inp)
    out = inner(x)
    return keras.Model(inp, out)


def _with_config(archive: bytes, edit: Any) -> bytes:
    """The .keras archive with its config.json replaced by ``edit(config)``."""
    src = zipfile.ZipFile(io.BytesIO(archive))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "config.json":
                data = json.dumps(edit(json.loads(data))).encode()
            out.writestr(info, data)
    return buf.getvalue()


def _add_layer(layer: dict[str, Any]) -> Any:
    def edit(config: dict[str, Any]) -> dict[str, Any]:
        config["config"]["layers"].append(layer)
        return config

    return edit


def _fn(module: str, name: str, registered: str = "function") -> dict[str, Any]:
    return {"module": module, "class_name": "function", "config": name, "registered_name": registered}


def _lambda_layer(function: Any, name: str = "payload", **extra: Any) -> dict[str, Any]:
    return {"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
            "config": {"name": name, "function": function, "arguments": {}, **extra},
            "build_config": {"input_shape": [None, 2]}}


def _legacy_h5(model_config: dict[str, Any], training_config: dict[str, Any] | None = None) -> bytes:
    """An HDF5 model as tf.keras 2 writes one: JSON attributes, bytes (fixed-length strings)."""
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.attrs["keras_version"] = b"2.15.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(model_config).encode()
        if training_config is not None:
            f.attrs["training_config"] = json.dumps(training_config).encode()
        f.create_group("model_weights").attrs["layer_names"] = [b"dense"]
    return buf.getvalue()


def _code() -> str:
    """A lambda's bytecode as tf.keras's func_dump writes it (base64 of marshal)."""
    return base64.b64encode(marshal.dumps((lambda x: x).__code__)).decode()


def _keras2_sequential(*layers: dict[str, Any]) -> dict[str, Any]:
    dense = {"class_name": "Dense", "config": {"name": "dense", "units": 2, "activation": "relu"}}
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": [dense, *layers]}}


def _metadata(*nodes: dict[str, Any]) -> bytes:
    """keras_metadata.pb: SavedMetadata{nodes: SavedObject{node_id 2, node_path 3, identifier 4, metadata 5}}."""
    out = b""
    for i, node in enumerate(nodes):
        body = bytes([0x10, i]) + field(3, f"root.layer-{i}") + field(4, "_tf_keras_layer") + field(5, json.dumps(node))
        out += field(1, body)
    return out


def main() -> int:
    models = _benign_models()
    nested = _saved(models["nested"], "model.keras")
    plain = _saved(models["plain"], "model.keras")
    legacy = _saved(models["plain"], "model.h5")
    weights = _saved(models["nested"], "model.weights.h5")
    lam = _saved(_lambda_model(), "model.keras")

    for rule in ("HF630", "HF631", "HF632", "HF633", "HF634"):
        (case(rule, "pass", "keras-v3-nested") / "model.keras").write_bytes(nested)
    (case("HF630", "pass", "lambda-of-keras-function") / "model.keras").write_bytes(plain)
    (case("HF631", "pass", "keras3-legacy-h5") / "model.h5").write_bytes(legacy)
    (case("HF630", "pass", "weights-only-h5") / "model.weights.h5").write_bytes(weights)
    hub = _add_layer({"module": "keras_hub.src.layers.modeling.transformer_encoder",
                      "class_name": "TransformerEncoder", "registered_name": "keras_hub>TransformerEncoder",
                      "config": {"name": "enc", "intermediate_dim": 4, "num_heads": 1}})
    (case("HF631", "pass", "keras-hub-registered-name") / "model.keras").write_bytes(_with_config(nested, hub))

    # HF630: bytecode, wherever it is
    (case("HF630", "fail", "lambda-in-nested-sequential") / "model.keras").write_bytes(lam)
    activation = {"class_name": "__lambda__", "config": {"code": _code(), "defaults": None, "closure": None}}
    wrapped = {"module": "keras.layers", "class_name": "TimeDistributed", "registered_name": None,
               "config": {"name": "td", "layer": {"module": "keras.layers", "class_name": "Dense",
                                                   "registered_name": None,
                                                   "config": {"name": "d", "units": 2, "activation": activation}}}}
    (case("HF630", "fail", "lambda-activation-in-wrapper") / "model.keras").write_bytes(
        _with_config(nested, _add_layer(wrapped)))
    legacy_lambda = {"class_name": "Lambda", "config": {"name": "lambda", "function": [_code(), None, None],
                                                         "function_type": "lambda", "module": "__main__",
                                                         "output_shape": None, "output_shape_type": "raw",
                                                         "arguments": {}}}
    (case("HF630", "fail", "keras2-h5-lambda-list") / "model.h5").write_bytes(
        _legacy_h5(_keras2_sequential(legacy_lambda)))
    string_lambda = {"class_name": "Lambda", "config": {"name": "lambda", "function": _code(),
                                                         "function_type": "lambda", "module": "__main__",
                                                         "arguments": {}}}
    (case("HF630", "fail", "keras2-h5-named-bin") / "tf_model.bin").write_bytes(
        _legacy_h5(_keras2_sequential(string_lambda)))
    (case("HF630", "fail", "keras-metadata-pb") / "keras_metadata.pb").write_bytes(
        _metadata({"class_name": "Dense", "name": "dense", "config": {"name": "dense", "units": 2}}, string_lambda))

    # HF631: modules outside Keras, however they are dressed
    system = _lambda_layer(_fn("os", "system", "keras_hub>Noop"), arguments={"command": CMD})
    (case("HF631", "fail", "os-system-registered-as-keras-hub") / "model.keras").write_bytes(
        _with_config(nested, _add_layer(system)))
    lookalike = {"module": "kerasx.layers", "class_name": "Dense", "registered_name": None, "config": {"name": "x"}}
    (case("HF631", "fail", "keras-prefix-lookalike") / "model.keras").write_bytes(
        _with_config(nested, _add_layer(lookalike)))
    (case("HF631", "fail", "builtins-exec-function") / "model.keras").write_bytes(
        _with_config(nested, _add_layer(_lambda_layer(_fn("builtins", "exec")))))
    loss = {"module": "subprocess", "class_name": "function", "config": "getoutput", "registered_name": None}
    (case("HF631", "fail", "h5-training-config-loss") / "model.h5").write_bytes(
        _legacy_h5(_keras2_sequential(), {"loss": loss, "metrics": ["accuracy"], "optimizer_config": {
            "class_name": "Adam", "config": {"learning_rate": 0.001}}}))

    # HF632: Keras's own functions that are not modelling code (CVE-2025-8747, CVE-2025-9906)
    unsafe = _lambda_layer(_fn("keras.config", "enable_unsafe_deserialization"), name="unsafe")
    (case("HF632", "fail", "enable-unsafe-deserialization") / "model.keras").write_bytes(
        _with_config(nested, _add_layer(unsafe)))
    load = _lambda_layer(_fn("keras.models", "load_model"), name="loader", arguments={"safe_mode": False})
    (case("HF632", "fail", "load-model-without-safe-mode") / "model.keras").write_bytes(
        _with_config(nested, _add_layer(load)))
    fetch = _lambda_layer(_fn("keras.src.utils.file_utils", "get_file"), name="fetch",
                          arguments={"origin": "http://127.0.0.1:9/x", "cache_dir": "/tmp/hflint-keras"})
    (case("HF632", "fail", "get-file") / "model.keras").write_bytes(_with_config(nested, _add_layer(fetch)))

    # HF633: layers reading paths outside the model
    def tfsm(path: str) -> Any:
        return _add_layer({"module": "keras.layers", "class_name": "TFSMLayer", "registered_name": None,
                           "config": {"name": "tfsm", "filepath": path, "call_endpoint": "serve"}})

    (case("HF633", "fail", "tfsm-absolute") / "model.keras").write_bytes(_with_config(nested, tfsm("/tmp/other_model")))
    (case("HF633", "fail", "tfsm-url") / "model.keras").write_bytes(_with_config(nested, tfsm("gs://bucket/model")))
    vocab = {"class_name": "StringLookup", "config": {"name": "lookup", "vocabulary": "../../../etc/passwd"}}
    (case("HF633", "fail", "vocabulary-dotdot") / "model.h5").write_bytes(_legacy_h5(_keras2_sequential(vocab)))
    (case("HF633", "pass", "tfsm-inside") / "model.keras").write_bytes(_with_config(nested, tfsm("exported/serving")))

    # HF634: configs that cannot be read
    (case("HF634", "fail", "not-a-zip") / "model.keras").write_bytes(b"not a keras archive\n")
    (case("HF634", "fail", "config-not-json") / "model.keras").write_bytes(_raw_config(nested, b"{\"module\": "))
    (case("HF634", "fail", "config-nested-too-deep") / "model.keras").write_bytes(
        _raw_config(nested, b"[" * 200_000 + b"]" * 200_000))
    (case("HF634", "fail", "h5-not-hdf5") / "model.h5").write_bytes(b"\x00" * 64)
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.attrs["model_config"] = 7
    (case("HF634", "fail", "model-config-not-string") / "model.h5").write_bytes(buf.getvalue())
    (case("HF634", "fail", "metadata-not-protobuf") / "keras_metadata.pb").write_bytes(b"\xff" * 16)
    (case("HF634", "pass", "weights-only-h5") / "model.weights.h5").write_bytes(weights)
    return 0


def _raw_config(archive: bytes, raw: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(archive))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename == "config.json":
                out.writestr("config.json", raw)  # deflated (the archive's default here)
            else:
                out.writestr(info, src.read(info))
    return buf.getvalue()


if __name__ == "__main__":
    raise SystemExit(main())
