"""Baseline: write, scan with only new findings, update, expiry, broken files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import MakeRepo
from hflint.cli import main

BROKEN = {
    "README.md": "# m\n",
    "config.json": '{"model_type": "bert", "hidden_size": "16"}',
    "added_tokens.json": "{,}",
    ".hflint.yaml": "select: [HF0, HF201, HF213, HF203]\n",  # the rules these tests exercise
}


def _scan(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(["scan", str(root), "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def _reported(doc: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(f["rule_id"], f["path"]) for f in doc["findings"] if not f["suppressed"]]


def test_write_scan_update_cycle(make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(BROKEN)
    assert main(["baseline", "write", str(root)]) == 2
    assert "--reason is required" in capsys.readouterr().err
    assert main(["baseline", "write", str(root), "--reason", "legacy export, fix tracked in #12"]) == 0
    assert "2 added, 0 kept, 0 removed" in capsys.readouterr().out
    baseline = json.loads((root / ".hflint-baseline.json").read_text(encoding="utf-8"))
    assert [e["rule"] for e in baseline["entries"]] == ["HF201", "HF213"]  # sorted by path
    assert all(e["reason"] == "legacy export, fix tracked in #12" for e in baseline["entries"])

    code, doc = _scan(root, capsys)
    assert (code, _reported(doc), doc["summary"]["baselined"]) == (0, [], 2)
    # A new problem is reported; the baselined ones stay quiet.
    (root / "vocab.json").write_text("[1,]", encoding="utf-8")
    code, doc = _scan(root, capsys)
    assert (code, _reported(doc)) == (1, [("HF201", "vocab.json")])
    # Moving a finding to another line keeps it baselined (fingerprints ignore lines).
    (root / "config.json").write_text('\n\n{\n"model_type": "bert", "hidden_size": "16"}', encoding="utf-8")
    code, doc = _scan(root, capsys, "--ignore", "HF201")
    assert _reported(doc) == []
    # Fixing one: its entry is now unused (HF004) until `baseline update` drops it.
    (root / "added_tokens.json").write_text("{}", encoding="utf-8")
    (root / "vocab.json").unlink()
    code, doc = _scan(root, capsys)
    assert _reported(doc) == [("HF004", ".hflint-baseline.json")]
    assert main(["baseline", "update", str(root)]) == 0
    assert "0 added, 1 kept, 1 removed" in capsys.readouterr().out
    code, doc = _scan(root, capsys)
    assert (code, _reported(doc)) == (0, [])
    code, doc = _scan(root, capsys, "--no-baseline")
    assert _reported(doc) == [("HF213", "config.json")]


def test_sarif_leaves_baselined_findings_out(make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(BROKEN)
    main(["baseline", "write", str(root), "--reason", "known"])
    capsys.readouterr()
    main(["scan", str(root), "--format", "sarif"])
    assert json.loads(capsys.readouterr().out)["runs"][0]["results"] == []
    main(["scan", str(root), "--format", "sarif", "--show-suppressed"])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert len(results) == 2
    assert results[0]["suppressions"] == [{"kind": "external", "justification": "baseline: known"}]


def test_expired_entries_stop_suppressing(make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(BROKEN)
    main(["baseline", "write", str(root), "--reason", "until the release", "--expires", "2020-01-01"])
    capsys.readouterr()
    code, doc = _scan(root, capsys)
    assert code == 1
    assert sorted(_reported(doc)) == [
        ("HF005", ".hflint-baseline.json"),
        ("HF005", ".hflint-baseline.json"),
        ("HF201", "added_tokens.json"),
        ("HF213", "config.json"),
    ]


def test_explicit_baseline_file(make_repo: MakeRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(BROKEN)
    elsewhere = tmp_path / "team-baseline.json"
    assert main(["baseline", "write", str(root), "--baseline", str(elsewhere), "--reason", "known"]) == 0
    capsys.readouterr()
    assert not (root / ".hflint-baseline.json").exists()
    code, doc = _scan(root, capsys, "--baseline", str(elsewhere))
    assert (code, _reported(doc)) == (0, [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{,}", ".hflint-baseline.json:1: baseline is not valid JSON"),
        ('{"version": 2, "entries": []}', ".hflint-baseline.json:1: version: 1 was expected"),
        (
            '{"version": 1, "entries": [\n {"fingerprint": "x", "rule": "HF201", "path": "a", "reason": "why"}]}',
            ".hflint-baseline.json:2: entries/0/fingerprint: 'x' does not match",
        ),
        (
            '{"version": 1, "entries": [\n {"fingerprint": "' + "a" * 32 + '", "rule": "HF201", "path": "a"}]}',
            "entries/0: 'reason' is a required property",
        ),
    ],
)
def test_broken_baseline_is_exit_2(
    make_repo: MakeRepo, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    root = make_repo({**BROKEN, ".hflint-baseline.json": text})
    assert main(["scan", str(root)]) == 2
    assert expected in capsys.readouterr().err


def test_isolated_ignores_the_repos_own_baseline_and_review_records(
    make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A downloaded repo can ship a baseline and review records that hide its own problems."""
    config = '{"model_type": "bert", "hidden_size": "16", "auto_map": {"AutoModel": "modeling_x.XModel"}}'
    root = make_repo({**BROKEN, "config.json": config, "modeling_x.py": "import os\nos.system('echo hi')\n"})
    (root / ".hflint.yaml").write_text("select: [HF0, HF201, HF213, HF203, HF501, HF503]\n", encoding="utf-8")
    assert main(["review", "approve", str(root / "modeling_x.py"), "--repo", str(root), "--by", "attacker"]) == 0
    assert main(["baseline", "write", str(root), "--reason", "trust me"]) == 0
    capsys.readouterr()
    code, doc = _scan(root, capsys)
    assert (code, _reported(doc)) == (0, [])
    code, doc = _scan(root, capsys, "--isolated")
    reported = set(_reported(doc))
    assert code == 1
    assert {("HF201", "added_tokens.json"), ("HF213", "config.json"), ("HF501", "modeling_x.py")} <= reported
    assert ("HF503", "modeling_x.py") in reported
