"""``hflint scan``: config -> engine -> reporters -> exit code."""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys
from pathlib import Path

from hflint.config import Config, ConfigError, find_config, load_config
from hflint.exitcodes import CLEAN as EXIT_CLEAN
from hflint.exitcodes import ERROR as EXIT_ERROR
from hflint.exitcodes import FINDINGS as EXIT_FINDINGS
from hflint.finding import Severity
from hflint.rulepack import PackError

FORMATS = ("text", "json", "sarif", "github")
_SELECTOR = re.compile(r"^(ALL|[A-Z]{1,8}[0-9]{0,3})$")
HELP = "scan a model repository folder"
DESCRIPTION = "Scan a local model repository and report findings."
EPILOG = """\
examples:
  hflint scan                            scan the current folder
  hflint scan ./my-model --fail-on warning
  hflint scan . --format sarif --output hflint.sarif
  hflint scan . --select HF3,HF4 --ignore HF404
  hflint scan ~/Downloads/some-model --isolated   # ignore the repo's own .hflint.yaml

exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
            2 usage, config or rule-pack error (or an internal error)
"""


def _selectors(text: str) -> list[str]:
    items = [s.strip() for s in text.split(",") if s.strip()]
    for item in items:
        if not _SELECTOR.match(item):
            raise argparse.ArgumentTypeError(f"{item!r} is not a rule id, id prefix or ALL")
    return items


def configure(scan: argparse.ArgumentParser) -> None:
    scan.add_argument("path", nargs="?", default=".", help="repository folder (default: .)")
    out = scan.add_argument_group("output")
    out.add_argument(
        "--format",
        "--output-format",
        dest="format",
        choices=FORMATS,
        default="text",
        help="report format on stdout (default: text)",
    )
    out.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    out.add_argument("--sarif-output", metavar="FILE", help="also write SARIF 2.1.0 to FILE")
    out.add_argument("--json-output", metavar="FILE", help="also write JSON to FILE")
    out.add_argument(
        "--show-suppressed", action="store_true", help="include findings suppressed by per-path-ignores (text, SARIF)"
    )
    out.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour text output (auto: only on a terminal, never when NO_COLOR is set)",
    )
    sel = scan.add_argument_group("rule selection (CLI flags win over the config file)")
    sel.add_argument(
        "--select",
        type=_selectors,
        metavar="IDS",
        help="comma-separated ids or prefixes to run instead of the config's (e.g. HF3,HF401)",
    )
    sel.add_argument(
        "--extend-select", type=_selectors, metavar="IDS", default=[], help="ids or prefixes to run in addition"
    )
    sel.add_argument(
        "--ignore",
        type=_selectors,
        metavar="IDS",
        default=[],
        help="ids or prefixes to skip (the longest matching prefix wins)",
    )
    sel.add_argument("--rules", action="append", default=[], metavar="PACK", help="extra rule pack (YAML); repeatable")
    sel.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="paths to leave out of the scan; repeatable"
    )
    gate = scan.add_argument_group("exit status and configuration")
    gate.add_argument(
        "--fail-on",
        choices=("error", "warning", "note", "none"),
        help="lowest severity that makes the exit status 1 (default: error)",
    )
    gate.add_argument("--exit-zero", action="store_true", help="same as --fail-on none")
    cfg = gate.add_mutually_exclusive_group()
    cfg.add_argument(
        "--config",
        metavar="FILE",
        help="config file (default: .hflint.yaml or [tool.hflint] in pyproject.toml at PATH)",
    )
    cfg.add_argument(
        "--isolated", action="store_true", help="ignore config files; use when scanning a repo you did not write"
    )


def _config(args: argparse.Namespace, root: Path) -> Config:
    if args.isolated:
        config = Config()
    elif args.config:
        config = load_config(Path(args.config))
    else:
        found = find_config(root)
        config = load_config(found) if found else Config()
    changes: dict[str, object] = {}
    if args.select is not None:
        changes["select"], changes["extend_select"] = tuple(args.select), ()
    if args.extend_select:
        changes["extend_select"] = (*changes.get("extend_select", config.extend_select), *args.extend_select)  # type: ignore[misc]
    if args.ignore:
        changes["ignore"] = (*config.ignore, *args.ignore)
    if args.rules:
        changes["rules"] = (*config.rules, *(Path(p) for p in args.rules))
    if args.exclude:
        changes["exclude"] = (*config.exclude, *args.exclude)
    if args.exit_zero:
        changes["fail_on"] = None
    elif args.fail_on:
        changes["fail_on"] = None if args.fail_on == "none" else Severity.parse(args.fail_on)
    return dataclasses.replace(config, **changes)  # type: ignore[arg-type]


def _use_color(args: argparse.Namespace) -> bool:
    if args.color != "auto":
        return bool(args.color == "always")
    return not args.output and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _path_prefix(root: Path) -> str:
    """The scanned folder relative to the working directory, when it is inside it."""
    try:
        rel = root.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return ""
    return "" if rel == Path() else rel.as_posix() + "/"


def _write(path: str, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    from hflint.engine import scan
    from hflint.reporters import REPORTERS, ReportOptions, github
    from hflint.reporters.common import failing

    root = Path(args.path)
    if not root.is_dir():
        print(f"hflint: {args.path}: not a directory", file=sys.stderr)
        return EXIT_ERROR
    try:
        config = _config(args, root)
        result = scan(root, config)
    except (ConfigError, PackError) as exc:
        kind = "config" if isinstance(exc, ConfigError) else "rule pack"
        print(f"hflint: {kind} error:\n{exc}", file=sys.stderr)
        return EXIT_ERROR

    options = ReportOptions(
        color=_use_color(args), show_suppressed=args.show_suppressed, path_prefix=_path_prefix(root)
    )
    report = REPORTERS[args.format](result, options)
    try:
        if args.output:
            _write(args.output, report)
        else:
            sys.stdout.write(report)
            sys.stdout.flush()
        if args.sarif_output:
            _write(args.sarif_output, REPORTERS["sarif"](result, options))
        if args.json_output:
            _write(args.json_output, REPORTERS["json"](result, options))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if args.format == "github" and summary:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(github.summary_markdown(result, path_prefix=options.path_prefix))
    except OSError as exc:
        print(f"hflint: cannot write report: {exc}", file=sys.stderr)
        return EXIT_ERROR
    for index in result.unused_ignores:
        entry = config.per_path_ignores[index]
        print(
            f"hflint: warning: per-path-ignores entry {index} ({', '.join(entry.paths)}: "
            f"{', '.join(entry.rules)}) matched no finding",
            file=sys.stderr,
        )
    return EXIT_FINDINGS if failing(result) else EXIT_CLEAN
