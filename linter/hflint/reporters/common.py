"""Small helpers shared by reporters."""

from __future__ import annotations

from collections import Counter

from hflint.engine import ScanResult
from hflint.finding import Severity


def counts(result: ScanResult) -> Counter[Severity]:
    return Counter(f.severity for f in result.reported)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(result: ScanResult) -> str:
    c = counts(result)
    total = sum(c.values())
    files = len({f.path for f in result.reported})
    if total:
        parts = [plural(c[s], s.label) for s in sorted(Severity, reverse=True) if c[s]]
        head = f"Found {plural(total, 'finding')} ({', '.join(parts)}) in {plural(files, 'file')}"
    else:
        head = "No findings"
    tail = f"{plural(result.files_scanned, 'file')} scanned, {plural(len(result.rules), 'rule')} run"
    kinds = Counter(f.suppression_kind for f in result.findings if f.suppressed_by is not None)
    for kind, label in (
        ("config", "suppressed by config"),
        ("inline", "suppressed inline"),
        ("baseline", "in the baseline"),
    ):
        if kinds[kind]:
            tail += f", {kinds[kind]} {label}"
    return f"{head} ({tail})."


def failing(result: ScanResult) -> bool:
    from hflint.decide import at_or_above

    return bool(at_or_above(result.findings, result.fail_on))
