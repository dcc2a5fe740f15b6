"""The compiled schemas (hflint.schemafast) give jsonschema's verdict: valid exactly when
jsonschema reports no error, on every JSON document of the test corpus (golden cases,
real-library fixtures), every golden model card's metadata, and generated documents."""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from hflint import _paths, schemafast
from hflint.cards.frontmatter import load_card
from hflint.kinds import json_schema
from hflint.kinds.card_metadata import _jsonable
from hflint.repo import Repo
from hflint.schemafast import compiler

SCHEMAS = sorted(_paths.schemas_dir().glob("*.json"))
# The schemas hflint validates its own files with (hflint.schemas, jsonschema's standard formats).
OWN = {"config.schema.json", "baseline.schema.json", "code-review.schema.json", "rulepack.schema.json"}


def _jsonschema_valid(schema: Path, doc: Any) -> bool:
    if schema.name in OWN:
        from hflint.schemas import shipped_validator

        return not any(True for _ in shipped_validator(schema.name).iter_errors(doc))
    return not any(True for _ in json_schema._validator(schema).iter_errors(doc))


@cache
def _corpus() -> list[Any]:
    docs = []
    for path in sorted((ROOT / "tests").rglob("*.json")):
        try:
            docs.append(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, UnicodeDecodeError, RecursionError):
            continue
    return docs


def test_every_shipped_schema_compiles() -> None:
    for schema in SCHEMAS:
        assert schemafast.compiled(schema) is not None, schema.name


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda p: p.name)
def test_agrees_with_jsonschema_on_the_corpus(schema: Path) -> None:
    verdicts = []
    for doc in _corpus():
        expected = _jsonschema_valid(schema, doc)
        assert schemafast.proven_valid(schema, doc) == expected, json.dumps(doc)[:300]
        verdicts.append(expected)
    assert False in verdicts  # the corpus has documents each schema rejects


def test_agrees_on_every_golden_card() -> None:
    cards = sorted((ROOT / "tests" / "golden").glob("*/*/*/README.md"))
    assert len(cards) > 50
    schemas = [s for s in SCHEMAS if s.name in ("model-card.schema.json", "dataset-card.schema.json",
                                                  "model-card-vocab.schema.json")]
    valid = invalid = 0
    for card_path in cards:
        card = load_card(Repo(card_path.parent), "README.md")
        if card.metadata is None:
            continue
        doc = _jsonable(card.metadata)
        for schema in schemas:
            expected = _jsonschema_valid(schema, doc)
            assert schemafast.proven_valid(schema, doc) == expected, (card_path, schema.name)
            valid, invalid = valid + expected, invalid + (not expected)
    assert valid and invalid


def test_values_that_are_not_json_go_to_jsonschema() -> None:
    import datetime as dt

    schema = _paths.schemas_dir() / "model-card.schema.json"
    assert schemafast.proven_valid(schema, {"license": "mit"})
    # a value a subschema looks at (jsonschema: "not of type 'string'"), and a tuple, which is no array
    assert not schemafast.proven_valid(schema, {"license": dt.date(2024, 1, 1)})
    assert not schemafast.proven_valid(schema, {"license": ("mit",)})


def test_a_stale_compiled_module_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from hflint.schemafast.generated import generation_config

    schema = _paths.schemas_dir() / "generation-config.schema.json"
    schemafast.compiled.cache_clear()
    monkeypatch.setattr(generation_config, "STAMP", (0, 0))
    try:
        assert schemafast.compiled(schema) is None
        assert not schemafast.proven_valid(schema, {})
    finally:
        schemafast.compiled.cache_clear()


def test_a_users_schema_is_not_compiled(tmp_path: Path) -> None:
    own = tmp_path / "model-card.schema.json"
    own.write_bytes((_paths.schemas_dir() / "model-card.schema.json").read_bytes())
    assert schemafast.compiled(own) is None


