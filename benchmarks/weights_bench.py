"""Benchmark: HF301-HF307 on a 7B-class sharded checkpoint, reading headers only.

    python benchmarks/weights_bench.py [--runs 3] [--keep] [--baseline OTHER/linter]

Builds, under a temporary folder in /tmp, a Llama-7B-like layout (291 tensors, BF16) as
4 safetensors shards of ~3.4 GB plus model.safetensors.index.json, and the same as 4
torch.save zip shards plus pytorch_model.bin.index.json. Shard data is a hole (sparse
files), so the layout costs a few MB of disk. The same tensor names with tiny shapes are
built too, to show that the bytes read do not depend on shard size.

Each measurement runs in a fresh process: ``python -m hflint scan --isolated PATH`` and a
minimal floor script that only reads what any header check must read (the index, each
safetensors length + header, each zip's central directory + data.pkl walked with
pickletools). Reported per run: wall time, peak RSS (ru_maxrss of the child) and bytes read
(``rchar`` from the child's /proc/self/io at exit, i.e. every read() including Python's own
imports). Figures are medians over ``--runs``. ``--baseline`` adds the weights rows for
another hflint source tree (e.g. ``git archive main linter rules | tar -x -C /tmp/base``),
interleaved with this one's, so a change is compared side by side in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "golden"))
import make_weights_fixtures as fx  # noqa: E402

LAYERS, HIDDEN, INTER, VOCAB = 32, 4096, 11008, 32000

FLOOR = r"""
import json, pickletools, struct, sys, zipfile, io
from pathlib import Path
root = Path(sys.argv[1])
def once():
    for index in root.glob("*.index.json"):
        json.loads(index.read_text())
    for shard in sorted(root.glob("*.safetensors")):
        with open(shard, "rb") as fh:
            (n,) = struct.unpack("<Q", fh.read(8))
            json.loads(fh.read(n))
    for shard in sorted(root.glob("*.bin")):
        with zipfile.ZipFile(shard) as zf:
            name = next(n for n in zf.namelist() if n.endswith("/data.pkl"))
            for _ in pickletools.genops(io.BytesIO(zf.read(name))):
                pass
once()  # measured on its second pass, like the in-process hflint rows
_start()
once()
_stop()
"""

# Prepended to every child: at exit it reports its total bytes read (rchar), its peak RSS
# (VmHWM: ru_maxrss would include the parent's peak, inherited across fork and exec) and
# the time and bytes of the measured section between _start() and _stop().
REPORT = r"""
import atexit, json, os, sys, time
def _proc(path, key):
    with open(path) as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith(key))
_m = {}
def _start():
    _m["t"], _m["r"] = time.perf_counter(), _proc("/proc/self/io", "rchar:")
def _stop():
    _m["inner_s"] = time.perf_counter() - _m.pop("t")
    _m["inner_read"] = _proc("/proc/self/io", "rchar:") - _m.pop("r")
def _report():
    _m.update(read=_proc("/proc/self/io", "rchar:"), hwm=_proc("/proc/self/status", "VmHWM:") * 1024)
    os.write(int(os.environ["BENCH_FD"]), json.dumps(_m).encode())
