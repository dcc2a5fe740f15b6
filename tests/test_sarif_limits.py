"""SARIF files stay within GitHub code scanning's limits (github/docs, "SARIF support for
code scanning": 10 MB gzip-compressed per file, 25,000 results per run, the top 5,000 of a
run shown by severity): the worst cases are built here and checked against the limits,
the official schema and, when npm is there, Microsoft's SARIF Multitool."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
from pathlib import Path

import pytest

from hflint.engine import ScanResult
from hflint.finding import Finding, Severity
from hflint.reporters import sarif
from hflint.rulepack import load_packs
from test_reporters import _multitool, _sarif_validator

RULES = {r.id: r for p in load_packs() for r in p.rules if r.id in ("HF109", "HF403", "HF640")}


def _result(findings: list[Finding]) -> ScanResult:
    return ScanResult(root=Path(), findings=tuple(findings), rules=tuple(RULES.values()), inactive=(),
                      files_scanned=len(findings), fail_on=None)


def _finding(i: int, severity: Severity, message: str = "") -> Finding:
    rule = {Severity.ERROR: "HF403", Severity.WARNING: "HF640", Severity.NOTE: "HF109"}[severity]
    return Finding(rule, f"dir{i % 97}/file{i}.bin", message or f"finding {i}", severity, pointer=f"m{i}")


def _check(text: str) -> dict[str, object]:
    assert len(gzip.compress(text.encode("utf-8"))) <= sarif.MAX_GZIP_BYTES
    log = json.loads(text)
    assert 1 <= len(log["runs"]) <= 20 and all(len(r["results"]) <= sarif.MAX_RESULTS for r in log["runs"])
    return log  # type: ignore[no-any-return]


def _cut(log: dict[str, object]) -> int:
    notes = log["runs"][0]["invocations"][0].get("toolExecutionNotifications", [])  # type: ignore[index]
    if not notes:
        return 0
    (note,) = notes
    return int(note["message"]["text"].split(" ", 1)[0])


def test_more_results_than_a_run_holds_keeps_the_most_severe() -> None:
    findings = [_finding(i, Severity.NOTE) for i in range(24_000)] + [
        _finding(i, Severity.ERROR) for i in range(24_000, 30_000)]
    log = _check(sarif.render(_result(sorted(findings, key=Finding.sort_key))))
    results = log["runs"][0]["results"]  # type: ignore[index]
    assert len(results) == sarif.MAX_RESULTS and _cut(log) == 5_000
    assert [r["level"] for r in results[:6_000]] == ["error"] * 6_000  # every error is shown


def test_results_too_large_for_10_mb_are_cut_to_fit() -> None:
    rng = random.Random(0)  # hex of random bytes: about 2:1 under gzip, so 24 MB of messages is ~12 MB
    findings = [_finding(i, Severity.ERROR, rng.randbytes(8_000).hex()) for i in range(1_500)]
    text = sarif.render(_result(findings))
    log = _check(text)
    kept = len(log["runs"][0]["results"])  # type: ignore[index]
    assert 0 < kept < 1_500 and kept + _cut(log) == 1_500


def test_a_scan_within_limits_is_untouched() -> None:
    findings = [_finding(i, Severity.WARNING) for i in range(100)]
    log = _check(sarif.render(_result(findings)))
    assert _cut(log) == 0 and len(log["runs"][0]["results"]) == 100  # type: ignore[index]


def test_truncated_log_is_valid_sarif(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sarif, "MAX_RESULTS", 10)
    log = json.loads(sarif.render(_result([_finding(i, Severity.NOTE) for i in range(15)])))
    assert _cut(log) == 5
    errors = sorted(_sarif_validator().iter_errors(log), key=str)
    assert errors == []
    path = tmp_path / "cut.sarif"
    path.write_text(json.dumps(log), encoding="utf-8")
    proc = subprocess.run([str(_multitool()), "validate", "--rule-kind", "Gh;Ghas;Sarif", str(path), "-o",
                           str(tmp_path / "v.sarif"), "--log", "ForceOverwrite"], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = json.loads((tmp_path / "v.sarif").read_text(encoding="utf-8"))["runs"][0].get("results", [])
    assert [r for r in found if r.get("level", "warning") in ("error", "warning")] == []


def test_a_fleet_file_of_several_runs_is_cut_to_fit_in_proportion(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fleet scans write up to 20 runs per file (hflint.fleet.sarif_files) through
    sarif.log: the size limit holds for the file, each run's cut counted in its own run."""
    monkeypatch.setattr(sarif, "MAX_GZIP_BYTES", 300_000)
    rng = random.Random(1)
    runs = [sarif.run(_result([_finding(i, Severity.WARNING, rng.randbytes(1_000).hex()) for i in range(n)]),
                      category=f"repo{n}") for n in (50, 150, 300)]
    text = sarif.log(runs)
    log = _check(text)
    kept = [len(run["results"]) for run in log["runs"]]  # type: ignore[attr-defined]
    cuts = [_cut({"runs": [run]}) for run in log["runs"]]  # type: ignore[attr-defined]
    assert [k + c for k, c in zip(kept, cuts, strict=True)] == [50, 150, 300] and all(cuts)
