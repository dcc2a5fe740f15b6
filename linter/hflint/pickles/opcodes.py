"""Walk one pickle stream opcode by opcode, never unpickling, and list what it imports.

Opcodes are decoded from ``pickletools``' table, but arguments are read here so that a
multi-GB BINBYTES8 is skipped rather than loaded. A small symbolic stack and memo follow
the strings that STACK_GLOBAL pops: picklescan#14 showed that looking only at the two
preceding opcodes misses names fetched from the memo (BINGET) or built by other opcodes.
Imports come from GLOBAL, INST (picklescan#13) and STACK_GLOBAL; EXT1/2/4 name a global
through copyreg's extension registry, which cannot be resolved statically (HF403).
"""

from __future__ import annotations

import pickle
import pickletools
import struct
from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING
from typing import Any

from hflint.pickles.buffered import Buffered
from hflint.pickles.readers import LimitHit, Limits, Unreadable
from hflint.pickles.values import MARK, OPAQUE, GlobalRef, Import, Obj, Stream

KEEP_BYTES = 4096  # longer strings/bytes are skipped and stand as OPAQUE
MAX_LINE = 1 << 16
MAX_LONG = 1 << 20
OPCODES = {op.code.encode("latin-1"): op for op in pickletools.opcodes}


class Walker:
    """Walks one stream; ``after_build`` lets joblib skip array bytes inlined after BUILD."""

    def __init__(self, reader: Buffered, limits: Limits) -> None:
        self.r = reader
        self.limits = limits
        self.stack: list[Any] = []
        self.memo: dict[int, Any] = {}
        self.out = Stream()
        self.after_build: Any = None  # callable(Obj, Reader) -> None
        self._popped: list[GlobalRef] = []  # globals the current opcode consumed

    # -- argument readers ------------------------------------------------------------
    def _exact(self, n: int, what: str) -> bytes:
        data = self.r.read(n)
        if len(data) != n:
            raise Unreadable(f"stream truncated inside {what}", self.r.tell())
        return data

    def _line(self) -> bytes:
        # A protocol 0 argument line can be long (a pickled array as text); keep its head.
        data, complete = self.r.readline(MAX_LINE)
        if not complete:
            raise Unreadable("stream truncated inside a text argument", self.r.tell())
        return data

    def _sized(self, n: int, what: str) -> bytes | None:
        if n < 0:
            raise Unreadable(f"negative length in {what}", self.r.tell())
        if n <= KEEP_BYTES:
            return self._exact(n, what)
        if self.r.skip(n) != n:
            raise Unreadable(f"stream truncated inside {what}", self.r.tell())
        return None

    def _uint(self, fmt: str, size: int, what: str) -> int:
        value: int = struct.unpack(fmt, self._exact(size, what))[0]
        return value

    def _arg(self, op: pickletools.OpcodeInfo) -> Any:
        a = op.arg
        if a is None:
            return None
        name = a.name
        if name == "uint1":
            return self._exact(1, op.name)[0]
        if name == "uint2":
            return self._uint("<H", 2, op.name)
        if name == "int4":
            return self._uint("<i", 4, op.name)
        if name == "uint4":
            return self._uint("<I", 4, op.name)
        if name == "uint8":
            return self._uint("<Q", 8, op.name)
        if name == "float8":
            return struct.unpack(">d", self._exact(8, op.name))[0]
        if name == "stringnl_noescape_pair":
            return (self._text(self._line()), self._text(self._line()))
        if name in ("stringnl", "stringnl_noescape", "decimalnl_short", "decimalnl_long", "floatnl"):
            return self._line()
        if name == "unicodestringnl":
            return self._line().decode("raw-unicode-escape", "replace")
        if name in ("string1", "bytes1", "unicodestring1"):
            return self._bytes_or_text(name, self._exact(1, op.name)[0])
        if name in ("string4",):
            return self._bytes_or_text(name, self._uint("<i", 4, op.name))
        if name in ("bytes4", "unicodestring4"):
            return self._bytes_or_text(name, self._uint("<I", 4, op.name))
        if name in ("bytes8", "bytearray8", "unicodestring8"):
            return self._bytes_or_text(name, self._uint("<Q", 8, op.name))
        if name in ("long1", "long4"):
            n = self._exact(1, op.name)[0] if name == "long1" else self._uint("<i", 4, op.name)
            if n > MAX_LONG:
                raise LimitHit(f"LONG4 of {n} bytes (quadratic-time decode guard)", self.r.tell())
            data = self._sized(n, op.name)
            return OPAQUE if data is None else int.from_bytes(data, "little", signed=True)
        raise Unreadable(f"unknown argument type {name}", self.r.tell())

    def _text(self, raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Unreadable("GLOBAL/INST name is not UTF-8", self.r.tell()) from None

    def _bytes_or_text(self, kind: str, n: int) -> Any:
        data = self._sized(n, kind)
        if data is None:
            return OPAQUE
        if kind.startswith("unicode"):
            return data.decode("utf-8", "surrogatepass") if _utf8ok(data) else OPAQUE
        if kind.startswith("string"):
            return data.decode("latin-1")  # Python 3 decodes STRING as ASCII by default
        return data

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
            arg = self._arg(op)
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
                if name == "BINPERSID":
                    self._pop()
                out.persistent_ids += 1
                self._push(OPAQUE)
            elif name in ("REDUCE", "NEWOBJ"):
                args = self._pop()
                cls = self._pop()
                self._use(cls, "call" if name == "REDUCE" else "new")
                self._push(Obj(cls, args))
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
                self._push({})
            elif name in ("DICT", "SETITEMS"):
                items = self._pop_mark()
                if len(items) % 2:
                    raise Unreadable(f"{name} with an odd number of items", pos)
                target = {} if name == "DICT" else self._pop()
                if isinstance(target, dict):
                    for k, v in zip(items[::2], items[1::2], strict=True):
                        if isinstance(k, str | int | bytes):
                            target[k] = v
                self._push(target)
            elif name == "SETITEM":
                value, key, target = self._pop(), self._pop(), self._pop()
                if isinstance(target, dict) and isinstance(key, str | int | bytes):
                    target[key] = value
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


def _utf8ok(data: bytes) -> bool:
    try:
        data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return False
    return True


def walk(reader: Buffered, limits: Limits, after_build: Any = None) -> Stream:
    walker = Walker(reader, limits)
    walker.after_build = after_build
    return walker.walk()
