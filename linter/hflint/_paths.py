"""Where the shipped rule packs live: inside the wheel, or beside the source tree."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing; mypy knows the name

if TYPE_CHECKING:
    from pathlib import Path


def rules_folder() -> str:
    """As a string, for the start-up of a replayed scan (hflint.replay): no pathlib."""
    here = os.path.dirname(os.path.realpath(__file__))
    installed = os.path.join(here, "_rules")  # wheel layout (force-include in pyproject.toml)
    if os.path.isdir(installed):
        return installed
    source = os.path.join(os.path.dirname(os.path.dirname(here)), "rules")  # source checkout or editable install
    if os.path.isdir(source):
        return source
    raise FileNotFoundError("hflint's rule packs are missing from this installation")


_RULES_DIR: list[Path] = []


def rules_dir() -> Path:
    if not _RULES_DIR:
        from pathlib import Path

        _RULES_DIR.append(Path(rules_folder()))
    return _RULES_DIR[0]


def schemas_dir() -> Path:
    return rules_dir() / "schemas"


BUILTIN = "hflint:"


def data_file(ref: str, pack_dir: Path) -> Path:
    """A data or schema file a rule pack names: ``hflint:<path>`` is in the shipped rules
    folder, anything else is relative to the pack's own folder."""
    if ref.startswith(BUILTIN):
        return rules_dir() / ref.removeprefix(BUILTIN)
    return pack_dir / ref
