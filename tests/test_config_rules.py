"""The config rules (HF212-HF215) against the code they mirror.

* ``accepts`` (HF213) must agree with huggingface_hub's ``type_validator`` (a core dependency,
  so it runs everywhere) on every annotation the field table uses, for generated JSON values;
* the divisibility constraint (HF214) must agree with the config classes of transformers
  when it is importable (the ``test`` extra installs it; torch is not needed);
* published configs that load are accepted: Stable Diffusion 1.x's safety_checker config
  (``"transformers_version": null``, legacy ``*_config_dict`` keys), the real fixtures.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, MakeRepo
from hflint.config import Config
from hflint.configs.constraints import load_constraints, violations
from hflint.configs.table import load_table
from hflint.engine import scan
from hflint.kinds.config_fields import accepts, rejects

sys.path.insert(0, str(ROOT / "benchmarks" / "oracle"))
from make_config_fields import encode

DATA = ROOT / "rules" / "data"
TABLE = load_table(DATA / "transformers-config-fields.json")
CONSTRAINTS = load_constraints(DATA / "config-constraints.yaml")
HAS_TRANSFORMERS = importlib.util.find_spec("transformers") is not None

ANNOTATIONS: list[Any] = [
    int, float, bool, str, int | None, float | int, float | None, list[int], list[str] | None,
    dict[str, int], dict[int, str] | dict[str, str] | None, Literal["a", "b"], Literal[0, 1, True],
    list[int] | tuple[int, ...], int | list[int] | None, Sequence[int], str | list[str] | None,
    dict | None, list | None, tuple[int, int] | list[int],
]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-3, 3, allow_nan=False)
    | st.sampled_from(["", "a", "b"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["0", "1", "a"]), inner, max_size=2),
    max_leaves=6,
)


@pytest.mark.parametrize("annotation", ANNOTATIONS, ids=repr)
@settings(max_examples=150, deadline=None)
@given(value=JSON)
def test_field_types_are_checked_as_huggingface_hub_checks_them(annotation: Any, value: object) -> None:
    from huggingface_hub.dataclasses import type_validator

    try:
        type_validator("field", value, annotation)
        expected = True
    except TypeError:
        expected = False
    assert accepts(encode(annotation), value) == expected


@pytest.mark.parametrize(
    ("value", "why"),
    [(0.02, None), (0.0, None), (1.0, None), (1.5, ", which must lie in [0.0, 1.0]"),
     (-0.1, ", which must lie in [0.0, 1.0]"), (1, "")],
)
def test_interval_validators(value: object, why: str | None) -> None:
    """LlamaConfig.initializer_range is interval(min=0.0, max=1.0): a float within it."""
    llama = TABLE.models["llama"]
    assert rejects(TABLE, TABLE.types[llama["fields"]["initializer_range"]], value) == why


def _heads(model_type: str, hidden: int, heads: int | None) -> list[str]:
    doc: dict[str, object] = {"model_type": model_type, "hidden_size": hidden}
    if heads is not None:
        doc["num_attention_heads"] = heads
    return [v.constraint.id for v in violations(CONSTRAINTS, TABLE, "config.json", doc)]


@settings(max_examples=60, deadline=None)
@given(hidden=st.integers(1, 96), heads=st.one_of(st.none(), st.integers(1, 24)))
def test_heads_divide_hidden_as_the_config_class_checks(hidden: int, heads: int | None) -> None:
    found = "heads-divide-hidden" in _heads("llama", hidden, heads)
    effective = heads if heads is not None else TABLE.models["llama"]["defaults"]["num_attention_heads"]
    assert found == (hidden % effective != 0)
    if HAS_TRANSFORMERS:
        from transformers import LlamaConfig

        kwargs = {} if heads is None else {"num_attention_heads": heads}
        try:
            LlamaConfig(hidden_size=hidden, num_key_value_heads=1, **kwargs)
            rejected = False
        except Exception as exc:  # other checks (RoPE's even head_dim) are other constraints'
            rejected = "not a multiple of the number of attention heads" in str(exc.__cause__ or exc)
        assert rejected == found


def test_aliases_and_sub_configs_are_followed() -> None:
    # GPT-2 names its hidden size n_embd; CLIP nests a text config without its model_type
    gpt2 = {"model_type": "gpt2", "n_embd": "768"}
    clip = {"model_type": "clip", "text_config": {"hidden_size": 30, "num_attention_heads": 8}}
    table = TABLE
    assert not accepts(table.types[table.models["gpt2"]["fields"]["n_embd"]], gpt2["n_embd"])
    found = violations(CONSTRAINTS, table, "config.json", clip)
    expected = [("heads-divide-hidden", "/text_config/num_attention_heads")]
    assert [(v.constraint.id, v.pointer) for v in found] == expected


def test_one_key_is_reported_once() -> None:
    # rope_theta "x" fails loading (HF214); the suspect group (HF215) must not add a warning
    doc = {"model_type": "llama", "rope_theta": "x", "num_hidden_layers": 0}
    groups = [(v.constraint.group, v.pointer) for v in violations(CONSTRAINTS, TABLE, "config.json", doc)]
    assert groups == [("rejects", "/rope_theta"), ("suspect", "/num_hidden_layers")]


def _config_findings(root: Path) -> list[str]:
    result = scan(root, Config(isolated=True, fail_on=None, select=("HF2",)))
    return [f"{f.rule_id} {f.path} {f.pointer}: {f.message}" for f in result.reported]


def test_stable_diffusion_safety_checker_config_is_accepted(make_repo: MakeRepo) -> None:
    """SD 1.x ships safety_checker/config.json with "transformers_version": null, and
    CLIPConfig.from_pretrained loads it (transformers 4.57 and 5.x)."""
    config = (ROOT / "tests" / "golden" / "HF213" / "pass" / "sd-safety-checker" / "config.json").read_text()
    assert json.loads(config)["transformers_version"] is None
    root = make_repo({"safety_checker/config.json": config})
    assert _config_findings(root) == []
    if HAS_TRANSFORMERS:
        from transformers import CLIPConfig

        CLIPConfig.from_pretrained(str(root / "safety_checker"))


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "tests" / "fixtures" / "real").iterdir() if p.is_dir()))
def test_real_configs_pass_every_config_rule(name: str) -> None:
    assert _config_findings(ROOT / "tests" / "fixtures" / "real" / name) == []


def test_every_constraint_cites_its_source() -> None:
    for c in CONSTRAINTS:
        assert c.source and c.why, c.id
        assert any(lib in c.source for lib in ("transformers", "torch", "peft", "sentence-transformers",
                                                "diffusers", "per model type")), c.id
