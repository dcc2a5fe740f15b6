"""Kind ``python-ast``: static analysis of Python code (HF503, HF507, HF508), ``ast`` only.

The file is parsed, never imported or run (hflint.customcode.pysource). Reported: calls on
the dangerous list (rules/data/python-dangerous.yaml, import aliases resolved), decoded data
fed to exec/eval, writes outside the working directory, patches of imported modules, and
obfuscation (long lines, encoded blobs, bidi controls). A file that does not parse is a
finding with its line: Python would not import it, and hflint cannot vouch for it.

``scope`` picks the files: ``loaded`` (what a loader imports: trust_remote_code code,
hflint.customcode.discovery), ``unloaded`` (the rest: scripts, tests, notebook exports; read
with IPython escapes such as ``!pip install`` as what they are), or ``all``. ``report:
package-installs`` reports only the package installs of notebook escapes.

Inline suppression: ``# hflint: ignore[HF503] reason`` on the finding's line marks the
finding suppressed (still reported with --show-suppressed and in SARIF). The reason is
mandatory; a suppression without one, or one that matches no finding, is itself a finding.
The comment is part of the file's bytes, so HF501/HF502 make a human approve it; the
review rules themselves cannot be suppressed inline.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

from hflint.customcode import calls, discovery, ipython, obfuscation, policy, pysource
from hflint.finding import INLINE_PREFIX, Finding, Region
from hflint.kinds.base import Result, each_file
from hflint.repo import Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "policy": {"type": "string", "minLength": 1},
        "code-loading": {"type": "string", "minLength": 1},
        "scope": {"enum": ["loaded", "unloaded", "all"]},
        "report": {"enum": ["code", "package-installs"]},
        "max-bytes": {"type": "integer", "minimum": 1},
        "max-line-length": {"type": "integer", "minimum": 80},
        "min-blob-length": {"type": "integer", "minimum": 16},
        "min-blob-entropy": {"type": "number", "minimum": 0, "maximum": 8},
        "max-findings": {"type": "integer", "minimum": 1},
    },
    "additionalProperties": False,
}
FIELDS = frozenset({"detail"})
# The review rules are file-level and must be cleared by a review record, not by a comment
# inside the code being reviewed.
NOT_INLINE = frozenset({"HF501", "HF502", "HF504", "HF505", "HF506"})


def _policy(rule: Rule) -> policy.CallPolicy:
    return policy.load_calls(rule.data_file(rule.params.get("policy", policy.DEFAULT_CALLS)))


def validate(rule: Rule) -> list[str]:
    ref = rule.params.get("policy", policy.DEFAULT_CALLS)
    problems = [f"params.policy: {p}" for p in policy.validate_ref(ref, rule.source.parent, policy.load_calls)]
    loading = rule.params.get("code-loading", policy.DEFAULT_LOADING)
    problems += [
        f"params.code-loading: {p}" for p in policy.validate_ref(loading, rule.source.parent, policy.load_loading)
    ]
    return problems


def _escape_hits(src: pysource.Source, calls_policy: policy.CallPolicy, kinds: set[str]) -> list[calls.Hit]:
    """IPython escapes of a notebook export (hflint.customcode.ipython), as findings."""
    ip = calls_policy.ipython
    hits = []
    for escape in src.escapes:
        found = ipython.classify(escape, ip.installers.names, ip.shell_magics.names, ip.code_magics.names)
        if found is None or found[0] not in kinds:
            continue
        what, value = found
        if what == "install":
            detail = (
                f"`{escape.shown}` (an IPython escape of a notebook export, not Python syntax) installs "
                f"{value} when the notebook runs; {ip.installers.reason}"
            )
        elif what == "shell":
            detail = f"IPython shell escape `{escape.shown}` runs `{value[:80]}` in a shell when the notebook runs"
        else:
            detail = f"IPython magic `{value[:80]}` {ip.code_magics.reason}"
        hits.append(calls.Hit(escape.line, escape.column, detail))
    return hits


def _hits(rule: Rule, src: pysource.Source) -> list[calls.Hit]:
    calls_policy = _policy(rule)
    if rule.params.get("report", "code") == "package-installs":
        return _escape_hits(src, calls_policy, {"install"})
    out: list[calls.Hit] = []
    if src.tree is not None:
        out += calls.Analysis(src.tree, calls_policy).hits()
    out += _escape_hits(src, calls_policy, {"shell", "code"})
    out += obfuscation.hits(
        src.lines,
        src.tree,
        max_line_length=rule.params.get("max-line-length", 1000),
        min_blob=rule.params.get("min-blob-length", 200),
        min_entropy=rule.params.get("min-blob-entropy", 3.5),
    )
    return sorted(set(out), key=lambda h: (h.line, h.offset, h.detail))


def _suppress(rule: Rule, path: str, src: pysource.Source, found: list[Finding]) -> Iterator[Finding]:
    by_line: dict[int, pysource.Suppression] = {}
    for s in src.suppressions:
        blocked = sorted(NOT_INLINE & set(s.ids))
        region = Region(s.line, s.column)
        if blocked:
            yield rule.finding(
                path,
                region=region,
                detail=f"{', '.join(blocked)} cannot be suppressed inline: "
                "review records (hflint review approve) or .hflint.yaml decide those",
            )
        if rule.id not in s.ids:
            continue
        if not s.reason:
            yield rule.finding(
                path,
                region=region,
                detail=f"suppression without a reason: write why the code is "
                f"safe after the bracket, e.g. '# hflint: ignore[{rule.id}] reads only bundled files'",
            )
        else:
            by_line[s.line] = s
    used: set[int] = set()
    for f in found:
        hit = by_line.get(f.region.start_line) if f.region else None
        if hit is not None:
            used.add(hit.line)
            f = dataclasses.replace(f, suppressed_by=INLINE_PREFIX + hit.reason)
        yield f
    for line, s in sorted(by_line.items()):
        if line not in used:
            yield rule.finding(
                path,
                region=Region(s.line, s.column),
                detail=f"unused suppression: no {rule.id} finding on this line; remove the comment",
            )


def in_scope(rule: Rule, repo: Repo) -> Callable[[str], bool]:
    """Whether a path is in the rule's ``scope``: files a loader imports (hflint.customcode.
    discovery), files nothing loads, or all."""
    scope = rule.params.get("scope", "all")
    if scope == "all":
        return lambda path: True
    loaded = discovery.loaded(repo, discovery.policy_path(rule))
    return lambda path: (path in loaded) == (scope == "loaded")


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    limit: int = rule.params.get("max-bytes", pysource.MAX_BYTES)
    cap: int = rule.params.get("max-findings", 200)
    # Only a file nothing loads can be a notebook export; an imported one must be Python.
    notebook = rule.params.get("scope", "all") == "unloaded"
    installs = rule.params.get("report", "code") == "package-installs"
    wanted = in_scope(rule, repo)

    def check_file(path: str) -> Iterator[Result]:
        if not wanted(path):
            return
        src = discovery.source(repo, path, limit, ipython=notebook)
        found: list[Finding] = []
        if src.problem is not None and not installs:
            p = src.problem
            region = Region(p.line, p.column) if p.line else None
            found.append(rule.finding(path, region=region, detail=f"cannot be analysed: {p.reason}"))
        for hit in _hits(rule, src):
            region = Region(hit.line, src.column(hit.line, hit.offset))
            found.append(rule.finding(path, region=region, detail=hit.detail))
        results = list(_suppress(rule, path, src, found))
        yield from results[:cap]
        if len(results) > cap:
            yield rule.finding(path, detail=f"{len(results) - cap} more findings in this file not shown")

    yield from each_file(rule, repo, check_file)
