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
root as a model without a card. A folder with no model below it is scanned as given, and so
is one that is a Hub repository (its README.md is a card with front matter) or that holds
binary content outside those model folders: a scan never leaves a file unread because of
where it sits.
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
# A folder holding weights is a model even without a config (GGUF or bare safetensors repos),
# and so is one holding any model format hflint reads (issue 12): a folder of only a .tflite,
# a SavedModel, a .keras or a .nemo must not be left out of a monorepo scan or a pre-commit run.
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".gguf", ".pkl", ".onnx", ".h5", ".msgpack",
                   ".hdf5", ".keras", ".tflite", ".pb", ".nemo", ".joblib")


# Core ML bundles: folders that are one model's files, never a model folder of their own.
# Their parts are named by where they sit (weights/weight.bin, analytics/coremldata.bin), so
# they are scanned from the folder that holds the bundle, which is that model's folder.
BUNDLE_SUFFIXES = (".mlmodelc", ".mlpackage")


def _is_model_folder(folder: Path) -> bool:
    if folder.suffix in BUNDLE_SUFFIXES:
        return False
    if any((folder / m).is_file() for m in MARKERS):
        return True
    try:
        return any(
            (p.suffix in WEIGHT_SUFFIXES and p.is_file()) or (p.suffix in BUNDLE_SUFFIXES and p.is_dir())
            for p in folder.iterdir()
        )
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
        if depth >= MAX_DISCOVERY_DEPTH or current.suffix in BUNDLE_SUFFIXES:
            continue
        try:
            children = sorted(p for p in current.iterdir() if p.is_dir() and not p.is_symlink())
        except OSError:
            continue
        queue += [(c, depth + 1) for c in children if c.name != ".git"]
    return found


def _folders_for(folder: Path) -> list[Path]:
    if folder.suffix in BUNDLE_SUFFIXES:
        return [folder.parent]  # a bundle is scanned with the folder that holds it
    if _is_model_folder(folder):
        return [folder]
    below = models_below(folder)
    if not below or _is_hub_repository(folder) or _content_outside(folder, below):
        return [folder]
    return below


def _is_hub_repository(folder: Path) -> bool:
    """A README.md that opens with YAML front matter is a Hub card: the folder is one
    repository (a model whose weights sit in onnx/ or coreml/, a dataset), scanned whole."""
    try:
        with (folder / "README.md").open("rb") as fh:
            return fh.read(5).lstrip(b"\xef\xbb\xbf").startswith(b"---")
    except OSError:
        return False


MAX_OUTSIDE_FILES = 10_000


def _content_outside(folder: Path, models: list[Path]) -> bool:
    """Whether a file outside the model folders below ``folder`` is content a scan must
    read: binary (a model format, an archive, a pickle under any name: not text) or named as
    one. Scanning only the model folders would pass such a file unread, so the folder is
    scanned whole instead. A monorepo's scripts, docs and configs are text and do not count.
    Past MAX_OUTSIDE_FILES files or MAX_DISCOVERY_DIRS folders the answer is yes: never skip
    what was not looked at."""
    from hflint.identify import looks_like_text  # lazy: a plain scan of one folder never gets here

    inside = set(models)
    seen = folders = 0
    queue = collections.deque([folder])
    while queue:
        current = queue.popleft()
        folders += 1
        if folders > MAX_DISCOVERY_DIRS:
            return True
        try:
            entries = sorted(current.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink() or entry.name == ".git":
                continue
            if entry.is_dir():
                if entry not in inside:
                    queue.append(entry)
                continue
            seen += 1
            if seen > MAX_OUTSIDE_FILES or entry.suffix.lower() in WEIGHT_SUFFIXES:
                return True
            try:
                with entry.open("rb") as fh:
                    head = fh.read(512)
            except OSError:
                continue
            if head and not looks_like_text(head):
                return True
    return False


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
