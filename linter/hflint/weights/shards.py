"""Shard indexes (``*.safetensors.index.json``, ``*.bin.index.json``) and shard file names.

Format (transformers ``save_pretrained``; huggingface_hub ``split_state_dict_into_shards``):
``{"metadata": {"total_size": <bytes>}, "weight_map": {"<tensor>": "<shard file>"}}``, shard
names ``<prefix>-00001-of-00003.<ext>``, resolved relative to the index's folder. transformers
joins weight_map values to the folder without sanitising them, so a value such as
``../../etc/passwd`` is reported and never opened (hflint only opens listed repo files).
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass

from hflint.jsonfile import pointer
from hflint.repo import CannotAnalyse, Repo

INDEX_KEY = "hflint.weights.shard-index"
# huggingface_hub: f"-{idx + 1:05d}-of-{nb_shards:05d}"; hf.js accepts 5 or 6 digits.
SHARD_NAME = re.compile(r"^(?P<prefix>.+)-(?P<k>\d{5,6})-of-(?P<n>\d{5,6})(?P<ext>\.safetensors|\.bin)$")
MISSING = object()


@dataclass(frozen=True, slots=True)
class Entry:
    tensor: str
    shard: object  # the raw weight_map value
    resolved: str | None  # repo-relative path, None when the value is unusable
    problem: str | None  # why the value is unusable

    @property
    def pointer(self) -> str:
        return pointer("weight_map", self.tensor)


@dataclass(frozen=True)
class Index:
    path: str
    folder: str
    entries: tuple[Entry, ...]
    duplicates: tuple[str, ...]  # tensor names listed more than once in weight_map
    metadata: object  # the raw "metadata" value, or MISSING
    broken: str | None = None  # the index cannot be used at all (no weight_map object...)

    def mapping(self) -> dict[str, str]:
        """tensor -> resolved shard path, for usable entries (the last duplicate wins)."""
        return {e.tensor: e.resolved for e in self.entries if e.resolved is not None}

    def shards(self) -> list[str]:
        """Distinct resolved shard paths, in the order transformers loads them (sorted)."""
        return sorted({e.resolved for e in self.entries if e.resolved is not None})


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
        return Index(path, folder, (), (), MISSING, "is not a JSON object")
    weight_map = doc.get("weight_map", MISSING)
    metadata = doc.get("metadata", MISSING)
    if not isinstance(weight_map, dict):
        why = "has no weight_map" if weight_map is MISSING else "has a weight_map that is not an object"
        return Index(path, folder, (), (), metadata, why + "; loaders fail on it")
    entries = []
    seen: dict[str, tuple[str | None, str | None]] = {}  # a few shards, many tensors
    for tensor, shard in weight_map.items():
        key = shard if isinstance(shard, str) else repr(shard)
        if key not in seen or not isinstance(shard, str):
            seen[key] = resolve(folder, shard)
        entries.append(Entry(tensor, shard, *seen[key]))
    duplicates = weight_map.duplicates if isinstance(weight_map, _Members) else []
    return Index(path, folder, tuple(entries), tuple(duplicates), metadata)


def _key_count(doc: object) -> int:
    """Object members in a parsed JSON value (duplicates already merged by json.loads)."""
    count, stack = 0, [doc]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            count += len(value)
            stack.extend(v for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend(v for v in value if isinstance(v, dict | list))
    return count