atexit.register(_report)
"""


def tensors(scale: int = 1) -> list[tuple[str, list[int]]]:
    """Llama-2-7B parameter names and shapes; scale divides every dimension (min 1)."""
    h, i, v = max(HIDDEN // scale, 1), max(INTER // scale, 1), max(VOCAB // scale, 1)
    out = [("model.embed_tokens.weight", [v, h])]
    for n in range(LAYERS):
        p = f"model.layers.{n}."
        out += [(p + f"self_attn.{x}_proj.weight", [h, h]) for x in "qkvo"]
        out += [(p + "mlp.gate_proj.weight", [i, h]), (p + "mlp.up_proj.weight", [i, h]),
                (p + "mlp.down_proj.weight", [h, i]),
                (p + "input_layernorm.weight", [h]), (p + "post_attention_layernorm.weight", [h])]
    return [*out, ("model.norm.weight", [h]), ("lm_head.weight", [v, h])]


def split(items: list[tuple[str, list[int]]], shards: int) -> list[list[tuple[str, list[int]]]]:
    total = sum(2 * _numel(s) for _, s in items)
    out: list[list[tuple[str, list[int]]]] = [[] for _ in range(shards)]
    done = 0
    for name, shape in items:
        out[min(done * shards // total, shards - 1)].append((name, shape))
        done += 2 * _numel(shape)
    return out


def _numel(shape: list[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def build(folder: Path, scale: int) -> dict[str, int]:
    groups = split(tensors(scale), 4)
    sizes: dict[str, int] = {}
    st_map: dict[str, str] = {}
    bin_map: dict[str, str] = {}
    st_total = bin_total = 0
    for k, group in enumerate(groups, 1):
        st_name = f"model-{k:05d}-of-00004.safetensors"
        st_total += fx.write_st(folder / "st" / st_name, {n: ("BF16", s) for n, s in group},
                                sparse=True, metadata={"format": "pt"})
        st_map.update({n: st_name for n, _ in group})
        bin_name = f"pytorch_model-{k:05d}-of-00004.bin"
        bin_total += fx.write_torch_zip(folder / "bin" / bin_name,
                                        [(n, "BFloat16Storage", s) for n, s in group],
                                        archive="pytorch_model", sparse=True)
        bin_map.update({n: bin_name for n, _ in group})
        sizes[st_name] = (folder / "st" / st_name).stat().st_size
    for sub, name, wm, total in (("st", "model.safetensors.index.json", st_map, st_total),
                                 ("bin", "pytorch_model.bin.index.json", bin_map, bin_total)):
        doc = {"metadata": {"total_size": total}, "weight_map": wm}
        (folder / sub / name).write_text(json.dumps(doc, indent=2, sort_keys=True))
        (folder / sub / "README.md").write_text("---\nlicense: apache-2.0\n---\n# bench\n")
        config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": HIDDEN // scale,
                  "intermediate_size": INTER // scale, "num_hidden_layers": LAYERS, "vocab_size": VOCAB // scale}
        (folder / sub / "config.json").write_text(json.dumps(config, indent=2))
    return sizes


def measure(argv: list[str], linter: Path, python: str, extra_env: dict[str, str] | None = None) -> dict[str, float]:
    """Wall time, peak RSS, bytes read (whole process and measured section), exit code."""
    rfd, wfd = os.pipe()
    env = {**os.environ, "BENCH_FD": str(wfd), "PYTHONPATH": str(linter), **(extra_env or {})}
    code = REPORT + argv[1]
    start = time.perf_counter()
    proc = subprocess.Popen([python, "-c", code, *argv[2:]], env=env, pass_fds=(wfd,),
                            stdout=subprocess.DEVNULL)
    status = proc.wait()
    seconds = time.perf_counter() - start
    os.close(wfd)
    with os.fdopen(rfd, "rb") as fh:
        report: dict[str, float] = json.loads(fh.read() or b"{}")
    return {**report, "wall": seconds, "exit": status}


# Cold: the CLI as a user runs it (what the `hflint` console script does), interpreter
# start-up and rule-pack loading included; every rule, then the weights rules alone.
HFLINT_CLI = """
from hflint.cli import main
_start()
code = main(['scan', '--isolated', '--fail-on', 'none', sys.argv[1]])
_stop()
raise SystemExit(code)
"""
HFLINT_CLI_HF3 = HFLINT_CLI.replace("'scan',", "'scan', '--select', 'HF3',")
# Warm: the weights rules (HF3xx) alone, in a second scan of the same folder (a new Repo,
# so every header is read again; imports and pack loading were done by the first scan).
HFLINT_SCAN = """
from pathlib import Path
from hflint.config import Config
from hflint.engine import scan
config = Config(select=("HF3",), fail_on=None)
scan(Path(sys.argv[1]), config)
_start()
result = scan(Path(sys.argv[1]), config)
_stop()
assert not result.findings, result.findings
"""
# The HF3xx check kinds alone on a fresh Repo: listing plus header reads and checks, without
# the engine's per-scan rule-pack loading (YAML parse and JSON Schema validation).
HF3_CHECKS = """
from pathlib import Path
from hflint.kinds import load_kind
from hflint.repo import Repo
from hflint.rulepack import load_packs
rules = [r for p in load_packs() for r in p.rules if r.id.startswith("HF3")]
def once():
    repo = Repo(Path(sys.argv[1]))
    return [item for rule in rules for item in load_kind(rule.kind).check(rule, repo)]
