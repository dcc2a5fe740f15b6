"""Rule packs: the shipped ones load; every kind of broken pack is an error with file,
line and rule id, never a silently dropped rule."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from hflint import _paths, kinds, packcache
from hflint.cli import main
from hflint.kinds import KINDS, PLANNED
from hflint.rulepack import Pack, PackError, builtin_pack_paths, load_pack, load_packs

GOOD_RULE = """\
  - id: ACME001
    name: no-pickle-weights
    title: Pickle weights are not allowed
    severity: error
    kind: file-presence
    files: ["*.bin"]
    params: {mode: forbidden}
    message: "{path}: pickle weights are forbidden here"
    docs: {what: w, why: y, example: e, fix: f}
"""


def _pack(tmp_path: Path, body: str, name: str = "org.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def _problems(tmp_path: Path, body: str) -> list[str]:
    with pytest.raises(PackError) as info:
        load_packs([_pack(tmp_path, body)])
    return [str(p) for p in info.value.problems]


def test_shipped_packs_pass_full_validation() -> None:
    """A scan trusts the built-in packs (it only parses them); this is what earns the trust."""
    verified = load_packs(verify_builtin=True)
    assert [r.id for p in verified for r in p.rules] == [r.id for p in load_packs() for r in p.rules]


def test_every_kind_module_is_registered() -> None:
    folder = Path(kinds.__file__).parent
    modules = {f"hflint.kinds.{p.stem}" for p in folder.glob("*.py")} - {"hflint.kinds.__init__", "hflint.kinds.base"}
    assert modules == set(KINDS.values())
    source = Path(kinds.__file__).read_text()
    for module in modules:  # each is also in the TYPE_CHECKING tuple that mypy checks
        assert f"        {module.rsplit('.', 1)[1]},\n" in source.split("_CONFORMING", 1)[1]


def test_shipped_packs_load_and_cover_the_catalogue() -> None:
    rules = [r for p in load_packs() for r in p.rules]
    ids = {r.id for r in rules}
    assert {"HF001", "HF002", "HF003", "HF101", "HF201", "HF202", "HF203"} <= ids
    for rule in rules:
        assert rule.kind in KINDS or rule.kind in PLANNED
        assert rule.active is (rule.kind in KINDS)


def test_a_valid_org_pack_loads(tmp_path: Path) -> None:
    packs = load_packs([_pack(tmp_path, "pack: acme\nrules:\n" + GOOD_RULE)])
    rule = packs[-1].rules[0]
    assert (rule.id, rule.pack, rule.active) == ("ACME001", "acme", True)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "pack: acme\nrules:\n" + GOOD_RULE + "    colour: red\n",
            "org.yaml:3: ACME001: rules/0: Additional properties are not allowed ('colour' was unexpected)",
        ),
        (
            "pack: acme\nrules:\n" + GOOD_RULE.replace("kind: file-presence", "kind: magic"),
            "org.yaml:3: ACME001: unknown check kind 'magic'",
        ),
        (
            "pack: acme\nrules:\n" + GOOD_RULE + GOOD_RULE.replace("name: no-pickle-weights", "name: other"),
            "org.yaml:12: ACME001: duplicate rule id 'ACME001' (first defined in",
        ),
        (
            "pack: acme\nrules:\n" + GOOD_RULE + GOOD_RULE.replace("ACME001", "ACME002"),
            "org.yaml:12: ACME002: duplicate rule name 'no-pickle-weights'",
        ),
        (
            "pack: acme\nrules:\n" + GOOD_RULE.replace('["*.bin"]', '["weights/**x/*.bin"]'),
            "ACME001: bad glob: 'weights/**x/*.bin': '**' must be a whole path segment",
        ),
        (
            "pack: acme\nrules:\n" + GOOD_RULE.replace('["*.bin"]', '["[abc"]'),
            "ACME001: bad glob: '[abc': unclosed '[' character class",
        ),
        (
            "pack: acme\nrules:\n" + GOOD_RULE.replace("{path}: pickle", "{path}: {tensor} pickle"),
            "ACME001: message: kind 'file-presence' provides no {tensor}",
        ),
        (
            "pack: acme\nrules:\n" + GOOD_RULE.replace("{path}: pickle", "{path.__class__} pickle"),
            "ACME001: message: placeholder {path.__class__} must be a plain {name}",
        ),
        (
            "pack: acme\nrules:\n" + GOOD_RULE.replace("{mode: forbidden}", "{mode: sometimes}"),
            "ACME001: params/mode: 'sometimes' is not one of ['required', 'forbidden']",
        ),
        (
            "pack: acme\nrules:\n" + GOOD_RULE.replace("{mode: forbidden}", "{mode: forbidden, depth: 2}"),
            "ACME001: params: Additional properties are not allowed ('depth' was unexpected)",
        ),
        (
            "pack: acme\nrules:\n" + GOOD_RULE.replace("    params: {mode: forbidden}\n", ""),
            "ACME001: params: 'mode' is a required property",
        ),
        (
            "pack: acme\nrules:\n" + GOOD_RULE.replace('    files: ["*.bin"]\n', ""),
            "ACME001: files: kind 'file-presence' needs at least one glob",
        ),
        (
            "pack: acme\nrules:\n"
            + GOOD_RULE.replace("severity: error", "severity: error\n    security-severity: 8.0"),
            "ACME001: security-severity is only for rules tagged 'security'",
        ),
        (
            "pack: acme\nrules:\n" + GOOD_RULE.replace("ACME001", "HF999"),
            "HF999: ids starting with HF are reserved for hflint's built-in packs",
        ),
        (
            "pack: acme\nrules:\n" + GOOD_RULE.replace("severity: error", "severity: fatal"),
            "ACME001: rules/0/severity: 'fatal' is not one of ['error', 'warning', 'note']",
        ),
        (
            "pack: acme\nrules:\n" + GOOD_RULE.replace("id: ACME001", "id: acme-1"),
            "rules/0/id: 'acme-1' does not match",
        ),
        (
            "pack: acme\nrules:\n"
            + GOOD_RULE.replace("    docs: {what: w, why: y, example: e, fix: f}\n", "    docs: {what: w, why: y}\n"),
            "ACME001: rules/0/docs: 'example' is a required property",
        ),
        ("pack: acme\nrules:\n  - id: ACME001\n    name: [oops\n", "org.yaml:5: a '[' list is not closed"),
        ("- just\n- a list\n", "org.yaml:1: a rule pack is a mapping with 'pack' and 'rules' keys"),
        ("pack: acme\npack: again\nrules: []\n", "org.yaml:2: duplicate key 'pack'"),
        ("pack: acme\nrules: !!python/object:os.system []\n", "org.yaml:2: unsupported tag"),
        (
            "pack: acme\nseverity-overrides: {HF9: error}\nrules: []\n",
            "org.yaml: severity-overrides: 'HF9' matches no rule",
        ),
        ("rules: []\n", "(top level): 'pack' is a required property"),
    ],
)
def test_broken_packs_are_reported_with_location(tmp_path: Path, body: str, expected: str) -> None:
    problems = _problems(tmp_path, body)
    assert any(expected in p for p in problems), problems


def test_json_schema_rule_with_missing_schema_file(tmp_path: Path) -> None:
    rule = (
        GOOD_RULE.replace("kind: file-presence", "kind: json-schema")
        .replace("{mode: forbidden}", "{schema: schemas/nope.json}")
        .replace('"{path}: pickle weights are forbidden here"', '"{path}: {detail}"')
    )
    problems = _problems(tmp_path, "pack: acme\nrules:\n" + rule)
    assert any("params.schema: no schema file at" in p and "nope.json" in p for p in problems), problems


def test_json_schema_rule_with_invalid_schema(tmp_path: Path) -> None:
    (tmp_path / "bad.schema.json").write_text('{"type": "no-such-type"}', encoding="utf-8")
    rule = (
        GOOD_RULE.replace("kind: file-presence", "kind: json-schema")
        .replace("{mode: forbidden}", "{schema: bad.schema.json}")
        .replace('"{path}: pickle weights are forbidden here"', '"{path}: {detail}"')
    )
    problems = _problems(tmp_path, "pack: acme\nrules:\n" + rule)
    assert any("is not a valid JSON Schema" in p for p in problems), problems


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    body = (
        "pack: acme\nrules:\n"
        + GOOD_RULE.replace("kind: file-presence", "kind: magic")
        + GOOD_RULE.replace("ACME001", "ACME002").replace("no-pickle-weights", "b").replace('["*.bin"]', '["[x"]')
    )
    problems = _problems(tmp_path, body)
    assert any("ACME001: unknown check kind" in p for p in problems)
    assert any("ACME002: bad glob" in p for p in problems)


def test_planned_kind_loads_as_inactive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(PLANNED, "future-kind", "lands in a later release")
    rule = GOOD_RULE.replace("kind: file-presence", "kind: future-kind")
    packs = load_packs([_pack(tmp_path, "pack: acme\nrules:\n" + rule)])
    assert packs[-1].rules[0].active is False


def test_rules_check_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _pack(tmp_path, "pack: acme\nrules:\n" + GOOD_RULE, "good.yaml")
    bad = _pack(
        tmp_path,
        "pack: acme2\nrules:\n"
        + GOOD_RULE.replace("ACME001", "ACME009")
        .replace("kind: file-presence", "kind: magic")
        .replace("no-pickle-weights", "x"),
        "bad.yaml",
    )
    assert main(["rules", "check", str(good)]) == 0
    assert "good.yaml: ok (1 rules, pack 'acme')" in capsys.readouterr().out
    assert main(["rules", "check", str(good), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:3: ACME009: unknown check kind 'magic'" in err
    assert main(["rules", "check"]) == 2


def test_example_org_pack_is_valid() -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "org-pack.yaml"
    packs = load_packs([example])
    assert packs[-1].rules


def test_scan_with_broken_pack_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _pack(tmp_path, "pack: acme\nrules:\n" + GOOD_RULE.replace("kind: file-presence", "kind: magic"))
    repo = tmp_path / "repo"
    repo.mkdir()
    assert main(["scan", str(repo), "--isolated", "--rules", str(bad)]) == 2
    assert "unknown check kind 'magic'" in capsys.readouterr().err


def test_shipped_schemas_are_valid() -> None:
    """json-schema and card-metadata trust shipped schemas at start-up; this is why they may."""
    import json

    from jsonschema import validators

    from hflint import _paths

    schemas = sorted((_paths.rules_dir() / "schemas").glob("*.json"))
    assert schemas
    for path in schemas:
        schema = json.loads(path.read_text(encoding="utf-8"))
        validators.validator_for(schema).check_schema(schema)


def _rule_data(packs: list[Pack]) -> list[dict[str, object]]:
    return [dataclasses.asdict(r) for p in packs for r in p.rules]


def test_builtin_snapshot_gives_the_same_rules_as_the_yaml() -> None:
    from_snapshot = load_packs()
    from_yaml = [load_pack(path, builtin=True)[0] for path in builtin_pack_paths()]
    assert all(p is not None for p in from_yaml)
    assert _rule_data(from_snapshot) == _rule_data([p for p in from_yaml if p is not None])


def test_snapshot_is_not_used_for_a_pack_whose_bytes_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(_paths.rules_dir(), rules)
    pack = rules / "hf0-engine.yaml"
    pack.write_text(pack.read_text().replace("title: ", "title: Edited ", 1))
    monkeypatch.setattr(_paths, "rules_dir", lambda: rules)
    packcache._entries.cache_clear()
    try:
        titles = [r.title for p in load_packs() for r in p.rules]
    finally:
        packcache._entries.cache_clear()
    assert sum(t.startswith("Edited ") for t in titles) == 1
    assert packcache.cached_doc(pack, pack.read_bytes()) is None
    other = rules / "hf3-weights.yaml"
    assert packcache.cached_doc(other, other.read_bytes()) is not None  # the rest still come from it
