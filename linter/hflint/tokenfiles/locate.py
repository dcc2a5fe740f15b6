"""Source lines for many JSON pointers inside one big container, in a single pass.

``hflint.jsonfile.locate`` walks from the top for each pointer; for findings inside a
250,000-entry vocabulary that is one pass per finding. ``lines_in`` walks the container once
and returns the line of every wanted member key or element index.
"""

from __future__ import annotations

import json
from collections.abc import Collection

from hflint.jsonfile import locate

_DECODER = json.JSONDecoder()
_WS = " \t\n\r"


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def lines_in(text: str, container: str, wanted: Collection[str | int]) -> dict[str | int, int]:
    """Line of each wanted key (object) or index (array) of the container at ``container``."""
    found: dict[str | int, int] = {}
    if not wanted:
        return found
    where = locate(text, container)
    if where is None:
        return found
    line, column = where
    # locate gives the member's key position; move to its value.
    start = _line_offset(text, line) + column - 1
    try:
        if container:
            _key, i = _DECODER.raw_decode(text, start)
            i = _skip(text, _skip(text, i) + 1)
        else:
            i = _skip(text, start)
        _walk(text, i, set(wanted), found)
    except (ValueError, IndexError, RecursionError):
        pass
    return found


def _line_offset(text: str, line: int) -> int:
    pos = 0
    for _ in range(line - 1):
        pos = text.index("\n", pos) + 1
    return pos


def _walk(text: str, i: int, wanted: set[str | int], found: dict[str | int, int]) -> None:
    is_object = text[i] == "{"
    close = "}" if is_object else "]"
    i = _skip(text, i + 1)
    index = 0
    line = text.count("\n", 0, i) + 1
    last = i
    while text[i] != close and len(found) < len(wanted):
        key: str | int = index
        item_start = i
        if is_object:
            key, i = _DECODER.raw_decode(text, i)
            i = _skip(text, _skip(text, i) + 1)
        if key in wanted:
            line += text.count("\n", last, item_start)
            last = item_start
            found[key] = line
        _value, i = _DECODER.raw_decode(text, i)
        i = _skip(text, i)
        if text[i] == ",":
            i = _skip(text, i + 1)
        index += 1
