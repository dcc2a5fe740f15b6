"""Scanning repositories on the Hugging Face Hub without downloading them.

``hflint scan hf://OWNER/NAME[@REVISION]`` (a model) or ``hf://datasets/OWNER/NAME[@REVISION]``
(a dataset) resolves the revision to one commit first, so that every read sees the same
snapshot, lists the repository through huggingface_hub (``HfApi.list_repo_tree`` at that
commit) and reads files with HTTP range requests on their ``resolve`` URLs, the way
huggingface_hub reads safetensors metadata (``parse_safetensors_file_metadata``). Every
check kind runs unchanged on a ``HubRepo``: what it reads locally (a header, a zip
directory, a config) is what is fetched, so a 4 GB shard costs a few kilobytes.
``hf://OWNER`` (``hf://datasets/OWNER``) stands for every model (dataset) of a user or
organisation, listed with ``HfApi.list_models(author=...)`` (``list_datasets``).

The endpoint, token and proxies are huggingface_hub's own (``HF_ENDPOINT``, ``HF_TOKEN``,
``hf auth login``); requests are paced and retried as hflint.hublimits says. hflint
touches the network only for an ``hf://`` target.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from hflint.globs import matches
from hflint.repo import CannotAnalyse, Repo, RepoEvent

PREFIX = "hf://"
DATASETS = "datasets"
_BUFFER = 64 * 1024  # one request serves an 8-byte length prefix and the header after it
_READALL_CHUNK = 8 * 1024 * 1024
_WHOLE_FILE_MAX = 1024 * 1024  # configs, cards, code: fetched whole and kept for every rule
MAX_OWNER_REPOS = 100_000  # an owner listing is bounded like a repository listing


class HubError(Exception):
    """The repository cannot be listed: not found, gated, offline, unreachable..."""


class HubTarget(NamedTuple):
    repo_id: str
    revision: str | None
    repo_type: str = "model"  # or "dataset"

    @property
    def label(self) -> str:
        return repo_label(self.repo_id, self.repo_type) + (f"@{self.revision}" if self.revision else "")


class HubOwner(NamedTuple):
    """``hf://OWNER`` or ``hf://datasets/OWNER``: every repository of one user or organisation."""

    owner: str
    repo_type: str = "model"

    @property
    def label(self) -> str:
        return repo_label(self.owner, self.repo_type)


def repo_label(repo_id: str, repo_type: str) -> str:
    return PREFIX + (f"{DATASETS}/" if repo_type == "dataset" else "") + repo_id


def is_hub_target(text: str) -> bool:
    return text.startswith(PREFIX)


def parse(text: str) -> HubTarget | HubOwner:
    """``hf://[datasets/]OWNER[/NAME[@REVISION]]``; ValueError with the reason otherwise."""
    rest = text.removeprefix(PREFIX)
    repo_id, _, revision = rest.partition("@")
    parts = repo_id.strip("/").split("/")
    repo_type = "model"
    if parts[0] == "spaces":
        raise ValueError(f"{text}: Spaces are not scanned; name a model or hf://datasets/OWNER/NAME")
    if parts[0] in ("models", DATASETS) and len(parts) > 1:
        repo_type = "dataset" if parts[0] == DATASETS else "model"
        parts = parts[1:]
    usage = "expected hf://OWNER/NAME[@REVISION], hf://datasets/OWNER/NAME[@REVISION] or hf://OWNER"
    if not 1 <= len(parts) <= 2 or not all(parts) or any(p in (".", "..") for p in parts):
        raise ValueError(f"{text}: {usage}")
    if "@" in text and not revision:
        raise ValueError(f"{text}: empty revision after '@'")
    if len(parts) == 1:
        if revision:
            raise ValueError(f"{text}: a revision names one repository, not every repository of {parts[0]}")
        return HubOwner(parts[0], repo_type)
    return HubTarget("/".join(parts), revision or None, repo_type)


def parse_target(text: str) -> HubTarget:
    """One repository (``parse``, refusing an owner)."""
    found = parse(text)
    if isinstance(found, HubOwner):
        raise ValueError(f"{text}: names an owner, not one repository")
    return found


