"""Kind ``dataset-data-files``: a dataset card's ``configs[*].data_files`` match real files (HF110).

How ``datasets`` reads them (datasets ``load.py`` create_builder_configs_from_metadata_configs,
``data_files.py`` sanitize_patterns and resolve_pattern): ``data_files`` is a pattern, a list
of patterns, or a list of ``{split, path}`` where ``path`` is a pattern or a list; patterns
are relative to the repository root, or to the config's ``data_dir`` when it has one, with
fsspec glob semantics (``*`` and ``?`` stay within a folder, ``**`` spans folders); files
and folders whose name starts with ``.`` or ``__`` are left out unless the pattern names
them. A pattern that matches nothing makes ``load_dataset`` raise
``FileNotFoundError: Unable to find '<pattern>'``, and the Hub's dataset viewer fails on the
config. Patterns that are URLs (``hf://``, ``https://``, chained ``::``) name files outside
the repository and are not checked.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from hflint.cards.frontmatter import load_card
from hflint.cards.repotype import card_type
from hflint.finding import Region
from hflint.globs import GlobError, matches
from hflint.jsonfile import pointer
from hflint.kinds.base import Result, each_file, no_extra_validation
from hflint.repo import Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {"type": "object", "properties": {}, "additionalProperties": False}
FIELDS = frozenset({"detail", "pointer"})
validate = no_extra_validation
MAX_PATTERNS = 1000  # per card: every pattern is a walk of the file list
MAX_PATTERN_CHARS = 1000

Where = tuple[str | int, ...]


def _patterns(data_files: Any, at: Where) -> Iterator[tuple[str, str | None, Where]]:
    """(pattern, split, where) for each pattern, in the shapes datasets accepts."""
    if isinstance(data_files, str):
        yield data_files, None, at
    elif isinstance(data_files, list):
        for i, item in enumerate(data_files):
            if isinstance(item, str):
                yield item, None, (*at, i)
            elif isinstance(item, dict):
                split = item.get("split") if isinstance(item.get("split"), str) else None
                path = item.get("path")
                if isinstance(path, str):
                    yield path, split, (*at, i, "path")
                elif isinstance(path, list):
                    yield from ((p, split, (*at, i, "path", j)) for j, p in enumerate(path) if isinstance(p, str))
    elif isinstance(data_files, dict):  # {split: pattern(s)}, the dict form datasets accepts too
        for split, value in data_files.items():
            for pattern, _, where in _patterns(value, (*at, split)):
                yield pattern, str(split), where


def _hidden(path: str, pattern: str) -> bool:
    """datasets leaves out hidden (.x) and special (__x) files and folders the pattern does not name."""
    named = set(pattern.split("/"))
    return any(part.startswith((".", "__")) and part not in named for part in path.split("/"))


def _glob(pattern: str) -> list[str]:
    """The pattern as anchored hflint globs (fsspec's ``**`` inside a name acts as ``*``)."""
    parts = ["*" if ("**" in p and p != "**") else p for p in pattern.split("/")]
    return ["/" + "/".join(parts)]


def _matches(repo: Repo, pattern: str) -> bool:
    try:
        globs = _glob(pattern)
        return any(matches(f, globs) and not _hidden(f, pattern) for f in repo.files)
    except GlobError:
        return True  # a pattern hflint cannot read is not called missing


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    def check_file(path: str) -> Iterator[Result]:
        card = load_card(repo, path)
        metadata = card.metadata or {}  # unreadable front matter is HF102's to report
        configs = metadata.get("configs")
        if not isinstance(configs, list) or card_type(repo, card) != "dataset":
            return
        seen = 0
        for i, config in enumerate(configs):
            if not isinstance(config, dict) or "data_files" not in config:
                continue
            name = config.get("config_name", "default")
            data_dir = config.get("data_dir") if isinstance(config.get("data_dir"), str) else ""
            for pattern, split, where in _patterns(config["data_files"], ("configs", i, "data_files")):
                seen += 1
                if seen > MAX_PATTERNS:
                    return
                if "://" in pattern or "::" in pattern or len(pattern) > MAX_PATTERN_CHARS:
                    continue
                full = posixpath.normpath(posixpath.join(data_dir, pattern)) if data_dir else pattern.removeprefix("./")
                if full.startswith(("../", "/")) or _matches(repo, full):
                    continue
                what = f"config {name!r}" + (f", split {split!r}" if split else "")
                detail = (
                    f"data_files pattern {pattern!r} ({what}) matches no file in the repository"
                    + (f" (data_dir {data_dir!r})" if data_dir else "")
                    + f"; load_dataset fails with \"FileNotFoundError: Unable to find '{pattern}'\""
                )
                yield rule.finding(path, region=Region(card.line_of(where)), pointer=pointer(*where), detail=detail)

    yield from each_file(rule, repo, check_file)
