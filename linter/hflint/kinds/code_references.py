"""Kind ``code-references``: config entries that make loaders fetch or import code.

``check: remote-code`` (HF504): ``auto_map`` values ``org/repo--module.Class``, which load
``module.py`` from another repository's main branch unless callers pass ``code_revision``.
``check: code-loading`` (HF505), per file name (policy in rules/data/code-loading.yaml):
* config.json: ``_attn_implementation_internal`` & co. naming a Hub repo (CVE-2026-4372),
  a ``trust_remote_code`` key at any depth (CVE-2026-5241), mlx-lm ``model_file``;
* adapter_config.json: ``auto_mapping.parent_library`` outside PEFT's import allowlist;
* modules.json: a ``type`` outside sentence_transformers;
* custom_generate/generate.py: replaces ``generate()``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from hflint.customcode import discovery, policy
from hflint.finding import Region
from hflint.jsonfile import locate, pointer
from hflint.kinds.base import Result, each_file
from hflint.repo import Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "check": {"enum": ["remote-code", "code-loading"]},
        "code-loading": {"type": "string", "minLength": 1},
    },
    "required": ["check"],
    "additionalProperties": False,
}
FIELDS = frozenset({"detail"})
MAX_NODES = 1_000_000  # bound the walk over a hostile config


def validate(rule: Rule) -> list[str]:
    ref = rule.params.get("code-loading", policy.DEFAULT_LOADING)
    return [f"params.code-loading: {p}" for p in policy.validate_ref(ref, rule.source.parent, policy.load_loading)]


def _walk(doc: Any) -> Iterator[tuple[tuple[str | int, ...], str, Any]]:
    """(path, key, value) for every object member at any depth, iteratively."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), doc)]
    budget = MAX_NODES
    while stack and budget > 0:
        path, value = stack.pop()
        budget -= 1
        if isinstance(value, dict):
            for k, v in value.items():
                yield (*path, k), k, v
                stack.append(((*path, k), v))
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))


def _config(doc: Any, loading: policy.LoadingPolicy) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if not isinstance(doc, dict):
        return
    for path, key, value in _walk(doc):
        if key in loading.attention_keys.names and isinstance(value, str) and "/" in value:
            yield path, f"{key} = {value!r} {loading.attention_keys.reason}"
        elif key in loading.trust_keys.names:
            yield path, f"{key} = {value!r} inside config.json: {loading.trust_keys.reason}"
    for key in loading.mlx_keys.names:
        if isinstance(doc.get(key), str):
            yield (key,), f"{key} = {doc[key]!r}: {loading.mlx_keys.reason}"


def _adapter(doc: Any, loading: policy.LoadingPolicy) -> Iterator[tuple[tuple[str | int, ...], str]]:
    mapping = doc.get("auto_mapping") if isinstance(doc, dict) else None
    parent = mapping.get("parent_library") if isinstance(mapping, dict) else None
    if parent is None:
        return
    allowed = loading.peft_parent_libraries.names
    if not isinstance(parent, str) or not any(parent == a or parent.startswith(a + ".") for a in allowed):
        yield ("auto_mapping", "parent_library"), f"parent_library {parent!r}: {loading.peft_parent_libraries.reason}"


def _modules(doc: Any, loading: policy.LoadingPolicy) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if not isinstance(doc, list):
        return
    prefixes = loading.sentence_transformers_prefixes
    for i, entry in enumerate(doc):
        kind = entry.get("type") if isinstance(entry, dict) else None
        if isinstance(kind, str) and not kind.startswith(prefixes.names):
            yield (i, "type"), f"type {kind!r}: {prefixes.reason}"


_JSON_CHECKS = {"config.json": _config, "adapter_config.json": _adapter, "modules.json": _modules}


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    loading = policy.load_loading(
        rule.data_file(rule.params.get("code-loading", policy.DEFAULT_LOADING))
    )
    remote = rule.params["check"] == "remote-code"

    def check_file(path: str) -> Iterator[Result]:
        if not remote and path in loading.custom_generate.names:
            yield rule.finding(path, detail=f"custom_generate code {loading.custom_generate.reason}; review it (HF501)")
            return
        base = posixpath.basename(path)
        if remote:
            if base not in loading.auto_map_files:
                return
            found = [
                (
                    ref.pointer,
                    f"{ref.value!r} loads {ref.module} from the repository {ref.repo_id} at whatever its "
                    "main branch holds at load time (unpinned unless every caller passes code_revision); reviewing "
                    "this repository does not cover it",
                )
                for ref in discovery.refs_in(path, repo.json(path))
                if ref.repo_id is not None and ref.problem is None
            ]
        elif base in _JSON_CHECKS:
            found = [(pointer(*p), d) for p, d in _JSON_CHECKS[base](repo.json(path), loading)]
        else:
            return
        for ptr, detail in found:
            where = locate(repo.text(path), ptr)
            yield rule.finding(path, region=Region(*where) if where else None, pointer=ptr, detail=detail)

    yield from each_file(rule, repo, check_file, covered_by="json-parse")
