"""HF503's call analysis: dangerous calls, decoded payloads fed to exec, writes outside the
working directory, and patches of imported modules - from the AST, never by running it.

Each hit has the node's position and a detail a reviewer can act on. Calls outside any
function or lambda run when the module is imported, which transformers does as soon as a
user loads the model with trust_remote_code=True, so their detail says so.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from hflint.customcode.literals import Scopes
from hflint.customcode.policy import CallPolicy, CallRule, below
from hflint.customcode.resolve import Names, literal_str

_WRITE_MODES = frozenset("wax+")
_ON_IMPORT = " - runs on import"
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass(frozen=True, slots=True)
class Hit:
    line: int
    offset: int  # 0-based UTF-8 byte offset, as ast gives it
    detail: str


def _walk_with_scope(tree: ast.Module) -> Iterator[tuple[ast.AST, bool]]:
    """Every node with whether it runs at import time (not inside a function or lambda)."""
    stack: list[tuple[ast.AST, bool]] = [(tree, True)]
    while stack:
        node, at_import = stack.pop()
        yield node, at_import
        inner = at_import and not isinstance(node, _FUNCTIONS)
        if isinstance(node, _FUNCTIONS):
            # Decorators and defaults are evaluated when the def itself runs.
            outer: list[ast.AST] = [*getattr(node, "decorator_list", []), *node.args.defaults]
            outer += [d for d in node.args.kw_defaults if d is not None]
            stack.extend((child, at_import) for child in outer)
            body = node.body if isinstance(node.body, list) else [node.body]
            stack.extend((child, False) for child in body)
            continue
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _constant(node: ast.expr | None, names: Names) -> object:
    if isinstance(node, ast.Constant):
        return node.value
    if node is not None:
        return names.qualname(node)  # Loader=yaml.SafeLoader
    return None


class Analysis:
    def __init__(self, tree: ast.Module, policy: CallPolicy) -> None:
        self.tree = tree
        self.policy = policy
        self.names = Names(tree)
        self.scopes = Scopes(tree)
        self.decoded: dict[str, str] = {}
        self._find_decoded_names()

    # -- decoded payloads ------------------------------------------------------------

    def _decoder_in(self, expr: ast.AST) -> str | None:
        """The decoder call (or decoded variable) anywhere in ``expr``."""
        for node in ast.walk(expr):
            if isinstance(node, ast.Call):
                q = self.names.qualname(node.func)
                if q is not None and self.policy.is_decoder(q):
                    return q
                if isinstance(node.func, ast.Attribute) and node.func.attr in ("fromhex", "b64decode", "decompress"):
                    return node.func.attr
            elif isinstance(node, ast.Name) and node.id in self.decoded:
                return self.decoded[node.id]
        return None

    def _find_decoded_names(self) -> None:
        assigns = [n for n in ast.walk(self.tree) if isinstance(n, ast.Assign | ast.AnnAssign) and n.value]
        for _ in range(3):  # payload = b64decode(s); code = payload.decode(); exec(code)
            before = len(self.decoded)
            for node in assigns:
                assert node.value is not None
                source = self._decoder_in(node.value)
                if source is None:
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for t in ast.walk(target):
                        if isinstance(t, ast.Name):
                            self.decoded.setdefault(t.id, source)
            if len(self.decoded) == before:
                break

    # -- the scan --------------------------------------------------------------------

    def hits(self) -> Iterator[Hit]:
        for imp, star in self.names.star_imports:
            rule = self.policy.rule_for(star)
            if rule is not None:
                yield Hit(imp.lineno, imp.col_offset, f"from {star} import *: {rule.reason}")
        for node, at_import in _walk_with_scope(self.tree):
            where = _ON_IMPORT if at_import else ""
            if isinstance(node, ast.Call):
                yield from self._call(node, where)
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
                yield from self._lookup(node, where)
            elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
                targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
                for target in targets:
                    yield from self._patch(target, where)

    def _call(self, call: ast.Call, where: str) -> Iterator[Hit]:
        name = self.names.qualname(call.func)
        at = (call.lineno, call.col_offset)
        if name is not None:
            rule = self.policy.rule_for(name)
            if rule is not None and self._applies(rule, call):
                yield Hit(*at, self._detail(name, rule, call) + where)
                return
            if name in ("builtins.setattr", "builtins.delattr") and call.args:
                target = self.names.imported(call.args[0])
                if target is not None:
                    yield Hit(
                        *at,
                        f"{name.split('.')[-1]}() on {target} patches an imported module or object "
                        f"for all code in the process; check what is replaced{where}",
                    )
                    return
            if name == "builtins.getattr" and len(call.args) >= 2 and literal_str(call.args[1]) is None:
                target = self.names.imported(call.args[0])
                if target is not None:
                    yield from self._getattr(call, target, where)
                    return
            if any(name == w for w in self.policy.file_writes):
                yield from self._write(name, call, where)
                return
        if isinstance(call.func, ast.Attribute) and call.func.attr in self.policy.address_methods.names:
            module = self.policy.address_module
            if any(below(q, module) for q in self.names.aliases.values()):
                yield Hit(*at, f".{call.func.attr}() on a {module} type: {self.policy.address_methods.reason}{where}")
                return
        if isinstance(call.func, ast.Attribute) and call.func.attr in self.policy.pathlib_writes:
            receiver = call.func.value
            if self._is_path(receiver) and (outside := self._outside(receiver)):
                yield Hit(
                    *at,
                    f"Path.{call.func.attr}() on a path built from {outside}, outside the working "
                    f"directory; model code should only write where the user asked{where}",
                )

    def _getattr(self, call: ast.Call, target: str, where: str) -> Iterator[Hit]:
        """``getattr(module, name)``: judge each name the code can hold; only a name that is
        truly computed hides which function is called."""
        at = (call.lineno, call.col_offset)
        values = self.scopes.strings(call.args[1])
        if values is None:
            yield Hit(*at, f"getattr() on {target} with a computed name hides which function is called{where}")
            return
        reached = [(f"{target}.{v}", r) for v in sorted(values) if (r := self.policy.rule_for(f"{target}.{v}"))]
        if reached:
            names = ", ".join(f"{q}()" for q, _ in reached)
            reason = reached[0][1].reason
            yield Hit(*at, f"getattr() on {target} over {sorted(values)} reaches {names}: {reason}{where}")

    def _lookup(self, node: ast.Subscript, where: str) -> Iterator[Hit]:
        """``__builtins__[name]``, ``globals()[name]``, ``vars(os)[name]`` with a computed name."""
        if literal_str(node.slice) is not None:
            return  # a literal key resolves like an attribute and is checked where it is called
        owner = node.value
        if isinstance(owner, ast.Call) and self.names.qualname(owner.func) in ("builtins.globals", "builtins.vars"):
            shown = f"{self.names.qualname(owner.func)}()"
        elif self.names.qualname(owner) in ("builtins", "builtins.__dict__"):
            shown = "builtins"
        elif isinstance(owner, ast.Attribute) and owner.attr == "__dict__" and self.names.imported(owner.value):
            shown = f"{self.names.imported(owner.value)}.__dict__"
        else:
            return
        yield Hit(
            node.lineno,
            node.col_offset,
            f"looks up {shown} with a computed key, hiding which function is called{where}",
        )

    def _applies(self, rule: CallRule, call: ast.Call) -> bool:
        if rule.unless_literal and call.args and literal_str(call.args[0]) is not None:
            return False
        for key, value in rule.unless_keyword.items():
            if _constant(_keyword(call, key), self.names) == value:
                return False
        return all(_constant(_keyword(call, key), self.names) == value for key, value in rule.if_keyword.items())

    def _detail(self, name: str, rule: CallRule, call: ast.Call) -> str:
        detail = f"{name}(): {rule.reason}"
        if self.policy.is_sink(name):
            payload = [*call.args[:1], *(k.value for k in call.keywords if k.arg == "source")]
            source = next((s for p in payload if (s := self._decoder_in(p))), None)
            if source is not None:
                detail = (
                    f"{name}() runs data decoded with {source}: an obfuscated payload; decode it "
                    "without running it and read it before anything else"
                )
        return detail

    # -- file writes -----------------------------------------------------------------

    def _write(self, name: str, call: ast.Call, where: str) -> Iterator[Hit]:
        if name in ("builtins.open", "io.open"):
            mode = call.args[1] if len(call.args) > 1 else _keyword(call, "mode")
            text = literal_str(mode) if mode is not None else "r"
            if text is not None and not (_WRITE_MODES & set(text)):
                return  # reading is not writing
            paths = call.args[:1] or [k.value for k in call.keywords if k.arg == "file"]
        else:
            paths = [*call.args, *(k.value for k in call.keywords if k.arg in ("src", "dst", "path", "name"))]
        for path in paths:
            outside = self._outside(path)
            if outside:
                yield Hit(
                    call.lineno,
                    call.col_offset,
                    f"{name}() writes to a path built from {outside}, outside "
                    f"the working directory; model code should only write where the user asked{where}",
                )
                return

    def _is_path(self, expr: ast.AST) -> bool:
        for node in ast.walk(expr):
            if isinstance(node, ast.Call) and (q := self.names.qualname(node.func)) and below(q, "pathlib"):
                return True
        return False

    def _outside(self, expr: ast.AST) -> str | None:
        for node in ast.walk(expr):
            text = literal_str(node)
            if text is not None and (
                text.startswith(("/", "~", "\\")) or ".." in text.split("/") or text[1:3] == ":\\"
            ):
                return repr(text[:60])
            if isinstance(node, ast.Name | ast.Attribute):
                q = self.names.qualname(node)
                if q is not None and self.policy.is_outside(q):
                    return q
        return None

    # -- patches of imported modules -------------------------------------------------

    def _patch(self, target: ast.AST, where: str) -> Iterator[Hit]:
        if isinstance(target, ast.Tuple | ast.List):
            for elt in target.elts:
                yield from self._patch(elt, where)
            return
        if isinstance(target, ast.Attribute):
            owner = self.names.imported(target.value)
            if owner is not None:
                yield Hit(
                    target.lineno,
                    target.col_offset,
                    f"assigns {owner}.{target.attr}, patching an imported "
                    f"module for all code in the process; check what is replaced{where}",
                )
        elif isinstance(target, ast.Subscript):
            owner = self.names.qualname(target.value)
            if owner in ("sys.modules", "builtins", "builtins.__dict__"):
                yield Hit(
                    target.lineno,
                    target.col_offset,
                    f"assigns into {owner}, replacing a module or builtin for all code in the process{where}",
                )
