"""Engine behaviour on hostile trees: HF001 for whatever cannot be analysed, HF002/HF003
from listing, one parse per file, and a crashing kind that does not stop the scan."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import MakeRepo
from hflint import kinds
from hflint import repo as repo_mod
from hflint.config import Config
from hflint.decide import PathIgnore
from hflint.engine import scan
from hflint.finding import Finding, Region
from hflint.repo import Repo

# The engine's behaviour is shown with the engine and JSON rules; other packs have their own tests.
ALL = Config(select=("HF0", "HF201", "HF202", "HF203", "HF213", "HF217"), fail_on=None)


def _ids(findings: tuple[Finding, ...] | list[Finding]) -> list[tuple[str, str]]:
    return [(f.rule_id, f.path) for f in findings]


def test_crashing_kind_becomes_hf001_and_scan_goes_on(make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo({"README.md": "# m\n", "config.json": "{}", "generation_config.json": '{"top_p": 5}'})

    def boom(rule: object, repo: Repo) -> Iterator[Finding]:
        repo.json("config.json")  # the engine names the last file the kind touched
        raise KeyError("surprise")

    real = kinds.load_kind("json-parse")
    broken = SimpleNamespace(**{k: getattr(real, k) for k in ("PARAMS_SCHEMA", "FIELDS", "validate")})
    broken.check = boom
    monkeypatch.setitem(kinds._loaded, "json-parse", broken)
    result = scan(root, ALL)
    errors = [f for f in result.findings if f.rule_id == "HF001"]
    assert len(errors) == 1
    assert errors[0].path == "config.json"
    assert "internal error in check kind json-parse: KeyError: 'surprise'" in errors[0].message
    assert "HF201" in errors[0].message
    assert ("HF203", "generation_config.json") in _ids(result.findings)  # other rules still ran


def test_kind_crash_on_one_file_is_isolated_by_each_file(make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo({"README.md": "# m\n", "a.json": "{}", "b.json": "{,}"})
    real = repo_mod.Repo.json

    def flaky(self: Repo, rel: str) -> object:
        if rel == "a.json":
            raise ValueError("kaput")
        return real(self, rel)

    monkeypatch.setattr(repo_mod.Repo, "json", flaky)
    result = scan(root, ALL)
    assert ("HF001", "a.json") in _ids(result.findings)
    assert ("HF217", "b.json") in _ids(result.findings)  # a JSON file no loader reads


def test_fifo_is_hf001_and_never_opened(make_repo: MakeRepo) -> None:
    root = make_repo({"README.md": "# m\n"})
    os.mkfifo(root / "weights.json")  # opening it for reading would block forever
    result = scan(root, ALL)
    hf001 = [f for f in result.findings if f.rule_id == "HF001"]
    assert _ids(hf001) == [("HF001", "weights.json")]
    assert "not a regular file" in hf001[0].message


def test_symlinks(make_repo: MakeRepo, tmp_path: Path) -> None:
    outside = tmp_path / "secret.json"
    outside.write_text("{,}", encoding="utf-8")
    root = make_repo({"README.md": "# m\n", "real.json": "{,}", "sub/x.json": "{}"})
    (root / "escape.json").symlink_to(outside)
    (root / "escape-dir").symlink_to(tmp_path)
    (root / "inside.json").symlink_to("real.json")
    (root / "dangling.json").symlink_to("missing.json")
    (root / "loop").symlink_to("loop")
    (root / "subdir-link").symlink_to("sub")
    result = scan(root, ALL)
    ids = _ids(result.findings)
    assert ("HF003", "escape.json") in ids
    assert ("HF003", "escape-dir") in ids
    assert ("HF217", "inside.json") in ids and ("HF217", "real.json") in ids
    assert ("HF001", "dangling.json") in ids
    assert ("HF001", "loop") in ids or ("HF003", "loop") in ids
    assert not any(p.startswith("subdir-link/") for _, p in ids)  # not descended
    assert not any("secret" in f.message for f in result.findings if f.rule_id != "HF003")


def test_lfs_pointer_is_not_parsed(make_repo: MakeRepo) -> None:
    pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + "a" * 64 + "\nsize 12345\n"
    root = make_repo({"README.md": "# m\n", "tokenizer.json": pointer})
    result = scan(root, ALL)
    assert _ids(result.findings) == [("HF002", "tokenizer.json")]  # no HF201 on the pointer text


def test_file_over_text_limit_is_hf001(make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repo_mod, "MAX_TEXT_BYTES", 10)
    root = make_repo({"README.md": "# m\n", "config.json": '{"model_type": "bert"}'})
    result = scan(root, ALL)
    hf001 = [f for f in result.findings if f.rule_id == "HF001"]
    assert len(hf001) == 1 and hf001[0].path == "config.json"
    assert "over the 10-byte limit" in hf001[0].message
    assert "HF201" in hf001[0].message and "HF213" in hf001[0].message  # one finding, all rules named


def test_parse_error_is_not_repeated_as_hf001(make_repo: MakeRepo) -> None:
    root = make_repo({"README.md": "# m\n", "config.json": "{,}"})
    result = scan(root, ALL)
    assert _ids(result.findings) == [("HF201", "config.json")]


def test_parse_error_shows_as_hf001_when_hf201_is_off(make_repo: MakeRepo) -> None:
    root = make_repo({"README.md": "# m\n", "config.json": "{,}"})
    result = scan(root, dataclasses.replace(ALL, ignore=("HF201",)))
    assert _ids(result.findings) == [("HF001", "config.json")]  # never a silent pass


def test_each_file_is_parsed_once(make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    import hflint.jsonfile as jsonfile

    calls: list[str] = []
    real = jsonfile.parse_json
    monkeypatch.setattr(jsonfile, "parse_json", lambda text: calls.append(text) or real(text))
    root = make_repo({"README.md": "# m\n", "config.json": '{"model_type": "bert"}'})
    scan(root, ALL)  # HF201 and HF213 both read config.json
    assert len(calls) == 1


def test_exclude_and_dot_git(make_repo: MakeRepo) -> None:
    root = make_repo({"README.md": "# m\n", "legacy/a.json": "{,}", ".git/config.json": "{,}", "b.json": "{,}"})
    result = scan(root, dataclasses.replace(ALL, exclude=("legacy/",)))
    assert _ids(result.findings) == [("HF217", "b.json")]
    assert result.files_scanned == 2


def test_per_path_ignore_marks_and_keeps_finding(make_repo: MakeRepo) -> None:
    root = make_repo({"README.md": "# m\n", "a.json": "{,}", "b.json": "{,}"})
    config = dataclasses.replace(
        ALL,
        per_path_ignores=(
            PathIgnore(("a.json",), ("HF2",), "vendored file"),
            PathIgnore(("nothing.json",), ("HF2",), "stale"),
        ),
    )
    result = scan(root, config)
    marked = {f.path: f.suppressed_by for f in result.findings if f.rule_id == "HF217"}
    assert marked == {"a.json": "vendored file", "b.json": None}
    unused = [f for f in result.reported if f.rule_id == "HF004"]
    assert [f.pointer for f in unused] == ["per-path-ignores/1"]
    assert "nothing.json (HF2) matches no finding" in unused[0].message
    assert [f.rule_id for f in result.reported if f.rule_id != "HF004"] == ["HF217"]


def test_inactive_rules_are_reported_not_run(make_repo: MakeRepo) -> None:
    root = make_repo({"README.md": "# m\n"})
    result = scan(root, ALL)
    assert all(r.active for r in result.rules)
    assert all(not r.active for r in result.inactive)
    assert {r.id for r in result.rules}.isdisjoint({r.id for r in result.inactive})


def test_max_files_bound(make_repo: MakeRepo) -> None:
    root = make_repo({f"f{i}.txt": "x" for i in range(20)})
    listed = Repo(root, max_files=5)
    assert len(listed.files) == 5
    assert any("more than 5 files" in e.detail for e in listed.events)


def test_rules_see_repo_relative_posix_paths(make_repo: MakeRepo) -> None:
    root = make_repo({"README.md": "# m\n", "unet/config.json": '{"vocab_size": "x"}'})
    result = scan(root, ALL)
    assert ("HF201", "unet/config.json") not in _ids(result.findings)
    assert all(not f.path.startswith("/") for f in result.findings)


def test_hostile_file_names(make_repo: MakeRepo) -> None:
    from hflint.reporters import REPORTERS, ReportOptions

    root = make_repo({"README.md": "# m\n", "new\nline\x1b[2J.json": "{,}"})
    (root / "x.json").write_bytes(b"{}")
    os.rename(root / "x.json", os.fsencode(root) + b"/\xff\xfe.json")  # noqa: PTH104 - a bytes name
    result = scan(root, ALL)
    assert ("HF001", "\\xff\\xfe.json") in _ids(result.findings)
    for fmt, render in REPORTERS.items():
        out = render(result, ReportOptions())
        out.encode("utf-8")  # reportable, whatever the names
        if fmt == "text":
            assert "\x1b[2J" not in out and "new\\nline\\x1b[2J.json" in out


def test_findings_on_json_files_get_the_line_of_their_pointer(make_repo: MakeRepo) -> None:
    from conftest import ROOT

    root = make_repo({"config.json": '{\n  "model_type": "bert",\n  "torch_dtype": "float32"\n}\n'})
    config = Config(select=("ACME003",), rules=(ROOT / "examples" / "org-pack.yaml",), fail_on=None)
    [finding] = scan(root, config).findings
    assert (finding.pointer, finding.region) == ("/", Region(1, 1))  # the document itself
    index = (
        '{\n  "metadata": {"total_size": 8},\n  "weight_map": {\n    "a": "model-00002-of-00002.safetensors"\n  }\n}\n'
    )
    root = make_repo({"model.safetensors.index.json": index})
    [missing] = scan(root, Config(select=("HF301",), fail_on=None)).findings
    assert (missing.pointer, missing.region) == ("/weight_map/a", Region(4, 5))  # added by the engine
