"""A JSON snapshot of the built-in rule packs: a scan reads them without importing PyYAML.

The snapshot is a cache, never a source of truth: each entry records the size and CRC-32 of
the pack file it was made from, and a pack whose bytes differ is parsed from its YAML as
usual. ``python -m hflint.ruledoc`` regenerates it with the rule docs, and the test suite
fails when the shipped snapshot is stale (so an installed hflint always takes the fast path).
"""

from __future__ import annotations

import functools
import json
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hflint import _paths
from hflint.yamlfile import YamlDoc, load_yaml

FILE_NAME = "builtin-packs.json"
FORMAT = 1


def stamp(data: bytes) -> list[int]:
    return [len(data), zlib.crc32(data)]


def read_snapshot(name: str, version: int, key: str) -> dict[str, Any]:
    """The ``key`` mapping of the shipped JSON snapshot ``rules/<name>`` in format ``version``;
    empty when it is absent or not that (every entry is then a miss)."""
    try:
        doc = json.loads((_paths.rules_dir() / name).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, dict) or doc.get("format") != version or not isinstance(doc.get(key), dict):
        return {}
    entries: dict[str, Any] = doc[key]
    return entries


@functools.cache
def _entries() -> dict[str, Any]:
    return read_snapshot(FILE_NAME, FORMAT, "packs")


def cached_doc(path: Path, data: bytes) -> YamlDoc | None:
    """The parsed pack when the snapshot was made from exactly these bytes, else None.

    Only what a trusted load uses is kept: the value and the line of each rule.
    """
    if path.parent.resolve() != _paths.rules_dir().resolve():
        return None
    entry = _entries().get(path.name)
    if not isinstance(entry, dict) or entry.get("stamp") != stamp(data):
        return None
    lines: dict[tuple[str | int, ...], int] = {("rules", i): line for i, line in enumerate(entry["rule-lines"])}
    return YamlDoc(entry["value"], lines)


def render(paths: Iterable[Path]) -> str:
    packs = {}
    for path in paths:
        data = path.read_bytes()
        doc = load_yaml(data.decode("utf-8"))
        rules = doc.value.get("rules", []) if isinstance(doc.value, dict) else []
        packs[path.name] = {
            "stamp": stamp(data),
            "rule-lines": [doc.line_of(("rules", i)) for i in range(len(rules))],
            "value": doc.value,
        }
    note = "generated from rules/*.yaml by `python -m hflint.ruledoc`; a cache, checked against each pack's bytes"
    return json.dumps({"format": FORMAT, "note": note, "packs": packs}, indent=1, ensure_ascii=False) + "\n"
