"""What a file's extension claims its content is (rules/data/extension-formats.yaml), and
whether the content identified in it is disguised behind that name (HF405).

A format that is an archive by design (.keras, .npz, .nemo, .pt2, .mar) is not disguised
for being an archive; a .keras zip that holds a torch pickle is.
"""

from __future__ import annotations

import functools
import posixpath
from pathlib import Path
from typing import NamedTuple

from hflint import identify as fmt
from hflint.datacache import safe_data
from hflint.pickles.report import FileReport

KNOWN_FORMATS = frozenset({
    fmt.SAFETENSORS, fmt.GGUF, fmt.HDF5, fmt.ZIP, fmt.NPY, fmt.TAR, fmt.PICKLE,
    *fmt.COMPRESSED, *fmt.UNSUPPORTED,
})  # fmt: skip


class Claim(NamedTuple):
    holds: frozenset[str] | None  # None: any format
    pickle: bool
    compression: bool
    reason: str


@functools.cache
def load(path: Path) -> dict[str, Claim]:
    """extension -> its claim; ValueError names the entry that is malformed."""
    doc = safe_data(path)
    entries = doc.get("extensions") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"{path.name}: expected a mapping with an 'extensions' list")
    out: dict[str, Claim] = {}
    for i, entry in enumerate(entries):
        where = f"{path.name}: extensions[{i}]"
        entry = entry if isinstance(entry, dict) else {}
        names, holds, reason = entry.get("names"), entry.get("holds"), entry.get("reason")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.startswith(".") for n in names):
            raise ValueError(f"{where} needs a non-empty 'names' list of extensions ('.bin')")
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"{where} needs a 'reason'")
        if holds is not None and (not isinstance(holds, list) or not set(holds) <= KNOWN_FORMATS):
            raise ValueError(f"{where} 'holds' is a list of: {', '.join(sorted(KNOWN_FORMATS))}")
        flags = {k: entry.get(k, False) for k in ("pickle", "compression")}
        if not all(isinstance(v, bool) for v in flags.values()):
            raise ValueError(f"{where} 'pickle' and 'compression' are true or false")
        claim = Claim(None if holds is None else frozenset(holds), flags["pickle"], flags["compression"], reason)
        for name in names:
            if name.lower() in out:
                raise ValueError(f"{where} lists {name} again")
            out[name.lower()] = claim
    return out


class PickleName(NamedTuple):
    globs: tuple[str, ...]
    reason: str


@functools.cache
def loaded_as_pickle(path: Path) -> tuple[PickleName, ...]:
    """The ``loaded-as-pickle`` entries: names loaders read only as a pickle or torch file."""
    from hflint.globs import check_glob

    doc = safe_data(path)
    entries = doc.get("loaded-as-pickle") or [] if isinstance(doc, dict) else []
    if not isinstance(entries, list):
        raise ValueError(f"{path.name}: 'loaded-as-pickle' is a list")
    out = []
    for i, entry in enumerate(entries):
        where = f"{path.name}: loaded-as-pickle[{i}]"
        entry = entry if isinstance(entry, dict) else {}
        names, reason = entry.get("names"), entry.get("reason")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise ValueError(f"{where} needs a non-empty 'names' list of globs")
        if problem := next((p for n in names if (p := check_glob(n))), None):
            raise ValueError(f"{where}: {problem}")
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"{where} needs a 'reason'")
        out.append(PickleName(tuple(names), " ".join(reason.split())))
    return tuple(out)


def named_as_pickle(path: str, names: tuple[PickleName, ...]) -> bool:
    from hflint.globs import matches

    return any(matches(path, entry.globs) for entry in names)


def disguise(path: str, rep: FileReport, claims: dict[str, Claim]) -> str | None:
    """Why ``rep``'s content is disguised behind ``path``'s name, or None."""
    if rep.polyglot is not None:
        return (f"it is also {rep.polyglot} content that imports code when a loader reads it that way "
                f"(a polyglot file)")
    if rep.format not in fmt.PICKLE_CAPABLE:
        return None
    stem, ext = posixpath.splitext(posixpath.basename(path).lower())
    claim = claims.get(ext)
    if claim is not None and claim.compression and rep.format in (*fmt.COMPRESSED, *fmt.UNSUPPORTED):
        # honestly named compressed content: only an inner extension can disguise it
        ext = posixpath.splitext(stem)[1]
        inner = claims.get(ext)
        if inner is None or inner.pickle or inner.compression or not (rep.has_pickle or rep.problems):
            return None
        return f"the {ext} extension claims {_content(inner)}, and the compressed content is not that"
    if claim is None or claim.compression:
        if rep.has_pickle or rep.problems:
            return f"{ext or 'no'} extension is not one used for pickle content"
        return None
    if claim.holds is not None and rep.format not in claim.holds:
        return f"the {ext} extension claims {_content(claim)}"
    if rep.has_pickle and not claim.pickle:
        return f"a {ext} file is {_content(claim)} without pickles, and this one holds pickle streams"
    return None


def _content(claim: Claim) -> str:
    if not claim.holds:
        return "another format" if claim.holds is None else "content that is not pickle-capable"
    return " or ".join(sorted(claim.holds)) + " content"
