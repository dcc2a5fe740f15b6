"""Turn command-line paths into the model folders to scan.

A folder is scanned as given. A file (pre-commit passes the staged files) stands for the
model folder it belongs to, because most checks are cross-file: a shard needs its index, a
tokenizer its config.json. The model folder is the outermost folder between the file and
the working directory that holds a model marker (config.json, model_index.json, an index
file, a weight file...): outermost, so a diffusers file in unet/ brings in the whole
pipeline folder. A file in no model folder is scanned in its own folder, except for the
pre-commit hook (``skip_outside``): a staged script in a monorepo's tools/ belongs to no
model and has nothing to check. When the working directory is itself a model, it is that folder.

A folder argument that is not itself a model but holds models (a monorepo's root) stands for
the outermost model folders below it, so ``hflint scan .`` does not report the monorepo's
root as a model without a card. A folder with no model below it is scanned as given.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable
from pathlib import Path

MARKERS = (
    "config.json",
    "model_index.json",  # diffusers pipelines
    "adapter_config.json",  # PEFT adapters
    "modules.json",  # sentence-transformers
    "model.safetensors.index.json",
    "pytorch_model.bin.index.json",
)
# A folder holding weights is a model even without a config (GGUF or bare safetensors repos).
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".gguf", ".pkl", ".onnx", ".h5", ".msgpack")


def _is_model_folder(folder: Path) -> bool:
    if any((folder / m).is_file() for m in MARKERS):
        return True
    try:
        return any(p.suffix in WEIGHT_SUFFIXES and p.is_file() for p in folder.iterdir())
    except OSError:
        return False


def model_folder(file: Path, cwd: Path) -> Path | None:
    """The outermost model folder holding ``file`` below ``cwd`` (None: no model)."""
    folder = file.resolve().parent
    if not folder.is_relative_to(cwd):
        return folder
    found = cwd if _is_model_folder(cwd) else None
    if found is not None:
        return found
    for candidate in [folder, *folder.parents]:
        if not candidate.is_relative_to(cwd) or candidate == cwd:
            break
        if _is_model_folder(candidate):
            found = candidate
    return found


MAX_DISCOVERY_DEPTH = 6
MAX_DISCOVERY_DIRS = 20_000


def models_below(folder: Path) -> list[Path]:
    """The outermost model folders under ``folder`` (bounded walk; links not followed)."""
    found: list[Path] = []
    queue = collections.deque([(folder, 0)])
    seen = 0
    while queue and seen < MAX_DISCOVERY_DIRS:
        current, depth = queue.popleft()
        seen += 1
        if current != folder and _is_model_folder(current):
            found.append(current)
            continue
        if depth >= MAX_DISCOVERY_DEPTH:
            continue
        try:
            children = sorted(p for p in current.iterdir() if p.is_dir() and not p.is_symlink())
        except OSError:
            continue
        queue += [(c, depth + 1) for c in children if c.name != ".git"]
    return found


def _folders_for(folder: Path) -> list[Path]:
    if _is_model_folder(folder):
        return [folder]
    return models_below(folder) or [folder]


def expand(paths: Iterable[str], cwd: Path, *, skip_outside: bool = False) -> list[Path]:
    """Folders to scan, deduplicated, outer folders absorbing the ones inside them."""
    cwd = cwd.resolve()
    folders: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        path = path if path.is_absolute() else cwd / path
        if path.is_dir():
            folders.update(_folders_for(path.resolve()))
        elif (folder := model_folder(path, cwd)) is not None:
            folders.add(folder)
        elif not skip_outside:
            folders.add(path.resolve().parent)
    ordered = sorted(folders, key=lambda p: (len(p.parts), str(p)))
    kept: list[Path] = []
    for folder in ordered:
        if not any(folder.is_relative_to(k) for k in kept):
            kept.append(folder)
    return sorted(kept)
