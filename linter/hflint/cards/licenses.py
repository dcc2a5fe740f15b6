"""License ids the Hub accepts, suggestions for near misses, and license text recognition.

The data is ``rules/data/licenses.yaml`` (each part cites its source); a rule may point at
its own file with the ``licenses`` param.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hflint.repo import Repo
from hflint.yamlfile import data_value

DEFAULT_DATA = "hflint:data/licenses.yaml"
MAX_LICENSE_BYTES = 1024 * 1024  # license texts are tens of KB; a bigger file is read in part
# SPDX suffixes the Hub ids drop: GPL-3.0-only / GPL-3.0-or-later / GPL-3.0+ -> gpl-3.0.
_SUFFIX = re.compile(r"(-only|-or-later|\+)$")
_EXPRESSION = re.compile(r"\s+(?:or|and|with)\s+|\s*/\s*|\s*,\s*", re.IGNORECASE)


@dataclass(frozen=True)
class TextPattern:
    id: str
    all: tuple[re.Pattern[str], ...]
    none: tuple[re.Pattern[str], ...]


COVERS = ("repository", "model", "code", "companion")


@dataclass(frozen=True)
class LicenseData:
    hub_ids: frozenset[str]
    ordered_ids: tuple[str, ...]
    family_ids: frozenset[str]
    aliases: dict[str, str]
    texts: tuple[TextPattern, ...]
    files: dict[str, str]  # lowercased root file name -> what it covers (COVERS)


def _phrase(text: str) -> re.Pattern[str]:
    """A phrase matched with any whitespace (line breaks, indentation) between its words."""
    return re.compile(r"\s+".join(map(re.escape, text.split())), re.IGNORECASE)


class LicenseDataError(ValueError):
    pass


@functools.cache
def load_license_data(path: Path) -> LicenseData:
    try:
        raw: Any = data_value(path)
        ids = [str(i) for i in raw["hub-ids"]]
        texts = tuple(
            TextPattern(
                str(t["id"]),
                tuple(_phrase(p) for p in t["all"]),
                tuple(_phrase(p) for p in t.get("none", ())),
            )
            for t in raw.get("texts", ())
        )
        files: dict[str, str] = {}
        for entry in raw.get("license-files", ()):
            if entry["covers"] not in COVERS:
                raise ValueError(f"license-files: covers must be one of {', '.join(COVERS)}")
            files.update(dict.fromkeys((str(n).lower() for n in entry["names"]), str(entry["covers"])))
        return LicenseData(
            frozenset(ids),
            tuple(ids),
            frozenset(str(i) for i in raw.get("family-ids", ())),
            {str(k).lower(): str(v) for k, v in raw.get("aliases", {}).items()},
            texts,
            files,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LicenseDataError(f"{path.name}: {exc}") from None


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9.+]", "", text.lower())


def hub_id(value: str, data: LicenseData) -> str | None:
    """The one Hub id ``value`` spells, found without guessing: the id in another case, an
    SPDX id without its -only/-or-later/+ suffix, spaces or underscores for hyphens, an
    alias from the data, or the id with other punctuation. None for anything else."""
    low = value.strip().lower()
    folded = _SUFFIX.sub("", re.sub(r"[\s_]+", "-", low))
    for candidate in (low, folded):
        if candidate in data.hub_ids:
            return candidate
        if candidate in data.aliases:
            return data.aliases[candidate]
    compact = {_compact(i): i for i in data.ordered_ids}
    return compact.get(_compact(folded))


def suggest_one(value: str, data: LicenseData) -> str | None:
    found = hub_id(value, data)
    if found is not None:
        return found
    folded = _SUFFIX.sub("", re.sub(r"[\s_]+", "-", value.strip().lower()))
    close = difflib.get_close_matches(folded, data.ordered_ids, n=1, cutoff=0.75)
    return close[0] if close else None


def suggest(value: str, data: LicenseData) -> str | None:
    """The Hub id (or YAML list of ids, for an SPDX expression) closest to ``value``."""
    parts = [p for p in _EXPRESSION.split(value.strip().strip("()")) if p]
    if len(parts) > 1:
        found = [suggest_one(p.strip("() "), data) for p in parts]
        if all(found):
            return "[" + ", ".join(dict.fromkeys(f for f in found if f)) + "]"
        return None
    return suggest_one(value, data)


def recognise(text: str, data: LicenseData) -> list[tuple[str, int]]:
    """License ids whose text appears in ``text``, each with the offset of its first phrase."""
    found: list[tuple[str, int]] = []
    for pattern in data.texts:
        hits = [p.search(text) for p in pattern.all]
        if not all(hits) or any(p.search(text) for p in pattern.none):
            continue
        found.append((pattern.id, min(h.start() for h in hits if h)))
    return found


def agrees(recognised: str, declared: str, data: LicenseData) -> bool:
    if recognised == declared:
        return True
    if declared in data.family_ids:
        family = declared.rstrip("+")
        return recognised.startswith(family) or (family == "openrail" and "openrail" in recognised)
    return False


def license_files(repo: Repo, data: LicenseData, link: object = None) -> dict[str, str]:
    """The repository's root license files, each with what it covers: ``model``, ``code`` or
    ``companion``. A file named like LICENSE covers the model, unless a model license file
    (MODEL_LICENSE, LICENSE-MODEL, ...) is beside it: then it is the code's. The card's
    relative ``license_link``, when it names a root file, makes that file the model's."""
    found = {p: data.files[p.lower()] for p in repo.files if "/" not in p and p.lower() in data.files}
    linked = link.strip().removeprefix("./") if isinstance(link, str) else None
    if linked in found or (linked and "/" not in linked and repo.exists(linked)):
        found[linked] = "model"
    has_model = "model" in found.values()
    return {p: ("code" if has_model else "model") if c == "repository" else c for p, c in sorted(found.items())}


def read_license(repo: Repo, path: str) -> str:
    """The start of a license file as text (bounded; undecodable bytes replaced)."""
    with repo.open(path) as fh:
        return fh.read(MAX_LICENSE_BYTES).decode("utf-8", errors="replace")
