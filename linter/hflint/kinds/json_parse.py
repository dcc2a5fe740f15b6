"""Kind ``json-parse``: JSON files that loaders would refuse (HF201), with line and column."""

from __future__ import annotations

from collections.abc import Iterator

from hflint.finding import Region
from hflint.kinds.base import Result, each_file, no_extra_validation
from hflint.repo import ParseError, Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {"type": "object", "additionalProperties": False}
FIELDS = frozenset({"detail"})
validate = no_extra_validation


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    def check_file(path: str) -> Iterator[Result]:
        try:
            repo.json(path)
        except ParseError as exc:
            region = Region(exc.line, exc.column) if exc.line else None
            yield rule.finding(path, region=region, detail=exc.reason)

    yield from each_file(rule, repo, check_file)
