"""Resolve names in a module to the qualified names they refer to, through import aliases.

``import subprocess as sp`` makes ``sp.run`` subprocess.run; ``from os import system as s``
makes ``s`` os.system; ``e = exec`` makes ``e`` builtins.exec; ``getattr(os, "system")``,
``__builtins__["exec"]``, ``importlib.import_module("os")`` and ``__import__("os")`` resolve
too. The analysis is flow-insensitive (an alias anywhere in the file counts everywhere), which
errs towards reporting. Everything is iterative: hostile files can nest deeply.
"""

from __future__ import annotations

import ast
import builtins

_BUILTINS = frozenset(dir(builtins))
# Builtins a file cannot hide by defining a function or parameter of the same name: a
# flow-insensitive "shadowed" set would otherwise let `def exec(): ...` anywhere in the file
# silence every bare exec(...) call.
NEVER_SHADOWED = frozenset(
    {"exec", "eval", "compile", "__import__", "open", "breakpoint", "getattr", "setattr", "globals", "vars"}
)
_MODULE_GLOBALS = frozenset({"__file__", "__name__", "__spec__", "__loader__", "__path__"})
_IMPORTERS = frozenset({"importlib.import_module", "builtins.__import__"})


def literal_str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


class Names:
    def __init__(self, tree: ast.Module) -> None:
        self.aliases: dict[str, str] = {}
        self.shadowed: set[str] = set()
        self.star_imports: list[tuple[ast.ImportFrom, str]] = []
        pending: list[tuple[str, ast.expr]] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        self.aliases[a.asname] = a.name
                    else:
                        top = a.name.split(".")[0]
                        self.aliases[top] = top
            elif isinstance(node, ast.ImportFrom):
                self._import_from(node)
            elif isinstance(node, ast.Assign | ast.AnnAssign | ast.NamedExpr) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        pending.append((target.id, node.value))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self.shadowed.add(node.name)
            elif isinstance(node, ast.arg):
                self.shadowed.add(node.arg)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self.shadowed.add(node.id)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                self.shadowed.add(node.name)
        # `a = os; b = a.system` needs a second round; three covers realistic chains.
        for _ in range(3):
            changed = False
            for name, value in pending:
                q = self.qualname(value)
                if q is not None and self.aliases.get(name) != q:
                    self.aliases[name] = q
                    changed = True
            if not changed:
                break

    def _import_from(self, node: ast.ImportFrom) -> None:
        for a in node.names:
            bound = a.asname or a.name
            if node.level:  # relative import: this repository's own module, not a library
                self.shadowed.add(bound)
            elif a.name == "*":
                self.star_imports.append((node, node.module or ""))
            else:
                self.aliases[bound] = f"{node.module}.{a.name}"

    def _name(self, name: str) -> str | None:
        if name in self.aliases:
            return self.aliases[name]
        if name == "__builtins__":
            return "builtins"
        if name in self.shadowed and name not in NEVER_SHADOWED:
            return None
        if name in _BUILTINS:
            return f"builtins.{name}"
        if name in _MODULE_GLOBALS:
            return name
        return None

    def qualname(self, node: ast.AST) -> str | None:
        """The qualified name ``node`` refers to, or None when it is not statically known."""
        attrs: list[str] = []
        while True:
            if isinstance(node, ast.Attribute):
                attrs.append(node.attr)
                node = node.value
                continue
            if isinstance(node, ast.Subscript) and (key := literal_str(node.slice)) is not None:
                # __builtins__["exec"], mod.__dict__["x"], vars(mod)["x"], globals()["exec"]
                attrs.append(key)
                node = node.value
                continue
            break
        base = self._base(node)
        if base is None:
            return None
        parts = [base]
        for attr in reversed(attrs):
            if attr == "__dict__":
                continue
            parts.append(attr)
        return ".".join(parts)

    def _base(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if not isinstance(node, ast.Call):
            return None
        func = self.qualname(node.func)
        first = node.args[0] if node.args else None
        if func in _IMPORTERS:
            return literal_str(first)
        if func == "builtins.getattr" and len(node.args) >= 2 and first is not None:
            obj, attr = self.qualname(first), literal_str(node.args[1])
            return f"{obj}.{attr}" if obj and attr else None
        if func == "builtins.vars" and first is not None:
            return self.qualname(first)
        if func == "builtins.globals":
            return "builtins"  # globals()["exec"] falls through to the builtins
        return None

    def imported(self, node: ast.AST) -> str | None:
        """Like qualname, but only for names that come from an import or the builtins module."""
        q = self.qualname(node)
        if q is None or q in _MODULE_GLOBALS:
            return None
        return q
