"""Packaging and project invariants: the wheel ships the rule packs, the pre-commit
manifest is valid, generated docs are current, and the code is ruff and mypy clean."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


def _tool(name: str) -> list[str]:
    exe = Path(sys.executable).parent / name
    return [str(exe)] if exe.exists() else [sys.executable, "-m", name]


def test_pre_commit_manifest_is_valid() -> None:
    proc = subprocess.run(
        [*_tool("pre-commit"), "validate-manifest", ".pre-commit-hooks.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_rule_docs_are_generated_from_the_packs() -> None:
    from hflint.ruledoc import main as ruledoc

    assert ruledoc(["--check", str(ROOT / "docs" / "rules")]) == 0, "run: python -m hflint.ruledoc"


def test_ruff_clean() -> None:
    proc = subprocess.run(
        [*_tool("ruff"), "check", "linter", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_clean() -> None:
    proc = subprocess.run([*_tool("mypy")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    shared = os.environ.get("HFLINT_TEST_WHEEL")
    if shared:  # .ci/run builds one wheel for every interpreter in its matrix
        return Path(shared)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return next(out.glob("hflint-*.whl"))


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    rules = sorted(p.relative_to(ROOT / "rules").as_posix() for p in (ROOT / "rules").rglob("*") if p.is_file())
    assert rules and all(f"hflint/_rules/{r}" in names for r in rules)
    assert "hflint/py.typed" in names
    assert "hflint/cli.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "hflint = hflint.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_finds_its_packs(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, capture_output=True, timeout=300
    )
    code = (
        "import hflint._paths as p\nfrom hflint import packcache, rulepack\nprint(p.rules_dir())\n"
        "print(all(packcache.cached_doc(f, f.read_bytes()) for f in rulepack.builtin_pack_paths()))"
    )
    where = subprocess.run([str(py), "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    rules_dir, snapshot_used = where.stdout.split()
    assert rules_dir.endswith("hflint/_rules")
    assert snapshot_used == "True"  # the installed packs are read from their JSON snapshot
    hflint = venv / "bin" / "hflint"
    listing = subprocess.run([str(hflint), "rules"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert listing.returncode == 0 and "HF001" in listing.stdout, listing.stderr
    demo = shutil.copytree(ROOT / "examples" / "demo-model", tmp_path / "demo")
    scan = subprocess.run([str(hflint), "scan", str(demo)], capture_output=True, text=True, timeout=120)
    assert scan.returncode == 1 and "HF203" in scan.stdout, scan.stdout + scan.stderr


def test_readme_shows_the_demo_output_as_it_is(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's sample output is the real output of its first command (HF107 notes left out)."""
    from hflint.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("The first command prints", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    assert main(["scan", "examples/demo-model", "--color", "never"]) == 1
    actual = "\n".join(line for line in capsys.readouterr().out.splitlines() if "HF107" not in line)
    assert shown.strip() == actual.strip()


def test_classifiers_list_the_pythons_ci_tests() -> None:
    """Every minor version from requires-python up to the newest CI runs (.ci/run starts at
    requires-python and goes up to the newest interpreter on the machine)."""
    import re
    import tomllib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lowest = re.fullmatch(r">=3\.(\d+)", meta["requires-python"])
    assert lowest is not None
    version = re.compile(r"Programming Language :: Python :: 3\.(\d+)")
    listed = [int(m[1]) for c in meta["classifiers"] if (m := version.fullmatch(c))]
    assert listed == list(range(int(lowest[1]), int(lowest[1]) + len(listed)))
    assert sys.version_info[:2] >= (3, listed[0])
    assert "requires-python" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_shows_the_fix_diff_as_it_is(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's `hflint fix --diff` sample is the real output (stdout, then stderr)."""
    from hflint.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("`hflint fix --diff examples/demo-model` prints", 1)[1].split("```text\n", 1)[1]
    command, shown = block.split("```", 1)[0].split("\n", 1)
    assert command == "$ hflint fix --diff examples/demo-model"
    monkeypatch.chdir(ROOT)
    before = {p.name: p.read_bytes() for p in (ROOT / "examples" / "demo-model").iterdir()}
    assert main(["fix", "--diff", "examples/demo-model"]) == 1
    out, err = capsys.readouterr()
    assert shown == out + err
    assert {p.name: p.read_bytes() for p in (ROOT / "examples" / "demo-model").iterdir()} == before
