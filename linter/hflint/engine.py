"""The scan pipeline: files -> check kinds -> findings -> config decisions -> ScanResult.

Rules are resolved before the scan (severity overrides applied, deselected rules dropped),
so a finding is complete when a kind creates it; the decision stage only marks suppressions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hflint import __version__
from hflint.config import Config, ConfigError
from hflint.decide import fix_safety_for, is_selected, severity_for, suppression_for
from hflint.finding import BASELINE_PREFIX, Finding, Region, Severity
from hflint.jsonfile import locate
from hflint.kinds import ROOT_CAUSE_KINDS, load_kind
from hflint.kinds.base import Consequence, Unanalysable
from hflint.repo import CannotAnalyse, Repo
from hflint.rule import FixSpec, Rule
from hflint.rulepack import Pack, load_packs
from hflint.safefile import inside

if TYPE_CHECKING:
    from hflint.baseline import Baseline

SCAN_ERROR_RULE = "HF001"
UNUSED_SUPPRESSION_RULE = "HF004"
EXPIRED_SUPPRESSION_RULE = "HF005"


@dataclass(frozen=True)
class ScanResult:
    root: Path
    findings: tuple[Finding, ...]  # sorted; suppressed ones included, marked
    rules: tuple[Rule, ...]  # the rules that ran
    inactive: tuple[Rule, ...]  # selected, but their check kind is not implemented yet
    files_scanned: int
    fail_on: Severity | None
    baselined: int = 0  # findings suppressed by the baseline (included in findings, marked)
    source_uri: str | None = None  # where a remote repository's files can be browsed
    tool_version: str = __version__

    @property
    def reported(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.suppressed_by is None)


def resolve_rules(packs: Iterable[Pack], config: Config, *, fixes: bool = False) -> list[Rule]:
    """Every loaded rule with its effective severity (pack overrides, then config) and fix
    (the packs' fix-overrides; none at all unless ``fixes``: kinds compute edits only for
    rules that have a fix, so a plain scan pays nothing for them)."""
    packs = list(packs)
    rules = [r for p in packs for r in p.rules]
    overrides = {k: v for p in packs for k, v in p.severity_overrides.items()}
    overrides.update(config.severity)
    fix_overrides = {k: v for p in packs for k, v in p.fix_overrides.items()}
    _check_selectors(rules, config)
    return [
        dataclasses.replace(
            r, severity=severity_for(r.id, r.severity, overrides), fix=_fix(r, fix_overrides) if fixes else None
        )
        for r in rules
    ]


def _fix(rule: Rule, overrides: dict[str, str]) -> FixSpec | None:
    if rule.fix is None:
        return None
    safety = fix_safety_for(rule.id, rule.fix.safety, overrides)
    return None if safety is None else rule.fix._replace(safety=safety)


def _check_selectors(rules: list[Rule], config: Config) -> None:
    ids = [r.id for r in rules]
    named = [*config.selectors, *config.ignore, *config.severity]
    named += [s for entry in config.per_path_ignores for s in entry.rules]
    for sel in named:
        if sel != "ALL" and not any(i.startswith(sel) for i in ids):
            raise ConfigError(config.source or "command line", f"{sel!r} matches no rule id")


def scan(
    root: Path,
    config: Config,
    *,
    baseline: Baseline | None = None,
    today: dt.date | None = None,
    repo: Repo | None = None,
    fixes: bool = False,
    cache: Path | None = None,
) -> ScanResult:
    """Scan the folder ``root``, or ``repo`` when given (a repository on the Hub). With
    ``fixes``, findings of rules that have a fix carry the edit it proposes. With ``cache`` (a
    folder, hflint.resultcache), a repeat scan of unchanged files replays the checks'
    findings (suppressions and the baseline are still decided afresh)."""
    rules = resolve_rules(load_packs(config.rules), config, fixes=fixes)
    by_id = {r.id: r for r in rules}
    enabled = [r for r in rules if is_selected(r.id, config.selectors, config.ignore)]
    repo = repo or Repo(root, config.exclude, trust_records=not config.isolated)
    findings = number_occurrences(_cached_run(repo, [r for r in enabled if r.active], by_id[SCAN_ERROR_RULE], cache))
    enabled_ids = {r.id for r in enabled}
    decisions = _Decisions(repo.root, by_id, enabled_ids, today or dt.date.today())
    findings = decisions.apply(findings, config, baseline)
    findings = [f for f in findings if f.rule_id in enabled_ids]  # e.g. HF001 when ignored
    return ScanResult(
        root=repo.root,
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        rules=tuple(r for r in enabled if r.active),
        inactive=tuple(r for r in enabled if not r.active),
        files_scanned=len(repo.files),
        fail_on=config.fail_on,
        baselined=sum(1 for f in findings if f.suppression_kind == "baseline"),
        source_uri=repo.source_uri,
    )


def number_occurrences(findings: list[Finding]) -> list[Finding]:
    """Findings in file order, each repeat of a rule, path and key numbered (Finding.occurrence),
    so that every finding has a fingerprint of its own (docs/fingerprints.md)."""
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    out = []
    for f in sorted(findings, key=Finding.sort_key):
        key = (f.rule_id, f.path, f.logical_key)
        n = seen[key]
        seen[key] += 1
        out.append(dataclasses.replace(f, occurrence=n) if n else f)
    return out


def _cached_run(repo: Repo, rules: list[Rule], scan_error: Rule, cache: Path | None) -> list[Finding]:
    """``_run``, answered from the result cache when every file reads as it did."""
    # Not for a Hub repository (its reads are remote), nor when findings carry proposed
    # edits (--fix, SARIF fixes): an entry keeps findings, not the edits a fix would make;
    # nor when the cache folder is inside the scanned repository (`hflint scan ~`, an
    # XDG_CACHE_HOME inside it): hflint never writes into what it scans.
    if cache is None or type(repo) is not Repo or any(r.fix is not None for r in rules) \
            or inside(str(repo.root), os.path.realpath(cache)):
        return _run(repo, rules, scan_error)
    from hflint import replay, resultcache

    rules_key = resultcache.rules_stamp([*rules, scan_error])
    if rules_key is None:
        return _run(repo, rules, scan_error)
    replay.mark_replayable("cache")
    key = resultcache.entry_key(rules_key, repo)
    store = resultcache.Store(cache)
    found = store.lookup(key, repo)
    if found is not None:
        return found
    repo.recording, repo.result_cache = resultcache.Reads(), store
    try:
        findings = _run(repo, rules, scan_error)
        store.store(key, repo.recording, findings)
    finally:
        repo.recording = repo.result_cache = None
    return findings


def _run(repo: Repo, rules: list[Rule], scan_error: Rule) -> list[Finding]:
    findings: list[Finding] = []
    problems: list[tuple[Rule, Unanalysable]] = []
    consequences: list[Consequence] = []
    for rule in rules:
        repo.current = None
        try:
            for item in load_kind(rule.kind).check(rule, repo):
                if isinstance(item, Unanalysable):
                    problems.append((rule, item))
                elif isinstance(item, Consequence):
                    consequences.append(item)
                else:
                    findings.append(item)
        except Exception as exc:  # a bug in a kind becomes HF001; the scan goes on
            reason = f"internal error in check kind {rule.kind}: {type(exc).__name__}: {exc}"
            problems.append((rule, Unanalysable(repo.current or "", reason)))
    findings += _settle(findings, consequences, rules)
    # A consequence reported after all (its cause's rule is not selected) may be a root
    # cause's own finding (HF614 on a pickle named graph.pb): it covers the file like one.
    causes = _Causes(findings, rules)
    return _with_json_lines(repo, findings) + _scan_errors(causes, problems, scan_error)


def _settle(findings: list[Finding], consequences: list[Consequence], rules: list[Rule]) -> list[Finding]:
    """The consequences reported after all. One is dropped when the kind it names reported its
    file, or when that kind's own consequence there was dropped (its defect is reported, by
    its cause): HF309 on a pickle named model.safetensors follows from HF306, which follows
    from HF405. One whose cause no rule reports and none may still report is reported."""
    kind_of = {r.id: r.kind for r in rules}
    accounted = {(kind_of.get(f.rule_id), f.path) for f in findings}
    pending: list[Consequence] = list(consequences)
    kept: list[Consequence] = []
    while pending:
        waiting = {(kind_of.get(c.finding.rule_id), c.finding.path) for c in pending}
        ready = [
            c
            for c in pending
            if (c.cause_kind, c.cause_path) in accounted or (c.cause_kind, c.cause_path) not in waiting
        ]
        if not ready:  # causes naming each other: report them all, so nothing goes unsaid
            kept += pending
            break
        for c in ready:
            if (c.cause_kind, c.cause_path) not in accounted:
                kept.append(c)
            accounted.add((kind_of.get(c.finding.rule_id), c.finding.path))
        pending = [c for c in pending if c not in ready]
    return [c.finding for c in kept]


_LOCATE_MAX_BYTES = 8 * 1024 * 1024  # locating is a walk of the text; bounded per file
_LOCATE_MAX_PER_FILE = 200


def _with_json_lines(repo: Repo, findings: list[Finding]) -> list[Finding]:
    """A finding on a JSON file that names a JSON pointer but no line gets the line of that
    pointer, whichever kind made it (shard indexes, tokenizer files...), so every reporter
    can point at the source."""
    done: dict[str, int] = defaultdict(int)
    out = []
    for f in findings:
        ptr = f.pointer
        if (
            f.region is None
            and ptr is not None
            and ptr.startswith("/")
            and f.path.endswith(".json")
            and repo.exists(f.path)
            and repo.size(f.path) <= _LOCATE_MAX_BYTES
            and done[f.path] < _LOCATE_MAX_PER_FILE
        ):
            done[f.path] += 1
            try:
                text = repo.text(f.path)
                # "/" is how kinds name the whole document (the RFC 6901 root is "").
                where = locate(text, ptr) or (locate(text, "") if ptr == "/" else None)
            except CannotAnalyse:
                where = None
            if where is not None:
                f = dataclasses.replace(f, region=Region(*where))
        out.append(f)
    return out


class _Causes:
    """Which check kinds reported which files: the root causes the other findings defer to.

    The rule (docs/one-defect-one-finding.md): a file a root-cause kind reported (the file
    itself is broken or refused: ROOT_CAUSE_KINDS) gets no "cannot analyse" from any other
    rule; an Unanalysable or Consequence that names the kind reporting its cause is dropped
    when that kind reported the file, and reported when it did not (deselected, or the cause
    was not what it reports), so that deselecting a rule never hides a problem.
    """

    def __init__(self, findings: list[Finding], rules: list[Rule]) -> None:
        kind_of = {r.id: r.kind for r in rules}
        self._reported = {(kind_of.get(f.rule_id), f.path) for f in findings}
        self._broken = {path for kind, path in self._reported if kind in ROOT_CAUSE_KINDS}

    def reported(self, kind: str, path: str) -> bool:
        return (kind, path) in self._reported

    def covers(self, item: Unanalysable) -> bool:
        return item.path in self._broken or (item.covered_by is not None and self.reported(item.covered_by, item.path))


def _ids(ids: list[str]) -> str:
    return ", ".join(sorted(set(ids)))


def _scan_errors(causes: _Causes, problems: list[tuple[Rule, Unanalysable]], scan_error: Rule) -> list[Finding]:
    """One HF001 per (file, reason), naming every rule that could not run on the file."""
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rule, item in problems:
        if causes.covers(item):
            continue
        grouped[(item.path, item.reason)].append(rule.id)
    # Keyed by the reason (Finding.key): the rules named grow with the catalogue.
    return [
        dataclasses.replace(scan_error.finding(path, detail=f"{reason} (rules: {_ids(ids)})"), key=reason)
        for (path, reason), ids in grouped.items()
    ]


class _Decisions:
    """Config decisions after the checks: per-path ignores and baseline entries mark
    findings as suppressed (kept, with the reason); entries that matched nothing are HF004,
    expired ones are HF005 and no longer suppress anything."""

    def __init__(self, root: Path, rules: dict[str, Rule], enabled: set[str], today: dt.date) -> None:
        self.root = root
        self.rules = rules
        self.enabled = enabled
        self.today = today

    def _ran(self, selectors: Iterable[str]) -> bool:
        """Whether a rule an entry names ran: with --select HF2, an HF4 entry is not unused."""
        prefixes = ["" if s == "ALL" else s for s in selectors]
        return any(r.startswith(p) for r in self.enabled for p in prefixes)

    def _where(self, source: str | Path | None) -> str:
        path = Path(source or "")
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(source or "")

    def _note(self, rule_id: str, source: str | Path | None, line: int | None, what: str, detail: str) -> Finding:
        return self.rules[rule_id].finding(
            self._where(source), region=Region(line) if line else None, pointer=what, detail=detail
        )

    def apply(self, findings: list[Finding], config: Config, baseline: Baseline | None) -> list[Finding]:
        out: list[Finding] = []
        used: set[int] = set()
        for f in findings:
            hit = suppression_for(f, config.per_path_ignores, self.today)
            if hit is not None:
                used.add(hit[0])
                f = dataclasses.replace(f, suppressed_by=hit[1])
            out.append(f)
        for index, entry in enumerate(config.per_path_ignores):
            what = f"per-path-ignores/{index}"
            label = f"per-path-ignores entry for {', '.join(entry.paths)} ({', '.join(entry.rules)})"
            if entry.expires is not None and entry.expires < self.today:
                detail = f"{label} expired on {entry.expires.isoformat()}; its findings are reported again"
                out.append(self._note(EXPIRED_SUPPRESSION_RULE, config.source, entry.line, what, detail))
            elif index not in used and self._ran(entry.rules):
                detail = f"{label} matches no finding; remove it"
                out.append(self._note(UNUSED_SUPPRESSION_RULE, config.source, entry.line, what, detail))
        return self._baseline(out, baseline) if baseline is not None else out

    def _baseline(self, findings: list[Finding], baseline: Baseline) -> list[Finding]:
        from hflint.baseline import match

        live = [e for e in baseline.entries if e.expires is None or e.expires >= self.today]
        open_ = [i for i, f in enumerate(findings) if f.suppressed_by is None]
        hits = match(live, [findings[i] for i in open_], baseline.version)
        out = list(findings)
        for k, entry in hits.items():
            i = open_[k]
            out[i] = dataclasses.replace(out[i], suppressed_by=BASELINE_PREFIX + entry.reason)
        matched = {id(e) for e in hits.values()}
        for e in baseline.entries:
            what = f"baseline/{e.fingerprint}"
            if e.expires is not None and e.expires < self.today:
                detail = f"baseline entry for {e.rule} in {e.path} expired on {e.expires.isoformat()}"
                out.append(self._note(EXPIRED_SUPPRESSION_RULE, baseline.source, e.line, what, detail))
            elif id(e) not in matched and e.rule in self.enabled:
                detail = f"baseline entry for {e.rule} in {e.path} matches no finding; run hflint baseline update"
                out.append(self._note(UNUSED_SUPPRESSION_RULE, baseline.source, e.line, what, detail))
        return out
