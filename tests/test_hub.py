"""Remote scans (``hflint scan hf://OWNER/NAME``) with the real huggingface_hub client,
against a local stand-in for the Hub on 127.0.0.1 (tests/hubserver.py) set as HF_ENDPOINT.

A remote scan must report exactly what a local scan of the same files reports, fetch only
what the checks read (headers, not weights), pin one commit, and fail with exit 2 and a
readable message when the repository cannot be listed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from hubserver import LocalHub, running

sys.path.insert(0, str(ROOT / "tests" / "golden"))
import make_weights_fixtures as fx

REAL = ROOT / "tests" / "fixtures" / "real"
MALICIOUS = ROOT / "tests" / "fixtures" / "pickles" / "malicious"
GIB = 1024**3


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    work = tmp_path_factory.mktemp("hub")
    local = LocalHub({})
    local.add("acme/demo", ROOT / "examples" / "demo-model")
    for name in ("llama-safetensors-sharded", "llama-bin-sharded", "diffusers-ddpm", "peft-lora", "trainer-checkpoint"):
        local.add(f"acme/{name}", REAL / name)
    big = work / "big"
    names = [f"layer.{i}.weight" for i in range(6)]
    total = 0
    for k in (1, 2):
        shard = f"model-0000{k}-of-00002.safetensors"
        part = {n: ("BF16", [32768, 16384]) for n in names[(k - 1) * 3 : k * 3]}  # 3 GiB per shard
        total += fx.write_st(big / shard, part, sparse=True, metadata={"format": "pt"})
    weight_map = {n: f"model-0000{1 + i // 3}-of-00002.safetensors" for i, n in enumerate(names)}
    (big / "model.safetensors.index.json").write_text(
        json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map})
    )
    (big / "README.md").write_text("---\nlicense: apache-2.0\n---\n# big\n")
    local.add("acme/big", big)
    pickled = work / "pickled"
    pickled.mkdir()
    shutil.copy(MALICIOUS / "builtin_py2_eval.pkl", pickled / "pytorch_model.bin")
    (pickled / "README.md").write_text("---\nlicense: mit\n---\n# pickled\n")
    local.add("acme/pickled", pickled)
    hostile = [{"type": "file", "oid": "0" * 40, "size": 10, "path": p} for p in ("../../etc/passwd", "/abs", "a//b")]
    local.add("acme/hostile", ROOT / "examples" / "demo-model", extra_listing=tuple(hostile))
    with running(local):
        yield local


def _env(endpoint: str, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    # HF_HOME in a temporary folder: no stored token, no cache shared with the user's.
    return {**env, "HF_ENDPOINT": endpoint, "HF_HOME": str(tmp / "hf-home"), "HF_HUB_DISABLE_TELEMETRY": "1"}


def _hflint(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hflint", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )


def _local(folder: Path) -> subprocess.CompletedProcess[str]:
    """The same scan of the folder itself, run from inside it (paths repo-relative)."""
    return _hflint("scan", "--isolated", "--format", "json", ".", cwd=folder)


def _findings(stdout: str) -> list[tuple[str, str, int | None, str, str]]:
    doc = json.loads(stdout)
    return sorted((f["rule_id"], f["path"], f["line"], f["message"], f["fingerprint"]) for f in doc["findings"])


@pytest.mark.parametrize(
    ("repo_id", "folder"),
    [
        ("acme/demo", ROOT / "examples" / "demo-model"),
        ("acme/llama-safetensors-sharded", REAL / "llama-safetensors-sharded"),
        ("acme/llama-bin-sharded", REAL / "llama-bin-sharded"),
        ("acme/diffusers-ddpm", REAL / "diffusers-ddpm"),
        ("acme/peft-lora", REAL / "peft-lora"),
        ("acme/trainer-checkpoint", REAL / "trainer-checkpoint"),
    ],
)
def test_remote_scan_reports_what_a_local_scan_reports(
    hub: LocalHub, repo_id: str, folder: Path, tmp_path: Path
) -> None:
    remote = _hflint("scan", "--isolated", "--format", "json", f"hf://{repo_id}", env=_env(hub.url, tmp_path))
    local = _local(folder)
    assert remote.returncode == local.returncode, remote.stderr
    assert _findings(remote.stdout) == _findings(local.stdout)
    assert json.loads(remote.stdout)["summary"]["files_scanned"] == json.loads(local.stdout)["summary"]["files_scanned"]


def test_remote_weights_cost_their_headers_not_their_gigabytes(hub: LocalHub, tmp_path: Path) -> None:
    before = len(hub.log)
    proc = _hflint("scan", "--isolated", "hf://acme/big", env=_env(hub.url, tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    served = hub.log[before:]
    shards = [s for s in served if s.path.endswith(".safetensors")]
    assert shards and all(s.range is not None for s in shards)  # never a whole-file GET
    assert sum(s.sent for s in served) < 300_000  # 6 GiB of shards
    assert not any((tmp_path / "hf-home").rglob("*.safetensors"))  # nothing downloaded to a cache


def test_a_malicious_pickle_is_found_remotely(hub: LocalHub, tmp_path: Path) -> None:
    proc = _hflint("scan", "--isolated", "--select", "HF4", "hf://acme/pickled", env=_env(hub.url, tmp_path))
    assert proc.returncode == 1
    assert "HF401" in proc.stdout and "pytorch_model.bin" in proc.stdout


def test_one_commit_is_read_and_a_revision_can_be_named(hub: LocalHub, tmp_path: Path) -> None:
    before = len(hub.log)
    proc = _hflint("scan", "--isolated", "hf://acme/demo@main", env=_env(hub.url, tmp_path))
    assert proc.returncode == 1, proc.stderr
    sha = hub.repos["acme/demo"].sha
    reads = [s.path for s in hub.log[before:] if "/resolve/" in s.path or "/tree/" in s.path]
    assert reads and all(sha in path for path in reads)


def test_listing_is_followed_across_pages(hub: LocalHub, tmp_path: Path) -> None:
    hub.page_size = 2
    try:
        paged = _hflint("scan", "--isolated", "--format", "json", "hf://acme/demo", env=_env(hub.url, tmp_path))
    finally:
        hub.page_size = 1000
    local = _local(ROOT / "examples" / "demo-model")
    assert _findings(paged.stdout) == _findings(local.stdout)


def test_hostile_names_in_the_listing_are_reported_and_never_fetched(hub: LocalHub, tmp_path: Path) -> None:
    before = len(hub.log)
    proc = _hflint("scan", "--isolated", "--format", "json", "hf://acme/hostile", env=_env(hub.url, tmp_path))
    errors = [f for f in json.loads(proc.stdout)["findings"] if f["rule_id"] == "HF001"]
    assert len(errors) == 3 and all("Hub listing" in f["message"] for f in errors)
    assert not [s for s in hub.log[before:] if "etc/passwd" in s.path or "/abs" in s.path]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("hf://acme/missing", "no such model repository"),
        ("hf://acme/demo@v9", "no such revision"),
        ("hf://datasets/acme/demo", "no such dataset repository"),
        ("hf://a/b/c", "expected hf://OWNER/NAME"),
    ],
)
def test_a_repository_that_cannot_be_listed_is_exit_2(hub: LocalHub, target: str, message: str, tmp_path: Path) -> None:
    proc = _hflint("scan", target, env=_env(hub.url, tmp_path))
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_an_unreachable_endpoint_is_exit_2(tmp_path: Path) -> None:
    proc = _hflint("scan", "hf://acme/demo", env=_env("http://127.0.0.1:9", tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.startswith("hflint: cannot scan hf://acme/demo") and "Traceback" not in proc.stderr


def test_local_and_remote_targets_in_one_report(hub: LocalHub, tmp_path: Path) -> None:
    proc = _hflint(
        "scan", "--isolated", "--format", "json", "hf://acme/demo", str(REAL / "peft-lora"), env=_env(hub.url, tmp_path)
    )
    paths = {f["path"] for f in json.loads(proc.stdout)["findings"]}
    assert any(p.startswith("hf://acme/demo/") for p in paths)


@pytest.mark.parametrize(
    ("text", "repo_id", "revision"),
    [
        ("hf://acme/model", "acme/model", None),
        ("hf://acme/model@main", "acme/model", "main"),
        ("hf://acme/model@refs/pr/3", "acme/model", "refs/pr/3"),
        ("hf://models/acme/model/", "acme/model", None),
    ],
)
def test_targets_parse(text: str, repo_id: str, revision: str | None) -> None:
    from hflint.hub import parse_target

    assert parse_target(text) == (repo_id, revision, "model")


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("hf://datasets/acme/data", ("acme/data", None, "dataset")),
        ("hf://datasets/acme/data@v1.0", ("acme/data", "v1.0", "dataset")),
        ("hf://acme", ("acme", "model")),  # an owner: every model of acme
        ("hf://datasets/acme", ("acme", "dataset")),
        ("hf://models/acme", ("acme", "model")),
    ],
)
def test_datasets_and_owners_parse(text: str, parsed: tuple[object, ...]) -> None:
    from hflint.hub import parse

    assert tuple(parse(text)) == parsed


@pytest.mark.parametrize(
    "text", ["hf://", "hf://a/b/c", "hf://a/../b", "hf://acme/model@", "hf://spaces/a/b", "hf://acme@main", "hf://datasets/"]
)
def test_bad_targets_are_refused(text: str) -> None:
    from hflint.hub import parse_target

    with pytest.raises(ValueError):
        parse_target(text)


def test_remote_sarif_points_at_the_hub_and_validates(hub: LocalHub, tmp_path: Path) -> None:
    from test_reporters import _multitool, _sarif_validator

    sarif = tmp_path / "remote.sarif"
    proc = _hflint("scan", "--isolated", "--format", "sarif", "-o", str(sarif), "hf://acme/demo",
                   env=_env(hub.url, tmp_path))
    assert proc.returncode == 1, proc.stderr
    log = json.loads(sarif.read_text(encoding="utf-8"))
    root = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]
    assert root["uri"] == f"{hub.url}/acme/demo/blob/{hub.repos['acme/demo'].sha}/"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert "config.json" in uris  # repo-relative, resolved against the Hub URL
    assert not list(_sarif_validator().iter_errors(log))
    out = tmp_path / "validation.sarif"
    check = subprocess.run(
        [str(_multitool()), "validate", "--rule-kind", "Gh;Ghas;Sarif", str(sarif), "-o", str(out), "--log",
         "ForceOverwrite"],
        capture_output=True, text=True, timeout=300,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert not json.loads(out.read_text(encoding="utf-8"))["runs"][0].get("results", [])
