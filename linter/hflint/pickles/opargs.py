"""Read the argument of one pickle opcode from the stream, bounded.

Arguments are decoded here rather than by ``pickletools.genops`` so that a multi-GB
BINBYTES8 is skipped, not loaded: a string or bytes argument longer than KEEP_BYTES stands
as OPAQUE, a protocol 0 text line is cut at MAX_LINE, and a LONG4 over MAX_LONG bytes is a
limit hit (decoding it takes quadratic time). ``decoders`` builds one closure per argument
type over a stream's reader: the walk calls one function per opcode, nothing more.
"""

from __future__ import annotations

import pickletools
import struct
from collections.abc import Callable
from typing import Any

from hflint.pickles.buffered import Buffered
from hflint.pickles.readers import LimitHit, Unreadable
from hflint.pickles.values import OPAQUE

KEEP_BYTES = 4096  # longer strings/bytes are skipped and stand as OPAQUE
MAX_LINE = 1 << 16
MAX_LONG = 1 << 20

Decoder = Callable[[str], Any]  # opcode name (for messages) -> the argument
_INTS = {"uint1": "<B", "uint2": "<H", "int4": "<i", "uint4": "<I", "uint8": "<Q", "float8": ">d"}
# length-prefixed arguments: type -> (format of the length, or None for 1 byte; decoding)
_COUNTED = {
    "string1": ("<B", "latin-1"), "bytes1": ("<B", None), "unicodestring1": ("<B", "utf-8"),
    "string4": ("<i", "latin-1"), "bytes4": ("<I", None), "unicodestring4": ("<I", "utf-8"),
    "bytes8": ("<Q", None), "bytearray8": ("<Q", None), "unicodestring8": ("<Q", "utf-8"),
}  # fmt: skip
_LINES = ("stringnl", "stringnl_noescape", "decimalnl_short", "decimalnl_long", "floatnl")


def decoders(r: Buffered) -> dict[str, Decoder]:
    """Argument type (pickletools ArgumentDescriptor.name) -> its decoder over ``r``."""
    read, tell = r.read, r.tell

    def exact(n: int, what: str) -> bytes:
        data = read(n)
        if len(data) != n:
            raise Unreadable(f"stream truncated inside {what}", tell())
        return data

    def line() -> bytes:
        # A protocol 0 argument line can be long (a pickled array as text); keep its head.
        data, complete = r.readline(MAX_LINE)
        if not complete:
            raise Unreadable("stream truncated inside a text argument", tell())
        return data

    def sized(n: int, what: str) -> bytes | None:
        if n < 0:
            raise Unreadable(f"negative length in {what}", tell())
        if n <= KEEP_BYTES:
            return exact(n, what)
        if r.skip(n) != n:
            raise Unreadable(f"stream truncated inside {what}", tell())
        return None

    def number(fmt: str) -> Decoder:
        unpack, size = struct.Struct(fmt).unpack, struct.calcsize(fmt)

        def decode(what: str) -> Any:
            data = read(size)
            if len(data) != size:
                raise Unreadable(f"stream truncated inside {what}", tell())
            return unpack(data)[0]

        return decode

    def counted(kind: str, fmt: str, encoding: str | None) -> Decoder:
        length = number(fmt)

        def decode(what: str) -> Any:
            data = sized(length(what), kind)
            if data is None:
                return OPAQUE
            if encoding == "utf-8":
                try:
                    return data.decode("utf-8", "surrogatepass")
                except UnicodeDecodeError:
                    return OPAQUE
            return data if encoding is None else data.decode(encoding)  # STRING: latin-1, as pickle's default

        return decode

    def long(fmt: str) -> Decoder:
        length = number(fmt)

        def decode(what: str) -> Any:
            n = length(what)
            if n > MAX_LONG:
                raise LimitHit(f"LONG4 of {n} bytes (quadratic-time decode guard)", tell())
            data = sized(n, what)
            return OPAQUE if data is None else int.from_bytes(data, "little", signed=True)

        return decode

    def text(raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Unreadable("GLOBAL/INST name is not UTF-8", tell()) from None

    table: dict[str, Decoder] = {name: number(fmt) for name, fmt in _INTS.items()}
    table.update({name: counted(name, fmt, enc) for name, (fmt, enc) in _COUNTED.items()})
    table.update(dict.fromkeys(_LINES, lambda what: line()))
    table["stringnl_noescape_pair"] = lambda what: (text(line()), text(line()))
    table["unicodestringnl"] = lambda what: line().decode("raw-unicode-escape", "replace")
    table["long1"], table["long4"] = long("<B"), long("<i")
    return table


def per_opcode(r: Buffered) -> dict[bytes, tuple[pickletools.OpcodeInfo, Decoder | None]]:
    """Opcode byte -> (opcode, its argument's decoder over ``r``, None when it takes none)."""
    table = decoders(r)
    out: dict[bytes, tuple[pickletools.OpcodeInfo, Decoder | None]] = {}
    for op in pickletools.opcodes:
        decode = None if op.arg is None else table.get(op.arg.name, _unknown(op.arg.name, r))
        out[op.code.encode("latin-1")] = (op, decode)
    return out


def _unknown(kind: str, r: Buffered) -> Decoder:
    def decode(what: str) -> Any:
        raise Unreadable(f"unknown argument type {kind}", r.tell())

    return decode


def memo_key(arg: Any, pos: int) -> int:
    if isinstance(arg, bytes):  # PUT/GET take a decimal line in protocol 0
        try:
            return int(arg)
        except ValueError:
            raise Unreadable("memo key is not a number", pos) from None
    return int(arg)


def text_constant(name: str, arg: Any) -> Any:
    """The value of a protocol 0 INT/LONG/FLOAT/STRING argument line (OPAQUE if malformed)."""
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
