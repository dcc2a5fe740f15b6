"""Reporter goldens (one per format), SARIF validated against the official 2.1.0 schema
and with Microsoft's SARIF Multitool (GitHub rule kinds), GitHub annotations escaping."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, VENDOR, MakeRepo
from hflint.cli import main
from hflint.config import Config
from hflint.decide import PathIgnore
from hflint.engine import ScanResult, scan
from hflint.reporters import REPORTERS, ReportOptions, github, sarif

GOLDENS = Path(__file__).parent / "goldens"
ACTIVE = ("HF001", "HF002", "HF003", "HF101", "HF201", "HF202", "HF203", "HF213", "HF215", "HF217")
POINTER = "version https://git-lfs.github.com/spec/v1\noid sha256:" + "b" * 64 + "\nsize 99\n"


def _report_repo(make_repo: MakeRepo) -> Path:
    root = make_repo(
        {
            "config.json": '{\n  "model_type": "bert",\n  "architectures": "BertModel",\n  "hidden_size": "16"\n}\n',
            "tokenizer_config.json": '{\n  "do_lower_case": true,\n}\n',
            "weights/model 1.safetensors": POINTER,
            "vendor/special, odd:name.json": "[1,]",
            "generation_config.json": '{"top_p": 1.5}',
        }
    )
    (root / "leak.json").symlink_to("/etc/hostname")
    return root


def _result(root: Path) -> ScanResult:
    config = Config(
        select=ACTIVE,
        per_path_ignores=(PathIgnore(("generation_config.json",), ("HF203",), "tuned by the model owner"),),
    )
    return scan(root, config)


@pytest.mark.parametrize(
    ("fmt", "suffix"), [("text", "txt"), ("json", "json"), ("sarif", "sarif"), ("github", "github.txt")]
)
def test_reporter_golden(make_repo: MakeRepo, update_goldens: bool, fmt: str, suffix: str) -> None:
    out = REPORTERS[fmt](_result(_report_repo(make_repo)), ReportOptions())
    golden = GOLDENS / f"report.{suffix}"
    if update_goldens:
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_text_show_suppressed_and_colour(make_repo: MakeRepo) -> None:
    result = _result(_report_repo(make_repo))
    plain = REPORTERS["text"](result, ReportOptions())
    assert "tuned by the model owner" not in plain and "1 suppressed by config" in plain
    shown = REPORTERS["text"](result, ReportOptions(show_suppressed=True, color=True))
    assert "(suppressed: tuned by the model owner)" in shown
    assert "\x1b[31m" in shown and "\x1b[" not in plain


def test_step_summary_golden(make_repo: MakeRepo, update_goldens: bool) -> None:
    out = github.summary_markdown(_result(_report_repo(make_repo)))
    golden = GOLDENS / "summary.md"
    if update_goldens:
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_github_escaping() -> None:
    from hflint.reporters.github import _data, _prop

    assert _data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert _prop("x:y,z%") == "x%3Ay%2Cz%25"


# -- SARIF ------------------------------------------------------------------------------


def _sarif_validator():  # type: ignore[no-untyped-def]
    import jsonschema

    # uri-reference is checked only when rfc3986-validator is installed: it comes with the
    # test extra jsonschema[format-nongpl], so a missing one fails here rather than skipping.
    assert "uri-reference" in jsonschema.FormatChecker().checkers, "pip install 'jsonschema[format-nongpl]'"

    schema = json.loads((VENDOR / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def _sarif_logs(make_repo: MakeRepo, tmp_path: Path) -> dict[str, str]:
    report = _result(_report_repo(make_repo))
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "README.md").write_text("# m\n", encoding="utf-8")
    demo = scan(ROOT / "examples" / "demo-model", Config())
    return {
        "report": sarif.render(report),
        "report-with-suppressed": sarif.render(report, include_suppressed=True),
        "clean": sarif.render(scan(clean, Config(select=ACTIVE))),
        "demo-all-rules": sarif.render(demo),
        "fixes": sarif.render(scan(_fixable_repo(tmp_path), Config(), fixes=True)),
    }


def _fixable_repo(tmp_path: Path) -> Path:
    """Fixes of every shape: a file created (the missing index), a value replaced (the
    license id) and text inserted (card sections), in a folder with a space in its name."""
    repo = tmp_path / "fixable"
    shutil.copytree(ROOT / "tests" / "fixtures" / "real" / "llama-safetensors-sharded", repo / "sub dir")
    (repo / "sub dir" / "model.safetensors.index.json").unlink()
    card = (repo / "sub dir" / "README.md").read_text(encoding="utf-8").replace("apache-2.0", "Apache-2.0")
    (repo / "sub dir" / "README.md").write_text(card, encoding="utf-8")
    return repo / "sub dir"


def test_sarif_carries_fixes_as_artifact_changes(tmp_path: Path) -> None:
    log = json.loads(sarif.render(scan(_fixable_repo(tmp_path), Config(), fixes=True)))
    fixes = {r["ruleId"]: r["fixes"][0] for r in log["runs"][0]["results"] if "fixes" in r}
    assert set(fixes) >= {"HF104", "HF107", "HF302"}
    change = fixes["HF104"]["artifactChanges"][0]
    assert change["artifactLocation"] == {"uri": "README.md", "uriBaseId": "%SRCROOT%"}
    (replacement,) = change["replacements"]
    text = (tmp_path / "fixable" / "sub dir" / "README.md").read_text(encoding="utf-8")
    start, length = replacement["deletedRegion"]["charOffset"], replacement["deletedRegion"]["charLength"]
    assert text[start : start + length] == "Apache-2.0" and replacement["insertedContent"]["text"] == "apache-2.0"
    assert fixes["HF104"]["properties"]["safety"] == "safe" and fixes["HF107"]["properties"]["safety"] == "unsafe"
    created = fixes["HF302"]["artifactChanges"][0]
    assert created["artifactLocation"]["uri"] == "model.safetensors.index.json"
    assert created["replacements"][0]["deletedRegion"] == {"charOffset": 0, "charLength": 0}
    plain = json.loads(sarif.render(scan(tmp_path / "fixable" / "sub dir", Config())))
    assert not any("fixes" in r for r in plain["runs"][0]["results"])  # a plain scan proposes none


def test_sarif_validates_against_official_schema(make_repo: MakeRepo, tmp_path: Path) -> None:
    validator = _sarif_validator()
    for name, text in _sarif_logs(make_repo, tmp_path).items():
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(json.loads(text))]
        assert errors == [], name


def test_sarif_schema_check_is_strict() -> None:
    """The validator really checks formats: an unescaped space in a URI is rejected."""
    log = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "hflint"}},
                "results": [
                    {
                        "message": {"text": "m."},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "weights/model 1.bin"},
                                    "region": {"startLine": 1},
                                }
                            }
                        ],
                    }
                ],
            }
        ],
    }
    assert list(_sarif_validator().iter_errors(log))


def test_sarif_shape_for_github(make_repo: MakeRepo) -> None:
    log = json.loads(sarif.render(_result(_report_repo(make_repo))))
    run = log["runs"][0]
    assert len(log["runs"]) == 1
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(ACTIVE)
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert len(rule["fullDescription"]["text"]) <= 1024
        assert ("security-severity" in rule["properties"]) == ("security" in rule["properties"]["tags"])
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert "weights/model%201.safetensors" in uris
    assert "vendor/special%2C%20odd%3Aname.json" in uris
    for result in run["results"]:
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert loc["region"]["startLine"] >= 1
        assert "hflint/v1" in result["partialFingerprints"]
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert not any(r["ruleId"] == "HF203" for r in run["results"])  # suppressed: left out
    assert "automationDetails" not in run  # would override upload-sarif's category


def test_sarif_clean_run_has_empty_results(make_repo: MakeRepo) -> None:
    root = make_repo({"README.md": "# m\n"})
    log = json.loads(sarif.render(scan(root, Config(select=ACTIVE))))
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(ACTIVE)


def _multitool() -> Path:
    tools = Path(os.environ.get("HFLINT_TOOLS_DIR", Path.home() / ".cache" / "hflint-test-tools"))
    binary = tools / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed, so the SARIF Multitool cannot be installed; schema validation still ran")
        tools.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--prefix", str(tools), "--no-audit", "--no-fund", "@microsoft/sarif-multitool"],
            check=True,
            capture_output=True,
            timeout=600,
        )
    binary.chmod(binary.stat().st_mode | 0o100)
    return binary


@pytest.mark.real_tools
def test_sarif_passes_multitool_github_rules(make_repo: MakeRepo, tmp_path: Path) -> None:
    binary = _multitool()
    for name, text in _sarif_logs(make_repo, tmp_path).items():
        log = tmp_path / f"{name}.sarif"
        log.write_text(text, encoding="utf-8")
        out = tmp_path / f"{name}.validation.sarif"
        proc = subprocess.run(
            [
                str(binary),
                "validate",
                "--rule-kind",
                "Gh;Ghas;Sarif",
                str(log),
                "-o",
                str(out),
                "--log",
                "ForceOverwrite",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        results = json.loads(out.read_text(encoding="utf-8"))["runs"][0].get("results", [])
        problems = [
            (r["ruleId"], r.get("level", "warning"), r["message"])
            for r in results
            if r.get("level", "warning") in ("error", "warning")
        ]
        assert problems == [], f"{name}: {problems}"


def test_sarif_output_flags_write_files(
    make_repo: MakeRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _report_repo(make_repo)
    sarif_file, json_file = tmp_path / "out.sarif", tmp_path / "out.json"
    code = main(
        [
            "scan",
            str(root),
            "--isolated",
            "--select",
            ",".join(ACTIVE),
            "--sarif-output",
            str(sarif_file),
            "--json-output",
            str(json_file),
        ]
    )
    assert code == 1
    assert "Found" in capsys.readouterr().out
    assert json.loads(sarif_file.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert json.loads(json_file.read_text(encoding="utf-8"))["schema_version"] == 1


def test_inline_suppressions_are_in_source_in_sarif(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "config.json": '{"auto_map": {"AutoModel": "modeling_x.XModel"}}',
            "modeling_x.py": "import os\n"
            "os.system('nvidia-smi')  # hflint: ignore[HF503] prints the GPU table for users\n",
        }
    )
    result = scan(root, Config(select=("HF503",), fail_on=None))
    assert [f.suppression_kind for f in result.findings] == ["inline"]
    assert "1 suppressed inline" in REPORTERS["text"](result, ReportOptions())
    log = json.loads(sarif.render(result, include_suppressed=True))
    [suppression] = log["runs"][0]["results"][0]["suppressions"]
    assert suppression == {"kind": "inSource", "justification": "inline: prints the GPU table for users"}
    assert json.loads(sarif.render(result))["runs"][0]["results"] == []
