"""Issue #5 beyond the golden cases: front matter parity with huggingface_hub, org packs on
the card-metadata kind, a real published repo, hostile and large tokenizer files, and
chat templates that are parsed but never rendered."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, MakeRepo
from hflint.cards.frontmatter import REGEX_YAML_BLOCK, parse_card
from hflint.cards.licenses import load_license_data, recognise, suggest
from hflint.cards.repotype import card_type
from hflint.config import Config
from hflint.engine import scan
from hflint.finding import Finding
from hflint.repo import Repo

LICENSES = ROOT / "rules" / "data" / "licenses.yaml"


def _scan(root: Path, *select: str, rules: tuple[Path, ...] = ()) -> list[Finding]:
    return list(scan(root, Config(select=select or ("ALL",), fail_on=None, rules=rules)).findings)


def _where(findings: list[Finding]) -> list[tuple[str, int | None, str | None]]:
    return [(f.rule_id, f.region.start_line if f.region else None, f.pointer) for f in findings]


# -- front matter ------------------------------------------------------------------------


def test_block_regex_is_huggingface_hubs() -> None:
    from huggingface_hub import repocard

    assert REGEX_YAML_BLOCK.pattern == repocard.REGEX_YAML_BLOCK.pattern


@pytest.mark.parametrize(
    "text",
    [
        "---\nlicense: mit\ntags: [a, b]\n---\n# x\n",
        "\n\n  ---\r\nlicense: mit\r\nlanguage:\r\n- en\r\n---\r\nbody",
        "---\nlicense: mit\n---   \nbody",
        "# title\n---\nlicense: mit\n---\n",
        "---\nlicense: mit\n---oops\n",
        "---\n---\n",
        "---\n\n---\n",
    ],
)
def test_metadata_as_huggingface_hub_reads_it(text: str) -> None:
    from huggingface_hub import ModelCard

    card = parse_card(text)
    assert card.metadata == ModelCard(text, ignore_metadata_errors=True).data.to_dict()


def test_bom_and_crlf_keep_file_lines() -> None:
    card = parse_card("\ufeff\r\n---\r\nlicense: mit\r\nlanguage:\r\n- en\r\n- fr\r\n---\r\n# x\r\n")
    assert card.metadata == {"license": "mit", "language": ["en", "fr"]}
    assert (card.line_of(("license",)), card.line_of(("language", 1)), card.body_line) == (3, 6, 8)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("---\nlicense: [\n---\n", 2, "YAML"),  # the unclosed '[' (pure-Python PyYAML's line)
        ("---\na: 1\nb: !!python/object/apply:os.system ['id']\n---\n", 3, "python/object"),
        ("---\n- a\n---\n", 2, "mapping"),
        ("---\nlicense: mit\nlicense: mit\n---\n", 3, "duplicate key"),
        (
            "---\na: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
            + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdef", "bcdefg", strict=True))
            + "---\n",
            None,
            "alias",
        ),
    ],
)
def test_yaml_problems_are_findings_with_lines(text: str, line: int | None, words: str) -> None:
    card = parse_card(text)
    problem = card.fatal
    assert card.metadata is None and problem is not None and words in problem.message
    if line is not None:
        assert problem.line == line


def test_non_utf8_card_is_hf102_not_a_crash(make_repo: MakeRepo) -> None:
    root = make_repo({"README.md": b"---\nlicense: mit\n---\n\xff\xfe"})
    found = _scan(root, "HF1")
    assert [(f.rule_id, f.region.start_line if f.region else None) for f in found] == [("HF102", 4)]


# -- dataset cards -----------------------------------------------------------------------


def test_dataset_cards_are_detected_and_get_dataset_rules(make_repo: MakeRepo) -> None:
    card = "---\nlicense: cc-by-4.0\ntask_categories: [text-classification]\n---\n# Dataset Card for toy\n"
    root = make_repo({"README.md": card, "data/train.csv": "text\nhi\n"})
    repo = Repo(root)
    assert card_type(repo, parse_card(card)) == "dataset"
    sections = [f.message for f in _scan(root, "HF107")]
    assert any("Dataset Structure" in m for m in sections)
    assert not any("Model Details" in m or "Training Details" in m for m in sections)
    model = make_repo({"README.md": card, "config.json": "{}"})  # a model repo with a stray key
    assert card_type(Repo(model), parse_card(card)) == "model"


# -- licenses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "wanted"),
    [
        ("Apache-2.0", "apache-2.0"),
        ("GPL-3.0-only", "gpl-3.0"),
        ("lgpl-2.1-or-later", "lgpl-2.1"),
        ("CC BY-NC 4.0", "cc-by-nc-4.0"),
        ("llama-3.1", "llama3.1"),
        ("BSD-3", "bsd-3-clause"),
        ("ODbL-1.0", "odbl"),
        ("Apache-2.0 OR MIT", "[apache-2.0, mit]"),
        ("acme-proprietary", None),
    ],
)
def test_license_suggestions(given: str, wanted: str | None) -> None:
    assert suggest(given, load_license_data(LICENSES)) == wanted


def test_license_texts_are_told_apart() -> None:
    data = load_license_data(LICENSES)
    gpl3 = "GNU GENERAL PUBLIC LICENSE\n   Version 3, 29 June 2007\n"
    lgpl3 = (
        "GNU LESSER GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007\n... version 3 of the GNU General Public License"
    )
    bsd2 = "Redistribution and use in source and binary forms, with or without modification, are permitted"
    assert [i for i, _ in recognise(gpl3, data)] == ["gpl-3.0"]
    assert [i for i, _ in recognise(lgpl3, data)] == ["lgpl-3.0"]
    assert [i for i, _ in recognise(bsd2, data)] == ["bsd-2-clause"]
    assert [i for i, _ in recognise(bsd2 + "\n3. Neither the name of the copyright holder", data)] == ["bsd-3-clause"]


def test_family_id_agrees_with_member_text(make_repo: MakeRepo) -> None:
    root = make_repo({"README.md": "---\nlicense: cc\n---\n", "LICENSE": "Attribution-ShareAlike 4.0 International\n"})
    assert _scan(root, "HF106") == []


# -- an organisation's own card rule (examples/org-pack.yaml ACME004) ------------------------


def test_org_pack_card_license_policy(make_repo: MakeRepo) -> None:
    pack = (ROOT / "examples" / "org-pack.yaml",)
    bad = make_repo({"README.md": "---\nlicense: [mit, cc-by-nc-4.0]\n---\n"})
    assert _where(_scan(bad, "ACME004", rules=pack)) == [("ACME004", 2, "/license")]


def test_org_pack_card_rule_ok_and_leaves_syntax_to_hf102(make_repo: MakeRepo, tmp_path: Path) -> None:
    pack = (ROOT / "examples" / "org-pack.yaml",)
    good = make_repo({"README.md": "---\nlicense: apache-2.0\n---\n"})
    assert _scan(good, "ACME004", rules=pack) == []
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "README.md").write_text("---\nlicense: [apache-2.0\n---\n", encoding="utf-8")
    found = _scan(broken, "ACME004", "HF102", "HF001", rules=pack)
    assert [f.rule_id for f in found] == ["HF102"]  # no duplicate, no HF001


# The real published repository (all-MiniLM-L6-v2) is scanned with every rule in
# tests/test_real_repos.py.


# -- hostile and large tokenizer files ---------------------------------------------------------


def _tokenizer(vocab_size: int) -> dict[str, Any]:
    vocab = {f"t{i}": i for i in range(vocab_size)}
    merges = [[f"t{i}", f"t{i + 1}"] for i in range(0, vocab_size - 1, 2)]
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel"},
        "post_processor": None,
        "decoder": None,
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": merges,
        },
    }


def test_large_tokenizer_is_parsed_once_and_fast(make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _tokenizer(320_000)
    doc["model"]["merges"].append(["t1", "nope"])  # one finding deep inside a 30 MB file
    text = json.dumps(doc, indent=2)
    assert len(text) > 20 * 1024 * 1024
    config = {"model_type": "gpt2", "vocab_size": 320_000}
    root = make_repo(
        {
            "tokenizer.json": text,
            "config.json": json.dumps(config),
            "tokenizer_config.json": json.dumps({"bos_token": "t0", "eos_token": "t1"}),
        }
    )
    import hflint.jsonfile as jsonfile

    calls: list[int] = []
    real = jsonfile.parse_json
    monkeypatch.setattr(jsonfile, "parse_json", lambda t: calls.append(len(t)) or real(t))
    start = time.perf_counter()
    found = _scan(root, "HF2")
    elapsed = time.perf_counter() - start
    big = [c for c in calls if c == len(text)]
    assert len(big) == 1, "tokenizer.json must be parsed once for all rules"
    where = [(f.rule_id, f.pointer) for f in found]
    assert ("HF204", f"/model/merges/{len(doc['model']['merges']) - 1}") in where
    assert ("HF207", "/model/vocab/t0t1") in where  # merged tokens got ids past vocab_size
    assert elapsed < 60, f"HF2 rules took {elapsed:.1f}s on a {len(text) >> 20} MB tokenizer"


HOSTILE_VALUES: list[Any] = [None, True, -1, 2**70, 1.5, "x", [], {}, [[]], [{"id": "x"}], {"a": None}]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=repr)
def test_wrong_types_everywhere_give_findings_not_crashes(make_repo: MakeRepo, value: Any) -> None:
    top = ("version", "truncation", "padding", "added_tokens", "normalizer", "pre_tokenizer", "post_processor")
    tok: dict[str, Any] = dict.fromkeys((*top, "decoder"), value)
    tok["model"] = {
        "type": "BPE",
        "vocab": {"a": value, "b": 1},
        "merges": [value, ["a", value]],
        "dropout": value,
        "unk_token": value,
        "continuing_subword_prefix": value,
    }
    keys = ("bos_token", "eos_token", "pad_token", "additional_special_tokens", "extra_special_tokens")
    special = dict.fromkeys((*keys, "added_tokens_decoder", "model_max_length", "chat_template", "padding_side"), value)
    root = make_repo(
        {
            "tokenizer.json": json.dumps(tok),
            "tokenizer_config.json": json.dumps(special),
            "special_tokens_map.json": json.dumps(special),
            "config.json": json.dumps({"vocab_size": value, "eos_token_id": value, "text_config": value}),
            "generation_config.json": json.dumps({"eos_token_id": value, "pad_token_id": value}),
            "added_tokens.json": json.dumps(value),
            "chat_template.json": json.dumps({"chat_template": value}),
            "README.md": f"---\nlicense: {json.dumps(value)}\nlanguage: {json.dumps(value)}\n"
            f"model-index: {json.dumps(value)}\nlicense_link: {json.dumps(value)}\n---\n",
        }
    )
    found = _scan(root, "HF001", "HF1", "HF2")
    crashes = [f.message for f in found if "internal error" in f.message]
    assert crashes == []
    assert any(f.rule_id == "HF204" for f in found)


def test_deeply_nested_tokenizer_is_not_analysed(make_repo: MakeRepo) -> None:
    """Deeper than hflint's limit (256) is HF001 on every Python: json.loads refuses 200k
    levels everywhere, but 2,000 only on 3.11 (hflint.jsonsyntax)."""
    for depth in (200_000, 2_000):
        root = make_repo({"tokenizer.json": "[" * depth + "]" * depth, "tokenizer_config.json": "{}"})
        found = _scan(root, "HF001", "HF2")
        assert [f.rule_id for f in found] == ["HF001"]
        assert "nested deeper than 256 arrays and objects" in found[0].message


# -- chat templates are parsed, never rendered ---------------------------------------------


def test_chat_templates_are_never_rendered_or_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    import jinja2

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a chat template was compiled or rendered")

    monkeypatch.setattr(jinja2.Environment, "compile", forbidden)
    monkeypatch.setattr(jinja2.Environment, "from_string", forbidden)
    monkeypatch.setattr(jinja2.Template, "render", forbidden)
    golden = ROOT / "tests" / "golden" / "HF208" / "fail"
    found = [f for case in sorted(golden.iterdir()) for f in _scan(case, "HF001", "HF208")]
    assert found and {f.rule_id for f in found} == {"HF208"}


def test_deeply_nested_template_is_a_finding(make_repo: MakeRepo) -> None:
    root = make_repo({"chat_template.jinja": "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}"})
    found = _scan(root, "HF001", "HF208")
    assert [f.rule_id for f in found] == ["HF208"] and "does not parse" in found[0].message
