"""``hflint scan``: paths -> model folders -> config -> engine -> reporters -> exit code."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from hflint.commands._options import add_gate, add_selection

if TYPE_CHECKING:
    from hflint.baseline import Baseline

FORMATS = ("text", "json", "sarif", "github", "jsonl")
DESCRIPTION = (
    "Scan model and dataset repository folders and report findings. A file argument (as "
    "pre-commit passes) stands for the model folder it belongs to, so cross-file checks see the "
    "whole model. An hf:// argument scans a repository on the Hub without downloading it: only "
    "the bytes the checks read (headers, configs, pickle streams) are fetched. Many targets "
    "(several arguments, hf://OWNER, --targets-from) are a fleet scan: --jobs scans them "
    "concurrently, a target that cannot be scanned is reported and the others go on, and "
    "--format jsonl writes one record per target as each finishes."
)
EPILOG = """\
examples:
  hflint scan                            scan the current folder
  hflint scan ./my-model --fail-on warning
  hflint scan . --format sarif --output hflint.sarif
  hflint scan . --select HF3,HF4 --ignore HF404
  hflint scan ~/Downloads/some-model --isolated   # ignore the repo's own .hflint.yaml
  hflint scan models/bert/config.json    # scans models/bert (its model folder)
  hflint scan . --fix                    # apply safe fixes, then report what remains
  hflint scan hf://org/model@main        # a model on the Hub, read with range requests
                                         # (HF_ENDPOINT and HF_TOKEN as for huggingface_hub)
  hflint scan hf://datasets/org/data     # a dataset repository on the Hub
  hflint scan hf://org --jobs 8 --format jsonl -o org.jsonl   # every model of org
  hflint scan --targets-from repos.txt --jobs 8 --format jsonl -o fleet.jsonl --resume fleet.jsonl
  hflint scan hf://org --format sarif -o org.sarif   # one run per repository; over 20
                                                     # runs: org-001.sarif, org-002.sarif...

exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
            2 usage, config or rule-pack error, an internal error, or (several targets)
              at least one target that could not be scanned (its record says why)
"""


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _rate(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError("must be 0 (no cap) or more")
    return value


def configure(scan: argparse.ArgumentParser) -> None:
    scan.add_argument(
        "paths",
        nargs="*",
        metavar="TARGET",
        help="folders or files (default: . unless --targets-from), hf://OWNER/NAME[@REVISION] "
        "(a model on the Hub), hf://datasets/OWNER/NAME[@REVISION] (a dataset), or hf://OWNER "
        "(hf://datasets/OWNER) for every model (dataset) of a user or organisation",
    )
    fleet = scan.add_argument_group("many targets (fleet scans)")
    fleet.add_argument(
        "--targets-from",
        metavar="FILE",
        help="read targets from FILE, one a line (folders and hf:// mixed; # starts a comment)",
    )
    fleet.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        default=1,
        metavar="N",
        help="scan N targets at once: threads for hf:// targets, processes for folders (default: 1)",
    )
    fleet.add_argument(
        "--resume",
        metavar="FILE",
        help="with --format jsonl: keep FILE's records of targets still at the recorded commit, scan "
        "the rest, and write to FILE unless --output names another file",
    )
    fleet.add_argument(
        "--max-rps",
        type=_rate,
        default=None,
        metavar="N",
        help="at most N requests per second to the Hub, across all jobs (default: 10; 0: no cap); "
        "429 and 5xx answers are retried with backoff, obeying Retry-After",
    )
    fleet.add_argument(
        "--retries",
        type=int,
        default=None,
        metavar="N",
        help="retries of one Hub request on 429, 5xx or a network error (default: 4)",
    )
    fleet.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar, no per-target errors and no summary on stderr (records still say it all)",
    )
    out = scan.add_argument_group("output")
    out.add_argument(
        "--format",
        "--output-format",
        dest="format",
        choices=FORMATS,
        default="text",
        help="report format on stdout (default: text); jsonl: one record per target, then a summary",
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
    fixing = scan.add_argument_group("fixing (see hflint fix --help)")
    fixing.add_argument(
        "--fix", action="store_true", help="apply the safe fixes first (as hflint fix does), then report what remains"
    )
    fixing.add_argument("--unsafe-fixes", action="store_true", help="with --fix: also apply fixes marked unsafe")
    scan.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the result cache ($XDG_CACHE_HOME/hflint, else ~/.cache/hflint), "
        "which lets a repeat scan of unchanged files replay their findings",
    )
    add_selection(scan)
    add_gate(scan, "lowest severity that makes the exit status 1 (default: error)")


def _use_color(args: argparse.Namespace) -> bool:
    if args.color != "auto":
        return bool(args.color == "always")
    return not args.output and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _write(path: str, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8")


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
    from hflint.fleet import cli

    return cli.run(args)
