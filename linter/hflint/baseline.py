"""The baseline: findings accepted as known, keyed by line-independent fingerprint.

``hflint baseline write`` records the current findings with a mandatory reason (and an
optional expiry); ``hflint scan`` then reports only new ones. ``hflint baseline update``
drops entries whose finding is gone. The file is JSON, sorted, one entry per finding, so
reviews see stable diffs; it is validated on load (a broken baseline is exit 2).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hflint.config import BASELINE_NAME as BASELINE_NAME
from hflint.config import ConfigError
from hflint.finding import Finding
from hflint.jsonfile import locate, pointer
from hflint.safefile import read_record
from hflint.schemas import schema_errors


class BaselineError(ConfigError):
    """A broken baseline file: exit 2 with file and line, like a broken config."""


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    rule: str
    path: str
    reason: str
    pointer: str | None = None
    message: str = ""
    expires: dt.date | None = None
    line: int | None = None  # in the baseline file, for HF004/HF005 findings

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"fingerprint": self.fingerprint, "rule": self.rule, "path": self.path}
        if self.pointer:
            out["pointer"] = self.pointer
        out["message"] = self.message
        out["reason"] = self.reason
        if self.expires:
            out["expires"] = self.expires.isoformat()
        return out


@dataclass(frozen=True)
class Baseline:
    source: Path
    entries: tuple[Entry, ...]


def load_baseline(path: Path, data: bytes | None = None, *, contained: bool = True) -> Baseline:
    """The baseline at ``path`` (``data``: its bytes, already read). ``contained``: the file is
    the repository's own (a link out of its folder is refused, not followed); False for a file
    the user named with --baseline, read from the path as given."""
    shown = str(path)
    try:
        text = (read_record(path, contained=contained) if data is None else data).decode("utf-8")
        raw = json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(shown, f"cannot read baseline: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(shown, f"baseline is not valid JSON: {exc.msg}", exc.lineno) from None
    for error in schema_errors("baseline.schema.json", raw):
        where = locate(text, pointer(*error.absolute_path))
        label = "/".join(map(str, error.absolute_path)) or "(top level)"
        raise BaselineError(shown, f"{label}: {error.message}", where[0] if where else None)
    entries = []
    for i, item in enumerate(raw["entries"]):
        try:
            expires = dt.date.fromisoformat(item["expires"]) if "expires" in item else None
        except ValueError:
            raise BaselineError(shown, f"entries/{i}/expires: not a date") from None
        where = locate(text, pointer("entries", i))
        entries.append(
            Entry(
                item["fingerprint"],
                item["rule"],
                item["path"],
                item["reason"],
                item.get("pointer"),
                item.get("message", ""),
                expires,
                where[0] if where else None,
            )
        )
    return Baseline(path, tuple(entries))


def render(entries: Iterable[Entry]) -> str:
    ordered = sorted(entries, key=lambda e: (e.path, e.rule, e.pointer or "", e.fingerprint))
    doc = {"version": 1, "entries": [e.as_json() for e in ordered]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def entry_for(finding: Finding, reason: str, expires: dt.date | None) -> Entry:
    return Entry(finding.fingerprint, finding.rule_id, finding.path, reason, finding.pointer, finding.message, expires)
