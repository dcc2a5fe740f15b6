"""Pickle scanners side by side: hflint vs picklescan, modelscan, ModelAudit, fickling.

Each tool runs as its own process on one file at a time (copied into an empty folder
under its corpus name, since several tools choose parsers by extension); the exit code
is the verdict, wall time and peak RSS (``os.wait4``) are per process. Samples come from
tests/fixtures/pickles/corpus.json plus two large checkpoints built here with sparse
storage data (a legacy-format and a zip-format file of --large-gib GiB each).

    python benchmarks/pickle_bench.py --peers /tmp/peers/bin [--large-gib 2] [--markdown]

A peer is skipped when its executable is not in --peers or on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import struct
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from peers import Tool, render, run  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "pickles"
HFLINT = [sys.executable, "-m", "hflint", "scan", "--isolated", "--select", "HF401,HF402,HF403,HF405,HF001",
          "--fail-on", "error", "--format", "json", "-o", os.devnull]




def tools(peers: Path | None) -> list[Tool]:
    def find(exe: str) -> str | None:
        if peers and (peers / exe).exists():
            return str(peers / exe)
        return shutil.which(exe)

    out = [Tool("hflint", HFLINT, frozenset({1}))]
    if exe := find("picklescan"):
        out.append(Tool("picklescan 1.0.5", [exe, "-p"], frozenset({1})))
    if exe := find("modelscan"):
        out.append(Tool("modelscan 0.8.8", [exe, "-p"], frozenset({1}), frozenset({3})))
    if exe := find("modelaudit"):
        out.append(Tool("modelaudit 0.2.54", [exe, "scan", "--no-cache"], frozenset({1})))
    if exe := find("fickling"):
        out.append(Tool("fickling 0.1.12", [exe, "--check-safety"], frozenset({1})))
    return out




def large_samples(folder: Path, gib: float) -> list[tuple[str, Path]]:
    """A legacy and a zip checkpoint whose storage bytes are a sparse hole of ``gib`` GiB."""
    size = int(gib * (1 << 30))
    legacy_src = (CORPUS / "benign/legacy/pytorch_model.bin").read_bytes()
    legacy = folder / "large_legacy" / "pytorch_model.bin"
    legacy.parent.mkdir()
    with open(legacy, "wb") as fh:
        fh.write(legacy_src)
        fh.truncate(len(legacy_src) + size)
    zipped = folder / "large_zip" / "pytorch_model.bin"
    zipped.parent.mkdir()
    _sparse_zip(zipped, (CORPUS / "benign/pytorch_model.bin").read_bytes(), size)
    return [("large/legacy", legacy), ("large/zip", zipped)]


def _sparse_zip(path: Path, torch_zip: bytes, size: int) -> None:
    """torch_zip's members plus one stored member of ``size`` zero bytes, left as a hole."""
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(torch_zip))
    entries = []
    with open(path, "wb") as fh:
        members = [(i.filename, src.read(i.filename)) for i in src.infolist()]
        members.insert(-1, ("archive/data/999", None))
        for name, data in members:
            offset = fh.tell()
            n = size if data is None else len(data)
            crc = _zero_crc(size) if data is None else zlib.crc32(data)
            raw = name.encode()
            fh.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 0, 0, 0x21, crc, n, n, len(raw), 0) + raw)
            if data is None:
                fh.seek(n, 1)
            else:
                fh.write(data)
            entries.append((raw, crc, n, offset))
        cd = fh.tell()
        for raw, crc, n, offset in entries:
            fh.write(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 0, 0, 0x21, crc, n, n, len(raw),
                                 0, 0, 0, 0, 0, offset) + raw)
        end = fh.tell()
        fh.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), end - cd, cd, 0))


def _zero_crc(size: int) -> int:
    crc, block = 0, bytes(1 << 24)
    while size:
        n = min(size, len(block))
        crc = zlib.crc32(block[:n], crc)
        size -= n
    return crc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peers", type=Path, help="folder with the peers' executables (a throwaway venv's bin/)")
    ap.add_argument("--large-gib", type=float, default=2.0)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--json", type=Path, help="write raw per-sample results here")
    ap.add_argument("--only", help="comma-separated tool name prefixes to run (default: all found)")
    args = ap.parse_args(argv)
    manifest = json.loads((CORPUS / "corpus.json").read_text(encoding="utf-8"))
    chosen = tools(args.peers)
    if args.only:
        chosen = [t for t in chosen if t.name.startswith(tuple(args.only.split(",")))]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        samples = [(e["path"], CORPUS / e["path"]) for e in manifest] + large_samples(base, args.large_gib)
        for label, src in samples:
            work = base / "run"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            target = work / src.name
            os.link(src, target) if src.is_relative_to(base) else shutil.copy(src, target)
            for tool in chosen:
                tool.rows[label] = run([*tool.argv, str(target)], work)
    print(_table(chosen, markdown=args.markdown))
    if args.json:
        args.json.write_text(json.dumps({t.name: t.rows for t in chosen}, indent=1), encoding="utf-8")
    return 0


def _table(chosen: list[Tool], *, markdown: bool) -> str:
    head = ["tool", "malicious flagged", "of which errors", "malicious missed", "benign false positives",
            "corpus wall s", "large legacy s / MiB", "large zip s / MiB", "max RSS MiB (corpus)"]
    lines = []
    for t in chosen:
        mal, ben, large = t.group("malicious/"), t.group("benign/"), t.group("large/")

        bad = t.bad
        flagged = sum(bad(rc) for rc, _, _ in mal.values())
        errors = sum(bad(rc) and rc not in t.flagged for rc, _, _ in mal.values())
        fps = sum(bad(rc) for rc, _, _ in [*ben.values(), *large.values()])
        wall = sum(s for _, s, _ in [*mal.values(), *ben.values()])
        rss = max(kb for _, _, kb in [*mal.values(), *ben.values()]) / 1024
        cells = [t.name, f"{flagged}/{len(mal)}", str(errors), str(len(mal) - flagged),
                 f"{fps}/{len(ben) + len(large)}",
                 f"{wall:.1f}"]
        for key in ("large/legacy", "large/zip"):
            rc, s, kb = large[key]
            cells.append(f"{s:.2f} / {kb / 1024:.0f}" + ("" if rc == 0 or rc in t.skipped else f" (rc {rc})"))
        cells.append(f"{rss:.0f}")
        lines.append(cells)
    return render(head, lines, markdown)


if __name__ == "__main__":
    raise SystemExit(main())
