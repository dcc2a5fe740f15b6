"""hflint.ray_scan for real: a local Ray runtime (ray.init(num_cpus=2)) scans a few hundred
repositories served by tests/hubserver.py, and every record equals the one the
single-machine ``--jobs`` run writes for the same target.

Ray is the optional ``ray`` extra: without it this module is skipped, and .ci/run runs it
in a step of its own after installing ``.[ray]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from hubserver import Fault, LocalHub, running

pytest.importorskip("ray", reason="the ray extra is not installed (pip install -e '.[ray]')")
pytest.importorskip("pyarrow")

REAL = ROOT / "tests" / "fixtures" / "real"
DEMO = ROOT / "examples" / "demo-model"
COUNT = 240


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    folders = [p for p in sorted(REAL.iterdir()) if p.is_dir()] + [DEMO]
    local = LocalHub({})
    for i in range(COUNT):
        local.add(f"fleet/r{i:03d}", folders[i % len(folders)])
    local.add("fleet/gated", DEMO, gated=True)
    with running(local):
        yield local


def _env(hub: LocalHub, tmp: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "RAY_")) and k != "CI"}
    return {**base, "HF_ENDPOINT": hub.url, "HF_HOME": str(tmp / "hf-home"), "HF_HUB_DISABLE_TELEMETRY": "1",
            "CI": "true"}


def _records(lines: list[str]) -> dict[str, dict[str, object]]:
    out = {}
    for line in lines:
        record = json.loads(line)
        if record["record"] == "target":
            out[record["target"]] = record
    return out


def test_ray_scan_equals_the_single_machine_run(hub: LocalHub, tmp_path: Path) -> None:
    targets = [f"hf://fleet/r{i:03d}" for i in range(COUNT)] + ["hf://fleet/gated", "hf://fleet/missing"]
    listing = tmp_path / "targets.txt"
    listing.write_text("# the fleet\n" + "\n".join(targets) + "\n", encoding="utf-8")
    # A 429 with Retry-After on the way: the cluster's shared pace waits it out.
    hub.faults.append(Fault("/api/models/fleet/r007/tree/", status=429, count=1, retry_after=1))
    out = tmp_path / "shards"
    ray = subprocess.run(
        [sys.executable, "-m", "hflint.ray_scan", "--targets-from", str(listing), "--output", str(out),
         "--num-cpus", "2", "--max-rps", "0", "--", "--isolated"],
        capture_output=True, text=True, env=_env(hub, tmp_path), cwd=tmp_path, timeout=900,
    )
    assert ray.returncode == 2, ray.stderr  # the gated and the missing repository
    shards = sorted(out.glob("*.jsonl"))
    assert len(shards) > 1
    from_ray = _records([line for s in shards for line in s.read_text(encoding="utf-8").splitlines()])
    single = subprocess.run(
        [sys.executable, "-m", "hflint", "scan", "--isolated", "--jobs", "8", "--max-rps", "0", "--format", "jsonl",
         "--targets-from", str(listing)],
        capture_output=True, text=True, env=_env(hub, tmp_path), cwd=tmp_path, timeout=900,
    )
    assert single.returncode == 2, single.stderr
    from_jobs = _records(single.stdout.splitlines())
    assert sorted(from_ray) == sorted(from_jobs) == sorted(targets)
    for target in targets:
        assert from_ray[target] == from_jobs[target], target
    assert from_ray["hf://fleet/r007"]["status"] == "ok"
    assert from_ray["hf://fleet/gated"]["status"] == "error"
    summary = json.loads((out / "_summary.json").read_text(encoding="utf-8"))
    assert summary["targets"] == len(targets) and summary["failed"] == 2


def test_parquet_shards_hold_the_same_records(hub: LocalHub, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    targets = [f"hf://fleet/r{i:03d}" for i in range(40)]
    listing = tmp_path / "targets.txt"
    listing.write_text("\n".join(targets) + "\n", encoding="utf-8")
    out = tmp_path / "parquet"
    proc = subprocess.run(
        [sys.executable, "-m", "hflint.ray_scan", "--targets-from", str(listing), "--output", str(out),
         "--format", "parquet", "--num-cpus", "2", "--max-rps", "0", "--", "--isolated"],
        capture_output=True, text=True, env=_env(hub, tmp_path), cwd=tmp_path, timeout=900,
    )
    assert proc.returncode in (0, 1), proc.stderr
    rows = pq.read_table(out).to_pylist()
    assert sorted(r["target"] for r in rows) == sorted(targets)
    single = subprocess.run(
        [sys.executable, "-m", "hflint", "scan", "--isolated", "--jobs", "8", "--max-rps", "0", "--format", "jsonl",
         "--targets-from", str(listing)],
        capture_output=True, text=True, env=_env(hub, tmp_path), cwd=tmp_path, timeout=900,
    )
    from_jobs = _records(single.stdout.splitlines())
    for row in rows:
        assert row == {k: from_jobs[row["target"]][k] for k in row}
