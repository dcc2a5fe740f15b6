"""Kind ``json-parse``: JSON files that do not parse (HF201, HF217), with line and column.

``params.special-tokens-map`` (``read`` or ``skipped``) limits a rule to the legacy
special_tokens_map.json files transformers 5 reads (tokenizer_config.json beside has no
``added_tokens_decoder``: HF201, loading fails) or skips (HF217): see
``hflint.tokenfiles.special.map_is_read``. Other files are not affected by it.
"""

from __future__ import annotations

from collections.abc import Iterator

from hflint.finding import Region
from hflint.kinds.base import Result, each_file, no_extra_validation
from hflint.repo import ParseError, Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {"special-tokens-map": {"enum": ["read", "skipped"]}},
    "additionalProperties": False,
}
FIELDS = frozenset({"detail"})
validate = no_extra_validation


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    wanted = rule.params.get("special-tokens-map")

    def check_file(path: str) -> Iterator[Result]:
        if wanted is not None and path.rpartition("/")[2] == "special_tokens_map.json":
            from hflint.tokenfiles.special import map_is_read, tokenizer_config_beside

            read = map_is_read(tokenizer_config_beside(repo, path))
            if read != (wanted == "read"):
                return
        try:
            repo.json(path)
        except ParseError as exc:
            region = Region(exc.line, exc.column) if exc.line else None
            yield rule.finding(path, region=region, detail=exc.reason)

    yield from each_file(rule, repo, check_file)
