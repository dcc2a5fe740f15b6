"""Broken variants of a repository, derived mechanically (issue 11, "the loaders as oracle").

Every variant is one small edit of a repository the real libraries wrote:

* ``delete``: remove one file;
* ``trunc-half`` / ``trunc-1``: cut one file to half its size, or drop its last byte;
* JSON edits, for every top-level member of every JSON object file (and every member of
  each object in a JSON list, as in ``modules.json``): ``drop`` the key, change the value's
  sign (``neg``, ``not``) and its type (``float``, ``int``, ``str``, ``null``, ``empty``,
  ``list``, ``scalar``), as listed in ``_value_edits``;
* shard indexes: ``drop`` each ``weight_map`` entry; for the first, middle and last entries
  ``dup`` (the same key twice in the JSON, the second pointing at another shard),
  ``dup-same`` (twice, the same shard) and ``rename`` (a tensor name no shard holds);
  ``swap`` the first two shards' contents;
* ``extra-weights``: a copy of a weight file saved beside a sharded checkpoint under a name
  no index lists (a second head saved on its own).

A variant is materialised by hard-linking the unchanged files of the seed and writing the
changed ones anew, so a 90 MB checkpoint costs nothing to vary. Variant ids are stable
(``<file>:<pointer>:<edit>``), so verdicts can be stored and compared between runs.
This module imports nothing heavy: the test suite uses it without torch.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Edit = Callable[[Path], None]
# JSON files larger than this are varied by file-level edits only (a 30 MB tokenizer.json
# would be rewritten per variant); the seeds' largest JSON is ~470 kB.
MAX_JSON_EDIT_BYTES = 2_000_000
# Objects in a JSON list whose members are varied: modules.json has 2-4; all-MiniLM-L6-v2's
# data_config.json lists ~200 training sets that no loader reads.
MAX_LIST_ITEMS = 4


@dataclass(frozen=True)
class Variant:
    id: str  # "<file>:<pointer>:<edit>", stable between runs
    file: str  # the file the edit touches (repo-relative)
    edit: str  # delete, trunc-half, neg, str, ...
    apply: Edit  # edits a materialised copy of the seed in place

    def materialise(self, seed: Path, dest: Path) -> Path:
        """``dest`` becomes the seed with this variant's edit applied."""
        copy_tree(seed, dest)
        self.apply(dest)
        return dest


def copy_tree(seed: Path, dest: Path) -> None:
    """Hard links where possible (edits replace files, never write through a link)."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(seed, dest, copy_function=link, symlinks=True)


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` as a new file (unlinking first, so a hard-linked seed is untouched)."""
    path.unlink()
    path.write_bytes(data)


def seed_files(seed: Path) -> list[str]:
    return sorted(p.relative_to(seed).as_posix() for p in seed.rglob("*") if p.is_file() and not p.is_symlink())


