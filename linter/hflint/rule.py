"""A rule as loaded from a pack: data only, plus the one helper that makes its findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from hflint import _paths
from hflint.finding import Finding, Region, Severity

if TYPE_CHECKING:
    from collections.abc import Iterable

    from hflint.fixes.edits import Edit, Fix


class Docs(NamedTuple):
    what: str
    why: str
    example: str
    fix: str
    references: tuple[str, ...] = ()


class FixSpec(NamedTuple):
    """A rule's fix as its pack declares it: the fix kind (hflint.fixes.FIX_KINDS) and
    whether ``hflint fix`` applies it by default (safe) or only with --unsafe."""

    kind: str
    safety: str


@dataclass(frozen=True, eq=False)
class Rule:
    id: str
    name: str
    title: str  # one line: SARIF shortDescription, `hflint rules` listing
    severity: Severity
    kind: str
    message: str
    docs: Docs
    pack: str
    source: Path  # the pack file, for error messages and relative schema paths
    files: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # Content formats (hflint.identify.MODEL_FORMATS) the rule checks whatever the file's name
    formats: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    precision: str = "high"
    security_severity: float | None = None
    active: bool = True  # False while the rule's check kind is not implemented yet
    line: int | None = None  # where the rule starts in its pack file
    # None: no fix, or a run that does not ask for fixes (the engine drops them, so kinds
    # compute edits only when they are wanted).
    fix: FixSpec | None = None

    def data_file(self, ref: str) -> Path:
        """The file a ``params`` reference names (``hflint:...`` or relative to the pack)."""
        return _paths.data_file(ref, self.source.parent)

    def finding(
        self,
        path: str,
        *,
        region: Region | None = None,
        pointer: str | None = None,
        fix: Fix | None = None,
        **fields: object,
    ) -> Finding:
        """A finding of this rule; ``fields`` (and path, pointer) fill the message template."""
        return Finding(
            rule_id=self.id,
            path=path,
            message=render(self.message, {"path": path, "pointer": pointer or "", **fields}),
            severity=self.severity,
            region=region,
            pointer=pointer,
            fix=fix if self.fix is not None else None,
        )

    def propose(self, description: str, edits: Iterable[Edit], *, safe: bool = True) -> Fix | None:
        """This rule's fix for one finding (None when the run asks for no fixes). An edit the
        kind itself judges risky (``safe=False``) is unsafe whatever the pack declares."""
        if self.fix is None:
            return None
        from hflint.fixes.edits import SAFE, UNSAFE, Fix, stricter

        return Fix(description, stricter(self.fix.safety, SAFE if safe else UNSAFE), tuple(edits))

    def cannot_fix(self, reason: str) -> Fix | None:
        """This rule has a fix, but not for this finding: ``reason`` says why (a person decides)."""
        return self.propose(reason, ())


def template_fields(template: str) -> list[str]:
    """The placeholder names in a message template; ValueError when it is malformed."""
    import string  # lazy: only pack validation parses templates

    names = []
    for _literal, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{name}}} must be a plain {{name}}")
        names.append(name)
    return names


def render(template: str, fields: dict[str, object]) -> str:
    # Templates were checked at load time to use only plain names the kind provides, so
    # format_map cannot reach attributes; a missing field shows as <name> instead of failing.
    return template.format_map(_Fields(fields))


class _Fields(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return f"<{key}>"
