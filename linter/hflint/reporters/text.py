"""Terminal report: findings grouped by file, then one summary line."""

from __future__ import annotations

from itertools import groupby

from hflint.engine import ScanResult
from hflint.finding import Finding, Severity
from hflint.reporters.common import summary_line

# File names and messages come from the scanned repo: control characters (newlines, ANSI
# escape sequences that could rewrite the terminal) are shown escaped, never emitted.
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F)} | {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}


def _safe(text: str) -> str:
    return text.translate(_CONTROL)


_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.NOTE: "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _where(f: Finding) -> str:
    if f.region is None:
        return "-"
    col = f":{f.region.start_column}" if f.region.start_column else ""
    return f"{f.region.start_line}{col}"


def _line(f: Finding, names: dict[str, str], color: bool) -> str:
    sev = _paint(f"{f.severity.label:<7}", _COLOURS[f.severity], color)
    rule = _paint(f"{f.rule_id} {names.get(f.rule_id, '')}".rstrip(), "1", color)
    message = _safe(f.message)
    if f.pointer and f.pointer not in message:
        message += f" [{_safe(f.pointer)}]"
    if f.suppressed_by is not None:
        message += f" (suppressed: {_safe(f.suppressed_by)})"
    return f"  {_where(f):<8} {sev} {rule}  {message}"


def render(result: ScanResult, *, color: bool = False, show_suppressed: bool = False) -> str:
    names = {r.id: r.name for r in result.rules}
    shown = [f for f in result.findings if show_suppressed or f.suppressed_by is None]
    out: list[str] = []
    for path, group in groupby(shown, key=lambda f: f.path):
        out.append(_paint(_safe(path) or "(repository)", "1;4", color))
        out.extend(_line(f, names, color) for f in group)
        out.append("")
    out.append(summary_line(result))
    if result.inactive:
        ids = ", ".join(r.id for r in result.inactive)
        out.append(
            f"{len(result.inactive)} selected rules are not active yet (their checks are not "
            f"implemented in this version, so they did not pass either): {ids}"
        )
    return "\n".join(out) + "\n"
