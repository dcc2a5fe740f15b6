"""Kind ``shard-index``: sharded checkpoints whose index and shards disagree (HF301-HF305,
HF307) and weight files no loader reads as intended (HF302).

``params.check`` picks the check; every check reads the index once and each shard's header
(or pickle opcodes) once, through the repo cache. Findings about tensors sit on the index at
``/weight_map/<tensor>``, the entry a user edits. Shards whose names cannot be read are
reported as unanalysable (HF001), never guessed at; LFS pointers count as present and are
not read (HF002 reports them).

Fix (``rebuild-shard-index``, hflint.weights.rebuild): every finding about an index carries
the index rebuilt from its shards' headers, and a series of shards with no index the index
it lacks; one rebuild per index, shared by the rules (the fix stage writes it once).
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Callable, Iterator

from hflint.finding import Finding
from hflint.fixes.edits import Edit, create, rewrite
from hflint.fixes.edits import Fix as FixValue
from hflint.jsonfile import pointer
from hflint.kinds.base import Result, Unanalysable, each_file, no_extra_validation
from hflint.repo import Repo
from hflint.rule import Rule
from hflint.weights import layout
from hflint.weights.readers import Contents, Unknown, shard_contents
from hflint.weights.rebuild import NotRebuilt, Rebuilt, index_name, rebuild
from hflint.weights.shards import MISSING, SHARD_NAME, Index, load_index

CHECKS = ("missing-shard", "orphan-shard", "tensor-missing", "tensor-unindexed",
          "total-size", "duplicate-tensor")
_GLOBS = {"type": "array", "items": {"type": "string", "minLength": 1}}
PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "check": {"enum": list(CHECKS)},
        # orphan-shard: report other weight files beside a sharded checkpoint
        "unlisted-suffixes": _GLOBS,
        "other-weights": _GLOBS,
    },
    "required": ["check"],
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "tensor", "shard"})
validate = no_extra_validation

IndexCheck = Callable[[Rule, Repo, Index], Iterator[Result]]


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    which = rule.params["check"]
    if which == "orphan-shard":
        yield from _orphan_shard(rule, repo)
        return
    run = _CHECKS[which]

    def check_file(path: str) -> Iterator[Result]:
        for item in run(rule, repo, load_index(repo, path)):
            yield _with_fix(rule, repo, item, path) if isinstance(item, Finding) else item

    yield from each_file(rule, repo, check_file, covered_by="json-parse")


def _contents(repo: Repo, shards: list[str]) -> Iterator[tuple[str, Contents] | Unanalysable]:
    """Readable contents of the index's shards that exist; missing ones are HF301's."""
    for shard in shards:
        if not repo.exists(shard):
            continue
        try:
            contents = shard_contents(repo, shard)
        except Unknown as exc:
            yield Unanalysable(shard, exc.reason, exc.covered_by)
            continue
        if contents is not None:
            yield shard, contents


def _missing_shard(rule: Rule, repo: Repo, index: Index) -> Iterator[Result]:
    if not isinstance(index.metadata, dict):
        # transformers 5.25 utils/hub.py get_checkpoint_shard_files: index["metadata"] is read
        # and updated (KeyError without it, TypeError for a list or a string).
        what = "has no metadata object" if index.metadata is MISSING else "has a metadata that is not an object"
        yield rule.finding(index.path, pointer="/metadata",
                           detail=f"the index {what}; transformers reads index['metadata'] and fails")
    if index.broken:
        yield rule.finding(index.path, pointer="/weight_map", detail=f"the index {index.broken}")
        return
    bad = {key: t.problem or "is missing" for key, t in index.targets.items()
           if t.problem is not None or (t.resolved is not None and not repo.exists(t.resolved))}
    first: dict[str, tuple[str, int]] = {}  # shard value -> (first tensor, count)
    for tensor, key in index.tensors_of(set(bad)):
        first_tensor, count = first.get(key, (tensor, 0))
        first[key] = (first_tensor, count + 1)
    for shard, (tensor, count) in first.items():
        others = f" and {count - 1} more" if count > 1 else ""
        yield rule.finding(index.path, pointer=_ptr(tensor), shard=shard, tensor=tensor,
                           detail=f"shard {shard} {bad[shard]} (it holds {tensor}{others})")


def _tensor_missing(rule: Rule, repo: Repo, index: Index) -> Iterator[Result]:
    for item in _contents(repo, index.shards):
        if isinstance(item, Unanalysable):
            yield item
            continue
        shard, contents = item
        for tensor in sorted(index.by_shard.get(shard, frozenset()) - contents.names):
            yield rule.finding(index.path, pointer=_ptr(tensor), tensor=tensor, shard=shard)


def _tensor_unindexed(rule: Rule, repo: Repo, index: Index) -> Iterator[Result]:
    for tensor in sorted(set(index.duplicates)):
        yield rule.finding(index.path, pointer=_ptr(tensor), tensor=tensor, shard="weight_map",
                           detail="is listed more than once (the JSON parser keeps the last entry)")
    mapping = index.mapping
    for item in _contents(repo, index.shards):
        if isinstance(item, Unanalysable):
            yield item
            continue
        shard, contents = item
        for tensor in sorted(contents.names - index.by_shard.get(shard, frozenset())):
            target = mapping.get(tensor)
            why = "is not in weight_map" if target is None else f"is mapped to {target} instead"
            yield rule.finding(index.path, pointer=_ptr(tensor), tensor=tensor, shard=shard,
                               detail=why)


def _total_size(rule: Rule, repo: Repo, index: Index) -> Iterator[Result]:
    meta = index.metadata
    if not isinstance(meta, dict):
        return  # HF301 reports an index without a metadata object
    declared = meta.get("total_size", MISSING)
    if type(declared) is not int or declared < 0:
        shown = "absent" if declared is MISSING else f"{declared!r}, not a byte count"
        yield rule.finding(index.path, pointer="/metadata/total_size", detail=f"is {shown}")
        return
    shards = index.shards
    if (index.broken or index.has_unusable
            or not all(repo.exists(s) and not repo.is_lfs_pointer(s) for s in shards)):
        return  # HF301 reports unusable or missing shards, HF002 LFS pointers: no sum to compare
    total, file_total = 0, 0
    for item in _contents(repo, shards):
        if isinstance(item, Unanalysable):
            yield item
            return
        shard, contents = item
        if contents.nbytes is None:
            why = f"tensor sizes cannot be read statically: {contents.nbytes_unknown}"
            yield Unanalysable(shard, why)
            return
        total += contents.nbytes
        file_total += repo.size(shard)
    if declared == total:
        return
    detail = f"is {declared} but the shards' tensors hold {total} bytes"
    if declared == file_total:
        detail += " (it is the sum of shard file sizes, an old mlx-examples convention)"
    yield rule.finding(index.path, pointer="/metadata/total_size", detail=detail)


def _duplicate_tensor(rule: Rule, repo: Repo, index: Index) -> Iterator[Result]:
    readable: list[tuple[str, Contents]] = []
    for item in _contents(repo, index.shards):
        if isinstance(item, Unanalysable):
            yield item
        else:
            readable.append(item)
    if sum(len(c.names) for _, c in readable) == len(frozenset().union(*(c.names for _, c in readable))):
        return  # no name in two shards (set sizes add up): the usual case, at C speed
    holders: dict[str, list[str]] = {}
    for shard, contents in readable:
        for tensor in contents.names:
            holders.setdefault(tensor, []).append(shard)
    for tensor, shards in sorted(holders.items()):
        if len(shards) > 1:
            yield rule.finding(index.path, pointer=_ptr(tensor), tensor=tensor,
                               detail=f"is stored in {len(shards)} shards: {', '.join(shards)}")


def _ptr(tensor: str) -> str:
    return pointer("weight_map", tensor)


def _orphan_shard(rule: Rule, repo: Repo) -> Iterator[Result]:
    indexes = repo.select(rule.files, rule.exclude)
    suffixes = tuple(rule.params.get("unlisted-suffixes", ()))
    unlisted = layout.Unlisted(suffixes, tuple(rule.params.get("other-weights", ()))) if suffixes else None
    for item in layout.issues(repo, indexes, rule.exclude, unlisted):
        if isinstance(item, layout.Blocked):
            yield Unanalysable(item.path, item.reason, item.covered_by)
        else:
            yield rule.finding(item.path, detail=item.detail, fix=_orphan_fix(rule, repo, item))


def _with_fix(rule: Rule, repo: Repo, finding: Finding, index_path: str) -> Finding:
    if rule.fix is None:
        return finding
    return dataclasses.replace(finding, fix=_index_fix(rule, repo, index_path))


def _index_fix(rule: Rule, repo: Repo, index_path: str, *, named: bool = False) -> FixValue | None:
    found = rebuild(repo, index_path)
    if isinstance(found, NotRebuilt):
        return rule.cannot_fix(f"{index_path if named else 'the index'} is not rebuilt: {found.reason}")
    edit = repo.cached(index_path, "hflint.fix.index-edit", lambda: _edit(found))  # one per index, not per finding
    description = found.summary
    # Dropping an entry changes what the model declares: a person may rather add the tensor.
    return rule.propose(description, (edit,), safe=not found.dropped)


def _edit(found: Rebuilt) -> Edit:
    return create(found.path, found.after) if found.before is None else rewrite(found.path, found.before, found.after)


def _orphan_fix(rule: Rule, repo: Repo, issue: layout.Issue) -> FixValue | None:
    if rule.fix is None:
        return None
    m = SHARD_NAME.match(posixpath.basename(issue.path))
    if issue.kind not in ("unlisted", "no-index") or m is None:
        return rule.cannot_fix("which weight files to keep is a person's decision")
    index_path = posixpath.join(posixpath.dirname(issue.path), index_name(m["prefix"], m["ext"]))
    if issue.kind == "no-index" and layout.shadowing(repo, index_path):
        return rule.cannot_fix(f"{layout.shadowing(repo, index_path)} is loaded before an index would be; "
                               "which checkpoint to keep is a person's decision")
    return _index_fix(rule, repo, index_path, named=True)


_CHECKS: dict[str, IndexCheck] = {
    "missing-shard": _missing_shard,
    "tensor-missing": _tensor_missing,
    "tensor-unindexed": _tensor_unindexed,
    "total-size": _total_size,
    "duplicate-tensor": _duplicate_tensor,
}
