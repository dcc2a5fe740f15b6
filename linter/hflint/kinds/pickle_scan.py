"""Kind ``pickle-scan``: pickle content found by what files are, never by their names.

One analysis per file (``Repo.cached``) serves every rule of this kind; ``report`` picks
what a rule reports from it:
* ``dangerous`` (HF401): an import on the dangerous list (rules/data/pickle-dangerous.yaml);
* ``unlisted`` (HF402): any other import not on the safe allowlist (pickle-safe.yaml);
* ``unanalysable`` (HF403): every reason the content could not be analysed completely;
* ``disguised`` (HF405): pickle-capable content under a name that claims another format.
Nothing is ever unpickled; see hflint.pickles for how the content is read.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING

from hflint.kinds.base import Result, each_file
from hflint.pickles import analysis
from hflint.pickles import sniff as fmt
from hflint.pickles.readers import Limits
from hflint.pickles.report import FileReport
from hflint.repo import Repo
from hflint.rule import Rule

if TYPE_CHECKING:
    from hflint.pickles.policy import Policy

_LIMITS = {
    "type": "object",
    "properties": {
        k: {"type": "integer", "minimum": 1}
        for k in ("max-read-bytes", "max-inflated-bytes", "max-compression-ratio",
                  "max-nesting-depth", "max-opcodes", "fickling-max-bytes")
    },
    "additionalProperties": False,
}
_EXTS = {"type": "array", "items": {"type": "string", "pattern": "^\\.[a-z0-9._-]+$"}}
PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "report": {"enum": ["dangerous", "unlisted", "unanalysable", "disguised"]},
        "dangerous": {"type": "string", "minLength": 1},
        "safe": {"type": "string", "minLength": 1},
        "limits": _LIMITS,
        "pickle-extensions": _EXTS,
        "claimed-extensions": _EXTS,
    },
    "required": ["report"],
    "additionalProperties": False,
}
FIELDS = frozenset({"name", "detail", "format"})
DEFAULT_DANGEROUS = "hflint:data/pickle-dangerous.yaml"
DEFAULT_SAFE = "hflint:data/pickle-safe.yaml"
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz", ".z", ".lzma", ".zst", ".lz4", ".7z")


def limits_of(rule: Rule) -> Limits:
    return Limits.from_params(rule.params.get("limits", {}))


def report_of(repo: Repo, path: str, limits: Limits) -> FileReport:
    """The shared per-file analysis (one per file and limits, for every HF4xx rule)."""
    return repo.cached(path, f"pickle:{limits!r}", lambda: analysis.analyse(repo, path, limits))


def policy_of(rule: Rule) -> Policy:
    from hflint.pickles import policy  # lazy: PyYAML and the lists load when a file has imports

    return policy.load(
        rule.data_file(rule.params.get("dangerous", DEFAULT_DANGEROUS)),
        rule.data_file(rule.params.get("safe", DEFAULT_SAFE)),
    )


def validate(rule: Rule) -> list[str]:
    try:
        policy_of(rule)
    except (OSError, ValueError) as exc:
        return [f"params: pickle policy data cannot be loaded: {exc}"]
    return []


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    mode: str = rule.params["report"]
    limits = limits_of(rule)

    def check_file(path: str) -> Iterator[Result]:
        rep = report_of(repo, path, limits)
        if mode in ("dangerous", "unlisted"):
            if rep.hits:
                yield from _imports(rule, path, rep, policy_of(rule), mode)
        elif mode == "unanalysable":
            for p in rep.problems:
                yield rule.finding(path, pointer=p.where, detail=p.reason, format=rep.format or "")
        elif (claim := _disguise(rule, path, rep)) is not None:
            yield rule.finding(path, format=_describe(rep), detail=claim)

    yield from each_file(rule, repo, check_file)


def _imports(rule: Rule, path: str, rep: FileReport, pol: Policy, mode: str) -> Iterator[Result]:
    seen: set[tuple[str, str]] = set()
    for hit in rep.hits:
        dotted = hit.imp.dotted
        verdict, reason = pol.classify(
            hit.imp.module, hit.imp.name, torchscript="torchscript" in rep.kinds, uses=hit.uses
        )
        if verdict != ("dangerous" if mode == "dangerous" else "unlisted"):
            continue
        if (hit.chain, dotted) in seen:  # one finding per name per member; the first place
            continue
        seen.add((hit.chain, dotted))
        detail = reason.split(" (", 1)[0]
        if hit.imp.raw:
            detail += f"; written as {hit.imp.raw}" if detail else f"written as {hit.imp.raw}"
        if hit.by == "fickling":
            detail += "; found by fickling's interpreter, not by a GLOBAL opcode"
        shown = f"{dotted} ({reason})" if verdict == "unlisted" and reason else dotted  # e.g. a call of a dataclass
        yield rule.finding(path, pointer=hit.where, name=shown, detail=detail or hit.imp.opcode,
                           format=_describe(rep))


def _describe(rep: FileReport) -> str:
    kinds = sorted(rep.kinds - {"npy"}) or sorted(rep.kinds)
    return ", ".join(kinds) if kinds else (rep.format or "unknown")


def _disguise(rule: Rule, path: str, rep: FileReport) -> str | None:
    if rep.format not in fmt.PICKLE_CAPABLE:
        return None
    name = posixpath.basename(path).lower()
    stem, ext = posixpath.splitext(name)
    claimed = set(rule.params.get("claimed-extensions", ()))
    allowed = set(rule.params.get("pickle-extensions", ()))
    if ext in COMPRESSION_SUFFIXES and rep.format in (*fmt.COMPRESSED, *fmt.UNSUPPORTED):
        # honestly named compressed content: only an inner extension can disguise it
        inner = posixpath.splitext(stem)[1]
        return f"the {inner} extension claims another format" if inner in claimed else None
    if ext in claimed:
        return f"the {ext} extension claims another format"
    if (rep.has_pickle or rep.problems) and ext not in allowed:
        return f"{ext or 'no'} extension is not one used for pickle content"
    return None
