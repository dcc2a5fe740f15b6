"""Fleet scans (issue 15): many targets in one run, with the real huggingface_hub client
against the local Hub stand-in (tests/hubserver.py) on 127.0.0.1.

Each target's record must say what a single scan of it says; a target that cannot be
scanned is a record with its error and never stops the others; the Hub's limits (pace,
429 with Retry-After) are honoured; the token is used and never shown; a run interrupted
halfway and resumed writes the same JSONL as an uninterrupted one; SARIF is one run per
repository, split into files of at most 20 runs that validate against the SARIF schema.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from hubserver import Fault, LocalHub, running

REAL = ROOT / "tests" / "fixtures" / "real"
DEMO = ROOT / "examples" / "demo-model"
NAMES = sorted(p.name for p in REAL.iterdir() if p.is_dir())
TOKEN = "hf_fleetTestToken0123456789abcdef"


def dataset_folder(root: Path, *, broken: bool = False) -> Path:
    """A small dataset repository: a dataset card whose configs name its Parquet files."""
    root.mkdir(parents=True, exist_ok=True)
    pattern = "data/missing-*.parquet" if broken else "data/train-*.parquet"
    (root / "README.md").write_text(
        "---\nlicense: cc-by-4.0\ntask_categories: [text-classification]\nsize_categories: [n<1K]\n"
        f"configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: {pattern}\n---\n"
        "# Dataset Card for demo\n",
        encoding="utf-8",
    )
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "train-00000-of-00001.parquet").write_bytes(b"PAR1" + b"\0" * 16 + b"PAR1")
    return root


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    local = LocalHub({})
    for name in NAMES:
        local.add(f"acme/{name}", REAL / name)
    local.add("acme/demo", DEMO)
    local.add("other/demo", DEMO)
    local.add("gated/model", DEMO, gated=True)
    work = tmp_path_factory.mktemp("datasets")
    local.add("acme/texts", dataset_folder(work / "texts"), repo_type="dataset")
    local.add("acme/broken-texts", dataset_folder(work / "broken", broken=True), repo_type="dataset")
    for i in range(45):  # a fleet larger than one SARIF file holds
        local.add(f"many/m{i:02d}", DEMO if i % 5 == 0 else REAL / NAMES[i % len(NAMES)])
    with running(local):
        yield local


def env(hub: LocalHub, tmp: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("HF_") and k != "CI"}
    return {**base, "HF_ENDPOINT": hub.url, "HF_HOME": str(tmp / "hf-home"), "HF_HUB_DISABLE_TELEMETRY": "1",
            **extra}


def hflint(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hflint", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600
    )


def records(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def findings_of(doc_findings: object) -> list[tuple[object, ...]]:
    assert isinstance(doc_findings, list)
    return sorted((f["rule_id"], f["path"], f["line"], f["message"], f["fingerprint"]) for f in doc_findings)


def test_each_record_says_what_a_single_scan_says(hub: LocalHub, tmp_path: Path) -> None:
    targets = [f"hf://acme/{n}" for n in NAMES] + ["hf://acme/demo"]
    proc = hflint("scan", "--isolated", "--jobs", "4", "--max-rps", "0", "--format", "jsonl", *targets,
                  env=env(hub, tmp_path))
    assert proc.returncode == 1, proc.stderr  # the demo model has errors
    out = records(proc.stdout)
    assert out[-1]["record"] == "summary" and out[-1]["targets"] == len(targets) and out[-1]["failed"] == 0
    by_target = {r["target"]: r for r in out[:-1]}
    assert sorted(by_target) == sorted(targets)
    for target in targets:
        single = hflint("scan", "--isolated", "--format", "json", target, env=env(hub, tmp_path))
        record = by_target[target]
        doc = json.loads(single.stdout)
        assert findings_of(record["findings"]) == findings_of(doc["findings"]), target
        assert record["files_scanned"] == doc["summary"]["files_scanned"]
        assert record["counts"] == doc["summary"]["counts"]
        assert record["commit"] == hub.repos[target.removeprefix("hf://")].sha
        assert record["status"] == "ok" and record["type"] == "model"


def test_an_owner_is_every_repository_it_has(hub: LocalHub, tmp_path: Path) -> None:
    proc = hflint("scan", "--isolated", "--max-rps", "0", "--jobs", "8", "--format", "jsonl", "hf://acme",
                  env=env(hub, tmp_path))
    labels = [r["target"] for r in records(proc.stdout) if r["record"] == "target"]
    assert sorted(labels) == sorted([f"hf://acme/{n}" for n in NAMES] + ["hf://acme/demo"])
    datasets = hflint("scan", "--isolated", "--max-rps", "0", "--format", "jsonl", "hf://datasets/acme",
                      env=env(hub, tmp_path))
    found = {r["target"]: r for r in records(datasets.stdout) if r["record"] == "target"}
    assert sorted(found) == ["hf://datasets/acme/broken-texts", "hf://datasets/acme/texts"]
    assert {r["type"] for r in found.values()} == {"dataset"}


def test_targets_from_a_file_mix_folders_and_hub_repositories(hub: LocalHub, tmp_path: Path) -> None:
    listing = tmp_path / "targets.txt"
    listing.write_text(
        f"# nightly fleet\nhf://acme/peft-lora\n\n{REAL / 'bert-safetensors'}   # a local folder\n"
        "hf://other/demo@main\nhf://acme/peft-lora\n",
        encoding="utf-8",
    )
    proc = hflint("scan", "--isolated", "--max-rps", "0", "--format", "jsonl", "--targets-from", str(listing),
                  env=env(hub, tmp_path))
    labels = [r["target"] for r in records(proc.stdout) if r["record"] == "target"]
    folder = "tests/fixtures/real/bert-safetensors"  # a folder is named relative to the working directory
    assert labels == ["hf://acme/peft-lora", folder, "hf://other/demo@main"]
    local = hflint("scan", "--isolated", "--format", "json", ".", env=env(hub, tmp_path), cwd=REAL / "bert-safetensors")
    record = next(r for r in records(proc.stdout) if r["target"] == folder)
    assert findings_of(record["findings"]) == findings_of(json.loads(local.stdout)["findings"])
    assert record["commit"] is None and record["type"] == "model"


def test_a_failing_target_is_a_record_and_the_others_are_scanned(hub: LocalHub, tmp_path: Path) -> None:
    hub.faults.append(Fault("/api/models/acme/demo/tree/", status=503, count=100, retry_after=None))
    try:
        proc = hflint(
            "scan", "--isolated", "--max-rps", "0", "--retries", "1", "--jobs", "4", "--format", "jsonl",
            "hf://acme/missing", "hf://gated/model", "hf://acme/demo", "hf://acme/peft-lora", "hf://acme/x@v9",
            env=env(hub, tmp_path),
        )
    finally:
        hub.faults.clear()
    assert proc.returncode == 2, proc.stderr  # a target that could not be scanned
    assert "Traceback" not in proc.stderr
    by = {r["target"]: r for r in records(proc.stdout) if r["record"] == "target"}
    assert by["hf://acme/peft-lora"]["status"] == "ok"
    assert "no such model repository" in str(by["hf://acme/missing"]["error"])
    assert "gated" in str(by["hf://gated/model"]["error"])
    assert "503" in str(by["hf://acme/demo"]["error"])
    assert by["hf://acme/demo"]["commit"] == hub.repos["acme/demo"].sha  # resolved, then the listing failed
    assert {by[t]["status"] for t in by if t != "hf://acme/peft-lora"} == {"error"}
    summary = records(proc.stdout)[-1]
    assert summary["failed"] == 4 and summary["scanned"] == 1
    for target in by:
        assert (f"hflint: cannot scan {target}" in proc.stderr) is (target != "hf://acme/peft-lora")


def test_a_read_that_fails_past_its_retries_fails_the_target_not_a_file(hub: LocalHub, tmp_path: Path) -> None:
    """A range read rate-limited past its retries is an error record, not an HF001 "cannot
    read" finding that would blame the repository for the Hub's answer."""
    hub.faults.append(Fault("/acme/peft-lora/resolve/", status=429, count=100, retry_after=0))
    try:
        proc = hflint("scan", "--isolated", "--max-rps", "0", "--retries", "1", "--format", "jsonl",
                      "hf://acme/peft-lora", env=env(hub, tmp_path))
    finally:
        hub.faults.clear()
    (record,) = [r for r in records(proc.stdout) if r["record"] == "target"]
    assert record["status"] == "error" and "429" in str(record["error"]) and record["findings"] == []


