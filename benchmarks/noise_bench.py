"""Benchmark: findings per rule on repositories laid out like published ones, before vs after.

    python benchmarks/noise_bench.py [--before REF] [--keep]

Builds, in a temporary folder, a small corpus of model repositories written for hflint from
the constructs of real published repositories (nothing is copied from them): the card PEFT
writes for an adapter (huggingface_hub's template rendered empty, as PEFT does), the card
transformers' Trainer writes, cards with their sections under other titles (Llama-, Qwen-,
Phi-, DeepSeek-, sentence-transformers- and flan-t5-style headings, a ChatGLM-style Chinese
card), the ChatGLM license layout (LICENSE for the code, MODEL_LICENSE for the weights) and
DeepSeek's (LICENSE-CODE, LICENSE-MODEL), retired pipeline tags, ChatGLM-style remote code
whose quantization kernels pass tensor pointers as ctypes values, and a repository with a
training script, a test and a notebook export beside its weights.

Each repository is scanned with ``python -m hflint scan --isolated --format json`` by the
hflint of this checkout ("after") and, with ``--before REF``, by the hflint of that git ref
extracted with ``git archive`` into the temporary folder ("before"), side by side in one
run. The table gives the findings per rule and severity, the total, and per repository.
The corpus also holds what must stay reported (a remote-code file that downloads with
requests, a real ctypes library load, os.system in a loaded module): those rows must not
drop to zero.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
Files = dict[str, str | bytes]

APACHE = "                                 Apache License\n                           Version 2.0, January 2004\n"
MIT = (
    "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this "
    "software and associated documentation files (the \"Software\"), to deal in the Software.\n"
)
CUSTOM_MODEL_LICENSE = "The Example Model License\n\n1. Definitions\n\n2. Grant of license for research use.\n"


def _weights() -> bytes:
    """A tiny safetensors file (one BF16 tensor), written by the reference library."""
    import numpy as np
    from safetensors.numpy import save

    return save({"embed.weight": np.zeros((4, 4), dtype=np.float16)})


def _card(metadata: str, headings: list[str], text: str = "Text.") -> str:
    body = "".join(f"\n{h}\n\n{text}\n" for h in headings)
    return f"---\n{metadata.strip()}\n---\n{body}"


def _peft_card() -> str:
    from huggingface_hub import ModelCard, ModelCardData

    card = ModelCard.from_template(ModelCardData())
    card.data["library_name"] = "peft"
    card.data["base_model"] = "meta-llama/Llama-3.1-8B"
    return str(card).rstrip("\n") + "\n### Framework versions\n\n- PEFT 0.17.1\n"


QUANTIZATION = '''import ctypes

import torch

KERNEL = "{blob}"


def compress(kernels, weight, out):
    n, m = weight.size(0), weight.size(1)
    kernels.compress((n, 1, 1), (m, 1, 1), 0, torch.cuda.current_stream(),
                     [ctypes.c_void_p(weight.data_ptr()), ctypes.c_void_p(out.data_ptr()),
                      ctypes.c_int32(n), ctypes.c_int32(m)])


def extract(kernels, weight, scale, out):
    n, m = weight.size(0), weight.size(1)
    kernels.extract((n, 1, 1), (m, 1, 1), 0, torch.cuda.current_stream(),
                    [ctypes.c_void_p(weight.data_ptr()), ctypes.c_void_p(scale.data_ptr()),
                     ctypes.c_void_p(out.data_ptr()), ctypes.c_int32(n), ctypes.c_int32(m)])


def dtypes():
    return [getattr(torch, name) for name in ("float16", "bfloat16")]
'''


def corpus() -> dict[str, Files]:
    import base64
    import random

    weights = _weights()
    config = '{"model_type": "llama", "architectures": ["LlamaForCausalLM"]}'
    auto_map = {"AutoConfig": "configuration_chatglm.ChatGLMConfig", "AutoModel": "modeling_chatglm.ChatGLMModel"}
    remote = json.dumps({"model_type": "chatglm", "architectures": ["ChatGLMModel"], "auto_map": auto_map})
    blob = base64.b64encode(random.Random(7).randbytes(900)).decode()
    return {
        "peft-default-adapter": {
            "README.md": _peft_card(),
            "adapter_config.json": json.dumps(
                {"peft_type": "LORA", "base_model_name_or_path": "meta-llama/Llama-3.1-8B", "r": 8,
                 "target_modules": ["q_proj", "v_proj"], "task_type": "CAUSAL_LM"}
            ),
            "adapter_model.safetensors": weights,
        },
        "trainer-finetune": {
            "README.md": _card(
                "license: apache-2.0\nbase_model: google-bert/bert-base-uncased",
                ["# bert-finetuned", "## Model description", "## Intended uses & limitations",
                 "## Training and evaluation data", "## Training procedure", "### Training hyperparameters",
                 "### Training results", "### Framework versions"],
                "More information needed",
            ),
            "config.json": config, "model.safetensors": weights,
        },
        "llama-style": {
            "README.md": _card(
                "license: llama3.1\npipeline_tag: text-generation",
                ["## Model Information", "## Intended Use", "## How to use", "## Hardware and Software",
                 "## Training Data", "## Benchmarks - English Text", "## Responsibility & Safety",
                 "## Ethical Considerations and Limitations", "## Contact"],
            ),
            "LICENSE": "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Community License Agreement\n",
            "USE_POLICY.md": "# Llama 3.1 Acceptable Use Policy\n", "config.json": config, "model.safetensors": weights,
        },
        "qwen-style": {
            "README.md": _card(
                "license: apache-2.0\npipeline_tag: text-generation",
                ["# Qwen-style-7B", "## Introduction", "## Requirements", "## Quickstart",
                 "## Evaluation & Performance", "## Limitations", "## Citation", "## Contact Us"],
            ),
            "LICENSE": APACHE, "config.json": config, "model.safetensors": weights,
        },
        "phi-style": {
            "README.md": _card(
                "license: mit\npipeline_tag: text-generation",
                ["## Model Summary", "## Intended Uses", "## How to Use", "## Responsible AI Considerations",
                 "## Training", "### Model", "### Datasets", "## Benchmarks", "## License", "## Trademarks"],
            ),
            "LICENSE": MIT, "config.json": config, "model.safetensors": weights,
        },
        "deepseek-style": {
            "README.md": _card(
                "license: other\nlicense_name: deepseek\nlicense_link: LICENSE-MODEL",
                ["## 1. Introduction", "## 2. Model Summary", "## 3. Evaluation Results", "## 4. Chat Website & API",
                 "## 5. How to run locally", "## 6. License", "## 7. Citation", "## 8. Contact"],
            ),
            "LICENSE-CODE": MIT, "LICENSE-MODEL": CUSTOM_MODEL_LICENSE, "config.json": config,
            "model.safetensors": weights,
        },
        "chatglm-style": {
            "README.md": _card(
                "language: [zh, en]\ntags: [glm, chatglm]",
                ["# ChatGLM-style-6B", "## 介绍", "## 软件依赖", "## 代码调用", "## 协议", "## 引用"],
            ),
            "LICENSE": APACHE, "MODEL_LICENSE": CUSTOM_MODEL_LICENSE, "config.json": remote,
            "model.safetensors": weights,
            "configuration_chatglm.py": "from transformers import PretrainedConfig\n\n\n"
            "class ChatGLMConfig(PretrainedConfig):\n    pass\n",
            "modeling_chatglm.py": "from .quantization import compress\n\n\nclass ChatGLMModel:\n    pass\n",
            "quantization.py": QUANTIZATION.format(blob=blob),
        },
        "flan-t5-style": {
            "README.md": _card(
                "license: apache-2.0\npipeline_tag: text2text-generation",
                ["# Model Card for FLAN-T5-style", "# TL;DR", "# Model Details", "# Usage", "# Uses",
                 "# Bias, Risks, and Limitations", "# Training Details", "# Evaluation", "# Environmental Impact",
                 "# Citation"],
            ),
            "LICENSE": APACHE, "config.json": config, "model.safetensors": weights,
        },
        "dialogpt-style": {
            "README.md": _card(
                "license: mit\npipeline_tag: conversational\ntags: [conversational]",
                ["## A State-of-the-Art Large-scale Pretrained Response generation model", "### How to use"],
            ),
            "config.json": config, "model.safetensors": weights,
        },
        "sentence-transformers-style": {
            "README.md": _card(
                "license: apache-2.0\npipeline_tag: sentence-similarity\nlibrary_name: sentence-transformers",
                ["# all-mini-style", "## Usage (Sentence-Transformers)", "## Usage (HuggingFace Transformers)",
                 "## Evaluation Results", "## Background", "## Intended uses", "## Training procedure",
                 "## Full Model Architecture", "## Citing & Authors"],
            ),
            "config.json": config, "model.safetensors": weights,
        },
        "scripts-beside-weights": {
            "README.md": _card("license: mit", ["## Usage", "## Training"]),
            "LICENSE": MIT, "config.json": config, "model.safetensors": weights,
            "Training.py": "import os\nimport subprocess\n\nos.system('nvidia-smi')\n"
            "subprocess.run(['accelerate', 'launch', 'train.py'])\n",
            "tests/smoke_model.py": "import torch\n\nprint(torch.__version__)\n",
            "colab_export.py": "!pip install -q transformers peft\n%matplotlib inline\nimport torch\n"
            "!nvidia-smi\n",
        },
        # What must stay reported.
        "remote-code-payloads": {
            "README.md": _card("license: mit", ["## Uses", "## Contact"]),
            "config.json": json.dumps({"model_type": "x", "auto_map": {"AutoModel": "modeling_x.XModel"}}),
            "modeling_x.py": "import ctypes\nimport os\n\nimport requests\n\n"
            "requests.get('https://example.invalid/w')\nctypes.CDLL('libc.so.6')\nos.system('id')\n\n\n"
            "class XModel:\n    pass\n",
        },
    }


def _hflint_source(ref: str, tmp: Path) -> Path:
    """``linter/`` and ``rules/`` of a git ref, extracted read-only from the object store."""
    out = tmp / f"hflint-{ref.replace('/', '_')}"
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "linter", "rules"], capture_output=True, check=True
    ).stdout
    out.mkdir()
    with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
        tar.extractall(out, filter="data")
    return out / "linter"


def _scan(repo: Path, linter: Path | None) -> list[dict[str, object]]:
    env = dict(os.environ)
    if linter is not None:
        env["PYTHONPATH"] = str(linter)
    proc = subprocess.run(
        [sys.executable, "-m", "hflint", "scan", "--isolated", "--format", "json", "--fail-on", "none", str(repo)],
        capture_output=True, text=True, env=env, cwd=repo, check=False,
    )
    if proc.returncode not in (0, 1):
        raise SystemExit(f"hflint failed on {repo.name}: {proc.stderr[-2000:]}")
    findings: list[dict[str, object]] = json.loads(proc.stdout)["findings"]
    return findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", metavar="REF", help="also scan with the hflint of this git ref (e.g. main)")
    parser.add_argument("--keep", action="store_true", help="keep the corpus folder")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hflint-noise-"))
    try:
        repos = corpus()
        for name, files in repos.items():
            for rel, content in files.items():
                path = tmp / "corpus" / name / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        runs = {"after": None} if not args.before else {"before": _hflint_source(args.before, tmp), "after": None}
        counts: dict[str, collections.Counter[str]] = {label: collections.Counter() for label in runs}
        per_repo: dict[str, dict[str, int]] = {name: {} for name in repos}
        for name in repos:
            for label, linter in runs.items():
                found = _scan(tmp / "corpus" / name, linter)
                counts[label].update(f"{f['rule_id']} ({f['severity']})" for f in found)
                per_repo[name][label] = len(found)
        labels = list(runs)
        rules = sorted(set().union(*counts.values()))
        print(f"{len(repos)} repositories\n")
        print("| rule (severity) | " + " | ".join(labels) + " |")
        print("| --- | " + " | ".join("---:" for _ in labels) + " |")
        for rule in rules:
            print(f"| {rule} | " + " | ".join(str(counts[label][rule]) for label in labels) + " |")
        print("| **total** | " + " | ".join(str(sum(counts[label].values())) for label in labels) + " |\n")
        print("| repository | " + " | ".join(labels) + " |")
        print("| --- | " + " | ".join("---:" for _ in labels) + " |")
        for name, by_label in per_repo.items():
            print(f"| {name} | " + " | ".join(str(by_label[label]) for label in labels) + " |")
        if args.keep:
            print(f"\ncorpus kept in {tmp / 'corpus'}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
