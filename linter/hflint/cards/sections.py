"""Which card headings count for which template section (HF107), from
``rules/data/card-sections.yaml``: a section's title and the titles readers give it
(``also``), matched as whole words anywhere in a heading (hflint.cards.headings.words), and
phrases that rule a heading out (``unless``)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from hflint.cards.headings import contains, words
from hflint.yamlfile import data_list

DEFAULT_SYNONYMS = "hflint:data/card-sections.yaml"
Words = tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """One required section: the title reported, and the phrases that count for it."""

    title: str
    phrases: tuple[Words, ...]
    unless: tuple[Words, ...] = ()

    def found_in(self, heading: Words) -> bool:
        if any(contains(heading, u) for u in self.unless):
            return False
        return any(contains(heading, p) for p in self.phrases)


@functools.cache
def load_synonyms(path: Path) -> dict[Words, tuple[tuple[Words, ...], tuple[Words, ...]]]:
    """Normalised title -> (phrases that count, phrases that rule a heading out)."""
    entries = data_list(path, "sections")
    out: dict[Words, tuple[tuple[Words, ...], tuple[Words, ...]]] = {}
    for i, entry in enumerate(entries):
        ok = isinstance(entry, dict) and isinstance(entry.get("title"), str)
        lists = [entry.get(k, []) for k in ("also", "unless")] if ok else []
        if not ok or not all(isinstance(v, list) and all(isinstance(s, str) for s in v) for v in lists):
            raise ValueError(f"{path.name}: sections[{i}] needs a 'title' and lists of strings 'also'/'unless'")
        title = words(entry["title"])
        out[title] = (tuple(words(t) for t in [entry["title"], *lists[0]]), tuple(words(t) for t in lists[1]))
    return out


def section(names: list[str], synonyms: dict[Words, tuple[tuple[Words, ...], tuple[Words, ...]]]) -> Section:
    """A rule's entry (a title, or equivalent titles) with the synonyms of each title."""
    phrases: list[Words] = []
    unless: list[Words] = []
    for name in names:
        found, excluded = synonyms.get(words(name), ((words(name),), ()))
        phrases += found
        unless += excluded
    return Section(names[0], tuple(dict.fromkeys(p for p in phrases if p)), tuple(dict.fromkeys(unless)))
