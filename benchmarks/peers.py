"""What the side-by-side scanner benchmarks share (pickle_bench.py, formats_bench.py): a tool
record with its verdict exit codes, one measured process per sample, and the table renderer
(Markdown for benchmarks/README.md, aligned text for a terminal)."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Tool:
    name: str
    argv: list[str]  # the sample's path is appended
    flagged: frozenset[int]  # exit codes meaning "unsafe"
    skipped: frozenset[int] = frozenset()  # exit codes meaning "nothing I can scan" (a gate passes it)
    rows: dict[str, tuple[int, float, int]] = field(default_factory=dict)  # sample -> (rc, s, kB)

    def bad(self, rc: int) -> bool:
        """Flagged or failed: anything but clean or "nothing to scan"."""
        return rc != 0 and rc not in self.skipped

    def group(self, prefix: str) -> dict[str, tuple[int, float, int]]:
        return {k: v for k, v in self.rows.items() if k.startswith(prefix)}


def run(argv: list[str], cwd: Path) -> tuple[int, float, int]:
    """(exit code, wall seconds, peak RSS kB) of one process (``os.wait4``)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "linter"), NO_COLOR="1", TF_CPP_MIN_LOG_LEVEL="3")
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    return os.waitstatus_to_exitcode(status), time.perf_counter() - start, usage.ru_maxrss


def render(head: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join(out + ["| " + " | ".join(r) + " |" for r in rows])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in [head, *rows])
