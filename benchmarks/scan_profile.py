"""Where a cold full scan's time and memory go, on the scan_bench layouts (issue 14).

    python benchmarks/scan_profile.py --runs 5 [--layouts DIR] [--write]

scan_bench.py measures whole processes against the header-reading floor; this script says
what the gap between them is made of. Each run is a fresh process that scans one layout
with every rule and no result cache (``hflint scan --isolated --no-cache``, as the cold
row) and times, by wall clock (no profiler, whose overhead distorts pure-Python code):

- the interpreter's start (a bare ``python -c pass``, measured beside it);
- importing hflint's CLI;
- every rule's check, grouped by what it does (the groups below); inside the pickle rules,
  fickling's second opinion separately from hflint's own walk;
- importing the check kinds' modules, which the engine does on a kind's first use;
- the engine around the rules (argparse, the packs and config, listing the files, the report);
- the peak RSS (``VmHWM``) before and after each group, so the group that raises it shows.

Figures are medians over the runs, the floor's beside them (scan_bench's floor script, same
layouts, same round). With --write the table goes into benchmarks/README.md between the
scan_profile markers.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from scan_bench import FORMATS, LAYOUTS, build, write_section  # noqa: E402
from weights_bench import FLOOR, measure  # noqa: E402

BEGIN, END = "<!-- scan_profile: begin -->", "<!-- scan_profile: end -->"

# (group, rule ids or kind names it takes); the first match wins, the rest is "other rules".
GROUPS = [
    ("tokenizer.json parse (HF201: read, UTF-8, json.loads, depth)", ("HF201",)),
    ("tokenizer checks (HF204-HF207: vocab, merges, added tokens)", ("tokenizer-json", "tokenizer-consistency")),
    ("pickle rules: hflint's walk (HF401-HF403)", ("pickle-scan",)),
    ("pickle rules: fickling's second opinion", ()),
    ("chat template (HF208: jinja2 import and parse)", ("chat-template",)),
    ("shard index and headers (HF3xx)", ("shard-index", "weights-format", "weights-header")),
    (
        "model card (HF1xx: PyYAML import, front matter, text)",
        ("card-metadata", "card-license", "license-text", "card-sections", "text-pattern"),
    ),
]
OTHER = "other rules (config, custom code, formats...)"
KINDS = "check kinds' modules imported (on first use, ~35 modules)"
ENGINE = "engine around the rules (argparse, packs, config, listing, report)"

DRIVER = r"""
import json, os, sys, time
T0 = time.perf_counter()
def hwm():
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith("VmHWM")) * 1024
import hflint.engine as engine
from hflint.cli import main
T1 = time.perf_counter()
from hflint.pickles import second_opinion
spent = {"rules": {}, "steps": {}, "fickling": 0.0, "kinds": 0.0}
real_imports = second_opinion.imports
def timed_imports(*a, **k):
    t = time.perf_counter()
    try:
        return real_imports(*a, **k)
    finally:
        spent["fickling"] += time.perf_counter() - t
second_opinion.imports = timed_imports
real_load = engine.load_kind
class Timed:
    def __init__(self, kind):
        self.kind = kind
    def check(self, rule, repo):
        before, t = hwm(), time.perf_counter()
        out = list(self.kind.check(rule, repo))
        key = rule.id + " " + rule.kind
        spent["rules"][key] = spent["rules"].get(key, 0.0) + time.perf_counter() - t
        spent["steps"][key] = spent["steps"].get(key, 0) + hwm() - before
        return out
def timed_load(kind):
    t = time.perf_counter()
    try:
        return Timed(real_load(kind))
    finally:
        spent["kinds"] += time.perf_counter() - t
engine.load_kind = timed_load
sys.argv = ["hflint", "scan", "--isolated", "--no-cache", "--fail-on", "none", sys.argv[1]]
try:
    main()
except SystemExit:
    pass
