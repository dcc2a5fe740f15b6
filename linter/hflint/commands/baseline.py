"""``hflint baseline write|update``: accept today's findings, then report only new ones."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from hflint.commands._options import add_config, add_selection, build_config
from hflint.exitcodes import CLEAN, ERROR

DESCRIPTION = (
    "write: scan the folder and record every finding in the baseline file with a reason "
    "(entries already there keep theirs). update: drop entries whose finding is gone. "
    "'hflint scan' then reports only findings that are not in the baseline."
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


def run(args: argparse.Namespace) -> int:
    from hflint.baseline import BASELINE_NAME, entry_for, load_baseline, render
    from hflint.config import ConfigError
    from hflint.engine import EXPIRED_SUPPRESSION_RULE, UNUSED_SUPPRESSION_RULE, scan
    from hflint.rulepack import PackError

    root = Path(args.path)
    if not root.is_dir():
        print(f"hflint: {args.path}: not a directory", file=sys.stderr)
        return ERROR
    target = Path(args.baseline) if args.baseline else root / BASELINE_NAME
    try:
        old = load_baseline(target).entries if target.is_file() else ()
        result = scan(root, build_config(args, root, Path.cwd()))
    except (ConfigError, PackError) as exc:
        print(f"hflint: {exc}", file=sys.stderr)
        return ERROR
    own = {UNUSED_SUPPRESSION_RULE, EXPIRED_SUPPRESSION_RULE}  # about suppressions themselves
    current = {f.fingerprint: f for f in result.reported if f.rule_id not in own}
    kept = [e for e in old if e.fingerprint in current]
    added = []
    if args.action == "write":
        known = {e.fingerprint for e in old}
        new = [f for fp, f in current.items() if fp not in known]
        if new and not args.reason:
            print(f"hflint: {len(new)} new finding(s) to record: --reason is required", file=sys.stderr)
            return ERROR
        added = [entry_for(f, args.reason, args.expires) for f in new]
    target.write_text(render([*kept, *added]), encoding="utf-8")
    print(f"{target}: {len(added)} added, {len(kept)} kept, {len(old) - len(kept)} removed (fixed)")
    return CLEAN
