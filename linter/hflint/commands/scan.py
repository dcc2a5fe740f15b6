"""``hflint scan``: paths -> model folders -> config -> engine -> reporters -> exit code."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from hflint.commands._options import add_config, add_selection, build_config
from hflint.exitcodes import CLEAN, ERROR, FINDINGS

if TYPE_CHECKING:
    from hflint.baseline import Baseline
    from hflint.engine import ScanResult

FORMATS = ("text", "json", "sarif", "github")
DESCRIPTION = (
    "Scan model repository folders and report findings. A file argument (as pre-commit passes) "
    "stands for the model folder it belongs to, so cross-file checks see the whole model. "
    "An hf:// argument scans a model repository on the Hub without downloading it: only the "
    "bytes the checks read (headers, configs, pickle streams) are fetched."
)
EPILOG = """\
examples:
  hflint scan                            scan the current folder
  hflint scan ./my-model --fail-on warning
  hflint scan . --format sarif --output hflint.sarif
  hflint scan . --select HF3,HF4 --ignore HF404
  hflint scan ~/Downloads/some-model --isolated   # ignore the repo's own .hflint.yaml
  hflint scan models/bert/config.json    # scans models/bert (its model folder)
  hflint scan hf://org/model@main        # a model on the Hub, read with range requests
                                         # (HF_ENDPOINT and HF_TOKEN as for huggingface_hub)

exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
            2 usage, config or rule-pack error (or an internal error)
"""


def configure(scan: argparse.ArgumentParser) -> None:
    scan.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="folders or files (default: .), or hf://OWNER/NAME[@REVISION] for a model on the Hub",
    )
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
        "--show-suppressed",
        action="store_true",
        help="include findings suppressed by per-path-ignores or the baseline (text, SARIF)",
    )
    out.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour text output (auto: only on a terminal, never when NO_COLOR is set)",
    )
    scan.add_argument(
        "--pre-commit",
        action="store_true",
        help="for the pre-commit hook: staged files outside any model folder are skipped, not scanned",
    )
    add_selection(scan)
    gate = scan.add_argument_group("exit status, configuration and baseline")
    gate.add_argument(
        "--fail-on",
        choices=("error", "warning", "note", "none"),
        help="lowest severity that makes the exit status 1 (default: error)",
    )
    gate.add_argument("--exit-zero", action="store_true", help="same as --fail-on none")
    add_config(gate)
    base = gate.add_mutually_exclusive_group()
    base.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only findings not in this baseline (default: .hflint-baseline.json in the folder, if any)",
    )
    base.add_argument("--no-baseline", action="store_true", help="ignore any baseline file")


def _use_color(args: argparse.Namespace) -> bool:
    if args.color != "auto":
        return bool(args.color == "always")
    return not args.output and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _write(path: str, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8")


class _RemoteError(Exception):
    pass


def _scan_hub(args: argparse.Namespace, text: str, cwd: Path) -> tuple[str, ScanResult]:
    """A repository on the Hub: the config is the user's (found from the working
    directory), a baseline only when given, and the repository's own records are not
    trusted (as under --isolated)."""
    from hflint.engine import scan
    from hflint.hub import HubError, HubRepo, HubSource, parse_target

    try:
        target = parse_target(text)
    except ValueError as exc:
        raise _RemoteError(str(exc)) from None
    config = build_config(args, cwd, cwd)
    baseline = baseline_for(args, cwd) if getattr(args, "baseline", None) else None
    try:
        repo = HubRepo(HubSource(target), config.exclude, anchor=cwd)
    except HubError as exc:
        raise _RemoteError(str(exc)) from None
    return repo.label, scan(cwd, config, baseline=baseline, repo=repo)


def baseline_for(args: argparse.Namespace, root: Path) -> Baseline | None:
    from hflint.config import BASELINE_NAME
    from hflint.safefile import present

    if getattr(args, "no_baseline", False):
        return None
    if getattr(args, "isolated", False) and not getattr(args, "baseline", None):
        return None  # a downloaded repo's own baseline could hide anything
    explicit = getattr(args, "baseline", None)
    path = Path(explicit) if explicit else root / BASELINE_NAME
    if not explicit and not present(path):  # a link or FIFO there is refused, not skipped
        return None
    from hflint.baseline import load_baseline  # lazy: most scans have no baseline

    return load_baseline(path, contained=not explicit)


def run(args: argparse.Namespace) -> int:
    from hflint.config import ConfigError
    from hflint.engine import scan
    from hflint.hub import is_hub_target  # light: huggingface_hub loads only for hf:// targets
    from hflint.merge import merge
    from hflint.reporters import REPORTERS, ReportOptions
    from hflint.reporters.common import failing
    from hflint.rulepack import PackError
    from hflint.targets import expand

    cwd = Path.cwd()
    remote = [p for p in args.paths if is_hub_target(p)]
    local = [p for p in args.paths if not is_hub_target(p)]
    if remote and args.pre_commit:
        print("hflint: --pre-commit scans staged files, not hf:// repositories", file=sys.stderr)
        return ERROR
    missing = [p for p in local if not Path(p).exists()]
    if missing:
        print(f"hflint: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return ERROR
    results: list[tuple[Path | str, ScanResult]] = []
    try:
        for root in expand(local, cwd, skip_outside=args.pre_commit) if local else []:
            config = build_config(args, root, cwd)
            baseline = baseline_for(args, root)
            results.append((root, scan(root, config, baseline=baseline)))
        for target in remote:
            results.append(_scan_hub(args, target, cwd))
    except _RemoteError as exc:
        print(f"hflint: cannot scan {exc}", file=sys.stderr)
        return ERROR
    except (ConfigError, PackError) as exc:
        from hflint.baseline import BaselineError

        kind = (
            "baseline" if isinstance(exc, BaselineError) else "config" if isinstance(exc, ConfigError) else "rule pack"
        )
        print(f"hflint: {kind} error:\n{exc}", file=sys.stderr)
        return ERROR
    failed = any(failing(result) for _, result in results)
    result = merge(results, cwd)

    options = ReportOptions(color=_use_color(args), show_suppressed=args.show_suppressed)
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
            from hflint.reporters import github

            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(github.summary_markdown(result))
    except OSError as exc:
        print(f"hflint: cannot write report: {exc}", file=sys.stderr)
        return ERROR
    return FINDINGS if failed else CLEAN
