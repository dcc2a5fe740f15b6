"""Walk one pickle stream opcode by opcode, never unpickling, and list what it imports.

Opcodes are decoded from ``pickletools``' table; their arguments are read by
hflint.pickles.opargs, which skips a multi-GB BINBYTES8 rather than loading it. A small
symbolic stack and memo follow the strings that STACK_GLOBAL pops: picklescan#14 showed
that looking only at the two preceding opcodes misses names fetched from the memo (BINGET)
or built by other opcodes.
Imports come from GLOBAL, INST (picklescan#13) and STACK_GLOBAL; EXT1/2/4 name a global
through copyreg's extension registry, which cannot be resolved statically (HF403).
"""

from __future__ import annotations

import pickle
import pickletools
from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING
from typing import Any

from hflint.pickles.buffered import Buffered
from hflint.pickles.opargs import ArgReader
from hflint.pickles.readers import LimitHit, Limits, Unreadable
from hflint.pickles.values import MARK, OPAQUE, GlobalRef, Import, Obj, PersId, Stream, SymDict

OPCODES = {op.code.encode("latin-1"): op for op in pickletools.opcodes}
ORDERED_DICT = GlobalRef("collections", "OrderedDict")


class Walker:
    """Walks one stream; ``after_build`` lets joblib skip array bytes inlined after BUILD."""

    def __init__(self, reader: Buffered, limits: Limits) -> None:
        self.r = reader
        self.args = ArgReader(reader)
        self.limits = limits
        self.stack: list[Any] = []
        self.memo: dict[int, Any] = {}
        self.out = Stream()
        self.after_build: Any = None  # callable(Obj, Reader) -> None
        self._popped: list[GlobalRef] = []  # globals the current opcode consumed

    # -- stack -------------------------------------------------------------------------
    def _pop(self) -> Any:
        if not self.stack or self.stack[-1] is MARK:
            raise Unreadable("stack underflow", self.r.tell())
        value = self.stack.pop()
        if type(value) is GlobalRef:
            self._popped.append(value)
        return value

    def _pop_mark(self) -> list[Any]:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i] is MARK:
                items = self.stack[i + 1 :]
                del self.stack[i:]
                self._popped += [v for v in items if type(v) is GlobalRef]
                return items
        raise Unreadable("no MARK on the stack", self.r.tell())

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
        self.stack.append(value)
        if len(self.stack) > self.limits.max_stack:
            raise LimitHit(f"stack deeper than {self.limits.max_stack}", self.r.tell())

    def _import(self, module: Any, name: Any, pos: int, index: int, opname: str) -> GlobalRef | Any:
        if not isinstance(module, str) or not isinstance(name, str):
            if not (_literal(module) or _literal(name)):  # a literal that is no str: pickle refuses it
                self.out.unresolved += 1
            self.out.problems.append(
                (f"{opname} with operands that are not plain strings: the imported name is computed", pos)
            )
            return OPAQUE
        raw = None
        if self.out.protocol < 3:  # pickle's fix_imports maps Python 2 names (_compat_pickle)
            mapped = NAME_MAPPING.get((module, name)) or (IMPORT_MAPPING.get(module, module), name)
            if mapped != (module, name):
                raw = f"{module}.{name}"
                module, name = mapped
        self.out.imports.append(Import(module, name, pos, index, opname, raw))
        return GlobalRef(module, name)

    # -- the walk ----------------------------------------------------------------------
    def walk(self) -> Stream:
        out = self.out
        out.start = self.r.tell()
        index = 0
        prev = ""
        while True:
            pos = self.r.tell()
            code = self.r.read(1)
            if not code:
                raise Unreadable("stream ends before STOP (truncated)", pos)
            op = OPCODES.get(code)
            if op is None:
                raise Unreadable(f"invalid opcode 0x{code[0]:02x}", pos)
            index += 1
            if index > self.limits.max_opcodes:
                raise LimitHit(f"more than {self.limits.max_opcodes} opcodes in one stream", pos)
            arg = self.args.read(op)
            name = op.name
            if self._popped:
                self._settle(prev)
            prev = name
            if name == "STOP":
                out.result = self._pop() if self.stack else OPAQUE
                self._settle(name)  # a global returned as the result escapes to the caller
                out.end, out.opcodes = self.r.tell(), index
                return out
            if name == "PROTO":
                if arg > pickle.HIGHEST_PROTOCOL:
                    raise Unreadable(f"unsupported pickle protocol {arg}", pos)
                out.protocol = arg
            elif name == "FRAME":
                pass
            elif name in ("GLOBAL", "INST"):
                ref = self._import(arg[0], arg[1], pos, index, name)
                if name == "INST":
                    self._push(Obj(ref, tuple(self._pop_mark())))
                    if type(ref) is GlobalRef:
                        self.out.uses.setdefault((ref.module, ref.name), set()).add("call")
                else:
                    self._push(ref)
            elif name == "STACK_GLOBAL":
                attr, module = self._pop(), self._pop()
                self._push(self._import(module, attr, pos, index, name))
            elif name in ("EXT1", "EXT2", "EXT4"):
                if arg <= 0:  # pickle.py get_extension: "EXT specifies code <= 0"
                    raise Unreadable(f"{name} with code {arg}, which pickle refuses", pos)
                # HF403 reports it; it does not count as an import in ``unresolved``: the
                # registry is empty unless the loading process itself registers the code
                out.problems.append((f"{name} imports through copyreg's extension registry (code {arg})", pos))
                self._push(OPAQUE)
            elif name in ("PUT", "BINPUT", "LONG_BINPUT", "MEMOIZE"):
                key = len(self.memo) if name == "MEMOIZE" else _memo_key(arg, pos)
                if not self.stack:
                    raise Unreadable("memo store from an empty stack", pos)
                self.memo[key] = self.stack[-1]
                if len(self.memo) > self.limits.max_memo:
                    raise LimitHit(f"memo larger than {self.limits.max_memo}", pos)
            elif name in ("GET", "BINGET", "LONG_BINGET"):
                key = _memo_key(arg, pos)
                if key not in self.memo:
                    raise Unreadable(f"memo key {key} read before it was stored", pos)
                self._push(self.memo[key])
            elif name == "MARK":
                self._push(MARK)
            elif name == "POP":
                self._pop()
            elif name == "POP_MARK":
                self._pop_mark()
            elif name == "DUP":
                self._push(self.stack[-1] if self.stack else self._pop())
            elif name in ("PERSID", "BINPERSID"):
                out.persistent_ids += 1
                self._push(PersId(self._pop() if name == "BINPERSID" else arg))
            elif name in ("REDUCE", "NEWOBJ"):
                args = self._pop()
                cls = self._pop()
                self._use(cls, "call" if name == "REDUCE" else "new")
                # OrderedDict() then SETITEMS is how torch.save writes a state dict
                self._push(SymDict() if cls == ORDERED_DICT and args == () else Obj(cls, args))
            elif name == "NEWOBJ_EX":
                self._pop()
                args = self._pop()
                cls = self._pop()
                self._use(cls, "new")
                self._push(Obj(cls, args))
            elif name == "OBJ":
                items = self._pop_mark()
                if not items:
                    raise Unreadable("OBJ without a class", pos)
                self._use(items[0], "call")
                self._push(Obj(items[0], tuple(items[1:])))
            elif name == "BUILD":
                state = self._pop()
                target = self._pop()
                if isinstance(target, Obj):
                    target.state = state
                    if type(target.cls) is GlobalRef:  # __setstate__, or a __dict__ update
                        self.out.uses.setdefault((target.cls.module, target.cls.name), set()).add("build")
                self._push(target)
                if self.after_build is not None and isinstance(target, Obj):
                    self.after_build(target, self.r)
            elif name in ("TUPLE", "TUPLE1", "TUPLE2", "TUPLE3", "EMPTY_TUPLE"):
                n = {"EMPTY_TUPLE": 0, "TUPLE1": 1, "TUPLE2": 2, "TUPLE3": 3}.get(name)
                items = self._pop_mark() if n is None else [self._pop() for _ in range(n)][::-1]
                self._push(tuple(items))
            elif name == "EMPTY_DICT":
                self._push(SymDict())
            elif name in ("DICT", "SETITEMS"):
                items = self._pop_mark()
                if len(items) % 2:
                    raise Unreadable(f"{name} with an odd number of items", pos)
                target = SymDict() if name == "DICT" else self._pop()
                if isinstance(target, SymDict):
                    for k, v in zip(items[::2], items[1::2], strict=True):
                        _setitem(target, k, v)
                self._push(target)
            elif name == "SETITEM":
                value, key, target = self._pop(), self._pop(), self._pop()
                if isinstance(target, SymDict):
                    _setitem(target, key, value)
                self._push(target)
            elif op.arg is not None and not op.stack_before and len(op.stack_after) == 1:
                self._push(_constant(name, arg))
            else:
                self._generic(op, pos)

    def _generic(self, op: pickletools.OpcodeInfo, pos: int) -> None:
        before = op.stack_before
        if pickletools.markobject in before:
            self._pop_mark()
            for _ in range(before.index(pickletools.markobject)):
                self._pop()
        else:
            for _ in before:
                self._pop()
        for _ in op.stack_after:
            self._push(OPAQUE)


