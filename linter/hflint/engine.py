"""The scan pipeline: files -> check kinds -> findings -> config decisions -> ScanResult.

Rules are resolved before the scan (severity overrides applied, deselected rules dropped),
so a finding is complete when a kind creates it; the decision stage only marks suppressions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hflint import __version__
from hflint.config import Config, ConfigError
from hflint.decide import is_selected, severity_for, suppression_for
from hflint.finding import Finding, Severity
from hflint.kinds import KINDS
from hflint.kinds.base import Unanalysable
from hflint.repo import Repo
from hflint.rule import Rule
from hflint.rulepack import Pack, load_packs

SCAN_ERROR_RULE = "HF001"


@dataclass(frozen=True)
class ScanResult:
    root: Path
    findings: tuple[Finding, ...]  # sorted; suppressed ones included, marked
    rules: tuple[Rule, ...]  # the rules that ran
    inactive: tuple[Rule, ...]  # selected, but their check kind is not implemented yet
    files_scanned: int
    fail_on: Severity | None
    unused_ignores: tuple[int, ...] = ()  # indexes into config.per_path_ignores
    tool_version: str = __version__

    @property
    def reported(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.suppressed_by is None)


def resolve_rules(packs: Iterable[Pack], config: Config) -> list[Rule]:
    """Every loaded rule with its effective severity (pack overrides, then config)."""
    packs = list(packs)
    rules = [r for p in packs for r in p.rules]
    overrides = {k: v for p in packs for k, v in p.severity_overrides.items()}
    overrides.update(config.severity)
    _check_selectors(rules, config)
    return [dataclasses.replace(r, severity=severity_for(r.id, r.severity, overrides)) for r in rules]


def _check_selectors(rules: list[Rule], config: Config) -> None:
    ids = [r.id for r in rules]
    named = [*config.selectors, *config.ignore, *config.severity]
    named += [s for entry in config.per_path_ignores for s in entry.rules]
    for sel in named:
        if sel != "ALL" and not any(i.startswith(sel) for i in ids):
            raise ConfigError(config.source or "command line", f"{sel!r} matches no rule id")


def scan(root: Path, config: Config, *, today: dt.date | None = None) -> ScanResult:
    rules = resolve_rules(load_packs(config.rules), config)
    by_id = {r.id: r for r in rules}
    enabled = [r for r in rules if is_selected(r.id, config.selectors, config.ignore)]
    repo = Repo(root, config.exclude)
    findings = _run(repo, [r for r in enabled if r.active], by_id[SCAN_ERROR_RULE])
    enabled_ids = {r.id for r in enabled}
    findings = [f for f in findings if f.rule_id in enabled_ids]  # e.g. HF001 when ignored
    decided, used = _decide(findings, config, today or dt.date.today())
    unused = tuple(i for i in range(len(config.per_path_ignores)) if i not in used)
    return ScanResult(
        root=repo.root,
        findings=tuple(sorted(decided, key=Finding.sort_key)),
        rules=tuple(r for r in enabled if r.active),
        inactive=tuple(r for r in enabled if not r.active),
        files_scanned=len(repo.files),
        fail_on=config.fail_on,
        unused_ignores=unused,
    )


def _run(repo: Repo, rules: list[Rule], scan_error: Rule) -> list[Finding]:
    findings: list[Finding] = []
    problems: list[tuple[Rule, Unanalysable]] = []
    for rule in rules:
        repo.current = None
        try:
            for item in KINDS[rule.kind].check(rule, repo):
                if isinstance(item, Unanalysable):
                    problems.append((rule, item))
                else:
                    findings.append(item)
        except Exception as exc:  # a bug in a kind becomes HF001; the scan goes on
            reason = f"internal error in check kind {rule.kind}: {type(exc).__name__}: {exc}"
            problems.append((rule, Unanalysable(repo.current or "", reason)))
    return findings + _scan_errors(findings, problems, rules, scan_error)


def _scan_errors(
    findings: list[Finding],
    problems: list[tuple[Rule, Unanalysable]],
    rules: list[Rule],
    scan_error: Rule,
) -> list[Finding]:
    """One HF001 per (file, reason), naming every rule that could not run on the file."""
    kind_of = {r.id: r.kind for r in rules}
    reported = {(kind_of.get(f.rule_id), f.path) for f in findings}
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rule, item in problems:
        if item.covered_by and (item.covered_by, item.path) in reported:
            continue
        grouped[(item.path, item.reason)].append(rule.id)
    return [
        scan_error.finding(path, detail=f"{reason} (rules: {', '.join(sorted(set(ids)))})")
        for (path, reason), ids in grouped.items()
    ]


def _decide(findings: list[Finding], config: Config, today: dt.date) -> tuple[list[Finding], set[int]]:
    used: set[int] = set()
    out = []
    for f in findings:
        hit = suppression_for(f, config.per_path_ignores, today)
        if hit is not None:
            used.add(hit[0])
            f = dataclasses.replace(f, suppressed_by=hit[1])
        out.append(f)
    return out, used
