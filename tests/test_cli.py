"""The command-line contract: exit codes, help, start-up imports, output destinations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, MakeRepo
from hflint import __version__
from hflint.cli import main

HEAVY = ("yaml", "jsonschema", "huggingface_hub", "fickling", "safetensors", "numpy", "torch")


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hflint", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


def _fresh_process(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new interpreter that sees only hflint's source tree (no site hooks
    of this process), so ``sys.modules`` shows what hflint itself imports."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        # XDG_CACHE_HOME: the suite's own cache folder (conftest), never the user's.
        env={"PYTHONPATH": str(ROOT / "linter"), "PATH": "/usr/bin:/bin",
             "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]},
    )


def test_version_imports_nothing_heavy() -> None:
    code = (
        "import sys\nfrom hflint.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = _fresh_process(code)
    assert out.stdout.strip().endswith("[]"), out.stdout
    assert f"hflint {__version__}" in out.stdout


def test_version_imports_not_even_argparse() -> None:
    """A bare `hflint --version` prints without building the parser: argparse (with re and
    enum), typing and the command table were two thirds of its start-up (issue 14)."""
    code = (
        "import sys\nfrom hflint.cli import main\nmain(['--version'])\n"
        "print(sorted(m for m in ('argparse', 'typing', 'hflint.commands') if m in sys.modules))"
    )
    assert _fresh_process(code).stdout.splitlines() == [f"hflint {__version__}", "[]"]


def test_weights_only_scan_imports_only_what_it_needs(tmp_path: Path) -> None:
    """`--select HF3` on a safetensors model: built-in packs come from their JSON snapshot
    (no PyYAML), no jsonschema, and only the weights kinds are imported (a first scan: a
    repeat one from the result cache imports no kind at all)."""
    (tmp_path / "model.safetensors").write_bytes(b"\x02\x00\x00\x00\x00\x00\x00\x00{}")
    code = (
        "import sys\nfrom hflint.cli import main\n"
        f"code = main(['scan', '--isolated', '--no-cache', '--select', 'HF3', {str(tmp_path)!r}])\n"
        "mods = [m for m in sys.modules if m.startswith(('hflint.kinds.', 'hflint.pickles', 'hflint.customcode',"
        " 'hflint.cards', 'hflint.tokenfiles', 'hflint.reporters.'))]\n"
        f"print(code, sorted(m for m in {HEAVY!r} if m in sys.modules), sorted(mods))"
    )
    out = _fresh_process(code)
    kinds = [f"hflint.kinds.{k}" for k in ("adapter_weights", "base", "config_weights", "flax_msgpack", "loadable",
                                            "safetensors_header", "shard_index")]
    reporters = ['hflint.reporters.common', 'hflint.reporters.text']
    assert out.stdout.strip().splitlines()[-1] == f"0 [] {sorted([*kinds, *reporters])}", out.stdout


def test_a_replayed_scan_imports_only_the_replay(tmp_path: Path) -> None:
    """A repeat `hflint scan` of an unchanged folder is decided and printed by hflint.replay
    alone (issue 14): no argparse, no config, rule packs or engine, not even pathlib, re, json
    or typing. The first process records (its racy window set to 0: the files were just made)."""
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "model.safetensors").write_bytes(b"\x02\x00\x00\x00\x00\x00\x00\x00{}")
    argv = ["hflint", "scan", "--isolated", "--select", "HF3", str(tmp_path / "m")]
    record = f"import sys, time\nimport hflint.replay as r\nr.RACY_NS = 0\ntime.sleep(0.05)\nsys.argv = {argv!r}\n"
    first = _fresh_process(record + "from hflint.cli import main\nprint(main())\n")
    code = (
        f"import sys\nbefore = set(sys.modules)\nsys.argv = {argv!r}\nfrom hflint.cli import main\n"
        "code = main()\nnew = set(sys.modules) - before\n"
        "print(code, sorted(new & {'argparse', 'pathlib', 're', 'json', 'typing', 'enum', 'hflint.engine',"
        " 'hflint.config', 'hflint.rulepack', 'hflint.repo', 'hflint.commands', 'hflint.resultcache'}),"
        " sorted(m for m in new if m.startswith('hflint')))"
    )
    out = _fresh_process(code).stdout.splitlines()
    assert out[:-1] == first.stdout.splitlines()[:-1]  # the same report
    assert out[-1] == "0 [] ['hflint', 'hflint._paths', 'hflint.cli', 'hflint.exitcodes', 'hflint.replay']", out


def test_version_and_help_exit_0() -> None:
    assert _run("--version").stdout.strip() == f"hflint {__version__}"
    for args in (("--help",), ("scan", "--help"), ("rules", "--help")):
        proc = _run(*args)
        assert proc.returncode == 0
    scan_help = _run("scan", "--help").stdout
    for needle in ("--fail-on", "--format", "--sarif-output", "--isolated", "exit codes", "examples:"):
        assert needle in scan_help


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["frobnicate"],
        ["scan", "--format", "xml"],
        ["scan", "--select", "hf1"],
        ["scan", "--fail-on", "fatal"],
        ["scan", "--config", "a.yaml", "--isolated"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert main(args) == 2


def test_exit_codes_follow_fail_on(make_repo: MakeRepo) -> None:
    warn_only = make_repo(
        {
            "README.md": "# m\n",
            "m.safetensors": "version https://git-lfs.github.com/spec/v1\n",
            ".hflint.yaml": "select: [HF0, HF2]\n",
        }
    )
    assert main(["scan", str(warn_only)]) == 0  # HF002 is a warning; default fail-on is error
    assert main(["scan", str(warn_only), "--fail-on", "warning"]) == 1
    assert main(["scan", str(warn_only), "--fail-on", "note"]) == 1
    assert main(["scan", str(warn_only), "--fail-on", "warning", "--exit-zero"]) == 0
    broken = make_repo({"config.json": "{,}"})
    assert main(["scan", str(broken)]) == 1
    assert main(["scan", str(broken), "--fail-on", "none"]) == 0


def test_clean_repo_exits_0_and_says_so(make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({"README.md": "# m\n", "config.json": '{"model_type": "bert", "architectures": ["BertModel"]}'})
    assert main(["scan", str(root), "--select", "HF0,HF2"]) == 0
    assert "No findings" in capsys.readouterr().out


def test_not_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(tmp_path / "nope")]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_internal_error_is_exit_2_with_message(
    monkeypatch: pytest.MonkeyPatch, make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    import hflint.engine

    def explode(*_a: object, **_k: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(hflint.engine, "scan", explode)
    assert main(["scan", str(make_repo({"a.txt": "x"}))]) == 2
    assert "internal error: RuntimeError: disk on fire" in capsys.readouterr().err


def test_output_file_and_no_colour(make_repo: MakeRepo, tmp_path: Path) -> None:
    root = make_repo({"config.json": "{,}"})
    out = tmp_path / "report.txt"
    assert main(["scan", str(root), "--output", str(out), "--color", "auto"]) == 1
    text = out.read_text(encoding="utf-8")
    assert "HF201" in text and "\x1b[" not in text
    proc = _run("scan", str(root), "--color", "always")
    assert "\x1b[31m" in proc.stdout
    proc = _run("scan", str(root))  # not a terminal: no colour
    assert "\x1b[" not in proc.stdout and proc.returncode == 1


def test_unwritable_output_is_exit_2(make_repo: MakeRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({"README.md": "# m\n"})
    assert main(["scan", str(root), "--output", str(tmp_path / "no" / "such" / "dir.txt")]) == 2
    assert "cannot write report" in capsys.readouterr().err


def test_github_format_writes_step_summary(
    make_repo: MakeRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    root = make_repo({"README.md": "# m\n", "config.json": "{,}"})
    assert main(["scan", str(root), "--format", "github", "--select", "HF2"]) == 1
    assert capsys.readouterr().out.startswith("::error file=config.json,line=1,col=2,title=HF201 invalid-json::")
    assert "| error | HF201 invalid-json | `config.json` | 1 |" in summary.read_text(encoding="utf-8")


def test_rules_listing_and_docs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "HF201  invalid-json" in listing and "active" in listing
    assert "not yet active" in listing  # catalogue rules whose checks land later
    assert main(["rules", "HF201"]) == 0
    doc = capsys.readouterr().out
    for heading in ("# HF201 invalid-json", "## What it does", "## Why is this bad?", "## Example", "## How to fix"):
        assert heading in doc
    assert main(["rules", "HF999"]) == 2
    assert main(["rules", "--format", "json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert {"id", "name", "severity", "pack", "active", "docs"} <= set(rules[0])


def test_rules_lists_org_pack(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--rules", str(ROOT / "examples" / "org-pack.yaml")]) == 0
    assert "ACME001  no-pickle-weights" in capsys.readouterr().out


def test_scan_summary_names_inactive_rules(
    make_repo: MakeRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from hflint.kinds import PLANNED

    monkeypatch.setitem(PLANNED, "future-kind", "lands in a later release")
    pack = tmp_path / "org.yaml"
    pack.write_text(
        "pack: acme\nrules:\n  - {id: ACME001, name: later, title: t, severity: error, "
        "kind: future-kind, message: m, docs: {what: w, why: y, example: e, fix: f}}\n",
        encoding="utf-8",
    )
    main(["scan", str(make_repo({"README.md": "# m\n"})), "--rules", str(pack)])
    out = capsys.readouterr().out
    assert "not active yet" in out and "ACME001" in out


def test_sarif_and_github_paths_are_relative_to_the_working_directory(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo({"models/bert/config.json": "{,}", "models/bert/README.md": "# m\n"})
    monkeypatch.chdir(root)
    assert main(["scan", "models/bert", "--format", "github", "--select", "HF2"]) == 1
    assert "::error file=models/bert/config.json,line=1" in capsys.readouterr().out
    assert main(["scan", "models/bert", "--format", "sarif", "--select", "HF2"]) == 1
    log = json.loads(capsys.readouterr().out)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "models/bert/config.json"
    monkeypatch.chdir(root / "models" / "bert")
    assert main(["scan", ".", "--format", "github", "--select", "HF2"]) == 1
    assert "::error file=config.json,line=1" in capsys.readouterr().out
