"""A local stand-in for the Hub's HTTP API, for remote scans with the real huggingface_hub.

It serves model and dataset repositories from local folders on 127.0.0.1, with the
endpoints the client uses for a scan (shapes as the Hub sends them, see huggingface_hub.hf_api);
``{kind}`` is ``models`` or ``datasets``, and dataset file URLs start with ``/datasets``:

* ``GET /api/{kind}/{id}`` and ``/api/{kind}/{id}/revision/{rev}``: repository info with
  ``sha`` (only ``id`` and ``sha`` when ``expand=sha`` is asked, as the Hub answers);
* ``GET /api/{kind}?author=OWNER``: the owner's repositories, paginated;
* ``GET /api/{kind}/{id}/tree/{rev}[/{path}]?recursive=...``: the file listing, paginated
  with a ``Link: <...>; rel="next"`` header like the Hub's;
* ``GET [/datasets]/{id}/resolve/{rev}/{path}``: file content, honouring ``Range: bytes=a-b``
  (206); ``HEAD`` on the same URL: the commit, ETag and size headers ``get_hf_file_metadata`` reads.

Errors carry the Hub's ``X-Error-Code`` header, so the client raises its real error types; a
gated repository answers 403 ``GatedRepo``. ``Fault``s make chosen requests answer 429 or 5xx
(with ``Retry-After``) a given number of times. Every request is recorded (path, range,
bytes sent, time, whether it carried a token) for the tests to assert on. It speaks HTTP/1.1
(keep-alive), as the Hub does.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class Served:
    method: str
    path: str
    range: str | None
    sent: int
    status: int = 200
    at: float = 0.0  # time.monotonic() when answered
    authorization: str | None = None


@dataclass
class HubRepoSpec:
    folder: Path
    sha: str
    tags: tuple[str, ...] = ("main",)
    extra_listing: tuple[dict[str, object], ...] = ()  # injected entries (hostile names...)
    gated: bool = False


@dataclass
class Fault:
    """The next ``count`` requests whose path contains ``fragment`` answer ``status``."""

    fragment: str
    status: int = 429
    count: int = 1
    retry_after: int | None = 1


@dataclass
class LocalHub:
    repos: dict[str, HubRepoSpec]
    page_size: int = 1000
    log: list[Served] = field(default_factory=list)
    url: str = ""
    datasets: dict[str, HubRepoSpec] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0  # seconds before each answer: a network's round trip, for benchmarks

    def add(self, repo_id: str, folder: Path, *, repo_type: str = "model", **kwargs: object) -> HubRepoSpec:
        sha = hashlib.sha1(f"{repo_type}:{repo_id}".encode()).hexdigest() if repo_type != "model" else None
        spec = HubRepoSpec(folder, sha or hashlib.sha1(repo_id.encode()).hexdigest(), **kwargs)  # type: ignore[arg-type]
        (self.datasets if repo_type == "dataset" else self.repos)[repo_id] = spec
        return spec

    def fault(self, path: str) -> Fault | None:
        with self.lock:
            for f in self.faults:
                if f.count > 0 and f.fragment in path:
                    f.count -= 1
                    return f
        return None

    def served(self, fragment: str = "/resolve/") -> list[Served]:
        return [s for s in self.log if fragment in s.path]


def _files(folder: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and ".git" not in path.relative_to(folder).parts:
            yield path.relative_to(folder).as_posix(), path


def _listing(spec: HubRepoSpec, prefix: str, recursive: bool) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = []
    dirs: set[str] = set()
    for rel, path in _files(spec.folder):
        if prefix and not rel.startswith(prefix + "/"):
            continue
        inner = rel[len(prefix) + 1 :] if prefix else rel
        if not recursive and "/" in inner:
            dirs.add((prefix + "/" if prefix else "") + inner.split("/", 1)[0])
            continue
        parts = rel.split("/")
        dirs.update("/".join(parts[:i]) for i in range(1, len(parts)) if recursive)
        size = path.stat().st_size
        entry: dict[str, object] = {
            "type": "file",
            "oid": hashlib.sha1(rel.encode()).hexdigest(),
            "size": size,
            "path": rel,
        }
        if size > 10_000_000:  # what the Hub reports for an LFS object
            entry["lfs"] = {"oid": hashlib.sha256(rel.encode()).hexdigest(), "size": size, "pointerSize": 134}
        entries.append(entry)
    folders = [{"type": "directory", "oid": hashlib.sha1(d.encode()).hexdigest(), "path": d} for d in sorted(dirs)]
    return [*folders, *entries, *spec.extra_listing]


_RESOLVE = re.compile(r"(/datasets)?/([^/]+/[^/]+|[^/]+)/resolve/([^/]+)/(.+)")
_KIND = "(models|datasets)"


def _handler(hub: LocalHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body are two writes: with Nagle's algorithm and the client's delayed
        # ACK, each response would stall ~40 ms, which no real server does (TCP_NODELAY).
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            if hub.delay:
                time.sleep(hub.delay)
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            served = Served(self.command, self.path, self.headers.get("Range"), len(body), status, time.monotonic(),
                            self.headers.get("Authorization"))
            with hub.lock:
                hub.log.append(served)

        def _error(self, status: int, code: str) -> None:
            body = json.dumps({"error": code}).encode()
            self._send(status, body, {"X-Error-Code": code, "Content-Type": "application/json"})

        def _faulted(self) -> bool:
            fault = hub.fault(self.path)
            if fault is None:
                return False
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            self._send(fault.status, b"slow down", headers)
            return True

        def _repo(self, repo_id: str, revision: str | None, kind: str = "models") -> HubRepoSpec | None:
            spec = (hub.datasets if kind == "datasets" else hub.repos).get(repo_id)
            if spec is None:
                self._error(404, "RepoNotFound")
                return None
            if spec.gated:
                self._error(403, "GatedRepo")
                return None
            if revision is not None and revision not in (spec.sha, *spec.tags):
                self._error(404, "RevisionNotFound")
                return None
            return spec

        def _entry(self) -> tuple[HubRepoSpec, str, Path] | None:
            """The repository and file a resolve URL names; the error is sent when none."""
            m = _RESOLVE.fullmatch(urlsplit(self.path).path)
            if m is None:
                self._send(404, f"no route for {self.path}".encode())
                return None
            spec = self._repo(unquote(m[2]), unquote(m[3]), "datasets" if m[1] else "models")
            if spec is None:
                return None
            rel = unquote(m[4])
            path = dict(_files(spec.folder)).get(rel)
            if path is None:
                self._error(404, "EntryNotFound")
                return None
            return spec, rel, path

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            if self._faulted():
                return
            if m := re.fullmatch(rf"/api/{_KIND}/([^/]+(?:/[^/]+)?)/tree/([^/]+)(?:/(.*))?", url.path):
                self._tree(m[1], unquote(m[2]), unquote(m[3]), unquote(m[4] or ""), query)
            elif m := re.fullmatch(rf"/api/{_KIND}", url.path):
                self._owner(m[1], query)
            elif m := re.fullmatch(rf"/api/{_KIND}/([^/]+/[^/]+|[^/]+)(?:/revision/([^/]+))?", url.path):
                self._info(m[1], unquote(m[2]), unquote(m[3]) if m[3] else None, query)
            elif (entry := self._entry()) is not None:
                self._resolve(entry[2])

        def do_HEAD(self) -> None:
            entry = self._entry()
            if entry is None:
                return
            spec, rel, path = entry
            headers = {"X-Repo-Commit": spec.sha, "ETag": '"' + hashlib.sha1(rel.encode()).hexdigest() + '"'}
            self.send_response(200)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(path.stat().st_size))
            self.end_headers()
            with hub.lock:
                hub.log.append(Served("HEAD", self.path, None, 0, 200, time.monotonic()))

        def _info(self, kind: str, repo_id: str, revision: str | None, query: dict[str, list[str]]) -> None:
            spec = self._repo(repo_id, revision, kind)
            if spec is not None:
                body: dict[str, object] = {"_id": spec.sha[:24], "id": repo_id, "sha": spec.sha}
                if "sha" not in query.get("expand", []):
                    siblings = [{"rfilename": rel} for rel, _ in _files(spec.folder)]
                    body.update({"private": False, "siblings": siblings})
                    if kind == "models":
                        body["modelId"] = repo_id
                self._send(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

        def _page(self, entries: list[dict[str, object]], query: dict[str, list[str]], base: str) -> None:
            start = int(query.get("cursor", ["0"])[0])
            page = entries[start : start + hub.page_size]
            headers = {"Content-Type": "application/json"}
            if start + hub.page_size < len(entries):
                headers["Link"] = f'<{hub.url}{base}&cursor={start + hub.page_size}>; rel="next"'
            self._send(200, json.dumps(page).encode(), headers)

        def _owner(self, kind: str, query: dict[str, list[str]]) -> None:
            author = query.get("author", [""])[0]
            repos = hub.datasets if kind == "datasets" else hub.repos
            found = [{"_id": s.sha[:24], "id": i} for i, s in sorted(repos.items()) if i.startswith(author + "/")]
            self._page(found, query, f"/api/{kind}?author={author}")

        def _tree(self, kind: str, repo_id: str, revision: str, prefix: str, query: dict[str, list[str]]) -> None:
            spec = self._repo(repo_id, revision, kind)
            if spec is None:
                return
            recursive = query.get("recursive", ["false"])[0].lower() == "true"
            entries = _listing(spec, prefix.strip("/"), recursive)
            rec = "true" if recursive else "false"
            self._page(entries, query, f"{urlsplit(self.path).path}?recursive={rec}&expand=false")

        def _resolve(self, path: Path) -> None:
            size = path.stat().st_size
            wanted = self.headers.get("Range")
            with open(path, "rb") as fh:
                if wanted and (m := re.fullmatch(r"bytes=(\d+)-(\d*)", wanted)):
                    start = int(m[1])
                    end = min(int(m[2]) if m[2] else size - 1, size - 1)
                    if start >= size:
                        self._send(416, b"", {"Content-Range": f"bytes */{size}"})
                        return
                    fh.seek(start)
                    body = fh.read(end - start + 1)
                    self._send(206, body, {"Content-Range": f"bytes {start}-{end}/{size}"})
                else:
                    self._send(200, fh.read())

    return Handler


class running:
    def __init__(self, hub: LocalHub) -> None:
        self.hub = hub
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hub))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        self.hub.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self.hub.url

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
