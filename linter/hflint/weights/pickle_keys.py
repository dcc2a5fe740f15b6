"""State-dict keys of a pickle, read from its opcodes by a symbolic machine that never
imports or calls anything.

``pickletools.genops`` decodes opcodes; this module replays only the stack, memo and
container opcodes, with every callable kept as an inert ``Call`` record. That is enough to
see the top-level dict ``torch.save(state_dict)`` writes (an ``OrderedDict()`` REDUCE
followed by SETITEMS) and the persistent ids of its storages, without the code execution
that unpickling a hostile file would mean. Anything unexpected raises ``Unreadable``:
hflint then says the names could not be read instead of guessing.
"""

from __future__ import annotations

import pickletools
from dataclasses import dataclass, field
from typing import IO, Protocol, cast

MAX_OPS = 20_000_000


class Unreadable(Exception):
    """The pickle cannot be read statically; the message says why."""


@dataclass(frozen=True, slots=True)
class Global:
    module: str
    name: str


@dataclass(frozen=True, slots=True)
class Call:
    func: object
    args: object


@dataclass(frozen=True, slots=True)
class PersId:
    pid: object


@dataclass(eq=False, slots=True)
class Dict:
    items: list[tuple[object, object]] = field(default_factory=list)


_OPAQUE = object()  # a value the machine does not model (sets, buffers, extensions)
_ORDERED_DICT = Global("collections", "OrderedDict")
_PUSH_ARG = frozenset({
    "INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1", "LONG4", "FLOAT", "BINFLOAT",
    "STRING", "BINSTRING", "SHORT_BINSTRING", "UNICODE", "BINUNICODE", "SHORT_BINUNICODE",
    "BINUNICODE8", "BINBYTES", "SHORT_BINBYTES", "BINBYTES8", "BYTEARRAY8",
})  # fmt: skip
_CONSTANTS: dict[str, object] = {"NONE": None, "NEWTRUE": True, "NEWFALSE": False}
_IGNORED = frozenset({"PROTO", "FRAME"})


class _Machine:
    def __init__(self) -> None:
        self.stack: list[object] = []
        self.marks: list[int] = []
        self.memo: dict[int, object] = {}

    def pop_mark(self) -> list[object]:
        if not self.marks:
            raise Unreadable("pickle pops a MARK that was never pushed")
        start = self.marks.pop()
        items = self.stack[start:]
        del self.stack[start:]
        return items

    def pop(self) -> object:
        if len(self.stack) <= (self.marks[-1] if self.marks else 0):
            raise Unreadable("pickle pops from an empty stack")
        return self.stack.pop()

    def step(self, name: str, arg: object) -> None:  # one branch per opcode family
        st = self.stack
        if name in _PUSH_ARG:
            st.append(arg)
        elif name in _CONSTANTS:
            st.append(_CONSTANTS[name])
        elif name in _IGNORED:
            pass
        elif name == "MARK":
            self.marks.append(len(st))
        elif name == "POP":
            if self.marks and len(st) == self.marks[-1]:
                self.marks.pop()  # as pickle's load_pop: POP at a mark removes the mark
            else:
                self.pop()
        elif name == "POP_MARK":
            self.pop_mark()
        elif name == "DUP":
            st.append(self._top())
        elif name == "EMPTY_TUPLE":
            st.append(())
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            count = int(name[-1])
            items = [self.pop() for _ in range(count)][::-1]
            st.append(tuple(items))
        elif name == "TUPLE":
            st.append(tuple(self.pop_mark()))
        elif name == "EMPTY_LIST":
            st.append([])
        elif name == "LIST":
            st.append(self.pop_mark())
        elif name in ("APPEND", "APPENDS"):
            items = [self.pop()] if name == "APPEND" else self.pop_mark()
            target = self._top()
            if isinstance(target, list):
                target.extend(items)
        elif name == "EMPTY_DICT":
            st.append(Dict())
        elif name == "DICT":
            flat = self.pop_mark()
            st.append(Dict(list(zip(flat[::2], flat[1::2], strict=False))))
        elif name in ("SETITEM", "SETITEMS"):
            if name == "SETITEM":
                value, key = self.pop(), self.pop()
                flat = [key, value]
            else:
                flat = self.pop_mark()
            target = self._top()
            if isinstance(target, Dict):
                target.items.extend(zip(flat[::2], flat[1::2], strict=False))
        elif name in ("EMPTY_SET", "EXT1", "EXT2", "EXT4", "NEXT_BUFFER"):
            st.append(_OPAQUE)
        elif name in ("ADDITEMS",):
            self.pop_mark()
        elif name == "FROZENSET":
            self.pop_mark()
            st.append(_OPAQUE)
        elif name == "READONLY_BUFFER":
            pass
        elif name == "GLOBAL":
            module, _, attr = str(arg).partition(" ")
            st.append(Global(module, attr))
        elif name == "STACK_GLOBAL":
            qualname, mod = self.pop(), self.pop()
            st.append(Global(str(mod), str(qualname)))
        elif name == "REDUCE":
            args, func = self.pop(), self.pop()
            st.append(Dict() if func == _ORDERED_DICT and args == () else Call(func, args))
        elif name == "NEWOBJ":
            args, cls = self.pop(), self.pop()
            st.append(Call(cls, args))
        elif name == "NEWOBJ_EX":
            kwargs, args, cls = self.pop(), self.pop(), self.pop()
            st.append(Call(cls, (args, kwargs)))
        elif name == "OBJ":
            items = self.pop_mark()
            st.append(Call(items[0] if items else None, tuple(items[1:])))
        elif name == "INST":
            module, _, attr = str(arg).partition(" ")
            st.append(Call(Global(module, attr), tuple(self.pop_mark())))
        elif name == "BUILD":
            self.pop()  # the state is applied to the object below; keys do not change
        elif name == "PERSID":
            st.append(PersId(arg))
        elif name == "BINPERSID":
            st.append(PersId(self.pop()))
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            self.memo[int(str(arg))] = self._top()
        elif name == "MEMOIZE":
            self.memo[len(self.memo)] = self._top()
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            if arg not in self.memo:
                raise Unreadable(f"pickle reads memo slot {arg} before writing it")
            st.append(self.memo[arg])
        else:
            raise Unreadable(f"opcode {name} is not supported by the static reader")

    def _top(self) -> object:
        if not self.stack:
            raise Unreadable("pickle reads from an empty stack")
        return self.stack[-1]


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...


def run(stream: Readable) -> object:
    """Replay one pickle from ``stream`` and return its symbolic result."""
    machine = _Machine()
    try:
        for count, (op, arg, _pos) in enumerate(pickletools.genops(cast(IO[bytes], stream))):
            if count >= MAX_OPS:
                raise Unreadable(f"pickle has more than {MAX_OPS} opcodes")
            if op.name == "STOP":
                return machine.pop()
            machine.step(op.name, arg)
    except (ValueError, EOFError, UnicodeDecodeError, OverflowError, MemoryError) as exc:
        raise Unreadable(f"pickle stream is malformed: {exc}") from None
    raise Unreadable("pickle stream ends without STOP")
