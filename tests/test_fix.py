"""hflint fix: the edit values, the pack's fix declarations, the fix stage and the command.

Round trips per rule are tests/test_fix_golden.py; hostile repositories test_fix_hostile.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, MakeRepo
from hflint.cli import main
from hflint.config import Config
from hflint.decide import fix_safety_for
from hflint.engine import scan
from hflint.fixes import FIX_KINDS
from hflint.fixes.apply import again, plan, write
from hflint.fixes.edits import Fix, Overlap, Replacement, apply, create, merge, rewrite
from hflint.fixes.frontmatter import Unsafe, add_keys, checked, set_scalar
from hflint.kinds import KINDS
from hflint.rulepack import PackError, load_packs

REAL = ROOT / "tests" / "fixtures" / "real"
CARD = "---\nlicense: Apache-2.0\n---\n# m\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- edits --------------------------------------------------------------------------------


def test_rewrite_replaces_only_the_lines_that_change() -> None:
    before = "a\nb\nc\nd\n"
    edit = rewrite("f", before, "a\nB\nc\nd\ne\n")
    assert edit.replacements == (Replacement(2, 4, "B\n"), Replacement(8, 8, "e\n"))
    assert apply(before, edit.replacements) == "a\nB\nc\nd\ne\n"


def test_rewrite_of_a_huge_file_is_one_replacement_between_the_common_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    import hflint.fixes.edits as edits

    monkeypatch.setattr(edits, "MAX_DIFF_LINES", 3)
    before = "".join(f"{i}\n" for i in range(10))
    after = before.replace("2\n", "x\n").replace("7\n", "y\n")
    edit = rewrite("f", before, after)
    assert len(edit.replacements) == 1 and apply(before, edit.replacements) == after


@pytest.mark.parametrize(
    ("groups", "ok"),
    [
        ([[Replacement(0, 2, "x")], [Replacement(0, 2, "x")]], True),  # the same change twice: once
        ([[Replacement(0, 2, "x")], [Replacement(2, 4, "y")]], True),  # adjacent
        ([[Replacement(0, 2, "x")], [Replacement(1, 3, "y")]], False),  # overlapping
        ([[Replacement(0, 2, "x")], [Replacement(0, 2, "y")]], False),  # the same text, two ways
        ([[Replacement(3, 3, "x")], [Replacement(3, 3, "y")]], False),  # two insertions at one place
        ([[Replacement(3, 3, "x")], [Replacement(3, 5, "y")]], False),  # insertion where a change starts
    ],
)
def test_merge_keeps_identical_changes_once_and_refuses_overlaps(groups: list[list[Replacement]], ok: bool) -> None:
    if ok:
        assert merge(groups) == sorted({r for g in groups for r in g})
    else:
        with pytest.raises(Overlap):
            merge(groups)


def test_fix_values_are_frozen_and_hashable() -> None:
    fix = Fix("d", "safe", (create("README.md", "x"),))
    assert hash(fix) == hash(Fix("d", "safe", (create("README.md", "x"),)))
    assert fix.moved("sub/").edits[0].path == "sub/README.md" and fix.edits[0].creates


# -- front matter edits -------------------------------------------------------------------


def test_scalar_edits_keep_quotes_comments_and_the_rest_of_the_card() -> None:
    text = "---\nlicense: 'MIT'  # why\ntags: [a]\n---\n# body\n"
    r = set_scalar(text, ("license",), "mit")
    assert apply(text, [r]) == "---\nlicense: 'mit'  # why\ntags: [a]\n---\n# body\n"
    assert checked(text, r, {"license": "mit", "tags": ["a"]}) == r


def test_keys_are_added_at_the_end_of_the_block_or_in_a_new_block() -> None:
    text = "---\ntags:\n  - a\n---\nbody\n"
    assert apply(text, [add_keys(text, {"license": "mit"})]) == "---\ntags:\n  - a\nlicense: mit\n---\nbody\n"
    bare = "\ufeffbody\r\n"
    assert apply(bare, [add_keys(bare, {"license": "mit"})]) == "\ufeff---\r\nlicense: mit\r\n---\r\nbody\r\n"
    empty = "---\n\n---\nbody\n"
    assert apply(empty, [add_keys(empty, {"license": "mit"})]) == "---\nlicense: mit\n---\nbody\n"


def test_an_edit_the_layout_would_change_is_refused() -> None:
    flow = "---\n{tags: [a]}\n---\nbody\n"
    with pytest.raises(Unsafe):
        checked(flow, add_keys(flow, {"license": "mit"}), {"tags": ["a"], "license": "mit"})
    with pytest.raises(Unsafe):
        set_scalar("---\nlicense: [1, 2]\n---\n", ("license",), "mit")  # not a string


# -- declarations in packs ------------------------------------------------------------------


def test_every_fix_kind_belongs_to_a_registered_check_kind() -> None:
    assert {k.check_kind for k in FIX_KINDS.values()} <= set(KINDS)
    declared = {r.fix.kind for p in load_packs() for r in p.rules if r.fix}
    assert declared == set(FIX_KINDS)


def _pack(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(body, encoding="utf-8")
    return path


RULE = """
  - id: ACME001
    name: acme-sections
    title: Sections
    severity: note
    kind: {kind}
    files: ["/README.md"]
    params: {{sections: [Uses]}}
    fix: {{kind: {fix}, safety: safe}}
    message: "{{path}}: {{detail}}"
    docs: {{what: w, why: w, example: e, fix: f}}
