"""README.md front matter, found and parsed the way huggingface_hub and the Hub do.

* The block must start the file (leading whitespace allowed) and end with a line that is
  exactly ``---`` (spaces or tabs after it): huggingface_hub ``repocard.py``
  ``REGEX_YAML_BLOCK``, "exact same regex as in the Hub server". Anything else is "no
  metadata", silently, for huggingface_hub.
* ``RepoCard.load`` reads with ``encoding="utf-8-sig"``, so a BOM is dropped; CRLF is fine.
* The YAML is loaded with ``hflint.yamlfile.load_yaml`` (safe, alias-bomb bounded, line
  aware), so every problem is a ``Problem`` with a file line, never an exception.

Sources: huggingface_hub src/huggingface_hub/repocard.py (RepoCard.load, REGEX_YAML_BLOCK).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hflint.repo import ParseError, Repo
from hflint.yamlfile import Path_, YamlError, load_yaml

REGEX_YAML_BLOCK = re.compile(r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))")
_BREAK = re.compile(r"\r\n|\r|\n")
# A block that would be front matter if it started the file: '---', a 'key:' line, ... '---'.
_LATE_BLOCK = re.compile(r"^---[ \t]*\r?\n[A-Za-z_][\w-]*[ \t]*:.*?^---[ \t]*$", re.MULTILINE | re.DOTALL)
MAX_YAML_NODES = 100_000


@dataclass(frozen=True)
class Problem:
    """Something wrong with the front matter; ``fatal`` when no metadata could be read."""

    message: str
    line: int | None
    fatal: bool


@dataclass(frozen=True)
class Card:
    text: str  # the whole file, BOM removed
    metadata: dict[str, Any] | None  # None when the block exists but could not be read
    has_block: bool
    body: str
    body_line: int  # 1-based file line where the body starts
    problems: tuple[Problem, ...] = ()
    _lines: dict[Path_, int] = field(default_factory=dict)
    _offset: int = 0

    def line_of(self, path: Path_) -> int:
        """File line of the metadata value at ``path`` (nearest ancestor), else the block start."""
        for cut in range(len(path), -1, -1):
            line = self._lines.get(tuple(path[:cut]))
            if line is not None:
                return line + self._offset
        return 1

    @property
    def fatal(self) -> Problem | None:
        return next((p for p in self.problems if p.fatal), None)


def count_breaks(text: str) -> int:
    return len(_BREAK.findall(text))


def parse_card(text: str) -> Card:
    text = text.removeprefix("\ufeff")
    match = REGEX_YAML_BLOCK.match(text)
    if match is None:
        return Card(text, {}, False, text, 1, (_no_block(text),))
    offset = count_breaks(match.group(1))  # YAML line L is file line offset + L
    body_line = count_breaks(match.group(0)) + 1
    body = text[match.end() :]
    try:
        doc = load_yaml(match.group(2), max_nodes=MAX_YAML_NODES)
    except YamlError as exc:
        line = exc.line + offset if exc.line else offset + 1
        return Card(text, None, True, body, body_line, (Problem(f"YAML: {exc.message}", line, True),))
    except RecursionError:
        return Card(text, None, True, body, body_line, (Problem("YAML nesting is too deep", offset + 1, True),))
    value = doc.value
    if value is None:  # huggingface_hub: an empty block is empty metadata
        value = {}
    if not isinstance(value, dict):
        kind = type(value).__name__
        problem = Problem(f"the front matter must be a mapping of keys to values, not a {kind}", offset + 1, True)
        return Card(text, None, True, body, body_line, (problem,))
    metadata = {str(k): v for k, v in value.items()}
    return Card(text, metadata, True, body, body_line, (), dict(doc.lines), offset)


def block_absent(text: str) -> bool:
    """Whether the card has no front matter at all (not a block the Hub cannot read: one
    left unclosed or placed after other text), so that a new block can go at its start."""
    text = text.removeprefix("\ufeff")
    return REGEX_YAML_BLOCK.match(text) is None and not text.lstrip().startswith("---") and not _LATE_BLOCK.search(text)


def _no_block(text: str) -> Problem:
    stripped = text.lstrip()
    if stripped.startswith("---"):
        line = count_breaks(text[: len(text) - len(stripped)]) + 1
        return Problem(
            "the front matter starts with '---' but has no closing line that is exactly '---', "
            "so the Hub reads no metadata",
            line,
            False,
        )
    late = _LATE_BLOCK.search(text)
    if late is not None:
        line = count_breaks(text[: late.start()]) + 1
        return Problem(
            "a YAML block appears here, but the Hub reads front matter only at the very start of the file",
            line,
            False,
        )
    return Problem("no YAML front matter block at the start of the file (the Hub reads no metadata)", 1, False)


def load_card(repo: Repo, rel: str) -> Card:
    """The parsed card, shared by every card rule (parsed once per scan)."""

    def parse() -> Card:
        try:
            text = repo.text(rel)
        except ParseError as exc:
            problem = Problem(exc.reason, exc.line, True)
            return Card("", None, False, "", 1, (problem,))
        return parse_card(text)

    return repo.cached(rel, "card", parse)
