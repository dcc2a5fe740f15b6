"""Kind ``tflite-model``: TFLite flatbuffers (HF616-HF618), read with hflint's bounded
flatbuffer reader from TFLite's published schema (hflint.formats.tflite_model).

``params.check``: ``flex-ops`` reports Flex operators (TensorFlow kernels run through the
Flex delegate) whose TensorFlow op - named by ``custom_code`` or, as the delegate reads it,
by the NodeDef in the operator's custom options - is in ``params.categories`` of the TF op
policy (``rules/data/tf-ops.yaml``); ``custom-ops`` reports other custom operators (a
library must be registered to run them); ``unanalysable`` a file that does not parse.
The pack selects the files: named ``.tflite``/``.lite``, or whose content is a TFLite
flatbuffer whatever their name (``formats: [tflite]``: the ``TFL3`` file identifier, which
the interpreter reads); builtin operators are never reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from hflint.formats.oppolicy import load_policy, validate_policy
from hflint.formats.reporting import params_schema, report
from hflint.formats.tflite_model import FLEX_PREFIX, FlatError, TFLiteInfo, read_tflite
from hflint.kinds.base import Result, each_file
from hflint.repo import CannotAnalyse, Repo
from hflint.rule import Rule

PARAMS_SCHEMA = params_schema(["flex-ops", "custom-ops", "unanalysable"], limits=False)
FIELDS = frozenset({"detail", "pointer"})
DEFAULT_POLICY = "hflint:data/tf-ops.yaml"


def validate(rule: Rule) -> list[str]:
    if rule.params.get("check") != "flex-ops":
        return []
    return validate_policy(rule.data_file(rule.params.get("policy", DEFAULT_POLICY)), rule.params.get("categories"))


def parsed(repo: Repo, path: str) -> TFLiteInfo:
    def parse() -> TFLiteInfo:
        with repo.open(path) as fh:
            try:
                return read_tflite(fh)
            except FlatError as exc:
                raise CannotAnalyse(f"not a TFLite model hflint can read: {exc}") from None

    return repo.cached(path, "hflint.formats.tflite", parse)


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    def findings(path: str, info: TFLiteInfo) -> Iterator[Result]:
        return _flex(rule, path, info) if rule.params["check"] == "flex-ops" else _custom(rule, path, info)

    def check_file(path: str) -> Iterator[Result]:
        return report(rule, repo, path, lambda: parsed(repo, path), lambda info: findings(path, info))

    yield from each_file(rule, repo, check_file, covered_by="tflite-model")


def _flex(rule: Rule, path: str, info: TFLiteInfo) -> Iterator[Result]:
    policy = load_policy(rule.data_file(rule.params.get("policy", DEFAULT_POLICY)))
    wanted = set(rule.params.get("categories", ()))
    for use in info.flex:
        named = use.code.removeprefix(FLEX_PREFIX)
        for op in dict.fromkeys((use.op, named)):  # what runs first, then what the code claims
            entry = policy.ops.get(op)
            if entry is None or entry.category not in wanted:
                continue
            claim = f" (its custom_code says {use.code!r})" if op != named else ""
            runs = "runs" if op == use.op else "is named"
            yield rule.finding(path, pointer=use.where, detail=f"Flex operator {runs} TensorFlow op {op}{claim}: "
                                                               f"{entry.reason}")
            break


def _custom(rule: Rule, path: str, info: TFLiteInfo) -> Iterator[Result]:
    for code in info.codes:
        if code.custom is not None and not code.custom.startswith(FLEX_PREFIX):
            yield rule.finding(path, pointer=f"/operator_codes/{code.slot}",
                               detail=f"custom operator {code.custom!r} needs a custom-operator library to run")
