"""A tokenizer's vocabulary as the consistency checks need it, built once per scan.

From tokenizer.json when there is one (``model.vocab``: a {token: id} object for BPE,
WordPiece and WordLevel, a [[token, score], ...] list for Unigram, where the id is the
index; plus ``added_tokens``), else from the slow tokenizer's files: ``vocab.json``
(GPT-2 style {token: id}), ``vocab.txt`` (WordPiece, id = line number) and
``added_tokens.json`` ({token: id}). SentencePiece ``*.model`` files are protobuf and are
not read. Sources: hf-conventions.md sections 3.1-3.3.

The vocabulary dict of a BPE/WordPiece tokenizer.json is the parsed JSON object itself
(``repo.json`` caches it), so a 30 MB tokenizer is held once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hflint.repo import Repo


@dataclass
class Vocabulary:
    source: str  # the file the vocabulary came from
    tokens: Mapping[str, Any]  # token -> id (values are checked ints only where used)
    added: dict[str, int] = field(default_factory=dict)  # added token content -> id
    added_source: str | None = None
    _by_id: dict[int, str] | None = None

    def id_of(self, token: str) -> int | None:
        if token in self.added:
            return self.added[token]
        value = self.tokens.get(token)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def token_of(self, token_id: int) -> str | None:
        if self._by_id is None:
            by_id = {v: k for k, v in self.tokens.items() if isinstance(v, int) and not isinstance(v, bool)}
            by_id.update({v: k for k, v in self.added.items()})
            self._by_id = by_id
        return self._by_id.get(token_id)

    def __contains__(self, token: object) -> bool:
        return token in self.added or token in self.tokens


def sibling(path: str, name: str) -> str:
    folder = path.rpartition("/")[0]
    return f"{folder}/{name}" if folder else name


def _from_tokenizer_json(doc: Any, source: str) -> Vocabulary | None:
    if not isinstance(doc, dict) or not isinstance(doc.get("model"), dict):
        return None
    raw = doc["model"].get("vocab")
    tokens: Mapping[str, Any]
    if isinstance(raw, dict):
        tokens = raw
    elif isinstance(raw, list):  # Unigram: the id is the position
        tokens = {e[0]: i for i, e in enumerate(raw) if isinstance(e, list) and e and isinstance(e[0], str)}
    else:
        return None
    added: dict[str, int] = {}
    entries = doc.get("added_tokens")
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("content"), str) and _is_id(entry.get("id")):
            added[entry["content"]] = entry["id"]
    return Vocabulary(source, tokens, added, source)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def load_vocabulary(repo: Repo, folder_file: str) -> Vocabulary | None:
    """The vocabulary of the tokenizer in the folder of ``folder_file``, or None if none."""
    tok = sibling(folder_file, "tokenizer.json")

    def build() -> Vocabulary | None:
        if repo.exists(tok) and not repo.is_lfs_pointer(tok):
            return _from_tokenizer_json(repo.json(tok), tok)
        vocab = _slow_vocab(repo, folder_file)
        if vocab is None:
            return None
        extra = sibling(folder_file, "added_tokens.json")
        if repo.exists(extra) and not repo.is_lfs_pointer(extra):
            doc = repo.json(extra)
            if isinstance(doc, dict):
                vocab.added = {k: v for k, v in doc.items() if _is_id(v)}
                vocab.added_source = extra
        return vocab

    return repo.cached(sibling(folder_file, ""), "vocabulary", build)


def _slow_vocab(repo: Repo, folder_file: str) -> Vocabulary | None:
    as_json = sibling(folder_file, "vocab.json")
    if repo.exists(as_json) and not repo.is_lfs_pointer(as_json):
        doc = repo.json(as_json)
        return Vocabulary(as_json, doc) if isinstance(doc, dict) else None
    as_txt = sibling(folder_file, "vocab.txt")
    if repo.exists(as_txt) and not repo.is_lfs_pointer(as_txt):
        return Vocabulary(as_txt, _txt(repo.text(as_txt)))
    return None


def _txt(text: str) -> dict[str, int]:
    """transformers ``load_vocab``: one token per line, id = line number, last duplicate wins."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return {token: index for index, token in enumerate(lines)}
