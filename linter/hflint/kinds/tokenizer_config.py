"""Kind ``tokenizer-config``: tokenizer_config.json and special_tokens_map.json (HF205, HF216).

``params.level`` picks what a rule reports: ``rejects`` (HF205), what makes
``AutoTokenizer.from_pretrained`` or the first encode raise, or ``suspect`` (HF216), what
loads and goes wrong later. Checked (transformers 5.25 ``tokenization_utils_base.py``
``PreTrainedTokenizerBase.from_pretrained`` / ``_from_pretrained`` / ``__init__``, and the
loader oracle's verdicts):

* special tokens are a string, an AddedToken object or null ("Special token ... has to be
  either str or AddedToken"); token lists are lists or objects ("extra_special_tokens must
  be a list/tuple of tokens or a dict of named tokens");
* ``added_tokens_decoder`` is an object of token ids written as strings (``int(idx)``) to
  AddedToken objects with a string ``content`` ("Found a <class> in the saved
  added_tokens_decoder"); an entry whose id or content disagrees with the vocabulary loads,
  and the vocabulary's id wins (suspect);
* ``model_max_length`` is an integer (a string or a float fails the comparison and the
  truncation that use it); below 1 it loads and truncates everything (suspect);
* ``chat_template`` is a string or a list of ``{name, template}`` (``apply_chat_template``
  fails otherwise); a repeated name loads and the last one wins (suspect);
* ``padding_side``/``truncation_side`` are "left" or "right" (``__init__`` raises);
* the flags BERT-style tokenizers hand to the tokenizers library's ``BertNormalizer``
  (``params.rust-flags``: class -> flags) are booleans, which it requires; other flags
  (``clean_up_tokenization_spaces``, ``add_bos_token``...) are read for their truth value,
  so a non-boolean loads and may mean the opposite (suspect).

special_tokens_map.json is legacy: transformers 5 reads it only when tokenizer_config.json
has no ``added_tokens_decoder``, and then the map's tokens override the config's
(``hflint.tokenfiles.special.loaded_from``). A special token is checked in the file whose
value is loaded; map tokens that only transformers 4 reads (transformers 5 skips the map, and
tokenizer_config.json does not set them) are suspect.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hflint.finding import Region
from hflint.jsonfile import locate, pointer
from hflint.kinds.base import Result, each_file, no_extra_validation
from hflint.repo import Repo
from hflint.rule import Rule
from hflint.tokenfiles.special import (
    ADDED_TOKEN_FLAGS,
    TOKEN_LISTS,
    declared,
    map_is_read,
    overridden,
    token_shape_problem,
    tokenizer_config_beside,
    vocabulary_near,
)
from hflint.tokenfiles.vocab import Vocabulary, sibling

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "level": {"enum": ["rejects", "suspect"]},
        "max-findings": {"type": "integer", "minimum": 1},
        "rust-flags": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "pointer"})
validate = no_extra_validation
REJECTS, SUSPECT = "rejects", "suspect"
Problem = tuple[tuple[str | int, ...], str, str]  # (where, detail, level)
_BOOLS = ("clean_up_tokenization_spaces", "add_bos_token", "add_eos_token", "legacy", "do_lower_case")


def problems(doc: Any, vocab: Vocabulary | None, is_config: bool, rust_flags: dict[str, list[str]],
             skip: frozenset[str] = frozenset(), demote: frozenset[str] = frozenset()) -> Iterator[Problem]:
    """Problems of one file. ``skip``: special-token keys whose value transformers does not
    load (the other file's wins); ``demote``: keys only transformers 4 reads (suspect)."""
    if not isinstance(doc, dict):
        yield (), "the top level must be an object", REJECTS
        return
    for where, value in declared(doc):
        key = str(where[0])
        problem = token_shape_problem(value)
        if problem and key not in skip:
            yield where, f"{'/'.join(map(str, where))} {problem}", SUSPECT if key in demote else REJECTS
    for key in TOKEN_LISTS:
        if key in doc and not isinstance(doc[key], list | dict) and doc[key] is not None and key not in skip:
            yield (key,), f"{key} must be a list of tokens", SUSPECT if key in demote else REJECTS
    if not is_config:
        return
    yield from _decoder(doc.get("added_tokens_decoder"), vocab)
    yield from _max_length(doc)
    yield from _chat_template(doc)
    for key in ("padding_side", "truncation_side"):
        if key in doc and doc[key] not in ("left", "right"):
            yield (key,), f'{key} must be "left" or "right", not {doc[key]!r}', REJECTS
    cls = doc.get("tokenizer_class")
    strict = rust_flags.get(cls.removesuffix("Fast"), ()) if isinstance(cls, str) else ()
    for key in dict.fromkeys((*_BOOLS, *strict)):
        value = doc.get(key)
        if key not in doc or value is None or isinstance(value, bool):
            continue
        if key in strict:
            yield (key,), f"{key} must be true or false, not {value!r}: {cls} passes it to the tokenizers " \
                          "library's BertNormalizer, which raises TypeError", REJECTS
        else:
            yield (key,), f"{key} must be true or false, not {value!r} (it is read for its truth value)", SUSPECT
    if "tokenizer_class" in doc and not isinstance(cls, str | None):
        yield ("tokenizer_class",), "tokenizer_class must be a class name string", REJECTS


def _max_length(doc: dict[str, Any]) -> Iterator[Problem]:
    """transformers passes model_max_length to the tokenizers library as the truncation
    length (an unsigned integer) when it truncates; a value of 1e18 or more means "no limit"
    and is never passed."""
    if "model_max_length" not in doc:
        return
    mml = doc["model_max_length"]
    where = ("model_max_length",)
    if mml is None or (isinstance(mml, float) and mml >= 1e18):
        yield where, f"model_max_length should be an integer, not {mml!r}", SUSPECT
    elif isinstance(mml, bool) or not isinstance(mml, int):
        yield where, f"model_max_length must be an integer, not {mml!r}: truncation fails on it", REJECTS
    elif mml < 0:
        yield where, f"model_max_length must not be negative, not {mml}: truncation fails on it " \
                     "(\"can't convert negative int to unsigned\")", REJECTS
    elif mml == 0:
        yield where, "model_max_length is 0: every input is truncated to nothing", SUSPECT


def _decoder(decoder: Any, vocab: Vocabulary | None) -> Iterator[Problem]:
    if decoder is None:
        return
    if not isinstance(decoder, dict):
        yield ("added_tokens_decoder",), 'added_tokens_decoder must be an object of {"<id>": AddedToken}', REJECTS
        return
    for key, entry in decoder.items():
        where = ("added_tokens_decoder", key)
        if not key.isdigit():
            yield where, f"added_tokens_decoder key {key!r} is not a token id", REJECTS
            continue
        if not isinstance(entry, dict):
            yield (
                where,
                f"added_tokens_decoder[{key}] must be an object (transformers raises TypeError), not {entry!r:.40}",
                REJECTS,
            )
            continue
        content = entry.get("content")
        if not isinstance(content, str):
            yield where, f"added_tokens_decoder[{key}] has no string 'content'", REJECTS
            continue
        bad = [f for f in ADDED_TOKEN_FLAGS if f in entry and not isinstance(entry[f], bool)]
        if bad:
            yield (*where, bad[0]), f"added_tokens_decoder[{key}].{bad[0]} must be true or false", REJECTS
        if vocab is None:
            continue
        actual = vocab.id_of(content)
        if actual is None:
            yield where, f"{content!r} (id {key}) is not in {vocab.source}; transformers would add it with a new id", \
                SUSPECT
        elif actual != int(key):
            yield where, f"{content!r} is declared with id {key} but {vocab.source} gives it id {actual}, which wins", \
                SUSPECT


def _chat_template(doc: dict[str, Any]) -> Iterator[Problem]:
    if "chat_template" not in doc or doc["chat_template"] is None or isinstance(doc["chat_template"], str):
        return
    value = doc["chat_template"]
    if not isinstance(value, list):
        yield ("chat_template",), "chat_template must be a string or a list of {name, template}", REJECTS
        return
    names: set[str] = set()
    for index, entry in enumerate(value):
        where = ("chat_template", index)
        ok = isinstance(entry, dict) and isinstance(entry.get("name"), str) and isinstance(entry.get("template"), str)
        if not ok:
            yield where, 'each named chat template must be {"name": str, "template": str}', REJECTS
        elif entry["name"] in names:
            yield (*where, "name"), f"chat template name {entry['name']!r} is used twice (the last one wins)", SUSPECT
        else:
            names.add(entry["name"])


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    limit: int = rule.params.get("max-findings", 50)
    level = rule.params.get("level", REJECTS)
    rust_flags: dict[str, list[str]] = rule.params.get("rust-flags", {})

    def check_file(path: str) -> Iterator[Result]:
        doc = repo.json(path)
        is_config = path.rpartition("/")[2] == "tokenizer_config.json"
        vocab = vocabulary_near(repo, path) if is_config else None
        skip = overridden(repo, path, doc)
        demote: frozenset[str] = frozenset()
        if not is_config and isinstance(doc, dict) and not map_is_read(config := tokenizer_config_beside(repo, path)):
            # transformers 5 skips the whole map; transformers 4 reads the tokens the config lacks
            demote = frozenset(doc) - (frozenset(config) if isinstance(config, dict) else frozenset())
            skip -= demote
        text = repo.text(path)
        found = [(w, d) for w, d, lvl in problems(doc, vocab, is_config, rust_flags, skip, demote) if lvl == level]
        if level == REJECTS and isinstance(doc, dict) and doc.get("pad_token", 0) is None and "pad_token" not in skip \
                and repo.exists(sibling(path, "modules.json")):
            # sentence-transformers pads every batch ("Asking to pad but the tokenizer does not
            # have a padding token"): sentence-transformers 6.3 base/modules/transformer.py
            # Transformer.preprocess tokenizes text with padding=True
            found.append((("pad_token",), "pad_token is null, but this is a sentence-transformers model, "
                                          "which pads every batch and fails without one"))
        for where, detail in found[:limit]:
            ptr = pointer(*where) or "/"
            located = locate(text, ptr)
            yield rule.finding(path, region=Region(located[0]) if located else None, pointer=ptr, detail=detail)

    yield from each_file(rule, repo, check_file, covered_by="json-parse")
