"""Kind ``card-metadata``: README.md front matter as the Hub reads it (HF102, org packs).

Reports front matter problems (no block at the start of the file, YAML that does not parse,
unsafe tags, duplicate keys, a root that is not a mapping) with their line, then checks the
metadata against a JSON Schema: ``schema`` for model cards, ``dataset-schema`` (when given)
for dataset cards (``repo-type``: auto, model or dataset). Schema paths work as in the
``json-schema`` kind (relative to the pack, or ``hflint:`` for shipped ones), so an
organisation pack can run its own schema over the same parsed card.

``report-syntax: false`` leaves front matter problems to HF102: a card whose YAML cannot be
read is then "cannot analyse", covered by HF102's finding.

Fix ``front-matter``: a card with no front matter at all gets a block with the metadata the
repository proves (hflint.fixes.cardfacts); anything else is a person's to correct.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hflint.cards.frontmatter import Card, load_card
from hflint.cards.repotype import REPO_TYPES, card_type
from hflint.finding import Region
from hflint.fixes.edits import Fix
from hflint.jsonfile import pointer
from hflint.kinds import json_schema
from hflint.kinds.base import Result, Unanalysable, each_file
from hflint.repo import CannotAnalyse, Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "schema": {"type": "string", "minLength": 1},
        "dataset-schema": {"type": "string", "minLength": 1},
        "repo-type": {"enum": list(REPO_TYPES)},
        "report-syntax": {"type": "boolean"},
        "max-errors": {"type": "integer", "minimum": 1},
    },
    "required": ["schema"],
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "pointer"})
KIND = "card-metadata"


def _schema_for(rule: Rule, kind: str) -> Path:
    ref = rule.params.get("dataset-schema") if kind == "dataset" else None
    return rule.data_file(ref or rule.params["schema"])


def validate(rule: Rule) -> list[str]:
    problems = json_schema.validate(rule)
    if "dataset-schema" in rule.params:
        other = json_schema.validate(dataclasses.replace(rule, params={"schema": rule.params["dataset-schema"]}))
        problems += [p.replace("params.schema", "params.dataset-schema") for p in other]
    return problems


def _jsonable(value: Any) -> Any:
    """YAML values as JSON Schema sees them: string keys; dates stay (they are not strings)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value  # jsonschema reports "is not of type 'string'": quote dates in YAML
    return value


def _detail(error: Any) -> str:
    """jsonschema's message, made specific: a schema's ``x-message`` explains a pattern, and
    a value outside a long enum gets the nearest allowed value instead of the whole list."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    shown = repr(error.instance)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    if error.validator in ("pattern", "format") and "x-message" in schema:
        return f"{shown} {schema['x-message']}"
    if error.validator == "enum" and isinstance(error.instance, str):
        allowed = [v for v in error.validator_value if isinstance(v, str)]
        near = difflib.get_close_matches(error.instance, allowed, n=1, cutoff=0.6)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        if len(allowed) > 8:
            return f"{shown} is not one of the {len(allowed)} known values{hint}"
        return f"{shown} is not one of {', '.join(repr(v) for v in allowed)}{hint}"
    return json_schema._detail(error)


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    limit: int = rule.params.get("max-errors", 50)
    report_syntax: bool = rule.params.get("report-syntax", True)

    def check_file(path: str) -> Iterator[Result]:
        card = load_card(repo, path)
        if report_syntax:
            for problem in card.problems:
                region = Region(problem.line) if problem.line else None
                yield rule.finding(path, region=region, detail=problem.message, fix=_new_block(rule, repo, path, card))
        if card.metadata is None:
            if not report_syntax:
                yield Unanalysable(path, f"front matter cannot be read: {card.problems[0].message}", KIND)
            return
        yield from _schema_findings(rule, repo, path, card, limit)

    yield from each_file(rule, repo, check_file)


def _new_block(rule: Rule, repo: Repo, path: str, card: Card) -> Fix | None:
    if rule.fix is None:
        return None
    from hflint.cards.frontmatter import block_absent
    from hflint.fixes import cardfacts, frontmatter

    if card.has_block or card.metadata is None or not block_absent(card.text) or "/" in path:
        return rule.cannot_fix("the front matter is there but unreadable; a person corrects it")
    facts = cardfacts.proven(repo)
    if not facts:
        return rule.cannot_fix("the repository proves no metadata (no recognised LICENSE, no library's files)")
    what = "front matter added: " + ", ".join(f"{k}: {v}" for k, v in facts.items())
    return frontmatter.fix_card(rule, repo, path, facts, what, lambda text: frontmatter.add_keys(text, facts))


def _schema_findings(rule: Rule, repo: Repo, path: str, card: Card, limit: int) -> Iterator[Result]:
    kind = card_type(repo, card, rule.params.get("repo-type", "auto"))
    try:
        errors = json_schema.errors(_schema_for(rule, kind), _jsonable(card.metadata))
    except RecursionError:
        raise CannotAnalyse("front matter nesting is too deep to validate") from None
    for error in errors[:limit]:
        tokens = tuple(error.absolute_path)
        detail = _detail(error)
        if kind == "dataset":
            detail += " (dataset card)"
        yield rule.finding(path, region=Region(card.line_of(tokens)), pointer=pointer(*tokens) or "/", detail=detail,
                           fix=rule.cannot_fix("a person corrects the value"))
    if len(errors) > limit:
        yield rule.finding(path, detail=f"{len(errors) - limit} more metadata errors not shown")
