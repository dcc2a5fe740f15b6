"""Edits of one value in a JSON file, keeping the rest of the file as it is.

Only the value's own text is replaced (hflint.jsonfile.value_span), so the file's indentation,
key order, spacing and final newline stay as found, which re-serialising the document would
not keep. The result is parsed again: it must be the old document with that one value
changed, else no edit is proposed.
"""

from __future__ import annotations

import json
import re
from typing import Any

from hflint.fixes.edits import Edit, Replacement, apply, replace
from hflint.jsonfile import value_span
from hflint.repo import CannotAnalyse, Repo


def _set(doc: Any, tokens: tuple[str | int, ...], value: Any) -> Any:
    if not tokens:
        return value
    head, rest = tokens[0], tokens[1:]
    if isinstance(doc, dict):
        return {**doc, str(head): _set(doc[str(head)], rest, value)}
    if isinstance(doc, list):
        index = int(head)
        return [*doc[:index], _set(doc[index], rest, value), *doc[index + 1 :]]
    raise KeyError(head)


def _dumps(text: str, at: int, value: Any) -> str:
    """``value`` as JSON in the file's style: a list or object laid out over lines with the
    file's indentation when the file is (transformers writes indent=2), compact otherwise."""
    compact = json.dumps(value, ensure_ascii=False)
    unit = re.search(r"\n([ \t]+)\S", text)
    if not isinstance(value, (list, dict)) or not value or unit is None:
        return compact
    line_start = text.rfind("\n", 0, at) + 1
    line = text[line_start:at]
    base = line[: len(line) - len(line.lstrip(" \t"))]
    newline = "\r\n" if "\r\n" in text else "\n"
    laid_out = json.dumps(value, ensure_ascii=False, indent=unit.group(1))
    return laid_out.replace("\n", newline + base)


def _new_member(text: str, doc: Any, key: str, value: Any) -> Replacement | None:
    """``"key": value`` added after the last member of the top-level object, on a line of its
    own with that member's indentation (at the end: the order of the others is kept)."""
    if not isinstance(doc, dict) or key in doc:
        return None
    end = text.rstrip().rfind("}")
    last = len(text[:end].rstrip())
    if end < 0 or last == 0:
        return None
    member = json.dumps(key, ensure_ascii=False) + ": " + _dumps(text, last, value)
    if not doc:  # {} or {\n}: the member goes inside the braces as they are
        return Replacement(last, last, member)
    line_start = text.rfind("\n", 0, last) + 1
    indent = text[line_start : line_start + len(text[line_start:]) - len(text[line_start:].lstrip(" \t"))]
    newline = "\r\n" if "\r\n" in text else "\n"
    gap = newline + indent if "\n" in text[:last] else " "
    return Replacement(last, last, "," + gap + member)


def set_value(repo: Repo, path: str, tokens: tuple[str | int, ...], value: Any) -> Edit | None:
    """The edit that sets the value at ``tokens`` in ``path`` to ``value`` (a top-level key
    the file does not have is added); None when the file cannot be edited that way (the
    value is not found once, or the result would be anything but that one change)."""
    from hflint.jsonfile import pointer

    try:
        text = repo.text(path)
        doc = repo.json(path)
    except CannotAnalyse:
        return None
    span = value_span(text, pointer(*tokens))
    if span is None:
        added = _new_member(text, doc, str(tokens[0]), value) if len(tokens) == 1 else None
        if added is None or json.loads(apply(text, [added])) != {**doc, str(tokens[0]): value}:
            return None
        return replace(path, text, (added,))
    replacement = Replacement(span[0], span[1], _dumps(text, span[0], value))
    try:
        expected = _set(doc, tokens, value)
        if json.loads(apply(text, [replacement])) != expected:
            return None
    except (KeyError, IndexError, ValueError):
        return None
    return replace(path, text, (replacement,))
