"""``hflint fix``: scan, apply the fixes rules propose, rescan and report what remains.

folders -> scan with fixes (each finding of a rule that has a fix carries its edit) ->
hflint.fixes.apply (select by safety, merge per file, write atomically or print a diff) ->
rescan -> report. One pass: a fix still proposed for a file this run changed is an error,
never a second round.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from hflint.commands._options import add_gate, add_selection

if TYPE_CHECKING:
    from hflint.engine import ScanResult
    from hflint.fixes.apply import Plan

DESCRIPTION = (
    "Repair what the rules can prove, then scan again and report what remains. Safe fixes are "
    "applied by default (a shard index rebuilt from its shards' headers, a license id in the "
    "Hub's spelling); --unsafe also applies those that add content a person should review "
    "(a model card from huggingface_hub's template, empty card sections). Weight files and "
    "review records are never written; every write is atomic, keeps the file's mode, never "
    "follows a link and leaves read-only files alone."
)
EPILOG = """\
examples:
  hflint fix                          fix the current folder, then report what remains
  hflint fix ./my-model --diff        show what would change (exit 1 if anything would)
  hflint fix ./my-model --unsafe      also apply unsafe fixes (card from the template...)
  hflint fix . --select HF3           only the fixes of the weights rules
  hflint scan . --fix                 the same as hflint fix .

exit codes: 0 nothing at or above --fail-on remains (--diff: nothing would change),
            1 findings at or above it remain (--diff: something would change;
              --exit-non-zero-on-fix: a file was changed),
            2 usage or config error, or a file that could not be fixed (its message says why)
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="folders or files (default: .)")
    fixing = parser.add_argument_group("fixing")
    fixing.add_argument("--diff", action="store_true", help="print a unified diff of the fixes and change nothing")
    fixing.add_argument("--unsafe", action="store_true", help="also apply fixes the packs mark unsafe")
    fixing.add_argument(
        "--exit-non-zero-on-fix", action="store_true", help="exit 1 when a file was changed, even if nothing remains"
    )
    fixing.add_argument(
        "--pre-commit",
        action="store_true",
        help="for the pre-commit hook: staged files outside any model folder are skipped",
    )
    out = parser.add_argument_group("report of what remains")
    out.add_argument(
        "--format", choices=("text", "json", "sarif", "github"), default="text", help="report format (default: text)"
    )
    out.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="colour the text report (auto: a terminal)"
    )
    add_selection(parser)
    add_gate(parser, "lowest severity left after fixing that makes the exit status 1 (default: error)")


class _Target(NamedTuple):
    folder: Path
    prefix: str  # the folder relative to the working directory, for paths shown


def _targets(args: argparse.Namespace, cwd: Path) -> list[_Target]:
    from hflint.fleet.targets import is_remote
    from hflint.merge import prefix_of
    from hflint.targets import expand

    texts = list(args.paths or ["."])
    remote = [t for t in texts if is_remote(t)]
    if remote:
        raise ValueError(f"{remote[0]}: hflint fix changes files in folders; a Hub repository is scanned, not fixed")
    missing = [t for t in texts if not Path(t).exists()]
    if missing:
        raise ValueError(f"no such file or directory: {', '.join(missing)}")
    folders = expand(texts, cwd, skip_outside=bool(getattr(args, "pre_commit", False)))
    return [_Target(f, prefix_of(f, cwd, len(folders) == 1)) for f in folders]


def _scan(args: argparse.Namespace, folder: Path, cwd: Path) -> ScanResult:
    from hflint.commands._options import build_config
    from hflint.commands.scan import baseline_for
    from hflint.engine import scan
    from hflint.repo import Repo

    config = build_config(args, folder, cwd)
    repo = Repo(folder, config.exclude, trust_records=not config.isolated)
    return scan(folder, config, baseline=baseline_for(args, folder), repo=repo, fixes=True)


def _safe(text: str) -> str:
    from hflint.reporters.text import _safe as escape

    return escape(text)


def _diff_line(line: str) -> str:
    # A scanned file's bytes reach the terminal: control characters are escaped (a tab, the
    # line's own break and a CR before it stay, so ordinary diffs are untouched).
    body, end = (line[:-2], "\r\n") if line.endswith("\r\n") else (line[:-1], "\n")
    return _safe(body).replace("\\t", "\t") + end


