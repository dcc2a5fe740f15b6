"""The suite stands alone: a clone with nothing beside it runs every test.

conftest.py installs an audit hook that makes any open/listdir/scandir of a path beside the
checkout (under its parent folder, outside it) fail the test that made it; these tests check
that guard and the places a reference to such a path would be written.
"""

from __future__ import annotations

import hashlib
import re

import pytest

from conftest import ROOT, VENDOR

SARIF_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def test_vendored_sarif_schema_is_the_published_one() -> None:
    data = (VENDOR / "sarif-2.1.0.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SARIF_SCHEMA_SHA256


def test_reading_beside_the_checkout_fails() -> None:
    sibling = ROOT.parent / "shared" / "schemas" / "sarif-2.1.0.json"
    with pytest.raises(PermissionError, match="outside the checkout"):
        open(sibling, "rb")  # noqa: SIM115 - the open itself is what is refused
    with pytest.raises(PermissionError, match="outside the checkout"):
        list((ROOT.parent).iterdir())


# The workspace's shared folder, or the checkout's parent reached from ROOT or __file__.
_OUTSIDE = re.compile(
    r"\.\./shared\b|\bshared/(schemas|reference)\b|\bROOT\.parent\b|__file__\)\.resolve\(\)\.parents\[[2-9]\]"
)


@pytest.mark.parametrize("folder", ["tests", "linter", "benchmarks", ".ci"])
def test_no_source_names_a_path_beside_the_checkout(folder: str) -> None:
    # Subprocesses are not seen by the audit hook: catch the reference where it is written.
    offenders = []
    for path in sorted((ROOT / folder).rglob("*")):
        if path.suffix not in {".py", ".sh", ""} or not path.is_file() or path.name == "test_standalone.py":
            continue
        if path.name == "conftest.py":
            continue  # defines the guard, which names the parent folder on purpose
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if _OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
