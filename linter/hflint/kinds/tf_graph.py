"""Kind ``tf-graph``: TensorFlow SavedModels and frozen GraphDefs whose ops run Python,
touch the file system or the network (HF611-HF613), or that cannot be read (HF614).

The pack selects ``saved_model.pb`` and ``*.pb``, and any file whose content is a SavedModel
or a GraphDef whatever its name (hflint.identify.formats_of). ``saved_model.pb`` and content
recognised as a SavedModel are read as one, every other file as a bare GraphDef
(hflint.formats.tf_graph); the op policy is data
(``rules/data/tf-ops.yaml``), and the save/restore ops every SavedModel has are judged by
hflint.formats.tf_ops. TensorFlow is never imported. ``params.check``: ``ops`` (with
``params.categories``) or ``unanalysable``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from hflint.formats.oppolicy import OpPolicy, load_policy, validate_policy
from hflint.formats.protowire import Limits, WireError
from hflint.formats.reporting import limits_of, params_schema, report
from hflint.formats.tf_graph import Graph, read_graph_def, read_saved_model
from hflint.formats.tf_ops import hits
from hflint.identify import TF_SAVED_MODEL, formats_of
from hflint.kinds.base import Result, each_file
from hflint.repo import CannotAnalyse, Repo
from hflint.rule import Rule

PARAMS_SCHEMA = params_schema(["ops", "unanalysable"], limits=True)
FIELDS = frozenset({"detail", "pointer"})
DEFAULT_POLICY = "hflint:data/tf-ops.yaml"
SAVED_MODEL = "saved_model.pb"


def validate(rule: Rule) -> list[str]:
    return validate_policy(rule.data_file(rule.params.get("policy", DEFAULT_POLICY)), rule.params.get("categories"))


def parsed(repo: Repo, path: str, policy: OpPolicy, limits: Limits) -> list[Graph]:
    def parse() -> list[Graph]:
        if path.endswith(".pbtxt"):
            raise CannotAnalyse("a text-format SavedModel (saved_model.pbtxt) is not read by hflint; "
                                "save it as saved_model.pb")
        with repo.open(path) as fh:
            try:
                named = posixpath.basename(path) == SAVED_MODEL
                if named or TF_SAVED_MODEL in formats_of(repo, path):
                    graphs = read_saved_model(fh, policy.attrs_wanted(), limits)
                    if named and not graphs:
                        # An empty or cut file parses as a SavedModel with no MetaGraphDef:
                        # TensorFlow's loader refuses it (no graph for the tags), and a pass
                        # here would say a file was checked that holds nothing to check. Only
                        # by name: other small protos (fingerprint.pb) look alike and are fine.
                        raise CannotAnalyse("the SavedModel holds no MetaGraphDef (an empty or cut file): "
                                            "TensorFlow cannot load it")
                    return graphs
                return read_graph_def(fh, policy.attrs_wanted(), limits)
            except WireError as exc:
                raise CannotAnalyse(f"not a TensorFlow graph hflint can read: {exc}") from None

    return repo.cached(path, f"hflint.formats.tf/{id(policy)}/{limits}", parse)


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    policy = load_policy(rule.data_file(rule.params.get("policy", DEFAULT_POLICY)))
    limits = limits_of(rule.params)
    categories = frozenset(rule.params.get("categories", ()))

    def findings(path: str, graphs: list[Graph]) -> Iterator[Result]:
        for hit in hits(graphs, policy, categories):
            scope = f"function {hit.function!r}" if hit.function is not None else "the graph"
            note = f" ({hit.note})" if hit.note else ""
            detail = f"{hit.node.op} node {hit.node.name!r} in {scope}: {hit.entry.reason}{note}"
            yield rule.finding(path, pointer=hit.node.where, detail=detail)

    def check_file(path: str) -> Iterator[Result]:
        return report(rule, repo, path, lambda: parsed(repo, path, policy, limits), lambda g: findings(path, g))

    yield from each_file(rule, repo, check_file, covered_by="tf-graph")
