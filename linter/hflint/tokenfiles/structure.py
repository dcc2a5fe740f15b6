"""What the tokenizers library refuses, or loads wrongly, in tokenizer.json (HF204).

Rules from tokenizers' serde structs (``tokenizer/serialization.rs``,
``models/*/serialization.rs``, ``added_vocabulary.rs``), verified with tokenizers 0.22 and
0.23 ``Tokenizer.from_str`` (hf-conventions.md section 3.1):

* only the nine top-level keys; any other key fails with "expected ',' or '}'";
* ``version`` is the string "1.0" ("Unknown tokenizer version");
* ``model`` present ("Model missing") with a known ``type``, or untagged;
* BPE needs ``vocab`` and ``merges``; each merge is ``[a, b]`` or the legacy ``"a b"``, and
  a, b and the merged token must be in the vocabulary ("Token 'x' out of vocabulary"); the
  continuing-subword prefix is dropped from b when merging; ``dropout`` in [0, 1];
* WordPiece needs ``unk_token``, ``continuing_subword_prefix``, ``max_input_chars_per_word``;
  WordLevel ``unk_token``; Unigram a list of [token, score] and ``unk_id`` inside it;
* vocabulary ids are non-negative integers (u32); duplicate ids are reported (the library
  keeps one token per id silently);
* ``added_tokens`` is a list of objects with ``id`` (u32), ``content`` and the five flags
  (a missing flag fails: "missing field 'single_word'"); an added token whose content is in
  the vocabulary under another id silently takes the vocabulary id;
* normalizer, pre_tokenizer, post_processor and decoder are null or objects whose ``type``
  tokenizers knows (unknown types fail "did not match any variant of untagged enum"); serde
  also accepts a component written as a list of its tag and fields, which some components
  load and others do not (it depends on the Rust struct), so a list is not checked;
* ``truncation`` and ``padding`` are null or objects with the fields that have no default
  (a missing one fails "missing field `max_length`"), or lists of all 4 / 6 fields;
* ``added_tokens`` is present when transformers reads it (``needs_added_tokens``: the
  tokenizer_config.json beside has no ``added_tokens_decoder``, so transformers 5 pops
  ``added_tokens`` from tokenizer.json and fails with KeyError without it).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

from hflint.tokenfiles import mergecheck

Tokens = tuple[str | int, ...]
Problem = tuple[Tokens, str]

TOP_LEVEL = (
    "version",
    "truncation",
    "padding",
    "added_tokens",
    "normalizer",
    "pre_tokenizer",
    "post_processor",
    "decoder",
    "model",
)
# Fields of TruncationParams / PaddingParams without a serde default (tokenizers 0.23,
# utils/truncation.rs and utils/padding.rs; each missing one fails "missing field").
_PARAMS_FIELDS = {
    "truncation": ("max_length", "strategy", "stride"),
    "padding": ("strategy", "direction", "pad_id", "pad_type_id", "pad_token"),
}
_PARAMS_LENGTH = {"truncation": 4, "padding": 6}  # direction, max_length, strategy, stride / + pad fields
ADDED_FIELDS = ("id", "content", "single_word", "lstrip", "rstrip", "normalized", "special")
# Serde type tags; the class names in tokenizers 0.22's Python modules, which serialise as these.
COMPONENT_TYPES = {
    "normalizer": {
        "BertNormalizer",
        "ByteLevel",
        "Lowercase",
        "NFC",
        "NFD",
        "NFKC",
        "NFKD",
        "Nmt",
        "Precompiled",
        "Prepend",
        "Replace",
        "Sequence",
        "Strip",
        "StripAccents",
    },
    "pre_tokenizer": {
        "BertPreTokenizer",
        "ByteLevel",
        "CharDelimiterSplit",
        "Digits",
        "FixedLength",
        "Metaspace",
        "Punctuation",
        "Sequence",
        "Split",
        "UnicodeScripts",
        "Whitespace",
        "WhitespaceSplit",
    },
    "post_processor": {"BertProcessing", "ByteLevel", "RobertaProcessing", "Sequence", "TemplateProcessing"},
    "decoder": {
        "BPEDecoder",
        "ByteFallback",
        "ByteLevel",
        "CTC",
        "Fuse",
        "Metaspace",
        "Replace",
        "Sequence",
        "Strip",
        "WordPiece",
    },
}
MODEL_TYPES = ("BPE", "WordPiece", "WordLevel", "Unigram")
REQUIRED = {
    "BPE": ("vocab", "merges"),
    "WordPiece": ("vocab", "unk_token", "continuing_subword_prefix", "max_input_chars_per_word"),
    "WordLevel": ("vocab", "unk_token"),
    "Unigram": ("vocab",),
}


def _is_u32(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**32


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def problems(doc: Any, *, needs_added_tokens: bool = False) -> Iterator[Problem]:
    if not isinstance(doc, dict):
        yield (), f"the top level must be an object, not {_kind(doc)}"
        return
    for key in doc:
        if key not in TOP_LEVEL:
            yield (key,), f"unknown top-level key '{key}': the tokenizers library refuses the file"
    if "version" in doc and doc["version"] != "1.0":
        yield ("version",), f'version must be the string "1.0", not {doc["version"]!r}'
    yield from _components(doc)
    vocab_ids = yield from _model(doc)
    if needs_added_tokens and "added_tokens" not in doc:
        yield (), "has no added_tokens: transformers reads them when tokenizer_config.json has no " \
                  "added_tokens_decoder, and fails (KeyError)"
    yield from _added(doc, vocab_ids)


def _components(doc: dict[str, Any]) -> Iterator[Problem]:
    for key, known in COMPONENT_TYPES.items():
        stack: list[tuple[Tokens, Any]] = [((key,), doc.get(key))]
        while stack:
            where, value = stack.pop()
            if value is None or isinstance(value, list):
                continue  # serde also reads a struct from the list of its fields, in order
            if not isinstance(value, dict):
                yield where, f"{key} must be null or an object, not {_kind(value)}"
                continue
            kind = value.get("type")
            if kind not in known:
                yield (*where, "type"), f"unknown {key} type {kind!r} (known: {', '.join(sorted(known))})"
            for field, children in value.items():
                if kind == "Sequence" and isinstance(children, list) and len(where) < 8:
                    stack.extend(((*where, field, i), child) for i, child in enumerate(children))
    for key, required in _PARAMS_FIELDS.items():
        value = doc.get(key)
        if isinstance(value, list):
            # serde reads a struct from the list of all its fields, in declaration order
            if len(value) != _PARAMS_LENGTH[key]:
                yield (key,), f"{key} is a list of {len(value)} values, but the tokenizers library reads " \
                              f"it only as all {_PARAMS_LENGTH[key]} fields of the struct, in order"
            continue
        if value is None:
            continue
        if not isinstance(value, dict):
            yield (key,), f"{key} must be null or an object, not {_kind(value)}"
            continue
        missing = [f for f in required if f not in value]
        if missing:
            yield (key,), f"{key} has no {', '.join(missing)}: the tokenizers library refuses the file " \
                          f"(\"missing field `{missing[0]}`\")"


def _model(doc: dict[str, Any]) -> Generator[Problem, None, dict[str, Any]]:
    """Checks the model; returns {token: id} for the added-token checks."""
    model = doc.get("model")
    if model is None:
        yield (), "no 'model': the tokenizers library refuses the file (\"Model missing\")"
        return {}
    if not isinstance(model, dict):
        yield ("model",), f"model must be an object, not {_kind(model)}"
        return {}
    kind = model.get("type", _untagged(model))
    if kind not in MODEL_TYPES:
        yield ("model", "type"), f"unknown model type {kind!r} (known: {', '.join(MODEL_TYPES)})"
        return {}
    for field in REQUIRED[kind]:
        if field not in model:
            yield ("model",), f"{kind} model has no '{field}'"
    if kind == "Unigram":
        return (yield from _unigram(model))
    vocab = model.get("vocab")
    if not isinstance(vocab, dict):
        if "vocab" in model:
            yield ("model", "vocab"), f"{kind} vocab must be an object of token: id, not {_kind(vocab)}"
        return {}
    yield from _vocab_ids(vocab)
    unk = model.get("unk_token")
    if unk is not None and not isinstance(unk, str):
        yield ("model", "unk_token"), f"unk_token must be a string or null, not {_kind(unk)}"
    elif isinstance(unk, str) and unk not in vocab:
        yield ("model", "unk_token"), f"unk_token {unk!r} is not in the vocabulary"
    if kind == "BPE":
        yield from _bpe(model, vocab)
    return vocab


def _untagged(model: dict[str, Any]) -> str:
    """tokenizers' ModelUntagged order: BPE, WordPiece, WordLevel, Unigram."""
    if isinstance(model.get("vocab"), list):
        return "Unigram"
    if "merges" in model:
        return "BPE"
    if "continuing_subword_prefix" in model or "max_input_chars_per_word" in model:
        return "WordPiece"
    return "WordLevel"


