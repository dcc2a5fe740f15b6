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

Fix ``insert-sections`` (unsafe: it adds text a person must fill): the missing sections go
where they are reported, as headings at the level of the card's other sections with the
guidance comment huggingface_hub's template has under them (hflint.fixes.template); the
sections missing at one place are one edit, shared by their findings.
"""

from __future__ import annotations

from collections.abc import Iterator

from hflint.cards.frontmatter import load_card
from hflint.cards.headings import Heading, headings, words
from hflint.cards.repotype import REPO_TYPES, card_type
from hflint.cards.sections import DEFAULT_SYNONYMS, Words, load_synonyms, section
from hflint.finding import Region
from hflint.fixes.edits import Fix, Replacement, replace
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


def _insert(rule: Rule, repo: Repo, path: str, line: int | None, titles: list[str], level: int,
            dataset: bool) -> Fix | None:
    """The sections ``titles`` as headings with the template's guidance, inserted at the
    start of file line ``line`` (None: at the end of the card)."""
    from hflint.fixes import template

    text = repo.text(path)
    newline = "\r\n" if "\r\n" in text else "\n"
    parts = []
    for title in titles:
        note = template.guidance(title, dataset)
        parts.append(f"{'#' * level} {title}{newline}{newline}" + (f"{note}{newline}{newline}" if note else ""))
    block = "".join(parts)
    if line is None:
        at = len(text)
        lead = "" if not text or text.endswith("\n") else newline
        if text.strip() and not (text + lead).endswith(newline * 2):
            lead += newline  # a blank line before the first new heading
        block = lead + block.rstrip("\r\n") + newline
    else:
        lines = text.splitlines(keepends=True)
        at = sum(len(x) for x in lines[: line - 1])
    shown = ", ".join(f"'{t}'" for t in titles)
    what = f"{shown} inserted as empty {'headings' if len(titles) > 1 else 'heading'} with the template's guidance"
    return rule.propose(what, (replace(path, text, (Replacement(at, at, block),)),))


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
        places: dict[int | None, list[str]] = {}
        for index, entry in enumerate(entries):
            if lines[index] is None:
                places.setdefault(next((n for n in lines[index + 1 :] if n is not None), None), []).append(entry.title)
        levels = [h.level for h in headings(card.body, card.body_line) if h.line in lines and h.level <= 6]
        fixes = {at: _insert(rule, repo, path, at, titles, min(levels, default=2), kind == "dataset")
                 for at, titles in places.items()} if rule.fix else {}
        for index, entry in enumerate(entries):
            if lines[index] is not None:
                continue
            at = next((n for n in lines[index + 1 :] if n is not None), None)
            yield rule.finding(path, region=Region(at or last_line), detail=f"no section '{entry.title}'{suffix}",
                               fix=fixes.get(at))

    yield from each_file(rule, repo, check_file)
