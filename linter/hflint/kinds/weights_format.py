"""Kind ``weights-format`` (HF404): pickled torch weights with no safetensors equivalent.

A file counts as pickled weights by content (torch zip, legacy or tar checkpoint, or a
pickle rebuilding torch tensors: the shared hflint.pickles analysis). Its equivalent is a
``.safetensors`` file in the same folder with the same stem, transformers' and diffusers'
renamed stems (``pytorch_model`` -> ``model``), or a safetensors index for shards.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from hflint.kinds.base import Result, each_file, no_extra_validation
from hflint.kinds.pickle_scan import LIMITS_SCHEMA
from hflint.pickles import analysis
from hflint.pickles.readers import Limits
from hflint.repo import Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {"type": "object", "properties": {"limits": LIMITS_SCHEMA}, "additionalProperties": False}
FIELDS = frozenset({"format", "detail"})
validate = no_extra_validation
_SHARD = re.compile(r"-\d{5}-of-\d{5}$")


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    limits = Limits.from_params(rule.params.get("limits", {}))

    def check_file(path: str) -> Iterator[Result]:
        rep = analysis.cached(repo, path, limits)
        if not rep.tensors:
            return
        expected = _equivalents(path)
        if any(repo.exists(c) for c in expected):
            return
        kinds = ", ".join(sorted(rep.kinds)) or "pickle"
        yield rule.finding(path, format=kinds, detail=expected[0])

    yield from each_file(rule, repo, check_file)


def _equivalents(path: str) -> list[str]:
    folder, name = posixpath.split(path)
    stem = posixpath.splitext(name)[0]
    stems = [stem]
    if stem.startswith("pytorch_model"):
        stems.insert(0, "model" + stem.removeprefix("pytorch_model"))
    out = [posixpath.join(folder, s + ".safetensors") for s in stems]
    if _SHARD.search(stem):
        base = _SHARD.sub("", stems[0])
        out.append(posixpath.join(folder, base + ".safetensors.index.json"))
    return out