def derive(seed: Path) -> list[Variant]:
    """Every variant of ``seed``, in a stable order."""
    out: list[Variant] = []
    files = seed_files(seed)
    for rel in files:
        out.append(Variant(f"{rel}::delete", rel, "delete", _delete(rel)))
        size = (seed / rel).stat().st_size
        if size > 1:
            out.append(Variant(f"{rel}::trunc-half", rel, "trunc-half", _truncate(rel, size // 2)))
        if size > 0:
            out.append(Variant(f"{rel}::trunc-1", rel, "trunc-1", _truncate(rel, size - 1)))
    for rel in files:
        if rel.endswith(".json") and (seed / rel).stat().st_size <= MAX_JSON_EDIT_BYTES:
            out.extend(_json_variants(seed, rel))
    out.extend(_extra_weights(seed, files))
    return out


# -- file edits ----------------------------------------------------------------------------


def _delete(rel: str) -> Edit:
    return lambda root: (root / rel).unlink()


def _truncate(rel: str, size: int) -> Edit:
    def apply(root: Path) -> None:
        path = root / rel
        _replace(path, path.read_bytes()[:size])

    return apply


# -- JSON edits ----------------------------------------------------------------------------


def load_json(path: Path) -> Any:
    """The parsed file, or None when it cannot be read or parsed."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _dump(value: object) -> str:
    # The libraries write indent=2 with sorted or insertion-ordered keys; keep the order.
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _value_edits(value: object) -> list[tuple[str, object]]:
    """(edit name, new value): the value's sign flipped and its type changed."""
    if isinstance(value, bool):
        return [("not", not value), ("int", int(value)), ("str", str(value).lower())]
    if isinstance(value, int):
        return [("neg", -value if value else -1), ("float", float(value)), ("str", str(value)), ("null", None)]
    if isinstance(value, float):
        edits: list[tuple[str, object]] = [("neg", -value if value else -1.0), ("str", repr(value))]
        if value.is_integer() and abs(value) < 2**53:
            edits.insert(1, ("int", int(value)))
        return [*edits, ("null", None)]
    if isinstance(value, str):
        return [("int", 1), ("null", None), ("empty", "")]
    if value is None:
        return [("int", 1), ("str", "none")]
    if isinstance(value, list):
        edits = [("str", ",".join(map(str, value))), ("empty", [])]
        if value:
            edits.append(("scalar", value[0]))
        return edits
    if isinstance(value, dict):
        return [("empty", {}), ("list", list(value.values())), ("str", json.dumps(value))]
    return []


def _members(doc: object) -> Iterator[tuple[tuple[str | int, ...], object]]:
    """(path, value) of the members the edits vary: an object's own members, or the
    members of each object in a list (modules.json)."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield (key,), value
    elif isinstance(doc, list):
        for i, item in enumerate(doc[:MAX_LIST_ITEMS]):
            if isinstance(item, dict):
                for key, value in item.items():
                    yield (i, key), value


def _pointer(path: tuple[str | int, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _json_variants(seed: Path, rel: str) -> Iterator[Variant]:
    doc = load_json(seed / rel)
    if doc is None:
        return
    is_index = rel.endswith(".index.json") and isinstance(doc, dict) and isinstance(doc.get("weight_map"), dict)
    for path, value in _members(doc):
        ptr = _pointer(path)
        if not (is_index and path == ("weight_map",)):
            yield Variant(f"{rel}:{ptr}:drop", rel, "drop", _json_set(rel, path, _DROP))
        for name, new in _value_edits(value):
            yield Variant(f"{rel}:{ptr}:{name}", rel, name, _json_set(rel, path, new))
    if is_index:
        assert isinstance(doc, dict)
        yield from _index_variants(rel, doc["weight_map"])


_DROP = object()


def _json_set(rel: str, path: tuple[str | int, ...], new: object) -> Edit:
    def apply(root: Path) -> None:
        file = root / rel
        doc = json.loads(file.read_text(encoding="utf-8"))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        if new is _DROP:
            del parent[path[-1]]
        else:
            parent[path[-1]] = new
        _replace(file, _dump(doc).encode("utf-8"))

    return apply


def _index_variants(rel: str, weight_map: dict[str, object]) -> Iterator[Variant]:
    tensors = list(weight_map)
    for tensor in tensors:
        ptr = _pointer(("weight_map", tensor))
        yield Variant(f"{rel}:{ptr}:drop", rel, "drop", _json_set(rel, ("weight_map", tensor), _DROP))
    shards = sorted({v for v in weight_map.values() if isinstance(v, str)})
    if not tensors:
        return
    for tensor in sorted({tensors[0], tensors[len(tensors) // 2], tensors[-1]}):
        other = next((s for s in shards if s != weight_map[tensor]), weight_map[tensor])
        ptr = _pointer(("weight_map", tensor))
        yield Variant(f"{rel}:{ptr}:dup", rel, "dup", _duplicate_entry(rel, tensor, other))
        yield Variant(f"{rel}:{ptr}:dup-same", rel, "dup-same", _duplicate_entry(rel, tensor, weight_map[tensor]))
        yield Variant(f"{rel}:{ptr}:rename", rel, "rename", _rename_entry(rel, tensor))
    if len(shards) >= 2:
        yield Variant(f"{rel}::swap", rel, "swap", _swap(rel, shards[0], shards[1]))


def _duplicate_entry(rel: str, tensor: str, shard: object) -> Edit:
    """The tensor listed a second time, last in weight_map, with another shard: the JSON
    parser keeps the last value."""

    def apply(root: Path) -> None:
        file = root / rel
        text = file.read_text(encoding="utf-8")
        doc = json.loads(text)
        entries = [f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in doc["weight_map"].items()]
        entries.append(f"    {json.dumps(tensor)}: {json.dumps(shard)}")
        rest = {k: v for k, v in doc.items() if k != "weight_map"}
        head = _dump(rest).rstrip()[:-1].rstrip()  # the other members, without the closing brace
        sep = "," if rest else ""
        body = f'{head}{sep}\n  "weight_map": {{\n' + ",\n".join(entries) + "\n  }\n}\n"
        _replace(file, body.encode("utf-8"))

    return apply


def _rename_entry(rel: str, tensor: str) -> Edit:
    """The entry renamed: the index names a tensor no shard holds, and omits one a shard holds."""

    def apply(root: Path) -> None:
        file = root / rel
        doc = json.loads(file.read_text(encoding="utf-8"))
        doc["weight_map"] = {(k + "_renamed" if k == tensor else k): v for k, v in doc["weight_map"].items()}
        _replace(file, _dump(doc).encode("utf-8"))

    return apply


def _swap(rel: str, first: str, second: str) -> Edit:
    def apply(root: Path) -> None:
        folder = (root / rel).parent
        a, b = folder / first, folder / second
        if not (a.is_file() and b.is_file()):
            return
        data_a, data_b = a.read_bytes(), b.read_bytes()
        _replace(a, data_b)
        _replace(b, data_a)

    return apply


def _extra_weights(seed: Path, files: list[str]) -> Iterator[Variant]:
    """A weight file saved beside a sharded checkpoint under a name no index lists."""
    for rel in files:
        if not rel.endswith(".index.json"):
            continue
        doc = load_json(seed / rel)
        if not isinstance(doc, dict) or not isinstance(doc.get("weight_map"), dict):
            continue
        shards = sorted({v for v in doc["weight_map"].values() if isinstance(v, str)})
        if not shards:
            continue
        folder = Path(rel).parent
        ext = Path(shards[0]).suffix
        target = (folder / f"second_head{ext}").as_posix()
        yield Variant(f"{target}::extra-weights", target, "extra-weights",
                      _copy((folder / shards[-1]).as_posix(), target))


def _copy(src: str, dst: str) -> Edit:
    def apply(root: Path) -> None:
        shutil.copyfile(root / src, root / dst)

    return apply
