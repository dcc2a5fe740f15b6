"""hflint's JSON syntax errors: one message and one position per defect, on every Python.

The table is the contract (docs/fingerprints.md): CI runs it on every interpreter from 3.11
up, where json's own messages and positions differ (3.13 reports a trailing comma at the comma
as "Illegal trailing comma...", 3.11 at the brace as "Expecting property name..."). The
generated cases check that hflint's scanner and ``json.loads`` agree on which texts are JSON,
and that the C-speed skips never change the answer.
"""

from __future__ import annotations

import json
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hflint import jsonsyntax
from hflint.jsonfile import parse_json
from hflint.repo import CannotAnalyse, ParseError
from hflint.weights import serde_json

# (defect, text, message, line, column): the position is the defect's first character.
TABLE = [
    ("trailing comma in object", '{\n  "a": 1,\n}\n', "trailing comma before '}'", 2, 9),
    ("trailing comma in array", "[1, 2 ,\n]", "trailing comma before ']'", 1, 7),
    ("trailing comma after a nested value", '{"a": [1], "b": {"c": 2},}', "trailing comma before '}'", 1, 25),
    ("missing comma in array", "[1 2]", "missing ',' between array elements", 1, 4),
    ("missing comma in object", '{"a": 1\n "b": 2}', "missing ',' between object members", 2, 2),
    ("unquoted key", "{a: 1}", "unquoted object key (keys must be strings in double quotes)", 1, 2),
    ("single-quoted key", "{'a': 1}", "single-quoted string (JSON strings use double quotes)", 1, 2),
    ("single-quoted value", '{"a": \'b\'}', "single-quoted string (JSON strings use double quotes)", 1, 7),
    ("line comment", '{\n  // note\n  "a": 1\n}', "comments are not allowed in JSON", 2, 3),
    ("block comment", '{"a": 1 /* x */}', "comments are not allowed in JSON", 1, 9),
    ("hash comment", "# x\n{}", "comments are not allowed in JSON", 1, 1),
    ("string not closed at the end", '{"a": "b', "string not closed before the end of the text", 1, 7),
    (
        "string not closed on its line",
        '{"a": "b,\n "c": 1}',
        "string not closed on its line (a line break inside a string must be written \\n)",
        1,
        10,
    ),
    ("tab inside a string", '["a\tb"]', "control character U+0009 inside a string must be escaped", 1, 4),
    ("NUL inside a string", '["\x00"]', "control character U+0000 inside a string must be escaped", 1, 3),
    ("invalid escape", '["a\\qb"]', "invalid escape '\\q' in a string", 1, 4),
    ("invalid \\u escape", '["\\u12G4"]', "invalid \\u escape in a string (four hex digits must follow)", 1, 3),
    ("Python True", '{"a": True}', "'True' is Python, not JSON (JSON has true, false and null)", 1, 7),
    ("Python None", "[None]", "'None' is Python, not JSON (JSON has true, false and null)", 1, 2),
    ("lower-case nan", "[nan]", "invalid value 'nan'", 1, 2),
    ("bare word", "[yes]", "invalid value 'yes' (strings must be in double quotes)", 1, 2),
    ("leading zero", "[007]", "number with a leading zero '007'", 1, 2),
    ("hex number", "[0x1F]", "invalid number '0x1F'", 1, 2),
    ("plus sign", "[+1]", "invalid number '+1'", 1, 2),
    ("trailing dot", "[1.]", "invalid number '1.'", 1, 2),
    ("leading dot", "[.5]", "invalid number '.5'", 1, 2),
    ("lone minus", "[-]", "invalid number '-'", 1, 2),
    (
        "long bad token is shortened",
        "[" + "x" * 40 + "]",
        f"invalid value '{'x' * 27}...' (strings must be in double quotes)",
        1,
        2,
    ),
    ("extra data", '{"a": 1}\n{"b": 2}', "extra data after the JSON value", 2, 1),
    ("empty text", "", "no JSON value (the text is empty or only whitespace)", 1, 1),
    ("only whitespace", " \n ", "no JSON value (the text is empty or only whitespace)", 2, 2),
    ("byte order mark", "\ufeff{}", "starts with a UTF-8 byte order mark, which JSON loaders reject", 1, 1),
    ("no-break space", "{\u00a0}", "whitespace character U+00A0 is not allowed in JSON", 1, 2),
    ("zero-width space", "[1,\u200b2]", "whitespace character U+200B is not allowed in JSON", 1, 4),
    ("end inside an object", '{"a": [1, 2]', "unexpected end of the JSON text: an object is not closed", 1, 13),
    ("end inside an array", "[[1], [2]", "unexpected end of the JSON text: an array is not closed", 1, 10),
    ("end after a key", '{"a"', "unexpected end of the JSON text: an object is not closed", 1, 5),
    ("missing colon", '{"a" 1}', "expected ':' after the key, found '1'", 1, 6),
    ("equals for colon", '{"a" = 1}', "expected ':' after the key, found '='", 1, 6),
    ("empty element", "[1,,2]", "expected a value, found ','", 1, 4),
    ("missing value", '{"a": }', "expected a value, found '}'", 1, 7),
    ("key expected", "{,}", "expected a key in double quotes, found ','", 1, 2),
    ("mismatched closer in array", "[1}", "expected ',' or ']', found '}'", 1, 3),
    ("mismatched closer in object", '{"a": 1]', "expected ',' or '}', found ']'", 1, 8),
    ("mismatched closer after comma", "[1,}", "expected a value, found '}'", 1, 4),
    ("stray closer", "]", "expected a value, found ']'", 1, 1),
    ("control character outside strings", "[1,\x01]", "expected a value, found U+0001", 1, 4),
    ("tab-indented file, column counts characters", '{\n\t"a": 1,\n}', "trailing comma before '}'", 2, 8),
    ("non-ASCII before the defect", '{"é": "ü",}', "trailing comma before '}'", 1, 10),
    ("defect among valid siblings", '{"a": [[1, 2], [3, 4]], "b": {"c": [1,]}}', "trailing comma before ']'", 1, 38),
]


