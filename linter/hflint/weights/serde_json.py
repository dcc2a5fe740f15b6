"""JSON as ``serde_json`` reads it into Rust types, on top of Python's C ``json`` decoder.

safetensors parses headers with ``serde_json::from_str``, which is stricter than
``json.loads`` in ways that decide whether a file loads (each measured against safetensors
0.8.0, see tests/test_weights_parity.py):

* no ``NaN``/``Infinity``; a number beyond f64 is "number out of range" wherever it is;
* a lone surrogate ``\\u`` escape is an error, even in an ignored field;
* at most 127 nested arrays/objects ("recursion limit exceeded");
* ``-0``, negative numbers, floats and integers above 2**64-1 are not a ``usize``.

Objects are kept as member lists (``Obj``) so callers see duplicate keys, which serde treats
differently per type (an error for a struct field, last-wins for a map).
"""

from __future__ import annotations

import json
import math
import re
from typing import NamedTuple, TypeGuard

from hflint.repo import is_utf8

U64_MAX = 2**64 - 1
MAX_DEPTH = 127  # 127 nested arrays/objects parse, 128 fail
_F64_LIMIT = 2**1023  # above this, check whether float() overflows as serde's f64 does
# Only these texts need the slow paths: "-0" (serde reads it as a float, so not as a usize)
# and a \u escape in the surrogate range. A match inside a string only costs time.
_MINUS_ZERO = re.compile(r"-0(?![.0-9eE])")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class JsonError(ValueError):
    """serde_json would refuse the text; the message says why."""


class Obj(list[tuple[str, object]]):
    """A JSON object as its member list, so duplicate keys stay visible."""


class NotUsize(NamedTuple):
    """A number serde does not read as usize: negative, -0, a float, or above 2**64-1."""

    text: str


OUT_OF_RANGE = object()  # serde_json refuses the number outright (beyond f64)


def _parse_int(text: str) -> object:
    if len(text) > 330:  # far beyond f64's 1.8e308; also stays under int()'s digit limit
        return OUT_OF_RANGE
    value = int(text)
    if text.startswith("-") or value > U64_MAX:
        try:
            float(value)
        except OverflowError:
            return OUT_OF_RANGE
        return NotUsize(text)  # serde reads -0 as a float and big integers as f64
    return value


def _parse_float(text: str) -> object:
    return OUT_OF_RANGE if math.isinf(float(text)) else NotUsize(text)


def _reject_constant(text: str) -> object:
    raise JsonError(f"{text} is not JSON")  # json accepts NaN/Infinity, serde_json does not


def needs_exact(text: str) -> bool:
    """Whether ``text`` holds what plain ``json.loads`` reads differently from serde_json
    whatever the value's type: a ``-0`` (an int to Python, a float to serde) or a ``\\u``
    escape of a surrogate (a str to Python, an error to serde)."""
    return bool(_MINUS_ZERO.search(text) or _SURROGATE_ESCAPE.search(text))


def loads(text: str, *, skip: tuple[str, ...] = ()) -> object:
    """Parse like serde_json; JsonError otherwise.

    ``skip``: second-level objects whose keys are exactly these are not walked for the
    value rules, because the caller validates their types strictly anyway (the fast path
    for the hundreds of tensor entries of a real header).
    """
    hooks: dict[str, object] = {"parse_float": _parse_float, "parse_constant": _reject_constant}
    if "-0" in text and _MINUS_ZERO.search(text):
        hooks["parse_int"] = _parse_int  # otherwise the C parser's exact ints do
    try:
        doc = json.loads(text, object_pairs_hook=Obj, **hooks)  # type: ignore[arg-type]
    except JsonError:  # the constant hook
        raise
    except (ValueError, RecursionError):  # a syntax error, the digit limit, nesting
        raise JsonError(_syntax_error(text)) from None
    escapes = "\\u" in text and bool(_SURROGATE_ESCAPE.search(text))
    bad = _scan_values(doc, check_strings=escapes, skip=skip)
    if bad:
        raise JsonError(bad)
    return doc


def _syntax_error(text: str) -> str:
    """hflint's words for what json.loads refused (its own differ between Python versions),
    or serde's for what serde would refuse anyway: over 127 levels, or beyond f64."""
    from hflint import jsonsyntax

    found = jsonsyntax.first_problem(text)
    if found is None:  # pragma: no cover - the scanner and json.loads agree
        return "invalid JSON"
    if found.kind == jsonsyntax.TOO_DEEP:
        return "recursion limit exceeded"
    if found.kind == jsonsyntax.BIG_INTEGER:
        return "number out of range"
    if found.line is None:
        return found.message
    where = f"line {found.line}, column {found.column}" if found.line > 1 else f"column {found.column}"
    return f"{found.message} at {where}"


def _scan_values(doc: object, *, check_strings: bool, skip: tuple[str, ...]) -> str | None:
    stack: list[tuple[object, int]] = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if (
            depth == 2
            and skip
            and not check_strings
            and isinstance(value, Obj)
            and len(value) == len(skip)
            and tuple(k for k, _ in value) == skip
        ):
            continue
        if isinstance(value, str):
            if check_strings and not is_utf8(value):
                return "lone surrogate in a \\u escape"
        elif value is OUT_OF_RANGE or (
            type(value) is int and abs(value) > _F64_LIMIT and _parse_int(str(value)) is OUT_OF_RANGE
        ):
            return "number out of range"
        elif isinstance(value, list):
            if depth > MAX_DEPTH:
                return "recursion limit exceeded"
            if isinstance(value, Obj):
                if not all(is_utf8(key) for key, _ in value):
                    return "lone surrogate in a \\u escape"
                stack.extend((item, depth + 1) for _, item in value)
            else:
                stack.extend((item, depth + 1) for item in value)
    return None


def usize_list(value: object) -> TypeGuard[list[int]]:
    """A JSON array of usize values (a bool is not a usize, nor is a float)."""
    if type(value) is not list:
        return False
    for v in value:  # noqa: SIM110 - a plain loop is the fastest on these short lists
        if type(v) is not int or v < 0 or v > U64_MAX:
            return False
    return True


def kind(value: object) -> str:
    if isinstance(value, Obj):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    return "null" if value is None else "number"


def show(value: object) -> str:
    text = json.dumps(value, default=lambda v: v.text if isinstance(v, NotUsize) else "?")
    return text if len(text) <= 60 else text[:57] + "..."