def test_retry_after_is_obeyed_and_the_scan_succeeds(hub: LocalHub, tmp_path: Path) -> None:
    before = len(hub.log)
    hub.faults.append(Fault("/api/models/acme/demo/tree/", status=429, count=1, retry_after=2))
    try:
        proc = hflint("scan", "--isolated", "--max-rps", "0", "--format", "jsonl", "hf://acme/demo",
                      env=env(hub, tmp_path))
    finally:
        hub.faults.clear()
    assert records(proc.stdout)[0]["status"] == "ok", proc.stderr
    tree = [s for s in hub.log[before:] if "/tree/" in s.path]
    assert [s.status for s in tree][:2] == [429, 200]
    assert tree[1].at - tree[0].at >= 2.0  # Retry-After: 2


def test_max_rps_caps_requests_across_jobs(hub: LocalHub, tmp_path: Path) -> None:
    before = len(hub.log)
    targets = [f"hf://acme/{n}" for n in NAMES[:4]]
    hflint("scan", "--isolated", "--max-rps", "20", "--jobs", "8", "--format", "jsonl", *targets,
           env=env(hub, tmp_path))
    served = hub.log[before:]
    assert len(served) > 20
    span = served[-1].at - served[0].at
    assert span >= (len(served) - 1) / 20 * 0.95  # never faster than 20 per second


