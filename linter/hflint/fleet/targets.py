"""What a fleet scan scans: command-line targets and ``--targets-from`` lines, expanded.

A target is a local folder (or a file, standing for its model folder: hflint.targets), an
``hf://`` repository, or an owner (``hf://OWNER``, ``hf://datasets/OWNER``) that expands to
every repository it has, listed once. The order is the order given (an owner's
repositories sorted by id), duplicates dropped: records are written back in this order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

MAX_TARGETS_FILE_BYTES = 64 * 1024 * 1024


def is_remote(text: str) -> bool:
    """hflint.hub.is_hub_target, without importing hflint.hub (a local scan never needs it)."""
    return text.startswith("hf://")


class TargetsError(Exception):
    """The targets cannot be read: a bad line, a missing file, an owner that cannot be listed."""


class Target(NamedTuple):
    label: str  # what records and reports call it: hf://owner/name[@rev] or the folder
    path: Path | None = None  # a local folder
    hub: str | None = None  # the hf:// text of one repository

    @property
    def remote(self) -> bool:
        return self.hub is not None


def read_targets_file(path: Path) -> list[str]:
    """One target a line; blank lines and ``#`` comments (whole-line or after a space) skipped."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_TARGETS_FILE_BYTES + 1)
    except OSError as exc:
        raise TargetsError(f"cannot read targets file {path}: {exc.strerror}") from None
    if len(data) > MAX_TARGETS_FILE_BYTES:
        raise TargetsError(f"targets file {path} is over {MAX_TARGETS_FILE_BYTES} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TargetsError(f"targets file {path} is not UTF-8") from None
    out = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].split("\t#", 1)[0].strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _hub(text: str) -> Iterator[Target]:
    from hflint.hub import HubError, HubOwner, list_owner, parse

    try:
        found = parse(text)
    except ValueError as exc:
        raise TargetsError(str(exc)) from None
    if isinstance(found, HubOwner):
        try:
            listed = list_owner(found)
        except HubError as exc:
            raise TargetsError(f"cannot list {exc}") from None
        yield from (Target(t.label, hub=t.label) for t in listed)
    else:
        yield Target(found.label, hub=found.label)


def _label(folder: Path, cwd: Path) -> str:
    return folder.relative_to(cwd).as_posix() if folder.is_relative_to(cwd) else folder.as_posix()


def expand(texts: Iterable[str], cwd: Path, *, skip_outside: bool = False) -> list[Target]:
    """Targets in the order given; local paths become the model folders they stand for."""
    from hflint.targets import expand as folders_of

    cwd = cwd.resolve()
    out: list[Target] = []
    seen: set[str] = set()
    local: list[str] = []

    def flush() -> None:
        for folder in folders_of(local, cwd, skip_outside=skip_outside) if local else []:
            add(Target(_label(folder, cwd), path=folder))
        local.clear()

    def add(target: Target) -> None:
        key = target.hub or str(target.path)
        if key not in seen:
            seen.add(key)
            out.append(target)

    for text in texts:
        if is_remote(text):
            flush()
            for target in _hub(text):
                add(target)
        else:
            local.append(text)
    flush()
    return out
