"""Analyse one repository file for pickle content: the entry point the check kinds share."""

from __future__ import annotations

import os

from hflint.pickles import sniff as fmt
from hflint.pickles.readers import Budget, Limits, Unreadable, Window
from hflint.pickles.report import FileReport, Problem
from hflint.repo import Repo


def analyse(repo: Repo, rel: str, limits: Limits) -> FileReport:
    """What ``rel`` holds; reads its first bytes and, for pickle-capable content, its pickles."""
    report = FileReport()
    budget = Budget(limits)
    with repo.open(rel) as fh:
        size = fh.seek(0, os.SEEK_END)  # not fstat: a file on the Hub has no descriptor
        fh.seek(0)
        win = Window(fh, 0, size, budget)
        head = win.read(fmt.HEAD)
        kind = fmt.sniff(head)
        if kind is not None and kind not in fmt.PICKLE_CAPABLE:
            report.format = kind
            return report
        if kind is None and not fmt.maybe_headerless_pickle(head):
            report.format = None
            return report
        # lazy: the analysers are imported only for content that may hold a pickle
        from hflint.pickles.containers import Analyser

        analyser = Analyser(report, budget)
        if kind is None and not analyser.probe(head):
            report.format = None
            return report
        report.format = kind or fmt.PICKLE
        win.seek(0)
        try:
            analyser.source(win, "", 0, kind, head)
        except Unreadable as exc:  # a LimitHit on nesting, raised before dispatch
            report.problems.append(Problem("/", exc.reason))
    return report
