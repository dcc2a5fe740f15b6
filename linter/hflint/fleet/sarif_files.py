"""SARIF of a fleet scan: one run per repository, in files of at most 20 runs.

Each repository on the Hub is its own run, with its own ``%SRCROOT%`` (its files' URL at the
scanned commit) and its own ``automationDetails.id`` (``hflint/<target>/``: code scanning
takes the id as the run's category and refuses two runs of one tool in one category).
Local folders stay one run with paths relative to the working directory, as a single scan
writes them (they belong to the checkout being analysed).

GitHub code scanning accepts at most 20 runs per SARIF file. Up to 20 runs go to FILE as
named; more are split, in target order, into ``<stem>-001<suffix>``, ``<stem>-002<suffix>``
... beside it (``fleet.sarif`` -> ``fleet-001.sarif``, ``fleet-002.sarif``), each a complete
SARIF log, and FILE itself is not written. Numbered files of an earlier, larger run that
this run does not rewrite are removed, so a folder uploaded as a whole holds this run only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

MAX_RUNS_PER_FILE = 20  # GitHub code scanning's upload limit


class SarifSplitError(Exception):
    pass


def split_names(path: Path, runs: int) -> list[Path]:
    """The files ``runs`` runs are written to (see the module docs)."""
    if runs <= MAX_RUNS_PER_FILE:
        return [path]
    count = -(-runs // MAX_RUNS_PER_FILE)
    width = max(3, len(str(count)))
    return [path.with_name(f"{path.stem}-{i:0{width}d}{path.suffix}") for i in range(1, count + 1)]


def write(path: Path, runs: list[dict[str, Any]]) -> list[Path]:
    from hflint.reporters import sarif

    names = split_names(path, len(runs))
    for i, name in enumerate(names):
        chunk = runs[i * MAX_RUNS_PER_FILE : (i + 1) * MAX_RUNS_PER_FILE]
        name.write_text(sarif.log(chunk), encoding="utf-8")
    if len(names) > 1:
        _remove_stale(path, set(names))
    return names


def _remove_stale(path: Path, keep: set[Path]) -> None:
    numbered = re.compile(re.escape(path.stem) + r"-\d{3,}" + re.escape(path.suffix))
    folder = path.parent if str(path.parent) else Path()
    for other in folder.iterdir():
        if numbered.fullmatch(other.name) and other not in keep and other.is_file() and not other.is_symlink():
            other.unlink()
