"""Shard indexes (``*.safetensors.index.json``, ``*.bin.index.json``) and shard file names.

Format (transformers ``save_pretrained``; huggingface_hub ``split_state_dict_into_shards``):
``{"metadata": {"total_size": <bytes>}, "weight_map": {"<tensor>": "<shard file>"}}``, shard
names ``<prefix>-00001-of-00003.<ext>``, resolved relative to the index's folder. transformers
joins weight_map values to the folder without sanitising them, so a value such as
``../../etc/passwd`` is reported and never opened (hflint only opens listed repo files).
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from hflint.repo import CannotAnalyse, Repo

INDEX_KEY = "hflint.weights.shard-index"
# huggingface_hub: f"-{idx + 1:05d}-of-{nb_shards:05d}"; hf.js accepts 5 or 6 digits.
SHARD_NAME = re.compile(r"^(?P<prefix>.+)-(?P<k>\d{5,6})-of-(?P<n>\d{5,6})(?P<ext>\.safetensors|\.bin)$")
MISSING = object()


@dataclass(frozen=True)
class Index:
    """An index as loaders read it. Per-tensor data stays in the parsed dicts (a 70B index
    has ~700 entries, read by several rules); per-shard data is computed once per value."""

    path: str
    folder: str
    weight_map: dict[str, object]  # tensor -> raw value (for a duplicate, the last one)
    targets: dict[str, Target]  # target_key(raw value) -> where it points
    duplicates: tuple[str, ...]  # tensor names listed more than once in weight_map
    metadata: object  # the raw "metadata" value, or MISSING
    broken: str | None = None  # the index cannot be used at all (no weight_map object...)

    @functools.cached_property
    def keys(self) -> list[str]:
        """target_key of each weight_map value, in weight_map order."""
        values = self.weight_map.values()
        return list(values) if set(map(type, values)) <= {str} else list(map(target_key, values))  # type: ignore[arg-type]

    @functools.cached_property
    def mapping(self) -> dict[str, str]:
        """tensor -> resolved shard path, for usable entries."""
        resolved = {key: t.resolved for key, t in self.targets.items() if t.resolved is not None}
        if len(resolved) == len(self.targets):  # the usual case, at C speed
            return dict(zip(self.weight_map, map(resolved.__getitem__, self.keys), strict=True))
        return {t: resolved[k] for t, k in zip(self.weight_map, self.keys, strict=True) if k in resolved}

    @functools.cached_property
    def by_shard(self) -> dict[str, frozenset[str]]:
        """resolved shard path -> the tensors weight_map sends to it."""
        groups: dict[str, list[str]] = {}
        for tensor, shard in self.mapping.items():
            groups.setdefault(shard, []).append(tensor)
        return {shard: frozenset(tensors) for shard, tensors in groups.items()}

    @functools.cached_property
    def shards(self) -> list[str]:
        """Distinct resolved shard paths, in the order transformers loads them (sorted)."""
        return sorted({t.resolved for t in self.targets.values() if t.resolved is not None})

    @property
    def has_unusable(self) -> bool:
        return any(t.problem is not None for t in self.targets.values())

    def tensors_of(self, keys: set[str]) -> list[tuple[str, str]]:
        """(tensor, key) of the entries whose value has one of ``keys``, sorted by tensor."""
        return sorted((t, k) for t, k in zip(self.weight_map, self.keys, strict=True) if k in keys)


class Target(NamedTuple):
    resolved: str | None  # repo-relative path, None when the value is unusable
    problem: str | None  # why the value is unusable


def target_key(value: object) -> str:
    return value if isinstance(value, str) else repr(value)


class _Members(dict[str, object]):
    duplicates: list[str]


def _members(pairs: list[tuple[str, object]]) -> _Members:
    out = _Members(pairs)
    out.duplicates = []
    if len(out) != len(pairs):  # json.loads keeps the last value; loaders see only that one
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                out.duplicates.append(key)
            seen.add(key)
    return out


def resolve(folder: str, name: object) -> tuple[str | None, str | None]:
    if not isinstance(name, str) or not name.strip():
        return None, f"is not a file name ({json.dumps(name)[:40]})"
    if (name.startswith("/") or "\\" in name or "\0" in name or "://" in name
            or ".." in name.split("/")):
        return None, "points outside the index's folder; hflint does not read it"
    return posixpath.normpath(posixpath.join(folder, name)), None


def load_index(repo: Repo, path: str) -> Index:
    return repo.cached(path, INDEX_KEY, lambda: _load(repo, path))


def _load(repo: Repo, path: str) -> Index:
    folder = posixpath.dirname(path)
    doc = repo.json(path)  # a syntax error is raised here, as HF201's (json-parse) problem
    text = repo.text(path)
    if text.count('":') > _key_count(doc):  # maybe duplicate keys: parse again to see them
        try:
            doc = json.loads(text, object_pairs_hook=_members)
        except (ValueError, RecursionError) as exc:  # json.loads accepted it a moment ago
            raise CannotAnalyse(f"index cannot be parsed: {exc}") from None
    if not isinstance(doc, dict):
        return Index(path, folder, {}, {}, (), MISSING, "is not a JSON object")
    weight_map = doc.get("weight_map", MISSING)
    metadata = doc.get("metadata", MISSING)
    if not isinstance(weight_map, dict):
        why = "has no weight_map" if weight_map is MISSING else "has a weight_map that is not an object"
        return Index(path, folder, {}, {}, (), metadata, why + "; loaders fail on it")
    if not weight_map:
        # transformers 5.25 get_checkpoint_shard_files: no shard to load (IndexError)
        return Index(path, folder, {}, {}, (), metadata, "has an empty weight_map; loaders fail on it")
    values = weight_map.values()
    if set(map(type, values)) <= {str}:
        distinct: dict[str, object] = dict(zip(values, values, strict=True))  # a few shards, many tensors
    else:
        distinct = {}
        for value in values:
            distinct.setdefault(target_key(value), value)
    targets = {key: Target(*resolve(folder, value)) for key, value in distinct.items()}
    duplicates = weight_map.duplicates if isinstance(weight_map, _Members) else []
    return Index(path, folder, weight_map, targets, tuple(duplicates), metadata)


def _key_count(doc: object) -> int:
    """Object members in a parsed JSON value (duplicates already merged by json.loads)."""
    count, stack = 0, [doc]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            count += len(value)
            items: Iterable[object] = value.values()
        elif isinstance(value, list):
            items = value
        else:
            continue
        if set(map(type, items)) & {dict, list, _Members}:  # a weight_map's strings skip the walk
            stack.extend(v for v in items if isinstance(v, dict | list))
    return count
