"""Weight files that no loader reads as intended (HF302): shard-named files no index
references, broken ``-0000k-of-0000n`` numbering, and checkpoints shadowed by another.

Resolution order (transformers ``_get_resolved_checkpoint_files``): ``model.safetensors`` >
``model.safetensors.index.json`` > ``pytorch_model.bin`` > ``pytorch_model.bin.index.json``,
per folder and variant; diffusers uses the same order with ``diffusion_pytorch_model``, PEFT
prefers ``adapter_model.safetensors`` to ``adapter_model.bin``. So a single file shadows an
index of its format, and safetensors shadows .bin.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from hflint.globs import matches
from hflint.repo import CannotAnalyse, Repo
from hflint.weights.readers import Unknown, shard_contents
from hflint.weights.shards import SHARD_NAME, load_index

_CHECKPOINT = re.compile(
    r"^(?P<base>model|pytorch_model|diffusion_pytorch_model|adapter_model)"
    r"(?P<variant>\.[A-Za-z0-9_-]+)?\.(?P<ext>safetensors|bin)"
    # transformers/diffusers _add_variant: model.safetensors.index.fp16.json
    r"(?:\.index(?P<index_variant>\.[A-Za-z0-9_-]+)?\.json)?$"
)
_MAX_GAPS = 10


class Issue(NamedTuple):
    path: str
    detail: str
    # "unlisted" (a shard no index in its folder lists), "no-index" (shards in a folder with
    # no index), "numbering", "shadowed" or "other": the first two are what rebuilding an
    # index fixes
    kind: str = "other"


class Blocked(NamedTuple):
    path: str
    reason: str
    covered_by: str | None


def issues(repo: Repo, index_paths: Iterable[str], exclude: Iterable[str],
           unlisted: Unlisted | None = None) -> Iterator[Issue | Blocked]:
    exclude = tuple(exclude)
    referenced: set[str] = set()
    unknown_folders: set[str] = set()
    index_folders: set[str] = set()
    for path in index_paths:
        index_folders.add(posixpath.dirname(path))
        try:
            referenced.update(load_index(repo, path).shards)
        except CannotAnalyse:  # HF201/HF001 report the index itself
            unknown_folders.add(posixpath.dirname(path))
    files = [f for f in repo.files if not matches(f, exclude)]
    yield from _orphans_and_numbering(files, referenced, unknown_folders)
    yield from _shadowed(repo, files)
    if unlisted is not None:
        yield from _unlisted(files, referenced, index_folders - unknown_folders, unlisted)


class Unlisted(NamedTuple):
    """Which other weight files beside a sharded checkpoint are reported (HF302)."""

    suffixes: tuple[str, ...]  # weight file suffixes (.safetensors, .bin, .pt, .pth)
    others: tuple[str, ...]  # globs of files other loaders or tools read on purpose


def _unlisted(files: list[str], referenced: set[str], index_folders: set[str],
              unlisted: Unlisted) -> Iterator[Issue]:
    """A weight file in a folder with a shard index that no index lists, is not a
    checkpoint the loaders pick by name (those are _shadowed's), not named like a shard
    (those are _orphans_and_numbering's) and not another tool's file: from_pretrained never
    reads it, so whatever it holds (a second head, a merged adapter) is silently left out."""
    for path in files:
        folder, name = posixpath.split(path)
        if (folder not in index_folders or path in referenced or not name.endswith(unlisted.suffixes)
                or _CHECKPOINT.match(name) or SHARD_NAME.match(name) or matches(name, unlisted.others)):
            continue
        where = f"'{folder}/'" if folder else "the repository root"
        yield Issue(path, f"is a weight file beside the sharded checkpoint in {where}, but no index lists it, "
                    "so from_pretrained never loads it")


def _orphans_and_numbering(files: list[str], referenced: set[str], unknown: set[str]) -> Iterator[Issue]:
    groups: dict[tuple[str, str, str], list[tuple[str, int, int, int]]] = defaultdict(list)
    indexed_folders = {posixpath.dirname(r) for r in referenced}
    for path in files:
        folder, name = posixpath.split(path)
        m = SHARD_NAME.match(name)
        if m is None:
            continue
        k, n = int(m["k"]), int(m["n"])
        groups[(folder, m["prefix"], m["ext"])].append((path, k, n, len(m["k"])))
        if path in referenced or folder in unknown:
            continue
        where = f"'{folder}/'" if folder else "the repository root"
        if folder in indexed_folders:
            yield Issue(path, f"is named as shard {k} of {n}, but no index in {where} lists it, "
                        "so loaders never read it", "unlisted")
        else:
            yield Issue(path, f"is named as shard {k} of {n}, but {where} has no index, so "
                        "loaders cannot load the shards", "no-index")
    for (folder, prefix, ext), members in sorted(groups.items()):
        yield from _numbering(folder, prefix, ext, members, referenced)


def _numbering(folder: str, prefix: str, ext: str, members: list[tuple[str, int, int, int]],
               referenced: set[str]) -> Iterator[Issue]:
    totals = Counter(n for _, _, n, _ in members)
    total = max(totals, key=lambda n: (totals[n], n))
    series = f"{prefix}-*-of-*{ext}"
    for path, k, n, _ in members:
        if n != total:
            yield Issue(path, f"says it is one of {n} shards, but the other shards of {series} "
                        f"say {total}")
        elif not 1 <= k <= n:
            yield Issue(path, f"is numbered {k} of {n}; shard numbers run from 1 to the total")
    width = members[0][3]
    present = {k for _, k, n, _ in members if n == total}
    gaps = [k for k in range(1, total + 1) if k not in present]
    for k in gaps[:_MAX_GAPS]:
        name = f"{prefix}-{k:0{width}d}-of-{total:0{width}d}{ext}"
        path = posixpath.join(folder, name)
        if path not in referenced:  # a listed missing shard is HF301's finding
            yield Issue(path, f"is missing from the numbered series: {len(present)} of "
                        f"{total} shards of {series} are present")


def _shadowed(repo: Repo, files: list[str]) -> Iterator[Issue | Blocked]:
    families: dict[tuple[str, str, str], list[tuple[int, str]]] = defaultdict(list)
    for path in files:
        folder, name = posixpath.split(path)
        m = _CHECKPOINT.match(name)
        if m is None:
            continue
        rank = _rank(m["base"], m["ext"], name.endswith(".json"))
        if rank is not None:
            families[(folder, _family(m["base"]), m["variant"] or m["index_variant"] or "")].append((rank, path))
    for members in families.values():
        if len(members) < 2:
            continue
        members.sort()
        chosen = members[0][1]
        for _, other in members[1:]:
            yield from _compare(repo, chosen, other)


def shadowing(repo: Repo, index_path: str) -> str | None:
    """A checkpoint in the index's folder that loaders pick before the index (so a new
    index there would never be read), or None."""
    folder, name = posixpath.split(index_path)
    m = _CHECKPOINT.match(name)
    rank = _rank(m["base"], m["ext"], True) if m else None
    if m is None or rank is None:
        return None
    family = _family(m["base"])
    for path in repo.files:
        other = _CHECKPOINT.match(posixpath.basename(path))
        if posixpath.dirname(path) != folder or other is None or _variant(other) != _variant(m):
            continue
        other_rank = _rank(other["base"], other["ext"], path.endswith(".json"))
        if other_rank is not None and _family(other["base"]) == family and other_rank < rank:
            return path
    return None


def _variant(m: re.Match[str]) -> str:
    return m["variant"] or m["index_variant"] or ""


def _family(base: str) -> str:
    return "adapter" if base == "adapter_model" else base.replace("pytorch_", "")


def _rank(base: str, ext: str, is_index: bool) -> int | None:
    if (base, ext) in (("model", "bin"), ("pytorch_model", "safetensors")):
        return None  # not names transformers looks for
    return (0 if ext == "safetensors" else 2) + (1 if is_index else 0)


def _compare(repo: Repo, chosen: str, other: str) -> Iterator[Issue | Blocked]:
    same_format = chosen.split(".")[-1] == other.removesuffix(".index.json").split(".")[-1]
    if same_format and other.endswith(".index.json"):
        try:
            shards = load_index(repo, other).shards
        except CannotAnalyse:
            return
        if shards == [chosen]:
            return  # mlx-lm writes an index for a single model.safetensors; it agrees
    names: list[frozenset[str]] = []
    for path in (chosen, other):
        found = _tensor_names(repo, path)
        if isinstance(found, Blocked):
            yield found
            return
        if found is None:
            return
        names.append(found)
    diff = _difference(chosen, names[0], other, names[1])
    loader = f"loaders pick {posixpath.basename(chosen)} before it"
    if same_format:
        yield Issue(other, f"is never read: {loader}" + (f"; and {diff}" if diff else ""), "shadowed")
    elif diff:
        yield Issue(other, f"has different tensors from the checkpoint loaders pick first "
                    f"({posixpath.basename(chosen)}): {diff}", "shadowed")


def _tensor_names(repo: Repo, path: str) -> frozenset[str] | Blocked | None:
    if path.endswith(".index.json"):
        try:
            return frozenset(load_index(repo, path).weight_map)
        except CannotAnalyse:
            return None
    try:
        contents = shard_contents(repo, path)
    except Unknown as exc:
        return Blocked(path, exc.reason, exc.covered_by)
    return None if contents is None else contents.names


def _difference(a_path: str, a: frozenset[str], b_path: str, b: frozenset[str]) -> str:
    parts = []
    for path, mine, theirs in ((a_path, a, b), (b_path, b, a)):
        only = mine - theirs
        if only:
            parts.append(f"{len(only)} tensor(s) only in {posixpath.basename(path)} "
                         f"(first: {min(only)})")
    return ", ".join(parts)