def list_owner(owner: HubOwner) -> list[HubTarget]:
    """Every public (or, with a token, visible) repository of ``owner``, sorted by id."""
    from huggingface_hub import HfApi

    from hflint import hublimits

    hublimits.session()
    api = HfApi()
    listing = api.list_datasets if owner.repo_type == "dataset" else api.list_models
    ids: list[str] = []
    try:
        for info in listing(author=owner.owner):
            if len(ids) >= MAX_OWNER_REPOS:
                raise HubError(f"{owner.label}: more than {MAX_OWNER_REPOS} repositories; list them in a file")
            ids.append(str(info.id))
    except HubError:
        raise
    except Exception as exc:
        raise HubError(f"{owner.label}: cannot list its repositories: {_first_line(exc)}") from None
    return [HubTarget(i, None, owner.repo_type) for i in sorted(set(ids)) if "/" in i]


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

    def __init__(self, target: HubTarget, *, retries: int | None = None) -> None:
        from hflint import hublimits

        self.target = target
        self.retries = hublimits.DEFAULT_RETRIES if retries is None else retries
        self.commit: str = self._resolve()
        # Set when a read failed for the transport's sake (429 or 5xx past the retries, no
        # connection): the scan is then incomplete, and the target fails as a whole instead
        # of reporting the unread files as defects of the repository.
        self.transport_error: str | None = None
        self._whole: dict[str, bytes] = {}
        self._heads: dict[str, bytes] = {}

    def _get(self, url: str, headers: dict[str, str] | None = None, params: dict[str, str] | None = None) -> Any:
        """One GET, paced and retried on 429/5xx (``Retry-After`` obeyed) by huggingface_hub's
        http_backoff; its errors are huggingface_hub's (RepositoryNotFoundError, ...)."""
        from huggingface_hub import constants, hf_raise_for_status

        # Documented helpers (huggingface_hub "Utilities" reference) that the package does
        # not re-export for type checkers; present from 0.x (requests) to 2.x (httpx2).
        from huggingface_hub.utils import build_hf_headers, http_backoff  # type: ignore[attr-defined]

        from hflint import hublimits

        hublimits.session()
        response = http_backoff(
            "GET",
            url,
            headers={**build_hf_headers(), **(headers or {})},
            params=params,
            max_retries=self.retries,
            base_wait_time=hublimits.BASE_WAIT_SECONDS,
            timeout=constants.HF_HUB_DOWNLOAD_TIMEOUT,
        )
        hf_raise_for_status(response)
        return response

    def _resolve(self) -> str:
        """The commit the revision names (one small request: only ``sha`` is asked for)."""
        from urllib.parse import quote

        from huggingface_hub import constants

        t = self.target
        url = f"{constants.ENDPOINT.rstrip('/')}/api/{t.repo_type}s/{t.repo_id}"
        if t.revision is not None:
            url += f"/revision/{quote(t.revision, safe='')}"
        try:
            sha = self._get(url, params={"expand": "sha"}).json().get("sha")
        except Exception as exc:  # huggingface_hub's errors differ across its major versions
            raise HubError(_describe(exc, t)) from None
        if not isinstance(sha, str) or not sha:
            return t.revision or "main"
        return sha

    def files(self) -> Iterator[tuple[object, int]]:
        """(path, size) of every file; HubError when the listing cannot be read.

        The endpoint ``HfApi.list_repo_tree`` pages through (``Link: <...>; rel="next"``),
        requested here so that each page is paced and retried like every other request."""
        from urllib.parse import quote

        from huggingface_hub import constants

        t = self.target
        commit = quote(self.commit, safe="")
        url: str | None = f"{constants.ENDPOINT.rstrip('/')}/api/{t.repo_type}s/{t.repo_id}/tree/{commit}"
        params: dict[str, str] | None = {"recursive": "true", "expand": "false"}
        try:
            while url is not None:
                response = self._get(url, params=params)
                page = response.json()
                if not isinstance(page, list):
                    raise HubError(f"{t.label}: the Hub listing is not a list")
                for item in page:
                    if isinstance(item, dict) and item.get("type") == "file":
                        size = item.get("size")
                        yield item.get("path"), size if isinstance(size, int) and size >= 0 else -1
                url, params = response.links.get("next", {}).get("url"), None
        except HubError:
            raise
        except Exception as exc:
            raise HubError(_describe(exc, t)) from None

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
        from huggingface_hub import hf_hub_url

        t = self.target
        url = hf_hub_url(t.repo_id, path, revision=self.commit, repo_type=t.repo_type)
        try:
            response = self._get(url, {"range": f"bytes={start}-{start + length - 1}"})
        except Exception as exc:
            why = _first_line(exc)
            status = getattr(getattr(exc, "response", None), "status_code", None)
            if self.transport_error is None and (status is None or status == 429 or status >= 500):
                self.transport_error = f"{self.target.label}: cannot read {path} from the Hub: {why}"
            raise CannotAnalyse(f"cannot read from the Hub: {why}") from None
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
        target = source.target
        self.repo_type = target.repo_type
        commit = quote(source.commit, safe="")
        kind = f"{DATASETS}/" if target.repo_type == "dataset" else ""
        self.source_uri = f"{constants.ENDPOINT.rstrip('/')}/{kind}{target.repo_id}/blob/{commit}/"

    @property
    def label(self) -> str:
        return repo_label(self.source.target.repo_id, self.source.target.repo_type)

    @property
    def name(self) -> str:
        return self.source.target.repo_id.rsplit("/", 1)[-1]

    def _list(self, max_files: int) -> None:
        for path, size in self.source.files():
            problem = _bad_path(path)
            if problem is not None:
                self.events.append(RepoEvent("unreadable", repr(path)[:200], problem))
                continue
            assert isinstance(path, str)
            if size < 0:
                self.events.append(RepoEvent("unreadable", path, "no valid size in the Hub listing"))
                continue
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
    return redact(f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": "))


def redact(text: str) -> str:
    """``text`` without the user's token, should a server or library ever echo it."""
    from huggingface_hub import get_token

    token = get_token()
    return text.replace(token, "***") if token and len(token) >= 8 else text


def _describe(exc: Exception, target: HubTarget) -> str:
    name = type(exc).__name__
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if name == "RepositoryNotFoundError":
        login = "log in with `hf auth login` or set HF_TOKEN"
        return f"{target.label}: no such {target.repo_type} repository (or it is private: {login})"
    if name == "GatedRepoError":
        return f"{target.label}: the repository is gated; accept its terms on the Hub and log in"
    if name == "RevisionNotFoundError":
        return f"{target.label}: no such revision"
    if name == "OfflineModeIsEnabled":
        return f"{target.label}: HF_HUB_OFFLINE is set, so the Hub cannot be reached"
    if status == 429:
        return f"{target.label}: rate-limited by the Hub past the retries (lower --max-rps, or log in)"
    return f"{target.label}: {_first_line(exc)}"
