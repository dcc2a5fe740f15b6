"""Command line: ``hflint scan``, ``hflint rules``. Exit codes: 0 clean, 1 findings at or
above --fail-on, 2 usage, config or rule-pack error, or an internal error.

Heavy libraries (yaml, jsonschema, huggingface_hub, fickling) are imported inside the
commands, so ``hflint --version`` and argument errors stay at interpreter start-up cost.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence

from hflint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github")
_SELECTOR = re.compile(r"^(ALL|[A-Z]{1,8}[0-9]{0,3})$")

SCAN_EPILOG = """\
examples:
  hflint scan                            scan the current folder
  hflint scan ./my-model --fail-on warning
  hflint scan . --format sarif --output hflint.sarif
  hflint scan . --select HF3,HF4 --ignore HF404
  hflint scan ~/Downloads/some-model --isolated   # ignore the repo's own .hflint.yaml

exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
            2 usage, config or rule-pack error (or an internal error)
"""

RULES_EPILOG = """\
examples:
  hflint rules                 list every rule (id, name, severity, pack, status)
  hflint rules HF306           the full documentation of one rule
  hflint rules check org.yaml  validate rule packs (exit 2 on any problem)
"""


def _selectors(text: str) -> list[str]:
    items = [s.strip() for s in text.split(",") if s.strip()]
    for item in items:
        if not _SELECTOR.match(item):
            raise argparse.ArgumentTypeError(f"{item!r} is not a rule id, id prefix or ALL")
    return items


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hflint",
        description="Compliance and security linter for Hugging Face model repositories.",
    )
    parser.add_argument("--version", action="version", version=f"hflint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = sub.add_parser(
        "scan",
        help="scan a model repository folder",
        description="Scan a local model repository and report findings.",
        epilog=SCAN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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

    rules = sub.add_parser(
        "rules",
        help="list rules, show one rule's docs, or check rule packs",
        description="List rules, show a rule's documentation, or validate rule packs.",
        epilog=RULES_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rules.add_argument(
        "args", nargs="*", metavar="ID | check PACK...", help="rule ids to document, or 'check' followed by pack files"
    )
    rules.add_argument(
        "--rules", action="append", default=[], metavar="PACK", help="also load this pack when listing; repeatable"
    )
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 for --help/--version
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    try:
        if args.command == "scan":
            from hflint.commands.scan import run_scan

            return run_scan(args)
        from hflint.commands.rules import run_rules

        return run_rules(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # the contract is exit 2 with a readable message, not a traceback
        print(f"hflint: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if os.environ.get("HFLINT_DEBUG"):
            raise
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
