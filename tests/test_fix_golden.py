"""Golden round trips for every fix: break, fix, rescan clean, compare with the reference.

Layout: ``tests/golden/<RULE>/fix/<case>/`` holds a broken repository (plus files shared with
other cases through ``golden-base.txt``, as in test_golden.py) and ``expected.fix``: what
``hflint fix`` reports for the case with only RULE selected (``fixed``, ``not fixed`` and
``unsafe`` lines), then the unified diff it would write. A case whose name ends in
``-unsafe`` runs with ``--unsafe``. ``golden-reference.txt`` lines ``<file> <path under
tests/>`` name the file a library wrote for the same content (a real save_pretrained index):
the fixed file must equal it after normalising whitespace.

Each case: the diff matches ``expected.fix``; applied to a copy, the rescan has no finding
of RULE left (a case that changes nothing keeps its findings, each with the reason it is
not fixed); a second ``hflint fix`` changes nothing (one pass, never a loop).
Regenerate with ``pytest tests/test_fix_golden.py --update-goldens`` and review the diff.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from hflint.config import Config
from hflint.engine import ScanResult, scan
from hflint.fixes.apply import Plan, plan, unified_diff, write
from hflint.rulepack import load_packs

GOLDEN = Path(__file__).parent / "golden"
TESTS = Path(__file__).parent
EXPECTED = "expected.fix"
BASE = "golden-base.txt"
REFERENCE = "golden-reference.txt"
CASE_FILES = (EXPECTED, BASE, REFERENCE)


def _cases() -> list[Path]:
    return sorted(p for p in GOLDEN.glob("*/fix/*") if p.is_dir())


def _materialise(case: Path, tmp: Path) -> Path:
    repo = tmp / case.name
    repo.mkdir()
    marker = case / BASE
    if marker.is_file():
        for line in marker.read_text(encoding="utf-8").split():
            shutil.copy(TESTS / line, repo / Path(line).name)
    shutil.copytree(case, repo, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*CASE_FILES))
    return repo


def _scan(repo: Path, rule_id: str) -> ScanResult:
    return scan(repo, Config(select=(rule_id,), fail_on=None), fixes=True)


def _report(p: Plan) -> str:
    lines = []
    for change in p.changes:
        lines += [f"fixed {', '.join(a.rules)} {change.path}: {a.description}" for a in change.applied]
    lines += [f"not fixed {f.rule_id} {f.path}: {f.fix.description}" for f in p.unfixable if f.fix]
    lines += [f"unsafe {f.rule_id} {f.path}: {f.fix.description}" for f in p.unsafe if f.fix]
    lines += [f"cannot write {problem.path}: {problem.reason}" for problem in p.problems]
    diff = "".join(line for change in p.changes for line in unified_diff(change, change.path))
    return "\n".join(sorted(set(lines))) + "\n" + diff


def _normalised(text: str) -> str:
    return json.dumps(json.loads(text), separators=(",", ":"))


@pytest.mark.parametrize("case", _cases(), ids=lambda p: f"{p.parent.parent.name}-{p.name}")
def test_fix_round_trip(case: Path, update_goldens: bool, tmp_path: Path) -> None:
    rule_id = case.parent.parent.name
    unsafe = case.name.endswith("-unsafe")
    repo = _materialise(case, tmp_path)
    before = _scan(repo, rule_id)
    assert any(f.rule_id == rule_id for f in before.findings), f"{case} triggers nothing"
    p = plan(before, unsafe=unsafe)
    got = _report(p)
    if update_goldens:
        (case / EXPECTED).write_text(got, encoding="utf-8")
    assert got == (case / EXPECTED).read_bytes().decode("utf-8")
    written, failed = write(p)
    assert failed == [] and len(written) == len(p.changes)
    after = _scan(repo, rule_id)
    left = [f for f in after.findings if f.rule_id == rule_id]
    if p.changes:
        assert left == [], [f.message for f in left]
    else:  # nothing to write: the findings stay, each saying why it is not fixed
        assert [dataclasses.replace(f, fix=None) for f in left] == [
            dataclasses.replace(f, fix=None) for f in before.findings if f.rule_id == rule_id
        ]
        assert all(f.fix is not None and f.fix.description for f in left)
    again = plan(after, unsafe=unsafe)
    assert again.changes == () and again.problems == ()
    reference = case / REFERENCE
    if reference.is_file():
        for line in reference.read_text(encoding="utf-8").splitlines():
            fixed, original = line.split()
            assert (repo / fixed).read_bytes() == (TESTS / original).read_bytes() or _normalised(
                (repo / fixed).read_text(encoding="utf-8")
            ) == _normalised((TESTS / original).read_text(encoding="utf-8"))


def test_every_fixable_rule_has_fix_goldens() -> None:
    fixable = sorted(r.id for p in load_packs() for r in p.rules if r.fix is not None)
    missing = [rule for rule in fixable if not any((GOLDEN / rule / "fix").glob("*/"))]
    assert fixable and missing == []


def test_every_reference_is_byte_equal_or_whitespace_equal() -> None:
    """The references name real files written by the libraries (never hflint's output)."""
    for ref in GOLDEN.glob(f"*/fix/*/{REFERENCE}"):
        for line in ref.read_text(encoding="utf-8").splitlines():
            assert (TESTS / line.split()[1]).is_file(), line
            assert line.split()[1].startswith("fixtures/real/"), line
