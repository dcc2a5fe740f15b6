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

Fixes (hflint.fixes.frontmatter: only the value or line that changes is written):
``license-id`` (HF104) replaces a value that spells exactly one Hub id (hub_id: case, SPDX
suffix, alias; never a near miss or an expression); ``license-from-file`` (HF103) adds the
id of the one model license file when its text is recognised with high confidence
(hflint.fixes.cardfacts.license_of); ``license-link`` (HF105) points a relative
``license_link`` that names no file at the one model license file there is.

Sources: hf-conventions.md section 1.4 (hub-docs repositories-licenses.md, modelcard.md;
huggingface_hub#4218).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hflint.cards.frontmatter import Card, block_absent, load_card
from hflint.cards.licenses import (
    DEFAULT_DATA,
    LicenseData,
    LicenseDataError,
    hub_id,
    license_files,
    load_license_data,
    read_license,
    recognise,
    suggest,
)
from hflint.finding import Finding, Region
from hflint.fixes import cardfacts, frontmatter
from hflint.fixes.edits import Fix
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
            yield from _unknown(rule, repo, path, card, data)
        else:
            yield from _other(rule, repo, path, card, data)

    yield from each_file(rule, repo, check_file)


def _missing(rule: Rule, repo: Repo, path: str, card: Card, data: LicenseData) -> Iterator[Finding]:
    metadata = card.metadata or {}
    if "license" in metadata and (declared(card) or metadata["license"] not in (None, "", [])):
        return  # a value of the wrong type is HF102's to report
    line = card.line_of(("license",)) if "license" in metadata else 1
    fix = _license_from_file(rule, repo, path, card, data) if rule.fix else None
    detail = _missing_detail(repo, data, metadata.get("license_link"))
    yield rule.finding(path, region=Region(line), detail=detail, fix=fix)


def _license_from_file(rule: Rule, repo: Repo, path: str, card: Card, data: LicenseData) -> Fix | None:
    metadata = card.metadata or {}
    found = cardfacts.license_of(repo, data, metadata.get("license_link"))
    if found is None:
        why = "no license file whose text hflint recognises with confidence; a person chooses the license"
        return rule.cannot_fix(why)
    if not card.has_block and not block_absent(card.text):
        return rule.cannot_fix("the front matter is not where the Hub reads it (HF102); fix that first")
    license_id, source = found
    what = f"license: {license_id} added (the text of {source} is that license)"
    if "license" in metadata:
        return frontmatter.fix_card(rule, repo, path, {"license": license_id}, what,
                     lambda text: frontmatter.set_scalar(text, ("license",), license_id))
    return frontmatter.fix_card(rule, repo, path, {"license": license_id}, what,
                 lambda text: frontmatter.add_keys(text, {"license": license_id}))


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


def _unknown(rule: Rule, repo: Repo, path: str, card: Card, data: LicenseData) -> Iterator[Result]:
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
        fix = _license_id(rule, repo, path, card, value, where, data) if rule.fix else None
        yield rule.finding(path, region=Region(card.line_of(where)), pointer=pointer(*where), detail=detail, fix=fix)


def _license_id(rule: Rule, repo: Repo, path: str, card: Card, value: str,
                where: tuple[str | int, ...], data: LicenseData) -> Fix | None:
    found = hub_id(value, data)
    if found is None:
        return rule.cannot_fix(f"'{value}' spells no single Hub id; a person chooses the license")
    licenses = (card.metadata or {})["license"]
    changed = found if isinstance(licenses, str) else [found if i == where[-1] else v for i, v in enumerate(licenses)]
    return frontmatter.fix_card(rule, repo, path, {"license": changed}, f"license '{value}' -> '{found}'",
                 lambda text: frontmatter.set_scalar(text, where, found))


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
            why = "the license's name and link are the licensor's to give; a person adds them"
            yield rule.finding(path, region=Region(line), pointer="/license",
                               detail=f"license is 'other' but {what} missing", fix=rule.cannot_fix(why))
    if isinstance(link, str) and link.strip() and _is_relative(link.strip()):
        target = link.strip().split("#")[0].removeprefix("./").lstrip("/")
        base = path.rpartition("/")[0]
        rel = f"{base}/{target}" if base else target
        if target and not repo.exists(rel):
            detail = f"license_link '{link}' names a file the repository does not have"
            fix = _license_link(rule, repo, path, data, link) if rule.fix else None
            yield rule.finding(
                path, region=Region(card.line_of(("license_link",))), pointer="/license_link", detail=detail, fix=fix
            )


def _license_link(rule: Rule, repo: Repo, path: str, data: LicenseData, link: str) -> Fix | None:
    model = [f for f, covers in license_files(repo, data).items() if covers == "model"]
    if len(model) != 1 or "/" in path:
        return rule.cannot_fix("the repository has no single license file to link to; a person chooses it")
    return frontmatter.fix_card(rule, repo, path, {"license_link": model[0]}, f"license_link '{link}' -> '{model[0]}'",
                 lambda text: frontmatter.set_scalar(text, ("license_link",), model[0]))
