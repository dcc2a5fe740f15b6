"""Kind ``card-sections``: required card sections (HF107, org packs).

``sections`` lists the required section titles for model cards; ``dataset-sections`` those
for dataset cards (``repo-type`` auto/model/dataset, as in ``card-metadata``). An entry is
a title, or a list of equivalent titles (the first is the one reported). Headings match at
any level, ignoring case, punctuation, markup, numbering and "[optional]". A missing
section is reported at the heading it should come before (the next required section that
is present), else at the end of the card.
"""

from __future__ import annotations

from collections.abc import Iterator

from hflint.cards.frontmatter import load_card
from hflint.cards.headings import headings, normalise
from hflint.cards.repotype import REPO_TYPES, card_type
from hflint.finding import Region
from hflint.kinds.base import Result, Unanalysable, each_file, no_extra_validation
from hflint.repo import Repo
from hflint.rule import Rule

_ENTRY = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    ]
}
PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "sections": {"type": "array", "items": _ENTRY, "minItems": 1},
        "dataset-sections": {"type": "array", "items": _ENTRY, "minItems": 1},
        "repo-type": {"enum": list(REPO_TYPES)},
    },
    "required": ["sections"],
    "additionalProperties": False,
}
FIELDS = frozenset({"detail"})
validate = no_extra_validation


def _alternatives(entry: str | list[str]) -> list[str]:
    return [entry] if isinstance(entry, str) else list(entry)


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    def check_file(path: str) -> Iterator[Result]:
        # Sections need only the text: a card with broken metadata is still checked.
        card = load_card(repo, path)
        if card.metadata is None and not card.has_block:  # not UTF-8: no text to read
            yield Unanalysable(path, card.problems[0].message, "card-metadata")
            return
        kind = card_type(repo, card, rule.params.get("repo-type", "auto"))
        wanted = rule.params.get("dataset-sections") if kind == "dataset" else None
        entries = [_alternatives(e) for e in (wanted or rule.params["sections"])]
        found: dict[str, int] = {}
        for heading in headings(card.body, card.body_line):
            found.setdefault(normalise(heading.text), heading.line)
        last_line = max(1, len(card.text.splitlines()))
        for index, names in enumerate(entries):
            if any(normalise(n) in found for n in names):
                continue
            later = (found[normalise(n)] for e in entries[index + 1 :] for n in e if normalise(n) in found)
            line = next(later, last_line)
            suffix = " (dataset card template)" if kind == "dataset" else ""
            yield rule.finding(path, region=Region(line), detail=f"no section '{names[0]}'{suffix}")

    yield from each_file(rule, repo, check_file)
