"""Integrations run for real: the composite action's steps under bash as the runner runs
them, action.yml against the GitHub Actions schema, and the pre-commit hooks through
``pre-commit try-repo`` on a temporary git repository."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

BAD_CONFIG = '{\n  "model_type": "bert",\n}\n'
GOOD_CONFIG = '{\n  "model_type": "bert",\n  "architectures": ["BertModel"]\n}\n'


def _bin(name: str) -> str:
    exe = Path(sys.executable).parent / name
    return str(exe) if exe.exists() else name


def test_action_yml_matches_the_github_actions_schema() -> None:
    proc = subprocess.run(
        [_bin("check-jsonschema"), "--builtin-schema", "vendor.github-actions", "action.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_action_never_interpolates_inputs_into_scripts() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    for step in action["runs"]["steps"]:
        assert "${{" not in step["run"], step["id"]


def _expand(value: str, inputs: dict[str, str]) -> str:
    def sub(match: re.Match[str]) -> str:
        expr = match.group(1).strip()
        if expr.startswith("inputs."):
            return inputs[expr.removeprefix("inputs.")]
        if expr == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"unexpected expression {expr}")

    return re.sub(r"\$\{\{(.*?)\}\}", sub, value)


@pytest.fixture(scope="module")
def action_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv for the action's install step, so it cannot touch the test environment."""
    venv = tmp_path_factory.mktemp("action") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300)
    return venv


def _run_action(venv: Path, workspace: Path, tmp: Path, **given: str) -> tuple[int, dict[str, str], str]:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()} | given
    outputs: dict[str, str] = {}
    log = ""
    code = 0
    for step in action["runs"]["steps"]:
        output_file = tmp / f"{step['id']}.out"
        output_file.write_text("", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
        env |= {k: _expand(str(v), inputs) for k, v in step.get("env", {}).items()}
        env |= {
            "PATH": f"{venv / 'bin'}:{env['PATH']}",
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(tmp / "summary.md"),
            "RUNNER_TEMP": str(tmp),
            "PIP_NO_INPUT": "1",
        }
        script = tmp / f"{step['id']}.sh"
        script.write_text(step["run"], encoding="utf-8")
        # What the runner runs for `shell: bash`.
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        log += proc.stdout + proc.stderr
        outputs |= dict(line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines() if line)
        code = proc.returncode
        if code:
            break
    return code, outputs, log


@pytest.mark.real_tools
def test_action_steps_run_as_on_a_runner(action_venv: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(ROOT / "examples" / "demo-model", workspace / "model")
    pack = workspace / "policy.yaml"
    shutil.copy(ROOT / "examples" / "org-pack.yaml", pack)
    shutil.copytree(ROOT / "examples" / "schemas", workspace / "schemas")
    code, outputs, log = _run_action(action_venv, workspace, tmp_path, path="model", rules="policy.yaml\n")
    assert code == 1, log  # the demo has errors; fail-on defaults to error
    assert outputs["exit-code"] == "1"
    assert int(outputs["errors"]) >= 3 and int(outputs["findings"]) >= int(outputs["errors"])
    assert "::error file=model/config.json,line=7,col=3,title=HF310 config-weights-mismatch::" in log
    assert "ACME002" in log  # the extra pack was loaded
    sarif_path = workspace / outputs["sarif-file"]
    log_json = json.loads(sarif_path.read_text(encoding="utf-8"))
    assert log_json["runs"][0]["results"]
    assert "| error | HF310 config-weights-mismatch | `model/config.json` |" in (tmp_path / "summary.md").read_text(
        encoding="utf-8"
    )
    code, outputs, log = _run_action(action_venv, workspace, tmp_path, path="model", **{"fail-on": "none"})
    assert (code, outputs["exit-code"]) == (0, "0"), log
    code, outputs, log = _run_action(action_venv, workspace, tmp_path, path="model", config="missing.yaml")
    assert (code, outputs["exit-code"], outputs["findings"]) == (2, "2", "0"), log
    assert "::error title=hflint::hflint could not complete the scan" in log


def test_action_prints_the_fix_diff_to_the_step_summary(action_venv: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(ROOT / "examples" / "demo-model", workspace / "model")
    before = {p.name: p.read_bytes() for p in (workspace / "model").iterdir()}
    code, outputs, log = _run_action(action_venv, workspace, tmp_path, path="model", **{"fix-diff": "true"})
    assert code == 1 and outputs["exit-code"] == "1", log  # the scan's verdict is unchanged
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "### hflint fix --diff" in summary
    assert "Would fix 2 findings in 2 files; the fixes of 8 more need --unsafe" in summary
    assert "```diff\n--- a/model/README.md\n+++ b/model/README.md\n" in summary
    assert "-license: Apache-2.0\n+license: apache-2.0\n" in summary
    assert "- model/model.safetensors.index.json: not fixed HF301: the index is not rebuilt" in summary
    assert "| error | HF201 invalid-json | `model/tokenizer_config.json` |" in summary  # the scan's table follows
    assert {p.name: p.read_bytes() for p in (workspace / "model").iterdir()} == before  # nothing changed


# -- pre-commit ---------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.fixture
def model_git_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "project"
    (repo / "models" / "bert").mkdir(parents=True)
    (repo / "models" / "bert" / "README.md").write_text("---\nlicense: mit\n---\n# bert\n", encoding="utf-8")
    (repo / "models" / "bert" / "config.json").write_text(GOOD_CONFIG, encoding="utf-8")
    (repo / "notes.txt").write_text("not a model\n", encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "init")
    return repo


def _try_repo(repo: Path, hook: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "PRE_COMMIT_COLOR": "never",
        "GIT_AUTHOR_NAME": "t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    return subprocess.run(
        [_bin("pre-commit"), "try-repo", str(ROOT), hook, *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.real_tools
def test_pre_commit_hooks_with_real_pre_commit(model_git_repo: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.fail("try-repo needs hflint's own git checkout")  # pragma: no cover
    config = model_git_repo / "models" / "bert" / "config.json"
    config.write_text(BAD_CONFIG, encoding="utf-8")
    _git(model_git_repo, "add", ".")
    bad = _try_repo(model_git_repo, "hflint")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "HF201" in bad.stdout and "models/bert/config.json" in bad.stdout
    bad_repo = _try_repo(model_git_repo, "hflint-repo")
    assert bad_repo.returncode == 1 and "HF201" in bad_repo.stdout
    config.write_text(GOOD_CONFIG, encoding="utf-8")
    _git(model_git_repo, "add", ".")
    good = _try_repo(model_git_repo, "hflint", "--files", "models/bert/config.json", "notes.txt")
    assert good.returncode == 0, good.stdout + good.stderr
    good_repo = _try_repo(model_git_repo, "hflint-repo")
    assert good_repo.returncode == 0, good_repo.stdout + good_repo.stderr


def test_pre_commit_fix_hook_fixes_and_fails_when_it_changed_files(model_git_repo: Path) -> None:
    card = model_git_repo / "models" / "bert" / "README.md"
    card.write_text("---\nlicense: MIT\n---\n# bert\n", encoding="utf-8")
    _git(model_git_repo, "add", ".")
    first = _try_repo(model_git_repo, "hflint-fix")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout and "fixed HF104" in first.stdout
    assert card.read_text(encoding="utf-8") == "---\nlicense: mit\n---\n# bert\n"
    _git(model_git_repo, "add", ".")
    second = _try_repo(model_git_repo, "hflint-fix")
    assert second.returncode == 0, second.stdout + second.stderr  # nothing left to fix; notes do not fail it
