"""Config decisions: pure functions, table-tested (tests/test_decide.py).

Selection works on id prefixes and the longest matching prefix wins, as in flake8 and ruff:
``select: [HF]`` with ``ignore: [HF4]`` drops the pickle rules, and adding ``select: [HF401]``
brings that one back. On a tie, ignore wins. ``ALL`` is the empty prefix.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hflint.finding import Finding, Severity
from hflint.globs import matches


@dataclass(frozen=True)
class PathIgnore:
    paths: tuple[str, ...]
    rules: tuple[str, ...]
    reason: str
    expires: dt.date | None = None
    line: int | None = None  # where the entry starts in its config file


def _specificity(rule_id: str, selectors: Sequence[str]) -> int:
    """Length of the longest selector that is a prefix of rule_id; -1 when none is."""
    best = -1
    for sel in selectors:
        prefix = "" if sel == "ALL" else sel
        if rule_id.startswith(prefix):
            best = max(best, len(prefix))
    return best


@functools.lru_cache(maxsize=4096)
def is_selected(rule_id: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    chosen = _specificity(rule_id, select)
    dropped = _specificity(rule_id, ignore)
    return chosen >= 0 and chosen > dropped


def severity_for(rule_id: str, default: Severity, overrides: Mapping[str, Severity]) -> Severity:
    """Longest-prefix override, else the rule's default."""
    best, result = -1, default
    for sel, sev in overrides.items():
        prefix = "" if sel == "ALL" else sel
        if rule_id.startswith(prefix) and len(prefix) > best:
            best, result = len(prefix), sev
    return result


def fix_safety_for(rule_id: str, declared: str | None, overrides: Mapping[str, str]) -> str | None:
    """A rule's fix safety after the packs' ``fix-overrides`` (longest prefix wins): None
    when the rule has no fix or an override switches it off."""
    if declared is None:
        return None
    best, result = -1, declared
    for sel, value in overrides.items():
        prefix = "" if sel == "ALL" else sel
        if rule_id.startswith(prefix) and len(prefix) > best:
            best, result = len(prefix), value
    return None if result == "off" else result


def suppression_for(finding: Finding, ignores: Sequence[PathIgnore], today: dt.date) -> tuple[int, str] | None:
    """(index, reason) of the first live per-path ignore matching the finding, if any."""
    for index, entry in enumerate(ignores):
        if entry.expires is not None and entry.expires < today:
            continue
        if _specificity(finding.rule_id, entry.rules) >= 0 and matches(finding.path, entry.paths):
            return index, entry.reason
    return None


def at_or_above(findings: Sequence[Finding], threshold: Severity | None) -> list[Finding]:
    """The unsuppressed findings that fail the run (threshold None = never fail)."""
    if threshold is None:
        return []
    return [f for f in findings if f.suppressed_by is None and f.severity >= threshold]
