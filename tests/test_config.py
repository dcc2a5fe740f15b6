"""Config discovery, precedence (config file < CLI flags) and errors with file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import MakeRepo
from hflint.cli import main
from hflint.config import ConfigError, find_config, load_config
from hflint.finding import Severity

BROKEN = {"README.md": "# m\n", "config.json": "{,}", "generation_config.json": '{"top_p": 3}'}


def _scan_json(root: Path, *extra: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(["scan", str(root), "--format", "json", *extra])
    return code, json.loads(capsys.readouterr().out)


def _rule_ids(doc: dict) -> list[str]:  # type: ignore[type-arg]
    """Reported engine and JSON findings: the rules these config tests exercise."""
    return [f["rule_id"] for f in doc["findings"] if not f["suppressed"] and f["rule_id"][:3] in ("HF0", "HF2")]


def test_yaml_config_is_found_and_applied(make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({**BROKEN, ".hflint.yaml": "select: [HF203]\nseverity: {HF203: warning}\n"})
    code, doc = _scan_json(root, capsys=capsys)
    assert _rule_ids(doc) == ["HF203"]
    assert doc["findings"][0]["severity"] == "warning"
    assert code == 0  # fail-on error; only a warning is left
    # With HF201 off but the config rules on, the unparseable config is still reported (as HF001).
    root = make_repo({**BROKEN, ".hflint.yaml": "ignore: [HF201]\n"})
    code, doc = _scan_json(root, capsys=capsys)
    assert (_rule_ids(doc), code) == (["HF001", "HF203"], 1)


def test_pyproject_config(make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({**BROKEN, "pyproject.toml": '[tool.hflint]\nselect = ["HF203"]\nfail-on = "none"\n'})
    code, doc = _scan_json(root, capsys=capsys)
    assert (_rule_ids(doc), code) == (["HF203"], 0)


def test_yaml_config_wins_over_pyproject(make_repo: MakeRepo) -> None:
    root = make_repo({".hflint.yaml": "select: [HF2]\n", "pyproject.toml": '[tool.hflint]\nselect = ["HF1"]\n'})
    assert find_config(root) == root / ".hflint.yaml"
    assert load_config(root / ".hflint.yaml").select == ("HF2",)


def test_pyproject_without_table_is_not_a_config(make_repo: MakeRepo) -> None:
    root = make_repo({"pyproject.toml": "[project]\nname = 'x'\n"})
    assert find_config(root) is None


def test_cli_flags_win(make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({**BROKEN, ".hflint.yaml": "select: [HF201]\nfail-on: none\n"})
    code, doc = _scan_json(root, "--select", "HF203", "--fail-on", "error", capsys=capsys)
    assert (_rule_ids(doc), code) == (["HF203"], 1)
    code, doc = _scan_json(root, "--extend-select", "HF203", capsys=capsys)
    assert (sorted(_rule_ids(doc)), code) == (["HF201", "HF203"], 0)
    code, doc = _scan_json(root, "--extend-select", "HF203", "--ignore", "HF201", capsys=capsys)
    assert _rule_ids(doc) == ["HF203"]


def test_isolated_ignores_repo_config(make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({**BROKEN, ".hflint.yaml": "ignore: [ALL]\n"})
    code, doc = _scan_json(root, capsys=capsys)
    assert (_rule_ids(doc), code) == ([], 0)
    code, doc = _scan_json(root, "--isolated", capsys=capsys)
    assert (sorted(_rule_ids(doc)), code) == (["HF201", "HF203"], 1)


def test_explicit_config_file(make_repo: MakeRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(BROKEN)
    cfg = tmp_path / "ci.yaml"
    cfg.write_text("select: [HF203]\n", encoding="utf-8")
    _, doc = _scan_json(root, "--config", str(cfg), capsys=capsys)
    assert _rule_ids(doc) == ["HF203"]


def test_config_packs_are_relative_to_the_config(make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    examples = Path(__file__).resolve().parents[1] / "examples"
    root = make_repo(
        {
            **BROKEN,
            "model.bin": b"x",
            ".hflint.yaml": "rules: [policy/org.yaml]\nselect: [ACME001]\n",
            "policy/org.yaml": (examples / "org-pack.yaml").read_text(encoding="utf-8"),
            "policy/schemas/acme-config.schema.json": (examples / "schemas/acme-config.schema.json").read_text(
                encoding="utf-8"
            ),
            "policy/schemas/acme-card.schema.json": (examples / "schemas/acme-card.schema.json").read_text(
                encoding="utf-8"
            ),
        }
    )
    _, doc = _scan_json(root, capsys=capsys)
    assert [(f["rule_id"], f["path"]) for f in doc["findings"]] == [("ACME001", "model.bin")]


@pytest.mark.parametrize("named", ["../outside.yaml", "link/pack.yaml", "/etc/hostname"])
def test_a_repository_config_names_only_packs_inside_it(
    named: str, make_repo: MakeRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside-folder"
    outside.mkdir()
    (outside / "pack.yaml").write_text("pack: x\nrules: []\n", encoding="utf-8")
    (tmp_path / "outside.yaml").write_text("pack: x\nrules: []\n", encoding="utf-8")
    root = make_repo({**BROKEN, ".hflint.yaml": f"select: [HF201]\nrules: ['{named}']\n"})
    (root / "link").symlink_to(outside)
    assert main(["scan", str(root)]) == 2
    err = capsys.readouterr().err
    assert ".hflint.yaml:2" in err and "rules/0" in err and "outside the folder of this config" in err
    # The same pack named by the user (--config outside the repository) is the user's choice.
    cfg = tmp_path / "user.yaml"
    cfg.write_text(f"select: [HF201]\nrules: ['{outside / 'pack.yaml'}']\n", encoding="utf-8")
    assert main(["scan", str(root), "--config", str(cfg)]) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("select: [HF2\n", ".hflint.yaml:2: a '[' list is not closed"),
        ("select: HF2\n", ".hflint.yaml:1: select: 'HF2' is not of type 'array'"),
        (
            "selcet: [HF2]\n",
            ".hflint.yaml:1: (top level): Additional properties are not allowed ('selcet' was unexpected)",
        ),
        ("ignore: [hf2]\n", ".hflint.yaml:1: ignore/0: 'hf2' does not match"),
        ("fail-on: sometimes\n", ".hflint.yaml:1: fail-on: 'sometimes' is not one of"),
        ("severity: {HF2: fatal}\n", ".hflint.yaml:1: severity/HF2: 'fatal' is not one of"),
        (
            "per-path-ignores:\n  - path: a.json\n    rules: [HF201]\n",
            ".hflint.yaml:2: per-path-ignores/0: 'reason' is a required property",
        ),
        (
            "per-path-ignores:\n  - path: 'a/**b'\n    rules: [HF201]\n    reason: legacy\n",
            ".hflint.yaml:2: per-path-ignores/0/path: bad glob",
        ),
        (
            "per-path-ignores:\n  - path: a\n    rules: [HF201]\n    reason: legacy\n    expires: 2026-02-30\n",
            ".hflint.yaml:5: invalid timestamp value '2026-02-30'",
        ),
        ("exclude: ['[x']\n", ".hflint.yaml:1: exclude/0: bad glob: '[x': unclosed '[' character class"),
        ("- a\n- b\n", ".hflint.yaml:1: the config must be a mapping"),
        ("select: [HF2]\nselect: [HF3]\n", ".hflint.yaml:2: duplicate key 'select'"),
        ("select: [HF9]\n", ".hflint.yaml: 'HF9' matches no rule id"),
        ("rules: [missing.yaml]\n", "missing.yaml: cannot read rule pack"),
    ],
)
def test_broken_config_exits_2_with_file_and_line(
    make_repo: MakeRepo, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    root = make_repo({**BROKEN, ".hflint.yaml": text})
    assert main(["scan", str(root)]) == 2
    err = capsys.readouterr().err
    assert expected in err, err


def test_broken_pyproject(make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo({**BROKEN, "pyproject.toml": "[tool.hflint]\nselect = 'HF2'\n"})
    assert main(["scan", str(root)]) == 2
    assert "pyproject.toml:1: select: 'HF2' is not of type 'array'" in capsys.readouterr().err
    root = make_repo({**BROKEN, "pyproject.toml": "[tool.hflint\n"})
    assert main(["scan", str(root)]) == 2
    assert "pyproject.toml" in capsys.readouterr().err


def test_expires_is_a_date(tmp_path: Path) -> None:
    cfg = tmp_path / ".hflint.yaml"
    cfg.write_text(
        "per-path-ignores:\n  - {path: a, rules: [HF2], reason: why, expires: 2027-01-31}\n", encoding="utf-8"
    )
    entry = load_config(cfg).per_path_ignores[0]
    assert (entry.expires.isoformat() if entry.expires else None) == "2027-01-31"


def test_defaults(tmp_path: Path) -> None:
    cfg = tmp_path / ".hflint.yaml"
    cfg.write_text("", encoding="utf-8")
    config = load_config(cfg)
    assert (config.select, config.ignore, config.fail_on) == (("ALL",), (), Severity.ERROR)


def test_config_error_type_carries_location() -> None:
    assert str(ConfigError("x.yaml", "bad", 3)) == "x.yaml:3: bad"