def _vocab_ids(vocab: dict[str, Any]) -> Iterator[Problem]:
    ids = vocab.values()
    # The common case at C speed (a 128k vocabulary in ~3 ms): every id an int (a bool's type
    # is bool), in u32 range, none repeated. Anything else is walked to say what and where.
    if not vocab or (set(map(type, ids)) <= {int} and len(set(ids)) == len(vocab) and min(ids) >= 0
                     and max(ids) < 2**32):
        return
    seen: dict[int, str] = {}
    for token, token_id in vocab.items():
        if not _is_u32(token_id):
            yield ("model", "vocab", token), f"the id of {token!r} must be a non-negative integer, not {token_id!r}"
        elif token_id in seen:
            yield ("model", "vocab", token), f"{token!r} has id {token_id}, already the id of {seen[token_id]!r}"
        else:
            seen[token_id] = token


def _bpe(model: dict[str, Any], vocab: dict[str, Any]) -> Iterator[Problem]:
    dropout = model.get("dropout")
    if dropout is not None and (
        isinstance(dropout, bool) or not isinstance(dropout, int | float) or not 0 <= dropout <= 1
    ):
        yield ("model", "dropout"), f"dropout must be null or a number in [0, 1], not {dropout!r}"
    merges = model.get("merges")
    if not isinstance(merges, list):
        if merges is not None:
            yield ("model", "merges"), f"merges must be a list, not {_kind(merges)}"
        return
    raw_prefix = model.get("continuing_subword_prefix")
    prefix = raw_prefix if isinstance(raw_prefix, str) else ""
    if not prefix and mergecheck.all_in_vocab(merges, vocab):
        return
    for index, merge in enumerate(merges):
        where: Tokens = ("model", "merges", index)
        if isinstance(merge, str):
            parts = merge.split(" ")
            if len(parts) != 2:
                yield where, f"legacy merge {merge!r} is not two tokens separated by one space"
                continue
        elif isinstance(merge, list) and len(merge) == 2 and all(isinstance(p, str) for p in merge):
            parts = merge
        else:
            yield where, f'a merge must be [a, b] or "a b", not {merge!r:.60}'
            continue
        a, b = parts
        merged = a + (b[len(prefix) :] if prefix and b.startswith(prefix) else b)
        missing = [t for t in (a, b, merged) if t not in vocab]
        if missing:
            yield where, f"merge {a!r} + {b!r}: {missing[0]!r} is not in the vocabulary"


