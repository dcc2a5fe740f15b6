"""Write the golden cases of HF313 (Flax msgpack weights flax cannot read): a small state dict
laid out as transformers' FlaxBertModel.save_pretrained writes one (flax.serialization:
arrays as msgpack extension 1 holding packb((shape, dtype.name, bytes))), and broken copies.
Needs msgpack and numpy (the test extras).

    python tests/golden/make_flax_fixtures.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import msgpack  # type: ignore[import-untyped]
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from goldencase import case  # noqa: E402


def _ext(x: Any) -> Any:
    # flax.serialization._msgpack_ext_pack
    if isinstance(x, np.ndarray):
        return msgpack.ExtType(1, msgpack.packb((x.shape, x.dtype.name, x.tobytes("C")), use_bin_type=True))
    return x


def state_dict() -> dict[str, Any]:
    rng = np.random.default_rng(0)
    layer = {
        "attention": {
            "self": {
                name: {"kernel": rng.standard_normal((8, 8), "float32"), "bias": np.zeros(8, "float32")}
                for name in ("query", "key", "value")
            }
        },
        "output": {"LayerNorm": {"scale": np.ones(8, "float32"), "bias": np.zeros(8, "float32")}},
    }
    return {
        "embeddings": {
            "word_embeddings": {"embedding": rng.standard_normal((32, 8), "float32")},
            "position_embeddings": {"embedding": rng.standard_normal((16, 8), "float32")},
        },
        "encoder": {"layer": {"0": layer}},
    }


def main() -> int:
    good = bytes(msgpack.packb(state_dict(), default=_ext, strict_types=True))
    (case("HF313", "pass", "flax-layout") / "flax_model.msgpack").write_bytes(good)
    # cut inside the word embeddings' buffer, as an interrupted upload leaves it
    (case("HF313", "fail", "truncated") / "flax_model.msgpack").write_bytes(good[: len(good) // 3])
    (case("HF313", "fail", "trailing-bytes") / "flax_model.msgpack").write_bytes(good + bytes(16))
    (case("HF313", "fail", "empty") / "flax_model.msgpack").write_bytes(b"")
    # an array whose shape claims more items than its buffer holds (extension length kept right)
    short = msgpack.ExtType(1, msgpack.packb(((4, 8), "float32", bytes(4 * 30)), use_bin_type=True))
    bad = bytes(msgpack.packb({"classifier": {"kernel": short}}, strict_types=True))
    (case("HF313", "fail", "shape-buffer-mismatch") / "flax_model.msgpack").write_bytes(bad)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
