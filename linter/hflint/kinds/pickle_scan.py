"""Kind ``pickle-scan``: pickle content found by what files are, never by their names.

One analysis per file (``Repo.cached``) serves every rule of this kind; ``report`` picks
what a rule reports from it:
* ``dangerous`` (HF401): an import on the dangerous list (rules/data/pickle-dangerous.yaml);
* ``unlisted`` (HF402): any other import not on the safe allowlist (pickle-safe.yaml);
* ``unanalysable`` (HF403): every reason the content could not be analysed completely;
* ``disguised`` (HF405): pickle-capable content under a name that claims another format
  (rules/data/extension-formats.yaml says what each extension may hold), or a file that is
  also another format which imports code (a polyglot).
Nothing is ever unpickled; see hflint.pickles for how the content is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from hflint.identify import PICKLE_CAPABLE
from hflint.kinds.base import Result, capped, each_file
from hflint.pickles import analysis
from hflint.pickles.readers import Limits
from hflint.pickles.report import KEEP, FileReport, Hit, grouped
from hflint.repo import Repo
from hflint.rule import Rule

if TYPE_CHECKING:
    from hflint.pickles.claims import Claim
    from hflint.pickles.policy import Policy

LIMITS_SCHEMA = {
    "type": "object",
    "properties": {
        **{k: {"type": "integer", "minimum": 1}
           for k in ("max-read-bytes", "max-inflated-bytes", "max-compression-ratio", "max-nesting-depth",
                     "max-opcodes", "max-members", "max-declared-bytes", "fickling-max-bytes")},
        "max-seconds": {"type": "number", "exclusiveMinimum": 0},
    },
    "additionalProperties": False,
}


def analysis_params(required: str, **properties: Any) -> dict[str, Any]:
    """The params schema of a kind that reads the shared analysis (hflint.pickles.analysis):
    its own ``properties`` (``required`` among them), the analysis limits and max-findings."""
    return {
        "type": "object",
        "properties": {**properties, "limits": LIMITS_SCHEMA, "max-findings": {"type": "integer", "minimum": 1}},
        "required": [required],
        "additionalProperties": False,
    }


DATA_FILE = {"type": "string", "minLength": 1}
PARAMS_SCHEMA = analysis_params("report", report={"enum": ["dangerous", "unlisted", "unanalysable", "disguised"]},
                                dangerous=DATA_FILE, safe=DATA_FILE, extensions=DATA_FILE)
FIELDS = frozenset({"name", "detail", "format"})
DEFAULT_DANGEROUS = "hflint:data/pickle-dangerous.yaml"
DEFAULT_SAFE = "hflint:data/pickle-safe.yaml"
DEFAULT_EXTENSIONS = "hflint:data/extension-formats.yaml"


def limits_of(rule: Rule) -> Limits:
    return Limits.from_params(rule.params.get("limits", {}))


def policy_of(rule: Rule) -> Policy:
    from hflint.pickles import policy  # lazy: PyYAML and the lists load when a file has imports

    return policy.load(
        rule.data_file(rule.params.get("dangerous", DEFAULT_DANGEROUS)),
        rule.data_file(rule.params.get("safe", DEFAULT_SAFE)),
    )


def claims_of(rule: Rule) -> dict[str, Claim]:
    from hflint.pickles import claims  # lazy: PyYAML loads when a file is pickle-capable

    return claims.load(rule.data_file(rule.params.get("extensions", DEFAULT_EXTENSIONS)))


def validate(rule: Rule) -> list[str]:
    try:
        policy_of(rule)
        claims_of(rule)
        if rule.params.get("report") == "unanalysable":
            from hflint.pickles import claims

            claims.loaded_as_pickle(rule.data_file(rule.params.get("extensions", DEFAULT_EXTENSIONS)))
    except (OSError, ValueError) as exc:
        return [f"params: pickle policy data cannot be loaded: {exc}"]
    return []


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    mode: str = rule.params["report"]
    limits = limits_of(rule)

    def check_file(path: str) -> Iterator[Result]:
        rep = analysis.vetted(repo, path, limits)
        if mode in ("dangerous", "unlisted"):
            if rep.hits:
                yield from capped(_imports(rule, path, rep, policy_of(rule), mode), cap)
        elif mode == "unanalysable":
            found = (rule.finding(path, pointer=first.where, detail=detail, format=rep.format or "")
                     for first, detail in rep.tally.groups())
            yield from capped(found, cap)
            if not rep.problems and (detail := _not_a_pickle(rule, repo, path, rep)):
                yield rule.finding(path, pointer="/", detail=detail, format=rep.format or "")
        elif (rep.format in PICKLE_CAPABLE or rep.polyglot) and (claim := _disguise(rule, path, rep)):
            yield rule.finding(path, format=_describe(rep), detail=claim)

    cap: int = rule.params.get("max-findings", 20)
    yield from each_file(rule, repo, check_file)


def _imports(rule: Rule, path: str, rep: FileReport, pol: Policy, mode: str) -> Iterator[Result]:
    """One finding per imported name and file: the first place it is imported, and how
    many other places (members, streams) import it too."""
    places: dict[tuple[str, str | None], list[Hit]] = {}
    chains: dict[tuple[str, str | None], set[str]] = {}  # the members (streams) importing each name
    verdicts: dict[tuple[str, str, frozenset[str] | None], tuple[str, str]] = {}
    wanted = "dangerous" if mode == "dangerous" else "unlisted"
    for hit in rep.hits:
        key = (hit.imp.dotted, hit.imp.raw)
        judged = (hit.imp.module, hit.imp.name, hit.uses)
        if judged not in verdicts:
            verdicts[judged] = pol.classify(hit.imp.module, hit.imp.name, torchscript="torchscript" in rep.kinds,
                                            uses=hit.uses)
        if verdicts[judged][0] != wanted:
            continue
        seen = chains.setdefault(key, set())
        if hit.chain in seen:  # one place per member: its first import
            continue
        seen.add(hit.chain)
        kept = places.setdefault(key, [])
        if len(kept) < KEEP:
            kept.append(hit)
    for key, kept in places.items():
        hit = kept[0]
        dotted = hit.imp.dotted
        verdict, reason = verdicts[(hit.imp.module, hit.imp.name, hit.uses)]
        detail = reason.split(" (", 1)[0]
        if hit.imp.raw:
            detail += f"; written as {hit.imp.raw}" if detail else f"written as {hit.imp.raw}"
        if hit.by == "fickling":
            detail += "; found by fickling's interpreter, not by a GLOBAL opcode"
        detail = grouped(detail or hit.imp.opcode, [h.where for h in kept[1:]], len(chains[key]))
        shown = f"{dotted} ({reason})" if verdict == "unlisted" and reason else dotted  # e.g. a call of a dataclass
        yield rule.finding(path, pointer=hit.where, name=shown, detail=detail, format=_describe(rep))


def _describe(rep: FileReport) -> str:
    kinds = sorted(rep.kinds - {"npy"}) or sorted(rep.kinds)
    return ", ".join(kinds) if kinds else (rep.format or "unknown")


def _not_a_pickle(rule: Rule, repo: Repo, path: str, rep: FileReport) -> str | None:
    """Why a file named as loaders read only with torch.load / pickle.load (the pack's
    ``loaded-as-pickle`` names) cannot be one: empty, text or another format. A name is a
    claim that is checked; passing such a file would say it was analysed."""
    from hflint import identify
    from hflint.pickles import claims

    if rep.format in PICKLE_CAPABLE or rep.streams or repo.is_lfs_pointer(path):
        return None  # analysed above; an LFS pointer is HF002's
    names = claims.loaded_as_pickle(rule.data_file(rule.params.get("extensions", DEFAULT_EXTENSIONS)))
    if not claims.named_as_pickle(path, names):
        return None
    head = identify.head(repo, path)
    # a model format hflint reads whatever the name (an ONNX model named pytorch_model.bin):
    # named as its own rules, which analyse it, name it
    other = rep.format or min(identify.formats_of(repo, path), default=None)
    what = ("an empty file" if not head else f"{other} content" if other
            else "text" if identify.looks_like_text(head) else f"content starting with {head[:8].hex(' ')}")
    return (f"{what}, not a zip archive or a pickle, which is all torch.load and pickle.load read from a file "
            "of this name (it cannot be loaded)")


def _disguise(rule: Rule, path: str, rep: FileReport) -> str | None:
    from hflint.pickles import claims

    return claims.disguise(path, rep, claims_of(rule))