def _literal(value: Any) -> bool:
    """A value the walk knows exactly and that is not a str (a number, bytes, a container)."""
    return value is None or isinstance(value, bool | int | float | bytes | tuple | list | dict)


def _setitem(target: SymDict, key: Any, value: Any) -> None:
    if isinstance(key, str | int | bytes):
        target[key] = value
    else:
        target.unmodelled += 1


def _memo_key(arg: Any, pos: int) -> int:
    if isinstance(arg, bytes):  # PUT/GET take a decimal line in protocol 0
        try:
            return int(arg)
        except ValueError:
            raise Unreadable("memo key is not a number", pos) from None
    return int(arg)


def _constant(name: str, arg: Any) -> Any:
    if isinstance(arg, bytes) and name in ("INT", "LONG", "FLOAT"):
        try:
            text = arg.decode("ascii").rstrip("L")
            if name == "INT" and text in ("00", "01"):
                return text == "01"
            return float(text) if name == "FLOAT" else int(text)
        except ValueError:
            return OPAQUE
    if name in ("STRING",) and isinstance(arg, bytes):
        text = arg.decode("latin-1")
        return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" else OPAQUE
    return arg


def walk(reader: Buffered, limits: Limits, after_build: Any = None) -> Stream:
    walker = Walker(reader, limits)
    walker.after_build = after_build
    return walker.walk()
