"""Scanning a model repository on the Hugging Face Hub without downloading it.

``hflint scan hf://OWNER/NAME[@REVISION]`` lists the repository through huggingface_hub
(``HfApi.list_repo_tree`` at one commit, resolved first so that every read sees the same
snapshot) and reads files with HTTP range requests on their ``resolve`` URLs, the way
huggingface_hub reads safetensors metadata (``parse_safetensors_file_metadata``). Every
check kind runs unchanged on a ``HubRepo``: what it reads locally (a header, a zip
directory, a config) is what is fetched, so a 4 GB shard costs a few kilobytes.

The endpoint, token and proxies are huggingface_hub's own (``HF_ENDPOINT``, ``HF_TOKEN``,
``hf auth login``). hflint touches the network only for an ``hf://`` target.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from hflint.globs import matches
from hflint.repo import CannotAnalyse, Repo, RepoEvent

PREFIX = "hf://"
_BUFFER = 64 * 1024  # one request serves an 8-byte length prefix and the header after it
_READALL_CHUNK = 8 * 1024 * 1024
_WHOLE_FILE_MAX = 1024 * 1024  # configs, cards, code: fetched whole and kept for every rule


class HubError(Exception):
    """The repository cannot be listed: not found, gated, offline, unreachable..."""


class HubTarget(NamedTuple):
    repo_id: str
    revision: str | None

    @property
    def label(self) -> str:
        return PREFIX + self.repo_id + (f"@{self.revision}" if self.revision else "")


def is_hub_target(text: str) -> bool:
    return text.startswith(PREFIX)


def parse_target(text: str) -> HubTarget:
    """``hf://owner/name[@revision]``; ValueError with the reason otherwise."""
    rest = text.removeprefix(PREFIX)
    repo_id, _, revision = rest.partition("@")
    repo_id = repo_id.strip("/")
    parts = repo_id.split("/")
    if parts[0] in ("datasets", "spaces"):
        raise ValueError(f"{text}: only model repositories can be scanned so far")
    if parts[0] == "models":
        parts = parts[1:]
    if not 1 <= len(parts) <= 2 or not all(parts) or any(p in (".", "..") for p in parts):
        raise ValueError(f"{text}: expected hf://OWNER/NAME or hf://OWNER/NAME@REVISION")
    if "@" in text and not revision:
        raise ValueError(f"{text}: empty revision after '@'")
    return HubTarget("/".join(parts), revision or None)


def _bad_path(path: object) -> str | None:
    """Why a listed path is not one a repository can hold (the server is not trusted to
    send only clean names; nothing local is ever opened with them)."""
    if not isinstance(path, str) or not path:
        return "empty or non-text path in the Hub listing"
    if path.startswith("/") or "\\" in path or "\0" in path or any(ord(c) < 0x20 for c in path):
        return "path with a leading '/', a backslash or control characters in the Hub listing"
    if any(part in ("", ".", "..") for part in path.split("/")):
        return "path with an empty, '.' or '..' component in the Hub listing"
    return None


class HubSource:
    """One repository at one commit: its file listing, and byte ranges of its files."""

    def __init__(self, target: HubTarget) -> None:
        from huggingface_hub import HfApi  # lazy: only remote scans pay for it

        self.target = target
        self._api = HfApi()
        try:
            info = self._api.model_info(target.repo_id, revision=target.revision)
        except Exception as exc:  # huggingface_hub's errors differ across its major versions
            raise HubError(_describe(exc, target)) from None
        self.commit: str = info.sha or target.revision or "main"
        self._whole: dict[str, bytes] = {}
        self._heads: dict[str, bytes] = {}

    def files(self) -> Iterator[tuple[object, int]]:
        """(path, size) of every file; HubError when the listing cannot be read."""
        try:
            for item in self._api.list_repo_tree(self.target.repo_id, revision=self.commit, recursive=True):
                size = getattr(item, "size", None)
                if size is not None:  # a RepoFile; RepoFolder entries have no size
                    yield item.path, int(size)
        except Exception as exc:
            raise HubError(_describe(exc, self.target)) from None

    def read(self, path: str, start: int, length: int, size: int) -> bytes:
        """Bytes [start, start + length) of ``path`` (``size`` as listed); CannotAnalyse on
        any failure. A small file is fetched whole, once: several rules read each config."""
        if size > _WHOLE_FILE_MAX:
            # Every check that opens a weight file reads its first block (a header, a zip's
            # signature, a pickle's protocol): fetch that block once for all of them.
            head = self._heads.get(path)
            if head is not None and start + length <= len(head):
                return head[start : start + length]
            data = self._fetch(path, start, length)
            if start == 0 and head is None:
                self._heads[path] = data[:_BUFFER]
            return data
        whole = self._whole.get(path)
        if whole is None:
            whole = self._whole[path] = self._fetch(path, 0, size) if size else b""
        return whole[start : start + length]

    def _fetch(self, path: str, start: int, length: int) -> bytes:
        from huggingface_hub import constants, hf_hub_url, hf_raise_for_status

        # Documented helpers (huggingface_hub "Utilities" reference) that the package does
        # not re-export for type checkers; present from 0.x (requests) to 2.x (httpx2).
        from huggingface_hub.utils import build_hf_headers, http_backoff  # type: ignore[attr-defined]

        url = hf_hub_url(self.target.repo_id, path, revision=self.commit)
        headers = {**build_hf_headers(), "range": f"bytes={start}-{start + length - 1}"}
        try:
            response = http_backoff(
                "GET", url, headers=headers, max_retries=2, timeout=constants.HF_HUB_DOWNLOAD_TIMEOUT
            )
            hf_raise_for_status(response)
        except Exception as exc:
            raise CannotAnalyse(f"cannot read from the Hub: {_first_line(exc)}") from None
        data: bytes = response.content
        if response.status_code == 200:  # the server ignored the range and sent the file
            data = data[start : start + length]
        return data[:length]


