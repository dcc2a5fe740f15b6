"""``hflint rules``: list the catalogue, document one rule, or validate packs."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from hflint.exitcodes import CLEAN as EXIT_CLEAN
from hflint.exitcodes import ERROR as EXIT_ERROR
from hflint.rule import Rule
from hflint.ruledoc import rule_markdown
from hflint.rulepack import PackError, load_packs

DESCRIPTION = "List rules, show a rule's documentation, or validate rule packs."
EPILOG = """\
examples:
  hflint rules                 list every rule (id, name, severity, pack, status)
  hflint rules HF306           the full documentation of one rule
  hflint rules check org.yaml  validate rule packs (exit 2 on any problem)
"""


def configure(rules: argparse.ArgumentParser) -> None:
    rules.add_argument(
        "args", nargs="*", metavar="ID | check PACK...", help="rule ids to document, or 'check' followed by pack files"
    )
    rules.add_argument(
        "--rules", action="append", default=[], metavar="PACK", help="also load this pack when listing; repeatable"
    )
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")


def _status(rule: Rule) -> str:
    return "active" if rule.active else "not yet active"


def _check(paths: list[str]) -> int:
    if not paths:
        print("hflint: rules check needs at least one pack file", file=sys.stderr)
        return EXIT_ERROR
    try:
        packs = load_packs([Path(p) for p in paths], verify_builtin=True)
    except PackError as exc:
        print(f"hflint: {len(exc.problems)} problem(s) in rule packs:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_ERROR
    for pack in packs[-len(paths) :]:
        print(f"{pack.source}: ok ({len(pack.rules)} rules, pack {pack.name!r})")
    return EXIT_CLEAN


def run(args: argparse.Namespace) -> int:
    if args.args[:1] == ["check"]:
        return _check(args.args[1:])
    try:
        rules = [r for p in load_packs([Path(p) for p in args.rules]) for r in p.rules]
    except PackError as exc:
        print(f"hflint: rule pack error:\n{exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.args:
        by_id = {r.id: r for r in rules}
        unknown = [a for a in args.args if a not in by_id]
        if unknown:
            hint = (
                ""
                if all(re.match(r"^[A-Z]+\d{3}$", u) for u in unknown)
                else " (to validate packs: hflint rules check PACK...)"
            )
            print(f"hflint: unknown rule id(s): {', '.join(unknown)}{hint}", file=sys.stderr)
            return EXIT_ERROR
        rules = [by_id[a] for a in args.args]
        if args.format == "text" or args.format == "markdown":
            print("\n".join(rule_markdown(r) for r in rules), end="")
            return EXIT_CLEAN
    if args.format == "json":
        print(json.dumps([_as_json(r) for r in rules], indent=2))
    elif args.format == "markdown":
        print("| Id | Name | Severity | Pack | Status | Fix |\n| --- | --- | --- | --- | --- | --- |")
        for r in rules:
            fix = r.fix.safety if r.fix else ""
            print(f"| [{r.id}]({r.id}.md) | {r.name} | {r.severity.label} | {r.pack} | {_status(r)} | {fix} |")
    else:
        name_width = max((len(r.name) for r in rules), default=0)
        pack_width = max((len(r.pack) for r in rules), default=0)
        for r in rules:
            fix = f"  fix: {r.fix.safety}" if r.fix else ""
            print(f"{r.id}  {r.name:<{name_width}}  {r.severity.label:<8} {r.pack:<{pack_width}}  {_status(r)}{fix}")
        inactive = sum(not r.active for r in rules)
        print(
            f"\n{len(rules)} rules, {len(rules) - inactive} active, {inactive} not yet active. "
            "'hflint rules ID' shows a rule's documentation."
        )
    return EXIT_CLEAN


def _as_json(r: Rule) -> dict[str, object]:
    return {
        "id": r.id,
        "name": r.name,
        "title": r.title,
        "severity": r.severity.label,
        "pack": r.pack,
        "kind": r.kind,
        "active": r.active,
        "files": list(r.files),
        "formats": list(r.formats),
        "tags": list(r.tags),
        "security_severity": r.security_severity,
        "fix": {"kind": r.fix.kind, "safety": r.fix.safety} if r.fix else None,
        "docs": {
            "what": r.docs.what,
            "why": r.docs.why,
            "example": r.docs.example,
            "fix": r.docs.fix,
            "references": list(r.docs.references),
        },
    }