@pytest.mark.parametrize(("defect", "text", "message", "line", "column"), TABLE, ids=[row[0] for row in TABLE])
def test_every_defect_has_hflints_message_and_position(
    defect: str, text: str, message: str, line: int, column: int
) -> None:
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)  # the standard library refuses it too (in its own words)
    with pytest.raises(ParseError) as info:
        parse_json(text)
    assert (info.value.reason, info.value.line, info.value.column) == (message, line, column)


@pytest.mark.parametrize(
    "text",
    [
        '{"a": NaN, "b": Infinity, "c": -Infinity}',  # json.loads (and transformers) accept these
        '{"a": 1, "a": 2}',  # duplicate keys: json.loads keeps the last; not a syntax error
        '"\\ud800"',  # a lone surrogate escape is a str to Python
        "[1e999, -0, 0.5e-3, 1E+2]",
        ' \t\r\n{"x": []} \n',
        "[" * jsonsyntax.MAX_DEPTH + "]" * jsonsyntax.MAX_DEPTH,
    ],
)
def test_what_json_loads_accepts_is_accepted(text: str) -> None:
    parse_json(text)
    assert jsonsyntax.first_problem(text) is None


def test_integer_over_the_digit_limit() -> None:
    with pytest.raises(ParseError) as info:
        parse_json("[1, " + "7" * 5000 + "]")
    assert info.value.reason == "integer with 5000 digits is over Python's limit of 4300 digits"
    assert (info.value.line, info.value.column) == (1, 5)
    assert parse_json("[" + "7" * 5000 + ".0]")  # a float has no digit limit


