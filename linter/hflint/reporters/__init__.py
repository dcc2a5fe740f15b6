"""Reporters: pure functions from a ScanResult (+ options) to text, picked from one table.

Each reporter module is imported when its format is asked for, not before: a text report
does not pay for the SARIF one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from hflint.engine import ScanResult


class ReportOptions(NamedTuple):
    color: bool = False
    show_suppressed: bool = False


Reporter = Callable[["ScanResult", ReportOptions], str]


def _text(result: ScanResult, opts: ReportOptions) -> str:
    from hflint.reporters import text

    return text.render(result, color=opts.color, show_suppressed=opts.show_suppressed)


def _json(result: ScanResult, opts: ReportOptions) -> str:
    from hflint.reporters import json_

    return json_.render(result)


def _sarif(result: ScanResult, opts: ReportOptions) -> str:
    from hflint.reporters import sarif

    return sarif.render(result, include_suppressed=opts.show_suppressed)


def _github(result: ScanResult, opts: ReportOptions) -> str:
    from hflint.reporters import github

    return github.render(result)


REPORTERS: dict[str, Reporter] = {"text": _text, "json": _json, "sarif": _sarif, "github": _github}
