"""Kind ``tokenizer-json``: tokenizer.json structure the tokenizers library refuses (HF204).

The checks are in ``hflint.tokenfiles.structure``. The file is parsed once (``repo.json``,
shared with HF201 and the consistency rules); a file too deeply nested to parse is HF201's.
Findings carry the JSON pointer and line; lines inside the vocabulary, merges and added
tokens are found in one pass per container (``hflint.tokenfiles.locate``).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from hflint.finding import Region
from hflint.jsonfile import locate, pointer
from hflint.kinds.base import Result, each_file, no_extra_validation
from hflint.repo import Repo
from hflint.rule import Rule
from hflint.tokenfiles.locate import lines_in
from hflint.tokenfiles.special import tokenizer_config_beside
from hflint.tokenfiles.structure import Tokens, problems

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {"max-findings": {"type": "integer", "minimum": 1}},
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "pointer"})
validate = no_extra_validation
_CONTAINERS = (("model", "vocab"), ("model", "merges"), ("added_tokens",))


def lines_for(text: str, where: list[Tokens]) -> dict[Tokens, int]:
    """Line of each pointer: big containers in one pass each, the rest one by one."""
    out: dict[Tokens, int] = {}
    for container in _CONTAINERS:
        inside = [w for w in where if len(w) > len(container) and w[: len(container)] == container]
        keys = {w[len(container)] for w in inside}
        found = lines_in(text, pointer(*container), keys)
        for w in inside:
            if w[len(container)] in found:
                out[w] = found[w[len(container)]]
    for w in where:
        if w not in out:
            located = locate(text, pointer(*w))
            if located is not None:
                out[w] = located[0]
    return out


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    limit: int = rule.params.get("max-findings", 50)

    def check_file(path: str) -> Iterator[Result]:
        doc = repo.json(path)
        config = tokenizer_config_beside(repo, path)
        # transformers 5.25 tokenization_utils_base.py _from_pretrained (legacy branch)
        legacy = config is not None and not (isinstance(config, dict) and "added_tokens_decoder" in config)
        try:
            found = list(islice(problems(doc, needs_added_tokens=legacy), limit + 1))
        except RecursionError:
            found = [((), "nesting is too deep to check")]
        shown = found[:limit]
        lines = lines_for(repo.text(path), [w for w, _ in shown])
        for where, detail in shown:
            line = lines.get(where)
            region = Region(line) if line else None
            yield rule.finding(path, region=region, pointer=pointer(*where) or "/", detail=detail)
        if len(found) > limit:
            yield rule.finding(path, detail=f"more than {limit} problems; fix these and run again")

    yield from each_file(rule, repo, check_file, covered_by="json-parse")
