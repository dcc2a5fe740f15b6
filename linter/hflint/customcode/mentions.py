"""Repository files a loaded Python file names as code, beyond the relative imports that
transformers follows (hflint.customcode.discovery).

Deciding that nothing loads a file lowers what is reported about it (HF506/HF507 instead of
HF501/HF503), so the decision errs towards "loaded": a file counts when a loaded file names
it in any import (absolute or relative, ``from . import x`` included: an Inference Endpoints
handler runs with the repository on ``sys.path``), in a literal module name given to
``importlib.import_module``/``__import__``/``runpy``, or as a ``"name.py"`` string (a path
handed to ``spec_from_file_location``, ``runpy.run_path``, ``exec(open(...))``).
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Callable, Iterator

_IMPORTERS = frozenset({"import_module", "__import__", "run_module"})


def _module_paths(base: str, dotted: str) -> Iterator[str]:
    parts = [p for p in dotted.split(".") if p]
    if not parts:
        return
    stem = posixpath.join(base, *parts) if base else posixpath.join(*parts)
    yield stem + ".py"
    yield posixpath.join(stem, "__init__.py")


def _up(folder: str, levels: int) -> str | None:
    for _ in range(levels - 1):
        if not folder:
            return None  # beyond the repository root
        folder = posixpath.dirname(folder)
    return folder


def _relative_name(folder: str, name: str) -> tuple[str, str] | None:
    """(base folder, dotted rest) for ``.x``/``..x`` names given to import_module."""
    level = len(name) - len(name.lstrip("."))
    base = _up(folder, level) if level else ""
    return (base, name[level:]) if base is not None else None


def _candidates(tree: ast.AST, folder: str) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                for base in {folder, ""}:
                    yield from _module_paths(base, alias.name)
        elif isinstance(node, ast.ImportFrom):
            up = _up(folder, node.level) if node.level else None
            bases = [up] if up is not None else ([] if node.level else [folder, ""])
            for b in bases:
                yield from _module_paths(b, node.module or "")
                for alias in node.names:
                    yield from _module_paths(b, f"{node.module or ''}.{alias.name}")
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            first = node.args[0]
            if called in _IMPORTERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                split = _relative_name(folder, first.value)
                if split is not None:
                    yield from _module_paths(*split)
                    if not first.value.startswith("."):
                        yield from _module_paths(folder, first.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.endswith(".py"):
            value = node.value.replace("\\", "/").removeprefix("./")
            if len(value) < 300 and "://" not in value:
                for base in {folder, ""}:
                    yield posixpath.normpath(posixpath.join(base, value)) if base else posixpath.normpath(value)


def mentioned(tree: ast.AST, path: str, exists: Callable[[str], bool]) -> list[str]:
    """The existing repository files ``tree`` (the file at ``path``) names as code."""
    folder = posixpath.dirname(path)
    found = {c for c in _candidates(tree, folder) if not c.startswith("../") and c != path and exists(c)}
    return sorted(found)
