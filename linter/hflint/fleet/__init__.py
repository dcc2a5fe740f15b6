"""Fleet scans: many repositories in one run (hflint.fleet.cli), on one machine or on Ray.

``scan_one`` is the public unit of work: one target in, one JSON-ready record out (the
record ``hflint scan --format jsonl`` writes; hflint.fleet.record documents it). It is what
hflint.ray_scan maps over a Ray Dataset, and what any other scheduler can call::

    from hflint.fleet import scan_one
    record = scan_one("hf://acme/model", ["--select", "HF3,HF4"])
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any


@functools.lru_cache(maxsize=16)
def _options(options: tuple[str, ...]) -> argparse.Namespace:
    from hflint.cli import build_parser

    args = build_parser("scan").parse_args(["scan", *options])
    args.format = "jsonl"  # a record is asked for (it says the repository's type)
    return args


def parse_options(options: Sequence[str]) -> argparse.Namespace:
    """``hflint scan`` options (``--select``, ``--isolated``, ``--retries``...) as a
    Namespace; ValueError for options that do not parse (argparse would exit)."""
    try:
        return _options(tuple(options))
    except SystemExit:
        raise ValueError(f"invalid hflint scan options: {' '.join(options)}") from None


def scan_one(target: str, options: Sequence[str] = (), *, cwd: Path | None = None) -> dict[str, Any]:
    """Scan one repository (``hf://...``) or folder and return its record. Never raises for
    what the target holds or what the Hub answers: that is the record's ``error``."""
    from hflint.fleet.record import Outcome, scan_target, to_record
    from hflint.fleet.targets import Target, is_remote

    args = parse_options(options)
    here = (cwd or Path.cwd()).resolve()
    if is_remote(target):
        from hflint.hub import HubOwner, parse

        try:
            parsed = parse(target)
        except ValueError as exc:
            return to_record(Outcome(Target(target, hub=target), None, error=f"cannot scan {exc}"))
        if isinstance(parsed, HubOwner):
            error = f"cannot scan {target}: an owner names many repositories; scan each (hflint.hub.list_owner)"
            return to_record(Outcome(Target(target, hub=target), None, error=error))
        return to_record(scan_target(Target(parsed.label, hub=parsed.label), args, here))
    folder = Path(target) if Path(target).is_absolute() else here / target
    return to_record(scan_target(Target(target, path=folder.resolve()), args, here))
