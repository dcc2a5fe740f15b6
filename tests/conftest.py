from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What the tests need from outside the project is vendored here (see its README): a user's
# clone has nothing beside it, so nothing may be read from the checkout's parent folder.
VENDOR = ROOT / "tests" / "vendor"
sys.path.insert(0, str(ROOT / "linter"))  # tests run against the source tree too


_TEMP = os.path.realpath(tempfile.gettempdir()).rstrip(os.sep)
# A checkout inside the temporary folder (a CI clone in /tmp) has the temporary folder beside
# it: there, only what tests create in it counts as temporary, pytest's tmp_path tree and
# tempfile's tmp* folders, so /tmp/shared is still refused.
_CHECKOUT_IN_TEMP = str(ROOT).startswith(_TEMP + os.sep)


def _temporary(real: str) -> bool:
    if not real.startswith(_TEMP + os.sep):
        return False
    return not _CHECKOUT_IN_TEMP or real[len(_TEMP) + 1 :].startswith(("pytest-of-", "tmp"))


def _outside_checkout(path: str) -> bool:
    """Whether ``path`` is beside the checkout (under its parent, not under it): the place a
    workspace keeps shared files that a fresh clone does not have. The interpreter, its
    site-packages and the temporary folder are allowed wherever they are."""
    real = os.path.realpath(path)
    parent = str(ROOT.parent).rstrip(os.sep)
    if real == parent:
        return True  # listing the parent is how a test would look for what lies beside it
    if not real.startswith(parent + os.sep):
        return False
    if _temporary(real):
        return False
    allowed = (ROOT, sys.prefix, sys.base_prefix, sys.exec_prefix)
    return not any(real == str(a) or real.startswith(str(a).rstrip(os.sep) + os.sep) for a in allowed)


_AUDITED = frozenset({"open", "os.listdir", "os.scandir", "glob.glob", "shutil.copyfile", "shutil.copytree"})


def _guard_reads_outside_checkout(event: str, args: tuple[Any, ...]) -> None:
    # sys.addaudithook (PEP 578) sees every open by this process, whichever library makes it.
    if event not in _AUDITED or not args:
        return
    target = args[0]
    if isinstance(target, bytes):
        target = os.fsdecode(target)
    if isinstance(target, os.PathLike):
        target = os.fspath(target)
    if isinstance(target, str) and target and _outside_checkout(target):
        raise PermissionError(f"test reached outside the checkout: {event} {target!r} (vendor it under tests/)")


sys.addaudithook(_guard_reads_outside_checkout)

# hflint scan caches results under $XDG_CACHE_HOME/hflint (hflint.resultcache): the suite, and
# every hflint process it starts, writes to a folder of its own, never the user's cache.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="tmp-hflint-cache-")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/golden/**/expected.txt and reporter goldens from current output",
    )
    parser.addoption(
        "--update-fingerprints",
        action="store_true",
        help="rewrite tests/golden/fingerprints.jsonl (a deliberate fingerprint migration: docs/fingerprints.md)",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def update_fingerprints(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-fingerprints"))


MakeRepo = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def make_repo(tmp_path: Path) -> MakeRepo:
    """Write {relative path: text or bytes} under a fresh folder and return it."""

    def make(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "repo"
        root.mkdir(exist_ok=True)
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make
