"""Special tokens as tokenizer_config.json and special_tokens_map.json declare them.

transformers ``SPECIAL_TOKENS_ATTRIBUTES`` (bos, eos, unk, sep, pad, cls, mask); each is a
string, an AddedToken object ``{"__type": "AddedToken", "content": ..., "lstrip", "rstrip",
"normalized", "single_word", "special"}`` or null. Lists: ``additional_special_tokens`` (v4)
and ``extra_special_tokens`` (v5, a list or a {name: token} object). Source:
hf-conventions.md section 3.2 (transformers tokenization_utils_base.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hflint.repo import CannotAnalyse, Repo
from hflint.tokenfiles.vocab import Vocabulary, load_vocabulary, sibling

SPECIAL_ATTRS = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
TOKEN_LISTS = ("additional_special_tokens", "extra_special_tokens")
ADDED_TOKEN_FLAGS = ("lstrip", "rstrip", "normalized", "single_word", "special")

Where = tuple[str | int, ...]


def content_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("content"), str):
        return str(value["content"])
    return None


def token_shape_problem(value: Any) -> str | None:
    """Why a special token value is not a string, an AddedToken object or null."""
    if value is None or isinstance(value, str):
        return None
    if not isinstance(value, dict):
        return f"must be a string, an AddedToken object or null, not {type(value).__name__} {value!r:.40}"
    if not isinstance(value.get("content"), str):
        return "an AddedToken object needs a string 'content'"
    bad = [f for f in ADDED_TOKEN_FLAGS if f in value and not isinstance(value[f], bool)]
    if bad:
        return f"AddedToken '{bad[0]}' must be true or false"
    if "__type" in value and value["__type"] != "AddedToken":
        return f"'__type' must be \"AddedToken\", not {value['__type']!r}"
    return None


def declared(doc: Any) -> Iterator[tuple[Where, Any]]:
    """Every special token value in a tokenizer_config.json / special_tokens_map.json."""
    if not isinstance(doc, dict):
        return
    for attr in SPECIAL_ATTRS:
        if attr in doc:
            yield (attr,), doc[attr]
    for key in TOKEN_LISTS:
        value = doc.get(key)
        if isinstance(value, list):
            yield from (((key, i), v) for i, v in enumerate(value))
        elif isinstance(value, dict):
            yield from (((key, str(k)), v) for k, v in value.items())


def vocabulary_near(repo: Repo, path: str) -> Vocabulary | None:
    """The tokenizer vocabulary beside ``path``; None when there is none or it is unreadable
    (a broken tokenizer.json is reported by HF201/HF204 on that file)."""
    try:
        return load_vocabulary(repo, path)
    except CannotAnalyse:
        return None


def _json_beside(repo: Repo, path: str, name: str) -> Any:
    rel = sibling(path, name)
    if not repo.exists(rel) or repo.is_lfs_pointer(rel):
        return None
    try:
        return repo.json(rel)
    except CannotAnalyse:
        return None  # HF201/HF217 report it


def tokenizer_config_beside(repo: Repo, path: str) -> Any:
    """The parsed tokenizer_config.json beside ``path``; None when there is none or it does
    not parse."""
    return _json_beside(repo, path, "tokenizer_config.json")


def map_is_read(config: Any) -> bool:
    """Whether transformers 5 reads special_tokens_map.json beside this tokenizer_config.json:
    only on its legacy path, when the config has no ``added_tokens_decoder``, and then the
    map's tokens override the config's (transformers 5.25 tokenization_utils_base.py
    ``PreTrainedTokenizerBase._from_pretrained``)."""
    return not (isinstance(config, dict) and "added_tokens_decoder" in config)


def loaded_from(repo: Repo, path: str) -> tuple[str, str]:
    """The two files that declare special tokens, in the order transformers 5 lets them win."""
    config = tokenizer_config_beside(repo, path)
    if map_is_read(config):
        return "special_tokens_map.json", "tokenizer_config.json"
    return "tokenizer_config.json", "special_tokens_map.json"


def declared_token(repo: Repo, path: str, attr: str) -> tuple[str, str] | None:
    """(file, token) declaring ``attr`` beside ``path``, from the file whose value transformers
    loads (see ``loaded_from``)."""
    for name in loaded_from(repo, path):
        doc = _json_beside(repo, path, name)
        if isinstance(doc, dict) and attr in doc:
            token = content_of(doc[attr])
            return (name, token) if token is not None else None
    return None


def overridden(repo: Repo, path: str, doc: Any) -> frozenset[str]:
    """Keys of this tokenizer_config.json or special_tokens_map.json whose value transformers
    does not load, because the other file's value for the same key wins."""
    name = path.rpartition("/")[2]
    first, second = loaded_from(repo, path)
    if name != second or not isinstance(doc, dict):
        return frozenset()
    other = _json_beside(repo, path, first)
    if name == "special_tokens_map.json" and not map_is_read(tokenizer_config_beside(repo, path)):
        return frozenset(doc)  # transformers 5 does not read the map at all
    return frozenset(doc) & frozenset(other) if isinstance(other, dict) else frozenset()