@pytest.mark.parametrize(
    "text",
    [
        "[" * (jsonsyntax.MAX_DEPTH + 1) + "]" * (jsonsyntax.MAX_DEPTH + 1),  # json.loads parses it
        "[" * 2000 + "]" * 2000,  # RecursionError on 3.11, parsed on 3.13
        "[" * 100_000,  # RecursionError everywhere, and unclosed
        '{"a": ' * 300 + "1" + "}" * 300,
    ],
)
def test_nesting_limit_is_hflints_not_the_interpreters(text: str) -> None:
    with pytest.raises(CannotAnalyse) as info:
        parse_json(text)
    assert not isinstance(info.value, ParseError)  # not invalid: deeper than hflint analyses (HF001)
    assert info.value.reason == jsonsyntax.too_deep_message()


def test_hostile_text_gives_up_after_a_bounded_number_of_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonsyntax, "MAX_STEPS", 1000)
    found = jsonsyntax.first_problem("[" + "[[]]," * 2000 + "x]")
    assert found == ("not valid JSON (hflint stops looking for the defect after 1000 tokens)", None, None, "gave-up")


def test_safetensors_header_errors_use_hflints_words() -> None:
    def error(text: str) -> str:
        with pytest.raises(serde_json.JsonError) as info:
            serde_json.loads(text)
        return str(info.value)

    assert error('{"a": {"dtype": "F32",}}') == "trailing comma before '}' at column 22"
    assert error('{"a": 1,\n}') == "trailing comma before '}' at column 8"
    assert error('{"a":\n 1 2}') == "missing ',' between object members at line 2, column 4"
    assert error('{"a": NaN}') == "NaN is not JSON"
    assert error("[" * 2000 + "]" * 2000) == "recursion limit exceeded"  # serde's words, any Python
    assert error('{"a": ' + "9" * 5000 + "}") == "number out of range"


# -- generated texts ------------------------------------------------------------------------

_NOTHING = re.compile("(?!)")  # a run pattern that never matches
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12,
)
_NOISE = list('{}[],:"\\ \n\t0123456789-+.eEtrufalsnNIy/*#\'x\x00\x1f\u00a0\ufeff')
_EDITS = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 10_000), st.sampled_from(_NOISE)), max_size=3)


def _edit(text: str, edits: list[tuple[int, int, str]]) -> str:
    for op, where, char in edits:
        k = where % (len(text) + 1)
        text = (text[:k] + char + text[k:], text[:k] + text[k + 1 :], text[:k] + char + text[k + 1 :])[op]
    return text


def _json_accepts(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(_JSON_VALUES, st.booleans(), _EDITS)
def test_scanner_and_json_loads_agree(value: object, indent: bool, edits: list[tuple[int, int, str]]) -> None:
    text = _edit(json.dumps(value, indent=2 if indent else None), edits)
    assert (jsonsyntax.first_problem(text) is None) == _json_accepts(text), text


def test_fast_skips_never_change_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole valid values are skipped with raw_decode and runs of scalars with regular
    expressions; the answer must be what a token-by-token walk gives."""
    rng = random.Random(17)
    base = json.dumps({"pad": [[1, 2], {"k": "v"}, "s", 3] * 30, "deep": {"x": [[{"y": [1, {"z": None}]}]] * 20}})
    texts = [
        _edit(base, [(rng.randint(0, 2), rng.randint(0, len(base)), rng.choice(_NOISE)) for _ in range(2)])
        for _ in range(300)
    ]
    fast = [jsonsyntax.first_problem(t) for t in texts]
    never = jsonsyntax._patterns()._replace(runs=((_NOTHING, _NOTHING), (_NOTHING, _NOTHING)))
    monkeypatch.setattr(jsonsyntax, "_patterns", lambda: never)
    monkeypatch.setattr(jsonsyntax, "_decode_end", lambda text, i: None)
    slow = [jsonsyntax.first_problem(t) for t in texts]
    assert fast == slow
    assert sum(p is not None for p in fast) > 100  # the edits broke most texts

