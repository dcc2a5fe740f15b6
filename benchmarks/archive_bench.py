"""The worst case of each container hflint walks, scanned by the CLI as a user runs it.

    python benchmarks/archive_bench.py [--runs 3] [--markdown] [--baseline OTHER/linter] [--timeout 60]

Builds, in a temporary folder (about 520 MB, deleted at the end), one repository per case:
a tar of 1,000,000 empty members named ``model.nemo`` (the case of issue 18), the same
gzipped (a NeMo < 1.7 ``.nemo``), a zip of 20,000 entries overlapping one kernel (David
Fifield's full overlap) and one of 1,000 quoted-overlap entries, a zip of 100,000
one-byte members whose names leave the folder, a zip of 100,000 pickle members, archives
nested 50 deep (zip and tar alternating) and a tar.gz holding a zip (spooled). Each row is
``hflint scan --isolated --format sarif`` with every rule, as fresh processes; the figures
are the median wall time and the largest peak RSS (``wait4``), the number of SARIF results
and the gzip-compressed SARIF size. ``--baseline`` runs another source tree's linter
interleaved with this one (killed after ``--timeout`` seconds), so both see the same load.
Targets (issue 18): each case under 5 s and 200 MB, one finding per file and problem class.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import pickle
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from peers import render  # noqa: E402

import archivegen as gen  # noqa: E402

EVIL = pickle.dumps(os.system, protocol=2)


def _zip_in_targz() -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("model_weights/data.pkl", EVIL)
        zf.writestr("model_weights/data/0", os.urandom(64 << 20))  # a 64 MiB storage, spooled to disk
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=1) as tar:
        info = tarfile.TarInfo("./model_weights.ckpt")
        info.size = len(inner.getvalue())
        tar.addfile(info, io.BytesIO(inner.getvalue()))
    return buf.getvalue()


CASES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "tar, 1,000,000 members (512 MB)": ("model.nemo", lambda p: gen.write_tar_run(str(p), 1_000_000)),
    "tar.gz, 1,000,000 members": ("old.nemo", lambda p: gen.write_tar_run(str(p), 1_000_000, gzip=True)),
    "zip, 20,000 overlapping entries": ("bomb.zip", lambda p: p.write_bytes(gen.overlapping_zip(20_000))),
    "zip, 1,000 quoted-overlap entries": ("quoted.zip", lambda p: p.write_bytes(gen.quoted_overlap_zip(1_000))),
    "zip, 100,000 members out of the folder": (
        "bundle.zip", lambda p: p.write_bytes(gen.many_member_zip(100_000, data=b"x"))),
    "zip, 100,000 pickle members": (
        "pickles.zip", lambda p: p.write_bytes(gen.many_member_zip(100_000, name="w/{i}.pkl", data=EVIL))),
    "tar/zip nested 50 deep": ("deep.tar", lambda p: p.write_bytes(gen.nested(50, EVIL))),
    "tar.gz holding a 64 MiB torch zip": ("big.nemo", lambda p: p.write_bytes(_zip_in_targz())),
}


def measure(argv: list[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple[int, float, int]:
    """(exit code or -9 when killed, wall seconds, peak RSS kB) of one process. The peak is
    GNU time's (``%M``): this process holds the generated archives, and a child's own
    ``ru_maxrss`` would count the parent's pages it was forked with."""
    seen: list[int] = []

    def kill(pid: int) -> None:  # the scan's peak so far, then its whole process group
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            status = Path(f"/proc/{child}/status").read_text()
            seen.extend(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
        os.killpg(pid, signal.SIGKILL)

    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss.name, *argv], cwd=cwd,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        timer = threading.Timer(timeout, kill, (proc.pid,))
        timer.start()
        proc.wait()
        timer.cancel()
        wall = time.perf_counter() - start
        peak = rss.read().strip().splitlines()
    if seen:
        return -9, wall, max(seen)
    return proc.returncode, wall, int(peak[-1]) if peak and peak[-1].isdigit() else 0


def sarif_figures(folder: Path, env: dict[str, str]) -> tuple[int, int, str]:
    """(results, gzip-compressed bytes, rule ids) of the SARIF a scan of ``folder`` writes."""
    proc = subprocess.run([sys.executable, "-m", "hflint", "scan", "--isolated", "--format", "sarif", str(folder)],
                          capture_output=True, env=env, check=False, timeout=600)
    log = json.loads(proc.stdout)
    ids = sorted({r["ruleId"] for r in log["runs"][0]["results"]})
    return len(log["runs"][0]["results"]), len(gzip.compress(proc.stdout)), ", ".join(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--baseline", type=Path, help="another source tree's linter/ folder, run side by side")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a process is killed")
    args = parser.parse_args()
    builds = {"this": ROOT / "linter"} | ({"base": args.baseline.resolve()} if args.baseline else {})
    rows = []
    with tempfile.TemporaryDirectory(prefix="hflint-archives-") as tmp:
        for label, (name, make) in CASES.items():
            folder = Path(tmp) / name.replace(".", "_")
            folder.mkdir()
            make(folder / name)
            size = (folder / name).stat().st_size
            for build, linter in builds.items():
                env = dict(os.environ, PYTHONPATH=str(linter), NO_COLOR="1")
                argv = [sys.executable, "-m", "hflint", "scan", "--isolated", "--format", "sarif", str(folder)]
                runs = [measure(argv, folder, env, args.timeout) for _ in range(args.runs)]
                killed = any(rc == -9 for rc, _, _ in runs)
                wall = statistics.median(s for _, s, _ in runs)
                rss = max(kb for _, _, kb in runs) / 1024  # a killed run: its peak when it was killed
                results, gz, ids = sarif_figures(folder, env) if not killed else (0, 0, "killed")
                shown = f">{args.timeout:.0f} (killed)" if killed else f"{wall:.2f}"
                rows.append([label if build == "this" else "", f"{size / 1e6:,.1f} MB", build, shown,
                             f"{rss:.0f}", str(results), f"{gz / 1e3:,.1f} kB", ids])
                print(f"{label} [{build}]: {shown} s, {rss:.0f} MB, {results} results ({ids})", file=sys.stderr)
            shutil.rmtree(folder)
    head = ["case", "file", "build", "wall s (median)", "peak RSS MB", "SARIF results", "SARIF gzip", "rules"]
    print(render(head, rows, args.markdown))


if __name__ == "__main__":
    main()