def _unigram(model: dict[str, Any]) -> Generator[Problem, None, dict[str, Any]]:
    vocab = model.get("vocab")
    if not isinstance(vocab, list):
        if "vocab" in model:
            yield ("model", "vocab"), f"Unigram vocab must be a list of [token, score], not {_kind(vocab)}"
        return {}
    tokens: dict[str, int] = {}
    for index, entry in enumerate(vocab):
        ok = isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
        if not ok or isinstance(entry[1], bool) or not isinstance(entry[1], int | float):
            yield ("model", "vocab", index), f"Unigram vocab entries are [token, score], not {entry!r:.60}"
            continue
        tokens.setdefault(entry[0], index)
    unk = model.get("unk_id")
    if unk is not None and (not _is_u32(unk) or unk >= len(vocab)):
        yield ("model", "unk_id"), f"unk_id {unk!r} is not an index of the {len(vocab)}-entry vocabulary"
    return tokens


def _added(doc: dict[str, Any], vocab: dict[str, Any]) -> Iterator[Problem]:
    added = doc.get("added_tokens", [])
    if not isinstance(added, list):
        yield ("added_tokens",), f"added_tokens must be a list, not {_kind(added)}"
        return
    seen: dict[int, str] = {}
    for index, entry in enumerate(added):
        where: Tokens = ("added_tokens", index)
        if not isinstance(entry, dict):
            yield where, f"an added token must be an object, not {_kind(entry)}"
            continue
        missing = [f for f in ADDED_FIELDS if f not in entry]
        if missing:
            yield where, f"added token has no {', '.join(missing)}"
        token_id, content = entry.get("id"), entry.get("content")
        if "id" in entry and not _is_u32(token_id):
            yield (*where, "id"), f"added token id must be a non-negative integer, not {token_id!r}"
            continue
        if "content" in entry and not isinstance(content, str):
            yield (*where, "content"), f"added token content must be a string, not {_kind(content)}"
            continue
        bad = [f for f in ADDED_FIELDS[2:] if f in entry and not isinstance(entry[f], bool)]
        if bad:
            yield (*where, bad[0]), f"added token {bad[0]} must be true or false"
        if not isinstance(token_id, int) or not isinstance(content, str):
            continue
        if token_id in seen and seen[token_id] != content:
            yield (*where, "id"), f"added token {content!r} has id {token_id}, already the id of {seen[token_id]!r}"
        seen.setdefault(token_id, content)
        in_vocab = vocab.get(content)
        if _is_u32(in_vocab) and in_vocab != token_id:
            yield (
                (*where, "id"),
                (
                    f"added token {content!r} has id {token_id} but the vocabulary gives it {in_vocab}; "
                    "the tokenizers library uses the vocabulary id"
                ),
            )
