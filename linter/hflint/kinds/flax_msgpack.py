"""Kind ``flax-msgpack``: Flax msgpack state dicts that ``flax.serialization.from_bytes``
cannot read (HF313), found by hflint.weights.msgpack_walk without building the tree or
reading tensor bytes.

A file named ``*.msgpack`` is walked when it is empty or starts as flax writes a state dict
(a map whose first key is a string, ``identify.msgpack_map``); any other content is HF600's
(it names what the file holds), so one defect gives one finding. A walk past
``max-objects`` objects or ``max-seconds`` is not a verdict: the file is reported as not
analysed (HF001).
"""

from __future__ import annotations

from collections.abc import Iterator

from hflint.kinds.base import Result, Unanalysable, each_file, no_extra_validation
from hflint.repo import Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "max-objects": {"type": "integer", "minimum": 1},
        "max-seconds": {"type": "number", "exclusiveMinimum": 0},
    },
    "additionalProperties": False,
}
FIELDS = frozenset({"detail"})
validate = no_extra_validation


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    from hflint import identify
    from hflint.weights.msgpack_walk import LimitReached, MsgpackError, walk

    budget: int = rule.params.get("max-objects", 10_000_000)
    seconds: float = rule.params.get("max-seconds", 5.0)

    def check_file(path: str) -> Iterator[Result]:
        size = repo.size(path)
        if size and not identify.msgpack_map(identify.head(repo, path)):
            return
        with repo.open(path) as fh:
            try:
                walk(fh, size, budget, seconds)
            except MsgpackError as exc:
                where = f" (under {exc.where})" if exc.where else ""
                yield rule.finding(path, detail=exc.message + where)
            except LimitReached as exc:
                yield Unanalysable(
                    path, f"{exc} (params.max-objects {budget:,}, max-seconds {seconds:g}): not walked to the end"
                )

    yield from each_file(rule, repo, check_file)
