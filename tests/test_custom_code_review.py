"""HF501/HF502 and `hflint review`, end to end through the CLI (hflint.cli.main).

Acceptance (issue #6): `hflint review approve` then `hflint scan` is clean; editing one byte
brings HF502 back with the old and new hash; the review file is sorted, stable, validated.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from hflint.cli import main
from hflint.customcode import reviews

MODEL = ROOT / "tests" / "fixtures" / "custom_code"
CODE = ("configuration_x.py", "modeling_x.py", "rotary_x.py")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return Path(shutil.copytree(MODEL, tmp_path / "model", ignore=shutil.ignore_patterns("ruff.toml")))


def scan(repo: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    # Not --isolated: that mode distrusts the repo's own review file.
    code = main(["scan", str(repo), "--select", "HF5", "--color", "never"])
    return code, capsys.readouterr().out


def approve(repo: Path, *files: str, by: str = "Jane Reviewer", note: str = "read in full") -> int:
    return main(["review", "approve", "--repo", str(repo), "--by", by, "--note", note, *files])


def test_realistic_model_is_clean_apart_from_hf501(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = scan(repo, capsys)
    assert code == 1
    rules = [line.split()[2] for line in out.splitlines() if " HF5" in line]
    assert rules == ["HF501", "HF501", "HF501"], out
    assert "loaded via auto_map AutoConfig in config.json" in out
    assert "rotary_x.py: no review record (imported by modeling_x.py)" in out


def test_approve_then_scan_is_clean_and_one_byte_brings_hf502(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "status", "--repo", str(repo)]) == 1
    assert "unreviewed  modeling_x.py" in capsys.readouterr().out
    assert approve(repo, *(str(repo / f) for f in CODE)) == 0
    code, out = scan(repo, capsys)
    assert code == 0 and "HF50" not in out, out
    assert main(["review", "status", "--repo", str(repo)]) == 0
    assert "3 of 3 code file(s) reviewed" in capsys.readouterr().out

    target = repo / "modeling_x.py"
    old = hashlib.sha256(target.read_bytes()).hexdigest()
    data = bytearray(target.read_bytes())
    data[data.index(b"1e-6")] = ord("2")  # one byte
    target.write_bytes(bytes(data))
    new = hashlib.sha256(bytes(data)).hexdigest()
    code, out = scan(repo, capsys)
    assert code == 1
    assert "HF502" in out and "HF501" not in out
    assert f"sha256 was {old}, now {new}" in out
    assert "since Jane Reviewer reviewed it on" in out
    assert main(["review", "status", "--repo", str(repo)]) == 1
    assert "changed     modeling_x.py" in capsys.readouterr().out
    assert main(["review", "status", "--format", "json", "--repo", str(repo)]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert (doc["schema_version"], doc["code_files"], doc["reviewed"]) == (1, 3, 2)
    (changed,) = doc["files"]
    assert changed["path"] == "modeling_x.py" and changed["status"] == "changed"
    assert (changed["reviewed_sha256"], changed["sha256"], changed["reviewed_by"]) == (old, new, "Jane Reviewer")
    assert approve(repo, "modeling_x.py") == 0  # relative to the repo root
    assert scan(repo, capsys)[0] == 0


def test_review_file_is_sorted_readable_and_stable(repo: Path) -> None:
    assert approve(repo, str(repo / "rotary_x.py"), str(repo / "configuration_x.py"), note="tensors only") == 0
    text = (repo / reviews.REVIEW_FILE).read_text(encoding="utf-8")
    assert text.startswith("# hflint review records")
    assert text.index("configuration_x.py:") < text.index("rotary_x.py:")
    digest = hashlib.sha256((repo / "rotary_x.py").read_bytes()).hexdigest()
    assert f"    sha256: {digest}\n" in text and "    reviewed-by: Jane Reviewer\n" in text
    assert "    note: tensors only\n" in text
    assert approve(repo, str(repo / "rotary_x.py"), note="tensors only") == 0
    assert (repo / reviews.REVIEW_FILE).read_text(encoding="utf-8") == text  # same review, same bytes
    assert approve(repo, str(repo / "modeling_x.py"), note="tensors only") == 0
    after = (repo / reviews.REVIEW_FILE).read_text(encoding="utf-8")
    diff = [d for d in difflib.ndiff(text.splitlines(), after.splitlines()) if d[0] in "+-"]
    assert [d[0] for d in diff] == ["+"] * 5 and diff[0] == "+   modeling_x.py:"  # one new block, nothing moves
    assert set(reviews.parse(after)) == {"configuration_x.py", "modeling_x.py", "rotary_x.py"}


def test_reviewer_defaults_to_git_user_name(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "config", "user.name", "Git Person"], check=True)
    assert main(["review", "approve", "--repo", str(repo), str(repo / "modeling_x.py")]) == 0
    assert "reviewed-by: Git Person" in (repo / reviews.REVIEW_FILE).read_text(encoding="utf-8")


def test_no_reviewer_is_a_usage_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(repo.parent))
    assert main(["review", "approve", "--repo", str(repo), str(repo / "modeling_x.py")]) == 2
    assert "--by NAME" in capsys.readouterr().err
    assert not (repo / reviews.REVIEW_FILE).exists()


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ("missing.py", "not a file in the repository"),
        ("/etc/hostname", "not a file in the repository"),
        (reviews.REVIEW_FILE, "does not review itself"),
    ],
)
def test_approve_refuses_bad_paths(repo: Path, capsys: pytest.CaptureFixture[str], given: str, why: str) -> None:
    (repo / reviews.REVIEW_FILE).write_text(reviews.dump({}), encoding="utf-8")
    assert approve(repo, given) == 2
    assert why in capsys.readouterr().err


MALFORMED = [
    ("files:\n  modeling_x.py: [\n", "not closed"),
    ("version: 1\nfiles:\n  modeling_x.py:\n    sha256: abc\n    reviewed-by: x\n    date: '2026-05-01'\n", "sha256"),
    (
        "version: 1\nfiles:\n  ../x.py:\n    sha256: " + "0" * 64 + "\n    reviewed-by: x\n    date: '2026-05-01'\n",
        "../x.py",
    ),
    ("version: 1\nfiles:\n  a.py:\n    sha256: " + "0" * 64 + "\n    reviewed-by: x\n    date: 2026-13-01\n", ""),
    ("version: 2\nfiles: {}\n", "version"),
    (
        "version: 1\nfiles:\n  a.py:\n    sha256: " + "0" * 64 + "\n    reviewed-by: x\n    date: '2026-05-01'\n"
        "    approved: true\n",
        "approved",
    ),
]


@pytest.mark.parametrize(("text", "needle"), MALFORMED)
def test_malformed_review_file_is_a_clear_error(
    repo: Path, capsys: pytest.CaptureFixture[str], text: str, needle: str
) -> None:
    review = repo / reviews.REVIEW_FILE
    review.write_text(text, encoding="utf-8")
    with pytest.raises(reviews.ReviewFileError) as err:
        reviews.parse(text)
    assert needle in err.value.message
    # the command: exit 2, names the file and line, never rewrites the file
    assert approve(repo, "modeling_x.py") == 2
    assert f"{reviews.REVIEW_FILE}:" in capsys.readouterr().err
    assert review.read_text(encoding="utf-8") == text
    assert main(["review", "status", "--repo", str(repo)]) == 2
    # the scan: HF501 at the review file (fail closed: no record counts)
    code, out = scan(repo, capsys)
    assert code == 1
    assert "review file is invalid, so no file counts as reviewed" in out
    assert out.count("HF501") == 4


def test_status_lists_stale_records(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert approve(repo, *CODE) == 0
    (repo / "rotary_x.py").unlink()
    capsys.readouterr()
    assert main(["review", "status", "--repo", str(repo)]) == 0
    assert "stale       rotary_x.py" in capsys.readouterr().out
