"""Kind ``text-pattern``: text that must not be left in a file (HF108, org packs).

``patterns`` is a list of ``{regex, label}`` (Python regular expressions, multi-line mode:
``^``/``$`` match at line ends), or a data file with such a list under ``patterns:``
(``hflint:data/...`` for shipped lists, else relative to the pack). Each match is a finding
at its line and column; ``max-findings`` caps the findings per file. With ``per-pattern:
true``, a pattern that matches several times in a file is one finding, at its first match,
with the count and the first lines (a generated card repeats one placeholder 39 times: one
defect, one finding).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hflint.finding import Region
from hflint.kinds.base import Result, each_file
from hflint.repo import Repo
from hflint.rule import Rule
from hflint.yamlfile import data_list

_PATTERN = {
    "type": "object",
    "properties": {
        "regex": {"type": "string", "minLength": 1},
        "label": {"type": "string"},
        "source": {"type": "string"},
    },
    "required": ["regex"],
    "additionalProperties": False,
}
PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "patterns": {
            "anyOf": [{"type": "string", "minLength": 1}, {"type": "array", "items": _PATTERN, "minItems": 1}]
        },
        "max-findings": {"type": "integer", "minimum": 1},
        "per-pattern": {"type": "boolean"},
    },
    "required": ["patterns"],
    "additionalProperties": False,
}
FIELDS = frozenset({"detail"})
_SHOWN = 60


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    label: str


def _compile(items: Any) -> tuple[Pattern, ...]:
    if not isinstance(items, list) or not items:
        raise ValueError("patterns must be a non-empty list")
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("regex"), str):
            raise ValueError("each pattern needs a 'regex' string")
        try:
            regex = re.compile(item["regex"], re.MULTILINE)
        except re.error as exc:
            raise ValueError(f"bad regex {item['regex']!r}: {exc}") from None
        out.append(Pattern(regex, str(item.get("label") or item["regex"])))
    return tuple(out)


@functools.cache
def _from_file(path: Path) -> tuple[Pattern, ...]:
    return _compile(data_list(path, "patterns"))


def patterns(rule: Rule) -> tuple[Pattern, ...]:
    ref = rule.params["patterns"]
    if isinstance(ref, list):
        return _compile(ref)
    return _from_file(rule.data_file(ref))


def validate(rule: Rule) -> list[str]:
    try:
        patterns(rule)
    except ValueError as exc:
        return [f"params.patterns: {exc}"]
    return []


def _position(text: str, start: int) -> tuple[int, int]:
    line = text.count("\n", 0, start) + 1
    return line, start - (text.rfind("\n", 0, start) + 1) + 1


def _detail(label: str, matched: str) -> str:
    matched = matched.strip()
    shown = matched if len(matched) <= _SHOWN else matched[: _SHOWN - 3] + "..."
    return label if matched in label else f"{label}: {shown!r}"


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    compiled = patterns(rule)
    limit: int = rule.params.get("max-findings", 50)
    grouped: bool = rule.params.get("per-pattern", False)

    def check_file(path: str) -> Iterator[Result]:
        text = repo.text(path).removeprefix("\ufeff")
        if grouped:
            yield from _per_pattern(path, text)
            return
        hits = sorted((m.start(), m.group(0), p.label) for p in compiled for m in p.regex.finditer(text))
        for start, matched, label in hits[:limit]:
            yield rule.finding(path, region=Region(*_position(text, start)), detail=_detail(label, matched))
        if len(hits) > limit:
            yield rule.finding(path, detail=f"{len(hits) - limit} more matches not shown")

    def _per_pattern(path: str, text: str) -> Iterator[Result]:
        found = []
        for p in compiled:
            starts = [(m.start(), m.group(0)) for m in p.regex.finditer(text)]
            if starts:
                found.append((starts[0][0], p.label, starts))
        for first, label, starts in sorted(found)[:limit]:
            detail = _detail(label, starts[0][1])
            if len(starts) > 1:
                lines = sorted({_position(text, s)[0] for s, _ in starts})
                shown = ", ".join(map(str, lines[:5])) + (", ..." if len(lines) > 5 else "")
                detail += f" ({len(starts)} times, on lines {shown})"
            # The pattern is the finding's logical position: its fingerprint stays when lines
            # move or some of the repeats are fixed (the count and lines are only shown).
            yield rule.finding(path, region=Region(*_position(text, first)), pointer=label, detail=detail)

    yield from each_file(rule, repo, check_file)
