"""GitHub Actions workflow commands (annotations) and the step-summary markdown.

Escaping follows actions/toolkit packages/core/src/command.ts: data escapes % CR LF;
properties also escape ':' and ','.
"""

from __future__ import annotations

from hflint.engine import ScanResult
from hflint.finding import Severity
from hflint.reporters.common import summary_line

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: ScanResult) -> str:
    names = {r.id: r.name for r in result.rules}
    lines = []
    for f in result.reported:
        props = [f"file={_prop(f.path)}"]
        if f.region:
            props.append(f"line={f.region.start_line}")
            if f.region.start_column:
                props.append(f"col={f.region.start_column}")
        title = f"{f.rule_id} {names.get(f.rule_id, '')}".strip()
        props.append(f"title={_prop(title)}")
        lines.append(f"::{_COMMAND[f.severity]} {','.join(props)}::{_data(f.message)}")
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def summary_markdown(result: ScanResult) -> str:
    """Annotations are capped (10 per level per step), so the full list goes here."""
    names = {r.id: r.name for r in result.rules}
    out = ["## hflint", "", summary_line(result), ""]
    if result.reported:
        out += ["| Severity | Rule | File | Line | Message |", "| --- | --- | --- | --- | --- |"]
        for f in result.reported:
            line = str(f.region.start_line) if f.region else ""
            rule = f"{f.rule_id} {names.get(f.rule_id, '')}".strip()
            out.append(f"| {f.severity.label} | {rule} | `{_cell(f.path)}` | {line} | {_cell(f.message)} |")
    if result.inactive:
        out += ["", f"Not yet active: {', '.join(r.id for r in result.inactive)}"]
    return "\n".join(out) + "\n"
