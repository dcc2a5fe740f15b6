"""Kind ``code-review``: custom code must carry a review record for its exact content.

``report: unreviewed`` (HF501): every Python file in the rule's globs, plus every file a
loader imports (hflint.customcode.discovery), with no record in the review file; also
``auto_map`` references that name a missing module or cannot be resolved, and a review file
that does not validate (then no record is trusted: fail closed).
``report: changed`` (HF502): a record exists for the path, but the SHA-256 differs.
``scope`` narrows the files: ``loaded`` (HF501: what loaders import), ``unloaded`` (HF506:
Python files nothing loads - scripts, tests, notebook exports - which are not
trust_remote_code code), or ``all`` (the default).
Records are written by ``hflint review approve`` (hflint.commands.review).
"""

from __future__ import annotations

from collections.abc import Iterator

from hflint.customcode import discovery, policy, reviews
from hflint.finding import Region
from hflint.jsonfile import locate
from hflint.kinds.base import Result, Unanalysable
from hflint.repo import CannotAnalyse, Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "report": {"enum": ["unreviewed", "changed"]},
        "scope": {"enum": ["loaded", "unloaded", "all"]},
        "review-file": {"type": "string", "pattern": "^[^/\\\\]+$"},
        "code-loading": {"type": "string", "minLength": 1},
    },
    "required": ["report"],
    "additionalProperties": False,
}
FIELDS = frozenset({"detail"})


def validate(rule: Rule) -> list[str]:
    ref = rule.params.get("code-loading", policy.DEFAULT_LOADING)
    return [f"params.code-loading: {p}" for p in policy.validate_ref(ref, rule.source.parent, policy.load_loading)]


def records_of(repo: Repo, name: str) -> tuple[dict[str, reviews.Record], reviews.ReviewFileError | None]:
    def load() -> tuple[dict[str, reviews.Record], reviews.ReviewFileError | None]:
        try:
            return reviews.load(repo, name), None
        except reviews.ReviewFileError as exc:
            return {}, exc

    return repo.cached(name, "review-records", load)


def code_files(repo: Repo, rule: Rule, scope: str | None = None) -> tuple[list[str], dict[str, str]]:
    """The files that need a review in the rule's ``scope`` (loaded, unloaded or all), and
    how loaders reach each (shared with ``hflint review status``)."""
    how = discovery.loaded(repo, discovery.policy_path(rule))
    selected = set(repo.select(rule.files, rule.exclude))
    selected |= {p for p in how if not repo.is_lfs_pointer(p)}
    wanted = scope or rule.params.get("scope", "all")
    if wanted != "all":
        selected = {p for p in selected if (p in how) == (wanted == "loaded")}
    return sorted(selected), how


def _unreviewed_detail(state: reviews.State, loaded: bool) -> str:
    if not loaded:
        return (
            "nothing loads it (no loader route or loaded file reaches it), so it is not trust_remote_code code; "
            f"read it before anyone runs it, then `hflint review approve {state.path}`"
        )
    return f"no review record ({state.how}); read it, then run `hflint review approve {state.path}`"


def _changed_detail(state: reviews.State) -> str:
    assert state.record is not None
    r = state.record
    return (
        f"content changed since {r.reviewed_by} reviewed it on {r.date}: sha256 was {r.sha256}, now {state.sha256}; "
        f"review the change, then run `hflint review approve {state.path}`"
    )


def _reference_problems(rule: Rule, repo: Repo, loading: policy.LoadingPolicy) -> Iterator[Result]:
    for ref in discovery.auto_map_refs(repo, loading):
        if ref.problem is not None:
            detail = f"auto_map value {ref.value!r} {ref.problem}, so no reviewed code can stand behind it"
        elif ref.repo_id is None and ref.module is not None and not repo.exists(ref.module):
            detail = f"auto_map value {ref.value!r} names {ref.module}, which is not in the repository"
        else:
            continue
        where = locate(repo.text(ref.config), ref.pointer)
        yield rule.finding(ref.config, region=Region(*where) if where else None, pointer=ref.pointer, detail=detail)


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    mode = rule.params["report"]
    name = rule.params.get("review-file", reviews.REVIEW_FILE)
    loading = policy.load_loading(discovery.policy_path(rule))
    records, error = records_of(repo, name)
    if error is not None and mode == "unreviewed" and rule.params.get("scope", "all") != "unloaded":
        region = Region(error.line) if error.line else None
        yield rule.finding(
            name, region=region, detail=f"review file is invalid, so no file counts as reviewed: {error.message}"
        )
    if mode == "unreviewed" and rule.params.get("scope", "all") != "unloaded":
        yield from _reference_problems(rule, repo, loading)
    paths, how = code_files(repo, rule)
    for path in paths:
        try:
            (state,) = reviews.states(repo, [path], records, how)
        except CannotAnalyse as exc:
            yield Unanalysable(path, exc.reason)
            continue
        if mode == "unreviewed" and state.status == "unreviewed":
            yield rule.finding(path, detail=_unreviewed_detail(state, path in how))
        elif mode == "changed" and state.status == "changed":
            yield rule.finding(path, detail=_changed_detail(state))
