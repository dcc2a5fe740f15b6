"""Proposed edits: what a check kind proposes for one of its findings, as frozen data.

A check kind that finds a problem it can repair attaches a ``Fix`` to the finding; nothing
is written while scanning (files -> kinds -> findings -> decisions -> reporters). The fix
stage (hflint.fixes.apply) later selects fixes by safety, merges them per file and writes
each file once; SARIF carries them as ``fixes`` objects.

An ``Edit`` is replacements on one text file, as offsets into the text as the kind read it
(``Repo.text``: UTF-8, code points, so SARIF ``charOffset`` with ``columnKind:
unicodeCodePoints`` names the same places), with the SHA-256 of that text's bytes so that
nothing is written over a file that changed since it was read. An edit that creates a file
has no digest: the file must still be absent.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import NamedTuple

SAFE = "safe"
UNSAFE = "unsafe"
SAFETIES = (SAFE, UNSAFE)
# Over this many lines a rewrite is one replacement from the first to the last changed
# line: difflib's matcher is quadratic in the worst case, and a 100k-entry index must not
# stall the scan that proposes its rebuild.
MAX_DIFF_LINES = 20_000


class Replacement(NamedTuple):
    start: int  # offset in the original text, in code points
    end: int  # exclusive; == start for an insertion
    text: str


class Edit(NamedTuple):
    path: str  # repo-relative POSIX path
    replacements: tuple[Replacement, ...]
    digest: str | None  # sha256 of the file's bytes as read; None: the edit creates the file

    @property
    def creates(self) -> bool:
        return self.digest is None


class Fix(NamedTuple):
    """What a fix does (or, with no edits, why this finding cannot be fixed) and how safe
    it is: ``safe`` fixes are applied by ``hflint fix``, ``unsafe`` ones with ``--unsafe``."""

    description: str
    safety: str
    edits: tuple[Edit, ...] = ()

    @property
    def applicable(self) -> bool:
        return bool(self.edits)

    def moved(self, prefix: str) -> Fix:
        """The same fix with every path under ``prefix`` (reports of several folders)."""
        if not prefix:
            return self
        return self._replace(edits=tuple(e._replace(path=prefix + e.path) for e in self.edits))


def stricter(a: str, b: str) -> str:
    return UNSAFE if UNSAFE in (a, b) else SAFE


def digest(text: str) -> str:
    import hashlib  # lazy: only runs that propose fixes hash files

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create(path: str, content: str) -> Edit:
    return Edit(path, (Replacement(0, 0, content),), None)


def replace(path: str, text: str, replacements: Iterable[Replacement]) -> Edit:
    """Replacements on ``text``, the file ``path`` as read."""
    return Edit(path, tuple(sorted(replacements)), digest(text))


def _line_starts(lines: list[str]) -> list[int]:
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts


def rewrite(path: str, before: str, after: str) -> Edit:
    """The edit that turns ``before`` (the file as read) into ``after``, as replacements of
    whole lines where they differ, so that a reviewer (and SARIF) sees only what changed."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    starts = _line_starts(a)
    # Common first and last lines are trimmed in linear time before any matching.
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a_mid, b_mid = a[head : len(a) - tail], b[head : len(b) - tail]
    out: list[Replacement] = []
    if max(len(a_mid), len(b_mid)) > MAX_DIFF_LINES:
        if a_mid or b_mid:
            out.append(Replacement(starts[head], starts[len(a) - tail], "".join(b_mid)))
        return Edit(path, tuple(out), digest(before))
    import difflib  # lazy: only a rewrite with changes in the middle needs a matcher

    matcher = difflib.SequenceMatcher(None, a_mid, b_mid, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            out.append(Replacement(starts[head + i1], starts[head + i2], "".join(b_mid[j1:j2])))
    return Edit(path, tuple(out), digest(before))


class Overlap(ValueError):
    """Two replacements of one file touch the same text: the file would change twice."""


def merge(groups: Iterable[Iterable[Replacement]]) -> list[Replacement]:
    """The replacements of several edits of one file, as one sorted list: identical ones
    (two rules proposing the same change) are kept once; any other overlap, or two
    different insertions at one place, is an ``Overlap``."""
    unique = sorted({r for group in groups for r in group})
    for prev, cur in itertools.pairwise(unique):
        if cur.start < prev.end or (cur.start == prev.start and (prev.start == prev.end or cur.start == cur.end)):
            raise Overlap(f"characters {prev.start}-{prev.end} and {cur.start}-{cur.end}")
    return unique


def apply(text: str, replacements: Iterable[Replacement]) -> str:
    """``text`` with ``replacements`` (sorted, not overlapping: see ``merge``) applied."""
    parts: list[str] = []
    at = 0
    for r in replacements:
        parts += [text[at : r.start], r.text]
        at = r.end
    parts.append(text[at:])
    return "".join(parts)
