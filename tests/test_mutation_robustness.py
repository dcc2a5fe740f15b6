"""A fixed-seed share of benchmarks/mutation_fuzz.py: every golden case and real-library
repository, one file at a time damaged (cut, bit flips, huge length fields, 0xff and zero
blocks, duplicated regions), scanned with every rule. No check kind may raise (the engine
would turn it into HF001 "internal error"), nothing may escape the scan, and a cut model
file is never passed in silence. The benchmark runs the same with more mutations and a
stall timer; this test sets no timer (speed is the benchmarks' business)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _fuzz():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("mutation_fuzz", ROOT / "benchmarks" / "mutation_fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation_fuzz"] = module
    spec.loader.exec_module(module)
    return module


def test_damaged_repositories_scan_without_crash_or_silent_pass() -> None:
    problems = _fuzz().run(per_file=2, seed=20261206, stall=0, limit=None, echo=False)
    assert problems == []
