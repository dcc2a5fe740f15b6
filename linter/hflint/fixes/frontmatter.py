"""Edits of a card's YAML front matter that leave everything else as it was.

Only the text that changes is replaced: a scalar value in place (its quoting kept), a new
``key: value`` line at the end of the block, or a new block before the body. The rest of
the front matter (comments, order, flow or block style) and the whole body are untouched,
which re-emitting the YAML would not do. Every edit is checked by parsing the result as the
Hub does (hflint.cards.frontmatter): if the metadata is not exactly the old metadata with
the one change, or the body moved, the edit is refused (``Unsafe``) rather than written.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from hflint.cards.frontmatter import REGEX_YAML_BLOCK, load_card, parse_card
from hflint.fixes.edits import Fix, Replacement, apply, replace

if TYPE_CHECKING:
    from collections.abc import Callable

    from hflint.repo import Repo
    from hflint.rule import Rule

_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+/-]*$")


class Unsafe(ValueError):
    """The front matter is laid out so that hflint cannot make the edit alone."""


class Block(NamedTuple):
    start: int  # offset of the YAML text in the file's text (a BOM counted)
    end: int
    yaml: str
    newline: str


def block(text: str) -> Block | None:
    """The front matter block the Hub reads, or None."""
    bom = 1 if text.startswith("\ufeff") else 0
    m = REGEX_YAML_BLOCK.match(text[bom:])
    if m is None:
        return None
    opening = m.group(1)
    newline = "\r\n" if opening.endswith("\r\n") else opening[-1]
    return Block(bom + m.start(2), bom + m.end(2), m.group(2), newline)


def scalar(value: str, style: str | None = None) -> str:
    """``value`` as a YAML scalar, in the quoting it had (``style``) when that can hold it."""
    if style in ("'", '"') and style not in value and "\\" not in value:
        return f"{style}{value}{style}"
    import yaml  # lazy: only fixes of cards edit YAML

    if _PLAIN.match(value) and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)  # a double-quoted YAML scalar


def _node(text: str, path: tuple[str | int, ...]) -> Any:
    import yaml

    node = yaml.compose(text, Loader=yaml.SafeLoader)  # the Python loader: marks count characters
    for token in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(token)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(token, int) and token < len(node.value):
            node = node.value[token]
        else:
            node = None
        if node is None:
            raise Unsafe(f"no value at {'/'.join(map(str, path))}")
    if not isinstance(node, yaml.ScalarNode) or (node.tag != "tag:yaml.org,2002:str" and node.value):
        raise Unsafe(f"the value at {'/'.join(map(str, path))} is not a plain string")
    return node


def set_scalar(text: str, path: tuple[str | int, ...], value: str) -> Replacement:
    """Replace the string at ``path`` (a key, or a key and list index) with ``value``."""
    b = block(text)
    if b is None:
        raise Unsafe("the card has no front matter block")
    node = _node(b.yaml, path)
    start, end = b.start + node.start_mark.index, b.start + node.end_mark.index
    if start == end:  # `key:` with nothing after it: the value goes after the colon
        return Replacement(start, end, " " + scalar(value))
    return Replacement(start, end, scalar(value, node.style))


def add_keys(text: str, items: dict[str, Any]) -> Replacement:
    """``key: value`` lines at the end of the front matter, or a new block before the body."""
    import yaml

    dumped = yaml.safe_dump(items, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    b = block(text)
    if b is None:
        newline = "\r\n" if "\r\n" in text else "\n"
        start = 1 if text.startswith("\ufeff") else 0
        lines = dumped.replace("\n", newline)
        return Replacement(start, start, f"---{newline}{lines}---{newline}")
    lines = dumped.rstrip("\n").replace("\n", b.newline)
    if not b.yaml:
        return Replacement(b.start, b.start, lines)
    return Replacement(b.end, b.end, b.newline + lines)


def checked(text: str, replacement: Replacement, expected: dict[str, Any]) -> Replacement:
    """``replacement`` if the card it makes has exactly ``expected`` as metadata and the same
    body; Unsafe otherwise (the block's layout would make the edit mean something else)."""
    before, after = parse_card(text), parse_card(apply(text, [replacement]))
    if after.problems or after.metadata != expected:
        raise Unsafe("the front matter's layout does not allow a safe edit")
    if after.body != before.body:
        raise Unsafe("the edit would change the card's body")
    return replacement


def fix_card(rule: Rule, repo: Repo, path: str, change: dict[str, Any], what: str,
             make: Callable[[str], Replacement]) -> Fix | None:
    """``rule``'s fix making the card's metadata its metadata updated with ``change`` by the
    replacement ``make(text)`` returns, checked by parsing the result; or why it cannot."""
    text = repo.text(path)
    metadata = load_card(repo, path).metadata or {}
    try:
        replacement = checked(text, make(text), {**metadata, **change})
    except Unsafe as exc:
        return rule.cannot_fix(f"{exc}; edit the front matter by hand")
    return rule.propose(what, (replace(path, text, (replacement,)),))
