"""Kind ``card-sections``: required card sections (HF107, org packs).

``sections`` lists the required section titles for model cards; ``dataset-sections`` those
for dataset cards (``repo-type`` auto/model/dataset, as in ``card-metadata``). An entry is
a title, or a list of equivalent titles (the first is the one reported). A section is found
as a reader finds it: a heading at any level (or an HTML or bold-only heading) whose words
contain the title or one of the titles readers give it (``synonyms``, default
``rules/data/card-sections.yaml``), ignoring case, punctuation, emoji, markup, numbering,
plural -s and "[optional]" (hflint.cards.sections). A missing section is reported at the
heading it should come before (the next required section that is present), else at the end
of the card.
"""

from __future__ import annotations

from collections.abc import Iterator

from hflint.cards.frontmatter import load_card
from hflint.cards.headings import Heading, headings, words
from hflint.cards.repotype import REPO_TYPES, card_type
from hflint.cards.sections import DEFAULT_SYNONYMS, Words, load_synonyms, section
from hflint.finding import Region
from hflint.kinds.base import Result, Unanalysable, each_file
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
        "synonyms": {"type": "string", "minLength": 1},
    },
    "required": ["sections"],
    "additionalProperties": False,
}
FIELDS = frozenset({"detail"})


def _synonyms(rule: Rule) -> dict[Words, tuple[tuple[Words, ...], tuple[Words, ...]]]:
    return load_synonyms(rule.data_file(rule.params.get("synonyms", DEFAULT_SYNONYMS)))


def validate(rule: Rule) -> list[str]:
    try:
        _synonyms(rule)
    except ValueError as exc:
        return [f"params.synonyms: {exc}"]
    return []


def _alternatives(entry: str | list[str]) -> list[str]:
    return [entry] if isinstance(entry, str) else list(entry)


def _sections_of(found: list[Heading]) -> list[Heading]:
    """The headings that title sections: a card's first heading, when it is a level-1
    title ("# example-6b", "# Model Card for X"), names the model, not a section."""
    return found[1:] if found and found[0].level == 1 else found


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    def check_file(path: str) -> Iterator[Result]:
        # Sections need only the text: a card with broken metadata is still checked.
        card = load_card(repo, path)
        if card.metadata is None and not card.has_block:  # not UTF-8: no text to read
            yield Unanalysable(path, card.problems[0].message, "card-metadata")
            return
        kind = card_type(repo, card, rule.params.get("repo-type", "auto"))
        wanted = rule.params.get("dataset-sections") if kind == "dataset" else None
        synonyms = _synonyms(rule)
        entries = [section(_alternatives(e), synonyms) for e in (wanted or rule.params["sections"])]
        found = [(words(h.text), h.line) for h in _sections_of(headings(card.body, card.body_line))]
        lines: list[int | None] = [next((line for w, line in found if s.found_in(w)), None) for s in entries]
        last_line = max(1, len(card.text.splitlines()))
        suffix = " (dataset card template)" if kind == "dataset" else ""
        for index, entry in enumerate(entries):
            if lines[index] is not None:
                continue
            line = next((n for n in lines[index + 1 :] if n is not None), last_line)
            yield rule.finding(path, region=Region(line), detail=f"no section '{entry.title}'{suffix}")

    yield from each_file(rule, repo, check_file)
