"""Options shared by the commands that scan (scan, baseline): selection and config."""

from __future__ import annotations

import argparse
import dataclasses
import re
from pathlib import Path

from hflint.config import Config, find_config, load_config
from hflint.finding import Severity

_SELECTOR = re.compile(r"^(ALL|[A-Z]{1,8}[0-9]{0,3})$")


def _selectors(text: str) -> list[str]:
    items = [s.strip() for s in text.split(",") if s.strip()]
    for item in items:
        if not _SELECTOR.match(item):
            raise argparse.ArgumentTypeError(f"{item!r} is not a rule id, id prefix or ALL")
    return items


def add_selection(parser: argparse.ArgumentParser) -> None:
    sel = parser.add_argument_group("rule selection (CLI flags win over the config file)")
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


def add_config(group: argparse._ArgumentGroup) -> None:
    cfg = group.add_mutually_exclusive_group()
    cfg.add_argument(
        "--config",
        metavar="FILE",
        help="config file (default: the closest .hflint.yaml or [tool.hflint] in pyproject.toml "
        "from the scanned folder up to the working directory)",
    )
    cfg.add_argument(
        "--isolated", action="store_true", help="ignore config files; use when scanning a repo you did not write"
    )


def add_gate(parser: argparse.ArgumentParser, fail_on_help: str) -> None:
    """Exit status, config and baseline options: the same for every command that scans."""
    gate = parser.add_argument_group("exit status, configuration and baseline")
    gate.add_argument("--fail-on", choices=("error", "warning", "note", "none"), help=fail_on_help)
    gate.add_argument("--exit-zero", action="store_true", help="same as --fail-on none")
    add_config(gate)
    base = gate.add_mutually_exclusive_group()
    base.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only findings not in this baseline (default: .hflint-baseline.json in the folder, if any)",
    )
    base.add_argument("--no-baseline", action="store_true", help="ignore any baseline file")


def build_config(args: argparse.Namespace, root: Path, cwd: Path) -> Config:
    if args.isolated:
        config = Config(isolated=True)
    elif args.config:
        config = load_config(Path(args.config))
    else:
        found = find_config(root, stop=cwd)
        config = load_config(found, contained=True) if found else Config()
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
    if getattr(args, "exit_zero", False):
        changes["fail_on"] = None
    elif getattr(args, "fail_on", None):
        changes["fail_on"] = None if args.fail_on == "none" else Severity.parse(args.fail_on)
    return dataclasses.replace(config, **changes)  # type: ignore[arg-type]
