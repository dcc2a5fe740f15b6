"""hflint.formats.isolated: a parser that spins in C is bounded by a process, and what the
child answers is data. The HDF5 case is the one mutation_fuzz found: a 32-byte block zeroed
inside a Keras .h5's global heap sends HDF5 (H5HG__cache_heap_deserialize) into a loop that
never returns to Python."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from hflint.formats import isolated
from hflint.repo import CannotAnalyse

GOLDEN_H5 = Path(__file__).parent / "golden" / "HF631" / "fail" / "h5-training-config-loss" / "model.h5"


def _spin() -> None:
    while True:
        pass


def test_a_child_that_never_returns_is_killed_at_the_deadline() -> None:
    with pytest.raises(CannotAnalyse, match=r"did not finish within 0\.5 s"):
        isolated.run(_spin, 0.5, "spinning")


def test_the_childs_answer_and_reasons_come_back() -> None:
    assert isolated.run(lambda: {"a": [1, "b"]}, 10, "x") == {"a": [1, "b"]}

    def cannot() -> None:
        raise CannotAnalyse("a reason of the child's")

    with pytest.raises(CannotAnalyse, match=r"^a reason of the child.s$"):
        isolated.run(cannot, 10, "x")

    def fails() -> None:
        raise ValueError("library text")

    with pytest.raises(CannotAnalyse, match=r"^x failed \(ValueError\)$"):
        isolated.run(fails, 10, "x")


def test_with_other_threads_the_work_runs_here() -> None:
    """A fork copies other threads' locks in whatever state they are: with a thread running,
    the work runs in this process (its side effects are visible here)."""
    seen: list[int] = []
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert isolated.run(lambda: seen.append(1) or 7, 10, "x") == 7
    finally:
        stop.set()
        other.join()
    assert seen == [1]
    assert isolated.run(lambda: seen.append(2) or 8, 10, "x") == 8
    assert seen == [1]  # no other thread: the work ran in the child


def test_a_keras_h5_built_to_stall_hdf5_is_reported_not_hung(tmp_path: Path) -> None:
    """Run in a fresh interpreter: a thread another test left behind would make the work run
    in-process, where the HDF5 loop cannot be stopped."""
    data = GOLDEN_H5.read_bytes()
    stalling = tmp_path / "model.h5"
    stalling.write_bytes(data[:923] + bytes(32) + data[955:])
    code = (
        "import sys\n"
        "from hflint.formats import keras_files\n"
        "from hflint.repo import CannotAnalyse\n"
        "with open(sys.argv[1], 'rb') as fh:\n"
        "    print([c.where for c in keras_files.hdf5_configs(fh, keras_files.Limits(max_seconds=30))])\n"
        "try:\n"
        "    with open(sys.argv[2], 'rb') as fh:\n"
        "        keras_files.hdf5_configs(fh, keras_files.Limits(max_seconds=1.0))\n"
        "except CannotAnalyse as exc:\n"
        "    print(exc.reason)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(GOLDEN_H5), str(stalling)], capture_output=True,
                          text=True, timeout=120, check=True)
    assert proc.stdout.splitlines() == [
        "['model_config', 'training_config']",  # the original is read in the child and comes back
        "reading the HDF5 file did not finish within 1 s (a file built to stall its reader)",
    ]
