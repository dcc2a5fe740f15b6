"""Walk one pickle stream opcode by opcode, never unpickling, and list what it imports.

Opcodes are decoded from ``pickletools``' table; their arguments are read by
hflint.pickles.opargs, which skips a multi-GB BINBYTES8 rather than loading it. A small
symbolic stack and memo follow the strings that STACK_GLOBAL pops: picklescan#14 showed
that looking only at the two preceding opcodes misses names fetched from the memo (BINGET)
or built by other opcodes.
Imports come from GLOBAL, INST (picklescan#13) and STACK_GLOBAL; EXT1/2/4 name a global
through copyreg's extension registry, which cannot be resolved statically (HF403).
The walk's result is the symbolic object the stream builds (dicts keyed as a loader keys
them, calls, persistent ids), which hflint.pickles.checkpoint reads as a state dict: the
security view and the tensor view come from this one walk. One handler per opcode family;
arguments pushed as they are take an inlined path (the bulk of a torch data.pkl).
"""

from __future__ import annotations

import pickle
import pickletools
from collections.abc import Callable
from typing import Any

from hflint.pickles import opargs
from hflint.pickles.buffered import Buffered
from hflint.pickles.machine import Machine
from hflint.pickles.readers import LimitHit, Limits, Unreadable
from hflint.pickles.values import MARK, OPAQUE, GlobalRef, Obj, PersId, Stream, SymDict, setitem

ORDERED_DICT = GlobalRef("collections", "OrderedDict")
# Opcodes that push their argument unchanged (the hot path: strings, ints, bytes); GLOBAL,
# GET, PERSID and EXT also take an argument and push one value but mean more.
_PUSH_ARG = frozenset(
    op.name for op in pickletools.opcodes
    if op.arg is not None and not op.stack_before and len(op.stack_after) == 1
) - {"GLOBAL", "GET", "BINGET", "LONG_BINGET", "PERSID", "EXT1", "EXT2", "EXT4", "INT", "LONG", "FLOAT", "STRING"}


