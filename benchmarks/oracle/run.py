"""The loaders as oracle: hflint's verdict on every variant against the real loaders'.

    python benchmarks/oracle/run.py [--seeds NAME,...] [--generated DIR] [--report FILE]

For each seed repository (seeds.py) and each variant of it (variants.py), the variant is
materialised in a temporary folder, loaded by the real loaders in a worker process
(loaders.py) and scanned by hflint (``hflint.engine.scan``, isolated, every rule). The
loaders' verdicts are stored in ``verdicts.json`` (keyed by seed digest and variant id),
so that a re-run after a change to hflint only scans again; ``--fresh`` reloads them all.

A variant *loads* when every loader job of its seed answers "ok" (or does not apply); it
*fails* otherwise. hflint *errs* when it reports an error-level finding. The report is the
agreement table (loads & no error, fails & error, and the two disagreements; a failure
that hflint reports only as a warning is counted apart) with each disagreement listed
with the loader's exception and hflint's findings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from seeds import ROOT, Seed, committed_seeds, jobs_for, minilm_seed  # noqa: E402

if "--linter" in sys.argv:  # another hflint source tree (e.g. an older commit), for comparison
    sys.path.insert(0, sys.argv[sys.argv.index("--linter") + 1])
else:
    sys.path.insert(0, str(ROOT / "linter"))

from loaders import LOADER_VERSION  # noqa: E402
from variants import Variant, derive, seed_files  # noqa: E402

VERDICTS = HERE / "verdicts.json"
ORIGINAL = "::original"


# -- the loader worker ---------------------------------------------------------------------


class Worker:
    """loaders.py in a subprocess; restarted if it dies."""

    def __init__(self, python: str, loaders: Iterable[str], timeout: float) -> None:
        self.cmd = [python, str(HERE / "loaders.py"), "--timeout", str(timeout), "--loaders", ",".join(sorted(loaders))]
        self.proc: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True, bufsize=1)
        assert proc.stdout is not None
        ready = proc.stdout.readline()
        if not ready:
            raise RuntimeError(f"loader worker did not start: {' '.join(self.cmd)}")
        self.proc = proc
        return proc

    def send(self, path: Path, jobs: list[dict[str, Any]]) -> None:
        proc = self.proc if self.proc is not None and self.proc.poll() is None else self._start()
        assert proc.stdin is not None
        proc.stdin.write(json.dumps({"path": str(path), "jobs": jobs}) + "\n")
        proc.stdin.flush()

    def receive(self) -> dict[str, str]:
        assert self.proc is not None and self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc = None
            return {"worker": "Crash: the loader worker died"}
        answer: dict[str, str] = json.loads(line)
        return answer

    def close(self) -> None:
        if self.proc is not None and self.proc.stdin is not None:
            self.proc.stdin.close()
            self.proc.wait(timeout=60)


# -- verdicts ------------------------------------------------------------------------------


def digest(seed: Path) -> str:
    h = hashlib.sha256()
    for rel in seed_files(seed):
        h.update(rel.encode() + b"\0")
        with open(seed / rel, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    return h.hexdigest()[:16]


def failures(verdict: dict[str, str]) -> dict[str, str]:
    """The jobs that failed (skips are not failures)."""
    return {job: v for job, v in verdict.items() if v != "ok" and not v.startswith("skip:")}


def hflint_findings(path: Path) -> list[dict[str, str]]:
    from hflint.config import Config
    from hflint.engine import scan

    result = scan(path, Config(isolated=True, fail_on=None))
    return [{"rule": f.rule_id, "severity": f.severity.label, "path": f.path, "message": f.message}
            for f in result.reported]


# Rules the loaders cannot judge: the card and license rules check compliance (the Hub's and
# the publisher's), which no loader looks at; the pickle and custom-code rules fail closed on
# content that can run code, which a loader that never opens the file (training_args.bin) or
# opens it anyway says nothing about. An error of theirs on a variant that loads is by design,
# counted apart; every other rule's error on a variant that loads is a disagreement.
NOT_JUDGED_BY_LOADERS = ("HF1", "HF4", "HF5")


def classify(loads: bool, findings: list[dict[str, str]]) -> str:
    errors = {f["rule"] for f in findings if f["severity"] == "error"}
    if loads:
        if not errors:
            return "loads, no error"
        judged = {r for r in errors if not r.startswith(NOT_JUDGED_BY_LOADERS)}
        return "loads, hflint error" if judged else "loads, compliance or security error"
    if errors:
        return "fails, hflint error"
    levels = {f["severity"] for f in findings}
    return "fails, hflint warning only" if "warning" in levels else "fails, hflint silent"


CATEGORIES = ("loads, no error", "fails, hflint error", "loads, hflint error", "loads, compliance or security error",
              "fails, hflint warning only", "fails, hflint silent")


# -- the run -------------------------------------------------------------------------------


def load_store() -> dict[str, Any]:
    if VERDICTS.is_file():
        data: dict[str, Any] = json.loads(VERDICTS.read_text(encoding="utf-8"))
        return data
    return {"seeds": {}}


def library_versions(python: str) -> dict[str, str]:
    code = ("import importlib.metadata as m, json; print(json.dumps({n: m.version(n) for n in "
            "['torch','transformers','tokenizers','safetensors','diffusers','peft','sentence-transformers',"
            "'huggingface_hub'] if __import__('importlib.util').util.find_spec(n.replace('-', '_'))}))")
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout
    versions: dict[str, str] = json.loads(out)
    return versions


def run(seeds: list[Seed], python: str, fresh: bool, timeout: float, edits: set[str] | None,
        save: bool, log: bool = True) -> list[dict[str, Any]]:
    store = load_store()
    all_jobs = {s.name: jobs_for(s) for s in seeds}
    loaders = {j["loader"] for jobs in all_jobs.values() for j in jobs}
    worker = Worker(python, loaders, timeout)
    rows: list[dict[str, Any]] = []
    started = time.monotonic()
    try:
        for seed in seeds:
            jobs = all_jobs[seed.name]
            seed_digest = digest(seed.path)
            entry = store["seeds"].get(seed.name)
            key = {"digest": seed_digest, "jobs": jobs, "loader-version": LOADER_VERSION}
            if fresh or entry is None or any(entry.get(k) != v for k, v in key.items()):
                entry = store["seeds"][seed.name] = {**key, "variants": {}}
            variants: list[Variant | None] = [None, *derive(seed.path)]
            if edits is not None:
                variants = [v for v in variants if v is None or v.edit in edits]
            for variant in variants:
                vid = ORIGINAL if variant is None else variant.id
                with tempfile.TemporaryDirectory(prefix="hflint-oracle-") as tmp:
                    path = Path(tmp) / seed.path.name
                    if variant is None:
                        from variants import copy_tree

                        copy_tree(seed.path, path)
                    else:
                        variant.materialise(seed.path, path)
                    cached = entry["variants"].get(vid)
                    if cached is None:
                        worker.send(path, jobs)
                    findings = hflint_findings(path)
                    if cached is None:
                        cached = entry["variants"][vid] = failures(worker.receive())
                loads = not cached
                category = classify(loads, findings)
                rows.append({"seed": seed.name, "variant": vid, "loader": cached, "findings": findings,
                             "category": category})
                if log:
                    print(f"[{time.monotonic() - started:7.1f}s] {seed.name} {vid}: {category}", file=sys.stderr)
            if save:
                _save(store, python)
    finally:
        worker.close()
        if save:
            _save(store, python)
    return rows


def _save(store: dict[str, Any], python: str) -> None:
    store["versions"] = library_versions(python)
    VERDICTS.write_text(json.dumps(store, indent=1, sort_keys=True) + "\n", encoding="utf-8")


# -- the report ----------------------------------------------------------------------------


def table(rows: list[dict[str, Any]]) -> str:
    counts = Counter(r["category"] for r in rows)
    per_seed: dict[str, Counter[str]] = {}
    for r in rows:
        per_seed.setdefault(r["seed"], Counter())[r["category"]] += 1
    head = "| seed | variants | " + " | ".join(CATEGORIES) + " |"
    lines = [head, "| --- | --- | " + " | ".join("---" for _ in CATEGORIES) + " |"]
    for seed, c in per_seed.items():
        lines.append(f"| {seed} | {sum(c.values())} | " + " | ".join(str(c[k]) for k in CATEGORIES) + " |")
    lines.append(f"| **all** | **{len(rows)}** | " + " | ".join(f"**{counts[k]}**" for k in CATEGORIES) + " |")
    return "\n".join(lines)


def disagreements(rows: list[dict[str, Any]]) -> str:
    out = []
    for category in CATEGORIES[2:]:
        chosen = [r for r in rows if r["category"] == category]
        if not chosen:
            continue
        out.append(f"\n### {category} ({len(chosen)})\n")
        for r in chosen:
            loader = "; ".join(f"{job}: {v}" for job, v in r["loader"].items()) or "loads"
            shown = [f for f in r["findings"] if f["severity"] in ("error", "warning")]
            found = "; ".join(f"{f['rule']} {f['severity']} {f['path']}: {f['message'][:160]}" for f in shown)
            out.append(f"- `{r['seed']}` `{r['variant']}`\n  - loader: {loader}\n  - hflint: {found or 'nothing'}")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", help="comma-separated seed names (default: all)")
    parser.add_argument("--edits", help="comma-separated edit names (delete, trunc-half, neg, ...)")
    parser.add_argument("--generated", type=Path, help="folder of extra seeds written by make_seeds.py")
    parser.add_argument("--python", default=sys.executable, help="interpreter with the loaders installed")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--fresh", action="store_true", help="reload every variant instead of reusing verdicts.json")
    parser.add_argument("--no-save", action="store_true", help="do not update verdicts.json")
    parser.add_argument("--report", type=Path, help="write the table and the disagreements (Markdown) here")
    parser.add_argument("--json", type=Path, help="write every row (JSON) here")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--linter", type=Path, help="scan with the hflint package under this folder (default: ours)")
    args = parser.parse_args()

    seeds = committed_seeds()
    if (minilm := minilm_seed()) is not None:
        seeds.append(minilm)
    if args.generated:
        from make_seeds import generated_seeds

        seeds += generated_seeds(args.generated)
    if args.seeds:
        wanted = set(args.seeds.split(","))
        seeds = [s for s in seeds if s.name in wanted]
    edits = set(args.edits.split(",")) if args.edits else None
    started = time.monotonic()
    rows = run(seeds, args.python, args.fresh, args.timeout, edits, save=not args.no_save, log=not args.quiet)
    elapsed = time.monotonic() - started
    report = f"{table(rows)}\n\n{len(rows)} variants in {elapsed:.0f} s\n{disagreements(rows)}\n"
    print(report)
    if args.report:
        args.report.write_text(report, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
