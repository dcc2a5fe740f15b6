"""Baseline: write, scan with only new findings, update, expiry, broken files."""

from __future__ import annotations

import json
import shutil
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


def _replay_legacy(
    legacy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], selection: list[str], count: int
) -> tuple[Path, Path, set[str]]:
    """A baseline written before a migration (``legacy``/baseline.json, for ``legacy``/repo)
    suppresses all ``count`` findings, ``baseline update`` keeps every one, and the updated
    baseline still suppresses them. Returns the repository, the updated baseline and the
    fingerprints the legacy entries had."""
    root = shutil.copytree(legacy / "repo", tmp_path / "repo")
    old = tmp_path / "baseline.json"
    shutil.copy(legacy / "baseline.json", old)
    before = {e["fingerprint"] for e in json.loads(old.read_text(encoding="utf-8"))["entries"]}
    code, doc = _scan(root, capsys, "--baseline", str(old), *selection)
    assert (code, _reported(doc), doc["summary"]["baselined"]) == (0, [], count)
    assert main(["baseline", "update", str(root), "--baseline", str(old), *selection]) == 0
    assert f"0 added, {count} kept, 0 removed" in capsys.readouterr().out
    code, doc = _scan(root, capsys, "--baseline", str(old), *selection)
    assert (code, _reported(doc), doc["summary"]["baselined"]) == (0, [], count)
    return root, old, before


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
        ('{"version": 3, "entries": []}', ".hflint-baseline.json:1: version: 3 is not one of [1, 2]"),
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


# -- fingerprint migration 1: syntax errors in hflint's words (docs/fingerprints.md) ----------

LEGACY = Path(__file__).parent / "fixtures" / "baselines" / "before-fingerprint-migration-1"


@pytest.mark.parametrize(
    ("baseline", "selection"),
    [
        ("baseline.json", ["--select", "HF0,HF102,HF201,HF208,HF503"]),
        # config.json's checks moved from HF202 to HF212-HF215 since (migration 3)
        ("baseline-hf001.json", ["--select", "HF0,HF212,HF213,HF214,HF215", "--ignore", "HF201"]),
    ],
)
def test_baseline_written_before_the_migration_keeps_suppressing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], baseline: str, selection: list[str]
) -> None:
    """Entries recorded with Python's, PyYAML's, Jinja2's and CPython's wording (hflint
    0.1.0 on 3.11) match today's findings: nothing is reported, no HF004; ``baseline
    update`` re-keys them under today's fingerprints and keeps their reasons."""
    root = shutil.copytree(LEGACY / "repo", tmp_path / "repo")
    old = tmp_path / "baseline.json"
    shutil.copy(LEGACY / baseline, old)
    legacy = json.loads(old.read_text(encoding="utf-8"))["entries"]

    code, doc = _scan(root, capsys, "--baseline", str(old), *selection)
    assert (code, _reported(doc), doc["summary"]["baselined"]) == (0, [], len(legacy))
    current = {(f["rule_id"], f["path"]): f for f in doc["findings"]}
    assert all(current[(e["rule"], e["path"])]["fingerprint"] != e["fingerprint"] for e in legacy)

    assert main(["baseline", "update", str(root), "--baseline", str(old), *selection]) == 0
    assert f"0 added, {len(legacy)} kept, 0 removed" in capsys.readouterr().out
    rekeyed = json.loads(old.read_text(encoding="utf-8"))["entries"]
    for entry in rekeyed:
        finding = current[(entry["rule"], entry["path"])]
        assert (entry["fingerprint"], entry["message"]) == (finding["fingerprint"], finding["message"])
        assert entry["reason"] == "legacy"
    code, doc = _scan(root, capsys, "--baseline", str(old), *selection)
    assert (code, _reported(doc), doc["summary"]["baselined"]) == (0, [], len(legacy))


