"""YAML, Jinja2 and Python syntax errors in hflint's words, on every Python and every build.

A finding's message is part of its fingerprint when it has no pointer (docs/fingerprints.md),
so these tables are the contract: CI runs them on every interpreter in the matrix, and the
YAML table runs twice, with PyYAML's libyaml loader and with its pure-Python one, whose
wordings differ ("mapping values are not allowed in this context" / "... here").
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hflint.customcode import pysource
from hflint.kinds.chat_template import load_policy, problems
from hflint.yamlfile import TOO_DEEP, YamlError, load_yaml

ROOT = Path(__file__).resolve().parents[1]

YAML_TABLE = [
    ("colon in value", "a: b: c\n", "':' followed by a space is not allowed here (quote a value that has one)", 1),
    ("dedented key", "a:\n  b: 1\n c: 2\n", "bad indentation: the line does not continue the mapping above", 3),
    ("list item after a mapping", "a: 1\n- b\n", "bad indentation: the line does not continue the mapping above", 2),
    ("key after a list", "- a\nb: 1\n", "bad indentation: the line does not continue the list above", 2),
    ("tab indentation", "a:\n\tb: 1\n", "a tab character cannot indent YAML or start a value (indent with spaces)", 2),
    ("reserved character", "a: @x\n", "'@' cannot start a YAML value (quote the value)", 1),
    ("unclosed double quote", 'a: "abc\n', "a quoted string is not closed", 2),
    ("unclosed single quote", "a: 'abc\n", "a quoted string is not closed", 2),
    ("bad escape", 'a: "\\q"\n', "invalid escape in a double-quoted string", 1),
    ("unclosed list", "a: [1, 2\nb: 3\n", "a '[' list is not closed, or its items are not separated by ','", 2),
    ("unclosed mapping", "a: {x: 1\n", "a '{' mapping is not closed, or its entries are not separated by ','", 2),
    ("empty flow item", "a: [\n", "a value is missing in a '[...]' list or '{...}' mapping, or it is not closed", 2),
    ("undefined alias", "a: *x\n", "an alias (*name) names no anchor", 1),
    ("duplicate anchor", "a: &x 1\nb: &x 2\n", "an anchor (&name) is defined twice", 2),
    ("two documents", "a: 1\n---\nb: 2\n", "more than one YAML document ('---' starts another)", 2),
    ("key without colon", "a: 1\nb\nc: 2\n", "a key is not followed by ':'", 3),
    ("bad verbatim tag", "a: !<tag 1\n", "invalid tag (after '!')", 1),
    ("bad block scalar", "a: |0\n  x\n", "invalid block scalar header (after '|' or '>')", 1),
    ("empty anchor", "a: &\n", "invalid anchor or alias name", 1),
    (
        "control character",
        "a: 1\nb: \x01\n",
        "U+0001 is not allowed in YAML (control characters must be escaped in a quoted string)",
        2,
    ),
    ("too deep", "a: " + "[" * 150 + "]" * 150 + "\n", TOO_DEEP, None),
    ("deeper than libyaml's own limit", "a: " + "[" * 1200 + "]" * 1200 + "\n", TOO_DEEP, None),
    ("impossible date", "d: 2026-02-30\n", "invalid timestamp value '2026-02-30'", 1),
    ("bad merge key", "a: &x 1\nb: {<<: *x}\n", "a merge key (<<) must name a mapping or a list of mappings", 2),
    ("unsafe tag", "x: !!python/name:os.system ''\n", "unsupported tag tag:yaml.org,2002:python/name:os.system", 1),
    ("duplicate key", "a: 1\na: 2\n", "duplicate key 'a'", 2),
]


@pytest.fixture(params=["libyaml", "pure-python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "pure-python":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)  # as in a PyYAML built without libyaml
    elif not hasattr(yaml, "CSafeLoader"):  # pragma: no cover - wheels ship libyaml
        pytest.skip("PyYAML was built without libyaml")
    return str(request.param)


@pytest.mark.parametrize(("defect", "text", "message", "line"), YAML_TABLE, ids=[row[0] for row in YAML_TABLE])
def test_yaml_errors_in_hflints_words(loader: str, defect: str, text: str, message: str, line: int | None) -> None:
    with pytest.raises(YamlError) as info:
        load_yaml(text)
    assert (info.value.message, info.value.line) == (message, line)


def test_yaml_unknown_errors_get_a_generic_message() -> None:
    from hflint.yamlerrors import GENERIC, describe

    odd = yaml.MarkedYAMLError("while doing something new", None, "a problem no table knows")
    assert describe(yaml, "", odd) == (GENERIC, None)


TEMPLATE_TABLE = [
    ("unclosed for", "{% for m in messages %}{{ m }}", "'{% for %}' never ends"),
    ("unclosed if", "{% if x %}\na", "'{% if %}' never ends"),
    ("unclosed generation", "{% generation %}x", "'{% generation %}' never ends"),
    ("unknown tag", "{% foo %}", "unknown tag 'foo'"),
    ("stray end tag", "{% endfor %}", "unknown tag 'endfor'"),
    ("wrong end tag", "{% for m in x %}{% endif %}", "unexpected tag 'endif' inside '{% for %}'"),
    ("second else", "{% if x %}{% else %}{% else %}{% endif %}", "unexpected tag 'else' inside '{% if %}'"),
    ("unclosed print", "{{ x ", "a '{{' is not closed"),
    ("unclosed statement", "{% if x ", "a '{%' tag is not closed"),
    ("unclosed comment", "{# abc", "a '{#' comment is not closed"),
    ("unclosed raw", "{% raw %}abc", "a '{% raw %}' block is not closed"),
    ("bad character", "{{ x $ y }}", "unexpected character '$'"),
    ("unclosed string", "{{ 'abc }}", "unexpected character \"'\""),
    ("missing operand", "{{ x + }}", "unexpected '}}'"),
    ("stray brace", "{{ x } }}", "unexpected '}'"),
    ("missing parenthesis", "{{ f(x }}", "expected ')', found '}'"),
    ("extra parenthesis", "{{ f(x)) }}", "unexpected ')'"),
    ("empty set", "{% set %}", "expected an expression, found '%}'"),
    ("nameless macro", "{% macro %}{% endmacro %}", "expected 'name', found '%}'"),
    ("missing filter name", "{{ x | }}", "expected 'name', found '}}'"),
    ("for without in", "{% for x y %}{% endfor %}", "expected 'in', found 'y'"),
    ("assign to a literal", "{% set 1 = 2 %}", "invalid assignment target"),
]


@pytest.mark.parametrize(("defect", "source", "message"), TEMPLATE_TABLE, ids=[row[0] for row in TEMPLATE_TABLE])
def test_template_errors_in_hflints_words(defect: str, source: str, message: str) -> None:
    policy = load_policy(ROOT / "rules" / "data" / "chat-template.yaml")
    assert problems(source, policy) == [(source.count("\n", 0, len(source)) + 1, f"does not parse: {message}")]


PYTHON_TABLE = [
    ("unclosed parenthesis", "x = foo(1,\n  2\ny = 3\n", "syntax error", 1, 8),
    ("missing colon", "def f()\n    return 1\n", "syntax error", 1, 8),
    ("wording changed in 3.12", "def f(a=1, b):\n  pass\n", "syntax error", 1, 12),
    ("missing indented block", "def f():\nreturn 1\n", "indentation error", 2, 1),
    ("unexpected indent", "x = 1\n    y = 2\n", "indentation error", 2, 4),
    ("tabs and spaces", "if x:\n\ty = 1\n        z = 2\n", "tabs and spaces are mixed in indentation", 3, 1),
    ("null byte", "x = 1\x00\n", "contains a null byte; Python refuses to compile it", 1, 6),
]


@pytest.mark.parametrize(
    ("defect", "source", "message", "line", "column"), PYTHON_TABLE, ids=[row[0] for row in PYTHON_TABLE]
)
def test_python_syntax_errors_in_hflints_words(defect: str, source: str, message: str, line: int, column: int) -> None:
    problem = pysource.parse(source.encode()).problem
    assert problem is not None
    assert (problem.reason, problem.line, problem.column) == (message, line, column)
