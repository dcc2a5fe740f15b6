"""Kind ``archive-members``: what extracting an archive would write, and the members hflint
does not analyse inside it (HF640-HF643).

Archives are found by content, whatever their names (``.zip``, ``.tar``, ``.tar.gz``,
``.nemo``, a torch zip...), and walked once per file by the pickle analysis
(hflint.pickles.archivewalk), which judges each member as it reads it and keeps, per problem
class, the first few members and a count. ``params.check`` selects what a rule reports, one
finding per file and class:

* ``path``: members whose absolute paths or ``..`` components leave the extraction folder;
* ``link``: symbolic and hard links whose targets leave it, and members written through them;
* ``special``: device and FIFO members;
* ``unanalysed``: members of a model format hflint analyses only as repository files
  (``params.formats``, default rules/data/archive-members.yaml) or has no reader for
  (``params.models``, HF635's list in rules/data/file-formats.yaml, matched by extension).

When the walk stopped early (a limit, a bomb, a header that does not parse) the members it
did not reach were not judged: that is the pickle rules' HF403 finding, or HF001 when those
are not selected.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from hflint.archives.members import extension
from hflint.identify import KERAS, PICKLE_CAPABLE, SAFETENSORS, formats_of
from hflint.kinds.base import Result, Unanalysable, capped, each_file
from hflint.kinds.pickle_scan import DATA_FILE, analysis_params, limits_of
from hflint.pickles import analysis
from hflint.pickles.report import Tally, grouped
from hflint.repo import Repo
from hflint.rule import Rule
from hflint.yamlfile import data_list

CHECKS = {"path": "path:", "link": "link:", "special": "special:", "unanalysed": "member:"}
PARAMS_SCHEMA = analysis_params("check", check={"enum": list(CHECKS)}, formats=DATA_FILE, models=DATA_FILE)
FIELDS = frozenset({"detail", "pointer"})
DEFAULT_FORMATS = "hflint:data/archive-members.yaml"
DEFAULT_MODELS = "hflint:data/file-formats.yaml"  # model formats hflint has no reader for (HF635)
ANALYSED = PICKLE_CAPABLE | {SAFETENSORS}  # member content the walk itself analyses


class Format(NamedTuple):
    name: str
    content: frozenset[str]
    extensions: frozenset[str]
    reason: str


def validate(rule: Rule) -> list[str]:
    if rule.params.get("check") != "unanalysed":
        return []
    try:
        load_formats(rule.data_file(rule.params.get("formats", DEFAULT_FORMATS)))
        unread_models(rule.data_file(rule.params.get("models", DEFAULT_MODELS)))
    except (OSError, ValueError) as exc:
        return [f"params.formats/models: {exc}"]
    return []


class Formats(NamedTuple):
    unanalysed: tuple[Format, ...]  # archive-members.yaml's formats, then HF635's unread models
    archives: frozenset[str]  # extensions of model formats that are archives by design


@functools.cache
def load_formats(path: Path) -> Formats:
    archives: set[str] = set()
    for i, entry in enumerate(data_list(path, "archive-formats")):
        names = entry.get("names") if isinstance(entry, dict) else None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or not entry.get("reason"):
            raise ValueError(f"{path.name}: archive-formats[{i}] needs 'names' (extensions) and a 'reason'")
        archives.update(n.lower() for n in names)
    out = []
    for i, entry in enumerate(data_list(path, "formats")):
        entry = entry if isinstance(entry, dict) else {}
        name, reason = entry.get("name"), entry.get("reason")
        content, extensions = entry.get("content", []), entry.get("extensions", [])
        lists = (content, extensions)
        if not isinstance(name, str) or not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"{path.name}: formats[{i}] needs a 'name' and a 'reason'")
        if not all(isinstance(x, list) and all(isinstance(v, str) for v in x) for x in lists) or not any(lists):
            raise ValueError(f"{path.name}: formats[{i}] needs 'content' or 'extensions', lists of strings")
        out.append(Format(name, frozenset(content), frozenset(e.lower() for e in extensions), " ".join(reason.split())))
    return Formats(tuple(out), frozenset(archives))


def unread_models(path: Path) -> tuple[Format, ...]:
    """The model formats hflint has no reader for (HF635's list, rules/data/file-formats.yaml),
    as member formats matched by extension (a member's first bytes are not kept)."""
    from hflint.kinds.file_format import load_formats as load_file_formats

    return tuple(Format(e.name, frozenset(), frozenset(e.suffixes), f"hflint has no reader for it: {e.reason}")
                 for e in load_file_formats(path).models if e.suffixes)


def match(formats: Formats, cls: str) -> Format | None:
    """The format entry a member class ``member:<content>:<extension>`` belongs to. Content
    the walk analyses itself is not one, except a model format stored as an archive (a
    .keras zip: its pickles are walked, its layer configs are not)."""
    _, content, ext = cls.split(":", 2)
    if content in ANALYSED and ext not in formats.archives:
        return None
    return next((f for f in formats.unanalysed if content in f.content), None) or next(
        (f for f in formats.unanalysed if ext in f.extensions), None)


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    mode: str = rule.params["check"]
    prefix = CHECKS[mode]
    limits = limits_of(rule)
    cap: int = rule.params.get("max-findings", 20)
    formats = None
    if mode == "unanalysed":
        formats = load_formats(rule.data_file(rule.params.get("formats", DEFAULT_FORMATS)))
        models = unread_models(rule.data_file(rule.params.get("models", DEFAULT_MODELS)))
        formats = formats._replace(unanalysed=formats.unanalysed + models)

    def check_file(path: str) -> Iterator[Result]:
        rep = analysis.cached(repo, path, limits)
        if mode != "unanalysed":
            groups = rep.archive.groups(prefix)
            found: Iterator[Result] = (rule.finding(path, pointer=first.where, detail=detail)
                                       for first, detail in groups)
        else:
            assert formats is not None
            found = _unanalysed(rule, repo, path, rep.archive, formats)
        yield from capped(found, cap)
        if rep.stopped is not None:  # members after that point were not judged: HF403 says why
            yield Unanalysable(path, f"archive not walked to the end: {rep.stopped}", "pickle-scan")

    yield from each_file(rule, repo, check_file)


def _unanalysed(rule: Rule, repo: Repo, path: str, tally: Tally, formats: Formats) -> Iterator[Result]:
    if KERAS in formats_of(repo, path):
        return  # a Keras zip whatever its name: its members are its parts, the Keras rules read it
    by_class: dict[str, list[str]] = {}
    for p in tally.kept:
        wanted = p.cls.startswith("member:") and match(formats, p.cls) is not None
        if wanted and not _inside_archive_format(path, p.where, formats.archives):
            by_class.setdefault(p.cls, []).append(p.where)
    for cls, places in by_class.items():
        fmt = match(formats, cls)
        assert fmt is not None
        detail = grouped(f"{fmt.name} inside an archive, not analysed: {fmt.reason}",
                         places[1:], tally.counts[cls])
        yield rule.finding(path, pointer=places[0], detail=detail)


def _inside_archive_format(path: str, where: str, archives: frozenset[str]) -> bool:
    """Whether the member is a part of a model format stored as an archive (a .keras file,
    or a .keras member on its way), which that format's own rules read."""
    outer = [path, *where.split("!")[:-1]]
    return any(extension(posixpath.basename(p)) in archives for p in outer)
