"""Benchmark: scanning a sharded checkpoint on a Hub endpoint, bytes fetched and wall time.

    python benchmarks/remote_bench.py [--runs 5]

Builds the 7B-class safetensors layout of weights_bench.py (4 sparse shards of ~3.4 GB, the
index, config.json, a README) and serves it from tests/hubserver.py, a local stand-in for
the Hub's API on 127.0.0.1, set as HF_ENDPOINT. Side by side, each a fresh process:

- `hflint HF3`: ``hflint scan --isolated --select HF3 hf://bench/llama``;
- `hflint all`: the same with every rule;
- `get_safetensors_metadata`: huggingface_hub's own header-only reader of a model's
  safetensors metadata (``HfApi.get_safetensors_metadata``), the floor for "read the
  headers from the Hub".

Reported: median wall time, and the bytes the server sent (response bodies) per run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
import weights_bench  # noqa: E402

from hubserver import LocalHub, running  # noqa: E402

FLOOR = "from huggingface_hub import HfApi; print(len(HfApi().get_safetensors_metadata('bench/llama').weight_map))"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hflint-remote-bench-", dir="/tmp"))
    try:
        weights_bench.build(work, 1)
        hub = LocalHub({})
        hub.add("bench/llama", work / "st")
        size = sum(p.stat().st_size for p in (work / "st").iterdir())
        with running(hub) as url:
            env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
            env.update(HF_ENDPOINT=url, HF_HOME=str(work / "hf-home"), HF_HUB_DISABLE_TELEMETRY="1",
                       PYTHONPATH=str(ROOT / "linter"))
            programs = {
                "hflint HF3": [sys.executable, "-m", "hflint", "scan", "--isolated", "--select", "HF3",
                               "--fail-on", "none", "hf://bench/llama"],
                "hflint all": [sys.executable, "-m", "hflint", "scan", "--isolated", "--fail-on", "none",
                               "hf://bench/llama"],
                "get_safetensors_metadata": [sys.executable, "-c", FLOOR],
            }
            rows: dict[str, list[tuple[float, int]]] = {name: [] for name in programs}
            for _ in range(args.runs):
                for name, argv in programs.items():
                    before = len(hub.log)
                    start = time.perf_counter()
                    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
                    wall = time.perf_counter() - start
                    if proc.returncode != 0:
                        print(f"{name} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
                        return 1
                    rows[name].append((wall, sum(s.sent for s in hub.log[before:])))
        print(f"checkpoint: {size / 1e9:.1f} GB in 4 safetensors shards (sparse), served from {url}")
        print(f"{'program':<26}{'wall s (median)':>16}{'bytes sent':>12}")
        for name, results in rows.items():
            wall = statistics.median(w for w, _ in results)
            sent = statistics.median(b for _, b in results)
            print(f"{name:<26}{wall:>16.3f}{sent:>12,.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
