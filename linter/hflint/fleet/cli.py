"""``hflint scan`` from targets to exit code, for one folder or a fleet of repositories.

targets (arguments, ``--targets-from``, owners expanded) -> outcomes (hflint.fleet.run,
concurrently with ``--jobs``) -> records as they finish (``--format jsonl``) or one report at
the end (text, json, github; SARIF with a run per repository) -> exit code:

* 2: a usage, config or rule-pack error that stops the run before any scan, or at least
  one target that could not be scanned (every other target is still scanned and reported);
* 1: otherwise, findings at or above ``--fail-on`` in any target;
* 0: otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hflint.exitcodes import CLEAN, ERROR, FINDINGS

if TYPE_CHECKING:
    from hflint.engine import ScanResult
    from hflint.fleet.record import Outcome
    from hflint.fleet.targets import Target


class UsageError(Exception):
    pass


def _texts(args: argparse.Namespace) -> list[str]:
    from hflint.fleet.targets import read_targets_file

    texts = list(args.paths or [])
    if args.targets_from:
        texts += read_targets_file(Path(args.targets_from))
    elif not texts:
        texts = ["."]
    return texts


def _check_usage(args: argparse.Namespace, texts: list[str]) -> None:
    from hflint.fleet.targets import is_remote

    remote = [t for t in texts if is_remote(t)]
    if remote and args.pre_commit:
        raise UsageError("--pre-commit scans staged files, not hf:// repositories")
    missing = [t for t in texts if not is_remote(t) and not Path(t).exists()]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    if args.resume and args.format != "jsonl":
        raise UsageError("--resume needs --format jsonl (it reads and extends a JSONL file of records)")
    if not texts:
        raise UsageError(f"no targets in {args.targets_from}")


def _check_sarif(args: argparse.Namespace, targets: list[Target]) -> None:
    from hflint.fleet.sarif_files import MAX_RUNS_PER_FILE

    runs = sum(1 for t in targets if t.remote) + any(not t.remote for t in targets)
    if args.format == "sarif" and not args.output and runs > MAX_RUNS_PER_FILE:
        raise UsageError(
            f"{runs} SARIF runs (one per repository): name a file with --output, and they are split "
            f"into files of {MAX_RUNS_PER_FILE} runs (code scanning's limit)"
        )


def _pace(args: argparse.Namespace) -> None:
    from hflint import hublimits

    rate = hublimits.DEFAULT_MAX_RPS if args.max_rps is None else args.max_rps
    hublimits.set_pace(hublimits.Limiter(rate or None))
    hublimits.quiet_client_logs()


def _preflight(args: argparse.Namespace, cwd: Path) -> None:
    """The configuration every hf:// target uses (the working directory's), checked once:
    a broken one is the run's error, not one error record per repository."""
    from hflint.commands._options import build_config
    from hflint.engine import resolve_rules
    from hflint.rulepack import load_packs

    config = build_config(args, cwd, cwd)
    resolve_rules(load_packs(config.rules), config)


def run(args: argparse.Namespace) -> int:
    from hflint.config import ConfigError
    from hflint.fleet.targets import TargetsError
    from hflint.rulepack import PackError

    if args.fix or args.unsafe_fixes:
        return _fix(args)
    cwd = Path.cwd()
    try:
        texts = _texts(args)
        _check_usage(args, texts)
        from hflint.fleet.targets import expand, is_remote

        if any(is_remote(t) for t in texts):
            _pace(args)

        targets = expand(texts, cwd, skip_outside=args.pre_commit)
        _check_sarif(args, targets)
        if any(t.remote for t in targets):
            _preflight(args, cwd)
    except (UsageError, TargetsError) as exc:
        print(f"hflint: {exc}", file=sys.stderr)
        return ERROR
    except (ConfigError, PackError) as exc:
        from hflint.fleet.record import config_error

        print(f"hflint: {config_error(exc)}", file=sys.stderr)
        return ERROR
    if args.format == "jsonl":
        return _run_jsonl(args, targets, cwd)
    return _run_report(args, targets, cwd)


def _fix(args: argparse.Namespace) -> int:
    """``scan --fix``: ``hflint fix`` on the same folders, for people used to ruff."""
    from hflint.commands import fix

    bad = [flag for flag, given in (
        ("--unsafe-fixes without --fix", not args.fix), ("--targets-from", args.targets_from),
        ("--format jsonl", args.format == "jsonl"), ("--resume", args.resume),
        ("--sarif-output", args.sarif_output), ("--json-output", args.json_output), ("--output", args.output),
    ) if given]
    if bad:
        print(f"hflint: --fix cannot be combined with {bad[0]}", file=sys.stderr)
        return ERROR
    args.unsafe, args.diff, args.exit_non_zero_on_fix = args.unsafe_fixes, False, False
    return fix.run(args)


def _fleet(args: argparse.Namespace, targets: list[Target]) -> bool:
    """Whether the run is a fleet scan (a summary on stderr at the end)."""
    return bool(args.format == "jsonl" or args.targets_from or (len(targets) > 1 and any(t.remote for t in targets)))


def _outcomes(args: argparse.Namespace, targets: list[Target], cwd: Path, done: dict[str, Any]) -> Any:
    from hflint.fleet.run import Progress, scan_all, show_progress

    progress = Progress(len(targets), show_progress(args))
    try:
        for outcome in scan_all(targets, args, cwd, done, progress=progress):
            if outcome.error is not None and not args.quiet:
                progress.note(f"hflint: {outcome.error}")
            yield outcome
    finally:
        progress.close()


