"""Analyse one repository file for pickle content: the one reader the pickle rules (HF401-
HF405) and the weights rules (tensor names of .bin shards) share.

The file is identified by content (hflint.identify), each pickle stream is walked once by
hflint.pickles.opcodes, and the walk yields both views: the imports and problems the
security rules vet, and the state-dict view of a torch checkpoint (hflint.pickles.checkpoint)
the weights rules read. fickling's second opinion on the same bytes runs only when a
security rule asks (``vetted``). One report per file and limits is cached on the Repo.
"""

from __future__ import annotations

import functools
import os
import weakref
from typing import TYPE_CHECKING

from hflint import identify as fmt
from hflint.pickles.readers import Budget, Clock, Exhausted, Limits, Unreadable, Window
from hflint.pickles.report import FileReport
from hflint.repo import CannotAnalyse, Repo

if TYPE_CHECKING:
    from hflint.pickles import zipread
    from hflint.pickles.checkpoint import NoStateDict, StateDictInfo
    from hflint.pickles.containers import Analyser


# Stream bytes a scan may hold for fickling across all cached reports; past it, a report's
# second opinion runs at once (a weights-only scan then imports fickling, but stays bounded).
MAX_HELD_BYTES = 64 << 20
_held: weakref.WeakKeyDictionary[Repo, int] = weakref.WeakKeyDictionary()


def cached(repo: Repo, rel: str, limits: Limits) -> FileReport:
    """The shared analysis of ``rel`` (one per file and limits, for every rule)."""

    def run() -> FileReport:
        report = analyse(repo, rel, limits)
        held = _held.get(repo, 0) + report.pending_bytes
        if held > MAX_HELD_BYTES:
            held -= report.pending_bytes
            _vet(report, limits)
        _held[repo] = held
        return report

    return repo.cached(rel, _key(limits), run)


@functools.lru_cache(maxsize=64)
def _key(limits: Limits) -> str:
    """The cache key of an analysis under ``limits`` (their repr, built once per Limits: a
    dataclass repr per file and rule was a tenth of a 6,000-file scan's sniffing)."""
    return f"pickle:{limits!r}"


def vetted(repo: Repo, rel: str, limits: Limits) -> FileReport:
    """The shared analysis, with fickling's second opinion on every stream taken in."""
    report = cached(repo, rel, limits)
    if report.pending:
        _vet(report, limits)
    return report


def _vet(report: FileReport, limits: Limits) -> None:
    from hflint.pickles import second_opinion  # lazy: fickling loads when a stream needs it

    second_opinion.vet(report, limits)


def analyse(repo: Repo, rel: str, limits: Limits, clock: Clock | None = None) -> FileReport:
    """What ``rel`` holds; reads its first bytes and, for pickle-capable content, its pickles.
    ``clock`` (time.monotonic by default) measures the file's wall-clock budget."""
    report = FileReport()
    report.opinions = repo.result_cache
    budget = Budget(limits, clock)
    report.budget = budget
    try:
        _analyse(repo, rel, report, budget)
    finally:
        budget.close()
        report.members = budget.members
    return report


def _analyse(repo: Repo, rel: str, report: FileReport, budget: Budget) -> None:
    with repo.open(rel) as fh:
        size = fh.seek(0, os.SEEK_END)  # not fstat: a file on the Hub has no descriptor
        fh.seek(0)
        win = Window(fh, 0, size, budget)
        head = win.read(fmt.HEAD)
        probe = _FileProbe(repo, rel, win, budget)
        identity = fmt.identify(head, size, probe)
        report.format = identity.format
        kind = identity.format
        headerless = kind is None and fmt.maybe_headerless_pickle(head)
        if kind in fmt.PICKLE_CAPABLE or headerless:
            # lazy: the analysers are imported only for content that may hold a pickle
            from hflint.pickles.containers import Analyser

            analyser = Analyser(report, budget, probe.archive)
            if kind is None:
                win.seek(0)
                if not analyser.probe(head, win):
                    return
            report.format = kind or fmt.PICKLE
            _run(analyser, win, kind, head)
            report.state_dict = _state_dict(report, analyser)
        shadows = list(identity.shadows)
        if kind not in fmt.PICKLE_CAPABLE and not headerless and fmt.maybe_headerless_pickle(head):
            shadows.append("")  # a validated format whose first byte also starts a protocol 0/1 pickle
        for shadow in shadows:
            _polyglot(report, budget, win, shadow or None, head)


