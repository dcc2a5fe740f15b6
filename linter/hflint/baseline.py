"""The baseline: findings accepted as known, keyed by line-independent fingerprint.

``hflint baseline write`` records the current findings with a mandatory reason (and an
optional expiry); ``hflint scan`` then reports only new ones. ``hflint baseline update``
drops entries whose finding is gone and re-keys entries recorded before a fingerprint
migration. The file is JSON, sorted, one entry per finding, so reviews see stable diffs; it is
validated on load (a broken baseline is exit 2).

An entry matches a finding by fingerprint (docs/fingerprints.md), or, for the findings whose
messages were reworded by a migration, by rule, path, pointer and the message's stable part
(``REWORDED``), so a baseline written before the migration keeps suppressing the same
findings, with no HF004, until ``baseline update`` rewrites it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hflint.config import BASELINE_NAME as BASELINE_NAME
from hflint.config import ConfigError
from hflint.finding import Finding
from hflint.jsonfile import locate, parse_json, pointer
from hflint.repo import CannotAnalyse
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


# Version 2 (migration 2, docs/fingerprints.md): an entry is one finding's fingerprint, repeats
# of a rule, path and key in a file numbered. In a version 1 file an entry accepted every
# finding with its key; it still does, until `baseline update` writes one entry per finding.
VERSION = 2


@dataclass(frozen=True)
class Baseline:
    source: Path
    entries: tuple[Entry, ...]
    version: int = VERSION


def load_baseline(path: Path, data: bytes | None = None, *, contained: bool = True) -> Baseline:
    """The baseline at ``path`` (``data``: its bytes, already read). ``contained``: the file is
    the repository's own (a link out of its folder is refused, not followed); False for a file
    the user named with --baseline, read from the path as given."""
    shown = str(path)
    try:
        text = (read_record(path, contained=contained) if data is None else data).decode("utf-8")
        raw = parse_json(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(shown, f"cannot read baseline: {exc}") from None
    except CannotAnalyse as exc:  # hflint's words: the same on every Python version
        raise BaselineError(shown, f"baseline is not valid JSON: {exc.reason}", getattr(exc, "line", None)) from None
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
    return Baseline(path, tuple(entries), raw["version"])


def render(entries: Iterable[Entry]) -> str:
    ordered = sorted(entries, key=lambda e: (e.path, e.rule, e.pointer or "", e.fingerprint))
    doc = {"version": VERSION, "entries": [e.as_json() for e in ordered]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def entry_for(finding: Finding, reason: str, expires: dt.date | None) -> Entry:
    return Entry(finding.fingerprint, finding.rule_id, finding.path, reason, finding.pointer, finding.message, expires)


# Fingerprint migration 1 (docs/fingerprints.md): a syntax error's message carried the wording
# of the parser that found it (Python's json, PyYAML, Jinja2, the interpreter's own parser),
# which changes between versions; it now carries hflint's. Findings without a pointer are
# keyed by message, so these changed fingerprint. Per rule: the message's stable part, as
# named groups; an entry and a finding match when both messages match and the groups agree.
# (There is one such finding per file, or per template: the file or template does not parse.)
_CONTENT_NAMED = r"(?P<message>.*?)(?:; the file holds [\w-]+ content)?; treated as unsafe"
REWORDED: dict[str, re.Pattern[str]] = {
    rule: re.compile(pattern, re.DOTALL)
    for rule, pattern in (
        # Migration 3: HF001 is keyed by its reason, without the rules that could not run.
        ("HF001", r"(?P<file>.*) could not be analysed: .*"),
        ("HF102", r"(?P<file>.*): invalid card metadata: YAML: .*"),
        ("HF201", r"(?P<file>.*) is not valid JSON: .*"),
        ("HF208", r"(?P<file>.*): chat template does not parse\b.*"),
        ("HF306", r"(?P<file>.*): invalid safetensors header: invalid JSON in header: .*"),
        ("HF503", r"(?P<file>.*): cannot be analysed: .*"),
        # Migration 4: an HDF5 file h5py cannot open is described by the class of HDF5's
        # error, not HDF5's own text (which HDF5 1.14 reworded).
        ("HF634", r"(?P<file>.*) not an HDF5 file h5py can read within the limits: .*"),
        # Migration 4: a model format's "cannot be read" names the format the content is when
        # hflint knows it ("; the file holds onnx content"): the rest of the message is kept.
        ("HF605", _CONTENT_NAMED),
        ("HF614", _CONTENT_NAMED),
        ("HF618", _CONTENT_NAMED),
        # Migration 2: a repeated placeholder's count and lines left the key (the pattern is
        # its pointer now), so fixing some of them or moving them keeps the fingerprint.
        (
            "HF108",
            r"(?P<file>.*): template placeholder left in the card: (?P<what>.*?)"
            r"(?: \(\d+ times, on lines [\d, .]+\))?",
        ),
    )
}
# Rules whose findings gained a pointer in a migration: an entry written without one matches.
POINTER_ADDED = frozenset({"HF108"})

# Migration 3: checks that moved to another rule when severities were made to follow the
# loaders (issue 11): an entry of the old rule matches one finding of a new one at the same
# path and pointer. config.json's checks left HF202 for HF212-HF215; what loads but is
# misread left HF205 for HF216; JSON no loader reads left HF201 for HF217 (a warning); an
# index without metadata left HF305 for HF301; a duplicate weight_map key left HF307 for HF304.
MOVED: dict[str, frozenset[str]] = {
    "HF201": frozenset({"HF217"}),
    "HF202": frozenset({"HF212", "HF213", "HF214", "HF215"}),
    "HF205": frozenset({"HF216"}),
    "HF305": frozenset({"HF301"}),
    "HF307": frozenset({"HF304"}),
}


def _reworded(entry: Entry, finding: Finding) -> bool:
    pattern = REWORDED.get(finding.rule_id)
    if pattern is None:
        return False
    old, new = pattern.fullmatch(entry.message), pattern.fullmatch(finding.message)
    return old is not None and new is not None and old.groupdict() == new.groupdict()


def match(entries: Sequence[Entry], findings: Sequence[Finding], version: int = VERSION) -> dict[int, Entry]:
    """The entry that suppresses each finding, by the finding's index.

    By fingerprint first (in a version 1 baseline, by the fingerprint every occurrence of a
    key had then, so an entry keeps accepting all of them); then each entry left over may
    match one finding left over whose message was reworded by a migration (same rule, path
    and pointer, same stable message part).
    """
    by_fingerprint = {e.fingerprint: e for e in entries}

    def key(f: Finding) -> str:
        return f.base_fingerprint if version == 1 else f.fingerprint

    found = {i: e for i, f in enumerate(findings) if (e := by_fingerprint.get(key(f))) is not None}
    used = {id(e) for e in found.values()}
    _moved(entries, findings, found, used)
    left: dict[tuple[str, str, str | None], list[Entry]] = defaultdict(list)
    for e in entries:
        if id(e) not in used and e.rule in REWORDED:
            left[(e.rule, e.path, e.pointer)].append(e)
    if not left:
        return found
    for i, f in enumerate(findings):
        if i in found:
            continue
        candidates = left.get((f.rule_id, f.path, f.pointer), [])
        if not candidates and f.rule_id in POINTER_ADDED:
            candidates = left.get((f.rule_id, f.path, None), [])
        for e in candidates:
            if _reworded(e, f):
                found[i] = e
                candidates.remove(e)
                break
    return found


def _moved(entries: Sequence[Entry], findings: Sequence[Finding], found: dict[int, Entry], used: set[int]) -> None:
    """Migration 3: each entry of a rule whose check moved (MOVED) matches one finding left
    over of a rule it moved to, at the same path and pointer; ``found`` and ``used`` grow."""
    left: dict[tuple[str, str | None], list[Entry]] = defaultdict(list)
    for e in entries:
        if id(e) not in used and e.rule in MOVED:
            left[(e.path, e.pointer)].append(e)
    if not left:
        return
    for i, f in enumerate(findings):
        if i in found:
            continue
        candidates = left.get((f.path, f.pointer), [])
        hit = next((c for c in candidates if f.rule_id in MOVED[c.rule]), None)
        if hit is not None:
            found[i] = hit
            used.add(id(hit))
            candidates.remove(hit)