once()
_start()
out = once()
_stop()
assert not out, out
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the layout in /tmp")
    parser.add_argument("--linter", type=Path, default=ROOT / "linter",
                        help="the hflint source tree to measure (default: this checkout)")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another hflint source tree (its linter/ folder, with rules/ beside it) "
                        "whose weights rows run interleaved with this one's, marked 'base'")
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter for the measured processes, e.g. a clean venv's (default: this one); "
                        "it needs hflint's dependencies, and PYTHONPATH points it at --linter")
    args = parser.parse_args()
    # An installed hflint has bytecode (pip compiles it); a source tree under
    # PYTHONDONTWRITEBYTECODE would be recompiled by every process, which is not what users run.
    subprocess.run([args.python, "-m", "compileall", "-q", str(args.linter)], check=True,
                   stdout=subprocess.DEVNULL)
    work = Path(tempfile.mkdtemp(prefix="hflint-weights-bench-", dir="/tmp"))
    try:
        t0 = time.perf_counter()
        sizes = build(work / "big", 1)
        build(work / "tiny", 512)
        print(f"built in {time.perf_counter() - t0:.1f}s under {work}: 4 shards of "
              f"{min(sizes.values()) / 1e9:.2f}-{max(sizes.values()) / 1e9:.2f} GB, "
              f"{len(tensors())} tensors; disk used "
              f"{sum(p.stat().st_blocks * 512 for p in work.rglob('*') if p.is_file()) / 1e6:.1f} MB")
        print(f"python: {args.python}")
        print(f"{'layout':<10}{'program':<21}{'process s':>10}{'x floor':>8}{'measured s':>11}{'(min)':>8}"
              f"{'x floor':>8}{'peak RSS MB':>12}{'read (proc)':>12}{'read (meas.)':>13}{'exit':>5}")
        programs = [("floor", FLOOR, args.linter), ("hflint cli", HFLINT_CLI, args.linter),
                    ("hflint cli HF3", HFLINT_CLI_HF3, args.linter), ("hflint HF3", HFLINT_SCAN, args.linter),
                    ("HF3 checks", HF3_CHECKS, args.linter)]
        if args.baseline is not None:
            subprocess.run([args.python, "-m", "compileall", "-q", str(args.baseline)], check=True,
                           stdout=subprocess.DEVNULL)
            programs += [(f"base {label}", code, args.baseline) for label, code, _ in programs[1:]]
        for layout in ("big/st", "big/bin", "tiny/st", "tiny/bin"):
            path = str(work / layout)
            # Interleaved (program after program, run after run) so that machine noise
            # falls on every row alike: the ratios are measured side by side.
            runs: dict[str, list[dict[str, float]]] = {label: [] for label, _, _ in programs}
            for _ in range(args.runs):
                for label, code, linter in programs:
                    runs[label].append(measure(["-c", code, path], linter, args.python))
            floor_wall = statistics.median(r["wall"] for r in runs["floor"])
            floor_inner = min(r["inner_s"] for r in runs["floor"])
            for label, _, _ in programs:

                def med(key: str, rows: list[dict[str, float]] = runs[label]) -> float:
                    return statistics.median(r[key] for r in rows)

                fastest = min(r["inner_s"] for r in runs[label])
                print(f"{layout:<10}{label:<21}{med('wall'):>10.3f}{med('wall') / floor_wall:>8.2f}"
                      f"{med('inner_s'):>11.4f}{fastest:>8.4f}{fastest / floor_inner:>8.2f}"
                      f"{med('hwm') / 1e6:>12.1f}{med('read'):>12.0f}{med('inner_read'):>13.0f}"
                      f"{int(max(r['exit'] for r in runs[label])):>5}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
