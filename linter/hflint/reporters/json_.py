"""Machine-readable report. Stable shape (schema_version 1), sorted, no absolute paths."""

from __future__ import annotations

import json
from typing import Any

from hflint.engine import ScanResult
from hflint.finding import Finding, Severity
from hflint.reporters.common import counts, failing

SCHEMA_VERSION = 1


def finding_dict(f: Finding, names: dict[str, str]) -> dict[str, Any]:
    region = f.region
    return {
        "rule_id": f.rule_id,
        "rule_name": names.get(f.rule_id, ""),
        "severity": f.severity.label,
        "path": f.path,
        "line": region.start_line if region else None,
        "column": region.start_column if region else None,
        "pointer": f.pointer,
        "message": f.message,
        "fingerprint": f.fingerprint,
        "suppressed": f.suppressed_by is not None,
        "suppression_reason": f.suppressed_by,
    }


def render(result: ScanResult) -> str:
    names = {r.id: r.name for r in result.rules}
    c = counts(result)
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "hflint", "version": result.tool_version},
        "findings": [finding_dict(f, names) for f in result.findings],
        "summary": {
            "files_scanned": result.files_scanned,
            "rules_run": [r.id for r in result.rules],
            "rules_not_yet_active": [r.id for r in result.inactive],
            "counts": {s.label: c[s] for s in sorted(Severity, reverse=True)},
            "suppressed": sum(1 for f in result.findings if f.suppressed_by is not None),
            "baselined": result.baselined,
            "fail_on": result.fail_on.label if result.fail_on else "none",
            "failed": failing(result),
        },
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
