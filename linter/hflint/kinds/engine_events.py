"""Kind ``engine``: what the engine itself finds (HF001-HF005).

HF001 also receives every Unanalysable that other kinds report; that mapping lives in
``hflint.engine`` because it needs the results of all rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from hflint.kinds.base import Result, no_extra_validation
from hflint.repo import Repo
from hflint.rule import Rule

EVENTS = ("scan-error", "lfs-pointer", "symlink-escape", "unused-suppression", "expired-suppression")
_REPO_EVENT = {"scan-error": "unreadable", "lfs-pointer": "lfs-pointer", "symlink-escape": "symlink-escape"}

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {"event": {"enum": list(EVENTS)}},
    "required": ["event"],
    "additionalProperties": False,
}
FIELDS = frozenset({"detail"})
validate = no_extra_validation


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    # Suppression events come from the decision stage (hflint.engine._Decisions), after
    # every check has run; there is nothing to list for them here.
    wanted = _REPO_EVENT.get(rule.params["event"])
    for event in repo.events:
        if event.kind == wanted:
            yield rule.finding(event.path, detail=event.detail)