T2 = time.perf_counter()
spent.update(imports=T1 - T0, run=T2 - T1, peak=hwm())
os.write(int(os.environ["PROFILE_FD"]), json.dumps(spent).encode())
"""


def group_of(rule: str) -> str:
    rule_id, kind = rule.split(" ", 1)
    for name, members in GROUPS:
        if rule_id in members or kind in members:
            return name
    return OTHER


def profile_once(path: Path) -> dict[str, float]:
    read, write = os.pipe()
    env = {**os.environ, "PROFILE_FD": str(write), "PYTHONPATH": str(ROOT / "linter"), "NO_COLOR": "1"}
    with subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(path)], env=env, pass_fds=(write,), stdout=subprocess.DEVNULL
    ) as proc:
        os.close(write)
        with os.fdopen(read, "rb") as fh:
            got = json.loads(fh.read())
    if proc.returncode:
        raise SystemExit(f"profile run failed on {path} (exit {proc.returncode})")
    out: dict[str, float] = {"hflint imports": got["imports"], "peak": got["peak"]}
    for rule, seconds in got["rules"].items():
        name = group_of(rule)
        out[name] = out.get(name, 0.0) + seconds
    out["pickle rules: hflint's walk (HF401-HF403)"] = (
        out.get("pickle rules: hflint's walk (HF401-HF403)", 0.0) - got["fickling"]
    )
    out["pickle rules: fickling's second opinion"] = got["fickling"]
    out[KINDS] = got["kinds"]
    out[ENGINE] = got["run"] - sum(got["rules"].values()) - got["kinds"]
    # The rule whose check raised the peak RSS most: where the memory went.
    steps = got["steps"]
    out["peak raised by"] = group_of(max(steps, key=steps.get)) if steps else ""  # type: ignore[assignment]
    return out


def interpreter_start() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - start


def run(args: argparse.Namespace) -> tuple[list[str], dict[str, dict[str, float]]]:
    columns: list[str] = []
    table: dict[str, dict[str, float]] = {}
    floor_once = FLOOR.split("once()  #")[0] + "once()\n"
    for layout, size in LAYOUTS:
        for fmt_name, fmt in FORMATS:
            path = args.layouts / f"{size}-{fmt}"
            column = f"{layout} {fmt_name.split(' ')[0]}"
            columns.append(column)
            samples: list[dict[str, float]] = []
            floors, floor_rss, starts = [], [], []
            for _ in range(args.runs):
                got = measure(["", floor_once, str(path)], ROOT / "linter", sys.executable, {})
                floors.append(got["wall"])
                floor_rss.append(got["hwm"])
                starts.append(interpreter_start())
                samples.append(profile_once(path))
            cells: dict[str, float] = {
                "floor (whole process)": statistics.median(floors),
                "interpreter start": statistics.median(starts),
            }
            for key in samples[0]:
                if key != "peak raised by":
                    cells[key] = statistics.median(float(s.get(key, 0.0)) for s in samples)
            cells["floor peak"] = statistics.median(floor_rss)
            table[column] = cells
            raised = {str(s["peak raised by"]) for s in samples}
            table[column]["peak raised by"] = ", ".join(sorted(raised))  # type: ignore[assignment]
            print(
                column,
                json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in cells.items()}),
                flush=True,
            )
    return columns, table


def markdown(columns: list[str], table: dict[str, dict[str, float]]) -> str:
    rows = ["interpreter start", "hflint imports", KINDS, *(g for g, _ in GROUPS), OTHER, ENGINE]
    out = ["| cold scan, every rule | " + " | ".join(columns) + " |", "| --- |" + " --- |" * len(columns)]
    for row in rows:
        cells = []
        for c in columns:
            ms = table[c].get(row, 0.0) * 1000
            cells.append(f"{ms:.0f} ms ({ms / 1000 / table[c]['floor (whole process)']:.1f}x)")
        out.append(f"| {row} | " + " | ".join(cells) + " |")
    total = [sum(table[c].get(r, 0.0) for r in rows) for c in columns]
    out.append(
        "| **sum** | "
        + " | ".join(
            f"**{t * 1000:.0f} ms ({t / table[c]['floor (whole process)']:.1f}x)**"
            for t, c in zip(total, columns, strict=True)
        )
        + " |"
    )
    out.append(
        "| floor, whole process | "
        + " | ".join(f"{table[c]['floor (whole process)'] * 1000:.0f} ms" for c in columns)
        + " |"
    )
    out.append(
        "| peak RSS (floor's) | "
        + " | ".join(f"{table[c]['peak'] / 2**20:.0f} MB ({table[c]['floor peak'] / 2**20:.0f} MB)" for c in columns)
        + " |"
    )
    out.append(
        "| peak reached in | " + " | ".join(str(table[c]["peak raised by"]).split(" (")[0] for c in columns) + " |"
    )
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--layouts", type=Path, default=Path(tempfile.gettempdir()) / "hflint-scan-bench")
    parser.add_argument("--write", action="store_true", help="write the table into benchmarks/README.md")
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "linter", quiet=1)
    build(args.layouts)
    columns, table = run(args)
    text = markdown(columns, table)
    print(text)
    if args.write:
        write_section(BEGIN, END, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
