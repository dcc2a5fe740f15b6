"""The first bytes of a file, read once per scan for every kind that recognises its format
by content (GGUF's ``GGUF`` magic at 0, TFLite's ``TFL3`` flatbuffer identifier at 4). The
extension is a claim: a file named ``.gguf`` is checked as GGUF whatever it holds, and a GGUF
file is checked whatever it is named.
"""

from __future__ import annotations

from hflint.repo import Repo

HEAD = 8
KEY = "hflint.formats.head"


def head(repo: Repo, path: str) -> bytes:
    def read() -> bytes:
        with repo.open(path) as fh:
            return fh.read(HEAD)

    return repo.cached(path, KEY, read)


def claims(repo: Repo, path: str, suffixes: tuple[str, ...], magic: bytes, at: int) -> bool:
    """Whether the file is named as the format or carries its magic at offset ``at``."""
    return path.lower().endswith(suffixes) or head(repo, path)[at : at + len(magic)] == magic