class Walker(Machine):
    """Walks one stream; ``after_build`` lets joblib skip array bytes inlined after BUILD."""

    def __init__(self, reader: Buffered, limits: Limits) -> None:
        super().__init__(reader, limits)
        self.ops = _table(reader)

    # -- the walk ----------------------------------------------------------------------
    def walk(self) -> Stream:
        out, stack, popped, ops, r = self.out, self.stack, self._popped, self.ops, self.r
        read, tell, append = r.read, r.tell, stack.append
        max_opcodes, max_stack = self.limits.max_opcodes, self.limits.max_stack
        out.start = tell()
        index = 0
        prev = ""
        while True:
            pos = r.pos
            code = read(1)
            entry = ops.get(code)
            if entry is None:
                if not code:
                    raise Unreadable("stream ends before STOP (truncated)", pos)
                raise Unreadable(f"invalid opcode 0x{code[0]:02x}", pos)
            name, decode, handler = entry
            index += 1
            if index > max_opcodes:
                raise LimitHit(f"more than {max_opcodes} opcodes in one stream", pos)
            arg: Any = None if decode is None else decode(name)
            if popped:
                self._settle(prev)
            prev = name
            if handler is None:  # the hot path, inlined: an argument pushed as it is
                append(arg)
                if len(stack) > max_stack:
                    raise LimitHit(f"stack deeper than {max_stack}", tell())
                continue
            self.index = index
            if handler(self, name, arg, pos):
                return out

    def _stop(self, name: str, arg: Any, pos: int) -> bool:
        out = self.out
        out.result = self._pop() if self.stack else OPAQUE
        self._settle(name)  # a global returned as the result escapes to the caller
        out.end, out.opcodes = self.r.tell(), self.index
        return True

    # One handler per opcode family: (walker, opcode name, argument, offset).
    def _proto(self, name: str, arg: Any, pos: int) -> None:
        if arg > pickle.HIGHEST_PROTOCOL:
            raise Unreadable(f"unsupported pickle protocol {arg}", pos)
        self.out.protocol = arg

    def _nothing(self, name: str, arg: Any, pos: int) -> None:
        pass  # FRAME: a length hint only

    def _global(self, name: str, arg: Any, pos: int) -> None:
        ref = self._import(arg[0], arg[1], pos, self.index, name)
        if name == "INST":
            self._push(Obj(ref, tuple(self._pop_mark())))
            if type(ref) is GlobalRef:
                self.out.uses.setdefault((ref.module, ref.name), set()).add("call")
        else:
            self._push(ref)

    def _stack_global(self, name: str, arg: Any, pos: int) -> None:
        attr, module = self._pop(), self._pop()
        self._push(self._import(module, attr, pos, self.index, name))

    def _ext(self, name: str, arg: Any, pos: int) -> None:
        if arg <= 0:  # pickle.py get_extension: "EXT specifies code <= 0"
            raise Unreadable(f"{name} with code {arg}, which pickle refuses", pos)
        # HF403 reports it; it does not count as an import in ``unresolved``: the
        # registry is empty unless the loading process itself registers the code
        self.out.problems.append((f"{name} imports through copyreg's extension registry (code {arg})", pos))
        self._push(OPAQUE)

    def _put(self, name: str, arg: Any, pos: int) -> None:
        memo = self.memo
        key = len(memo) if name == "MEMOIZE" else opargs.memo_key(arg, pos)
        if not self.stack:
            raise Unreadable("memo store from an empty stack", pos)
        memo[key] = self.stack[-1]
        if len(memo) > self.limits.max_memo:
            raise LimitHit(f"memo larger than {self.limits.max_memo}", pos)

    def _get(self, name: str, arg: Any, pos: int) -> None:
        key = opargs.memo_key(arg, pos)
        if key not in self.memo:
            raise Unreadable(f"memo key {key} read before it was stored", pos)
        self._push(self.memo[key])

    def _mark(self, name: str, arg: Any, pos: int) -> None:
        self.marks.append(len(self.stack))
        self.stack.append(MARK)
        if len(self.stack) > self.limits.max_stack:
            raise LimitHit(f"stack deeper than {self.limits.max_stack}", pos)

    def _pop1(self, name: str, arg: Any, pos: int) -> None:
        self._pop()

    def _pop_to_mark(self, name: str, arg: Any, pos: int) -> None:
        self._pop_mark()

    def _dup(self, name: str, arg: Any, pos: int) -> None:
        self._push(self.stack[-1] if self.stack else self._pop())

    def _persid(self, name: str, arg: Any, pos: int) -> None:
        self.out.persistent_ids += 1
        self._push(PersId(self._pop() if name == "BINPERSID" else arg))

    def _reduce(self, name: str, arg: Any, pos: int) -> None:
        args = self._pop()
        cls = self._pop()
        self._use(cls, "call" if name == "REDUCE" else "new")
        # OrderedDict() then SETITEMS is how torch.save writes a state dict; two values went
        self.stack.append(SymDict() if args == () and cls == ORDERED_DICT else Obj(cls, args))

    def _newobj_ex(self, name: str, arg: Any, pos: int) -> None:
        self._pop()
        args = self._pop()
        cls = self._pop()
        self._use(cls, "new")
        self._push(Obj(cls, args))

    def _obj(self, name: str, arg: Any, pos: int) -> None:
        items = self._pop_mark()
        if not items:
            raise Unreadable("OBJ without a class", pos)
        self._use(items[0], "call")
        self._push(Obj(items[0], tuple(items[1:])))

    def _build(self, name: str, arg: Any, pos: int) -> None:
        state = self._pop()
        target = self._pop()
        if isinstance(target, Obj):
            target.state = state
            if type(target.cls) is GlobalRef:  # __setstate__, or a __dict__ update
                self.out.uses.setdefault((target.cls.module, target.cls.name), set()).add("build")
        self._push(target)
        if self.after_build is not None and isinstance(target, Obj):
            self.after_build(target, self.r)

    def _tuple(self, name: str, arg: Any, pos: int) -> None:
        n = _TUPLE_SIZE.get(name)
        items = self._pop_mark() if n is None else self._pop_n(n)
        self.stack.append(tuple(items))  # at least one value (or the MARK) went: no deeper

    def _empty_dict(self, name: str, arg: Any, pos: int) -> None:
        self._push(SymDict())

    def _setitems(self, name: str, arg: Any, pos: int) -> None:
        items = self._pop_mark()
        if len(items) % 2:
            raise Unreadable(f"{name} with an odd number of items", pos)
        target = SymDict() if name == "DICT" else self._pop()
        if isinstance(target, SymDict):
            for k, v in zip(items[::2], items[1::2], strict=True):
                setitem(target, k, v)
        self._push(target)

    def _setitem(self, name: str, arg: Any, pos: int) -> None:
        value, key, target = self._pop(), self._pop(), self._pop()
        if isinstance(target, SymDict):
            setitem(target, key, value)
        self._push(target)

    def _constant(self, name: str, arg: Any, pos: int) -> None:
        self._push(opargs.text_constant(name, arg))

    def _singleton(self, name: str, arg: Any, pos: int) -> None:
        self._push(_SINGLETONS[name])

    def _generic(self, name: str, arg: Any, pos: int) -> None:
        before = _OPS[name].stack_before
        if pickletools.markobject in before:
            self._pop_mark()
            for _ in range(before.index(pickletools.markobject)):
                self._pop()
        else:
            for _ in before:
                self._pop()
        for _ in _OPS[name].stack_after:
            self._push(OPAQUE)


