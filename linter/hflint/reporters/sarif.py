"""SARIF 2.1.0 for GitHub code scanning: one run, every rule that ran, stable fingerprints.

Choices and their sources (GitHub docs, "SARIF support for code scanning"; OASIS SARIF 2.1.0):
- URIs are repo-relative, percent-encoded, with uriBaseId %SRCROOT% (no absolute path, so the
  output is deterministic); GitHub needs a region on every result, so binary files and
  repo-level findings get startLine 1 and their precise position goes in properties.
- partialFingerprints["hflint/v1"] is line-independent. For results without a real line,
  primaryLocationLineHash is set too, or upload-sarif would hash line 1 of a weight file
  and reopen the alert on every weight update (codeql-action src/fingerprints.ts).
- Suppressed findings are left out by default: code scanning ignores SARIF suppressions
  and would open alerts for them.
- security-severity only on rules tagged security, so compliance rules are not security alerts.
- Code scanning rejects a file over 10 MB gzip-compressed or a run over 25,000 results, and
  shows the top 5,000 results of a run by severity (GitHub docs, "SARIF support for code
  scanning", limits). Findings are grouped per file and problem class upstream, so a scan
  stays far below; past the limits the most severe results are kept (deterministically)
  and the cut is recorded in the run's ``invocations[0].toolExecutionNotifications``.
- A finding whose rule proposes an edit carries it as a SARIF ``fixes`` object (3.55): one
  ``artifactChange`` per file, each replacement a ``deletedRegion`` by ``charOffset`` and
  ``charLength`` (code points, as ``columnKind`` says) with its ``insertedContent``; the fix's
  safety (``hflint fix`` applies unsafe ones only with --unsafe) is in its properties.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from hflint.engine import ScanResult
from hflint.finding import Finding, Severity
from hflint.fixes.edits import Fix
from hflint.rule import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/hflint/hflint"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
_PROBLEM = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "recommendation"}
_ORDER = {"error": 0, "warning": 1, "note": 2}
_MAX_DESCRIPTION = 1024  # GitHub's limit for short/full descriptions
MAX_RESULTS = 25_000  # results per run code scanning accepts
MAX_GZIP_BYTES = 10_000_000  # a larger SARIF file is rejected (10 MB gzip-compressed)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_DESCRIPTION else text[: _MAX_DESCRIPTION - 3] + "..."


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _help_text(rule: Rule) -> str:
    d = rule.docs
    return f"{d.what}\n\nWhy: {d.why}\n\nExample:\n{d.example}\n\nFix: {d.fix}"


def _help_markdown(rule: Rule) -> str:
    d = rule.docs
    parts = [
        f"**{rule.id} {rule.name}**: {rule.title}",
        f"## What it does\n{d.what}",
        f"## Why is this bad?\n{d.why}",
        f"## Example\n```\n{d.example}\n```",
        f"## How to fix\n{d.fix}",
    ]
    if d.references:
        parts.append("## References\n" + "\n".join(f"- {r}" for r in d.references))
    return "\n\n".join(parts)


def _descriptor(rule: Rule) -> dict[str, Any]:
    props: dict[str, Any] = {
        "tags": list(rule.tags),
        "precision": rule.precision,
        "problem.severity": _PROBLEM[rule.severity],
    }
    if rule.security_severity is not None:
        props["security-severity"] = f"{rule.security_severity:.1f}"
    return {
        "id": rule.id,
        "name": _pascal(rule.name),
        "shortDescription": {"text": _clip(_sentence(rule.title))},
        "fullDescription": {"text": _clip(_sentence(rule.docs.what))},
        "help": {"text": _help_text(rule), "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": props,
    }


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": 1}
    if f.region is not None:
        region = {"startLine": f.region.start_line}
        if f.region.start_column:
            region["startColumn"] = f.region.start_column
    fingerprints = {"hflint/v1": f.fingerprint}
    if f.region is None:
        fingerprints["primaryLocationLineHash"] = f"{f.fingerprint[:16]}:1"
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": index[f.rule_id],
        "level": _LEVEL[f.severity],
        "message": {"text": _sentence(f.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(f.path or ".", safe="/"), "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }
        ],
        "partialFingerprints": fingerprints,
    }
    if f.pointer:
        result["properties"] = {"pointer": f.pointer}
    if f.fix is not None and f.fix.applicable:
        result["fixes"] = [_fix(f.fix)]
    if f.suppressed_by is not None:
        kind = "inSource" if f.suppression_kind == "inline" else "external"
        result["suppressions"] = [{"kind": kind, "justification": f.suppressed_by}]
    return result


def _fix(fix: Fix) -> dict[str, Any]:
    changes = []
    for edit in fix.edits:
        replacements = [
            {
                "deletedRegion": {"charOffset": r.start, "charLength": r.end - r.start},
                **({"insertedContent": {"text": r.text}} if r.text else {}),
            }
            for r in edit.replacements
        ]
        location = {"uri": quote(edit.path, safe="/"), "uriBaseId": "%SRCROOT%"}
        changes.append({"artifactLocation": location, "replacements": replacements})
    return {
        "description": {"text": _sentence(fix.description)},
        "artifactChanges": changes,
        "properties": {"safety": fix.safety},
    }


def run(result: ScanResult, *, include_suppressed: bool = False, category: str | None = None) -> dict[str, Any]:
    """One SARIF run. ``category`` (a fleet's runs, one per repository) becomes
    ``automationDetails.id``: code scanning refuses several runs of one tool in one
    category in a file, so each repository's run gets its own."""
    rules = list(result.rules)
    index = {r.id: i for i, r in enumerate(rules)}
    findings = [f for f in result.findings if include_suppressed or f.suppressed_by is None]
    notifications = [
        {
            "level": "note",
            "message": {"text": f"Rule {r.id} ({r.name}) is not active in this version; it did not run."},
        }
        for r in result.inactive
    ]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolConfigurationNotifications"] = notifications
    results = [_result(f, index) for f in findings]
    if len(results) > MAX_RESULTS:
        results.sort(key=_rank)  # stable: the most severe first, each level in the scan's order
    out: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "hflint",
                "semanticVersion": result.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [_descriptor(r) for r in rules],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": _srcroot(result.source_uri)},
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "results": results[:MAX_RESULTS],
    }
    _note_cut(out, len(results) - MAX_RESULTS)
    if category is not None:
        out["automationDetails"] = {"id": f"{category}/"}
    return out


