"""One defect, one finding (docs/one-defect-one-finding.md).

Every file of the repositories the real libraries wrote is broken in turn, the ways files
break in practice (cut short, emptied, a byte that is not UTF-8): the scan must then report
the defect once, by the rule that owns the file's format, and nothing else - no HF001 from
the rules that could not read the file, no finding another rule infers from the missing
content (HF103 "no license" from a card whose front matter is cut). The table below is the
rule for each family; a change that makes a second rule speak fails here.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT
from hflint.config import Config
from hflint.engine import scan

REAL = ROOT / "tests" / "fixtures" / "real"
REPOS = ["llama-bin-sharded", "llama-safetensors-sharded", "sentence-transformers", "trainer-checkpoint"]

BREAKS: dict[str, Callable[[bytes], bytes]] = {
    "cut": lambda data: data[: max(9, len(data) // 2)] if len(data) > 9 else data[:1],
    "empty": lambda data: b"",
    "not-utf8": lambda data: data[: len(data) // 2] + b"\xff" + data[len(data) // 2 :],
}

# The rule that owns each family's files: the one finding a broken file gets. JSON that a
# loader skips or replaces when it does not parse is HF217's (a warning), the rest HF201's.
OWNER = [
    ("README.md", "HF102"),
    ("generation_config.json", "HF217"),
    ("special_tokens_map.json", "HF217"),  # transformers 5 skips it beside an added_tokens_decoder
    (".json", "HF201"),
    (".safetensors", "HF306"),
    (".bin", "HF403"),
    (".pt", "HF403"),
    (".pth", "HF403"),
    (".jinja", "HF208"),
]


def _owner(path: str) -> str | None:
    return next((rule for suffix, rule in OWNER if path.endswith(suffix)), None)


def _found(root: Path) -> set[tuple[str, str]]:
    result = scan(root, Config(isolated=True, fail_on=None))
    return {(f.rule_id, f.path) for f in result.findings}


def _cases() -> list[tuple[str, str, str]]:
    return [
        (repo, path.relative_to(REAL / repo).as_posix(), how)
        for repo in REPOS
        for path in sorted((REAL / repo).rglob("*"))
        if path.is_file() and _owner(path.name) is not None
        for how in BREAKS
    ]


@pytest.fixture(scope="module")
def clean() -> dict[str, set[tuple[str, str]]]:
    return {repo: _found(REAL / repo) for repo in REPOS}


@pytest.mark.parametrize(("repo", "rel", "how"), _cases())
def test_a_broken_file_is_reported_once(
    repo: str, rel: str, how: str, clean: dict[str, set[tuple[str, str]]], tmp_path: Path
) -> None:
    root = tmp_path / repo
    shutil.copytree(REAL / repo, root)
    target = root / rel
    target.write_bytes(BREAKS[how](target.read_bytes()))
    new = _found(root) - clean[repo]
    # The owner, or HF001 when the content is no longer the owner's format at all (an empty
    # .bin is neither a zip nor a pickle): either way one rule, about the broken file only.
    rules = {rule for rule, _ in new}
    assert {path for _, path in new} <= {rel} and (rules <= {_owner(rel)} or rules == {"HF001"}), sorted(new)
