"""What hflint's own JSON handling costs next to plain ``json.loads`` (hflint.jsonsyntax).

    python benchmarks/json_bench.py [--runs 7] [--merges 250000]

Generates a BPE tokenizer.json in memory (a vocabulary of N tokens and N merges written as
pairs, as tokenizers >= 0.20 saves them; ~15 MB for the default N), then measures, in one
process, interleaved, medians over the runs:

- ``json.loads``: the standard library alone (the floor);
- ``parse_json``: what every hflint read of a JSON file costs on success, ``json.loads``
  plus the nesting check that makes the 256-level limit the same on every Python;
- on a copy with a trailing comma near the end: ``json.loads`` failing, and
  ``first_problem``, hflint's description of the defect (the failure path only).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "linter"))

from hflint import jsonsyntax
from hflint.jsonfile import parse_json


def _tokenizer(n: int) -> str:
    rng = random.Random(0)
    vocab = {"".join(rng.choices(string.ascii_letters, k=rng.randint(2, 10))) + str(i): i for i in range(n)}
    keys = list(vocab)
    merges = [[keys[i], keys[i + 1]] for i in range(n - 1)]
    added = [{"id": i, "content": f"<t{i}>", "special": True, "normalized": False} for i in range(100)]
    doc = {"version": "1.0", "added_tokens": added, "model": {"type": "BPE", "vocab": vocab, "merges": merges}}
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _time(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    with contextlib.suppress(ValueError):  # json.loads refusing the broken copy
        fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--merges", type=int, default=250_000)
    args = parser.parse_args()
    good = _tokenizer(args.merges)
    bad = good[: good.rindex("]")] + ",\n" + good[good.rindex("]") :]  # a trailing comma near the end
    cases = {
        "json.loads (valid)": lambda: json.loads(good),
        "parse_json (valid)": lambda: parse_json(good),
        "json.loads (defect at the end)": lambda: json.loads(bad),
        "first_problem (defect at the end)": lambda: jsonsyntax.first_problem(bad),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, fn in cases.items():
            times[name].append(_time(fn))
    print(f"Python {sys.version.split()[0]}, tokenizer.json of {len(good) / 1e6:.1f} MB, {args.runs} runs")
    floor = statistics.median(times["json.loads (valid)"])
    for name, measured in times.items():
        median = statistics.median(measured)
        print(f"  {name:36} {median * 1000:8.1f} ms  {median / floor:5.2f}x json.loads (valid)")
    print(f"  defect: {jsonsyntax.first_problem(bad)}")


if __name__ == "__main__":
    main()
