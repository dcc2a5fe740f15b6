"""``--format jsonl``: one record per target as each finishes, a summary last; ``--resume``.

The stream is appended to and flushed record by record, so an interrupted run leaves every
finished target on disk (a half-written last line is ignored when resuming). At the end of
a run written to a file, the file is rewritten in target order (the order given, owners'
repositories by id) with the summary last, so two runs over the same targets at the same
commits, or a run interrupted and resumed, give the same bytes.

``--resume FILE`` keeps FILE's "ok" records: a target whose recorded commit is the commit
its revision names now is not scanned again (its record is kept as it was); a local folder
has no commit and is always scanned again; failed targets are retried.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

SUMMARY = "summary"
WORST = 10
MAX_RESUME_BYTES = 4 * 1024 * 1024 * 1024


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def load_resume(path: Path) -> dict[str, dict[str, Any]]:
    """label -> the last "ok" record with a commit; unreadable lines are skipped (rescanned)."""
    kept: dict[str, dict[str, Any]] = {}
    if not path.exists():
        return kept  # nothing to resume yet: the first run of a resumable job
    with open(path, "rb") as fh:
        for raw in fh:
            try:
                record = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(record, dict) or record.get("record") != "target":
                continue
            label = record.get("target")
            if not isinstance(label, str):
                continue
            if record.get("status") == "ok" and isinstance(record.get("commit"), str):
                kept[label] = record
            else:
                kept.pop(label, None)
    return kept


def summary(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Targets, failures, reported findings per rule, and the worst targets."""
    records = list(records)
    per_rule: Counter[str] = Counter()
    scored = []
    for r in records:
        reported = [f for f in r.get("findings", []) if not f.get("suppressed")]
        per_rule.update(f["rule_id"] for f in reported)
        c = r.get("counts", {})
        scored.append(((c.get("error", 0), c.get("warning", 0), c.get("note", 0)), r["target"]))
    worst = [
        {"target": label, "counts": {"error": e, "warning": w, "note": n}}
        for (e, w, n), label in sorted(scored, key=lambda x: (-x[0][0], -x[0][1], -x[0][2], x[1]))
        if e or w or n
    ][:WORST]
    return {
        "record": SUMMARY,
        "targets": len(records),
        "scanned": sum(1 for r in records if r.get("status") == "ok"),
        "failed": sum(1 for r in records if r.get("status") != "ok"),
        "failing": sum(1 for r in records if r.get("failed")),
        "findings": sum(per_rule.values()),
        "findings_per_rule": dict(sorted(per_rule.items())),
        "worst_targets": worst,
    }


def summary_text(s: dict[str, Any]) -> str:
    lines = [
        f"hflint: {s['targets']} targets: {s['scanned']} scanned, {s['failed']} could not be scanned, "
        f"{s['failing']} with findings at or above --fail-on ({s['findings']} findings)"
    ]
    if s["findings_per_rule"]:
        top = sorted(s["findings_per_rule"].items(), key=lambda kv: (-kv[1], kv[0]))
        lines.append("  findings per rule: " + ", ".join(f"{rule} {n}" for rule, n in top))
    for w in s["worst_targets"][:5]:
        c = w["counts"]
        counts = ", ".join(f"{c[k]} {k}{'' if c[k] == 1 else 's'}" for k in ("error", "warning", "note"))
        lines.append(f"  worst: {w['target']} ({counts})")
    return "\n".join(lines)


class Sink:
    """Where records go: a file (appended, flushed per record) or a stream (stdout)."""

    def __init__(self, path: Path | None, stream: IO[str], keep: Iterable[dict[str, Any]] = ()) -> None:
        self.path = path
        if path is None:
            self._out = stream
        else:
            # Start from the records being resumed (atomically: an interruption now loses
            # nothing), then append; the file may be the one being resumed.
            _replace(path, "".join(dumps(r) for r in keep))
            self._out = open(path, "a", encoding="utf-8")  # noqa: SIM115 (closed by finish/close)

    def write(self, record: dict[str, Any]) -> None:
        self._out.write(dumps(record))
        self._out.flush()

    def finish(self, ordered: list[dict[str, Any]], end: dict[str, Any]) -> None:
        if self.path is None:
            self.write(end)
            return
        self._out.close()
        _replace(self.path, "".join(dumps(r) for r in [*ordered, end]))

    def close(self) -> None:
        if self.path is not None and not self._out.closed:
            self._out.close()


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to a new file beside ``path`` and rename it over ``path``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