def test_the_token_is_sent_and_never_shown(hub: LocalHub, tmp_path: Path) -> None:
    before = len(hub.log)
    proc = hflint("scan", "--isolated", "--max-rps", "0", "--format", "jsonl", "hf://acme/demo", "hf://acme/missing",
                  env=env(hub, tmp_path, HF_TOKEN=TOKEN))
    assert {s.authorization for s in hub.log[before:]} == {f"Bearer {TOKEN}"}
    assert TOKEN not in proc.stdout + proc.stderr


def test_interrupted_and_resumed_equals_uninterrupted(hub: LocalHub, tmp_path: Path) -> None:
    targets = [f"hf://many/m{i:02d}" for i in range(45)]
    listing = tmp_path / "targets.txt"
    listing.write_text("\n".join(targets) + "\n", encoding="utf-8")
    whole = tmp_path / "whole.jsonl"
    common = ("scan", "--isolated", "--format", "jsonl", "--targets-from", str(listing))
    done = hflint(*common, "--max-rps", "0", "--jobs", "4", "-o", str(whole), env=env(hub, tmp_path))
    assert done.returncode == 1, done.stderr
    # Interrupted for real: killed (SIGKILL, no clean-up) once about half the records are on disk.
    part = tmp_path / "part.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "hflint", *common, "--max-rps", "30", "-o", str(part)],
                            env=env(hub, tmp_path), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not part.exists() or part.read_bytes().count(b"\n") < 20):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kept = records(part.read_text(encoding="utf-8"))
    assert 20 <= len(kept) < 45 and all(r["record"] == "target" for r in kept)
    before = len(hub.log)
    resumed = hflint(*common, "--max-rps", "0", "--jobs", "4", "--resume", str(part), env=env(hub, tmp_path))
    assert resumed.returncode == 1, resumed.stderr
    assert part.read_bytes() == whole.read_bytes()
    # The kept targets cost one small request each (their commit), not a scan.
    listed = {s.path.split("/tree/")[0].removeprefix("/api/models/") for s in hub.log[before:] if "/tree/" in s.path}
    assert not listed & {str(r["target"]).removeprefix("hf://") for r in kept}


def test_resume_rescans_a_target_whose_commit_moved(hub: LocalHub, tmp_path: Path) -> None:
    out = tmp_path / "fleet.jsonl"
    args = ("scan", "--isolated", "--max-rps", "0", "--format", "jsonl", "-o", str(out), "--resume", str(out))
    hflint(*args, "hf://acme/demo", "hf://acme/peft-lora", env=env(hub, tmp_path))
    spec = hub.repos["acme/demo"]
    old = spec.sha
    spec.sha = "f" * 40
    try:
        before = len(hub.log)
        hflint(*args, "hf://acme/demo", "hf://acme/peft-lora", env=env(hub, tmp_path))
    finally:
        spec.sha = old
    trees = [s.path for s in hub.log[before:] if "/tree/" in s.path]
    assert len(trees) == 1 and "/acme/demo/" in trees[0]
    assert {r["target"]: r["commit"] for r in records(out.read_text()) if r["record"] == "target"} == {
        "hf://acme/demo": "f" * 40,
        "hf://acme/peft-lora": hub.repos["acme/peft-lora"].sha,
    }


