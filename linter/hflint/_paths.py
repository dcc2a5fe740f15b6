"""Where the shipped rule packs live: inside the wheel, or beside the source tree."""

from __future__ import annotations

import functools
from pathlib import Path


@functools.cache
def rules_dir() -> Path:
    here = Path(__file__).resolve().parent
    installed = here / "_rules"  # wheel layout (force-include in pyproject.toml)
    if installed.is_dir():
        return installed
    source = here.parents[1] / "rules"  # source checkout or editable install
    if source.is_dir():
        return source
    raise FileNotFoundError("hflint's rule packs are missing from this installation")


def schemas_dir() -> Path:
    return rules_dir() / "schemas"


BUILTIN = "hflint:"


def data_file(ref: str, pack_dir: Path) -> Path:
    """A data or schema file a rule pack names: ``hflint:<path>`` is in the shipped rules
    folder, anything else is relative to the pack's own folder."""
    if ref.startswith(BUILTIN):
        return rules_dir() / ref.removeprefix(BUILTIN)
    return pack_dir / ref
