"""Operator policies of the graph formats (ONNX, TensorFlow, TFLite), loaded from rules/data.

A policy file lists operators by name, each entry with a ``category`` (which rules report
it: a rule's ``params.categories``), its ``reason`` (shown in the finding) and optionally
``when-attr`` (reported only when a string attribute of the node matches a regex, e.g.
PrintV2 writing to ``file://``) and ``allowed-in: saver`` (clean inside a SavedModel's
save/restore functions). An ONNX policy also lists the operator domains that need no
custom-operator library (``domains``: exact names or ``prefixes``).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, NamedTuple

from hflint.yamlfile import YamlError, data_value


class OpEntry(NamedTuple):
    category: str
    reason: str
    when_attr: tuple[tuple[str, re.Pattern[str]], ...] = ()
    allowed_in_saver: bool = False


class OpPolicy(NamedTuple):
    ops: dict[str, OpEntry]
    domains: frozenset[str]
    domain_prefixes: tuple[str, ...]

    def known_domain(self, domain: str) -> bool:
        return domain in self.domains or domain.startswith(self.domain_prefixes)

    def attrs_wanted(self) -> dict[str, frozenset[str]]:
        """op -> the attribute names its ``when-attr`` conditions read."""
        return {op: frozenset(name for name, _ in e.when_attr) for op, e in self.ops.items() if e.when_attr}


@functools.cache
def load_policy(path: Path) -> OpPolicy:
    """The policy in ``path``; ValueError naming the file and the problem."""
    try:
        raw: Any = data_value(path)
        ops: dict[str, OpEntry] = {}
        for entry in raw.get("ops", ()):
            conditions = tuple((str(k), re.compile(str(v))) for k, v in (entry.get("when-attr") or {}).items())
            allowed = entry.get("allowed-in")
            if allowed not in (None, "saver"):
                raise ValueError(f"allowed-in must be 'saver', not {allowed!r}")
            item = OpEntry(str(entry["category"]), str(entry["reason"]), conditions, allowed == "saver")
            for name in entry["names"]:
                if str(name) in ops:
                    raise ValueError(f"operator {name} is listed twice")
                ops[str(name)] = item
        domains: set[str] = set()
        prefixes: list[str] = []
        for entry in raw.get("domains", ()):
            domains.update(str(d) for d in entry.get("names", ()))
            prefixes.extend(str(p) for p in entry.get("prefixes", ()))
            str(entry["reason"])  # every entry says why
        return OpPolicy(ops, frozenset(domains), tuple(prefixes))
    except (OSError, YamlError, KeyError, TypeError, AttributeError, ValueError, re.error) as exc:
        raise ValueError(f"{path.name}: {exc}") from None


def categories_of(policy: OpPolicy) -> frozenset[str]:
    return frozenset(e.category for e in policy.ops.values())


POLICY_PARAMS = {
    "policy": {"type": "string", "minLength": 1},
    "categories": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
}


def validate_policy(path: Path, categories: list[str] | None) -> list[str]:
    """Problems with a rule's policy file and the categories it selects (pack validation)."""
    try:
        policy = load_policy(path)
    except ValueError as exc:
        return [f"params.policy: {exc}"]
    unknown = sorted(set(categories or ()) - categories_of(policy))
    return [f"params.categories: {c!r} is no category of {path.name}" for c in unknown]
