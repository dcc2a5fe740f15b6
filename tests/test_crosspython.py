"""Findings are the same on every Python: a baseline written with this interpreter suppresses
the same findings, with the same messages, positions and fingerprints, on the others.

``.ci/run`` passes the other interpreters of its matrix (each in a venv with hflint
installed) in ``HFLINT_CROSS_PYTHONS``; a plain ``pytest`` has none and skips. The golden
fingerprint table (tests/test_golden.py) shows the same on every interpreter CI runs.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

OTHERS = [p for p in os.environ.get("HFLINT_CROSS_PYTHONS", "").split(os.pathsep) if p]


def _hflint(python: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NO_COLOR")}
    return subprocess.run(
        [python, "-m", "hflint", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def _repo(tmp_path: Path) -> Path:
    """The demo model plus one file per parser whose errors reach a finding."""
    repo = shutil.copytree(ROOT / "examples" / "demo-model", tmp_path / "model")
    header = b'{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},}'
    files = {
        "README.md": "---\nlicense: apache-2.0\ntags: [a, b\n---\n# demo\n",  # YAML (HF102)
        "special_tokens_map.json": '{"bos_token": "<s>" "eos_token": "</s>"}',  # JSON (HF201)
        "chat_template.jinja": "{% for m in messages %}{{ m.content }}\n",  # Jinja2 (HF208)
        "modeling_broken.py": "def forward(self:\n    return self\n",  # Python (HF503)
    }
    for name, text in files.items():
        (repo / name).write_text(text, encoding="utf-8")
    (repo / "extra.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + bytes(4))  # HF306
    return repo


def _findings(out: str) -> list[tuple[object, ...]]:
    doc = json.loads(out)
    keys = ("rule_id", "path", "line", "column", "message", "fingerprint", "suppressed")
    return [tuple(f[k] for k in keys) for f in doc["findings"]]


@pytest.mark.skipif(not OTHERS, reason="no other interpreter given (.ci/run sets HFLINT_CROSS_PYTHONS)")
def test_a_baseline_from_this_python_suppresses_the_same_findings_on_the_others(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    written = _hflint(sys.executable, tmp_path, "baseline", "write", str(repo), "--reason", "written on one Python")
    assert written.returncode == 0, written.stderr
    text_here = _hflint(sys.executable, tmp_path, "scan", str(repo), "--color", "never", "--no-baseline")
    assert text_here.returncode == 1, text_here.stderr
    here = _hflint(sys.executable, tmp_path, "scan", str(repo), "--format", "json", "--show-suppressed")
    assert here.returncode == 0, here.stdout + here.stderr
    findings = _findings(here.stdout)
    rules = {f[0] for f in findings}
    assert {"HF102", "HF201", "HF208", "HF306", "HF503"} <= rules and "HF004" not in rules
    assert all(f[-1] for f in findings)  # every finding suppressed by the baseline
    for python in OTHERS:
        there = _hflint(python, tmp_path, "scan", str(repo), "--format", "json", "--show-suppressed")
        assert there.returncode == 0, f"{python}: {there.stdout}{there.stderr}"
        assert _findings(there.stdout) == findings, python
        text_there = _hflint(python, tmp_path, "scan", str(repo), "--color", "never", "--no-baseline")
        assert text_there.stdout == text_here.stdout, python  # byte for byte
