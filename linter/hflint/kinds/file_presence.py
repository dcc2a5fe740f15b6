"""Kind ``file-presence``: files that must exist, or must not (HF101, org packs).

``mode: required``: at least one file matches the rule's ``files`` globs, else one finding at
``report-path`` (the file the user should create). ``mode: forbidden``: every matching file
is a finding. LFS pointers count as present: the file exists, only its content is missing.

Fix ``model-card-template`` (a required README.md): the card huggingface_hub's template
writes, with only the metadata the repository proves (hflint.fixes.cardfacts).
"""

from __future__ import annotations

from collections.abc import Iterator

from hflint.fixes.edits import Fix, create
from hflint.globs import matches
from hflint.kinds.base import Result, no_extra_validation
from hflint.repo import Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "mode": {"enum": ["required", "forbidden"]},
        "report-path": {"type": "string", "minLength": 1},
    },
    "required": ["mode"],
    "additionalProperties": False,
}
FIELDS = frozenset({"patterns"})
validate = no_extra_validation


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    present = [f for f in repo.files if matches(f, rule.files) and not matches(f, rule.exclude)]
    patterns = ", ".join(rule.files)
    if rule.params["mode"] == "forbidden":
        for path in present:
            yield rule.finding(path, patterns=patterns)
    elif not present:
        report = rule.params.get("report-path") or rule.files[0].lstrip("/")
        yield rule.finding(report, patterns=patterns, fix=_create(rule, repo, report) if rule.fix else None)


def _create(rule: Rule, repo: Repo, path: str) -> Fix | None:
    if rule.fix is None or rule.fix.kind != "model-card-template" or path != "README.md":
        return rule.cannot_fix(f"hflint writes no {path} of its own; a person adds it")
    from hflint.fixes import cardfacts, template

    facts = cardfacts.proven(repo)
    shown = ", ".join(f"{k}: {v}" for k, v in facts.items()) or "no metadata the repository proves"
    what = f"README.md written from huggingface_hub's model card template ({shown}); fill in its sections"
    return rule.propose(what, (create(path, template.model_card(facts)),))