def test_fleet_sarif_is_a_run_per_repository_in_files_of_20(hub: LocalHub, tmp_path: Path) -> None:
    from test_reporters import _sarif_validator

    stale = tmp_path / "fleet-004.sarif"
    stale.write_text("{}", encoding="utf-8")
    targets = [f"hf://many/m{i:02d}" for i in range(45)]
    proc = hflint("scan", "--isolated", "--max-rps", "0", "--jobs", "8", "--format", "sarif", "-o",
                  str(tmp_path / "fleet.sarif"), *targets, env=env(hub, tmp_path))
    assert proc.returncode == 1, proc.stderr
    files = sorted(tmp_path.glob("fleet*.sarif"))
    assert [f.name for f in files] == ["fleet-001.sarif", "fleet-002.sarif", "fleet-003.sarif"]
    validator = _sarif_validator()
    runs = []
    for f in files:
        log = json.loads(f.read_text(encoding="utf-8"))
        assert not list(validator.iter_errors(log)), f
        runs += log["runs"]
    assert [len(json.loads(f.read_text())["runs"]) for f in files] == [20, 20, 5]
    ids = [r["automationDetails"]["id"] for r in runs]
    assert ids == [f"hflint/{t}/" for t in targets]  # target order, one category each
    roots = [r["originalUriBaseIds"]["%SRCROOT%"]["uri"] for r in runs]
    assert roots == [f"{hub.url}/many/m{i:02d}/blob/{hub.repos[f'many/m{i:02d}'].sha}/" for i in range(45)]
    few = hflint("scan", "--isolated", "--max-rps", "0", "--format", "sarif", "-o", str(tmp_path / "few.sarif"),
                 *targets[:3], env=env(hub, tmp_path))
    assert few.returncode == 1
    assert len(json.loads((tmp_path / "few.sarif").read_text())["runs"]) == 3
    to_stdout = hflint("scan", "--isolated", "--max-rps", "0", "--format", "sarif", *targets, env=env(hub, tmp_path))
    assert to_stdout.returncode == 2 and "--output" in to_stdout.stderr


def test_local_folders_in_processes_match_one_at_a_time(tmp_path: Path) -> None:
    folders = [str(REAL / n) for n in NAMES] + [str(DEMO)]
    base = {k: v for k, v in os.environ.items() if k != "CI"}
    one = hflint("scan", "--isolated", "--format", "jsonl", *folders, env=base)
    many = hflint("scan", "--isolated", "--format", "jsonl", "--jobs", "2", *folders, env=base)
    assert one.returncode == many.returncode == 1
    key = lambda text: sorted(json.dumps(r, sort_keys=True) for r in records(text))  # noqa: E731
    assert key(one.stdout) == key(many.stdout)


@pytest.mark.parametrize(
    ("tty", "ci", "quiet", "shown"),
    [(True, None, False, True), (False, None, False, False), (True, "true", False, False), (True, None, True, False)],
)
def test_progress_bar_only_on_a_terminal_outside_ci(
    monkeypatch: pytest.MonkeyPatch, tty: bool, ci: str | None, quiet: bool, shown: bool
) -> None:
    import argparse

    from hflint.fleet.run import show_progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert show_progress(argparse.Namespace(quiet=quiet)) is shown


def test_an_exception_in_one_target_is_its_record(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Whatever a hostile target makes hflint raise ends in that target's record."""
    import argparse

    from hflint.fleet import record
    from hflint.fleet.targets import Target

    def boom(*args: object, **kwargs: object) -> None:
        raise MemoryError("hostile input")

    monkeypatch.setattr("hflint.engine.scan", boom)
    outcome = record.scan_target(Target("x", path=REAL / "peft-lora"), argparse.Namespace(
        isolated=True, config=None, select=None, extend_select=[], ignore=[], rules=[], exclude=[], baseline=None,
        no_baseline=False, format="jsonl"), tmp_path)
    doc = record.to_record(outcome)
    assert doc["status"] == "error" and "MemoryError: hostile input" in doc["error"]


def test_scan_one_is_the_record_of_a_fleet_run(tmp_path: Path) -> None:
    """The public unit of work (what hflint.ray_scan maps): one target in, its record out."""
    from hflint.fleet import scan_one

    folder = str(REAL / "peft-lora")
    base = {k: v for k, v in os.environ.items() if k != "CI"}
    fleet = records(hflint("scan", "--isolated", "--format", "jsonl", folder, env=base).stdout)[0]
    record = scan_one(folder, ["--isolated"])
    assert json.loads(json.dumps(record)) == {**fleet, "target": folder}
    assert scan_one("hf://acme", ["--isolated"])["error"].startswith("cannot scan hf://acme: an owner")
    with pytest.raises(ValueError):
        scan_one(folder, ["--no-such-option"])
