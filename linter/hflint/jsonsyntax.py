"""Where and why a text is not JSON, in hflint's own words and positions.

Python's ``json`` says what is wrong in words and at places that change between versions:
for ``{"a": 1,}`` Python 3.11 reports "Expecting property name enclosed in double quotes" at
the ``}``, 3.13 "Illegal trailing comma before end of object" at the ``,``. A finding's message
is part of its fingerprint, so hflint never shows the standard library's text: when
``json.loads`` refuses a text, ``first_problem`` scans it and describes the first defect.

The grammar is what ``json.loads`` accepts (RFC 8259 plus ``NaN``, ``Infinity`` and
``-Infinity``; an integer over Python's digit limit is refused), so the two agree on which
texts are JSON (tests/test_jsonsyntax.py checks it on generated texts); nesting is bounded by
hflint's own ``MAX_DEPTH`` rather than by the interpreter's recursion limit, which differs
between versions (about 990 levels on 3.11, 1500 on 3.12, 10000 on 3.13).

Position convention (docs/fingerprints.md): 1-based line and column of the first character of
the defect; lines end at ``\\n``; columns count characters (code points), a tab is one. The
defect is the character to change: the comma of a trailing comma, the token after a missing
comma, the backslash of a bad escape, the line break that ends an unclosed string; for an
unexpected end of the text, the position just past its last character.

The scan is iterative and runs only on the failure path; runs of scalar members and whole
valid nested values are skipped at C speed (regular expressions and ``raw_decode``), so a
30 MB tokenizer.json with a defect near its end is described in well under a second.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from itertools import chain, compress
from typing import Any, NamedTuple

MAX_DEPTH = 256  # nested arrays/objects; no Hub file comes close (serde_json stops at 128)

_DECODER = json.JSONDecoder()
_LITERALS = frozenset({"true", "false", "null", "NaN", "Infinity", "-Infinity"})
_ESCAPES = frozenset('"\\/bfnrt')
_HEX = frozenset("0123456789abcdefABCDEF")
_CLOSER = {"{": "}", "[": "]"}
_NAME = {"{": "an object", "[": "an array"}
_PARTS = {"{": "object members", "[": "array elements"}


class _Patterns(NamedTuple):
    string: re.Pattern[str]
    whitespace: re.Pattern[str]
    string_stop: re.Pattern[str]
    word: re.Pattern[str]
    number: re.Pattern[str]
    # (array run, object run): complete "element," pairs skipped in one C call. The second
    # pair is for the deepest level, where a flat container would be one level too deep.
    runs: tuple[tuple[re.Pattern[str], re.Pattern[str]], tuple[re.Pattern[str], re.Pattern[str]]]


@functools.cache
def _patterns() -> _Patterns:
    """Compiled on the first failure only (about 50 ms): most scans never need them."""
    ws = r"[ \t\n\r]*+"
    string = r'"[^"\\\x00-\x1f]*+(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*+)*+"'
    # An integer part in a run stops at 640 digits (the lowest digit limit Python allows), so
    # a longer integer is left to the token loop, which checks the interpreter's own limit.
    number = r"-?(?:0|[1-9][0-9]{0,639})(?:\.[0-9]++)?+(?:[eE][-+]?+[0-9]++)?+"
    scalar = rf"(?:{string}|{number}|true|false|null|NaN|-?Infinity)"
    member = rf"{string}{ws}:{ws}{scalar}"
    # Arrays and objects of scalars (BPE merge pairs, added_tokens entries) are elements too.
    flat = (
        rf"(?:\[{ws}(?:{scalar}{ws}(?:,{ws}{scalar}{ws})*+)?+\]"
        rf"|\{{{ws}(?:{member}{ws}(?:,{ws}{member}{ws})*+)?+\}})"
    )
    element = rf"(?:{scalar}|{flat})"
    return _Patterns(
        string=re.compile(string),
        whitespace=re.compile(ws),
        string_stop=re.compile(r'["\\\x00-\x1f]'),
        word=re.compile(r"[-+.0-9A-Za-z_$]+"),
        number=re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"),
        runs=(
            (re.compile(rf"(?:{ws}{element}{ws},)*+"), re.compile(rf"(?:{ws}{string}{ws}:{ws}{element}{ws},)*+")),
            (re.compile(rf"(?:{ws}{scalar}{ws},)*+"), re.compile(rf"(?:{ws}{member}{ws},)*+")),
        ),
    )


# Work bounds for hostile texts. Failed raw_decode tries are charged as if they read to the
# end of the text, and the loop counts its steps, so both bounds (and so the result when one is
# reached) are the same on every interpreter.
_FAILED_TRY_BUDGET = 4  # texts' lengths
_WINDOW = 512
MAX_STEPS = 1_000_000

# Scanner states: what the next token must be.
_VALUE, _FIRST_VALUE, _FIRST_KEY, _KEY, _COLON, _AFTER, _END = range(7)


# What a problem is, besides its message: most are "syntax"; "too-deep" is over hflint's
# MAX_DEPTH (not analysed, rather than invalid); "big-integer" is over Python's digit limit;
# "gave-up" is a hostile text whose defect was not found within MAX_STEPS (no position).
SYNTAX, TOO_DEEP, BIG_INTEGER, GAVE_UP = "syntax", "too-deep", "big-integer", "gave-up"


class JsonProblem(NamedTuple):
    message: str
    line: int | None  # None only when the scan gave up
    column: int | None
    kind: str = SYNTAX


class _Found(Exception):
    def __init__(self, message: str, at: int | None, kind: str = SYNTAX) -> None:
        super().__init__(message)
        self.message = message
        self.at = at
        self.kind = kind


def position(text: str, at: int) -> tuple[int, int]:
    """1-based (line, column) of index ``at``; lines end at "\\n", columns count characters."""
    line_start = text.rfind("\n", 0, at) + 1
    return text.count("\n", 0, at) + 1, at - line_start + 1


def too_deep_message() -> str:
    return f"nested deeper than {MAX_DEPTH} arrays and objects; hflint does not analyse deeper JSON"


def first_problem(text: str) -> JsonProblem | None:
    """The first defect that makes ``text`` not JSON, or None when it is JSON."""
    try:
        _Scanner(text).run()
    except _Found as found:
        if found.at is None:
            return JsonProblem(found.message, None, None, found.kind)
        return JsonProblem(found.message, *position(text, found.at), found.kind)
    return None


_CONTAINER = frozenset({dict, list}).__contains__
_LIST = frozenset({list}).__contains__
_DICT = frozenset({dict}).__contains__


def nesting_exceeds(text: str, value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether the parsed ``value`` nests deeper than ``limit`` arrays/objects.

    Needed after a successful parse because newer interpreters parse far deeper than 3.11.
    A text with no more brackets than the limit cannot be deeper; otherwise the value is
    walked one level at a time with C-level iteration (a 15 MB tokenizer.json: ~60 ms).
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    return _deeper_than(value, limit)


def _deeper_than(value: Any, limit: int) -> bool:
    level = [value] if _CONTAINER(type(value)) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        types = list(map(type, level))
        lists = chain.from_iterable(compress(level, map(_LIST, types)))
        dicts = chain.from_iterable(map(dict.values, compress(level, map(_DICT, types))))
        children = list(chain(lists, dicts))
        level = list(compress(children, map(_CONTAINER, map(type, children))))
    return False


def _show(char: str) -> str:
    if char.isprintable() and not char.isspace():
        return f"'{char}'"
    return f"U+{ord(char):04X}"


def _shorten(token: str) -> str:
    return token if len(token) <= 30 else token[:27] + "..."


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.stack: list[str] = []
        self.failed_cost = 0
        self.steps = 0
        self.patterns = _patterns()

    def run(self) -> None:
        text = self.text
        patterns = self.patterns
        if text.startswith("\ufeff"):
            raise _Found("starts with a UTF-8 byte order mark, which JSON loaders reject", 0)
        state = _VALUE
        comma = -1  # index of the comma just read, for trailing-comma messages
        i = 0
        n = len(text)
        while True:
            self.steps += 1
            if self.steps > MAX_STEPS:
                raise _Found(
                    f"not valid JSON (hflint stops looking for the defect after {MAX_STEPS} tokens)", None, GAVE_UP
                )
            array_run, object_run = patterns.runs[len(self.stack) >= MAX_DEPTH]
            if state in (_VALUE, _FIRST_VALUE) and self.stack and self.stack[-1] == "[":
                end = _match_end(array_run, text, i)
                if end > i:
                    i, comma, state = end, end - 1, _VALUE
            elif state in (_KEY, _FIRST_KEY):
                end = _match_end(object_run, text, i)
                if end > i:
                    i, comma, state = end, end - 1, _KEY
            i = _match_end(patterns.whitespace, text, i)
            if i == n:
                self._at_end(state, i)
                return
            char = text[i]
            if char == "#" or (char == "/" and text.startswith(("//", "/*"), i)):
                raise _Found("comments are not allowed in JSON", i)
            if char.isspace() or char in "\ufeff\u200b":
                raise _Found(f"whitespace character U+{ord(char):04X} is not allowed in JSON", i)
            last_comma, comma = comma, -1
            if state in (_VALUE, _FIRST_VALUE):
                if char in "]}" and self.stack:
                    closes = char == _CLOSER[self.stack[-1]]
                    if closes and state == _FIRST_VALUE:
                        state = self._close(i)
                        i += 1
                        continue
                    if closes and last_comma >= 0:
                        raise _Found(f"trailing comma before '{char}'", last_comma)
                i, state = self._value(i, char)
            elif state in (_FIRST_KEY, _KEY):
                if char == "}" and state == _FIRST_KEY:
                    state = self._close(i)
                    i += 1
                elif char == "}" and last_comma >= 0:
                    raise _Found("trailing comma before '}'", last_comma)
                elif char == '"':
                    i = self._string(i)
                    state = _COLON
                elif char == "'":
                    raise _Found("single-quoted string (JSON strings use double quotes)", i)
                elif char.isalnum() or char in "_$-":
                    raise _Found("unquoted object key (keys must be strings in double quotes)", i)
                else:
                    raise _Found(f"expected a key in double quotes, found {_show(char)}", i)
            elif state == _COLON:
                if char != ":":
                    raise _Found(f"expected ':' after the key, found {_show(char)}", i)
                i += 1
                state = _VALUE
            elif state == _AFTER:
                opener = self.stack[-1]
                closer = _CLOSER[opener]
                if char == ",":
                    comma = i
                    i += 1
                    state = _KEY if opener == "{" else _VALUE
                elif char == closer:
                    state = self._close(i)
                    i += 1
                elif char in "\"'[{-" or char.isalnum():
                    raise _Found(f"missing ',' between {_PARTS[opener]}", i)
                else:
                    raise _Found(f"expected ',' or '{closer}', found {_show(char)}", i)
            else:  # _END
                raise _Found("extra data after the JSON value", i)

    def _at_end(self, state: int, i: int) -> None:
        if state == _END:
            return
        if not self.stack:
            raise _Found("no JSON value (the text is empty or only whitespace)", i)
        raise _Found(f"unexpected end of the JSON text: {_NAME[self.stack[-1]]} is not closed", i)

    def _close(self, i: int) -> int:
        self.stack.pop()
        return _AFTER if self.stack else _END

    def _after_value(self) -> int:
        return _AFTER if self.stack else _END

    def _value(self, i: int, char: str) -> tuple[int, int]:
        """Read the value starting at ``i``; (next index, next state)."""
        text = self.text
        if char == '"':
            return self._string(i), self._after_value()
        if char in "[{":
            end = self._skip_valid(i)
            if end is not None:
                return end, self._after_value()
            if len(self.stack) >= MAX_DEPTH:
                raise _Found(too_deep_message(), i, TOO_DEEP)
            self.stack.append(char)
            return i + 1, _FIRST_VALUE if char == "[" else _FIRST_KEY
        if char == "'":
            raise _Found("single-quoted string (JSON strings use double quotes)", i)
        word = self.patterns.word.match(text, i)
        if word is None:
            raise _Found(f"expected a value, found {_show(char)}", i)
        token = word.group()
        if token not in _LITERALS:
            _check_number(token, i, self.patterns.number)
        return word.end(), self._after_value()

    def _skip_valid(self, i: int) -> int | None:
        """The end of the whole valid value at ``i`` (C speed), or None to descend into it.

        Not tried for the outermost value (the caller already knows it fails). A small value
        is tried in a short window of the text (a value that closes inside the window is
        complete: a closing bracket needs no look-ahead). A larger one is tried on the whole
        text while failed tries have cost less than a few times its length (a deep chain of
        containers around a defect fails at every level); after that it is walked token by
        token, so the scan stays linear in the text.
        """
        text = self.text
        n = len(text)
        if not self.stack:
            return None
        found = _decode_end(text[i : i + _WINDOW], 0) if i + _WINDOW < n else None
        if found is not None:
            value, end = found[0], found[1] + i
        elif self.failed_cost > _FAILED_TRY_BUDGET * n:
            return None
        else:
            found = _decode_end(text, i)
            if found is None:
                self.failed_cost += n - i
                return None
            value, end = found
        room = MAX_DEPTH - len(self.stack)
        if text.count("[", i, end) + text.count("{", i, end) > room and _deeper_than(value, room):
            self.failed_cost += n - i  # as on 3.11, where raw_decode fails with RecursionError
            return None  # nested too deep: walk it, so that the defect is located
        return end

    def _string(self, i: int) -> int:
        text = self.text
        whole = self.patterns.string.match(text, i)
        if whole is not None:
            return whole.end()
        k = i + 1
        while True:
            stop = self.patterns.string_stop.search(text, k)
            if stop is None:
                raise _Found("string not closed before the end of the text", i)
            j = stop.start()
            char = text[j]
            if char == '"':
                return j + 1  # not reached: the whole-string pattern would have matched
            if char in "\n\r":
                raise _Found("string not closed on its line (a line break inside a string must be written \\n)", j)
            if char != "\\":
                raise _Found(f"control character U+{ord(char):04X} inside a string must be escaped", j)
            if j + 1 == len(text):
                raise _Found("string not closed before the end of the text", i)
            escaped = text[j + 1]
            if escaped == "u":
                if j + 6 > len(text) or not all(c in _HEX for c in text[j + 2 : j + 6]):
                    raise _Found("invalid \\u escape in a string (four hex digits must follow)", j)
                k = j + 6
            elif escaped in _ESCAPES:
                k = j + 2
            else:
                raise _Found(
                    f"invalid escape '\\{escaped}' in a string"
                    if escaped.isprintable()
                    else f"invalid escape: a backslash before U+{ord(escaped):04X}",
                    j,
                )


def _match_end(pattern: re.Pattern[str], text: str, i: int) -> int:
    """Where a pattern that may match nothing (a run, whitespace) ends."""
    found = pattern.match(text, i)
    return found.end() if found else i


def _decode_end(text: str, i: int) -> tuple[Any, int] | None:
    try:
        return _DECODER.raw_decode(text, i)
    except (ValueError, RecursionError):  # a defect, an integer over the digit limit, deep nesting
        return None


def _check_number(token: str, i: int, number: re.Pattern[str]) -> None:
    shown = _shorten(token)
    if number.fullmatch(token) is None:
        if token in ("True", "False", "None"):
            raise _Found(f"'{token}' is Python, not JSON (JSON has true, false and null)", i)
        if token.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise _Found(f"invalid value '{shown}'", i)
        if token[0] not in "-+.0123456789":
            raise _Found(f"invalid value '{shown}' (strings must be in double quotes)", i)
        if re.fullmatch(r"-?0[0-9]+", token):
            raise _Found(f"number with a leading zero '{shown}'", i)
        raise _Found(f"invalid number '{shown}'", i)
    digits = len(token) - token.startswith("-")
    limit = sys.get_int_max_str_digits()
    if limit and digits > limit and not any(c in token for c in ".eE"):
        raise _Found(f"integer with {digits} digits is over Python's limit of {limit} digits", i, BIG_INTEGER)
