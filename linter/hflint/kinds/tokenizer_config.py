"""Kind ``tokenizer-config``: tokenizer_config.json and special_tokens_map.json (HF205).

Special tokens are a string, an AddedToken object or null; ``added_tokens_decoder`` maps
token ids written as strings to AddedToken objects that agree (id and content) with the
tokenizer's vocabulary (tokenizer.json, else vocab.json/vocab.txt + added_tokens.json);
``model_max_length`` is an integer; ``chat_template`` is a string or a list of
``{name, template}`` with unique names; ``padding_side``/``truncation_side`` are left or
right. Sources: hf-conventions.md sections 3.2 and 3.4 (transformers
tokenization_utils_base.py; verified: a disagreeing added_tokens_decoder id is replaced by
the tokenizer.json id, a non-object entry raises TypeError).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hflint.finding import Region
from hflint.jsonfile import locate, pointer
from hflint.kinds.base import Result, each_file, no_extra_validation
from hflint.repo import Repo
from hflint.rule import Rule
from hflint.tokenfiles.special import ADDED_TOKEN_FLAGS, TOKEN_LISTS, declared, token_shape_problem, vocabulary_near
from hflint.tokenfiles.vocab import Vocabulary

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {"max-findings": {"type": "integer", "minimum": 1}},
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "pointer"})
validate = no_extra_validation
Problem = tuple[tuple[str | int, ...], str]
_BOOLS = ("clean_up_tokenization_spaces", "add_bos_token", "add_eos_token", "legacy", "do_lower_case")


def problems(doc: Any, vocab: Vocabulary | None, is_config: bool) -> Iterator[Problem]:
    if not isinstance(doc, dict):
        yield (), "the top level must be an object"
        return
    for where, value in declared(doc):
        problem = token_shape_problem(value)
        if problem:
            yield where, f"{'/'.join(map(str, where))} {problem}"
    for key in TOKEN_LISTS:
        if key in doc and not isinstance(doc[key], list | dict) and doc[key] is not None:
            yield (key,), f"{key} must be a list of tokens"
    if not is_config:
        return
    yield from _decoder(doc.get("added_tokens_decoder"), vocab)
    mml = doc.get("model_max_length")
    integral = isinstance(mml, int) or (isinstance(mml, float) and mml.is_integer())
    if "model_max_length" in doc and (isinstance(mml, bool) or not integral or mml < 1):  # type: ignore[operator]
        yield ("model_max_length",), f"model_max_length must be a positive integer, not {mml!r}"
    yield from _chat_template(doc)
    for key in ("padding_side", "truncation_side"):
        if key in doc and doc[key] not in ("left", "right"):
            yield (key,), f'{key} must be "left" or "right", not {doc[key]!r}'
    for key in _BOOLS:
        if key in doc and doc[key] is not None and not isinstance(doc[key], bool):
            yield (key,), f"{key} must be true or false, not {doc[key]!r}"
    if "tokenizer_class" in doc and not isinstance(doc["tokenizer_class"], str | None):
        yield ("tokenizer_class",), "tokenizer_class must be a class name string"


def _decoder(decoder: Any, vocab: Vocabulary | None) -> Iterator[Problem]:
    if decoder is None:
        return
    if not isinstance(decoder, dict):
        yield ("added_tokens_decoder",), 'added_tokens_decoder must be an object of {"<id>": AddedToken}'
        return
    for key, entry in decoder.items():
        where = ("added_tokens_decoder", key)
        if not key.isdigit():
            yield where, f"added_tokens_decoder key {key!r} is not a token id"
            continue
        if not isinstance(entry, dict):
            yield (
                where,
                f"added_tokens_decoder[{key}] must be an object (transformers raises TypeError), not {entry!r:.40}",
            )
            continue
        content = entry.get("content")
        if not isinstance(content, str):
            yield where, f"added_tokens_decoder[{key}] has no string 'content'"
            continue
        bad = [f for f in ADDED_TOKEN_FLAGS if f in entry and not isinstance(entry[f], bool)]
        if bad:
            yield (*where, bad[0]), f"added_tokens_decoder[{key}].{bad[0]} must be true or false"
        if vocab is None:
            continue
        actual = vocab.id_of(content)
        if actual is None:
            yield where, f"{content!r} (id {key}) is not in {vocab.source}; transformers would add it with a new id"
        elif actual != int(key):
            yield where, f"{content!r} is declared with id {key} but {vocab.source} gives it id {actual}, which wins"


def _chat_template(doc: dict[str, Any]) -> Iterator[Problem]:
    if "chat_template" not in doc or doc["chat_template"] is None or isinstance(doc["chat_template"], str):
        return
    value = doc["chat_template"]
    if not isinstance(value, list):
        yield ("chat_template",), "chat_template must be a string or a list of {name, template}"
        return
    names: set[str] = set()
    for index, entry in enumerate(value):
        where = ("chat_template", index)
        ok = isinstance(entry, dict) and isinstance(entry.get("name"), str) and isinstance(entry.get("template"), str)
        if not ok:
            yield where, 'each named chat template must be {"name": str, "template": str}'
        elif entry["name"] in names:
            yield (*where, "name"), f"chat template name {entry['name']!r} is used twice (the last one wins)"
        else:
            names.add(entry["name"])


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    limit: int = rule.params.get("max-findings", 50)

    def check_file(path: str) -> Iterator[Result]:
        doc = repo.json(path)
        is_config = path.rpartition("/")[2] == "tokenizer_config.json"
        vocab = vocabulary_near(repo, path) if is_config else None
        text = repo.text(path)
        for where, detail in list(problems(doc, vocab, is_config))[:limit]:
            ptr = pointer(*where) or "/"
            located = locate(text, ptr)
            yield rule.finding(path, region=Region(located[0]) if located else None, pointer=ptr, detail=detail)

    yield from each_file(rule, repo, check_file, covered_by="json-parse")
