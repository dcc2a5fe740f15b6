"""Reporters: pure functions from a ScanResult (+ options) to text, picked from one table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hflint.engine import ScanResult
from hflint.reporters import github, json_, sarif, text


@dataclass(frozen=True)
class ReportOptions:
    color: bool = False
    show_suppressed: bool = False


Reporter = Callable[[ScanResult, ReportOptions], str]

REPORTERS: dict[str, Reporter] = {
    "text": lambda result, opts: text.render(result, color=opts.color, show_suppressed=opts.show_suppressed),
    "json": lambda result, opts: json_.render(result),
    "sarif": lambda result, opts: sarif.render(result, include_suppressed=opts.show_suppressed),
    "github": lambda result, opts: github.render(result),
}