def run(args: argparse.Namespace) -> int:
    from hflint.config import ConfigError
    from hflint.exitcodes import ERROR
    from hflint.fleet.record import config_error
    from hflint.rulepack import PackError

    cwd = Path.cwd()
    try:
        targets = _targets(args, cwd)
        plans = [(t, _plan(args, t, cwd)) for t in targets]
    except ValueError as exc:
        print(f"hflint: {exc}", file=sys.stderr)
        return ERROR
    except (ConfigError, PackError) as exc:
        print(f"hflint: {config_error(exc)}", file=sys.stderr)
        return ERROR
    if getattr(args, "diff", False):
        return _show_diff(plans, bool(getattr(args, "unsafe", False)))
    return _apply(args, plans, cwd)


def _plan(args: argparse.Namespace, target: _Target, cwd: Path) -> Plan:
    from hflint.fixes.apply import plan

    return plan(_scan(args, target.folder, cwd), unsafe=bool(getattr(args, "unsafe", False)))


def _problems(plans: list[tuple[_Target, Plan]]) -> int:
    count = 0
    for target, p in plans:
        for problem in p.problems:
            print(f"hflint: cannot fix {_safe(target.prefix + problem.path)}: {_safe(problem.reason)}", file=sys.stderr)
            count += 1
    return count


def _not_fixed(target: _Target, p: Plan) -> list[str]:
    """One line per finding whose rule has a fix that cannot be made here, with why."""
    lines = []
    for f in p.unfixable:
        assert f.fix is not None
        lines.append(f"{_safe(target.prefix + f.path)}: not fixed {f.rule_id}: {_safe(f.fix.description)}")
    return lines


def _hint(plans: list[tuple[_Target, Plan]], unsafe: bool) -> str:
    skipped = sum(len(p.unsafe) for _, p in plans)
    return f"; the fixes of {skipped} more need --unsafe" if skipped and not unsafe else ""


def _show_diff(plans: list[tuple[_Target, Plan]], unsafe: bool) -> int:
    from hflint.exitcodes import CLEAN, ERROR, FINDINGS
    from hflint.fixes.apply import unified_diff

    for target, p in plans:
        for change in p.changes:
            for line in unified_diff(change, target.prefix + change.path):
                sys.stdout.write(_diff_line(line))
    sys.stdout.flush()
    problems = _problems(plans)
    for target, p in plans:
        for line in _not_fixed(target, p):
            print(line, file=sys.stderr)
    changes = [c for _, p in plans for c in p.changes]
    fixed = sum(c.findings for c in changes)
    print(
        f"hflint: would fix {fixed} finding{'s' if fixed != 1 else ''} in {len(changes)} "
        f"file{'s' if len(changes) != 1 else ''}{_hint(plans, unsafe)}",
        file=sys.stderr,
    )
    return ERROR if problems else FINDINGS if changes else CLEAN


def _apply(args: argparse.Namespace, plans: list[tuple[_Target, Plan]], cwd: Path) -> int:
    from hflint.exitcodes import CLEAN, ERROR, FINDINGS
    from hflint.fixes.apply import again, write
    from hflint.merge import merge
    from hflint.reporters.common import failing

    unsafe = bool(getattr(args, "unsafe", False))
    problems = _problems(plans)
    results: list[tuple[Path | str, ScanResult]] = []
    changed_any = False
    for target, p in plans:
        done, failed = write(p)
        for change in done:
            shown = _safe(target.prefix + change.path)
            for applied in change.applied:
                print(f"{shown}: fixed {', '.join(applied.rules)}: {_safe(applied.description)}")
        for nw in failed:
            print(f"hflint: cannot fix {_safe(target.prefix + nw.path)}: {_safe(nw.reason)}", file=sys.stderr)
        problems += len(failed)
        for line in _not_fixed(target, p):
            print(line)
        changed_any = changed_any or bool(done)
        result = _scan(args, target.folder, cwd)
        for fix in again(result, {c.path for c in done}, unsafe):
            print(f"hflint: internal error: after fixing, {_safe(fix.description)} is still proposed for "
                  f"{_safe(target.prefix + fix.edits[0].path)}; hflint does not fix a file twice in one run "
                  "(please report this)", file=sys.stderr)
            problems += 1
        results.append((target.folder, result))
    remaining = merge(results, cwd)
    _report(args, remaining)
    if problems:
        return ERROR
    if failing(remaining) or (changed_any and getattr(args, "exit_non_zero_on_fix", False)):
        return FINDINGS
    return CLEAN


def _report(args: argparse.Namespace, result: ScanResult) -> None:
    import os

    from hflint.reporters import REPORTERS, ReportOptions

    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    sys.stdout.write(REPORTERS[getattr(args, "format", "text")](result, ReportOptions(color=color)))
    sys.stdout.flush()
