"""YAML syntax errors in hflint's words (hflint.yamlfile raises them as YamlError).

PyYAML words the same defect differently in libyaml ("mapping values are not allowed in
this context", no character named) and in its pure-Python loader ("... allowed here",
``'\\t'`` named), and places some errors on different lines. A card's YAML error is a
finding whose message is part of its fingerprint, so hflint describes the error itself:

* the error is the pure-Python loader's (re-run on the failure path for texts up to
  ``DESCRIBE_MAX_CHARS``), so the line is the same whether or not PyYAML was built with
  libyaml; libyaml's own error is used when the pure loader accepts the text or gives up;
* the message is one of hflint's classes below, chosen from what either loader said, or
  "YAML syntax error" for anything unrecognised, never PyYAML's text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hflint.yamlfile import TOO_DEEP

DESCRIBE_MAX_CHARS = 1024 * 1024  # the pure-Python loader reads ~1 MB/s; configs and cards are KBs
GENERIC = "YAML syntax error"


def _bad_character(text: str, index: int | None) -> str:
    char = text[index] if index is not None and 0 <= index < len(text) else ""
    if char == "\t":
        return "a tab character cannot indent YAML or start a value (indent with spaces)"
    if char and char.isprintable() and not char.isspace():
        return f"'{char}' cannot start a YAML value (quote the value)"
    return "a character that cannot start a YAML value (quote the value)"


# (pattern over "context | problem" as either loader words it, hflint's message); first wins.
_CLASSES: tuple[tuple[re.Pattern[str], str | Callable[[str, int | None], str]], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), message)
    for pattern, message in (
        (r"maximum nesting depth", TOO_DEEP),
        (r"mapping values are not allowed", "':' followed by a space is not allowed here (quote a value that has one)"),
        (r"block mapping.*(expected key|<block end>)", "bad indentation: the line does not continue the mapping above"),
        (
            r"block collection.*('-' indicator|<block end>)",
            "bad indentation: the line does not continue the list above",
        ),
        (r"cannot start any token", _bad_character),
        (r"quoted scalar.*end of stream", "a quoted string is not closed"),
        (r"unknown escape character|quoted scalar", "invalid escape in a double-quoted string"),
        (r"flow node", "a value is missing in a '[...]' list or '{...}' mapping, or it is not closed"),
        (r"flow sequence", "a '[' list is not closed, or its items are not separated by ','"),
        (r"flow mapping", "a '{' mapping is not closed, or its entries are not separated by ','"),
        (r"undefined alias", "an alias (*name) names no anchor"),
        (r"duplicate anchor", "an anchor (&name) is defined twice"),
        (r"single document", "more than one YAML document ('---' starts another)"),
        (r"simple key", "a key is not followed by ':'"),
        (r"\btag\b", "invalid tag (after '!')"),
        (r"block scalar", "invalid block scalar header (after '|' or '>')"),
        (r"anchor|alias", "invalid anchor or alias name"),
        (r"directive", "invalid directive (a line starting with '%')"),
        (r"sequence entries are not allowed", "a '- ' list item is not allowed here"),
        (r"mapping keys are not allowed", "a '? ' key is not allowed here"),
        (r"node content", "a value is missing"),
        (r"plain scalar|unclosed '\[' or '\{'", "bad indentation, or an unclosed '[' or '{'"),
        (r"document (start|end)|document separator", "unexpected '---' or '...' document marker"),
    )
)


def describe(yaml: Any, text: str, exc: Exception) -> tuple[str, int | None]:
    """(hflint's message, 1-based line or None) for the error ``exc`` composing ``text``."""
    if getattr(exc, "problem_mark", None) is not None and len(text) <= DESCRIBE_MAX_CHARS:
        try:
            yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as pure:
            exc = pure
        except RecursionError:  # the pure loader recurses; libyaml's error stands
            pass
    if isinstance(exc, yaml.reader.ReaderError):
        position = exc.position if isinstance(exc.position, int) else None
        line = text.count("\n", 0, position) + 1 if position is not None else None
        code = exc.character if isinstance(exc.character, int) else None
        what = f"U+{code:04X}" if code is not None else "a control character"
        return f"{what} is not allowed in YAML (control characters must be escaped in a quoted string)", line
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    said = f"{getattr(exc, 'context', None) or ''} | {getattr(exc, 'problem', None) or ''}"
    for pattern, message in _CLASSES:
        if message == TOO_DEEP and pattern.search(said):
            return TOO_DEEP, None  # as hflint's own depth limit: no line (hflint.yamlfile)
        if pattern.search(said):
            if callable(message):
                return message(text, getattr(mark, "index", None)), line
            return message, line
    return GENERIC, line
