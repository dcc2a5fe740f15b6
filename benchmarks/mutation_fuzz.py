"""Mutation fuzzing of the whole scan: no crash, no stall, no silent pass on broken input.

Every golden case folder (tests/golden/<RULE>/{fail,pass}/<case>/) is a small repository
written by the real libraries or by the fixture scripts beside it. This script copies a
case, damages one of its files (truncation, flipped bytes, a length field set to a huge
value, a block of 0xff, a duplicated region) and scans the copy in process with every rule.
It reports, per mutation:

* an internal error (a check kind raised: the engine turns that into HF001 "internal error
  in check kind ..."), which is a bug to fix even though the scan went on;
* an exception escaping ``scan`` (a crash of the engine itself);
* a truncated model file (see MODEL_SUFFIXES) that no finding names: a silent pass;
* a scan that took longer than ``--stall`` seconds (SIGALRM stops it and it is counted).

Usage (from the checkout, hflint installed):

    python benchmarks/mutation_fuzz.py --per-file 12 --seed 1

It prints one line per problem and a summary; the exit status is 1 when anything was found.
tests/test_mutation_robustness.py runs a small, fixed-seed share of the same mutations.
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from hflint.config import Config
from hflint.engine import scan

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
# Repositories written by transformers, diffusers, PEFT and sentence-transformers.
REAL = ROOT / "tests" / "fixtures" / "real"
# Files the mutations are not worth spending on: expectations and generated text.
SKIP_NAMES = {"expected.txt", "expected.json", "case.yaml", "fix.diff"}
# Binary model formats: a truncated copy of one is never a valid file of its format, so a
# scan that says nothing about it passed broken (or hostile) input silently.
# Files of those suffixes whose every prefix is a valid file: raw weight blobs with no
# framing (OpenVINO keeps the layout in the .xml beside it) and fingerprint.pb (a handful of
# integer fields; a cut between two fields leaves a valid, shorter message).
# keras_metadata.pb is a sidecar of a SavedModel: cut to nothing it is an empty SavedMetadata
# message, and Keras loads the SavedModel without it.
NO_FRAMING = {"openvino_model.bin", "fingerprint.pb", "keras_metadata.pb"}
MODEL_SUFFIXES = {".safetensors", ".bin", ".pt", ".pth", ".pkl", ".ckpt", ".onnx", ".gguf", ".keras", ".h5",
                  ".hdf5", ".tflite", ".pb", ".nemo", ".zip", ".tar", ".npy", ".npz", ".joblib", ".msgpack"}


class Stall(Exception):
    pass


def _model_file(target: Path, data: bytes, mutated: bytes) -> bool:
    """Whether a cut copy of ``target`` is a broken model file hflint must name. ``.bin`` is
    any binary on the Hub, so its content decides: a model format or pickle-capable content
    (hflint.identify) is a model; a data format hflint recognises and does not parse
    (fastText, KenLM, CTranslate2: rules/data/file-formats.yaml) is not. Emptied to nothing,
    a ``.bin`` is a model only under a name loaders read as a pickle: HF600 leaves other
    empty files alone by policy (its docs), as an empty file holds nothing to analyse; an
    archive cut shorter than a magic number holds no member either."""
    if target.suffix not in MODEL_SUFFIXES:
        return False
    if target.suffix in (".zip", ".tar") and len(mutated) < 4:
        return False  # shorter than any magic number: no member, nothing left to analyse
    if target.suffix != ".bin":
        return True
    from hflint import identify
    from hflint.kinds.file_format import load_formats
    from hflint.pickles import claims

    if not mutated:  # HF403's own list of those names (rules/data/extension-formats.yaml)
        names = claims.loaded_as_pickle(ROOT / "rules" / "data" / "extension-formats.yaml")
        return claims.named_as_pickle(target.name, names)
    head = data[: identify.HEAD]
    if identify.identify(head, len(data)).format is not None or identify.maybe_headerless_pickle(head):
        return True
    data_formats = load_formats(ROOT / "rules" / "data" / "file-formats.yaml").data
    return not identify.ctranslate2_model(head) and not any(e.matches(target.name, head) for e in data_formats)


def _names(found: str, damaged: str) -> bool:
    """Whether a finding on ``found`` names the damaged file: that file, or, inside a Core ML
    bundle (.mlpackage, .mlmodelc), the bundle, whose model file HF635 reports as not read
    (its weight blobs are parts of that one model)."""
    if found == damaged:
        return True
    for suffix in (".mlpackage/", ".mlmodelc/"):
        head, sep, _ = damaged.partition(suffix)
        if sep and found.startswith(head + sep):
            return True
    return False


def cases() -> Iterator[Path]:
    if REAL.is_dir():
        yield from sorted(p for p in REAL.iterdir() if p.is_dir())
    for rule in sorted(p for p in GOLDEN.iterdir() if p.is_dir()):
        for outcome in ("fail", "pass"):
            folder = rule / outcome
            if folder.is_dir():
                yield from sorted(p for p in folder.iterdir() if p.is_dir())


def targets(case: Path) -> list[Path]:
    return sorted(p for p in case.rglob("*") if p.is_file() and not p.is_symlink() and p.name not in SKIP_NAMES)


def mutations(data: bytes, rng: random.Random, count: int) -> Iterator[tuple[str, bytes]]:
    n = len(data)
    for _ in range(count):
        how = rng.randrange(6)
        if n == 0:
            yield "grow", bytes(rng.randrange(256) for _ in range(64))
            continue
        at = rng.randrange(n)
        if how == 0:
            yield f"truncate@{at}", data[:at]
        elif how == 1:
            flips = bytearray(data)
            for _ in range(1 + rng.randrange(8)):
                i = rng.randrange(n)
                flips[i] ^= 1 << rng.randrange(8)
            yield "flip", bytes(flips)
        elif how == 2:
            # a length or count field set to a huge value: the classic stall / allocation bomb
            at = rng.randrange(min(n, 256))
            width = rng.choice((4, 8))
            value = rng.choice((2**31 - 1, 2**32 - 1, 2**60, 2**63 - 1, 2**64 - 1))
            yield f"huge@{at}", data[:at] + value.to_bytes(16, "little")[:width] + data[at + width:]
        elif how == 3:
            length = 1 + rng.randrange(64)
            yield f"ff@{at}", data[:at] + b"\xff" * length + data[at + length:]
        elif how == 4:
            length = 1 + rng.randrange(min(n, 512))
            yield f"dup@{at}", data[:at] + data[at:at + length] * 2 + data[at + length:]
        else:
            yield f"zero@{at}", data[:at] + bytes(min(32, n - at)) + data[at + 32:]


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Stall


def run(per_file: int, seed: int, stall: float, limit: int | None, echo: bool = True) -> list[str]:
    """The problems found (one line each); ``stall`` 0 sets no timer."""
    rng = random.Random(seed)
    problems: list[str] = []

    def problem(line: str) -> None:
        problems.append(line)
        if echo:
            print(line, flush=True)

    scans = 0
    slowest = (0.0, "")
    signal.signal(signal.SIGALRM, _alarm)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases():
            for target in targets(case):
                data = target.read_bytes()
                rel = target.relative_to(case)
                for label, mutated in mutations(data, rng, per_file):
                    if limit is not None and scans >= limit:
                        break
                    repo = Path(tmp) / f"r{scans}"
                    shutil.copytree(case, repo, symlinks=True)
                    (repo / rel).write_bytes(mutated)
                    where = f"{case.relative_to(ROOT)}/{rel} [{label}]"
                    t0 = time.perf_counter()
                    if stall:
                        signal.setitimer(signal.ITIMER_REAL, stall)
                    try:
                        result = scan(repo, Config())
                    except Stall:
                        problem(f"STALL  {where}: over {stall} s")
                        continue
                    except Exception as exc:  # the point of the script: count what escapes
                        problem(f"CRASH  {where}: {type(exc).__name__}: {exc}")
                        continue
                    finally:
                        if stall:
                            signal.setitimer(signal.ITIMER_REAL, 0)
                        scans += 1
                        shutil.rmtree(repo, ignore_errors=True)
                    took = time.perf_counter() - t0
                    slowest = max(slowest, (took, where))
                    for f in result.findings:
                        if "internal error" in f.message:
                            problem(f"BUG    {where}: {f.path}: {f.message}")
                    # a cut that removed only zeros (a tar's record padding), or an empty frozen
                    # GraphDef (a valid graph with no nodes: TensorFlow imports it), damages nothing
                    harmless_cut = (not data[len(mutated):].strip(b"\0")
                                    or (not mutated and target.suffix == ".pb" and target.name != "saved_model.pb"))
                    if (label.startswith("truncate@") and _model_file(target, data, mutated)
                            and target.name not in NO_FRAMING and not harmless_cut
                            and not any(_names(f.path, rel.as_posix()) for f in result.findings)):
                        problem(f"SILENT {where}: a truncated model file, and no finding names it")
    total = time.perf_counter() - started
    if echo:
        print(f"{scans} scans of mutated repositories in {total:.1f} s; slowest {slowest[0]:.2f} s "
              f"({slowest[1]}); {len(problems)} problems")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-file", type=int, default=12, help="mutations of each file (default 12)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stall", type=float, default=20.0, help="seconds before a scan counts as a stall")
    parser.add_argument("--limit", type=int, default=None, help="stop after this many scans")
    args = parser.parse_args()
    return 1 if run(args.per_file, args.seed, args.stall, args.limit) else 0


if __name__ == "__main__":
    sys.exit(main())
