"""A JSON snapshot of the shipped policy data (rules/data/*.yaml): a scan reads it without
importing PyYAML or parsing 13 YAML files (issue 14).

As the packs' snapshot (hflint.packcache), it is a cache, never a source of truth: each entry
records the size and CRC-32 of the YAML file it was made from, and a file whose bytes differ
(an edited install, a pack's own data file) is parsed from its YAML by the caller's own
loader. An entry is made only when every loader hflint reads data files with (``load_yaml``,
PyYAML's safe loader) gives the same value and that value survives JSON unchanged.
``python -m hflint.ruledoc`` regenerates it, and the suite fails while it is stale.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hflint import _paths
from hflint.packcache import read_snapshot, stamp

FILE_NAME = "data-snapshot.json"
FORMAT = 1


@functools.cache
def _entries() -> dict[str, Any]:
    return read_snapshot(FILE_NAME, FORMAT, "files")


def load_data(path: Path, parse: Callable[[str], Any]) -> Any:
    """The parsed data file: the snapshot's value when it was made from exactly these bytes
    (a file of the shipped rules/data folder), else ``parse`` of its text."""
    data = path.read_bytes()
    if path.parent.resolve() == (_paths.rules_dir() / "data").resolve():
        entry = _entries().get(path.name)
        if isinstance(entry, dict) and entry.get("stamp") == stamp(data):
            return entry["value"]
    return parse(data.decode("utf-8"))


def safe_data(path: Path) -> Any:
    """``load_data`` with PyYAML's safe loader (the C one when built) as the parser."""

    def parse(text: str) -> Any:
        import yaml  # lazy: only a data file that is not in the snapshot needs it

        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

    return load_data(path, parse)


def _value(text: str) -> Any:
    """The value every loader agrees on, or None (no entry) when they differ."""
    import yaml

    from hflint.yamlfile import load_yaml

    value = load_yaml(text).value
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    if yaml.load(text, Loader=loader) != value or json.loads(json.dumps(value)) != value:
        return None
    return value


def render(paths: Iterable[Path]) -> str:
    files = {}
    for path in sorted(paths):
        data = path.read_bytes()
        value = _value(data.decode("utf-8"))
        if value is not None:
            files[path.name] = {"stamp": stamp(data), "value": value}
    note = "generated from rules/data/*.yaml by `python -m hflint.ruledoc`; a cache, checked against each file's bytes"
    return json.dumps({"format": FORMAT, "note": note, "files": files}, indent=1, ensure_ascii=False) + "\n"


def data_paths() -> list[Path]:
    return sorted((_paths.rules_dir() / "data").glob("*.yaml"))
