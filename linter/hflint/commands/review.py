"""``hflint review``: record human reviews of custom code, and list what still needs one.

``approve FILE...`` writes each file's SHA-256, the reviewer (``--by``, else ``git config
user.name``), today's date and ``--note`` to the review file at the repository root
(``.hflint-review.yaml``, hflint.customcode.reviews); ``status`` lists unreviewed and
changed files, as ``hflint scan`` reports them (HF501, HF502). A malformed review file is
never overwritten: both actions stop with exit 2 and the file's line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from hflint.exitcodes import CLEAN as EXIT_CLEAN
from hflint.exitcodes import ERROR as EXIT_ERROR
from hflint.exitcodes import FINDINGS as EXIT_FINDINGS

DESCRIPTION = (
    "Record that you reviewed the exact content of custom-code files, or list the files that are "
    "unreviewed or changed since their review. Records live in .hflint-review.yaml at the repository root."
)
EPILOG = """\
examples:
  hflint review status                          what needs a review (exit 1 if anything)
  hflint review approve modeling_x.py configuration_x.py --note "read in full; no I/O"
  hflint review approve --repo ./my-model my-model/modeling_x.py --by "Jane Doe"

exit codes: 0 done / everything reviewed, 1 status found unreviewed or changed files,
            2 usage error, unreadable file, or a malformed review file (fix or delete it)

A review file inside a repository you did not write is its author's claim, not your review:
scan downloaded repositories without it.
"""


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    approve = sub.add_parser(
        "approve",
        help="record a review of FILE's current content",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    approve.add_argument("files", nargs="+", metavar="FILE", help="files to approve (paths from here or the repo root)")
    approve.add_argument("--note", default="", help="what you checked, or why the code is acceptable")
    approve.add_argument("--by", metavar="NAME", help="reviewer name (default: git config user.name)")
    status = sub.add_parser("status", help="list unreviewed and changed files")
    status.add_argument("--format", choices=("text", "json"), default="text", help="json: one object, for scripts")
    for p in (approve, status):
        p.add_argument("--repo", default=".", metavar="PATH", help="repository root (default: .)")


def _error(message: str) -> int:
    print(f"hflint: {message}", file=sys.stderr)
    return EXIT_ERROR


def _reviewer(args: argparse.Namespace, root: Path) -> str | None:
    if args.by:
        return str(args.by).strip() or None
    try:
        proc = subprocess.run(["git", "config", "user.name"], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() or None


def _repo_path(root: Path, given: str) -> str | None:
    """FILE as a repo-relative POSIX path: relative to the working directory, else to the root."""
    for candidate in (Path(given), root / given):
        try:
            rel = candidate.resolve().relative_to(root)
        except (OSError, ValueError):
            continue
        if candidate.exists():
            return rel.as_posix()
    return None


def _approve(args: argparse.Namespace, root: Path) -> int:
    from hflint import safefile
    from hflint.customcode import reviews
    from hflint.repo import CannotAnalyse, Repo

    reviewer = _reviewer(args, root)
    if reviewer is None:
        return _error("who reviewed? pass --by NAME or set git config user.name")
    repo = Repo(root)
    today = dt.date.today().isoformat()
    approved: dict[str, reviews.Record] = {}
    for given in args.files:
        rel = _repo_path(root, given)
        if rel is None or not repo.exists(rel):
            return _error(f"{given}: not a file in the repository {root}")
        if rel == reviews.REVIEW_FILE:
            return _error(f"{given}: the review file does not review itself")
        try:
            digest = reviews.sha256_of(repo, rel)
        except CannotAnalyse as exc:
            return _error(f"{given}: {exc.reason}")
        approved[rel] = reviews.Record(digest, reviewer, today, args.note)

    def change(data: bytes | None) -> bytes:
        records = {} if data is None else reviews.parse_bytes(data)
        return reviews.dump({**records, **approved}).encode("utf-8")

    # Merged under a lock with the records as they are at that moment (a concurrent approval
    # is kept), written atomically and never through a link (hflint.safefile).
    target = root / reviews.REVIEW_FILE
    try:
        safefile.update(root, reviews.REVIEW_FILE, change, reviews.MAX_REVIEW_BYTES)
    except reviews.ReviewFileError as exc:
        return _error(f"{exc}\nfix or delete the review file; it was not changed")
    except (OSError, safefile.Changed) as exc:
        return safefile.not_written(target, exc)
    for rel, record in approved.items():
        print(f"approved {rel}  sha256 {record.sha256}  by {reviewer}, {today}")
    print(f"{len(approved)} file(s) recorded in {target}")
    return EXIT_CLEAN


def _status(args: argparse.Namespace, root: Path) -> int:
    from hflint.customcode import reviews
    from hflint.kinds.code_review import code_files
    from hflint.repo import CannotAnalyse, Repo
    from hflint.rulepack import PackError, load_packs

    try:
        rule = next(r for p in load_packs() for r in p.rules if r.kind == "code-review")
    except PackError as exc:
        return _error(f"rule pack error:\n{exc}")
    repo = Repo(root)
    try:
        records = reviews.load(repo)
    except reviews.ReviewFileError as exc:
        return _error(str(exc))
    paths, how = code_files(repo, rule, "all")  # loaded code (HF501) and files nothing loads (HF506)
    entries: list[dict[str, str]] = []
    for path in paths:
        try:
            (state,) = reviews.states(repo, [path], records, how)
        except CannotAnalyse as exc:
            entries.append({"path": path, "status": "unreadable", "detail": exc.reason})
            continue
        if state.status == "unreviewed":
            entries.append({"path": path, "status": "unreviewed", "detail": state.how, "sha256": state.sha256})
        elif state.status == "changed" and state.record is not None:
            r = state.record
            detail = f"reviewed {r.sha256[:16]}... by {r.reviewed_by} on {r.date}, now {state.sha256[:16]}..."
            entries.append({"path": path, "status": "changed", "detail": detail, "sha256": state.sha256,
                            "reviewed_sha256": r.sha256, "reviewed_by": r.reviewed_by, "reviewed_on": str(r.date)})
    for path in sorted(set(records) - set(paths)):
        detail = "record for a file that is no longer there; remove it by hand"
        entries.append({"path": path, "status": "stale", "detail": detail})
    pending = sum(1 for e in entries if e["status"] != "stale")
    reviewed = len(paths) - pending
    if args.format == "json":
        doc = {"schema_version": 1, "code_files": len(paths), "reviewed": reviewed, "files": entries}
        print(json.dumps(doc, indent=2))
    else:
        for e in entries:
            print(f"{e['status']:<11} {e['path']}  ({e['detail']})")
        print(f"{reviewed} of {len(paths)} code file(s) reviewed" + (f"; {pending} need a review" if pending else ""))
    return EXIT_FINDINGS if pending else EXIT_CLEAN


def run(args: argparse.Namespace) -> int:
    root = Path(args.repo).resolve()
    if not root.is_dir():
        return _error(f"{args.repo}: not a directory")
    return _approve(args, root) if args.action == "approve" else _status(args, root)
