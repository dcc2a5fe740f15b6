"""Hydra targets in YAML configs: the classes and functions a loader instantiates by name.

``hydra.utils.instantiate`` imports whatever a config's ``_target_`` names and calls it with
the node's other keys (``_args_`` positionally, ``_partial_`` for a partial); NeMo's
``restore_from`` does this for ``model_config.yaml`` inside a ``.nemo`` archive, and its
``from_config_dict`` also imports a ``target`` (or legacy ``cls``) class by path. A config
that names ``builtins.exec`` runs code when the model is loaded (CVE-2025-23304; Unit 42,
"RCE vulnerabilities in AI Python libraries", 2026). Hydra 1.4 deprecates resolving targets
without a caller-supplied whitelist for this reason.

Targets are judged from data (rules/data/hydra-targets.yaml): ``allowed`` entries are the
frameworks' own packages, matched by whole dotted components (``nemo`` admits ``nemo.x``,
never ``nemo_evil``); ``dangerous`` entries are known ways to run code. Hydra resolves a
target by importing its longest importable prefix and walking attributes from there
(hydra/_internal/utils.py ``_locate``), so every tail of the path is checked too:
``nemo.utils.model_utils.os.system`` is ``os.system`` reached through an allowed module.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from hflint.yamlfile import YamlDoc, data_list

DANGEROUS = "dangerous"
ALLOWED = "allowed"
UNLISTED = "unlisted"
TARGET_KEYS = ("_target_", "target", "cls", "class")  # "cls"/"class": Hydra < 1.1 and NeMo's from_config_dict
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")


class Target(NamedTuple):
    path: tuple[str | int, ...]  # key path of the target value in the document
    value: str


class Policy(NamedTuple):
    allowed: dict[str, str]  # dotted prefix -> reason
    dangerous: dict[str, str]

    def classify(self, value: str) -> tuple[str, str]:
        """(verdict, reason) for a target value."""
        text = value.strip()
        if "${" in text:
            return UNLISTED, "computed by an OmegaConf interpolation, so the class cannot be known before loading"
        parts = text.split(".")
        if not _DOTTED.match(text) and not (len(parts) == 1 and parts[0].isidentifier()):
            return UNLISTED, "not a dotted Python path hflint can check"
        for i in range(len(parts)):
            if parts[i].startswith("__") and parts[i].endswith("__"):
                return DANGEROUS, f"walks through the attribute {parts[i]} to interpreter internals"
            reason = _prefix(self.dangerous, parts[i:])
            if reason is not None:
                via = f" (reached as an attribute of {'.'.join(parts[:i])})" if i else ""
                return DANGEROUS, reason + via
        reason = _prefix(self.allowed, parts)
        if reason is not None:
            return ALLOWED, reason
        return UNLISTED, ""


def _prefix(table: dict[str, str], parts: list[str]) -> str | None:
    for i in range(len(parts), 0, -1):
        reason = table.get(".".join(parts[:i]))
        if reason is not None:
            return reason
    return None


@functools.cache
def load_policy(path: Path) -> Policy:
    """The policy file; ValueError naming the file when an entry lacks names or a reason."""
    tables: dict[str, dict[str, str]] = {}
    for key in (ALLOWED, DANGEROUS):
        table: dict[str, str] = {}
        for i, entry in enumerate(data_list(path, key)):
            names = entry.get("names") if isinstance(entry, dict) else None
            reason = entry.get("reason") if isinstance(entry, dict) else None
            if not isinstance(names, list) or not names or not all(isinstance(n, str) and _name(n) for n in names):
                raise ValueError(f"{path.name}: {key}[{i}] needs 'names', a list of dotted Python names")
            if not isinstance(reason, str) or not reason.strip():
                raise ValueError(f"{path.name}: {key}[{i}] needs a 'reason'")
            table.update(dict.fromkeys(names, " ".join(reason.split())))
        tables[key] = table
    return Policy(tables[ALLOWED], tables[DANGEROUS])


def _name(text: str) -> bool:
    return bool(_DOTTED.match(text)) or text.isidentifier()


def targets(doc: YamlDoc) -> Iterator[Target]:
    """Every target value in the document, in document order. ``_target_`` always names
    code; ``target``/``cls``/``class`` do when their value is a dotted Python path."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), doc.value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in TARGET_KEYS and isinstance(value, str) and (key == "_target_" or _DOTTED.match(value)):
                    yield Target((*path, key), value)
            stack.extend(((*path, str(k)), v) for k, v in reversed(list(node.items())) if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(node))) if isinstance(v, dict | list))


def pointer(path: tuple[str | int, ...]) -> str:
    """RFC 6901 JSON pointer of a key path."""
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)
