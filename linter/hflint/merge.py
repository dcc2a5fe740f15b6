"""Several scanned folders make one report, with paths relative to the working directory.

Each folder is scanned on its own (its own config, baseline and repo-relative fingerprints);
for output, paths are made relative to the working directory, which is what GitHub
annotations, SARIF uploads and terminals resolve them against.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from hflint.engine import ScanResult
from hflint.finding import Finding
from hflint.rule import Rule


def prefix_of(root: Path | str, cwd: Path, single: bool) -> str:
    """What a folder's repo-relative paths are prefixed with in a report run from ``cwd``."""
    if isinstance(root, str):  # a remote repository's label, e.g. hf://owner/name
        return "" if single else root + "/"
    root, cwd = root.resolve(), cwd.resolve()
    if root.is_relative_to(cwd):
        rel = root.relative_to(cwd).as_posix()
        return "" if rel == "." else rel + "/"
    return "" if single else root.as_posix() + "/"


def _unique(rules: list[Rule]) -> tuple[Rule, ...]:
    seen: dict[str, Rule] = {}
    for rule in rules:
        seen.setdefault(rule.id, rule)
    return tuple(seen.values())


def merge(results: Sequence[tuple[Path | str, ScanResult]], cwd: Path) -> ScanResult:
    findings: list[Finding] = []
    for root, result in results:
        prefix = prefix_of(root, cwd, len(results) == 1)
        findings += [
            dataclasses.replace(f, path=prefix + f.path, fix=f.fix.moved(prefix) if f.fix else None) if prefix else f
            for f in result.findings
        ]
    thresholds = [r.fail_on for _, r in results if r.fail_on is not None]
    return ScanResult(
        root=cwd.resolve() if len(results) != 1 else results[0][1].root,
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        rules=_unique([rule for _, r in results for rule in r.rules]),
        inactive=_unique([rule for _, r in results for rule in r.inactive]),
        files_scanned=sum(r.files_scanned for _, r in results),
        fail_on=min(thresholds) if thresholds else None,  # the strictest folder's threshold
        baselined=sum(r.baselined for _, r in results),
        source_uri=results[0][1].source_uri if len(results) == 1 else None,
    )
