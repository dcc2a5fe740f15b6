"""Kind ``adapter-weights``: a LoRA adapter_config.json against the adapter weights (HF312).

PEFT builds the adapter layers from the config, then loads the saved tensors into them
(peft 0.21 ``tuners/tuners_utils.py`` ``check_target_module_exists``, ``tuners/lora/model.py``
``LoraModel._create_and_replace``), so ``target_modules`` must match the adapted modules and
each module's rank (``lora_A`` rows) must be the ``r`` the config gives it. Only the
safetensors header is read. Patterns from the file (a regular-expression ``target_modules``
or ``rank_pattern`` keys) are not evaluated: a hostile file could make a matcher stall.

Fix ``adapter-rank-from-weights``: ``r`` set to the rank every ``lora_A`` tensor has, when
they all have one and no ``rank_pattern`` gives modules ranks of their own (PEFT built the
tensors from that ``r`` when it trained them). Which modules to target is a person's choice.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator

from hflint.fixes.edits import Fix
from hflint.jsonfile import pointer
from hflint.kinds.base import Result, each_file, no_extra_validation
from hflint.kinds.config_weights import tensor_shapes
from hflint.repo import CannotAnalyse, Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {"default-rank": {"type": "integer", "minimum": 1}},
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "tensor"})
validate = no_extra_validation


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    def check_file(path: str) -> Iterator[Result]:
        doc = repo.json(path)
        if isinstance(doc, dict):
            yield from adapter(rule, repo, path, doc)

    yield from each_file(rule, repo, check_file, covered_by="json-parse")


_LORA = re.compile(r"^(?:base_model\.model\.)?(?P<module>.+)\.lora_(?P<part>A|B)(?:\.[^.]+)?\.weight$")
_REGEX_CHARS = frozenset("\\^$.|?*+()[]{}")


def adapter(rule: Rule, repo: Repo, path: str, doc: dict[str, object]) -> Iterator[Result]:
    """The config against the lora_A tensors of adapter_model.safetensors beside it."""
    if doc.get("peft_type") != "LORA":
        return
    weights = posixpath.join(posixpath.dirname(path), "adapter_model.safetensors")
    if not repo.exists(weights) or repo.is_lfs_pointer(weights):
        return
    try:
        shapes = tensor_shapes(repo, weights)
    except CannotAnalyse:
        return  # HF306 reports the file
    modules: dict[str, tuple[int, ...]] = {}
    for name, shape in (shapes or {}).items():
        m = _LORA.match(name)
        if m is not None and m["part"] == "A":
            modules[m["module"]] = shape
    if not modules:
        return
    yield from _targets(rule, path, doc, sorted(modules))
    yield from _ranks(rule, repo, path, doc, modules)


def _targets(rule: Rule, path: str, doc: dict[str, object], modules: list[str]) -> Iterator[Result]:
    targets = doc.get("target_modules")
    if targets == "all-linear" or (targets is None and doc.get("target_parameters")):
        return
    if isinstance(targets, str):
        if _REGEX_CHARS & set(targets):
            return  # a regular expression from the file: not evaluated (hostile patterns)
        matched = [m for m in modules if m == targets]
    elif isinstance(targets, list) and all(isinstance(t, str) for t in targets):
        matched = [m for m in modules if m in targets or any(m.endswith("." + t) for t in targets)]
    else:
        return  # null without target_parameters, or a wrong type: HF202's
    if matched:
        return
    shown = json.dumps(targets)[:60]
    example = modules[0].rsplit(".", 1)[-1]
    how = ("a string is matched as a regular expression against the whole module name"
           if isinstance(targets, str) else "it names none of the adapted modules")
    yield rule.finding(path, pointer=pointer("target_modules"), tensor=modules[0],
                       fix=rule.cannot_fix("which modules to adapt is a person's choice (the message names them)"),
                       detail=f"target_modules is {shown}, but the adapter's weights adapt {len(modules)} "
                              f"modules such as {modules[0]} ({how}); PEFT raises NoMatchingPeftModuleError "
                              f"(a list such as [\"{example}\"] matches them)")


def _rank_fix(rule: Rule, repo: Repo, path: str, doc: dict[str, object],
              modules: dict[str, tuple[int, ...]], r: int) -> Fix | None:
    if rule.fix is None:
        return None
    ranks = {shape[0] for shape in modules.values() if shape}
    if doc.get("rank_pattern") or len(ranks) != 1:
        return rule.cannot_fix("the modules have ranks of their own (rank_pattern, or tensors of several ranks)")
    from hflint.fixes.jsonedit import set_value

    (rank,) = ranks
    edit = set_value(repo, path, ("r",), rank)
    if edit is None:
        return rule.cannot_fix("r cannot be changed in place; edit it by hand")
    return rule.propose(f"r {r} -> {rank} (the rank of every lora_A tensor)", (edit,))


def _ranks(rule: Rule, repo: Repo, path: str, doc: dict[str, object],
           modules: dict[str, tuple[int, ...]]) -> Iterator[Result]:
    default = rule.params.get("default-rank", 8)
    r = doc.get("r", default)
    pattern = doc.get("rank_pattern") or {}
    if type(r) is not int or not isinstance(pattern, dict) or any(_REGEX_CHARS & set(k) for k in pattern):
        return  # a wrong type is HF202's; regex keys are not evaluated
    for module, shape in sorted(modules.items()):
        key = next((k for k in pattern if module == k or module.endswith("." + k)), None)
        expected = pattern[key] if key is not None else r
        if type(expected) is not int or not shape or shape[0] == expected:
            continue
        where = f"rank_pattern[{key!r}]" if key is not None else "r"
        if key is None and "r" not in doc:
            where = f"r (not set: PEFT's default {r})"
        fix = _rank_fix(rule, repo, path, doc, modules, r) if key is None else rule.cannot_fix(
            "rank_pattern entries are a person's to correct")
        yield rule.finding(path, pointer=pointer("rank_pattern", key) if key is not None else pointer("r"),
                           tensor=module, fix=fix,
                           detail=f"{where} is {expected}, but {module}.lora_A.weight has rank {shape[0]}; "
                                  "PeftModel.from_pretrained fails with a size mismatch")
        return  # one finding: the other modules share the cause
