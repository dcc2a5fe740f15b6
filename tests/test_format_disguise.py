"""Pickle-capable content under a model format's name is one defect: HF405 (disguised
pickle) reports it, and each format kind's "not this format" finding (HF306, HF605, HF614,
HF618, HF621, HF634), like HF309's "needs config.json" that follows from the name, is a
consequence of it (docs/one-defect-one-finding.md). Deselecting HF4 reports the format's
finding instead, never nothing."""

from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path

import pytest

from hflint.config import Config
from hflint.engine import _settle, scan
from hflint.finding import Finding, Severity
from hflint.kinds.base import Consequence
from hflint.rule import Docs, Rule


def _pickle() -> bytes:
    return pickle.dumps({"weight": [1.0, 2.0]}, protocol=4)


def _torch_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", _pickle())
        zf.writestr("archive/version", "3\n")
    return buf.getvalue()


# name -> the rule that says the file is not that format when HF4 does not run
OWNERS = {
    "model.gguf": "HF621",
    "model.onnx": "HF605",
    "graph.pb": "HF614",
    "saved_model.pb": "HF614",
    "model.tflite": "HF618",
    "model.keras": "HF634",
    "model.h5": "HF634",
    "model.safetensors": "HF306",
}


def _rules(tmp: Path, select: tuple[str, ...]) -> list[str]:
    result = scan(tmp, Config(select=select, fail_on=None))
    return sorted(f.rule_id for f in result.findings)


@pytest.mark.parametrize("content", [_pickle, _torch_zip], ids=["pickle", "torch-zip"])
@pytest.mark.parametrize("name", sorted(OWNERS))
def test_one_finding_for_pickle_content_under_a_model_format_name(tmp_path: Path, name: str, content: object) -> None:
    (tmp_path / name).write_bytes(content())  # type: ignore[operator]
    assert _rules(tmp_path, ("HF001", "HF3", "HF4", "HF6")) == ["HF405"]
    assert _rules(tmp_path, ("HF001", "HF3", "HF6")) == [OWNERS[name]]


def test_config_missing_follows_from_a_false_weights_name(tmp_path: Path) -> None:
    """A lone pickle named model.safetensors: its need for config.json comes from a name
    that is a lie (HF405), through HF306 when HF4 does not run; alone, HF309 says it."""
    (tmp_path / "model.safetensors").write_bytes(_pickle())
    assert _rules(tmp_path, ("HF3", "HF4")) == ["HF405"]
    assert _rules(tmp_path, ("HF3",)) == ["HF306"]
    assert _rules(tmp_path, ("HF309",)) == ["HF309"]
    (tmp_path / "model.safetensors").unlink()
    (tmp_path / "tf_model.h5").write_bytes(_torch_zip())
    assert _rules(tmp_path, ("HF3", "HF4", "HF6")) == ["HF405"]
    assert _rules(tmp_path, ("HF3", "HF6")) == ["HF634"]


def test_config_missing_stays_for_a_real_weights_file(tmp_path: Path) -> None:
    (tmp_path / "pytorch_model.bin").write_bytes(_torch_zip())  # a pickle is what .bin holds
    assert "HF309" in _rules(tmp_path, ("HF3", "HF4"))


def _rule(rule_id: str, kind: str) -> Rule:
    return Rule(rule_id, rule_id.lower(), "t", Severity.ERROR, kind, "{path}", Docs("w", "y", "e", "f"), "p", Path("p"))


def _f(rule_id: str) -> Finding:
    return Finding(rule_id, "x", "m", Severity.ERROR)


def test_settling_consequences() -> None:
    rules = [_rule("A", "a"), _rule("B", "b"), _rule("C", "c")]
    chain = [Consequence(_f("C"), "b", "x"), Consequence(_f("B"), "a", "x")]
    assert _settle([_f("A")], chain, rules) == []  # A reported: B dropped, so C too
    assert [f.rule_id for f in _settle([], chain, rules)] == ["B"]  # B reported after all covers C
    cycle = [Consequence(_f("B"), "c", "x"), Consequence(_f("C"), "b", "x")]
    assert sorted(f.rule_id for f in _settle([], cycle, rules)) == ["B", "C"]  # nothing goes unsaid


GOLDEN = Path(__file__).parent / "golden"
RENAMED = GOLDEN / "HF600" / "pass" / "renamed-model-formats"
SAMPLES = {  # genuine files the real libraries wrote (tests/golden/make_formats_fixtures.py)
    "onnx": GOLDEN / "HF603" / "pass" / "contrib-ops" / "model.onnx",
    "gguf": RENAMED / "llama.bin",
    "tflite": GOLDEN / "HF616" / "pass" / "builtin-ops" / "model.tflite",
    "graph-def": RENAMED / "graph.dat",  # a frozen graph calling PyFunc (HF611)
}


@pytest.mark.parametrize(
    ("sample", "name", "expected", "note"),
    [
        # A name that claims another model format: that format's "cannot be read" is the one
        # finding, and it names what the content is; the content's own rules ran (clean).
        ("onnx", "model.gguf", ["HF621"], "onnx"),
        ("onnx", "model.tflite", ["HF618"], "onnx"),
        ("onnx", "graph.pb", ["HF614"], "onnx"),
        ("onnx", "model.h5", ["HF634"], "onnx"),
        ("onnx", "model.safetensors", ["HF306"], "onnx"),
        ("gguf", "model.onnx", ["HF605"], "gguf"),
        ("gguf", "model.h5", ["HF634"], "gguf"),
        ("tflite", "model.onnx", ["HF605"], "tflite"),
        ("tflite", "model.gguf", ["HF621"], "tflite"),
        # onnx.load parses a GraphDef (protobuf skips the fields it does not know), but the
        # ModelProto has no graph, which onnxruntime and onnx's checker refuse: HF605 names the
        # content, and HF611-HF614 read the graph all the same.
        ("graph-def", "model.onnx", ["HF605", "HF611"], "tf-graph-def"),
        # A name that claims no format of its own: nothing to report on a clean model.
        ("onnx", "onnx/model.bin", [], None),
        # ...except one loaders read only as a pickle (loaded-as-pickle: torch.load cannot
        # load it, HF403), which names the content the ONNX rules analysed; HF309's "needs
        # config.json" follows from that false name
        ("onnx", "pytorch_model.bin", ["HF403"], "onnx"),
        ("graph-def", "frozen.bin", ["HF611"], None),
        ("gguf", "weights.dat", [], None),
        ("tflite", "model", [], None),
    ],
)
def test_one_finding_for_a_model_format_under_another_formats_name(
    tmp_path: Path, sample: str, name: str, expected: list[str], note: str | None
) -> None:
    (tmp_path / name).parent.mkdir(exist_ok=True)
    (tmp_path / name).write_bytes(SAMPLES[sample].read_bytes())
    result = scan(tmp_path, Config(select=("HF001", "HF3", "HF4", "HF6"), fail_on=None))
    assert sorted(f.rule_id for f in result.findings) == expected
    for f in result.findings:
        if f.rule_id != "HF611":  # the one finding about the name names the content
            assert f"{note} content" in f.message
