"""The shard-index fix: the index a folder's shards call for, as the libraries write it.

What transformers (``save_pretrained``), diffusers (``ModelMixin.save_pretrained``) and
huggingface_hub (``save_torch_state_dict``) write, from their source:

* ``{"metadata": {...}, "weight_map": {tensor: shard file name}}``, where ``total_size`` is
  the bytes of the tensors' storages (``get_torch_storage_size``, a shared storage once:
  for safetensors the END - BEGIN of each tensor, for ``.bin`` the distinct storages), and
  transformers >= 4.53 adds ``total_parameters`` (``self.num_parameters()``, PR #38531);
* transformers and diffusers: ``json.dumps(index, indent=2, sort_keys=True) + "\\n"``;
  huggingface_hub: ``json.dump(index, f, indent=2)`` (insertion order, no final newline).

So the index is rebuilt from the shards' own headers (``.bin`` shards: the tensor names read
statically by hflint.pickles, never unpickled), keeping the old index's other metadata and
top-level keys, its indentation and final newline, with keys sorted as save_pretrained
writes them (an index is a generated file: its order carries nothing). ``total_parameters``
is kept as found; for a new index it is written only where it can be counted as
transformers does: config.json says transformers >= 4.53 saved an unquantised model, and no
tensor is a buffer (BatchNorm statistics) or shares a storage.
Anything a person must decide (a missing shard, a tensor stored twice, an unreadable or
invalid header, an LFS pointer) is a reason, never a guess.
"""

from __future__ import annotations

import json
import math
import posixpath
import re
from typing import Any, NamedTuple

from hflint.repo import CannotAnalyse, Repo
from hflint.weights.readers import Unknown, safetensors_header, shard_contents, state_dict
from hflint.weights.shards import SHARD_NAME, load_index

# transformers/diffusers _add_variant: model.safetensors.index.json, or with a variant
# model.safetensors.index.fp16.json for the shards model.fp16-00001-of-00002.safetensors.
INDEX_NAME = re.compile(r"^(?P<base>.+?)(?P<ext>\.safetensors|\.bin)\.index(?P<variant>\.[A-Za-z0-9_-]+)?\.json$")
# Checkpoint names transformers and diffusers look for; an index for other shards is
# read by nobody, so none is created for them.
LOADED_PREFIXES = {
    ".safetensors": ("model", "diffusion_pytorch_model"),
    ".bin": ("pytorch_model", "diffusion_pytorch_model"),
}
_BUFFERS = (".running_mean", ".running_var", ".num_batches_tracked")  # torch.nn BatchNorm buffers
_CACHE_KEY = "hflint.fix.rebuilt-index"


class Rebuilt(NamedTuple):
    path: str  # the index
    before: str | None  # its text as read; None: it does not exist yet
    after: str
    dropped: tuple[str, ...]  # tensors the old index lists that no shard holds
    summary: str


class NotRebuilt(NamedTuple):
    reason: str


def index_name(prefix: str, ext: str) -> str:
    """The index the shards ``<prefix>-0000k-of-0000n<ext>`` belong to, as _add_variant names it."""
    base, dot, variant = prefix.partition(".")
    if dot and base in LOADED_PREFIXES[ext]:
        return f"{base}{ext}.index.{variant}.json"
    return f"{prefix}{ext}.index.json"


def rebuild(repo: Repo, index_path: str) -> Rebuilt | NotRebuilt:
    """The index ``index_path`` (existing or not) rebuilt from its folder's shards."""

    def make() -> Rebuilt | NotRebuilt:
        try:
            return _rebuild(repo, index_path)
        except CannotAnalyse as exc:
            return NotRebuilt(exc.reason)

    return repo.cached(index_path, _CACHE_KEY, make)


class _Shards(NamedTuple):
    paths: list[str]
    names: dict[str, str]  # tensor -> shard path
    total: int
    parameters: int | None  # element count, None when not countable as transformers does


