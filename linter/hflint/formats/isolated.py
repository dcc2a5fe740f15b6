"""Run a third-party parser in a forked child with a deadline, for parsers that can spin.

Some readers hflint delegates to are C libraries that a crafted file can send into a loop
that never returns and never reads (HDF5's global heap: ``H5HG__cache_heap_deserialize`` on
a heap object whose size field is zeroed, found by benchmarks/mutation_fuzz.py). A signal
cannot interrupt C code that does not return to Python, so the only bound is a process:
the work runs in a fork of this process (the library already imported, the file handle
inherited), sends its result back as JSON over a pipe, and is killed at the deadline.

The child's answer is data (JSON), never a pickle: a child that a hostile file subverted
can at worst send a wrong answer. Where ``os.fork`` is missing, this process has other
threads (a fork copies their locks in whatever state they are: fleet scans of remote
repositories run in threads) or the file is read over HTTP (a child would share the
connection pool's sockets), the work runs in this process, without the deadline.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

from hflint.repo import CannotAnalyse

_CHUNK = 1 << 16


def run(work: Callable[[], Any], seconds: float, what: str, *, fork: bool = True) -> Any:
    """``work()``'s JSON-serialisable result, computed in a child given ``seconds``. A
    CannotAnalyse raised in the child is raised here with its reason; a child that runs out
    of time, dies or fails otherwise is a CannotAnalyse naming ``what``. ``fork=False`` (a
    file read over HTTP: the child would share the connection pool's sockets) runs the work
    here."""
    if not fork or not hasattr(os, "fork") or threading.active_count() > 1:
        return work()
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # checked above: no other thread
        pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's stack
        os.close(read_end)
        try:
            try:
                answer: dict[str, Any] = {"value": work()}
            except CannotAnalyse as exc:
                answer = {"cannot": exc.reason}
            except Exception as exc:  # reported by class only: library text is not stable
                answer = {"failed": type(exc).__name__}
            view = memoryview(json.dumps(answer).encode("utf-8"))
            while view:
                view = view[os.write(write_end, view[:_CHUNK]) :]
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        data = _collect(read_end, time.monotonic() + seconds)
    finally:
        os.close(read_end)
        _reap(pid)
    if data is None:
        raise CannotAnalyse(f"{what} did not finish within {seconds:g} s (a file built to stall its reader)")
    try:
        answer = json.loads(data)
    except ValueError:
        answer = {}
    if "cannot" in answer:
        raise CannotAnalyse(str(answer["cannot"]))
    if "value" not in answer:
        raise CannotAnalyse(f"{what} failed ({answer.get('failed', 'the reading process died')})")
    return answer["value"]


def _collect(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes until it closes the pipe; None past the deadline."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, _CHUNK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reap(pid: int) -> None:
    """Wait for the child, killing it first if it is still running."""
    done, _ = os.waitpid(pid, os.WNOHANG)
    if done == 0:
        with contextlib.suppress(ProcessLookupError):  # it exited between the two calls
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
