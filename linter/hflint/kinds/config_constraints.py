"""Kind ``config-constraints``: config values the loaders reject or misread (HF212, HF214,
HF215), from the constraints in ``rules/data/config-constraints.yaml``.

``params.group`` picks the constraints a rule reports (``model-type``, ``rejects`` or
``suspect``); ``params.constraints`` and ``params.fields`` name the constraint file and the
transformers field table (``hflint.configs``). Each finding names the constraint, what the
loader does and the code that does it. A key that an earlier group reports is not reported
by a later one, so a value that fails to load is an HF214 error and not also an HF215
warning.

Fix ``wrap-in-list``: a value a constraint wants as a list of strings and that is one string
(``"architectures": "BertModel"``) becomes that one-element list, in place; any other value
is a person's to correct.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from hflint.configs.constraints import GROUPS, ConstraintError, Violation, load_constraints, violations
from hflint.configs.table import load_table, table_problems
from hflint.fixes.edits import Fix
from hflint.kinds.base import Result, each_file
from hflint.repo import Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "group": {"enum": list(GROUPS)},
        "constraints": {"type": "string", "minLength": 1},
        "fields": {"type": "string", "minLength": 1},
    },
    "required": ["group", "constraints", "fields"],
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "pointer", "constraint", "why", "source"})


def validate(rule: Rule) -> list[str]:
    problems = [f"params.fields: {p}" for p in table_problems(rule.data_file(rule.params["fields"]))]
    try:
        load_constraints(rule.data_file(rule.params["constraints"]))
    except ConstraintError as exc:
        problems.append(f"params.constraints: {exc}")
    return problems


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    constraints = load_constraints(rule.data_file(rule.params["constraints"]))
    table = load_table(rule.data_file(rule.params["fields"]))
    group = rule.params["group"]

    def check_file(path: str) -> Iterator[Result]:
        for v in violations(constraints, table, path, repo.json(path)):
            if v.constraint.group == group:
                yield rule.finding(path, pointer=v.pointer or "/", detail=v.detail, constraint=v.constraint.id,
                                   why=v.constraint.why, source=v.source, fix=_fix(rule, repo, path, v))

    yield from each_file(rule, repo, check_file, covered_by="json-parse")


def _fix(rule: Rule, repo: Repo, path: str, v: Violation) -> Fix | None:
    if rule.fix is None:
        return None
    tokens = tuple(t.replace("~1", "/").replace("~0", "~") for t in v.pointer.split("/")[1:])
    value: object = repo.json(path)
    for token in tokens:
        value = value.get(token) if isinstance(value, dict) else None
    allowed = v.constraint.check.get("json-type")
    if isinstance(value, str) and tokens and isinstance(allowed, list) and "string-array" in allowed:
        from hflint.fixes.jsonedit import set_value

        edit = set_value(repo, path, tokens, [value])
        if edit is not None:
            return rule.propose(f"{tokens[-1]} {json.dumps(value)} -> [{json.dumps(value)}]", (edit,))
    return rule.cannot_fix("a person corrects the value")