"""


@pytest.mark.parametrize(
    ("kind", "fix", "problem"),
    [
        ("card-sections", "no-such-fix", "unknown fix kind 'no-such-fix'"),
        ("card-sections", "license-id", "belongs to check kind 'card-license'"),
    ],
)
def test_a_pack_cannot_declare_a_fix_its_kind_does_not_make(tmp_path: Path, kind: str, fix: str, problem: str) -> None:
    pack = _pack(tmp_path, "pack: acme\nrules:" + RULE.format(kind=kind, fix=fix))
    with pytest.raises(PackError, match=problem):
        load_packs([pack])


def test_an_org_pack_declares_fixes_and_switches_builtin_ones_off(make_repo: MakeRepo, tmp_path: Path) -> None:
    pack = _pack(
        tmp_path,
        "pack: acme\nfix-overrides: {HF104: 'off', HF107: safe}\nrules:"
        + RULE.format(kind="card-sections", fix="insert-sections"),
    )
    repo = make_repo({"README.md": CARD})
    result = scan(repo, Config(rules=(pack,), select=("HF104", "HF107", "ACME"), fail_on=None), fixes=True)
    by_rule = {f.rule_id: f for f in result.findings}
    assert by_rule["HF104"].fix is None  # switched off
    assert by_rule["HF107"].fix is not None and by_rule["HF107"].fix.safety == "safe"  # unsafe made safe
    assert by_rule["ACME001"].fix is not None and by_rule["ACME001"].fix.applicable
    with pytest.raises(PackError, match="matches no rule with a fix"):
        load_packs([_pack(tmp_path, "pack: acme\nfix-overrides: {HF201: 'off'}\nrules: []\n")])


@pytest.mark.parametrize(
    ("rule", "declared", "overrides", "expected"),
    [
        ("HF104", "safe", {}, "safe"),
        ("HF104", None, {"HF1": "safe"}, None),
        ("HF104", "safe", {"HF1": "off"}, None),
        ("HF104", "safe", {"HF1": "off", "HF104": "unsafe"}, "unsafe"),  # the longest prefix wins
        ("HF107", "unsafe", {"ALL": "safe"}, "safe"),
    ],
)
def test_fix_safety_for(rule: str, declared: str | None, overrides: dict[str, str], expected: str | None) -> None:
    assert fix_safety_for(rule, declared, overrides) == expected


def test_a_plain_scan_computes_no_fixes(make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    import hflint.weights.rebuild as rebuild

    monkeypatch.setattr(rebuild, "_rebuild", lambda *_: pytest.fail("a plain scan rebuilt an index"))
    repo = make_repo({"README.md": CARD})
    shutil.copytree(REAL / "llama-safetensors-sharded", repo, dirs_exist_ok=True)
    (repo / "model.safetensors.index.json").unlink()
    result = scan(repo, Config(fail_on=None))
    assert result.findings and all(f.fix is None for f in result.findings)


# -- the fix stage ------------------------------------------------------------------------


def test_the_stage_reports_changes_not_fixable_and_unsafe_apart(make_repo: MakeRepo) -> None:
    repo = make_repo({"README.md": "---\nlicense: Apache-2.0 OR MIT\n---\n# m\n"})
    result = scan(repo, Config(select=("HF104", "HF107"), fail_on=None), fixes=True)
    p = plan(result, unsafe=False)
    assert p.changes == () and len(p.unfixable) == 1 and len(p.unsafe) == 8
    assert len(plan(result, unsafe=True).changes) == 1


def test_two_fixes_changing_one_value_differently_are_an_error_not_a_second_pass(
    make_repo: MakeRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "retired.yaml"
    data.write_text(
        "retired:\n  - {key: pipeline_tag, value: conversational, replacement: text-classification, since: '2024',"
        " hub: h, source: s}\n",
        encoding="utf-8",
    )
    rule = RULE.format(kind="card-retired-values", fix="retired-value").replace(
        "params: {sections: [Uses]}", f"params: {{values: {data}}}"
    )
    pack = _pack(tmp_path, "pack: acme\nrules:" + rule)
    card = "---\nlicense: mit\npipeline_tag: conversational\n---\n# m\n"
    repo = make_repo({"README.md": card})
    code, _out, err = run(capsys, "fix", str(repo), "--rules", str(pack), "--select", "HF109,ACME", "--isolated")
    assert code == 2 and "would change twice in one run" in err and "ACME001, HF109" in err
    assert (repo / "README.md").read_text(encoding="utf-8") == card


def test_a_fix_still_proposed_after_the_pass_is_reported(make_repo: MakeRepo) -> None:
    repo = make_repo({"README.md": CARD})
    result = scan(repo, Config(select=("HF104",), fail_on=None), fixes=True)
    assert [f.description for f in again(result, {"README.md"}, unsafe=False)] == [
        "license 'Apache-2.0' -> 'apache-2.0'"
    ]
    assert again(result, {"other.md"}, unsafe=False) == []


def test_a_file_changed_after_the_scan_is_not_overwritten(make_repo: MakeRepo) -> None:
    repo = make_repo({"README.md": CARD})
    result = scan(repo, Config(select=("HF104",), fail_on=None), fixes=True)
    p = plan(result, unsafe=False)
    (repo / "README.md").write_text(CARD + "edited\n", encoding="utf-8")
    written, failed = write(p)  # changed between reading and writing
    assert written == [] and "changed while hflint was writing it" in failed[0].reason
    late = plan(result, unsafe=False)  # changed between scanning and planning
    assert late.changes == () and "changed since hflint read it" in late.problems[0].reason
    assert (repo / "README.md").read_text(encoding="utf-8") == CARD + "edited\n"


# -- the command --------------------------------------------------------------------------


def test_diff_changes_nothing_and_exits_1_when_something_would_change(
    make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo({"README.md": CARD})
    code, out, err = run(capsys, "fix", str(repo), "--diff", "--select", "HF104")
    assert (
        code == 1 and "-license: Apache-2.0\n+license: apache-2.0\n" in out and "would fix 1 finding in 1 file" in err
    )
    assert (repo / "README.md").read_text(encoding="utf-8") == CARD
    (repo / "README.md").write_text(CARD.replace("Apache-2.0", "apache-2.0"), encoding="utf-8")
    code, out, _ = run(capsys, "fix", str(repo), "--diff", "--select", "HF104")
    assert (code, out) == (0, "")


def test_fix_lists_each_fix_then_reports_what_remains(make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo({"README.md": CARD})
    code, out, _ = run(capsys, "fix", str(repo), "--select", "HF104,HF107", "--color", "never")
    fixed = "README.md: fixed HF104: license 'Apache-2.0' -> 'apache-2.0'"
    assert code == 0 and fixed in out and "Found 8 findings (8 notes)" in out
    assert "license: apache-2.0" in (repo / "README.md").read_text(encoding="utf-8")
    code, out, _ = run(capsys, "fix", str(repo), "--select", "HF107", "--unsafe", "--exit-non-zero-on-fix")
    assert code == 1 and "fixed HF107" in out and "No findings" in out
    code, out, _ = run(capsys, "fix", str(repo), "--select", "HF107", "--exit-non-zero-on-fix")
    assert code == 0 and "fixed" not in out


def test_scan_fix_is_fix(make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo({"README.md": CARD})
    code, out, _ = run(capsys, "scan", str(repo), "--fix", "--select", "HF104")
    assert code == 0 and "fixed HF104" in out and "No findings" in out
    code, _, err = run(capsys, "scan", str(repo), "--unsafe-fixes")
    assert code == 2 and "--unsafe-fixes without --fix" in err
    code, _, err = run(capsys, "scan", str(repo), "--fix", "--format", "jsonl")
    assert code == 2 and "--format jsonl" in err


def test_fix_refuses_hub_targets_and_missing_paths(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "fix", "hf://org/model")
    assert code == 2 and "scanned, not fixed" in err
    code, _, err = run(capsys, "fix", str(tmp_path / "nope"))
    assert code == 2 and "no such file or directory" in err


def test_review_records_and_weight_files_are_never_written(
    make_repo: MakeRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo({"README.md": CARD})
    shutil.copytree(REAL / "llama-safetensors-sharded", repo, dirs_exist_ok=True)
    (repo / "model.safetensors.index.json").unlink()
    (repo / "config.json").write_text(
        json.dumps({**json.loads((repo / "config.json").read_text()), "auto_map": {"AutoModel": "m.M"}}),
        encoding="utf-8",
    )
    (repo / "m.py").write_text("class M: pass\n", encoding="utf-8")
    weights = {p.name: p.read_bytes() for p in repo.glob("*.safetensors")}
    run(capsys, "fix", str(repo), "--unsafe", "--isolated")
    assert {p.name: p.read_bytes() for p in repo.glob("*.safetensors")} == weights
    assert not (repo / ".hflint-review.yaml").exists()
    assert (repo / "model.safetensors.index.json").is_file()  # the index was written
    result = scan(repo, Config(select=("HF501",), fail_on=None), fixes=True)
    assert [f.rule_id for f in result.findings] == ["HF501"] and result.findings[0].fix is None


def test_scan_sarif_names_the_fixed_files_from_the_working_directory(
    make_repo: MakeRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo({"models/m/README.md": CARD, "models/m/config.json": "{}\n"})
    monkeypatch.chdir(repo)
    code, out, _ = run(capsys, "scan", "models/m", "--select", "HF104", "--format", "sarif")
    (result,) = json.loads(out)["runs"][0]["results"]
    location = result["fixes"][0]["artifactChanges"][0]["artifactLocation"]
    assert code == 1 and location["uri"] == "models/m/README.md"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == location["uri"]


def test_the_stage_refuses_to_write_weights_or_records_whatever_a_kind_proposes(make_repo: MakeRepo) -> None:
    import dataclasses

    repo = make_repo({"README.md": CARD, "model.safetensors": b"\0" * 16, ".hflint-review.yaml": "reviews: []\n"})
    result = scan(repo, Config(select=("HF104",), fail_on=None), fixes=True)
    (finding,) = result.findings
    assert finding.fix is not None
    rogue = [
        dataclasses.replace(finding, fix=Fix("bad", "safe", (create(name, "x"),)))
        for name in ("model.safetensors", ".hflint-review.yaml", "sub/pytorch_model.bin")
    ]
    p = plan(dataclasses.replace(result, findings=tuple(rogue)), unsafe=True)
    assert p.changes == () and len(p.problems) == 3
    assert all("hflint fix never writes it" in problem.reason for problem in p.problems)


def test_an_index_that_is_not_an_object_is_rewritten_as_transformers_writes_one(make_repo: MakeRepo) -> None:
    repo = make_repo({})
    shutil.copytree(REAL / "llama-safetensors-sharded", repo, dirs_exist_ok=True)
    (repo / "model.safetensors.index.json").write_text("[]", encoding="utf-8")
    result = scan(repo, Config(select=("HF301",), fail_on=None), fixes=True)
    write(plan(result, unsafe=False))
    fixed = (repo / "model.safetensors.index.json").read_text(encoding="utf-8")
    assert fixed == (REAL / "llama-safetensors-sharded" / "model.safetensors.index.json").read_text(encoding="utf-8")
