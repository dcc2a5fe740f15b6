"""Where extracting an archive member writes, judged without extracting anything.

An extractor joins a member's name to the destination folder and opens the result, which
follows the links the archive created before it: ``tarfile.extractall`` did so with no
check before Python 3.12's extraction filters (CVE-2007-4559; onnx's hub download,
CVE-2024-5187; NeMo's restore_from extracts the same way), ``unzip`` and most other zip
tools follow stored names and symlinks. So a member is reported when its name is absolute
(``/etc/cron.d/x``, ``C:\\x``, ``\\\\host\\share``), when its ``..`` components climb out of
the folder, and when it reaches outside through a symbolic link an earlier member made; a
link member is reported when its target is absolute or resolves outside. The rules are
those of tarfile's ``data`` filter (PEP 706), computed on the archive's own names, with
both ``/`` and ``\\`` as separators (Windows extractors split on either).
"""

from __future__ import annotations

import re
from typing import NamedTuple

MAX_LINKS = 10_000  # symbolic links remembered per archive to resolve later members through
MAX_HOPS = 40  # links followed while resolving one path (Linux's MAXSYMLINKS)
_DRIVE = re.compile(r"^[A-Za-z]:")


class Verdict(NamedTuple):
    cls: str  # "path:absolute", "path:parent", "link:absolute", "link:outside", "link:through"
    reason: str


class Links:
    """The symbolic links an archive's earlier members create, by normalised path."""

    def __init__(self) -> None:
        self.targets: dict[str, str] = {}
        self.full = False  # MAX_LINKS reached: later paths are judged by their names only

    def add(self, name: str, target: str) -> None:
        if len(self.targets) >= MAX_LINKS:
            self.full = True
            return
        parts = _parts(name)
        if parts:
            self.targets["/".join(parts)] = target

    def resolve(self, parts: list[str]) -> tuple[list[str] | None, str | None]:
        """The path ``parts`` (relative to the root) leads to, following the links; None when
        it leaves the root, with the link it went through (None: by its own ``..``)."""
        out: list[str] = []
        todo = list(parts)
        hops = 0
        via: str | None = None
        while todo:
            part = todo.pop(0)
            if part in ("", "."):
                continue
            if part == "..":
                if not out:
                    return None, via
                out.pop()
                continue
            out.append(part)
            target = self.targets.get("/".join(out)) if self.targets else None
            if target is None:
                continue
            hops += 1
            if hops > MAX_HOPS:
                return out, via  # a loop: extraction fails (ELOOP) rather than escaping
            via = "/".join(out)
            if _absolute(target):
                return None, via
            out.pop()
            todo = _parts(target) + todo
        return out, via


def judge(name: str, links: Links) -> Verdict | None:
    """Whether writing the member ``name`` lands outside the extraction folder."""
    if _absolute(name):
        return Verdict("path:absolute", "member has an absolute path: extraction writes it outside the folder")
    if ".." not in name and not links.targets:
        return None  # the common case, decided without splitting the name
    parts = _parts(name)
    lexical, _ = _NONE.resolve(parts)
    if lexical is None:
        return Verdict("path:parent", "member's '..' components climb out of the extraction folder")
    resolved, via = links.resolve(parts)
    if resolved is None:
        return Verdict("link:through", f"member is written through the symbolic link member {via!r}, "
                                       "which leads outside the extraction folder")
    return None


def judge_link(name: str, target: str, *, hard: bool, links: Links) -> Verdict | None:
    """Whether a link member points outside: a symlink's target is read from the link's own
    folder, a hard link's from the archive root (tarfile and GNU tar)."""
    kind = "hard link" if hard else "symbolic link"
    if _absolute(target):
        return Verdict("link:absolute", f"{kind} to the absolute path {target!r}")
    base = [] if hard else _parts(name)[:-1]
    resolved, via = links.resolve(base + _parts(target))
    if resolved is None:
        through = f" (through the link member {via!r})" if via else ""
        return Verdict("link:outside", f"{kind} to {target!r} leads outside the extraction folder{through}")
    return None


def _parts(path: str) -> list[str]:
    return [p for p in re.split(r"[/\\]", path) if p not in ("", ".")]


def _absolute(path: str) -> bool:
    return path.startswith(("/", "\\")) or bool(_DRIVE.match(path))


_NONE = Links()  # no links: resolves names lexically
