"""Kind ``safetensors-header``: safetensors headers the reference parser rejects, or that
break the format's rules while the parser lets them through (HF306).

The rules and their sources are in ``hflint.weights.safetensors_format``; only the 8-byte
length prefix and the header are read, never the tensor data. The parsed header is cached on
the repo, so the shard rules (HF303-HF305, HF307) reuse this parse.
"""

from __future__ import annotations

from collections.abc import Iterator

from hflint.identify import PICKLE_CAPABLE
from hflint.kinds.base import Consequence, Result, each_file, no_extra_validation
from hflint.repo import Repo
from hflint.rule import Rule
from hflint.weights.readers import content_format, safetensors_header
from hflint.weights.safetensors_format import Problem

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {"max-findings": {"type": "integer", "minimum": 1}},
    "additionalProperties": False,
}
FIELDS = frozenset({"detail"})
validate = no_extra_validation

_NOTE = {
    "parser": "",
    "spec": " (the format forbids this; the safetensors parser accepts it, other readers may not)",
    "limit": "",
}


def detail(problem: Problem) -> str:
    return problem.message + _NOTE[problem.source]


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    limit: int = rule.params.get("max-findings", 20)

    def check_file(path: str) -> Iterator[Result]:
        header = safetensors_header(repo, path)
        problems = header.problems
        # A header the parser cannot read at all: say what the file is instead (by content).
        # Pickle-capable content under this name is HF405's defect (kind pickle-scan): these
        # findings only follow from it, and are reported when that rule did not report it.
        other = content_format(repo, path) if header.tensors is None and header.parser_rejects else None
        for i, problem in enumerate(problems[:limit]):
            note = f"; the file holds {other} content, not safetensors" if other and i == 0 else ""
            found = rule.finding(path, pointer=problem.pointer, detail=detail(problem) + note)
            yield Consequence(found, "pickle-scan", path) if other in PICKLE_CAPABLE else found
        if len(problems) > limit:
            yield rule.finding(path, detail=f"{len(problems) - limit} more problems not shown")

    yield from each_file(rule, repo, check_file)
