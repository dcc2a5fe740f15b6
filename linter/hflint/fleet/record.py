"""One target scanned: a ``Outcome`` (for the reporters) and its JSON-ready record.

The record is the unit of a fleet scan's output (``--format jsonl``, hflint.ray_scan):

    {"record": "target", "target": "hf://acme/demo", "type": "model", "commit": "<sha>",
     "status": "ok", "error": null, "files_scanned": 7, "failed": true,
     "counts": {"error": 2, "warning": 1, "note": 0}, "findings": [<as in --format json>]}

``status`` is "ok" or "error" (the target could not be scanned: missing, gated, rate-limited
past the retries, a broken config of its own...; ``error`` says why, and nothing else about
it is known). A record carries nothing that differs between two scans of the same commit
(no time, no host), so records can be compared and a resumed run equals an uninterrupted one.
Whatever a hostile target does ends in its own record: every exception is caught here.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from hflint.fleet.targets import Target

if TYPE_CHECKING:
    from hflint.engine import ScanResult

RECORD = "target"


class Outcome(NamedTuple):
    target: Target
    result: ScanResult | None  # None when the target failed
    commit: str | None = None
    repo_type: str | None = None
    error: str | None = None
    reused: dict[str, Any] | None = None  # the record --resume kept (nothing rescanned)

    @property
    def ok(self) -> bool:
        return self.error is None


def _scan_hub(target: Target, args: argparse.Namespace, cwd: Path, done: dict[str, Any]) -> Outcome:
    from hflint.commands._options import build_config
    from hflint.commands.scan import baseline_for
    from hflint.engine import scan
    from hflint.hub import HubError, HubRepo, HubSource, parse_target

    assert target.hub is not None
    hub = parse_target(target.hub)
    config = build_config(args, cwd, cwd)
    baseline = baseline_for(args, cwd) if getattr(args, "baseline", None) else None
    try:
        source = HubSource(hub, retries=getattr(args, "retries", None))
    except HubError as exc:
        return Outcome(target, None, repo_type=hub.repo_type, error=f"cannot scan {exc}")
    old = done.get(target.label)
    if old is not None and old.get("commit") == source.commit:
        return Outcome(target, None, source.commit, hub.repo_type, reused=old)
    try:
        repo = HubRepo(source, config.exclude, anchor=cwd)
        result = scan(cwd, config, baseline=baseline, repo=repo)
    except HubError as exc:
        return Outcome(target, None, source.commit, hub.repo_type, error=f"cannot scan {exc}")
    if source.transport_error is not None:
        return Outcome(target, None, source.commit, hub.repo_type, error=f"cannot scan {source.transport_error}")
    return Outcome(target, result, source.commit, hub.repo_type)


def _cache_folder(args: argparse.Namespace) -> Path | None:
    """The result cache (hflint.resultcache) unless --no-cache; commands without the option
    (baseline, review) do not cache."""
    if not hasattr(args, "no_cache") or args.no_cache:
        return None
    from hflint.resultcache import folder

    return folder()


def _scan_local(target: Target, args: argparse.Namespace, cwd: Path) -> Outcome:
    from hflint.commands._options import build_config
    from hflint.commands.scan import baseline_for
    from hflint.engine import scan
    from hflint.repo import Repo

    assert target.path is not None
    config = build_config(args, target.path, cwd)
    baseline = baseline_for(args, target.path)
    repo = Repo(target.path, config.exclude, trust_records=not config.isolated)
    # SARIF carries the fixes rules propose (a local folder only: they name files on disk).
    fixes = getattr(args, "format", None) == "sarif" or bool(getattr(args, "sarif_output", None))
    result = scan(target.path, config, baseline=baseline, repo=repo, fixes=fixes,
                  cache=_cache_folder(args))
    if getattr(args, "format", None) != "jsonl":  # only a record says the type: a report
        return Outcome(target, result)  # does not pay for reading the card
    from hflint.cards.repotype import repo_type

    return Outcome(target, result, repo_type=repo_type(repo))


def scan_target(target: Target, args: argparse.Namespace, cwd: Path, done: dict[str, Any] | None = None) -> Outcome:
    """Scan one target; never raises for anything the target holds or the Hub answers."""
    from hflint.config import ConfigError
    from hflint.rulepack import PackError

    try:
        if target.remote:
            return _scan_hub(target, args, cwd, done or {})
        return _scan_local(target, args, cwd)
    except (ConfigError, PackError) as exc:
        return Outcome(target, None, error=config_error(exc))
    except Exception as exc:  # a bug or a hostile input: this target's record, not the run's end
        from hflint.hub import redact

        return Outcome(
            target,
            None,
            error=f"cannot scan {target.label}: internal error: {type(exc).__name__}: " + redact(str(exc))[:500],
        )


def config_error(exc: Exception) -> str:
    """How a broken user config, baseline or rule pack is reported (the file and line are in it)."""
    from hflint.baseline import BaselineError
    from hflint.config import ConfigError

    what = "baseline" if isinstance(exc, BaselineError) else "config" if isinstance(exc, ConfigError) else "rule pack"
    return f"{what} error:\n{exc}"


def to_record(outcome: Outcome) -> dict[str, Any]:
    if outcome.reused is not None:
        return outcome.reused
    from hflint.finding import Severity

    record: dict[str, Any] = {
        "record": RECORD,
        "target": outcome.target.label,
        "type": outcome.repo_type,
        "commit": outcome.commit,
        "status": "ok" if outcome.ok else "error",
        "error": outcome.error,
        "files_scanned": 0,
        "failed": False,
        "counts": {s.label: 0 for s in sorted(Severity, reverse=True)},
        "findings": [],
    }
    result = outcome.result
    if result is not None:
        from hflint.reporters.common import counts, failing
        from hflint.reporters.json_ import finding_dict

        names = {r.id: r.name for r in result.rules}
        c = counts(result)
        record["files_scanned"] = result.files_scanned
        record["failed"] = failing(result)
        record["counts"] = {s.label: c[s] for s in sorted(Severity, reverse=True)}
        record["findings"] = [finding_dict(f, names) for f in result.findings]
    return record
