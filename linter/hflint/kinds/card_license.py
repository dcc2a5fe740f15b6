"""Kind ``card-license``: the ``license:`` metadata of README.md (HF103, HF104, HF105).

``check`` picks the check:

* ``missing`` (HF103): no ``license:`` (or an empty one). The detail names the file that
  holds the model's license (hflint.cards.licenses.license_files: LICENSE, MODEL_LICENSE,
  LICENSE-MODEL, ... as data), and which license its text is when it is recognised; a file
  that covers only the code (LICENSE beside MODEL_LICENSE, LICENSE-CODE) is never suggested.
* ``unknown`` (HF104): each ``license:`` value (each entry of a list) that is not a Hub id
  (exact, lowercase), with the nearest id as a suggestion.
* ``other`` (HF105): ``license: other`` without ``license_name`` and ``license_link`` and
  without a license file for the model in the repository (one counts as documenting the
  terms), and a relative ``license_link`` naming a file the repository does not have.

Sources: hf-conventions.md section 1.4 (hub-docs repositories-licenses.md, modelcard.md;
huggingface_hub#4218).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hflint.cards.frontmatter import Card, load_card
from hflint.cards.licenses import (
    DEFAULT_DATA,
    LicenseData,
    LicenseDataError,
    license_files,
    load_license_data,
    read_license,
    recognise,
    suggest,
)
from hflint.finding import Finding, Region
from hflint.jsonfile import pointer
from hflint.kinds.base import Consequence, Result, Unanalysable, each_file
from hflint.repo import Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "check": {"enum": ["missing", "unknown", "other"]},
        "licenses": {"type": "string", "minLength": 1},
    },
    "required": ["check"],
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "pointer"})
def data_path(rule: Rule) -> Path:
    return rule.data_file(rule.params.get("licenses", DEFAULT_DATA))


def validate(rule: Rule) -> list[str]:
    try:
        load_license_data(data_path(rule))
    except LicenseDataError as exc:
        return [f"params.licenses: {exc}"]
    return []


def declared(card: Card) -> list[tuple[str, tuple[str | int, ...]]]:
    """Each license string of the card with its metadata path."""
    value: Any = (card.metadata or {}).get("license")
    if isinstance(value, str):
        return [(value, ("license",))] if value.strip() else []
    if isinstance(value, list):
        return [(v, ("license", i)) for i, v in enumerate(value) if isinstance(v, str) and v.strip()]
    return []


def readable_card(repo: Repo, path: str) -> Card | Unanalysable:
    card = load_card(repo, path)
    if card.metadata is None:
        reason = card.problems[0].message if card.problems else "front matter cannot be read"
        return Unanalysable(path, f"front matter cannot be read: {reason}", "card-metadata")
    return card


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    data = load_license_data(data_path(rule))
    which: str = rule.params["check"]

    def check_file(path: str) -> Iterator[Result]:
        card = readable_card(repo, path)
        if isinstance(card, Unanalysable):
            yield card
            return
        if which == "missing":
            missing = _missing(rule, repo, path, card, data)
            # A block the Hub cannot read (not closed, not at the start) may hold the license:
            # HF102 reports the block, and "no license" follows from it (one defect, one finding).
            yield from (Consequence(f, "card-metadata", path) for f in missing) if card.problems else missing
        elif which == "unknown":
            yield from _unknown(rule, path, card, data)
        else:
            yield from _other(rule, repo, path, card, data)

    yield from each_file(rule, repo, check_file)


def _missing(rule: Rule, repo: Repo, path: str, card: Card, data: LicenseData) -> Iterator[Finding]:
    metadata = card.metadata or {}
    if "license" in metadata and (declared(card) or metadata["license"] not in (None, "", [])):
        return  # a value of the wrong type is HF102's to report
    line = card.line_of(("license",)) if "license" in metadata else 1
    yield rule.finding(path, region=Region(line), detail=_missing_detail(repo, data, metadata.get("license_link")))


def _missing_detail(repo: Repo, data: LicenseData, link: object) -> str:
    files = license_files(repo, data, link)
    model = [f for f, covers in files.items() if covers == "model"]
    code = [f for f, covers in files.items() if covers == "code"]
    if not model and not code:
        return "no `license:` in the front matter and no license file (LICENSE, MODEL_LICENSE, ...)"
    if not model:
        return (
            f"no `license:` in the front matter; {', '.join(code)} covers only the code, and no file gives "
            "the weights' license"
        )
    found = recognise(read_license(repo, model[0]), data)
    if found:
        hint = f"its text is {found[0][0]}, so add `license: {found[0][0]}`"
    else:
        hint = (
            f"its text has no Hub id, so add `license: other` with `license_name` and "
            f"`license_link: {model[0]}`"
        )
    if code:
        hint += f"; {', '.join(code)} covers only the code"
    named = "holds the weights' license" if data.files.get(model[0].lower()) == "model" else "exists"
    return f"no `license:` in the front matter ({model[0]} {named}, but the Hub does not read it; {hint})"


def _unknown(rule: Rule, path: str, card: Card, data: LicenseData) -> Iterator[Result]:
    for value, where in declared(card):
        if value in data.hub_ids:
            continue
        near = suggest(value, data)
        if near is None:
            hint = "see https://huggingface.co/docs/hub/repositories-licenses, or use `other`"
        elif near.startswith("["):
            hint = f"the Hub does not accept license expressions; list the ids instead: license: {near}"
        else:
            hint = f"did you mean '{near}'?"
        detail = f"'{value}' is not one of the Hub's license ids; {hint}"
        yield rule.finding(path, region=Region(card.line_of(where)), pointer=pointer(*where), detail=detail)


def _is_relative(link: str) -> bool:
    return "://" not in link and not link.startswith(("mailto:", "#", "//"))


def _other(rule: Rule, repo: Repo, path: str, card: Card, data: LicenseData) -> Iterator[Result]:
    metadata = card.metadata or {}
    ids = [v for v, _w in declared(card)]
    link = metadata.get("license_link")
    if "other" in ids:
        missing = [k for k in ("license_name", "license_link") if not metadata.get(k)]
        model_files = [f for f, c in license_files(repo, data, link).items() if c == "model"]
        if missing and not model_files:  # a license file in the repository documents the terms
            what = " and ".join(missing) + (" are" if len(missing) > 1 else " is")
            line = card.line_of(("license",))
            yield rule.finding(
                path, region=Region(line), pointer="/license", detail=f"license is 'other' but {what} missing"
            )
    if isinstance(link, str) and link.strip() and _is_relative(link.strip()):
        target = link.strip().split("#")[0].removeprefix("./").lstrip("/")
        base = path.rpartition("/")[0]
        rel = f"{base}/{target}" if base else target
        if target and not repo.exists(rel):
            detail = f"license_link '{link}' names a file the repository does not have"
            yield rule.finding(
                path, region=Region(card.line_of(("license_link",))), pointer="/license_link", detail=detail
            )
