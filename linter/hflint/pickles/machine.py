"""The symbolic machine of the opcode walk: a stack, a memo and the MARK positions, whose
values are hflint.pickles.values, and the record of every import and how it is used.

Python 2 names are mapped as pickle's ``fix_imports`` does (``_compat_pickle``), so
``__builtin__.eval`` is reported as ``builtins.eval``.
"""

from __future__ import annotations

from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING
from typing import Any

from hflint.pickles.buffered import Buffered
from hflint.pickles.readers import LimitHit, Limits, Unreadable
from hflint.pickles.values import MARK, OPAQUE, GlobalRef, Import, Stream, literal


class Machine:
    """The stack, memo and marks of one stream's walk, and how it records imports."""

    def __init__(self, reader: Buffered, limits: Limits) -> None:
        self.r = reader
        self.limits = limits
        self.stack: list[Any] = []
        self.memo: dict[int, Any] = {}
        self.out = Stream()
        self.after_build: Any = None  # callable(Obj, Reader) -> None
        self._popped: list[GlobalRef] = []  # globals the current opcode consumed
        self.index = 0  # opcodes read so far
        self.marks: list[int] = []  # stack positions of the MARKs on it, innermost last
        self._refs: dict[tuple[str, str, bool], tuple[GlobalRef, str | None]] = {}  # per name as written

    # -- stack -------------------------------------------------------------------------
    def _pop(self) -> Any:
        if not self.stack or self.stack[-1] is MARK:
            raise Unreadable("stack underflow", self.r.tell())
        value = self.stack.pop()
        if type(value) is GlobalRef:
            self._popped.append(value)
        return value

    def _pop_mark(self) -> list[Any]:
        if not self.marks:
            raise Unreadable("no MARK on the stack", self.r.tell())
        i = self.marks.pop()
        items = self.stack[i + 1 :]
        del self.stack[i:]
        self._popped += [v for v in items if type(v) is GlobalRef]
        return items

    def _pop_n(self, n: int) -> list[Any]:
        """The top ``n`` values, as n pops would take them (none of them a MARK)."""
        base = len(self.stack) - n
        if base < 0 or (self.marks and self.marks[-1] >= base):
            raise Unreadable("stack underflow", self.r.tell())
        items = self.stack[base:]
        del self.stack[base:]
        self._popped += [v for v in items if type(v) is GlobalRef]
        return items

    def _use(self, ref: Any, role: str) -> None:
        """Record how a consumed global is used; the rest of this opcode's pops escape."""
        if type(ref) is GlobalRef:
            self.out.uses.setdefault((ref.module, ref.name), set()).add(role)
            self._popped.remove(ref)

    def _settle(self, opname: str) -> None:
        role = "drop" if opname in ("POP", "POP_MARK") else "escape"
        for ref in self._popped:
            self.out.uses.setdefault((ref.module, ref.name), set()).add(role)
        self._popped.clear()

    def _push(self, value: Any) -> None:
        if value is MARK:  # pushed by MARK, or again by DUP or a memo GET
            self.marks.append(len(self.stack))
        self.stack.append(value)
        if len(self.stack) > self.limits.max_stack:
            raise LimitHit(f"stack deeper than {self.limits.max_stack}", self.r.tell())

    def _import(self, module: Any, name: Any, pos: int, index: int, opname: str) -> GlobalRef | Any:
        if not isinstance(module, str) or not isinstance(name, str):
            if not (literal(module) or literal(name)):  # a literal that is no str: pickle refuses it
                self.out.unresolved += 1
            self.out.problems.append(
                (f"{opname} with operands that are not plain strings: the imported name is computed", pos)
            )
            return OPAQUE
        key = (module, name, self.out.protocol < 3)
        known = self._refs.get(key)
        if known is None:  # once per name: the mapping and the GlobalRef
            raw = None
            if self.out.protocol < 3:  # pickle's fix_imports maps Python 2 names (_compat_pickle)
                mapped = NAME_MAPPING.get((module, name)) or (IMPORT_MAPPING.get(module, module), name)
                if mapped != (module, name):
                    raw = f"{module}.{name}"
                    module, name = mapped
            known = self._refs[key] = (GlobalRef(module, name), raw)
        ref, raw = known
        self.out.imports.append(Import(ref.module, ref.name, pos, index, opname, raw))
        return ref
