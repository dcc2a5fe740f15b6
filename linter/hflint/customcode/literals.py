"""The finite set of strings a name can hold, when the code says so with literals.

``for name in ("float16", "bfloat16"): getattr(torch, name)`` and
``[getattr(torch, n) for n in ["cuda", "xpu"]]`` look up one of a few names written in the
file; a reader resolves them at a glance, and so does HF503: it judges each name instead of
calling the lookup "computed". A name resolves only when *every* binding of it in its scope
is a ``for`` loop (or comprehension) over a literal tuple, list, set or dict of strings, or
over a module-level constant bound once to such a literal and never touched through an
attribute (``NAMES.append(...)``). Anything else - a parameter, an assignment, ``global``, a
walrus, an import, a ``match`` capture - leaves the name unresolved, which HF503 reports as
before. Scopes follow Python's rules (PEP 227 / the language reference, "Resolution of
names"): functions, lambdas and comprehensions are scopes; class bodies are not enclosing
scopes for the functions inside them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

MAX_VALUES = 1000  # a literal longer than this is not "a few names"
_SCOPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_UNKNOWN = None


def literal_strings(node: ast.AST) -> frozenset[str] | None:
    """The strings of a literal tuple/list/set (or a dict's keys), else None."""
    if isinstance(node, ast.Dict):
        items: list[ast.expr | None] = list(node.keys)
    elif isinstance(node, ast.Tuple | ast.List | ast.Set):
        items = list(node.elts)
    else:
        return None
    if not items or len(items) > MAX_VALUES:
        return None
    values = [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
    return frozenset(values) if len(values) == len(items) else None


class _Binding:
    """How a name is bound in one scope: the literal iterables of the for loops that bind
    it, the constant literals assigned to it, and whether anything else binds it."""

    def __init__(self) -> None:
        self.loops: list[ast.expr] = []
        self.constants: list[ast.expr] = []
        self.other = False
        self.touched = False  # used as NAME.attr somewhere (a list could be mutated)


def _same_scope(node: ast.AST) -> list[ast.AST]:
    """The parts of ``node`` evaluated in the scope that contains it: a nested def's
    decorators and defaults (its body is another scope), a class's decorators, bases and
    keywords, a comprehension's first iterable and any walrus inside it (PEP 572: a walrus
    in a comprehension binds in the containing scope)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        outer: list[ast.AST] = [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
        return outer if isinstance(node, ast.Lambda) else [*node.decorator_list, *outer]
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
    if isinstance(node, _COMPREHENSIONS):
        return [node.generators[0].iter, *(n for n in ast.walk(node) if isinstance(n, ast.NamedExpr))]
    return list(ast.iter_child_nodes(node))


def _body(scope: ast.AST) -> list[ast.AST]:
    if isinstance(scope, ast.Lambda):
        return [scope.body]
    if isinstance(scope, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return list(scope.body)
    return []


class Scopes:
    """Per-file index: each node's parent, and each scope's bindings (built lazily, once)."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.parent: dict[int, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parent[id(child)] = node
        self._bindings: dict[int, dict[str, _Binding]] = {}

    def _index(self, scope: ast.AST) -> dict[str, _Binding]:
        found = self._bindings.get(id(scope))
        if found is not None:
            return found
        table: dict[str, _Binding] = {}

        def entry(name: str) -> _Binding:
            return table.setdefault(name, _Binding())

        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            a = scope.args
            for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]:
                if arg is not None:
                    entry(arg.arg).other = True
        stack = _body(scope)
        while stack:
            node = stack.pop()
            if isinstance(node, ast.For | ast.AsyncFor) and isinstance(node.target, ast.Name):
                entry(node.target.id).loops.append(node.iter)
                stack.append(node.iter)
                stack.extend([*node.body, *node.orelse])
                continue
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and literal_strings(node.value) is not None
            ):
                entry(node.targets[0].id).constants.append(node.value)
                continue
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                entry(node.id).other = True
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                entry(node.value.id).touched = True
            elif isinstance(node, ast.Global | ast.Nonlocal):
                for name in node.names:
                    entry(name).other = True
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                entry(node.name).other = True
            elif isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    entry((alias.asname or alias.name).split(".")[0]).other = True
            elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
                entry(node.name).other = True
            elif isinstance(node, ast.MatchMapping) and node.rest:
                entry(node.rest).other = True
            stack.extend(_same_scope(node))
        self._bindings[id(scope)] = table
        return table

    def _enclosing(self, node: ast.AST) -> Iterator[ast.AST]:
        """The scopes a name in ``node`` is looked up in, innermost first (class bodies
        only for code directly in them)."""
        current: ast.AST | None = self.parent.get(id(node))
        first = True
        while current is not None:
            if isinstance(current, _COMPREHENSIONS) or (
                isinstance(current, _SCOPES) and (first or not isinstance(current, ast.ClassDef))
            ):
                yield current
                if not isinstance(current, _COMPREHENSIONS):
                    first = False
            current = self.parent.get(id(current))

    def strings(self, node: ast.AST) -> frozenset[str] | None:
        """The strings ``node`` can evaluate to, when that is a small known set."""
        if isinstance(node, ast.Constant):
            return frozenset([node.value]) if isinstance(node.value, str) else _UNKNOWN
        if not isinstance(node, ast.Name):
            return _UNKNOWN
        for scope in self._enclosing(node):
            if isinstance(scope, _COMPREHENSIONS):
                iters = [g.iter for g in scope.generators if isinstance(g.target, ast.Name) and g.target.id == node.id]
                nested = (
                    n
                    for g in scope.generators
                    for n in ast.walk(g.target)
                    if n is not g.target and isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
                )
                if any(n.id == node.id for n in nested):
                    return _UNKNOWN  # unpacked into a tuple target: not one literal element
                if iters:
                    return self._union(iters, scope)
                continue
            binding = self._index(scope).get(node.id)
            if binding is None:
                continue  # free here: look further out
            if binding.other or binding.constants or not binding.loops:
                return _UNKNOWN
            return self._union(binding.loops, scope)
        return _UNKNOWN

    def _union(self, iterables: list[ast.expr], scope: ast.AST) -> frozenset[str] | None:
        out: set[str] = set()
        for iterable in iterables:
            values = literal_strings(iterable)
            if values is None and isinstance(iterable, ast.Name):
                values = self._constant(iterable.id)
            if values is None:
                return _UNKNOWN
            out |= values
        return frozenset(out)

    def _constant(self, name: str) -> frozenset[str] | None:
        """A module-level name bound exactly once, to a literal, and never used as NAME.attr."""
        binding = self._index(self.tree).get(name)
        if binding is None or binding.other or binding.loops or binding.touched or len(binding.constants) != 1:
            return _UNKNOWN
        return literal_strings(binding.constants[0])
