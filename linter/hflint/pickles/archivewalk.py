"""The member walks of zip and tar archives, for the pickle analysis and the archive rules.

Each walk takes one member at a time and charges it to the file's Budget before anything
else (members, declared bytes, wall-clock time): the walk stops at a limit while reading,
never after listing. A member's path and links are judged as an extractor would resolve
them (hflint.archives.paths), device and FIFO members are noted, and each member's content
is handed to the analyser, which identifies it and recurses within the nesting limit.

Tar archives are read with hflint.archives.tarwalk (tarfile's rules, no member list); zip
archives from their central directory (hflint.pickles.zipread), whose bombs stop the walk
before any member is read.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hflint.archives import tarwalk
from hflint.archives.paths import Links, judge, judge_link
from hflint.pickles import streams, zipread
from hflint.pickles.buffered import Buffered
from hflint.pickles.readers import Unreadable, Window
from hflint.pickles.sources import Slice, Source

if TYPE_CHECKING:
    from hflint.pickles.containers import Analyser

# Members torch reads as raw bytes, never unpickled (compiled on first use: start-up matters)
TORCH_DATA = (r"^(?:[^/]+/)?(?:data/\d+|\.data/.*|byteorder|version|\.format_version|"
              r"\.storage_alignment|serialization_id)$")
# torch's pre-1.0 tar checkpoint members (torch/serialization.py _legacy_load, tar branch)
LEGACY = ("storages", "tensors", "pickle", "sys_info")
MAX_LINK_TARGET = 4096  # a zip symlink's target is its content
MAX_TRAILER = 1 << 20  # bytes after a tar's end read to tell padding from hidden data
SPECIAL = {tarwalk.CHAR: "character device", tarwalk.BLOCK_DEV: "block device", tarwalk.FIFO: "FIFO"}


def zip_members(an: Analyser, win: Window, chain: str, depth: int) -> None:
    archive = an.archive if chain == "" and an.archive else zipread.read_directory(win, an.budget)
    for reason in archive.problems:
        an.problem(chain, reason)
    if chain == "":  # torch.load reads "<archive>/data.pkl" (torch/serialization.py _load)
        an.torch_objects = [m.name for m in archive.members if torch_object(m.name)]
    torch = any(m.name == "data.pkl" or torch_object(m.name) for m in archive.members)
    if torch:
        script = any(m.name.endswith("constants.pkl") for m in archive.members)
        an.report.kinds.add("torchscript" if script else "torch-zip")
        an.report.tensors = True
    raw = re.compile(TORCH_DATA) if torch else None
    links = Links()
    for m in archive.members:
        where = f"{chain}!{m.name}" if chain else m.name
        an.budget.member(m.usize)
        _judge_path(an, where, m.name, links)
        if m.name.endswith("/") or m.usize == m.csize == 0 or (raw is not None and raw.match(m.name)):
            continue  # a folder, an empty member (nothing to load) or raw tensor data
        with an.at(where):
            body, problems = zipread.open_member(win, m, an.budget)
            for cls, reason in problems:
                an.problem(where, reason, cls=cls)
            if m.symlink:  # unzip and other tools create it; zipfile writes the target as a file
                target = body.read(MAX_LINK_TARGET).decode("utf-8", "backslashreplace")
                _judge_link(an, where, m.name, target, hard=False, links=links)
                continue
            is_pkl = m.name.endswith(("pkl", ".pickle"))
            if an.nested(body, where, depth + 1, pickle_name=is_pkl):
                an.check_crc(win, m, where, an.digests.pop(where, None))


def tar_members(an: Analyser, src: Source, chain: str, depth: int) -> None:
    window = src if isinstance(src, Window) else None
    if window is not None:
        window.seek(0)
    end: list[tarwalk.End] = []
    links = Links()
    deferred: dict[str, tuple[str, tarwalk.Entry]] = {}
    try:
        for e in tarwalk.entries(src, end):
            where = f"{chain}!{e.name}" if chain else e.name
            an.budget.member(e.size if e.regular else 0)
            _judge_path(an, where, e.name, links)
            if e.type in (tarwalk.SYMLINK, tarwalk.HARDLINK):
                _judge_link(an, where, e.name, e.linkname, hard=e.type == tarwalk.HARDLINK, links=links)
            elif e.type in SPECIAL:
                an.issue(where, f"special:{SPECIAL[e.type]}", f"{SPECIAL[e.type]} member: extracting it as "
                         "root creates a device node or pipe (tarfile's data filter refuses it)")
            if not e.regular:
                continue
            if window is not None and e.data + e.stored > window.length:
                raise Unreadable(f"tar member {e.name!r} runs past the end of the archive", e.offset,
                                 cls="tar:past-end")
            if e.sparse:
                an.problem(where, "GNU sparse member: hflint does not expand sparse content", cls="tar:sparse")
                continue
            if e.size == 0:
                continue  # nothing to load (its path and type were judged above)
            if window is not None and e.name in LEGACY:
                deferred[e.name] = (where, e)  # the last one wins, as tarfile.getmember does
                continue
            with an.at(where):
                an.nested(window.sub(e.data, e.size) if window is not None else Slice(src, e.size), where, depth + 1)
    except tarwalk.TarError as exc:
        raise Unreadable(f"tar archive does not parse: {exc.reason}", exc.offset) from None
    if window is not None:
        _legacy(an, window, deferred, depth)
    if end:
        _trailer(an, src, window, end[0], chain)


def _legacy(an: Analyser, win: Window, deferred: dict[str, tuple[str, tarwalk.Entry]], depth: int) -> None:
    legacy = {"storages", "tensors", "pickle"} <= deferred.keys()
    if legacy:
        an.report.kinds.add("torch-tar")
        an.report.tensors = True
    for name, (where, e) in deferred.items():
        with an.at(where):
            body = win.sub(e.data, e.size)
            runner = streams.StreamRunner(an.report, an.limits, where)
            if legacy and name == "storages":
                streams.tar_storages(runner, Buffered(body))
            elif legacy and name == "tensors":
                streams.tar_tensors(runner, Buffered(body))
            else:
                an.nested(body, where, depth + 1, pickle_name=legacy and name in ("pickle", "sys_info"))


def _trailer(an: Analyser, src: Source, window: Window | None, end: tarwalk.End, chain: str) -> None:
    """tarfile stops at the first empty or invalid header after the first; anything but zero
    padding after that point is content an extractor reading on (``tar -i``) sees."""
    if window is not None:
        window.seek(end.offset)
        left = window.length - end.offset
    else:
        left = -1
    tail = src.read(MAX_TRAILER)
    hidden = (left > MAX_TRAILER) or tail.strip(b"\0") != b""
    if end.reason is not None and tail:
        an.problem(chain, f"{end.reason}: tarfile ends the archive there; the bytes after it were not analysed",
                   end.offset, cls="tar:trailer")
    elif end.reason is None and hidden:
        an.problem(chain, "data after the tar end-of-archive marker: tarfile ignores it, `tar --ignore-zeros` "
                   "extracts it; not analysed", end.offset, cls="tar:trailer")


def _judge_path(an: Analyser, where: str, name: str, links: Links) -> None:
    verdict = judge(name, links)
    if verdict is not None:
        an.issue(where, verdict.cls, verdict.reason)


def _judge_link(an: Analyser, where: str, name: str, target: str, *, hard: bool, links: Links) -> None:
    verdict = judge_link(name, target, hard=hard, links=links)
    if verdict is not None:
        an.issue(where, verdict.cls, verdict.reason)
    if not hard:
        links.add(name, target)


def torch_object(name: str) -> bool:
    """``<archive>/data.pkl``: the member holding the object torch.save pickled."""
    folder, _, rest = name.partition("/")
    return bool(folder) and rest == "data.pkl"
