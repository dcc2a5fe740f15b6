"""Strict JSON parsing for hostile files, and JSON pointer -> source line lookup.

Parsing uses the C ``json`` decoder (fast on 30 MB tokenizer files). Source positions are
found only when a finding needs one: ``locate`` walks the text along the pointer and skips
sibling values with ``raw_decode``, so no position table is built for clean files.
"""

from __future__ import annotations

import json
from typing import Any

from hflint.repo import CannotAnalyse, ParseError

_DECODER = json.JSONDecoder()
_WS = " \t\n\r"


def parse_json(text: str) -> Any:
    """The parsed value; ParseError (hflint's message, line and column) when loaders would
    refuse the text, CannotAnalyse when it nests deeper than hflint analyses.

    Python's json decides validity (a BOM, trailing commas, NaN... as transformers' json.load
    sees them); hflint's own scanner (hflint.jsonsyntax) words and places the error, so the
    finding is the same on every Python version.
    """
    from hflint import jsonsyntax

    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError, as is the digit limit
        raise syntax_error(text) from None
    if jsonsyntax.nesting_exceeds(text, value):
        raise CannotAnalyse(jsonsyntax.too_deep_message())
    return value


def syntax_error(text: str) -> CannotAnalyse:
    """What is wrong with a text json.loads refused, in hflint's words."""
    from hflint import jsonsyntax

    found = jsonsyntax.first_problem(text)
    if found is None:  # pragma: no cover - the scanner and json.loads agree (tests/test_jsonsyntax.py)
        return ParseError("not valid JSON")
    if found.kind == jsonsyntax.TOO_DEEP:
        return CannotAnalyse(found.message)
    return ParseError(found.message, found.line, found.column)


def escape_pointer_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(*tokens: str | int) -> str:
    """RFC 6901 JSON pointer from path tokens."""
    return "".join("/" + escape_pointer_token(t) for t in tokens)


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def locate(text: str, ptr: str) -> tuple[int, int] | None:
    """1-based (line, column) where the value at ``ptr`` starts, or None if not found.

    For an object member the position is its key, which is where a reader looks.
    """
    tokens = [_unescape(t) for t in ptr.split("/")[1:]] if ptr else []
    try:
        pos = _descend(text, _skip_ws(text, 0), tokens)
    except (ValueError, IndexError, RecursionError):
        return None
    if pos is None:
        return None
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def value_span(text: str, ptr: str) -> tuple[int, int] | None:
    """(start, end) offsets of the value at ``ptr`` in ``text`` (an object member's value,
    not its key), or None: what an edit that keeps the rest of the file replaces."""
    tokens = [_unescape(t) for t in ptr.split("/")[1:]] if ptr else []
    try:
        i = _skip_ws(text, 0)
        for token in tokens:
            if text[i] == "{":
                member = _member(text, i, token)
                if member is None:
                    return None
                i = member[1]
            elif text[i] == "[" and token.isdigit():
                element = _element(text, i, int(token))
                if element is None:
                    return None
                i = element
            else:
                return None
        _, end = _DECODER.raw_decode(text, i)
    except (ValueError, IndexError, RecursionError):
        return None
    return i, end


def _descend(text: str, i: int, tokens: list[str]) -> int | None:
    key_pos = i
    for token in tokens:
        i = _skip_ws(text, i)
        if text[i] == "{":
            found = _member(text, i, token)
            if found is None:
                return None
            key_pos, i = found
        elif text[i] == "[":
            if not token.isdigit():
                return None
            found_el = _element(text, i, int(token))
            if found_el is None:
                return None
            key_pos = i = found_el
        else:
            return None
    return key_pos


def _member(text: str, i: int, token: str) -> tuple[int, int] | None:
    i = _skip_ws(text, i + 1)
    found: tuple[int, int] | None = None
    while text[i] != "}":
        key_start = i
        key, i = _DECODER.raw_decode(text, i)
        i = _skip_ws(text, i)
        i = _skip_ws(text, i + 1)  # the ':'
        if key == token:
            found = (key_start, i)  # the last duplicate wins, as in json.loads
        _, i = _DECODER.raw_decode(text, i)
        i = _skip_ws(text, i)
        if text[i] == ",":
            i = _skip_ws(text, i + 1)
    return found


def _element(text: str, i: int, index: int) -> int | None:
    i = _skip_ws(text, i + 1)
    n = 0
    while text[i] != "]":
        if n == index:
            return i
        _, i = _DECODER.raw_decode(text, i)
        i = _skip_ws(text, i)
        if text[i] == ",":
            i = _skip_ws(text, i + 1)
        n += 1
    return None
