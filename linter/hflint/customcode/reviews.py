"""The review file: who reviewed which exact content of each custom-code file.

``.hflint-review.yaml`` at the repository root, written by ``hflint review approve``:

    version: 1
    files:
      modeling_x.py:
        date: '2026-05-01'
        note: read in full; no I/O at import
        reviewed-by: Jane Doe
        sha256: 3f1c...

Keys are sorted and every record is one block, so a review shows up as a small, stable diff.
The file is validated against rules/schemas/code-review.schema.json; a malformed file makes
every record untrusted (HF501 at the review file, with its line) rather than being skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hflint.repo import CannotAnalyse, Repo
from hflint.safefile import escape_reason, present
from hflint.schemas import schema_errors
from hflint.yamlfile import YamlError, load_yaml, plain

REVIEW_FILE = ".hflint-review.yaml"
MAX_REVIEW_BYTES = 4 * 1024 * 1024
MAX_HASHED_BYTES = 256 * 1024 * 1024  # code files are small; a bigger one is refused, not hashed
HEADER = """\
# hflint review records: each entry is a human review of one file's exact content (SHA-256).
# Written by `hflint review approve FILE... --note TEXT`; `hflint review status` lists what
# is unreviewed or changed, and `hflint scan` reports it as HF501 / HF502.
"""


class ReviewFileError(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"{REVIEW_FILE}:{self.line}: {self.message}" if self.line else f"{REVIEW_FILE}: {self.message}"


@dataclass(frozen=True, slots=True)
class Record:
    sha256: str
    reviewed_by: str
    date: str
    note: str = ""
    line: int | None = None

    def as_yaml(self) -> dict[str, str]:
        out = {"sha256": self.sha256, "reviewed-by": self.reviewed_by, "date": self.date}
        if self.note:
            out["note"] = self.note
        return out


def parse(text: str) -> dict[str, Record]:
    """The records by path; ReviewFileError (with the line) for any problem."""
    try:
        doc = load_yaml(text, max_nodes=500_000)
    except YamlError as exc:
        raise ReviewFileError(exc.message, exc.line) from None
    raw = plain(doc.value)
    for error in schema_errors("code-review.schema.json", raw):
        where = "/".join(map(str, error.absolute_path)) or "(top level)"
        message = error.message if len(error.message) < 200 else error.message[:197] + "..."
        raise ReviewFileError(f"{where}: {message}", doc.line_of(tuple(error.absolute_path)))
    return {
        path: Record(
            entry["sha256"], entry["reviewed-by"], entry["date"], entry.get("note", ""), doc.line_of(("files", path))
        )
        for path, entry in raw.get("files", {}).items()
    }


def dump(records: Mapping[str, Record]) -> str:
    import yaml

    body = {"files": {path: records[path].as_yaml() for path in sorted(records)}}
    text = yaml.safe_dump(body, sort_keys=True, default_flow_style=False, allow_unicode=True, width=4096)
    return HEADER + "version: 1\n" + text


def load(repo: Repo, name: str = REVIEW_FILE) -> dict[str, Record]:
    """Records from the repo's review file ({} when there is none, or under --isolated:
    a downloaded repo could ship records approving its own code)."""
    if not repo.trust_records:
        return {}
    if not repo.exists(name):
        # Listing left it out: a link out of the repository, a FIFO, a folder is refused,
        # not taken for "no records".
        event = next((e for e in repo.events if e.path == name), None)
        if event is not None and event.kind == "symlink-escape":
            raise ReviewFileError(escape_reason(event.detail))
        if event is not None:
            raise ReviewFileError(event.detail)
        full = repo.root / name
        if present(full) and not full.is_file():  # a folder, or a link to one
            raise ReviewFileError("is not a regular file")
        return {}
    try:
        data = repo.read_bytes(name, MAX_REVIEW_BYTES)
    except CannotAnalyse as exc:
        raise ReviewFileError(exc.reason) from None
    return parse_bytes(data)


def parse_bytes(data: bytes) -> dict[str, Record]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReviewFileError(f"not valid UTF-8 (byte {exc.start})") from None
    return parse(text)


def sha256_of(repo: Repo, path: str) -> str:
    def digest() -> str:
        import hashlib  # lazy: OpenSSL's module is ~2 ms of a scan that has no code to review

        h = hashlib.sha256()
        with repo.open(path) as fh:
            read = 0
            while chunk := fh.read(1 << 20):
                read += len(chunk)
                if read > MAX_HASHED_BYTES:
                    raise CannotAnalyse(f"file is over {MAX_HASHED_BYTES} bytes; not hashed for review")
                h.update(chunk)
        return h.hexdigest()

    return repo.cached(path, "sha256", digest)


@dataclass(frozen=True, slots=True)
class State:
    path: str
    status: str  # "unreviewed", "changed" or "reviewed"
    how: str  # how loaders reach the file
    sha256: str
    record: Record | None = None


def states(repo: Repo, paths: list[str], records: Mapping[str, Record], how: Mapping[str, str]) -> list[State]:
    """The review state of each path (CannotAnalyse propagates for an unreadable file)."""
    out = []
    for path in paths:
        digest = sha256_of(repo, path)
        record = records.get(path)
        status = "unreviewed" if record is None else "reviewed" if record.sha256 == digest else "changed"
        reason = how.get(path, "not referenced by any config or import hflint knows of")
        out.append(State(path, status, reason, digest, record))
    return out