def _run_jsonl(args: argparse.Namespace, targets: list[Target], cwd: Path) -> int:
    from hflint.fleet import jsonl
    from hflint.fleet.record import to_record

    done = jsonl.load_resume(Path(args.resume)) if args.resume else {}
    out = args.output or args.resume
    try:
        sink = jsonl.Sink(Path(out) if out else None, sys.stdout, done.values())
    except OSError as exc:
        print(f"hflint: cannot write records: {exc}", file=sys.stderr)
        return ERROR
    records: dict[str, dict[str, Any]] = {}
    try:
        for outcome in _outcomes(args, targets, cwd, done):
            record = to_record(outcome)
            records[outcome.target.label] = record
            if outcome.reused is None or sink.path is None:
                sink.write(record)
        ordered = [records[t.label] for t in targets]
        end = jsonl.summary(ordered)
        sink.finish(ordered, end)
    except OSError as exc:
        print(f"hflint: cannot write records: {exc}", file=sys.stderr)
        return ERROR
    finally:
        sink.close()
    if not args.quiet:
        print(jsonl.summary_text(end), file=sys.stderr)
    if end["failed"]:
        return ERROR
    return FINDINGS if end["failing"] else CLEAN


def _run_report(args: argparse.Namespace, targets: list[Target], cwd: Path) -> int:
    from hflint.reporters.common import failing

    by_label = {o.target.label: o for o in _outcomes(args, targets, cwd, {})}
    outcomes = [by_label[t.label] for t in targets]
    if _replayable(args, outcomes):
        from hflint import replay

        replay.mark_replayable("report")
    ok = [o for o in outcomes if o.result is not None]
    if ok:
        try:
            _report(args, ok, cwd)
        except OSError as exc:
            print(f"hflint: cannot write report: {exc}", file=sys.stderr)
            return ERROR
    if _fleet(args, targets) and not args.quiet:
        from hflint.fleet import jsonl
        from hflint.fleet.record import to_record

        print(jsonl.summary_text(jsonl.summary(to_record(o) for o in outcomes)), file=sys.stderr)
    if len(ok) < len(outcomes):
        return ERROR
    return FINDINGS if any(failing(o.result) for o in ok if o.result is not None) else CLEAN


def _replayable(args: argparse.Namespace, outcomes: list[Outcome]) -> bool:
    """Whether this run's whole output is its stdout and stderr, for one local folder scanned
    without error (hflint.replay may print it again for the same run)."""
    return (len(outcomes) == 1 and not outcomes[0].target.remote and outcomes[0].result is not None
            and not (args.output or args.sarif_output or args.json_output or args.targets_from)
            and not (args.format == "github" and os.environ.get("GITHUB_STEP_SUMMARY")))


def _use_color(args: argparse.Namespace) -> bool:
    if args.color != "auto":
        return bool(args.color == "always")
    return not args.output and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _root_of(outcome: Outcome) -> Path | str:
    return outcome.target.path if outcome.target.path is not None else outcome.target.label


def _sarif_runs(outcomes: list[Outcome], cwd: Path, include_suppressed: bool) -> list[dict[str, Any]]:
    """One run for the local folders (paths relative to the working directory, as a single
    scan writes them), one per repository on the Hub (its own %SRCROOT% and category)."""
    from hflint.merge import merge
    from hflint.reporters import sarif

    local = [(_root_of(o), o.result) for o in outcomes if not o.target.remote and o.result is not None]
    remote = [o for o in outcomes if o.target.remote and o.result is not None]
    one = len(remote) + bool(local) == 1  # a single run needs no category of its own
    runs = [sarif.run(merge(local, cwd), include_suppressed=include_suppressed)] if local else []
    for o in remote:
        assert o.result is not None
        category = None if one else f"hflint/{o.target.label}"
        runs.append(sarif.run(o.result, include_suppressed=include_suppressed, category=category))
    return runs


def _report(args: argparse.Namespace, outcomes: list[Outcome], cwd: Path) -> None:
    from hflint.fleet import sarif_files
    from hflint.merge import merge
    from hflint.reporters import REPORTERS, ReportOptions

    results: list[tuple[Path | str, ScanResult]] = [(_root_of(o), o.result) for o in outcomes if o.result is not None]
    result = merge(results, cwd)
    options = ReportOptions(color=_use_color(args), show_suppressed=args.show_suppressed)
    sarif_runs: list[dict[str, Any]] | None = None
    if args.format == "sarif" or args.sarif_output:
        sarif_runs = _sarif_runs(outcomes, cwd, args.show_suppressed)
    if args.format == "sarif":
        assert sarif_runs is not None
        if args.output:
            _announce(args, sarif_files.write(Path(args.output), sarif_runs))
        else:
            from hflint.reporters import sarif

            _emit(sarif.log(sarif_runs))
    else:
        report = REPORTERS[args.format](result, options)
        if args.output:
            Path(args.output).write_text(report, encoding="utf-8")
        else:
            _emit(report)
    if args.sarif_output:
        assert sarif_runs is not None
        _announce(args, sarif_files.write(Path(args.sarif_output), sarif_runs))
    if args.json_output:
        Path(args.json_output).write_text(REPORTERS["json"](result, options), encoding="utf-8")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if args.format == "github" and summary:
        from hflint.reporters import github

        with open(summary, "a", encoding="utf-8") as fh:
            fh.write(github.summary_markdown(result))


def _emit(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _announce(args: argparse.Namespace, files: list[Path]) -> None:
    if len(files) > 1 and not args.quiet:
        print(f"hflint: SARIF written to {len(files)} files: {files[0]} ... {files[-1]}", file=sys.stderr)