def _series(repo: Repo, folder: str, prefix: str, ext: str) -> tuple[list[str], str | None]:
    """The folder's shards ``prefix-0000k-of-0000n<ext>``, sorted; and why they are not a
    complete series (None when they are)."""
    members: dict[int, str] = {}
    totals: set[int] = set()
    for path in repo.files:
        if posixpath.dirname(path) != folder:
            continue
        m = SHARD_NAME.match(posixpath.basename(path))
        if m is None or m["prefix"] != prefix or m["ext"] != ext:
            continue
        k, n = int(m["k"]), int(m["n"])
        totals.add(n)
        if k in members:
            return [], f"two files are numbered shard {k} ({members[k]}, {path})"
        members[k] = path
    if not members:
        return [], f"the folder has no shards named {prefix}-0000k-of-0000n{ext}"
    if len(totals) > 1:
        return [], f"the shards of {prefix}-*{ext} disagree on their number ({', '.join(map(str, sorted(totals)))})"
    (n,) = totals
    absent = [k for k in range(1, n + 1) if k not in members]
    if absent or len(members) != n:
        first = absent[0] if absent else 0
        return [], f"{len(members)} of the {n} shards of {prefix}-*-of-*{ext} are present (shard {first} is missing)"
    return [members[k] for k in sorted(members)], None


def _choose(repo: Repo, index_path: str, listed: list[str] | None, prefix: str, ext: str) -> list[str]:
    folder = posixpath.dirname(index_path)
    series, why = _series(repo, folder, prefix, ext)
    if why is None:
        stray = [s for s in listed or () if s not in series and repo.exists(s)]
        if stray:
            raise CannotAnalyse(f"the index lists {stray[0]}, which is not one of the series {prefix}-*{ext}; "
                                "a person must decide which files hold the model")
        return series
    if listed and all(repo.exists(s) for s in listed):
        return listed
    missing = [s for s in listed or () if not repo.exists(s)]
    if missing:
        raise CannotAnalyse(f"shard {missing[0]} is missing: upload it, or save the model again")
    raise CannotAnalyse(why)


def _read(repo: Repo, shards: list[str], folder: str) -> _Shards:
    names: dict[str, str] = {}
    total = 0
    parameters: int | None = 0
    for shard in shards:
        if repo.is_lfs_pointer(shard):
            raise CannotAnalyse(f"{shard} is a Git LFS pointer, so its header is not in the checkout (git lfs pull)")
        if shard.endswith(".safetensors"):
            header = safetensors_header(repo, shard)
            problem = next((p for p in header.problems if p.source == "parser"), None)
            if header.tensors is None or problem is not None:
                detail = problem.message if problem else "it cannot be read"
                raise CannotAnalyse(f"the header of {shard} is invalid ({detail}); the index is not rebuilt from it")
            infos = header.tensors
            count = sum(math.prod(i.shape) for name, i in infos.items() if not name.endswith(_BUFFERS))
            parameters = None if parameters is None or any(n.endswith(_BUFFERS) for n in infos) else parameters + count
        try:
            contents = shard_contents(repo, shard)
        except Unknown as exc:
            raise CannotAnalyse(f"the tensors of {shard} cannot be read: {exc.reason}") from None
        assert contents is not None  # LFS pointers are refused above
        if contents.nbytes is None:
            raise CannotAnalyse(f"the tensor sizes of {shard} cannot be read statically: {contents.nbytes_unknown}")
        if shard.endswith(".bin"):
            info = state_dict(repo, shard)
            sized = len(info.shapes) == len(info.keys) and info.storages == len(info.keys)
            if parameters is None or not sized or any(n.endswith(_BUFFERS) for n in info.keys):
                parameters = None
            else:
                parameters += sum(math.prod(s) for s in info.shapes.values())
        for name in sorted(contents.names):
            if name in names:
                raise CannotAnalyse(f"tensor {name} is stored in both {names[name]} and {shard}; "
                                    "a person must decide which copy to keep")
            names[name] = shard
        total += contents.nbytes
    return _Shards(shards, names, total, parameters)


def _transformers_parameters(repo: Repo, folder: str, counted: int | None) -> int | None:
    """``total_parameters`` for a new index, when transformers >= 4.53 would write it and
    the element count is what ``num_parameters()`` returns (unquantised, no buffers)."""
    config_path = posixpath.join(folder, "config.json")
    if counted is None or not repo.exists(config_path):
        return None
    try:
        config = repo.json(config_path)
    except CannotAnalyse:
        return None
    if not isinstance(config, dict) or "quantization_config" in config:
        return None
    version = re.match(r"^(\d+)\.(\d+)", str(config.get("transformers_version", "")))
    return counted if version and (int(version[1]), int(version[2])) >= (4, 53) else None


