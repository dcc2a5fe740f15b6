"""The pickle corpus (tests/fixtures/pickles, written by make_pickle_corpus.py).

Every malicious sample must be flagged at error level with at least the rules its
technique implies; no benign sample may produce HF401/HF402/HF403/HF405 or HF001.
Each malicious case id carries its technique; corpus.json has the advisory link.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hflint.config import Config
from hflint.engine import scan
from hflint.finding import Severity

CORPUS = Path(__file__).parent / "fixtures" / "pickles"
MANIFEST = json.loads((CORPUS / "corpus.json").read_text(encoding="utf-8"))
SECURITY = {"HF401", "HF402", "HF403", "HF405"}


def _scan_alone(sample: str, tmp_path: Path) -> list[tuple[str, Severity, str]]:
    src = CORPUS / sample
    shutil.copy(src, tmp_path / src.name)
    result = scan(tmp_path, Config(select=("HF4", "HF001"), fail_on=None))
    return [(f.rule_id, f.severity, f.message) for f in result.findings]


@pytest.mark.parametrize(
    "entry", [e for e in MANIFEST if e["path"].startswith("malicious/")], ids=lambda e: e["path"]
)
def test_malicious_sample_is_flagged_at_error(entry: dict[str, object], tmp_path: Path) -> None:
    found = _scan_alone(str(entry["path"]), tmp_path)
    rules = {rule for rule, _, _ in found}
    assert set(entry["expect"]) <= rules, (entry["technique"], entry["advisory"], found)  # type: ignore[arg-type]
    assert any(sev is Severity.ERROR and rule in SECURITY for rule, sev, _ in found), found


@pytest.mark.parametrize(
    "entry", [e for e in MANIFEST if e["path"].startswith("benign/")], ids=lambda e: e["path"]
)
def test_benign_sample_is_clean(entry: dict[str, object], tmp_path: Path) -> None:
    found = _scan_alone(str(entry["path"]), tmp_path)
    assert [f for f in found if f[0] in SECURITY | {"HF001"}] == []


def test_every_malicious_sample_names_its_technique() -> None:
    for entry in MANIFEST:
        assert entry["technique"], entry
        if entry["path"].startswith("malicious/"):
            assert entry["expect"], entry


def test_findings_name_member_offset_and_dotted_name(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "malicious/zip_extra_pkl_member.pt", tmp_path / "model.pt")
    result = scan(tmp_path, Config(select=("HF401",), fail_on=None))
    (finding,) = result.findings
    assert finding.pointer == "archive/extra.pkl:byte=6:op=4"
    assert "os.system" in finding.message


def test_torch_zip_storages_are_not_read(tmp_path: Path) -> None:
    # the benign zip checkpoint has its storages in archive/data/<n>: only data.pkl is parsed
    shutil.copy(CORPUS / "benign/pytorch_model.bin", tmp_path / "pytorch_model.bin")
    result = scan(tmp_path, Config(select=("HF404",), fail_on=None))
    assert [f.rule_id for f in result.findings] == ["HF404"]


def test_compressed_pickle_named_as_json_is_disguised(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "malicious/gzip_pickle.pkl.gz", tmp_path / "tokenizer.json.gz")
    shutil.copy(CORPUS / "malicious/archive.7z", tmp_path / "weights.7z")
    result = scan(tmp_path, Config(select=("HF405",), fail_on=None))
    assert [(f.rule_id, f.path) for f in result.findings] == [("HF405", "tokenizer.json.gz")]


def test_one_analysis_per_file_for_all_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hflint.pickles import analysis

    calls: list[str] = []
    real = analysis.analyse

    def counting(repo: object, rel: str, limits: object) -> object:
        calls.append(rel)
        return real(repo, rel, limits)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis, "analyse", counting)
    shutil.copy(CORPUS / "malicious/zip_bad_crc.pt", tmp_path / "pytorch_model.bin")
    result = scan(tmp_path, Config(select=("HF4",), fail_on=None))
    assert {f.rule_id for f in result.findings} == {"HF401", "HF403", "HF404"}
    assert calls == ["pytorch_model.bin"]
