"""The case folder every fixture generator writes into (tests/golden/<RULE>/<outcome>/<case>),
emptied except for its reviewed expected.txt. No third-party imports: the TensorFlow
generator runs in a venv of its own."""

from __future__ import annotations

import shutil
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent


def case(rule: str, outcome: str, name: str) -> Path:
    folder = GOLDEN / rule / outcome / name
    folder.mkdir(parents=True, exist_ok=True)
    for item in folder.iterdir():
        if item.name != "expected.txt":
            shutil.rmtree(item) if item.is_dir() else item.unlink()
    return folder
