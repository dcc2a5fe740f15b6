"""One golden test per rule case, found on disk (ruff + check-jsonschema style).

Layout: ``tests/golden/<RULE>/fail/<case>/`` holds a minimal repo that triggers RULE and an
``expected.txt``; ``tests/golden/<RULE>/pass/<case>/`` a repo that must not trigger it.
Each case is scanned with only RULE selected, so cases test one rule in isolation.
``expected.txt`` has one finding per line: ``RULE path[:line[:column]] [pointer]``.
A case may list files it shares with other cases in ``golden-base.txt`` (paths relative to
tests/, one a line); they are copied in under its own files, so a shared fixture (the
realistic custom-code model) is kept once.
Regenerate with ``pytest tests/test_golden.py --update-goldens`` and review the diff.
Binary fixtures are written by ``tests/golden/make_fixtures.py`` (committed with its output).

Every fail case's findings also have their fingerprints in ``fingerprints.jsonl``: a baseline
entry is a fingerprint, so a change is a migration (docs/fingerprints.md), never a side effect.
CI runs this on every Python in the matrix, which shows the fingerprints are the same on each.
Regenerate deliberately with ``--update-fingerprints`` and say why in the commit.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hflint.baseline import BASELINE_NAME, load_baseline
from hflint.config import Config, load_config
from hflint.engine import scan
from hflint.finding import Finding
from hflint.rulepack import load_packs

GOLDEN = Path(__file__).parent / "golden"
EXPECTED = "expected.txt"
BASE = "golden-base.txt"
FINGERPRINTS = GOLDEN / "fingerprints.jsonl"

# Active rules whose trigger cannot be committed as files, with where they are tested instead.
TESTED_ELSEWHERE = {
    "HF001": "needs a FIFO, an unreadable file or a crashing kind: tests/test_engine.py",
}


def _cases(outcome: str) -> list[Path]:
    return sorted(p for p in GOLDEN.glob(f"*/{outcome}/*") if p.is_dir())


def _render(f: Finding) -> str:
    where = f.path
    if f.region:
        where += f":{f.region.start_line}"
        if f.region.start_column:
            where += f":{f.region.start_column}"
    return f"{f.rule_id} {where}" + (f" {f.pointer}" if f.pointer else "")


def _materialise(case: Path, tmp: Path) -> Path:
    """The case as a repository: the shared files its BASE lists, then its own over them."""
    marker = case / BASE
    if not marker.is_file():
        return case
    repo = tmp / case.name
    repo.mkdir()
    for line in marker.read_text(encoding="utf-8").split():
        shutil.copy(GOLDEN.parent / line, repo / Path(line).name)
    shutil.copytree(case, repo, dirs_exist_ok=True, ignore=shutil.ignore_patterns(BASE))
    return repo


def _case_id(case: Path) -> str:
    return case.relative_to(GOLDEN).as_posix()


def _fingerprint_row(case: Path, f: Finding) -> str:
    """What the fingerprint is made of (docs/fingerprints.md), then the fingerprint."""
    key = f.logical_key + (f" #{f.occurrence}" if f.occurrence else "")
    return json.dumps([_case_id(case), f.rule_id, f.path, key, f.fingerprint], ensure_ascii=False)


@pytest.fixture(scope="session")
def fingerprint_table(request: pytest.FixtureRequest) -> Iterator[dict[str, list[str]]]:
    table: dict[str, list[str]] = {}
    for line in FINGERPRINTS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            table.setdefault(json.loads(line)[0], []).append(line)
    yield table
    if request.config.getoption("--update-fingerprints"):
        cases = {_case_id(c) for c in _cases("fail")}
        rows = sorted(row for case, case_rows in table.items() if case in cases for row in case_rows)
        header = (
            "# The fingerprint of every golden fail case's finding: [case, rule, path, key, fingerprint],\n"
            "# where key is @pointer or, without a pointer, the message, then #N for a repeat (docs/fingerprints.md).\n"
            "# A baseline entry is a fingerprint: regenerate only for a deliberate migration\n"
            "# (pytest tests/test_golden.py --update-fingerprints) and review the diff.\n"
        )
        FINGERPRINTS.write_text(header + "".join(row + "\n" for row in rows), encoding="utf-8")


def _scan_one(case: Path, tmp: Path) -> list[Finding]:
    return scan_case(case, _materialise(case, tmp))


def scan_case(case: Path, root: Path, cache: Path | None = None) -> list[Finding]:
    """Scan ``root`` (the case materialised) with only the case's rule selected; a case's own
    .hflint.yaml (rules that depend on config, such as HF004) may select more, and its
    baseline is applied; with ``cache``, through the result cache in that folder."""
    rule_id = case.parent.parent.name
    extra: tuple[str, ...] = ()
    config = Config()
    if (case / ".hflint.yaml").is_file():
        config = load_config(case / ".hflint.yaml")
        extra = config.selectors
    config = dataclasses.replace(config, select=(rule_id, *extra), extend_select=(), fail_on=None)
    baseline_file = case / BASELINE_NAME
    baseline = load_baseline(baseline_file) if baseline_file.is_file() else None
    result = scan(root, config, baseline=baseline, cache=cache)
    return [f for f in result.findings if f.rule_id == rule_id]


@pytest.mark.parametrize("case", _cases("fail"), ids=lambda p: f"{p.parent.parent.name}-fail-{p.name}")
def test_fail_case(
    case: Path,
    update_goldens: bool,
    update_fingerprints: bool,
    fingerprint_table: dict[str, list[str]],
    tmp_path: Path,
) -> None:
    findings = _scan_one(case, tmp_path)
    got = [_render(f) for f in findings]
    expected_file = case / EXPECTED
    if update_goldens:
        expected_file.write_text("".join(line + "\n" for line in got), encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert got, f"{case} triggers nothing"
    assert got == expected
    rows = sorted(_fingerprint_row(case, f) for f in findings)
    if update_fingerprints:
        fingerprint_table[_case_id(case)] = rows
    assert rows == fingerprint_table.get(_case_id(case), []), (
        "the fingerprints of this golden case changed, so baselines that accepted these findings "
        "would stop matching: keep the message or pointer stable, or make it a deliberate migration "
        "(docs/fingerprints.md) and regenerate with --update-fingerprints"
    )


def test_fingerprint_table_lists_every_fail_case(fingerprint_table: dict[str, list[str]]) -> None:
    assert sorted(fingerprint_table) == sorted(_case_id(c) for c in _cases("fail"))


@pytest.mark.parametrize("case", _cases("pass"), ids=lambda p: f"{p.parent.parent.name}-pass-{p.name}")
def test_pass_case(case: Path, tmp_path: Path) -> None:
    assert _scan_one(case, tmp_path) == []


def test_every_active_rule_has_golden_cases() -> None:
    missing = []
    for rule in (r for p in load_packs() for r in p.rules if r.active):
        if rule.id in TESTED_ELSEWHERE:
            continue
        for outcome in ("fail", "pass"):
            if not any((GOLDEN / rule.id / outcome).glob("*/")):
                missing.append(f"{rule.id}/{outcome}")
    assert missing == []