def log(runs: list[dict[str, Any]]) -> str:
    """The SARIF file: at most MAX_GZIP_BYTES once gzip-compressed, cutting the least severe
    results of every run in proportion (each run's cut is counted in its notification)."""
    while True:
        text = json.dumps({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": runs}, indent=2,
                          ensure_ascii=False) + "\n"
        size = _gzip_size(text) if len(text) > MAX_GZIP_BYTES else len(text)
        if size <= MAX_GZIP_BYTES or not any(run["results"] for run in runs):
            return text
        for run in runs:
            results = run["results"]
            keep = int(len(results) * MAX_GZIP_BYTES / size * 0.9)
            results.sort(key=_rank)
            run["results"] = results[:keep]
            _note_cut(run, _cut(run) + len(results) - keep)


def _note_cut(run: dict[str, Any], count: int) -> None:
    """Record in the run's invocation that ``count`` results were left out (code scanning
    reads ``toolExecutionNotifications``)."""
    invocation = run["invocations"][0]
    invocation.pop("toolExecutionNotifications", None)
    if count > 0:
        invocation["toolExecutionNotifications"] = [{
            "level": "warning",
            "message": {"text": f"{count} more results not shown: code scanning accepts at most {MAX_RESULTS} "
                                f"results per run and {MAX_GZIP_BYTES // 1_000_000} MB of gzip-compressed SARIF; "
                                "`hflint scan --format json` lists them all."},
        }]


def _cut(run: dict[str, Any]) -> int:
    notes = run["invocations"][0].get("toolExecutionNotifications", [])
    return int(notes[0]["message"]["text"].split(" ", 1)[0]) if notes else 0


def _rank(result: dict[str, Any]) -> int:
    return _ORDER[result["level"]]


def _gzip_size(text: str) -> int:
    import gzip  # lazy: only large logs are measured

    return len(gzip.compress(text.encode("utf-8"), compresslevel=6))


def render(result: ScanResult, *, include_suppressed: bool = False) -> str:
    return log([run(result, include_suppressed=include_suppressed)])


def _srcroot(uri: str | None) -> dict[str, Any]:
    """The repository root; for a repository on the Hub, its files' URL at the scanned commit."""
    root: dict[str, Any] = {"description": {"text": "Root of the scanned model repository."}}
    if uri is not None:
        root["uri"] = uri
    return root
