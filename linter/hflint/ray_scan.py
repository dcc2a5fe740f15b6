"""``python -m hflint.ray_scan``: a fleet scan on a Ray cluster (``pip install 'hflint[ray]'``).

    python -m hflint.ray_scan --targets-from repos.txt --output out/ [--format jsonl|parquet]
        [--address auto | --num-cpus N] [--workers N] [--jobs N] [--max-rps N] [-- SCAN OPTIONS]

The targets (hf:// repositories and owners, expanded on the driver; folders the workers can
see) become a Ray Dataset; ``map_batches`` runs hflint.fleet.scan_one over them in a pool of
scanning actors (``--workers``, each with ``--jobs`` threads, since a remote scan waits on the
network), and the records are written as shards to ``--output``: JSONL (the same lines as
``hflint scan --format jsonl``, one file per block) or Parquet (one column per record field,
findings a list of structs), with the run's summary in ``_summary.json`` (a leading ``_`` keeps
it out of Parquet and Arrow dataset discovery). The Hub's limits hold across the whole cluster: every worker
takes its request slots from one actor (hflint.hublimits), so ``--max-rps`` is the cluster's
rate, and a ``Retry-After`` seen by one worker pauses them all.

Without ``--address`` a local Ray runtime is started (``ray.init(num_cpus=...)``); with
``--address auto`` (or ``ray://...``) the scan joins an existing cluster. Ray's usage-stats
report is switched off (``RAY_USAGE_STATS_ENABLED=0``) unless the environment sets it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BATCH = 8

RECORD_FIELDS = ("target", "type", "commit", "status", "error", "files_scanned", "failed", "counts", "findings")


def _schema() -> Any:
    """The Arrow schema of a record (Parquet shards): fixed, so empty findings lists and
    null commits never make blocks disagree."""
    import pyarrow as pa

    finding = pa.struct(
        [
            ("rule_id", pa.string()),
            ("rule_name", pa.string()),
            ("severity", pa.string()),
            ("path", pa.string()),
            ("line", pa.int64()),
            ("column", pa.int64()),
            ("pointer", pa.string()),
            ("message", pa.string()),
            ("fingerprint", pa.string()),
            ("suppressed", pa.bool_()),
            ("suppression_reason", pa.string()),
        ]
    )
    counts = pa.struct([("error", pa.int64()), ("warning", pa.int64()), ("note", pa.int64())])
    return pa.schema(
        [
            ("target", pa.string()),
            ("type", pa.string()),
            ("commit", pa.string()),
            ("status", pa.string()),
            ("error", pa.string()),
            ("files_scanned", pa.int64()),
            ("failed", pa.bool_()),
            ("counts", counts),
            ("findings", pa.list_(finding)),
            ("json", pa.string()),  # the JSONL line itself (dropped from Parquet shards)
        ]
    )


class PaceActor:
    """One request schedule for the cluster (a Ray actor wrapping hflint.hublimits.Limiter)."""

    def __init__(self, rate: float | None) -> None:
        from hflint.hublimits import Limiter

        self._limiter = Limiter(rate)

    def slot(self) -> float:
        return self._limiter.slot()

    def hold(self, seconds: float) -> None:
        self._limiter.hold(seconds)


class ClusterPace:
    """The ``Pace`` a worker uses: slots from the shared actor, slept locally."""

    def __init__(self, actor: Any) -> None:
        self._actor = actor

    def acquire(self) -> None:
        import time

        import ray

        wait = float(ray.get(self._actor.slot.remote()))
        if wait > 0:
            time.sleep(wait)

    def hold(self, seconds: float) -> None:
        self._actor.hold.remote(seconds)


class Scanner:
    """The map_batches UDF: an actor that scans a batch of targets with ``jobs`` threads."""

    def __init__(self, options: Sequence[str], pace: Any, jobs: int, cwd: str) -> None:
        from hflint import hublimits
        from hflint.fleet import parse_options

        parse_options(options)  # fail in the constructor, not once per batch
        hublimits.set_pace(ClusterPace(pace) if pace is not None else hublimits.Limiter(None))
        hublimits.quiet_client_logs()
        self.options, self.jobs, self.cwd = tuple(options), jobs, Path(cwd)

    def _one(self, target: str) -> dict[str, Any]:
        from hflint.fleet import scan_one

        return scan_one(target, self.options, cwd=self.cwd)

    def __call__(self, batch: dict[str, Any]) -> Any:
        import pyarrow as pa

        targets = [str(t) for t in batch["target"]]
        if self.jobs > 1 and len(targets) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=self.jobs) as pool:
                records = list(pool.map(self._one, targets))
        else:
            records = [self._one(t) for t in targets]
        from hflint.fleet.jsonl import dumps

        rows = [{**{k: r[k] for k in RECORD_FIELDS}, "json": dumps(r)} for r in records]
        return pa.Table.from_pylist(rows, schema=_schema())


def _jsonl_sink(path: str) -> Any:
    from ray.data.datasource import BlockBasedFileDatasink

    class JsonlDatasink(BlockBasedFileDatasink):  # type: ignore[misc]
        def write_block_to_file(self, block: Any, file: Any) -> None:
            for line in block.to_arrow().column("json").to_pylist():
                file.write(line.encode("utf-8"))

    return JsonlDatasink(path, file_format="jsonl")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m hflint.ray_scan",
        description="Scan many repositories on a Ray cluster; records as JSONL or Parquet shards.",
        epilog="Options after -- are hflint scan options (e.g. -- --select HF3,HF4 --isolated).",
    )
    p.add_argument("--targets-from", required=True, metavar="FILE", help="targets, one a line (# comments)")
    p.add_argument("--output", required=True, metavar="DIR", help="folder for the record shards")
    p.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl", help="shard format (default: jsonl)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--address", help="an existing Ray cluster (auto, or ray://host:port)")
    where.add_argument("--num-cpus", type=int, default=None, help="CPUs of the local Ray runtime started")
    p.add_argument("--workers", type=int, default=None, help="scanning actors (default: the cluster's CPUs)")
    p.add_argument("--jobs", type=int, default=4, help="targets each actor scans at once (default: 4)")
    p.add_argument("--max-rps", type=float, default=None, help="requests per second for the whole cluster "
                   "(default: 10; 0: no cap)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    options: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, options = argv[:cut], argv[cut + 1 :]
    args = _parser().parse_args(argv)
    try:
        import ray
    except ImportError:
        print("hflint: Ray is not installed: pip install 'hflint[ray]'", file=sys.stderr)
        return 2
    from hflint import hublimits
    from hflint.fleet import parse_options
    from hflint.fleet.targets import TargetsError, expand, read_targets_file

    try:
        parse_options(options)
        texts = read_targets_file(Path(args.targets_from))
        hublimits.quiet_client_logs()
        targets = [t.label if t.remote else str(t.path) for t in expand(texts, Path.cwd())]
    except (ValueError, TargetsError) as exc:
        print(f"hflint: {exc}", file=sys.stderr)
        return 2
    import logging

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    quiet = {"log_to_driver": False, "logging_level": logging.WARNING}
    if args.address:
        ray.init(address=args.address, **quiet)
    else:
        ray.init(num_cpus=args.num_cpus, include_dashboard=False, **quiet)
    # Ray Data's progress bars on a terminal only, as hflint scan's (never in CI).
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = sys.stderr.isatty() and not os.environ.get("CI")
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    try:
        return _run(ray, args, options, targets)
    finally:
        ray.shutdown()


def _run(ray: Any, args: argparse.Namespace, options: list[str], targets: list[str]) -> int:
    from hflint import hublimits
    from hflint.fleet import jsonl

    rate = hublimits.DEFAULT_MAX_RPS if args.max_rps is None else args.max_rps
    pace = ray.remote(num_cpus=0)(PaceActor).remote(rate or None) if rate else None
    workers = args.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    blocks = max(1, min(len(targets) // BATCH, workers * 8))
    ds = ray.data.from_items([{"target": t} for t in targets], override_num_blocks=blocks)
    ds = ds.map_batches(
        Scanner,
        fn_constructor_kwargs={"options": options, "pace": pace, "jobs": args.jobs, "cwd": str(Path.cwd())},
        batch_size=BATCH,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(min_size=1, max_size=workers),
        num_cpus=0.5,  # a scanning actor mostly waits on the network
    ).materialize()
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    if args.format == "parquet":
        ds.drop_columns(["json"]).write_parquet(str(out))
    else:
        ds.write_datasink(_jsonl_sink(str(out)))
    summary = jsonl.summary(json.loads(line) for line in ds.select_columns(["json"]).to_pandas()["json"])
    (out / "_summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(jsonl.summary_text(summary), file=sys.stderr)
    if summary["failed"]:
        return 2
    return 1 if summary["failing"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
