"""Kind ``card-retired-values``: card metadata values the Hub has retired (HF109).

``values`` names a data file (default ``rules/data/retired-metadata.yaml``) listing, per
metadata key, the retired value, its replacement, what the Hub does with it now and the
source. A key's value may be a string or a list of strings (each entry is checked). The
schema rule (HF102) accepts these values: the Hub does, and files the model under the
replacement, so a note says what changed instead of an error calling them unknown.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from hflint.cards.frontmatter import load_card
from hflint.finding import Region
from hflint.fixes import frontmatter
from hflint.fixes.edits import Fix
from hflint.jsonfile import pointer
from hflint.kinds.base import Result, each_file
from hflint.repo import Repo
from hflint.rule import Rule
from hflint.yamlfile import data_list

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {"values": {"type": "string", "minLength": 1}},
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "pointer"})
DEFAULT_DATA = "hflint:data/retired-metadata.yaml"
_FIELDS = ("key", "value", "replacement", "since", "hub", "source")


class Retired(NamedTuple):
    key: str
    value: str
    replacement: str
    since: str
    hub: str
    source: str


@functools.cache
def load_retired(path: Path) -> dict[tuple[str, str], Retired]:
    entries = data_list(path, "retired")
    out: dict[tuple[str, str], Retired] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in _FIELDS):
            raise ValueError(f"{path.name}: retired[{i}] needs {', '.join(_FIELDS)} (strings)")
        item = Retired(*(str(entry[k]) for k in _FIELDS))
        out[(item.key, item.value)] = item
    return out


def _data(rule: Rule) -> dict[tuple[str, str], Retired]:
    return load_retired(rule.data_file(rule.params.get("values", DEFAULT_DATA)))


def validate(rule: Rule) -> list[str]:
    try:
        _data(rule)
    except ValueError as exc:
        return [f"params.values: {exc}"]
    return []


def _replace(rule: Rule, repo: Repo, path: str, value: object, where: tuple[str | int, ...],
             item: Retired) -> Fix | None:
    """Fix ``retired-value``: the value replaced in place (a list keeps its other entries)."""
    new: object = item.replacement
    if isinstance(value, list):
        new = [item.replacement if i == where[-1] else v for i, v in enumerate(value)]
    return frontmatter.fix_card(rule, repo, path, {item.key: new}, f"{item.key} '{item.value}' -> '{item.replacement}'",
                                lambda text: frontmatter.set_scalar(text, where, item.replacement))


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    retired = _data(rule)
    keys = {key for key, _ in retired}

    def check_file(path: str) -> Iterator[Result]:
        card = load_card(repo, path)
        metadata = card.metadata or {}  # unreadable front matter is HF102's to report
        for key in sorted(keys & set(metadata)):
            value = metadata[key]
            values: list[tuple[str, tuple[str | int, ...]]] = [(value, (key,))] if isinstance(value, str) else []
            if isinstance(value, list):
                values = [(v, (key, i)) for i, v in enumerate(value) if isinstance(v, str)]
            for text, where in values:
                item = retired.get((key, text.strip()))
                if item is None:
                    continue
                detail = (
                    f"{key} '{item.value}' was retired by the Hub in {item.since}: {item.hub}; "
                    f"use `{key}: {item.replacement}`"
                )
                fix = _replace(rule, repo, path, value, where, item) if rule.fix else None
                yield rule.finding(path, region=Region(card.line_of(where)), pointer=pointer(*where), detail=detail,
                                   fix=fix)

    yield from each_file(rule, repo, check_file)
