"""A local stand-in for the Hub's HTTP API, for remote scans with the real huggingface_hub.

It serves model repositories from local folders on 127.0.0.1, with the endpoints the client
uses for a scan (shapes as the Hub sends them, see huggingface_hub.hf_api):

* ``GET /api/models/{id}`` and ``/api/models/{id}/revision/{rev}``: model info with ``sha``;
* ``GET /api/models/{id}/tree/{rev}[/{path}]?recursive=...``: the file listing, paginated
  with a ``Link: <...>; rel="next"`` header like the Hub's;
* ``GET /{id}/resolve/{rev}/{path}``: file content, honouring ``Range: bytes=a-b`` (206);
  ``HEAD`` on the same URL: the commit, ETag and size headers ``get_hf_file_metadata`` reads.

Errors carry the Hub's ``X-Error-Code`` header, so the client raises its real error types.
Every request is recorded (path, range, bytes sent) for the tests to assert on.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
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


@dataclass
class HubRepoSpec:
    folder: Path
    sha: str
    tags: tuple[str, ...] = ("main",)
    extra_listing: tuple[dict[str, object], ...] = ()  # injected entries (hostile names...)


@dataclass
class LocalHub:
    repos: dict[str, HubRepoSpec]
    page_size: int = 1000
    log: list[Served] = field(default_factory=list)
    url: str = ""

    def add(self, repo_id: str, folder: Path, **kwargs: object) -> HubRepoSpec:
        sha = hashlib.sha1(repo_id.encode()).hexdigest()
        spec = HubRepoSpec(folder, sha, **kwargs)  # type: ignore[arg-type]
        self.repos[repo_id] = spec
        return spec

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


_RESOLVE = re.compile(r"/([^/]+/[^/]+|[^/]+)/resolve/([^/]+)/(.+)")


def _handler(hub: LocalHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            hub.log.append(Served(self.command, self.path, self.headers.get("Range"), len(body)))

        def _error(self, status: int, code: str) -> None:
            body = json.dumps({"error": code}).encode()
            self._send(status, body, {"X-Error-Code": code, "Content-Type": "application/json"})

        def _repo(self, repo_id: str, revision: str | None) -> HubRepoSpec | None:
            spec = hub.repos.get(repo_id)
            if spec is None:
                self._error(404, "RepoNotFound")
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
            spec = self._repo(unquote(m[1]), unquote(m[2]))
            if spec is None:
                return None
            rel = unquote(m[3])
            path = dict(_files(spec.folder)).get(rel)
            if path is None:
                self._error(404, "EntryNotFound")
                return None
            return spec, rel, path

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if m := re.fullmatch(r"/api/models/([^/]+(?:/[^/]+)?)/tree/([^/]+)(?:/(.*))?", url.path):
                self._tree(unquote(m[1]), unquote(m[2]), unquote(m[3] or ""), parse_qs(url.query))
            elif m := re.fullmatch(r"/api/models/([^/]+/[^/]+|[^/]+)(?:/revision/([^/]+))?", url.path):
                self._info(unquote(m[1]), unquote(m[2]) if m[2] else None)
            elif (entry := self._entry()) is not None:
                self._resolve(entry[2])

        def do_HEAD(self) -> None:
            entry = self._entry()
            if entry is None:
                return
            spec, rel, path = entry
            self.send_response(200)
            self.send_header("X-Repo-Commit", spec.sha)
            self.send_header("ETag", '"' + hashlib.sha1(rel.encode()).hexdigest() + '"')
            self.send_header("Content-Length", str(path.stat().st_size))
            self.end_headers()
            hub.log.append(Served("HEAD", self.path, None, 0))

        def _info(self, repo_id: str, revision: str | None) -> None:
            spec = self._repo(repo_id, revision)
            if spec is not None:
                siblings = [{"rfilename": rel} for rel, _ in _files(spec.folder)]
                body = {"id": repo_id, "modelId": repo_id, "sha": spec.sha, "private": False, "siblings": siblings}
                self._send(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

        def _tree(self, repo_id: str, revision: str, prefix: str, query: dict[str, list[str]]) -> None:
            spec = self._repo(repo_id, revision)
            if spec is None:
                return
            recursive = query.get("recursive", ["false"])[0].lower() == "true"
            entries = _listing(spec, prefix.strip("/"), recursive)
            start = int(query.get("cursor", ["0"])[0])
            page = entries[start : start + hub.page_size]
            headers = {"Content-Type": "application/json"}
            if start + hub.page_size < len(entries):
                rec = "true" if recursive else "false"
                nxt = f"{hub.url}{urlsplit(self.path).path}?recursive={rec}&expand=false&cursor={start + hub.page_size}"
                headers["Link"] = f'<{nxt}>; rel="next"'
            self._send(200, json.dumps(page).encode(), headers)

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
