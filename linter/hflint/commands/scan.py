"""``hflint scan``: config -> engine -> reporters -> exit code."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

from hflint.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from hflint.config import Config, ConfigError, find_config, load_config
from hflint.finding import Severity
from hflint.rulepack import PackError


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


def run_scan(args: argparse.Namespace) -> int:
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
