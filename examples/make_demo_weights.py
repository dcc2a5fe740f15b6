"""Writes the demo repo's weights: one real safetensors shard and an index that also names a
second shard that is not there (HF301) and a tensor the shard does not hold (HF303).

    python examples/make_demo_weights.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

DEMO = Path(__file__).resolve().parent / "demo-model"


def main() -> None:
    rng = np.random.default_rng(0)
    tensors = {
        "embeddings.word_embeddings.weight": rng.standard_normal((8, 4)).astype(np.float32),
        "encoder.layer.0.attention.self.query.weight": rng.standard_normal((4, 4)).astype(np.float32),
    }
    save_file(tensors, str(DEMO / "model-00001-of-00002.safetensors"), metadata={"format": "pt"})
    index = {
        "metadata": {"total_size": sum(t.nbytes for t in tensors.values()) + 64},
        "weight_map": {
            "embeddings.word_embeddings.weight": "model-00001-of-00002.safetensors",
            "encoder.layer.0.attention.self.query.weight": "model-00001-of-00002.safetensors",
            "encoder.layer.0.attention.self.key.weight": "model-00001-of-00002.safetensors",
            "pooler.dense.weight": "model-00002-of-00002.safetensors",
        },
    }
    (DEMO / "model.safetensors.index.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
