"""The fix stage: a scan's proposed edits -> one new text per file -> written, or a diff.

``plan`` selects the fixes of reported (unsuppressed) findings by safety, merges the edits of
each file (hflint.fixes.edits.merge: two rules proposing the same change write it once; two
that overlap are an error for that file, never a second pass), and reads each file through
hflint.safefile: no link is followed, nothing but a regular file is touched, a read-only
file is left alone, and a file whose bytes are not the ones the scan read is not rewritten.
``write`` replaces each file atomically (safefile.replace: a temporary file beside it,
fsync, rename, mode kept, only if unchanged since read), so every file is either fixed
whole or left as it was, and one file's refusal never stops the others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from hflint import safefile
from hflint.fixes.edits import UNSAFE, Edit, Fix, Overlap, apply, merge

if TYPE_CHECKING:
    from hflint.engine import ScanResult
    from hflint.finding import Finding


class Applied(NamedTuple):
    rules: tuple[str, ...]  # the rules whose findings the fix resolves
    description: str


class Change(NamedTuple):
    """One file's new text, from every selected fix that edits it."""

    path: str  # repo-relative
    before: str | None  # None: the fix creates the file
    after: str
    snapshot: safefile.Snapshot
    applied: tuple[Applied, ...]
    findings: int


class NotWritten(NamedTuple):
    path: str
    reason: str


class Plan(NamedTuple):
    root: Path
    changes: tuple[Change, ...]
    problems: tuple[NotWritten, ...]  # files with fixes that cannot be written
    unfixable: tuple[Finding, ...]  # findings whose rule has a fix, but not for them (reason inside)
    unsafe: tuple[Finding, ...]  # findings with an unsafe fix, left out without --unsafe


def selected(finding: Finding, unsafe: bool) -> bool:
    fix = finding.fix
    return fix is not None and fix.applicable and (unsafe or fix.safety != UNSAFE) and finding.suppressed_by is None


def plan(result: ScanResult, *, unsafe: bool) -> Plan:
    by_path: dict[str, list[tuple[Finding, Edit]]] = {}
    unfixable: list[Finding] = []
    skipped: list[Finding] = []
    for f in result.reported:
        if f.fix is None:
            continue
        if not f.fix.applicable:
            unfixable.append(f)
        elif f.fix.safety == UNSAFE and not unsafe:
            skipped.append(f)
        else:
            for edit in f.fix.edits:
                by_path.setdefault(edit.path, []).append((f, edit))
    changes: list[Change] = []
    problems: list[NotWritten] = []
    for path, items in sorted(by_path.items()):
        try:
            changes.append(_prepare(result.root, path, items))
        except _Refusal as exc:
            problems.append(NotWritten(path, exc.reason))
    return Plan(result.root, tuple(changes), tuple(problems), tuple(unfixable), tuple(skipped))


class _Refusal(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _snapshot(root: Path, path: str) -> safefile.Snapshot:
    full = root / path
    if full.is_symlink():  # said in fix's words; safefile refuses it (and any swap) anyway
        target = str(full.readlink())
        raise _Refusal(f"is a symlink to {target}; hflint fix never writes through a link: fix {target} "
                       "itself, or replace the link with the file")
    try:
        return safefile.snapshot(root, path)
    except safefile.Refused as exc:
        raise _Refusal(exc.reason) from None
    except OSError as exc:
        raise _Refusal(f"cannot be read: {exc.strerror or exc}") from None


# Files no fix may write, whatever a kind proposes: weights (a fix never changes what a model
# computes) and the records of a person's decisions (review records, HF501/HF502; the baseline).
NEVER_WRITTEN = (".hflint-review.yaml", ".hflint-baseline.json")


def _forbidden(path: str) -> bool:
    from hflint.targets import WEIGHT_SUFFIXES

    name = path.rpartition("/")[2]
    return name in NEVER_WRITTEN or name.endswith(WEIGHT_SUFFIXES)


def _prepare(root: Path, path: str, items: list[tuple[Finding, Edit]]) -> Change:
    edits = list(dict.fromkeys(edit for _, edit in items))
    rules = sorted({f.rule_id for f, _ in items})
    if _forbidden(path):
        what = f"is a weight file or a record of a person's decision; hflint fix never writes it ({', '.join(rules)})"
        raise _Refusal(what)
    if len({e.digest for e in edits}) > 1:
        raise _Refusal(f"the fixes of {', '.join(rules)} were computed on different versions of the file")
    snap = _snapshot(root, path)
    digest = edits[0].digest
    if digest is None and snap.data is not None:
        raise _Refusal("exists now, but did not when it was scanned; run hflint again")
    if digest is not None and (snap.data is None or hashlib.sha256(snap.data).hexdigest() != digest):
        raise _Refusal("changed since hflint read it; run hflint again")
    if snap.mode is not None and not snap.mode & 0o200:
        raise _Refusal(f"is read-only (mode {snap.mode:04o}); hflint does not change read-only files")
    try:
        replacements = merge(e.replacements for e in edits)
    except Overlap:
        raise _Refusal(
            f"the fixes of {', '.join(rules)} change the same part of it, so it would change twice in one "
            "run: fix one of them by hand (or deselect it), then run hflint fix again"
        ) from None
    try:
        before = None if snap.data is None else snap.data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Refusal("is not UTF-8 text; hflint fix edits text files only") from None
    after = apply(before or "", replacements)
    return Change(path, before, after, snap, _applied(items), len({id(f) for f, _ in items}))


def _applied(items: list[tuple[Finding, Edit]]) -> tuple[Applied, ...]:
    """Each distinct fix once, with the rules it resolves (one rebuilt index serves five)."""
    rules: dict[str, set[str]] = {}
    for f, _ in items:
        assert f.fix is not None
        rules.setdefault(f.fix.description, set()).add(f.rule_id)
    return tuple(Applied(tuple(sorted(ids)), description) for description, ids in rules.items())


def write(plan: Plan) -> tuple[list[Change], list[NotWritten]]:
    """Write every change; (written, not written with why)."""
    done: list[Change] = []
    failed: list[NotWritten] = []
    for change in plan.changes:
        try:
            safefile.replace(plan.root, change.path, change.after.encode("utf-8"), change.snapshot)
        except safefile.Refused as exc:
            failed.append(NotWritten(change.path, exc.reason))
        except safefile.Changed:
            failed.append(NotWritten(change.path, "changed while hflint was writing it; it was not overwritten"))
        except OSError as exc:
            failed.append(NotWritten(change.path, f"cannot be written: {exc.strerror or exc}"))
        else:
            done.append(change)
    return done, failed


def unified_diff(change: Change, shown: str) -> Iterator[str]:
    """``change`` as a git-style unified diff of ``shown`` (the path as the user sees it)."""
    import difflib  # lazy: only --diff prints one

    before = (change.before or "").splitlines(keepends=True)
    after = change.after.splitlines(keepends=True)
    old = "/dev/null" if change.before is None else f"a/{shown}"
    for line in difflib.unified_diff(before, after, old, f"b/{shown}"):
        if line.endswith("\n"):
            yield line
        else:  # as git shows it: the line, then a marker that it has no final newline
            yield line + "\n\\ No newline at end of file\n"


def again(result: ScanResult, changed: set[str], unsafe: bool) -> list[Fix]:
    """Fixes a rescan still proposes for files this run changed: a fixer that is not done
    after one pass is a bug, reported instead of looping."""
    return [
        f.fix for f in result.reported
        if selected(f, unsafe) and f.fix is not None and any(e.path in changed for e in f.fix.edits)
    ]