_OPS = {op.name: op for op in pickletools.opcodes}
_TUPLE_SIZE = {"TUPLE1": 1, "TUPLE2": 2, "TUPLE3": 3}
_SINGLETONS: dict[str, Any] = {"NONE": None, "NEWTRUE": True, "NEWFALSE": False, "EMPTY_TUPLE": ()}
Handler = Callable[[Walker, str, Any, int], "bool | None"]  # True: the stream ended
_HANDLERS: dict[str, Handler] = {
    "STOP": Walker._stop, "PROTO": Walker._proto, "FRAME": Walker._nothing,
    "GLOBAL": Walker._global, "INST": Walker._global, "STACK_GLOBAL": Walker._stack_global,
    **dict.fromkeys(("EXT1", "EXT2", "EXT4"), Walker._ext),
    **dict.fromkeys(("PUT", "BINPUT", "LONG_BINPUT", "MEMOIZE"), Walker._put),
    **dict.fromkeys(("GET", "BINGET", "LONG_BINGET"), Walker._get),
    "MARK": Walker._mark, "POP": Walker._pop1, "POP_MARK": Walker._pop_to_mark, "DUP": Walker._dup,
    "PERSID": Walker._persid, "BINPERSID": Walker._persid,
    "REDUCE": Walker._reduce, "NEWOBJ": Walker._reduce, "NEWOBJ_EX": Walker._newobj_ex,
    "OBJ": Walker._obj, "BUILD": Walker._build,
    **dict.fromkeys(("TUPLE", *_TUPLE_SIZE), Walker._tuple),
    "EMPTY_DICT": Walker._empty_dict, "DICT": Walker._setitems, "SETITEMS": Walker._setitems,
    "SETITEM": Walker._setitem,
    **dict.fromkeys(("INT", "LONG", "FLOAT", "STRING"), Walker._constant),
    **dict.fromkeys(_SINGLETONS, Walker._singleton),
}  # fmt: skip


def _table(reader: Buffered) -> dict[bytes, tuple[str, opargs.Decoder | None, Handler | None]]:
    """Opcode byte -> (name, argument decoder, handler; None for an argument pushed as is),
    kept on the reader: every stream read from it uses the same table."""
    cached: dict[bytes, tuple[str, opargs.Decoder | None, Handler | None]] | None = getattr(reader, "ops", None)
    if cached is None:
        cached = {code: (op.name, decode, None if op.name in _PUSH_ARG else _HANDLERS.get(op.name, Walker._generic))
                  for code, (op, decode) in opargs.per_opcode(reader).items()}
        reader.ops = cached
    return cached


def walk(reader: Buffered, limits: Limits, after_build: Any = None) -> Stream:
    walker = Walker(reader, limits)
    walker.after_build = after_build
    return walker.walk()