class _RangeFile(io.RawIOBase):
    """A read-only file whose reads are HTTP range requests, bounded by the listed size."""

    def __init__(self, source: HubSource, path: str, size: int) -> None:
        super().__init__()
        self._source, self._path, self._size, self._pos = source, path, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise OSError(22, "negative seek position")
        self._pos = base + offset
        return self._pos

    def readinto(self, buffer: Any) -> int:
        want = min(len(buffer), self._size - self._pos)
        if want <= 0:
            return 0
        data = self._source.read(self._path, self._pos, want, self._size)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def readall(self) -> bytes:
        chunks = []
        while chunk := self.read(_READALL_CHUNK):
            chunks.append(chunk)
        return b"".join(chunks)


class HubRepo(Repo):
    """A repository listed from the Hub. Its review records are never trusted (they are
    its author's claims), and the user's config comes from the working directory."""

    def __init__(self, source: HubSource, exclude: tuple[str, ...] = (), *, anchor: Path | None = None) -> None:
        from urllib.parse import quote

        from huggingface_hub import constants

        self.source = source
        super().__init__(anchor or Path.cwd(), exclude, trust_records=False)
        commit = quote(source.commit, safe="")
        self.source_uri = f"{constants.ENDPOINT.rstrip('/')}/{source.target.repo_id}/blob/{commit}/"

    @property
    def label(self) -> str:
        return PREFIX + self.source.target.repo_id

    def _list(self, max_files: int) -> None:
        for path, size in self.source.files():
            problem = _bad_path(path)
            if problem is not None:
                self.events.append(RepoEvent("unreadable", repr(path)[:200], problem))
                continue
            assert isinstance(path, str)
            if matches(path, self._exclude):
                continue
            if len(self._sizes) >= max_files:
                why = f"more than {max_files} files; the rest were not scanned"
                self.events.append(RepoEvent("unreadable", "", why))
                return
            # Files on the Hub are content, never Git LFS pointers: resolve URLs serve the object.
            self._sizes[path] = size

    def resolve(self, rel: str) -> str | None:
        # The Hub stores no symlinks: a path leads where its text says.
        import posixpath

        norm = posixpath.normpath(rel)
        return None if norm.startswith(("/", "../")) or norm == ".." else norm

    def _open_checked(self, rel: str) -> BinaryIO:
        raw = _RangeFile(self.source, rel, self._sizes[rel])
        return io.BufferedReader(raw, buffer_size=_BUFFER)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _describe(exc: Exception, target: HubTarget) -> str:
    name = type(exc).__name__
    if name == "RepositoryNotFoundError":
        login = "log in with `hf auth login` or set HF_TOKEN"
        return f"{target.label}: no such model repository (or it is private: {login})"
    if name == "GatedRepoError":
        return f"{target.label}: the repository is gated; accept its terms on the Hub and log in"
    if name == "RevisionNotFoundError":
        return f"{target.label}: no such revision"
    if name == "OfflineModeIsEnabled":
        return f"{target.label}: HF_HUB_OFFLINE is set, so the Hub cannot be reached"
    return f"{target.label}: {_first_line(exc)}"