def test_unknown_keywords_are_refused_not_ignored() -> None:
    for schema in ({"uniqueItems": True}, {"contains": {}}, {"format": "email"}, {"$ref": "other.json"},
                   {"enum": [[1]]}, {"items": [{}]}, {"$ref": "#anchor"}, {"$ref": "#/$defs/a%20b"},
                   {"$defs": {"a": {"$anchor": "a"}}, "$ref": "#/$defs/a"}):
        with pytest.raises(compiler.Unsupported):
            compiler.Compiler("t").compile(schema)


# -- generated documents ---------------------------------------------------------------

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(-3, 3, allow_nan=False),
                     st.sampled_from([1.0, 2.5, -0.0, 1e300]), st.text(max_size=6))
_JUNK = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                     max_leaves=6)


def _strings(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "pattern" in schema:
        try:
            re.compile(schema["pattern"])
            return st.one_of(st.from_regex(schema["pattern"], fullmatch=False).map(lambda s: s[:80]), st.text())
        except (re.error, TypeError, ValueError):  # pragma: no cover - lookarounds hypothesis cannot draw
            return st.text()
    if schema.get("format") == "date":
        return st.one_of(st.dates().map(str), st.just("2024-02-30"), st.text(max_size=10))
    return st.text(max_size=max(schema.get("minLength", 0) + 2, 4))


def _from_schema(schema: Any, root: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Documents near the schema: mostly shaped like it (valid or off by a value), some junk."""
    if not isinstance(schema, dict) or depth > 5:
        return _JUNK
    if "$ref" in schema:
        return _from_schema(compiler._resolve(root, schema["$ref"]), root, depth + 1)
    options: list[st.SearchStrategy[Any]] = [_JUNK]
    if "enum" in schema:
        options.append(st.sampled_from(schema["enum"]))
    if "const" in schema:
        options.append(st.just(schema["const"]))
    for key in ("anyOf", "oneOf", "allOf"):
        options += [_from_schema(sub, root, depth + 1) for sub in schema.get(key, [])]
    for key in ("if", "then", "else"):
        if key in schema:
            options.append(_from_schema(schema[key], root, depth + 1))
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else types
    low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
    for t in types:
        if t == "string":
            options.append(_strings(schema))
        elif t in ("integer", "number"):
            ints = st.integers(int(low) - 2, int(schema.get("maximum", low + 5)) + 2)
            options.append(ints if t == "integer" else st.one_of(ints, ints.map(float), st.floats(low - 1, low + 2)))
        elif t == "array":
            items = schema.get("items", {})
            options.append(st.lists(_from_schema(items, root, depth + 1), max_size=3))
        elif t == "object":
            props = schema.get("properties", {})
            required = [k for k in schema.get("required", []) if k in props]
            optional = {k: _from_schema(v, root, depth + 1) for k, v in props.items() if k not in required}
            fixed = {k: _from_schema(props[k], root, depth + 1) for k in required}
            options.append(st.fixed_dictionaries(fixed, optional=optional))
    return st.one_of(*options)


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda p: p.name)
def test_agrees_with_jsonschema_on_generated_documents(schema: Path) -> None:
    root = json.loads(schema.read_text(encoding="utf-8"))

    @settings(max_examples=120, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    @given(_from_schema(root, root))
    def agree(doc: Any) -> None:
        assert schemafast.proven_valid(schema, doc) == _jsonschema_valid(schema, doc), repr(doc)[:300]

    agree()


def test_a_clean_card_and_configs_are_validated_without_jsonschema() -> None:
    """A clean scan of a real Llama repository proves its card and configs valid without
    importing jsonschema (the fast path); the full scan runs in a fresh interpreter."""
    import subprocess

    fixture = ROOT / "tests" / "fixtures" / "real" / "llama-safetensors-sharded"
    code = (
        "import sys\nfrom hflint.cli import main\n"
        f"code = main(['scan', '--isolated', '--no-cache', {str(fixture)!r}])\n"
        "print(code, 'jsonschema' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT / "linter"), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip().splitlines()[-1] == "0 False", out.stdout + out.stderr
