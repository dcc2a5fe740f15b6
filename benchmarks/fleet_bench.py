"""Fleet scan benchmark: 1,000 repositories served by the local Hub stand-in (tests/hubserver.py).

The repositories are the real-library fixtures (tests/fixtures/real, examples/demo-model)
and broken variants of them (a truncated config, a card without front matter, a corrupt
safetensors header, a malicious pickle, a missing card, a dataset whose data_files name
nothing...), spread over 1,000 repository ids. The server runs in its own process, speaking
HTTP/1.1 on 127.0.0.1, and counts the bytes it sends.

Each row is one ``hflint scan --targets-from ... --format jsonl`` process (or one
``python -m hflint.ray_scan`` run on a local Ray runtime), timed wall-clock, with its peak RSS
(``os.wait4``; for Ray, the driver's only: the workers are other processes) and the bytes
the server sent divided by the repositories scanned. "single" is the sum of one
``hflint scan hf://...`` per distinct layout, weighted as the fleet holds them: what the same
repositories cost scanned one by one.

    python benchmarks/fleet_bench.py [--repos 1000] [--jobs 1 8 32] [--ray] [--select HF3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "fixtures" / "real"
DEMO = ROOT / "examples" / "demo-model"
MALICIOUS = ROOT / "tests" / "fixtures" / "pickles" / "malicious" / "builtin_py2_eval.pkl"

SERVER = """
import json, sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from hubserver import LocalHub, running
layouts = json.loads(Path({layouts!r}).read_text())
hub = LocalHub({{}}, delay={delay!r})
for repo_id, folder in layouts.items():
    hub.add(repo_id, Path(folder))
with running(hub) as url:
    print(url, flush=True)
    for line in sys.stdin:
        if line.strip() == "stats":
            with hub.lock:
                stats = {{"requests": len(hub.log), "bytes": sum(s.sent for s in hub.log)}}
                hub.log.clear()
            print(json.dumps(stats), flush=True)