def _style(text: str | None) -> tuple[str | int | None, bool, str]:
    """(indent, ensure_ascii, final whitespace) of the old index; transformers' for a new one."""
    if text is None:
        return 2, True, "\n"
    found = re.search(r"\n([ \t]+)\S", text)
    indent: str | int | None = found.group(1) if found else (None if "\n" not in text.strip() else 0)
    return indent, text.isascii(), text[len(text.rstrip()) :]


def _old(repo: Repo, path: str) -> tuple[str | None, dict[str, Any] | None, list[str] | None]:
    """(text, parsed object, listed shard paths) of the old index; Nones when it is absent
    (a JSON syntax error is HF201's and cannot be rebuilt from: CannotAnalyse)."""
    if not repo.exists(path):
        return None, None, None
    text = repo.text(path)
    doc = repo.json(path)
    if not isinstance(doc, dict):
        return text, None, None
    index = load_index(repo, path)
    listed = None if index.broken else index.shards
    return text, doc, listed


def _rebuild(repo: Repo, index_path: str) -> Rebuilt | NotRebuilt:
    folder, name = posixpath.split(index_path)
    m = INDEX_NAME.match(name)
    if m is None:
        return NotRebuilt(f"{name} is not named like a shard index (<name>.safetensors.index.json)")
    text, old, listed = _old(repo, index_path)
    if text is None and m["base"] not in LOADED_PREFIXES[m["ext"]]:
        return NotRebuilt(f"no loader reads an index named {name}, so none is written")
    prefix = m["base"] + (m["variant"] or "")
    shards = _read(repo, _choose(repo, index_path, listed, prefix, m["ext"]), folder)
    old_map = old.get("weight_map") if old is not None else None
    old_map = old_map if isinstance(old_map, dict) else {}
    indent, ascii_only, final = _style(text if old is not None else None)
    rel = {s: posixpath.relpath(s, folder or ".") for s in shards.paths}
    weight_map = {t: rel[s] for t, s in shards.names.items()}
    old_meta = old.get("metadata") if old is not None else None
    if isinstance(old_meta, dict):
        metadata = {**old_meta, "total_size": shards.total}
    else:
        metadata = {"total_size": shards.total}
        parameters = _transformers_parameters(repo, folder, shards.parameters) if old is None else None
        if parameters is not None:
            metadata = {"total_parameters": parameters, **metadata}
    doc: dict[str, Any] = {**(old or {}), "metadata": metadata, "weight_map": weight_map}
    after = json.dumps(doc, indent=indent, sort_keys=True, ensure_ascii=ascii_only) + final
    if text is not None and "\r\n" in text:
        after = after.replace("\n", "\r\n")
    if after == text:
        return NotRebuilt("rebuilding the index from its shards gives the same file")
    dropped = tuple(sorted(t for t in old_map if t not in shards.names))
    if text is None:
        what = f"written from the headers of its {len(shards.paths)} shards ({len(weight_map)} tensors)"
        return Rebuilt(index_path, None, after, (), what)
    return Rebuilt(index_path, text, after, dropped, _summary(shards, old_map, weight_map, old_meta, dropped))


def _summary(shards: _Shards, old_map: dict[str, Any], new_map: dict[str, str],
             old_meta: object, dropped: tuple[str, ...]) -> str:
    n = len(shards.paths)
    parts = []
    added = sum(1 for t in new_map if t not in old_map)
    moved = sum(1 for t, s in new_map.items() if t in old_map and old_map[t] != s)
    for count, what in ((added, "added"), (moved, "remapped")):
        if count:
            parts.append(f"{count} weight_map {'entry' if count == 1 else 'entries'} {what}")
    if dropped:
        more = f" and {len(dropped) - 1} more" if len(dropped) > 1 else ""
        parts.append(f"{dropped[0]}{more} removed from weight_map (no shard holds {'it' if not more else 'them'})")
    old_total = old_meta.get("total_size") if isinstance(old_meta, dict) else None
    if old_total is None:
        parts.append(f"metadata.total_size set to {shards.total}")
    elif old_total != shards.total:
        parts.append(f"metadata.total_size {json.dumps(old_total)[:40]} -> {shards.total}")
    what = "; ".join(parts) or "rewritten as the library writes it"
    return f"rebuilt from the headers of {n} shard{'s' if n != 1 else ''}: {what}"
