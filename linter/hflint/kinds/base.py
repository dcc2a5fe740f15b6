"""The interface every check kind module satisfies, and helpers they share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple, Protocol

from hflint.finding import Finding
from hflint.repo import CannotAnalyse, Repo
from hflint.rule import Rule


class Unanalysable(NamedTuple):
    """A file a check could not analyse; the engine turns it into one HF001 finding.

    ``covered_by`` names a check kind whose own rule already reports this exact problem
    (e.g. a JSON syntax error is HF201, of kind json-parse): when such a rule is active and
    reported the file, the HF001 would only repeat it.
    """

    path: str
    reason: str
    covered_by: str | None = None


class Consequence(NamedTuple):
    """A finding that follows from a defect another rule reports: ``finding`` is kept only
    when no rule of kind ``cause_kind`` reported ``cause_path``.

    HF103 "declares no license" on a card whose front matter does not parse is the case:
    the license may well be in the block the Hub cannot read, and HF102 already says so.
    When HF102 is deselected the consequence is reported after all, so nothing goes unsaid.
    """

    finding: Finding
    cause_kind: str
    cause_path: str


Result = Finding | Unanalysable | Consequence


class CheckKind(Protocol):
    """A module with these names; registered by name in ``hflint.kinds.KINDS``."""

    # Read-only properties so that a module's plain constants satisfy the protocol.
    @property
    def PARAMS_SCHEMA(self) -> Mapping[str, Any]:
        """JSON Schema for the rule's ``params:``, applied when the pack is loaded."""
        ...

    @property
    def FIELDS(self) -> frozenset[str]:
        """Placeholders the kind fills in message templates (``path`` is always there)."""
        ...

    def check(self, rule: Rule, repo: Repo) -> Iterator[Result]: ...

    def validate(self, rule: Rule) -> list[str]:
        """Problems with the rule beyond its params schema (e.g. a missing schema file)."""
        ...


def no_extra_validation(rule: Rule) -> list[str]:
    return []


def capped(results: Iterable[Result], cap: int) -> Iterator[Result]:
    """At most ``cap`` results of one rule on one file; the last one shown says how many
    more were left out, so one hostile file cannot flood a report (or a SARIF run)."""
    import dataclasses

    found = list(results)
    if len(found) > cap:
        last = found[cap - 1]
        if isinstance(last, Finding):
            found[cap - 1] = dataclasses.replace(last, message=f"{last.message} ({len(found) - cap} more not shown)")
    yield from found[:cap]


def each_file(
    rule: Rule,
    repo: Repo,
    check_file: Callable[[str], Iterable[Result]],
    *,
    covered_by: str | None = None,
) -> Iterator[Result]:
    """Run ``check_file`` on every file the rule applies to, isolating failures per file.

    CannotAnalyse becomes Unanalysable; any other exception is a bug in the kind, reported
    as HF001 for that file so the scan goes on (flake8 does the same with E902).
    """
    for path in repo.select(rule.files, rule.exclude, rule.formats):
        try:
            yield from check_file(path)
        except CannotAnalyse as exc:
            yield Unanalysable(path, exc.reason, covered_by)
        except Exception as exc:  # a bug in a kind must not end the scan
            yield Unanalysable(path, f"internal error in check kind {rule.kind}: {type(exc).__name__}: {exc}")
