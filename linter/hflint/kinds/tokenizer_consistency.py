"""Kind ``tokenizer-consistency``: tokens against the vocabulary and the model (HF206, HF207).

``check: special-tokens`` (HF206): each special token declared in tokenizer_config.json or
special_tokens_map.json (in the file whose value transformers loads:
``hflint.tokenfiles.special.loaded_from``) must be in the vocabulary or the added tokens
(transformers silently adds a missing one with the next free id); each
``<name>_token_id`` in config.json (and its ``text_config``) or generation_config.json must
be the id of the token the tokenizer declares for ``<name>_token`` (a list: one of them).

``check: vocab-size`` (HF207): no token id at or above config.json ``vocab_size``
(``text_config.vocab_size`` when the top level has none) in tokenizer.json (vocabulary and
added tokens), tokenizer_config.json ``added_tokens_decoder`` or added_tokens.json. Fewer
tokens than vocab_size is normal padding and is not reported (transformers#4875,
#12763, #26714).

Files are paired by folder: the tokenizer and config.json must sit side by side.

Fix ``special-token-id`` (HF206 on config.json and generation_config.json): a single
``<name>_token_id`` set to the id the tokenizer gives the token it declares for ``<name>``;
a list of ids, or a token missing from the vocabulary, is a person's to correct.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hflint.finding import Region
from hflint.fixes.edits import Fix
from hflint.jsonfile import locate, pointer
from hflint.kinds.base import Result, each_file, no_extra_validation
from hflint.repo import CannotAnalyse, Repo
from hflint.rule import Rule
from hflint.tokenfiles.locate import lines_in
from hflint.tokenfiles.special import (
    SPECIAL_ATTRS,
    content_of,
    declared,
    declared_token,
    overridden,
    vocabulary_near,
)
from hflint.tokenfiles.vocab import sibling

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "check": {"enum": ["special-tokens", "vocab-size"]},
        "max-findings": {"type": "integer", "minimum": 1},
    },
    "required": ["check"],
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "pointer"})
validate = no_extra_validation
Where = tuple[str | int, ...]
# (where, detail, and for a wrong special token id: the id the tokenizer gives, the token,
# the file declaring it; what the fix sets)
Problem = tuple[Where, str, tuple[int, str, str] | None]
_CONFIGS = ("config.json", "generation_config.json")


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def special_tokens(repo: Repo, path: str, doc: Any) -> Iterator[Problem]:
    vocab = vocabulary_near(repo, path)
    if vocab is None or not isinstance(doc, dict):
        return
    name = path.rpartition("/")[2]
    if name not in _CONFIGS:
        skip = overridden(repo, path, doc)
        for where, value in declared(doc):
            if where[0] in skip:
                continue  # transformers loads the other file's value, not this one
            token = content_of(value)
            if token is not None and token not in vocab:
                yield (
                    where,
                    (
                        f"special token {token!r} is in neither {vocab.source} nor its added tokens; "
                        "transformers silently adds it with a new, untrained id"
                    ),
                    None,
                )
        return
    sections: list[tuple[tuple[str | int, ...], dict[str, Any]]] = [((), doc)]
    if name == "config.json" and isinstance(doc.get("text_config"), dict):
        sections.append((("text_config",), doc["text_config"]))
    for prefix, section in sections:
        for attr in SPECIAL_ATTRS:
            declared_id: Any = section.get(f"{attr}_id")
            raw = declared_id if isinstance(declared_id, list) else [declared_id]
            ids: list[int] = [i for i in raw if _is_id(i)]
            if not ids or len(ids) != len(raw):
                continue  # null, or wrong types (HF202/HF203's)
            found = declared_token(repo, path, attr)
            if found is None:
                continue
            source, token = found
            expected = vocab.id_of(token)
            if expected is None or expected in ids:
                continue  # a token missing from the vocabulary is reported on its own file
            shown = ids[0] if len(ids) == 1 else ids
            tokens = [vocab.token_of(i) for i in ids[:3]]
            actual = ", ".join("no token of the vocabulary" if t is None else repr(t) for t in tokens)
            yield (
                (*prefix, f"{attr}_id"),
                (f"{attr}_id {shown} is {actual}, but {source} declares {attr} {token!r} (id {expected})"),
                None if isinstance(declared_id, list) else (expected, token, source),
            )


def _vocab_size(repo: Repo, path: str) -> int | None:
    config = sibling(path, "config.json")
    if not repo.exists(config) or repo.is_lfs_pointer(config):
        return None
    try:
        doc = repo.json(config)
    except CannotAnalyse:
        return None
    if not isinstance(doc, dict):
        return None
    size: Any = doc.get("vocab_size")
    if not _is_id(size) and isinstance(doc.get("text_config"), dict):
        size = doc["text_config"].get("vocab_size")
    return int(size) if _is_id(size) and int(size) > 0 else None


def too_large(repo: Repo, path: str, doc: Any) -> Iterator[Problem]:
    size = _vocab_size(repo, path)
    if size is None or not isinstance(doc, dict):
        return
    name = path.rpartition("/")[2]
    why = f"at or above config.json vocab_size {size}: the embedding matrix has no row for it"
    if name == "tokenizer.json":
        model = doc.get("model")
        vocab = model.get("vocab") if isinstance(model, dict) else None
        if isinstance(vocab, dict):
            ids = vocab.values()
            # every id an int below the size (a bool's type is bool): decided at C speed
            below = set(map(type, ids)) <= {int} and max(ids, default=-1) < size
            for token, token_id in () if below else vocab.items():
                if _is_id(token_id) and token_id >= size:
                    yield ("model", "vocab", token), f"token {token!r} has id {token_id}, {why}", None
        elif isinstance(vocab, list) and len(vocab) > size:
            for index in range(size, len(vocab)):
                entry = vocab[index]
                token = entry[0] if isinstance(entry, list) and entry else entry
                yield ("model", "vocab", index), f"token {token!r} has id {index}, {why}", None
        in_vocab = vocab if isinstance(vocab, dict) else {}
        entries = doc.get("added_tokens")
        for index, entry in enumerate(entries if isinstance(entries, list) else ()):
            if not isinstance(entry, dict) or in_vocab.get(entry.get("content")) == entry.get("id"):
                continue  # reported above, under its vocabulary entry
            if _is_id(entry.get("id")) and entry["id"] >= size:
                yield ("added_tokens", index), f"added token {entry.get('content')!r} has id {entry['id']}, {why}", None
    elif name == "tokenizer_config.json":
        decoder = doc.get("added_tokens_decoder")
        for key, entry in decoder.items() if isinstance(decoder, dict) else ():
            if key.isdigit() and int(key) >= size:
                yield ("added_tokens_decoder", key), f"added token {content_of(entry)!r} has id {key}, {why}", None
    else:  # added_tokens.json: {token: id}
        for token, token_id in doc.items():
            if _is_id(token_id) and token_id >= size:
                yield (token,), f"added token {token!r} has id {token_id}, {why}", None


def _id_fix(rule: Rule, repo: Repo, path: str, where: Where, found: tuple[int, str, str] | None) -> Fix | None:
    if rule.fix is None:
        return None
    if found is None:
        return rule.cannot_fix("a person corrects the token or its id")
    expected, token, source = found
    from hflint.fixes.jsonedit import set_value

    edit = set_value(repo, path, where, expected)
    if edit is None:
        return rule.cannot_fix("the id cannot be changed in place; edit it by hand")
    return rule.propose(f"{where[-1]} -> {expected} (the id of {token!r}, as {source} declares)", (edit,))


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    limit: int = rule.params.get("max-findings", 20)
    produce = special_tokens if rule.params["check"] == "special-tokens" else too_large

    def check_file(path: str) -> Iterator[Result]:
        doc = repo.json(path)
        found: list[Problem] = []
        extra = 0
        for item in produce(repo, path, doc):
            if len(found) < limit:
                found.append(item)
            else:
                extra += 1
        text = repo.text(path)
        lines = _lines(text, [w for w, _, _ in found])
        for where, detail, expected in found:
            line = lines.get(where)
            fix = _id_fix(rule, repo, path, where, expected) if rule.params["check"] == "special-tokens" else None
            yield rule.finding(path, region=Region(line) if line else None, pointer=pointer(*where), detail=detail,
                               fix=fix)
        if extra:
            yield rule.finding(path, detail=f"{extra} more tokens like these not shown")

    yield from each_file(rule, repo, check_file, covered_by="json-parse")


def _lines(text: str, where: list[tuple[str | int, ...]]) -> dict[tuple[str | int, ...], int]:
    out: dict[tuple[str | int, ...], int] = {}
    vocab_keys = {w[2] for w in where if w[:2] == ("model", "vocab") and len(w) == 3}
    in_vocab = lines_in(text, "/model/vocab", vocab_keys)
    for w in where:
        if w[:2] == ("model", "vocab") and len(w) == 3 and w[2] in in_vocab:
            out[w] = in_vocab[w[2]]
        else:
            located = locate(text, pointer(*w))
            if located:
                out[w] = located[0]
    return out
