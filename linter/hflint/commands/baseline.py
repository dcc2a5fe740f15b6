"""``hflint baseline write|update``: accept today's findings, then report only new ones."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from hflint.commands._options import add_config, add_selection, build_config
from hflint.exitcodes import CLEAN, ERROR

if TYPE_CHECKING:
    from hflint.baseline import Entry
    from hflint.finding import Finding

DESCRIPTION = (
    "write: scan the folder and record every finding in the baseline file with a reason "
    "(entries already there keep theirs). update: drop entries whose finding is gone "
    "(entries of rules this run did not select are kept), and re-key entries written before a "
    "fingerprint migration (docs/fingerprints.md). "
    "'hflint scan' then reports only findings that are not in the baseline. The file is never "
    "written through a symlink, is replaced atomically, and concurrent runs keep each other's entries."
)
EPILOG = """\
examples:
  hflint baseline write . --reason "legacy checkpoints, conversion tracked in #42"
  hflint baseline write . --reason "waiver for the 1.x release" --expires 2027-03-31
  hflint baseline update .
"""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("write", "update"))
    parser.add_argument("path", nargs="?", default=".", help="model folder (default: .)")
    parser.add_argument("--baseline", metavar="FILE", help="baseline file (default: PATH/.hflint-baseline.json)")
    parser.add_argument("--reason", help="why these findings are accepted (required when entries are added)")
    parser.add_argument("--expires", type=_date, metavar="YYYY-MM-DD", help="date after which new entries expire")
    add_selection(parser)
    add_config(parser.add_argument_group("configuration"))


class _NotWritten(Exception):
    pass


def _rekeyed(entry: Entry, finding: Finding) -> Entry:
    if entry.fingerprint == finding.fingerprint:
        return entry
    return replace(
        entry, fingerprint=finding.fingerprint, rule=finding.rule_id, pointer=finding.pointer, message=finding.message
    )


def run(args: argparse.Namespace) -> int:
    from hflint import safefile
    from hflint.baseline import BASELINE_NAME, VERSION, Baseline, BaselineError, entry_for, load_baseline, match, render
    from hflint.config import ConfigError
    from hflint.engine import EXPIRED_SUPPRESSION_RULE, UNUSED_SUPPRESSION_RULE, scan
    from hflint.rulepack import PackError

    root = Path(args.path)
    if not root.is_dir():
        print(f"hflint: {args.path}: not a directory", file=sys.stderr)
        return ERROR
    # Written through hflint.safefile: never through a link, atomically, and merged under a
    # lock with the file as it is at that moment, so a concurrent run's entries are kept.
    target = Path(args.baseline) if args.baseline else root / BASELINE_NAME

    def loaded(data: bytes | None) -> Baseline | None:
        return None if data is None else load_baseline(target, data)

    try:
        before = safefile.snapshot(target.parent, target.name)  # refused before a long scan
    except OSError as exc:
        return safefile.not_written(target, exc)
    try:
        loaded(before.data)  # a broken baseline, too
        result = scan(root, build_config(args, root, Path.cwd()))
    except (ConfigError, PackError) as exc:
        print(f"hflint: {exc}", file=sys.stderr)
        return ERROR
    own = {UNUSED_SUPPRESSION_RULE, EXPIRED_SUPPRESSION_RULE}  # about suppressions themselves
    current = list({f.fingerprint: f for f in result.reported if f.rule_id not in own}.values())
    ran = {r.id for r in result.rules}
    counts: list[int] = []

    def change(data: bytes | None) -> bytes:
        baseline = loaded(data)
        old = baseline.entries if baseline else ()
        hits = match(old, current, baseline.version if baseline else VERSION)
        # An entry matched through a migration (a reworded message, or a version 1 entry that
        # accepted every repeat of its key) is carried over under each finding's fingerprint
        # and message today, with its reason and expiry: one entry per finding.
        carried = {current[i].fingerprint: _rekeyed(e, current[i]) for i, e in hits.items()}
        matched = {id(e) for e in hits.values()}
        # Only entries this run could judge are dropped: a rule it did not run (another
        # --select) says nothing about whether their findings are gone.
        kept = [*carried.values(), *(e for e in old if id(e) not in matched and e.rule not in ran)]
        new = [f for i, f in enumerate(current) if i not in hits] if args.action == "write" else []
        if new and not args.reason:
            raise _NotWritten(f"{len(new)} new finding(s) to record: --reason is required")
        added = [entry_for(f, args.reason, args.expires) for f in new]
        removed = sum(1 for e in old if id(e) not in matched and e.rule in ran)
        counts[:] = [len(added), len(kept), removed]
        out = render([*kept, *added]).encode("utf-8")
        try:  # never write a baseline that scans would then refuse (e.g. an empty --reason)
            load_baseline(target, out)
        except BaselineError as exc:
            raise _NotWritten(f"not written, the result would not be a valid baseline:\n{exc}") from None
        return out

    try:
        safefile.update(target.parent, target.name, change)
    except (ConfigError, _NotWritten) as exc:
        print(f"hflint: {exc}", file=sys.stderr)
        return ERROR
    except (OSError, safefile.Changed) as exc:
        return safefile.not_written(target, exc)
    print(f"{target}: {counts[0]} added, {counts[1]} kept, {counts[2]} removed (fixed)")
    return CLEAN