"""


def broken_variants(base: Path, work: Path) -> list[Path]:
    """Copies of the real repositories, each broken in one way a published repo can be."""
    out: list[Path] = []

    def variant(name: str, source: Path) -> Path:
        target = work / name
        shutil.copytree(source, target)
        out.append(target)
        return target

    for src in sorted(p for p in base.iterdir() if p.is_dir()):
        v = variant(f"{src.name}--truncated-config", src)
        if (v / "config.json").exists():
            (v / "config.json").write_text((v / "config.json").read_text()[:40], encoding="utf-8")
        v = variant(f"{src.name}--no-front-matter", src)
        if (v / "README.md").exists():
            (v / "README.md").write_text("# a card without metadata\n", encoding="utf-8")
        v = variant(f"{src.name}--no-card", src)
        (v / "README.md").unlink(missing_ok=True)
        v = variant(f"{src.name}--pickle", src)
        shutil.copy(MALICIOUS, v / "extra_weights.bin")
        for st in sorted(src.glob("*.safetensors"))[:1]:
            v = variant(f"{src.name}--bad-header", src)
            data = bytearray((v / st.name).read_bytes())
            data[8:16] = b"\xff" * 8
            (v / st.name).write_bytes(bytes(data))
    dataset = work / "dataset--missing-files"
    (dataset / "data").mkdir(parents=True)
    (dataset / "README.md").write_text(
        "---\nlicense: mit\ntask_categories: [text-classification]\nconfigs:\n- config_name: default\n"
        "  data_files: train/*.parquet\n---\n# Dataset Card for x\n",
        encoding="utf-8",
    )
    (dataset / "data" / "train.parquet").write_bytes(b"PAR1\0\0\0\0PAR1")
    out.append(dataset)
    return out


def layouts(count: int, work: Path) -> dict[str, str]:
    folders = [p for p in sorted(REAL.iterdir()) if p.is_dir()] + [DEMO]
    folders += broken_variants(REAL, work)
    return {f"fleet/r{i:04d}": str(folders[i % len(folders)]) for i in range(count)}


class Server:
    def __init__(self, repos: dict[str, str], work: Path, delay: float = 0.0) -> None:
        (work / "layouts.json").write_text(json.dumps(repos))
        script = SERVER.format(tests=str(ROOT / "tests"), layouts=str(work / "layouts.json"), delay=delay)
        self.proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        assert self.proc.stdout is not None and self.proc.stdin is not None
        self.url = self.proc.stdout.readline().strip()

    def stats(self) -> dict[str, int]:
        assert self.proc.stdout is not None and self.proc.stdin is not None
        self.proc.stdin.write("stats\n")
        self.proc.stdin.flush()
        return dict(json.loads(self.proc.stdout.readline()))

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int, int]:
    """(seconds, peak RSS in MiB, exit code) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss // 1024, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 8, 32])
    parser.add_argument("--ray", action="store_true", help="also scan on a local Ray runtime (hflint[ray])")
    parser.add_argument("--latency", type=float, default=0.05,
                        help="also scan with this many seconds added to every answer, a network's round trip (0: no)")
    parser.add_argument("--latency-jobs", type=int, nargs="*", default=[1, 8, 32])
    parser.add_argument("--local", type=int, default=200, help="also scan this many local folders (0: no)")
    parser.add_argument("--select", default="HF3", help="rules to run ('' for all; default: HF3, header-only)")
    parser.add_argument("--all-rules-jobs", type=int, nargs="*", default=[1, 8], help="every rule, with these --jobs")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hflint-fleet-bench-"))
    try:
        repos = layouts(args.repos, work)
        server = Server(repos, work)
        env = {k: v for k, v in os.environ.items() if not k.startswith("HF_") and k != "CI"}
        env.update(HF_ENDPOINT=server.url, HF_HOME=str(work / "hf-home"), HF_HUB_DISABLE_TELEMETRY="1")
        listing = work / "targets.txt"
        listing.write_text("".join(f"hf://{r}\n" for r in repos), encoding="utf-8")
        select = ["--select", args.select] if args.select else []
        rows = []

        def row(label: str, cmd: list[str], n: int) -> None:
            server.stats()  # reset the count
            seconds, rss, code = timed(cmd, env, work)
            sent = server.stats()
            rows.append((label, n, seconds, n / seconds, sent["bytes"] / n, sent["requests"] / n, rss, code))
            print(f"{label:<34} {n / seconds:7.1f} repos/s  {sent['bytes'] / n:9.0f} B/repo  "
                  f"{sent['requests'] / n:5.1f} req/repo  {rss:5d} MiB  exit {code}", flush=True)

        scan = [sys.executable, "-m", "hflint", "scan", "--isolated", "--max-rps", "0", "--format", "jsonl",
                "-o", str(work / "out.jsonl"), "--targets-from", str(listing)]
        for jobs in args.jobs:
            row(f"hflint scan {' '.join(select)} --jobs {jobs}", [*scan, *select, "--jobs", str(jobs)], len(repos))
        for jobs in args.all_rules_jobs:
            row(f"hflint scan (all rules) --jobs {jobs}", [*scan, "--jobs", str(jobs)], len(repos))
        if args.ray:
            ray = [sys.executable, "-m", "hflint.ray_scan", "--targets-from", str(listing), "--output",
                   str(work / "ray"), "--num-cpus", "2", "--max-rps", "0", "--", "--isolated", *select]
            row(f"ray_scan {' '.join(select)} (local, 2 CPUs)", ray, len(repos))
        # One scan per distinct layout, weighted by how many of the fleet's ids it serves.
        weights: dict[str, int] = {}
        first: dict[str, str] = {}
        for repo_id, folder in repos.items():
            weights[folder] = weights.get(folder, 0) + 1
            first.setdefault(folder, repo_id)
        server.stats()
        total = 0.0
        for folder, repo_id in first.items():
            one = [sys.executable, "-m", "hflint", "scan", "--isolated", "--max-rps", "0", *select, f"hf://{repo_id}"]
            subprocess.run(one, env=env, cwd=work, capture_output=True, check=False)
            total += server.stats()["bytes"] * weights[folder]
        print(f"{'single scans (one process each)':<34} {'':>7}           {total / len(repos):9.0f} B/repo", flush=True)
        server.close()
        if args.latency:
            server = Server(repos, work, args.latency)
            env["HF_ENDPOINT"] = server.url
            for jobs in args.latency_jobs:
                label = f"{args.latency * 1000:.0f} ms/answer: --jobs {jobs}"
                row(label, [*scan, *select, "--jobs", str(jobs)], len(repos))
            server.close()
        if args.local:
            copies = work / "local"
            folders = list(repos.values())
            lines = []
            for i in range(args.local):
                target = copies / f"r{i:04d}"
                shutil.copytree(folders[i % len(folders)], target)
                lines.append(f"{target}\n")
            local_list = work / "local.txt"
            local_list.write_text("".join(lines), encoding="utf-8")
            local = [sys.executable, "-m", "hflint", "scan", "--isolated", "--format", "jsonl", "-o",
                     str(work / "local.jsonl"), "--targets-from", str(local_list)]
            for jobs in (1, 2):
                seconds, rss, code = timed([*local, "--jobs", str(jobs)], env, work)
                print(f"{f'local folders (all rules) --jobs {jobs}':<34} {args.local / seconds:7.1f} repos/s"
                      f"  {'':>9}         {'':>5}          {rss:5d} MiB  exit {code}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
