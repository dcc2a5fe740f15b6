"""What `hflint fix` does to the loader oracle's broken variants of real-library repositories.

    python benchmarks/fix_bench.py [--seeds NAME,...] [--unsafe] [--list]

Every variant of every seed (benchmarks/oracle: one small edit of a repository transformers,
diffusers, PEFT or sentence-transformers wrote: a file deleted or truncated, a JSON value
dropped or retyped, index entries dropped, duplicated, renamed or shards swapped) is
materialised, scanned with fixes (every rule, isolated), fixed once (safe fixes, or all
with --unsafe) and scanned again. Counted per variant:

* restored: every file the fix wrote equals the seed's (JSON compared after normalising
  whitespace, other text byte for byte): the fix put back what the library wrote;
* other: a file the fix wrote differs from the seed's (each is listed, for review: a fix
  that invents a value would show here);
* the findings before and after, and fixes left because they are unsafe or not possible.

No loader runs: this measures the fixes against the libraries' own files, the oracle's
run.py measures the findings against the loaders.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "oracle"))
sys.path.insert(0, str(HERE.parent / "linter"))

from seeds import committed_seeds  # noqa: E402
from variants import derive  # noqa: E402

from hflint.config import Config  # noqa: E402
from hflint.engine import scan  # noqa: E402
from hflint.fixes.apply import plan, write  # noqa: E402


def _same(fixed: Path, original: Path) -> bool:
    if not original.is_file():
        return False
    a, b = fixed.read_bytes(), original.read_bytes()
    if a == b:
        return True
    if fixed.suffix == ".json":  # the same document, whitespace aside (key order counts)
        try:
            return json.dumps(json.loads(a), separators=(",", ":")) == json.dumps(json.loads(b), separators=(",", ":"))
        except ValueError:
            return False
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", help="comma-separated seed names (default: every committed seed)")
    parser.add_argument("--unsafe", action="store_true", help="apply unsafe fixes too")
    parser.add_argument("--list", action="store_true", help="list every variant a fix changed")
    args = parser.parse_args()
    wanted = set(args.seeds.split(",")) if args.seeds else None
    totals: Counter[str] = Counter()
    by_rule: Counter[str] = Counter()
    others: list[str] = []
    start = time.perf_counter()
    for seed in committed_seeds():
        if wanted is not None and seed.name not in wanted:
            continue
        for variant in derive(seed.path):
            with tempfile.TemporaryDirectory() as tmp:
                repo = variant.materialise(seed.path, Path(tmp) / seed.name)
                config = Config(isolated=True, fail_on=None)
                before = scan(repo, config, fixes=True)
                p = plan(before, unsafe=args.unsafe)
                written, failed = write(p)
                totals["variants"] += 1
                totals["unsafe left"] += len(p.unsafe)
                totals["not fixable"] += len(p.unfixable)
                totals["not written"] += len(failed) + len(p.problems)
                if not written:
                    continue
                after = scan(repo, config)
                totals["fixed variants"] += 1
                totals["findings before"] += len(before.reported)
                totals["findings after"] += len(after.reported)
                for change in written:
                    for applied in change.applied:
                        by_rule.update(applied.rules)
                    if _same(repo / change.path, seed.path / change.path):
                        totals["files restored"] += 1
                    else:
                        totals["files other"] += 1
                        others.append(f"{seed.name} {variant.id}: {change.path}: "
                                      + "; ".join(a.description for a in change.applied))
                if args.list:
                    print(f"{seed.name} {variant.id}: " + ", ".join(c.path for c in written))
    seconds = time.perf_counter() - start
    print(f"\n{totals['variants']} variants in {seconds:.0f} s; a fix changed files in {totals['fixed variants']}")
    print(f"files written: {totals['files restored']} equal to the library's, {totals['files other']} other")
    print(f"findings in the fixed variants: {totals['findings before']} before, {totals['findings after']} after")
    print(f"fixes left: {totals['unsafe left']} unsafe (without --unsafe), {totals['not fixable']} not possible, "
          f"{totals['not written']} not written")
    print("fixes applied by rule: " + ", ".join(f"{r} {n}" for r, n in sorted(by_rule.items())))
    for line in others:
        print(f"  other: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
