"""The policy data snapshot (hflint.datacache): shipped rules/data/*.yaml are read from
rules/data-snapshot.json without PyYAML, the YAML stays the source of truth (an edited file is
parsed from its YAML), and the snapshot equals what every loader makes of every file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from hflint import _paths, datacache, ruledoc
from hflint.yamlfile import data_value, load_yaml


def _never(text: str) -> object:
    raise AssertionError("a shipped data file was parsed from its YAML")


@pytest.mark.parametrize("path", datacache.data_paths(), ids=lambda p: p.name)
def test_every_shipped_data_file_comes_from_the_snapshot_with_the_yamls_value(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    value = datacache.load_data(path, _never)
    assert value == load_yaml(text).value == yaml.safe_load(text)


def test_an_edited_data_file_is_parsed_from_its_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(_paths.rules_dir(), rules)
    edited = rules / "data" / "licenses.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nedited: true\n", encoding="utf-8")
    monkeypatch.setattr(_paths, "rules_dir", lambda: rules)
    datacache._entries.cache_clear()
    try:
        assert data_value(edited)["edited"] is True
        other = rules / "data" / "keras.yaml"
        assert datacache.load_data(other, _never) == yaml.safe_load(other.read_text(encoding="utf-8"))
        # a file of the same name outside the shipped folder (a pack's own data) is its YAML
        own = tmp_path / "keras.yaml"
        own.write_bytes(other.read_bytes())
        assert datacache.load_data(own, lambda text: "parsed") == "parsed"
    finally:
        datacache._entries.cache_clear()


def test_a_stale_snapshot_fails_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(_paths.rules_dir(), rules)
    edited = rules / "data" / "tf-ops.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# a new comment\n", encoding="utf-8")
    monkeypatch.setattr(_paths, "rules_dir", lambda: rules)
    assert ruledoc.main(["--check", str(ROOT / "docs" / "rules")]) == 1
    assert "data-snapshot.json: out of date" in capsys.readouterr().out


def test_a_scan_parses_no_policy_yaml(tmp_path: Path) -> None:
    """A first scan of a repository whose card has no front matter imports no PyYAML at all."""
    code = (
        "import sys, pathlib\n"
        "d = pathlib.Path(sys.argv[1])\n"
        "(d / 'README.md').write_text('# A model\\n\\nWhat it does.\\n')\n"
        "(d / 'model.safetensors').write_bytes(b'\\x02\\x00\\x00\\x00\\x00\\x00\\x00\\x00{}')\n"
        "from hflint.cli import main\n"
        "main(['scan', '--isolated', '--no-cache', str(d)])\n"
        "print(sorted(m for m in ('yaml',) if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(ROOT / "linter"), "PATH": "/usr/bin:/bin"})
    assert out.stdout.splitlines()[-1] == "[]", out.stdout
