"""Keras configs (HF630-HF634): the walk over the whole tree, its false-positive traps, and
hostile files (a huge attribute, a huge or deep config.json, h5py missing) ending in a
finding, never a traceback or an unbounded read. Real files written by keras are the golden
cases (tests/golden/make_keras_fixtures.py); keras itself is never imported here."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest

from hflint.config import Config
from hflint.engine import scan
from hflint.formats import keras_config, keras_files
from hflint.repo import CannotAnalyse

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
POLICY = keras_config.load_policy(ROOT / "rules" / "data" / "keras.yaml")


def _obj(module: str | None, cls: str, config: Any = None, **extra: Any) -> dict[str, Any]:
    out = {"class_name": cls, "config": config if config is not None else {}, **extra}
    if module is not None:
        out["module"] = module
    return out


def _checks(config: Any) -> list[tuple[str, str]]:
    return [(h.check, h.pointer) for h in keras_config.walk(config, POLICY)]


@pytest.mark.parametrize(
    "config",
    [
        _obj("keras.src.models.functional", "Functional", {"name": "m", "layers": []}),
        _obj("keras_hub.src.layers.modeling.transformer_encoder", "TransformerEncoder",
             registered_name="keras_hub>TransformerEncoder"),
        _obj("keras", "DTypePolicy", {"name": "mixed_bfloat16"}, shared_object_id=140234),
        _obj("keras.src.backend.torch.optimizers.torch_adam", "Adam", {"learning_rate": 0.001}),
        _obj("builtins", "function", "relu", registered_name="function"),  # how Keras writes a plain function
        _obj("tensorflow.keras.layers", "Dense", {"units": 2}),
        _obj("tf_keras.src.layers", "Dense", {"units": 2}),
        _obj(None, "Lambda", {"function": "my_fn", "function_type": "function", "module": "__main__"}),
        _obj("keras.layers", "TFSMLayer", {"filepath": "exported/serving"}),
        _obj("keras.layers", "StringLookup", {"vocabulary": ["a", "b"]}),
        {"class_name": "__keras_tensor__", "config": {"shape": [None, 4], "keras_history": ["x", 0, 0]}},
        {"module": "keras.layers", "name": "load_model"},  # a layer *named* like a gadget is not a reference
    ],
    ids=lambda c: str(c.get("class_name")),
)
def test_keras_own_objects_are_clean(config: dict[str, Any]) -> None:
    assert _checks({"module": "keras", "class_name": "Sequential", "config": {"layers": [config]}}) == []


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"class_name": "__lambda__", "config": {"code": "4wEA"}}, [("lambda", "")]),
        (_obj(None, "Lambda", {"function": ["4wEA", None, None], "function_type": "lambda"}),
         [("lambda", "/config/function")]),
        (_obj(None, "Lambda", {"function": "f", "function_type": "function", "output_shape": "4wEA",
                               "output_shape_type": "lambda", "mask": ["4wEA", None, None]}),
         [("lambda", "/config/output_shape"), ("lambda", "/config/mask")]),
        (_obj("os", "function", "system"), [("module", "/module")]),
        (_obj("kerasx.layers", "Dense"), [("module", "/module")]),  # exact root match, never a prefix
        (_obj("tensorflow", "function", "print"), [("module", "/module")]),  # tensorflow is not tf.keras
        (_obj("keras_hub_evil", "X", registered_name="keras_hub>X"), [("module", "/module")]),
        (_obj(["keras"], "Dense"), [("module", "/module")]),
        (_obj("builtins", "function", "exec"), [("module", "/module")]),
        (_obj("keras.src.saving.serialization_lib", "function", "enable_unsafe_deserialization"),
         [("function", "")]),
        (_obj("keras.src.backend.common.global_state", "function", "set_global_attribute"), [("function", "")]),
        (_obj("os", "function", "load_model"), [("module", "/module"), ("function", "")]),
        (_obj("keras.layers", "TFSMLayer", {"filepath": "~/models/x"}), [("path", "/config/filepath")]),
        (_obj("keras.layers", "TFSMLayer", {"filepath": "C:\\models"}), [("path", "/config/filepath")]),
        (_obj(None, "TextVectorization", {"vocabulary": "a/../../v.txt"}), [("path", "/config/vocabulary")]),
    ],
)
def test_hits_wherever_the_object_sits(config: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    # the same object deep in wrappers, nested models and the compile config
    wrapped = {"class_name": "Bidirectional", "config": {"layer": {"class_name": "TimeDistributed",
                                                                   "config": {"layer": config}}}}
    tree = {"class_name": "Functional", "config": {"layers": [{"class_name": "Sequential", "config": {
        "layers": [wrapped]}}]}, "compile_config": {"loss": {"a/b": config}}}
    deep = "/config/layers/0/config/layers/0/config/layer/config/layer"
    got = _checks(tree)
    want = [(c, deep + p) for c, p in expected] + [(c, "/compile_config/loss/a~1b" + p) for c, p in expected]
    assert got == want


def test_a_config_with_more_values_than_the_limit_is_refused() -> None:
    with pytest.raises(keras_config.TooLarge):
        keras_config.walk([[0] * 100] * 100, POLICY, max_values=1000)


def test_malformed_policy_names_the_entry(tmp_path: Path) -> None:
    bad = tmp_path / "keras.yaml"
    bad.write_text("packages: [{names: [keras]}]\nfunctions: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"packages\[0\]"):
        keras_config.load_policy(bad)


# -- hostile files ----------------------------------------------------------------------------


class _Counting(io.BytesIO):
    read_total = 0

    def readinto(self, buf: Any) -> int:
        n = super().readinto(buf)
        self.read_total += n
        return n


def _h5(**attrs: Any) -> bytes:
    buf = io.BytesIO()
    with h5py.File(buf, "w", libver="latest") as f:  # latest: attributes over 64 KiB go to dense storage
        for key, value in attrs.items():
            f.attrs[key] = value
    return buf.getvalue()


def test_an_hdf5_attribute_over_the_limit_is_refused_before_it_is_read() -> None:
    big = _h5(model_config=np.void(b"{" + b" " * (4 << 20)), keras_version=b"3")
    fh = _Counting(big)
    with pytest.raises(CannotAnalyse, match="refuses one HDF5 read"):
        keras_files.hdf5_configs(fh, keras_files.Limits(max_config_bytes=1 << 20))
    assert fh.read_total < 1 << 20  # the 4 MiB attribute was never read


def test_hdf5_string_attributes_of_every_kind_are_read() -> None:
    config = {"class_name": "Sequential", "config": {"layers": []}}
    for value in (json.dumps(config), json.dumps(config).encode(), np.bytes_(json.dumps(config).encode())):
        found = keras_files.hdf5_configs(io.BytesIO(_h5(model_config=value)), keras_files.Limits())
        assert [c.value for c in found] == [config]


def test_weights_only_hdf5_has_no_config() -> None:
    assert keras_files.hdf5_configs(io.BytesIO(_h5(layer_names=[b"dense"])), keras_files.Limits()) == []


def _keras_zip(config: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("metadata.json", b'{"keras_version": "3.15.1"}')
        zf.writestr("config.json", config)
    return buf.getvalue()


def test_a_config_json_over_the_limit_is_refused_without_inflating_it() -> None:
    data = _keras_zip(b"[" + b"0," * (3 << 20) + b"0]")  # 6 MiB inflated, a few KiB stored
    with pytest.raises(CannotAnalyse, match="over the 1048576-byte limit"):
        keras_files.keras_zip(io.BytesIO(data), len(data), keras_files.Limits(max_config_bytes=1 << 20))


def test_hostile_keras_files_are_findings(tmp_path: Path) -> None:
    (tmp_path / "deep.keras").write_bytes(_keras_zip(b"[" * 100_000 + b"]" * 100_000))
    (tmp_path / "deep.h5").write_bytes(_h5(model_config=b"{\"a\":" * 50_000 + b"1" + b"}" * 50_000))
    (tmp_path / "empty.keras").write_bytes(b"")
    result = scan(tmp_path, Config(select=("HF63", "HF001")))
    assert sorted((f.rule_id, f.path) for f in result.findings) == [
        ("HF634", "deep.h5"), ("HF634", "deep.keras"), ("HF634", "empty.keras")]


def test_without_h5py_an_hdf5_model_is_an_error_never_a_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "model.h5").write_bytes((GOLDEN / "HF631" / "pass" / "keras3-legacy-h5" / "model.h5").read_bytes())
    monkeypatch.setitem(sys.modules, "h5py", None)  # import h5py raises ImportError
    result = scan(tmp_path, Config(select=("HF63", "HF001")))
    assert [(f.rule_id, f.path) for f in result.findings] == [("HF634", "model.h5")]
    assert "h5py cannot be imported" in result.findings[0].message


def test_a_torch_zip_named_keras_is_the_pickle_rules_finding_only() -> None:
    case = GOLDEN / "HF405" / "fail" / "torch-zip-named-keras"
    result = scan(case, Config(select=("HF4", "HF63", "HF001")))
    assert {f.rule_id for f in result.findings if f.path == "model.keras"} == {"HF405"}


@pytest.mark.parametrize(
    ("cut", "reason"),
    [
        (lambda data: bytes(64), "no HDF5 superblock signature (not an HDF5 file)"),
        (lambda data: data[:1500], "the file ends before the end its superblock declares (truncated)"),
    ],
)
def test_hdf5_failures_are_described_in_hflints_words(cut: Any, reason: str) -> None:
    """HDF5's own text ("Unable to synchronously open file (...)") changes with its version;
    a finding's message is its fingerprint (docs/fingerprints.md, migration 4)."""
    data = _h5(model_config=json.dumps({"class_name": "Sequential", "config": {"layers": []}}), w=b"x" * 9000)
    with pytest.raises(CannotAnalyse) as caught:
        keras_files.hdf5_configs(io.BytesIO(cut(data)), keras_files.Limits())
    assert caught.value.reason == f"not an HDF5 file h5py can read within the limits: {reason}"
    assert keras_files.hdf5_error(RuntimeError("something HDF5 never said before")) == (
        "HDF5 cannot read its structure (RuntimeError)"
    )