def _run(analyser: Analyser, win: Window, kind: str | None, head: bytes) -> None:
    win.seek(0)
    try:
        analyser.source(win, "", 0, kind, head)
    except Exhausted as exc:  # a bound of the file: recorded where it was hit, the walk ends
        if not exc.recorded:
            analyser.problem("", exc.reason, exc.offset, exc.cls)
    except Unreadable as exc:  # a LimitHit on nesting, raised before dispatch
        analyser.problem("", exc.reason, exc.offset)


def _polyglot(report: FileReport, budget: Budget, win: Window, kind: str | None, head: bytes) -> None:
    """Read the file as another format its first bytes also match, as a loader trusting
    magic would; keep what that finds only when it imports code (a polyglot file)."""
    from hflint.pickles.containers import Analyser

    other = FileReport()
    analyser = Analyser(other, budget)
    # A shadow is probed on the first bytes only: the file is a valid instance of its own
    # format, whose data may hold no newline for gigabytes (a zero-filled safetensors shard
    # whose length byte reads as PERSID), and reading it through is what the format's
    # header exists to avoid. The primary probe of headerless content walks it whole.
    if kind is None and not analyser.probe(head):
        return
    _run(analyser, win, kind, head)
    if other.imports_code:
        report.absorb(other, kind or fmt.PICKLE)


def _state_dict(report: FileReport, analyser: Analyser) -> StateDictInfo | NoStateDict:
    """The state-dict view of a torch checkpoint, or why there is none."""
    from hflint.pickles.checkpoint import NoStateDict, not_checkpoint, view

    if report.format == fmt.ZIP:
        members = analyser.torch_objects
        if analyser.archive is None and not members and report.problems:  # the directory is broken
            return NoStateDict(report.problems[0].reason, from_problem=True)
        if len(members) != 1:
            return NoStateDict(f"zip archive has {len(members)} '<archive>/data.pkl' members, not 1")
        where = members[0]
    elif report.format == fmt.PICKLE:
        where = ""
    else:
        return not_checkpoint(report.format)
    if where not in analyser.loaded:  # the walk broke off: an HF403 problem says where
        related = [p.reason for p in report.problems if p.where.startswith(where)]
        return NoStateDict((related or [p.reason for p in report.problems] or ["the pickle was not read"])[0],
                           from_problem=bool(report.problems))
    if report.format == fmt.PICKLE and "torch-legacy" not in report.kinds:
        return NoStateDict("not a torch checkpoint: a pickle without torch's magic number")
    return view(analyser.loaded[where])


class _FileProbe:
    """hflint.identify's Probe over a repository file; the zip directory it reads is kept
    for the analysis, and the safetensors header is the one the weights rules parse (cached)."""

    def __init__(self, repo: Repo, rel: str, win: Window, budget: Budget) -> None:
        self.repo, self.rel, self.win, self.budget = repo, rel, win, budget
        self.archive: zipread.Archive | None = None

    def safetensors(self, length: int) -> bool | None:
        from hflint.weights.readers import safetensors_header
        from hflint.weights.safetensors_spec import HUB_MAX_HEADER_SIZE

        if length > HUB_MAX_HEADER_SIZE:
            return None
        try:
            return safetensors_header(self.repo, self.rel).tensors is not None
        except CannotAnalyse:
            return False

    def zip_directory(self) -> bool:
        from hflint.pickles import zipread

        try:
            self.archive = zipread.read_directory(self.win, self.budget)
        except Unreadable:
            return False
        return True
