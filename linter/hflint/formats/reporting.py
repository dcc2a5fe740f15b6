"""What the model-format kinds (onnx-model, tf-graph, tflite-model) share: their params
schema, the way a file's parse becomes findings or an "unanalysable" finding, and the cap on
findings per file (also used by keras-model); and how every format kind's "not this format"
finding defers to the pickle rules (also gguf-header, keras-model)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from hflint.formats.oppolicy import POLICY_PARAMS
from hflint.formats.protowire import Limits
from hflint.kinds.base import Consequence, Result
from hflint.kinds.base import capped as cap_results
from hflint.repo import CannotAnalyse, Repo
from hflint.rule import Rule

T = TypeVar("T")

LIMIT_PARAMS = {
    "type": "object",
    "properties": {
        "max-fields": {"type": "integer", "minimum": 1},
        "max-depth": {"type": "integer", "minimum": 1},
        "max-string": {"type": "integer", "minimum": 1},
        "max-seconds": {"type": "number", "exclusiveMinimum": 0},
    },
    "additionalProperties": False,
}


def params_schema(checks: list[str], *, limits: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {"check": {"enum": checks}, **POLICY_PARAMS,
                                  "max-findings": {"type": "integer", "minimum": 1}}
    if limits:
        properties["limits"] = LIMIT_PARAMS
    return {"type": "object", "required": ["check"], "properties": properties, "additionalProperties": False}


def limits_of(params: dict[str, Any]) -> Limits:
    raw = params.get("limits", {})
    default = Limits()
    return Limits(raw.get("max-fields", default.max_fields), raw.get("max-depth", default.max_depth),
                  raw.get("max-string", default.max_string), raw.get("max-seconds", default.max_seconds))


def report(rule: Rule, repo: Repo, path: str, parse: Callable[[], T],
           findings: Callable[[T], Iterable[Result]]) -> Iterator[Result]:
    """``check: unanalysable`` reports a parse that fails (the reason is the finding); any
    other check reports ``findings`` of the parse, at most ``max-findings`` of them."""
    if rule.params["check"] == "unanalysable":
        try:
            parse()
        except CannotAnalyse as exc:
            yield not_this_format(rule, repo, path, exc.reason)
        return
    yield from capped(rule, findings(parse()))


def capped(rule: Rule, results: Iterable[Result]) -> list[Result]:
    """At most ``params.max-findings`` results (20); the last one shown says how many more
    were left out (hflint.kinds.base.capped)."""
    return list(cap_results(results, rule.params.get("max-findings", 20)))


PICKLE_SCAN = "pickle-scan"


def not_this_format(rule: Rule, repo: Repo, path: str, reason: str, pointer: str | None = None) -> Result:
    """A format kind's finding that the file is not its format, naming the format the content
    is when it is another (an ONNX model named .gguf: "...; the file holds onnx content", as
    HF306 does). On pickle-capable content (a pickle or torch zip named ``.gguf``, ``.onnx``...)
    it follows from the pickle rules' finding, HF405's disguise or HF403's broken stream (one
    defect, one finding), and is reported only when none of them reported the file."""
    from hflint.identify import PICKLE_CAPABLE

    other = other_content(rule, repo, path)
    found = rule.finding(path, pointer=pointer, detail=reason + (f"; the file holds {other} content" if other else ""))
    return Consequence(found, PICKLE_SCAN, path) if other in PICKLE_CAPABLE else found


def other_content(rule: Rule, repo: Repo, path: str) -> str | None:
    """The format of the file's content when hflint knows it and it is none of the rule's own
    (``formats:``); None otherwise (a truncated GGUF is still GGUF content)."""
    from hflint.weights.readers import content_format

    try:
        found = content_format(repo, path)
    except CannotAnalyse:
        return None  # HF001 says why the file cannot be read
    return None if found in rule.formats else found
