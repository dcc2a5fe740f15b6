"""Scan many targets at once: threads for repositories on the Hub, processes for folders.

A remote scan spends most of its time waiting for the network (each file read is a range
request), so threads overlap the waits and share one pace (hflint.hublimits); a local scan
is CPU work, which threads would serialise on the GIL, so folders go to worker processes.
The measurements behind the choice are in benchmarks/README.md (fleet benchmark).

Outcomes are yielded as each target finishes; a target's failure is its own outcome
(hflint.fleet.record.scan_target never raises for what a target holds).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hflint.fleet.record import Outcome, scan_target
from hflint.fleet.targets import Target

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future


def _local_worker(target: Target, args: argparse.Namespace, cwd: Path) -> Outcome:
    return scan_target(target, args, cwd)


def show_progress(args: argparse.Namespace) -> bool:
    """A bar on a terminal only: never in CI (the CI variable every CI service sets), with
    --quiet, or when stderr is redirected."""
    return not getattr(args, "quiet", False) and not os.environ.get("CI") and sys.stderr.isatty()


class Progress:
    def __init__(self, total: int, enabled: bool) -> None:
        self._bar: Any = None
        if enabled and total > 1:
            import importlib

            tqdm = importlib.import_module("tqdm").tqdm  # huggingface_hub depends on it (untyped)
            self._bar = tqdm(total=total, unit="repo", file=sys.stderr, dynamic_ncols=True, leave=False)

    def note(self, text: str) -> None:
        if self._bar is not None:
            self._bar.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr)

    def step(self) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _process_pool(jobs: int) -> Executor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # forkserver/spawn, not fork: the parent has threads (the remote pool, tqdm's monitor),
    # and a fork copies their locks in whatever state they are.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method))


def scan_all(
    targets: list[Target],
    args: argparse.Namespace,
    cwd: Path,
    done: dict[str, Any] | None = None,
    *,
    progress: Progress | None = None,
) -> Iterator[Outcome]:
    """Every target's outcome, in the order they finish (input order with --jobs 1)."""
    jobs = max(1, int(getattr(args, "jobs", 1) or 1))
    done = done or {}
    bar = progress or Progress(len(targets), False)
    local = [t for t in targets if not t.remote]
    if jobs == 1:
        for target in targets:
            outcome = scan_target(target, args, cwd, done)
            bar.step()
            yield outcome
        return
    # concurrent.futures only now: a one-folder scan (pre-commit) does not pay for it.
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    threads = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="hflint-scan")
    procs = _process_pool(min(jobs, len(local), os.cpu_count() or 1)) if len(local) > 1 else None
    of: dict[Future[Outcome], Target] = {}
    try:
        for target in targets:
            if not target.remote and procs is not None:
                of[procs.submit(_local_worker, target, args, cwd)] = target
            else:
                of[threads.submit(scan_target, target, args, cwd, done)] = target
        pending = set(of)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                bar.step()
                yield _outcome_of(future, of[future])
    finally:
        for future in of:
            future.cancel()
        threads.shutdown(wait=True, cancel_futures=True)
        if procs is not None:
            procs.shutdown(wait=True, cancel_futures=True)


def _outcome_of(future: Future[Outcome], target: Target) -> Outcome:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool as exc:  # the worker died (killed, out of memory): its targets fail
        return Outcome(target, None, error=f"cannot scan {target.label}: the worker process died ({exc})")
