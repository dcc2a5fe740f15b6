"""The dangerous and safe pickle globals, loaded from ``rules/data`` (policy is data).

Matching is on the full dotted name (module + "." + name) after Python 2 name mapping:
* dangerous entries are dotted prefixes: ``os`` covers ``os.system`` and ``os.path.join``;
  ``builtins.eval`` covers ``builtins.eval`` only (and attributes of it);
* a name that walks attributes (``name`` with dots, protocol 4 ``find_class``) is also
  checked from each of its own components, so ``torch.serialization.os.system`` is
  ``os.system`` reached through a re-export; a dunder component (``__globals__``,
  ``__builtins__``) reaches interpreter internals and is dangerous by itself;
* safe entries are exact dotted names; ``module.*`` admits one name defined in ``module``
  itself and ``package.**`` one name defined in any module of the ``package`` namespace. A
  wildcard never admits a walk through attributes (``numpy.dtypes.Float64DType.type.tofile``
  reaches a method that writes any bytes to any path) nor an interpreter-provided dunder
  (``module.__builtins__`` is the builtins dict, which SETITEMS can rewrite): such a name is
  unlisted, and so is any dotted path below an exact entry.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from hflint.datacache import safe_data

DANGEROUS = "dangerous"
SAFE = "safe"
UNLISTED = "unlisted"


@dataclass(frozen=True)
class Policy:
    dangerous: dict[str, str]  # dotted prefix -> reason / advisory
    safe: frozenset[str]
    safe_wildcards: Wildcards
    script_safe: frozenset[str] = frozenset()  # allowed inside TorchScript archives only
    script_safe_wildcards: Wildcards = ((), ())
    # name -> the only uses that keep it safe, e.g. {"new", "build"} for a plain dataclass:
    # rebuilt by cls.__new__ and a __dict__ update, but never called (that runs __init__).
    safe_if_used: dict[str, frozenset[str]] = field(default_factory=dict)

    def classify(
        self, module: str, name: str, *, torchscript: bool = False, uses: frozenset[str] | None = None
    ) -> tuple[str, str]:
        """(verdict, reason) for one import; ``torchscript``: it sits in a TorchScript archive;
        ``uses``: how the stream uses it (None when unknown, e.g. found by fickling)."""
        dotted = f"{module}.{name}" if name else module
        reason = self._dangerous(dotted)
        if reason is None and "." in name:
            parts = name.split(".")
            for i in range(len(parts)):
                if parts[i].startswith("__") and parts[i].endswith("__"):
                    reason = f"attribute walk through {parts[i]} reaches interpreter internals"
                    break
                reason = self._dangerous(".".join(parts[i:]))
                if reason is not None:
                    break
        if reason is not None:
            return DANGEROUS, reason
        if dotted in self.safe or _wildcard(module, name, self.safe_wildcards):
            return SAFE, ""
        if torchscript and (dotted in self.script_safe or _wildcard(module, name, self.script_safe_wildcards)):
            return SAFE, ""
        allowed = self.safe_if_used.get(dotted)
        if allowed is not None:
            if uses is not None and uses <= allowed:
                return SAFE, ""
            how = ", ".join(sorted((uses or {"unknown"}) - allowed))
            return UNLISTED, f"allowed only as {'/'.join(sorted(allowed))}, here used as: {how}"
        return UNLISTED, ""

    def _dangerous(self, dotted: str) -> str | None:
        parts = dotted.split(".")
        for i in range(len(parts), 0, -1):
            reason = self.dangerous.get(".".join(parts[:i]))
            if reason is not None:
                return reason
        return None


Wildcards = tuple[tuple[str, ...], tuple[str, ...]]  # (modules of ``m.*``, packages of ``p.**``)


def _wildcard(module: str, name: str, wildcards: Wildcards) -> bool:
    """Whether ``module``.``name`` is one plain name that a wildcard entry admits."""
    modules, packages = wildcards
    if not name.isidentifier() or (name.startswith("__") and name.endswith("__")):
        return False  # an attribute walk ("A.b.c" is no identifier) or an interpreter dunder
    return module in modules or module in packages or module.startswith(tuple(p + "." for p in packages))


@functools.cache
def load(dangerous_path: Path, safe_path: Path) -> Policy:
    dangerous: dict[str, str] = {}
    for entry in _entries(dangerous_path, "dangerous"):
        for prefix in entry.names:
            dangerous[prefix] = entry.reason
    entries = _entries(safe_path, "safe")
    safe, prefixes = _names([e for e in entries if e.uses is None])
    script_safe, script_prefixes = _names(_entries(safe_path, "torchscript", required=False))
    if_used = {n: e.uses for e in entries if e.uses is not None for n in e.names}
    return Policy(dangerous, safe, prefixes, script_safe, script_prefixes, if_used)


def _names(entries: list[_Entry]) -> tuple[frozenset[str], Wildcards]:
    """Exact names, and the wildcards: modules written ``module.*``, packages ``package.**``."""
    names = [n for e in entries for n in e.names]
    packages = tuple(n[:-3] for n in names if n.endswith(".**"))
    modules = tuple(n[:-2] for n in names if n.endswith(".*") and not n.endswith(".**"))
    return frozenset(n for n in names if not n.endswith(".*")), (modules, packages)


USES = frozenset({"new", "build", "call", "escape", "drop"})


@dataclass(frozen=True)
class _Entry:
    names: list[str]
    reason: str
    uses: frozenset[str] | None = None


def _entries(path: Path, key: str, *, required: bool = True) -> list[_Entry]:
    doc = safe_data(path)
    if not required and isinstance(doc, dict) and key not in doc:
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        raise ValueError(f"{path.name}: expected a mapping with a '{key}' list")
    out = []
    for i, entry in enumerate(doc[key]):
        entry = entry if isinstance(entry, dict) else {}
        names, reason = entry.get("names"), entry.get("reason")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
            raise ValueError(f"{path.name}: {key}[{i}] needs a non-empty 'names' list of strings")
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"{path.name}: {key}[{i}] needs a 'reason'")
        uses = entry.get("uses")
        if uses is not None and (not isinstance(uses, list) or not uses or not set(uses) <= USES):
            raise ValueError(f"{path.name}: {key}[{i}] 'uses' is a list of: {', '.join(sorted(USES))}")
        if uses is not None and any(n.endswith(".*") for n in names):
            raise ValueError(f"{path.name}: {key}[{i}] 'uses' applies to exact names, not module.* prefixes")
        bad = [n for n in names if "*" in n.removesuffix(".**").removesuffix(".*")]
        if bad:
            raise ValueError(f"{path.name}: {key}[{i}] {bad[0]!r}: a wildcard is 'module.*' or 'package.**'")
        out.append(_Entry(names, reason, None if uses is None else frozenset(uses)))
    return out
