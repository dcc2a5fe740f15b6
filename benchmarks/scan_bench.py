"""A full scan next to the header-reading floor, cold and warm, on Llama-sized layouts (issue 14).

    python benchmarks/scan_bench.py --runs 7 --tools-python VENV/bin/python [--layouts DIR] [--write]

Builds (once, into --layouts, default /tmp/hflint-scan-bench) sparse Llama-2-7B and
Llama-3-70B repositories as safetensors shards and as torch.save ``.bin`` shards, each with a
real-size tokenizer (benchmarks/llama_layout.py), and runs, interleaved (one of each per
round), each in a fresh process:

- ``floor``: the minimal header reader of weights_bench.py: the index, every safetensors
  length prefix and JSON header, every zip directory and ``data.pkl`` walked with pickletools;
- ``hflint cold``: ``hflint scan --isolated`` with every rule, an empty result cache;
- ``hflint warm``: the same scan again, the cache primed by a previous run;
- ``hflint --no-cache``: every rule, no cache read or written;
- ``picklescan``, ``modelscan``: for scale, from --tools-python's environment.

Figures are medians over the runs of the whole process (interpreter start-up included), its
peak RSS (``VmHWM``) and its bytes read (``rchar``, Python's own imports included). With
--write the table goes into benchmarks/README.md between the scan_bench markers and a plot
(matplotlib, this script's own environment: it is no dependency of hflint) beside it.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import llama_layout  # noqa: E402
from weights_bench import FLOOR, measure  # noqa: E402

HFLINT = """
sys.argv = ['hflint', 'scan', '--isolated', '--fail-on', 'none', *EXTRA, sys.argv[1]]
from hflint.cli import main
raise SystemExit(main())
"""
PICKLESCAN = """
sys.argv = ['picklescan', '-p', sys.argv[1]]
from picklescan.cli import main
raise SystemExit(main())
"""
MODELSCAN = """
sys.argv = ['modelscan', '-p', sys.argv[1]]
from modelscan.cli import main
main()
"""
LAYOUTS = [("Llama-2-7B", "7b"), ("Llama-3-70B", "70b")]
FORMATS = [("safetensors", "st"), (".bin (torch zip)", "bin")]
BEGIN, END = "<!-- scan_bench: begin -->", "<!-- scan_bench: end -->"


LINTER = ROOT / "linter"  # hflint from this checkout (PYTHONPATH); the other tools ignore it


def programs(args: argparse.Namespace, cache: Path) -> list[tuple[str, str, str, dict[str, str]]]:
    linter = {"NO_COLOR": "1"}
    me = sys.executable
    floor_once = FLOOR.split("once()  #")[0] + "once()\n"  # the floor's one pass, as a process
    out = [
        ("floor", me, floor_once, {}),
        ("hflint cold", me, HFLINT.replace("*EXTRA, ", ""), {**linter, "XDG_CACHE_HOME": str(cache / "cold")}),
        ("hflint warm", me, HFLINT.replace("*EXTRA, ", ""), {**linter, "XDG_CACHE_HOME": str(cache / "warm")}),
        ("hflint --no-cache", me, HFLINT.replace("*EXTRA", "'--no-cache'"), linter),
    ]
    if args.tools_python:
        out += [("picklescan", args.tools_python, PICKLESCAN, {}), ("modelscan", args.tools_python, MODELSCAN, {})]
    return out


def build(folder: Path) -> None:
    for spec in (llama_layout.LLAMA2_7B, llama_layout.LLAMA3_70B):
        for fmt in ("st", "bin"):
            target = folder / f"{spec.name}-{fmt}"
            if not (target / "README.md").is_file():
                print(f"building {target} (sparse shards; the tokenizer takes a while)", flush=True)
                llama_layout.build(target, spec, fmt)


def run(args: argparse.Namespace) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="scan-bench-cache-") as tmp:
        cache = Path(tmp)
        progs = programs(args, cache)
        for layout, size in LAYOUTS:
            for fmt_name, fmt in FORMATS:
                path = args.layouts / f"{size}-{fmt}"
                shutil.rmtree(cache, ignore_errors=True)
                cache.mkdir()
                measure(["", HFLINT.replace("*EXTRA, ", ""), str(path)], LINTER, sys.executable,  # prime it
                        {"XDG_CACHE_HOME": str(cache / "warm")})
                samples: dict[str, list[dict[str, float]]] = {p[0]: [] for p in progs}
                for _ in range(args.runs):
                    for name, python, code, env in progs:
                        shutil.rmtree(cache / "cold", ignore_errors=True)
                        samples[name].append(measure(["", code, str(path)], LINTER, python, env))
                floor = statistics.median(s["wall"] for s in samples["floor"])
                floor_rss = statistics.median(s["hwm"] for s in samples["floor"])
                for name, got in samples.items():
                    wall = statistics.median(s["wall"] for s in got)
                    rss = statistics.median(s["hwm"] for s in got)
                    rows.append({"layout": layout, "format": fmt_name, "program": name, "wall": wall,
                                 "x": wall / floor, "rss": rss, "x_rss": rss / floor_rss,
                                 "read": statistics.median(s["read"] for s in got),
                                 "exit": sorted({int(s["exit"]) for s in got})})
                    print(f"{layout:12} {fmt_name:17} {name:18} {wall:7.3f} s {wall / floor:5.2f}x "
                          f"{rss / 2**20:7.1f} MB {rss / floor_rss:5.2f}x", flush=True)
    return rows


def table(rows: list[dict[str, object]]) -> str:
    out = ["| layout | format | program | process s | x floor | peak RSS MB | x floor | bytes read | exit |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    last = None
    for r in rows:
        head = (r["layout"], r["format"])
        lead = f"| {r['layout']} | {r['format']}" if head != last else "| |"
        last = head
        name = f"**{r['program']}**" if str(r["program"]).startswith("hflint c") or r["program"] == "hflint warm" \
            else r["program"]
        codes = r["exit"]
        shown = ",".join(map(str, codes)) if isinstance(codes, list) else str(codes)
        out.append(f"{lead} | {name} | {r['wall']:.3f} | {r['x']:.2f} | {float(str(r['rss'])) / 2**20:.1f} "
                   f"| {r['x_rss']:.2f} | {float(str(r['read'])):,.0f} | {shown} |")
    return "\n".join(out) + "\n"


def plot(rows: list[dict[str, object]], png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(dict.fromkeys((str(r["layout"]), str(r["format"])) for r in rows))
    names = list(dict.fromkeys(str(r["program"]) for r in rows))
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
    width = 0.8 / len(names)
    for ax, key, title in ((axes[0], "x", "time (process) / floor"), (axes[1], "x_rss", "peak RSS / floor")):
        for i, name in enumerate(names):
            values = [next(float(str(r[key])) for r in rows if (r["layout"], r["format"]) == g
                           and r["program"] == name) for g in groups]
            ax.bar([k + i * width for k in range(len(groups))], values, width, label=name)
        ax.axhline(1.0, color="black", linewidth=0.8)
        for target in ((2.0, 1.2) if key == "x" else (1.2,)):
            ax.axhline(target, color="grey", linestyle="--", linewidth=0.8)
        ax.set_xticks([k + 0.4 - width / 2 for k in range(len(groups))], [f"{a}\n{b}" for a, b in groups], fontsize=8)
        ax.set_yscale("log")
        ax.set_title(title + " (log; dashed: issue 14 targets)")
    axes[0].legend(fontsize=8, loc="upper left", ncols=2)
    fig.tight_layout()
    fig.savefig(png, dpi=110)


def write_section(begin: str, end: str, text: str) -> None:
    """Put ``text`` into benchmarks/README.md between the markers (appended the first time)."""
    readme = ROOT / "benchmarks" / "README.md"
    doc = readme.read_text(encoding="utf-8")
    body = f"{begin}\n{text}{end}"
    doc = doc.split(begin)[0] + body + doc.split(end)[1] if begin in doc else doc + "\n" + body + "\n"
    readme.write_text(doc, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--layouts", type=Path, default=Path(tempfile.gettempdir()) / "hflint-scan-bench")
    parser.add_argument("--tools-python", help="python of an environment with picklescan and modelscan")
    parser.add_argument("--write", action="store_true", help="write the table into benchmarks/README.md + PNG")
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "linter", quiet=1)  # as pip install does: no recompiles in the runs
    build(args.layouts)
    rows = run(args)
    print(table(rows))
    if args.write:
        write_section(BEGIN, END, table(rows))
        plot(rows, ROOT / "benchmarks" / "scan_bench.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