def test_reworded_matching_is_narrow(make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """Only the rules a migration reworded or moved, only the same path and pointer, one entry
    for one finding: an entry never carries over to another finding."""
    root = make_repo({"vocab.json": "{,}", "added_tokens.json": "[1,]", "adapter_config.json": '{"peft_type": 5}'})
    legacy = [
        {"rule": "HF201", "path": "vocab.json", "message": "vocab.json is not valid JSON: Expecting property name"},
        {"rule": "HF201", "path": "vocab.json", "message": "vocab.json is not valid JSON: Expecting value"},  # 2nd
        {"rule": "HF201", "path": "c.json", "message": "c.json is not valid JSON: Expecting value"},  # another file
        {"rule": "HF202", "path": "adapter_config.json", "pointer": "/peft_type", "message": "old words"},
        {"rule": "HF202", "path": "adapter_config.json", "message": "adapter_config.json: no pointer, other words"},
    ]
    entries = [{"fingerprint": "0" * 31 + str(i), **e, "reason": "old"} for i, e in enumerate(legacy)]
    (root / ".hflint-baseline.json").write_text(json.dumps({"version": 1, "entries": entries}), encoding="utf-8")
    code, doc = _scan(root, capsys, "--select", "HF0,HF201,HF202")
    assert code == 1
    assert sorted(_reported(doc)) == [
        ("HF004", ".hflint-baseline.json"),  # the second vocab.json entry
        ("HF004", ".hflint-baseline.json"),  # c.json
        ("HF004", ".hflint-baseline.json"),  # HF202 is keyed by its pointer: no rewording to carry over,
        ("HF004", ".hflint-baseline.json"),  # and it moved only for config.json (HF212-HF215)
        ("HF201", "added_tokens.json"),
        ("HF202", "adapter_config.json"),
    ]


REPEATS = {
    "README.md": "# m\n",
    "config.json": '{"auto_map": {"AutoModel": "modeling_x.M"}}',
    "modeling_x.py": "exec('a')\nexec('b')\n",
    ".hflint.yaml": "select: [HF503]\n",
}


def test_a_repeated_finding_needs_its_own_entry(make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """The same call twice in one file: two findings, two fingerprints (occurrence 0 and 1),
    so accepting today's never accepts one added later (docs/fingerprints.md)."""
    root = make_repo({**REPEATS, "modeling_x.py": "exec('a')\n"})
    assert main(["baseline", "write", str(root), "--reason", "reviewed: constant strings"]) == 0
    capsys.readouterr()
    (root / "modeling_x.py").write_text("exec('a')\nexec(payload)\n", encoding="utf-8")
    code, doc = _scan(root, capsys)
    assert (code, _reported(doc)) == (1, [("HF503", "modeling_x.py")])
    assert [f["line"] for f in doc["findings"] if not f["suppressed"]] == [2]
    fingerprints = [f["fingerprint"] for f in doc["findings"]]
    assert len(set(fingerprints)) == 2


def test_a_version_1_baseline_still_accepts_every_repeat(
    make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Migration 2: a version 1 entry accepted every finding with its key; it still does (no
    HF004, nothing new), and `baseline update` writes one version 2 entry per finding."""
    root = make_repo(REPEATS)
    assert main(["scan", str(root), "--format", "json", "--no-baseline"]) == 1
    first = json.loads(capsys.readouterr().out)["findings"][0]
    entry = {"rule": "HF503", "path": "modeling_x.py", "message": first["message"], "reason": "kept from 2026"}
    old = {"version": 1, "entries": [{"fingerprint": first["fingerprint"], **entry}]}
    (root / ".hflint-baseline.json").write_text(json.dumps(old), encoding="utf-8")
    code, doc = _scan(root, capsys)
    assert (code, _reported(doc), doc["summary"]["baselined"]) == (0, [], 2)
    assert main(["baseline", "update", str(root)]) == 0
    assert "0 added, 2 kept, 0 removed" in capsys.readouterr().out
    new = json.loads((root / ".hflint-baseline.json").read_text(encoding="utf-8"))
    assert new["version"] == 2 and [e["reason"] for e in new["entries"]] == ["kept from 2026"] * 2
    code, doc = _scan(root, capsys)
    assert (code, _reported(doc), doc["summary"]["baselined"]) == (0, [], 2)


# -- fingerprint migration 2: repeats numbered, HF108 keyed by its pattern ------------------

LEGACY_2 = Path(__file__).parent / "fixtures" / "baselines" / "before-fingerprint-migration-2"


def test_baseline_written_before_migration_2_keeps_suppressing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    selection = ["--select", "HF108,HF208,HF503"]
    root, old, _ = _replay_legacy(LEGACY_2, tmp_path, capsys, selection, 4)  # 2 HF108, 2 HF503
    new = json.loads(old.read_text(encoding="utf-8"))
    assert new["version"] == 2
    assert sorted((e["rule"], e.get("pointer") or "") for e in new["entries"]) == [
        ("HF108", "[More Information Needed]"),
        ("HF108", "the template title '# Model Card for Model ID'"),
        ("HF503", ""),
        ("HF503", ""),
    ]
    assert {e["reason"] for e in new["entries"]} == {"legacy"}
    # Now a third exec() is new: no entry accepts it.
    (root / "modeling_x.py").write_text('exec("a = 1")\nexec("b = 2")\nexec(x)\n', encoding="utf-8")
    code, doc = _scan(root, capsys, "--baseline", str(old), *selection)
    assert (code, _reported(doc)) == (1, [("HF503", "modeling_x.py")])


# -- fingerprint migration 3: checks that moved to another rule ------------------------------

LEGACY_3 = Path(__file__).parent / "fixtures" / "baselines" / "before-fingerprint-migration-3"


@pytest.mark.parametrize("baseline", sorted(p.name for p in LEGACY_3.glob("*.json")))
def test_baseline_written_before_migration_3_keeps_suppressing(
    baseline: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rule, case = baseline.removesuffix(".json").split("-", 1)
    root = shutil.copytree(Path(__file__).parent / "golden" / rule / "fail" / case, tmp_path / "repo")
    (root / "expected.txt").unlink()
    old = tmp_path / "baseline.json"
    shutil.copy(LEGACY_3 / baseline, old)
    legacy = json.loads(old.read_text(encoding="utf-8"))["entries"]
    selection = ["--select", "HF2,HF3", "--isolated"]
    _, doc = _scan(root, capsys, "--baseline", str(old), *selection)
    assert doc["summary"]["baselined"] == len(legacy)
    assert [f for f in _reported(doc) if f[0] in ("HF004", "HF005")] == []
    assert main(["baseline", "update", str(root), "--baseline", str(old), *selection]) == 0
    assert f"0 added, {len(legacy)} kept, 0 removed" in capsys.readouterr().out
    carried = {(e["rule"], e["path"], e.get("pointer")) for e in json.loads(old.read_text(encoding="utf-8"))["entries"]}
    _, doc = _scan(root, capsys, "--baseline", str(old), *selection)
    accepted = {(f["rule_id"], f["path"], f["pointer"]) for f in doc["findings"] if f["suppressed"]}
    assert carried == accepted and doc["summary"]["baselined"] == len(legacy)  # under today's rules


# -- fingerprint migration 4: HDF5's error text left HF634; unreadable formats name the content --

LEGACY_4 = Path(__file__).parent / "fixtures" / "baselines" / "before-fingerprint-migration-4"


def test_baseline_written_before_migration_4_keeps_suppressing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    selection = ["--select", "HF605,HF614,HF618,HF634"]
    _, old, before = _replay_legacy(LEGACY_4, tmp_path, capsys, selection, 5)
    new = {e["path"]: e for e in json.loads(old.read_text(encoding="utf-8"))["entries"]}
    assert all("Unable to" not in e["message"] for e in new.values())
    assert not before & {e["fingerprint"] for e in new.values()}  # every message did change
    assert new["exports/model.pb"]["message"].endswith("; the file holds onnx content; treated as unsafe")
    assert new["exports/model.onnx"]["message"].endswith("; the file holds tflite content; treated as unsafe")