@pytest.mark.parametrize(("words", "reason"), list(keras_files._HDF5_ERRORS))
def test_every_hdf5_error_class_is_recognised_in_hdf5s_spelling(words: str, reason: str) -> None:
    """HDF5 spells its errors in mixed case ("wrong B-tree signature"), h5py wraps them."""
    assert keras_files.hdf5_error(OSError(f"Unable to synchronously open object ({words})")) == reason


def test_tf_keras_metadata_tuples_are_lambdas() -> None:
    """tf.keras's SavedModel metadata encodes the Lambda's (code, defaults, closure) tuple as
    {"class_name": "__tuple__", "items": [...]}; func_load unpacks it as it does the list."""
    policy = keras_config.load_policy(ROOT / "rules" / "data" / "keras.yaml")
    walk = keras_config.walk
    tuple_form = {"class_name": "__tuple__", "items": ["4wEA", None, None]}
    config = {"class_name": "Lambda", "config": {"name": "l", "function": tuple_form, "function_type": "lambda"}}
    assert [(h.check, h.pointer) for h in walk(config, policy)] == [("lambda", "/config/function")]
    benign = {"class_name": "Dense", "config": {"name": "d", "units": {"class_name": "__tuple__", "items": [2]}}}
    assert walk(benign, policy) == []


def test_tf24_saved_model_metadata_is_read_from_the_object_graph(tmp_path: Path) -> None:
    """TF 2.0-2.4 kept each Keras object's metadata on its SavedObjectGraph node; a copy of the
    golden SavedModel under another name is read the same way (recognised by content)."""
    data = (ROOT / "tests/golden/HF630/fail/tf24-saved-model-lambda/saved_model.pb").read_bytes()
    (tmp_path / "export.bin").write_bytes(data)
    result = scan(tmp_path, Config(select=("HF63", "HF001")))
    assert [(f.rule_id, f.path, f.pointer) for f in result.findings] == [
        ("HF630", "export.bin", f"{NODE_0}#/config/layers/2/config/function")
    ]


NODE_0 = "meta_graphs/0/object_graph_def/nodes/0/user_object/metadata"
