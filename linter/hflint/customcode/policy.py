"""The custom-code policy lists, loaded from ``rules/data`` (policy is data, reviewed apart).

python-dangerous.yaml: calls HF503 reports, with their conditions; code-loading.yaml:
config keys and library names that decide whether loaders import code (HF505).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hflint import _paths
from hflint.datacache import safe_data

DEFAULT_CALLS = "hflint:data/python-dangerous.yaml"
DEFAULT_LOADING = "hflint:data/code-loading.yaml"


def below(name: str, prefix: str) -> bool:
    """``name`` is ``prefix`` or a dotted member of it (``subprocess.run`` below ``subprocess``)."""
    return name == prefix or name.startswith(prefix + ".")


@dataclass(frozen=True)
class CallRule:
    prefix: str
    reason: str
    unless_literal: bool = False
    unless_keyword: dict[str, Any] = field(default_factory=dict)
    if_keyword: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IPythonPolicy:
    """How HF507/HF508 read IPython escapes in notebook exports."""

    installers: NameList
    shell_magics: NameList
    code_magics: NameList


@dataclass(frozen=True)
class NameList:
    names: tuple[str, ...]
    reason: str


_NO_IPYTHON = IPythonPolicy(NameList((), ""), NameList((), ""), NameList((), ""))


@dataclass(frozen=True)
class CallPolicy:
    calls: tuple[CallRule, ...]
    sinks: tuple[str, ...]
    decoders: tuple[str, ...]
    file_writes: tuple[str, ...]
    pathlib_writes: frozenset[str]
    outside_paths: tuple[str, ...]
    harmless: dict[str, str] = field(default_factory=dict)
    ipython: IPythonPolicy = _NO_IPYTHON
    address_methods: NameList = NameList((), "")
    address_module: str = ""

    def rule_for(self, name: str) -> CallRule | None:
        """The most specific entry covering ``name`` (longest prefix); None for a name on the
        harmless list, which matches exactly (``ctypes.c_int`` is harmless, its member
        ``ctypes.c_int.from_address`` is not)."""
        if name in self.harmless:
            return None
        best: CallRule | None = None
        for rule in self.calls:
            if below(name, rule.prefix) and (best is None or len(rule.prefix) > len(best.prefix)):
                best = rule
        return best

    def is_sink(self, name: str) -> bool:
        return any(below(name, s) for s in self.sinks)

    def is_decoder(self, name: str) -> bool:
        return any(below(name, d) for d in self.decoders)

    def is_outside(self, name: str) -> bool:
        return any(below(name, o) for o in self.outside_paths)


@dataclass(frozen=True)
class EntryFile:
    names: tuple[str, ...]
    loader: str
    reason: str


@dataclass(frozen=True)
class LoadingPolicy:
    auto_map_files: frozenset[str]
    attention_keys: NameList
    trust_keys: NameList
    mlx_keys: NameList
    peft_parent_libraries: NameList
    sentence_transformers_prefixes: NameList
    custom_generate: NameList
    entry_files: tuple[EntryFile, ...] = ()
    model_index_files: frozenset[str] = frozenset()


def _read(path: Path) -> dict[str, Any]:
    doc = safe_data(path)
    if not isinstance(doc, dict):
        raise ValueError(f"{path.name}: expected a mapping")
    return doc


def _strings(doc: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
    value = doc.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{path.name}: '{key}' must be a list of names")
    return tuple(value)


@functools.cache
def load_calls(path: Path) -> CallPolicy:
    doc = _read(path)
    calls: list[CallRule] = []
    for i, entry in enumerate(doc.get("calls") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("reason"), str):
            raise ValueError(f"{path.name}: calls[{i}] needs 'names' and a 'reason'")
        for name in _strings(entry, "names", path):
            calls.append(
                CallRule(
                    name,
                    entry["reason"],
                    bool(entry.get("unless-literal", False)),
                    dict(entry.get("unless-keyword") or {}),
                    dict(entry.get("if-keyword") or {}),
                )
            )
    harmless: dict[str, str] = {}
    for i, entry in enumerate(doc.get("harmless") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("reason"), str):
            raise ValueError(f"{path.name}: harmless[{i}] needs 'names' and a 'reason'")
        reason: str = entry["reason"]
        harmless.update(dict.fromkeys(_strings(entry, "names", path), reason))
    return CallPolicy(
        calls=tuple(calls),
        sinks=_strings(doc, "sinks", path),
        decoders=_strings(doc, "decoders", path),
        file_writes=_strings(doc, "file-writes", path),
        pathlib_writes=frozenset(_strings(doc, "pathlib-writes", path)),
        outside_paths=_strings(doc, "outside-paths", path),
        harmless=harmless,
        ipython=_ipython(doc, path),
        **_address_methods(doc, path),
    )


def _address_methods(doc: dict[str, Any], path: Path) -> dict[str, Any]:
    if "address-methods" not in doc:
        return {}
    entry = doc["address-methods"]
    if not isinstance(entry, dict) or not isinstance(entry.get("module"), str):
        raise ValueError(f"{path.name}: 'address-methods' needs 'names', a 'module' and a 'reason'")
    return {"address_methods": _name_list(doc, "address-methods", path), "address_module": entry["module"]}


def _ipython(doc: dict[str, Any], path: Path) -> IPythonPolicy:
    section = doc.get("ipython")
    if section is None:
        return _NO_IPYTHON
    if not isinstance(section, dict):
        raise ValueError(f"{path.name}: 'ipython' must be a mapping")
    return IPythonPolicy(
        _name_list(section, "installers", path),
        _name_list(section, "shell-magics", path),
        _name_list(section, "code-magics", path),
    )


def _name_list(doc: dict[str, Any], key: str, path: Path) -> NameList:
    entry = doc.get(key)
    if not isinstance(entry, dict) or not isinstance(entry.get("reason"), str):
        raise ValueError(f"{path.name}: '{key}' needs 'names' and a 'reason'")
    return NameList(_strings(entry, "names", path), entry["reason"])


@functools.cache
def load_loading(path: Path) -> LoadingPolicy:
    doc = _read(path)
    return LoadingPolicy(
        auto_map_files=frozenset(_strings(doc, "auto-map-files", path)),
        attention_keys=_name_list(doc, "attention-keys", path),
        trust_keys=_name_list(doc, "trust-keys", path),
        mlx_keys=_name_list(doc, "mlx-keys", path),
        peft_parent_libraries=_name_list(doc, "peft-parent-libraries", path),
        sentence_transformers_prefixes=_name_list(doc, "sentence-transformers-prefixes", path),
        custom_generate=_name_list(doc, "custom-generate", path),
        entry_files=tuple(_entries(doc, "entry-files", path)),
        model_index_files=frozenset(_strings(doc, "model-index-files", path) if "model-index-files" in doc else ()),
    )


def _entries(doc: dict[str, Any], key: str, path: Path) -> list[EntryFile]:
    out = []
    for i, entry in enumerate(doc.get(key) or []):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("loader", "reason")):
            raise ValueError(f"{path.name}: {key}[{i}] needs 'names', a 'loader' and a 'reason'")
        out.append(EntryFile(_strings(entry, "names", path), entry["loader"], entry["reason"]))
    return out


def validate_ref(ref: str, pack_dir: Path, loader: Any) -> list[str]:
    """Problems loading a policy file, for a kind's ``validate``."""
    path = _paths.data_file(ref, pack_dir)
    if not path.is_file():
        return [f"no policy file at {path}"]
    try:
        loader(path)
    except (OSError, ValueError) as exc:
        return [f"{path.name}: {exc}".splitlines()[0]]
    except Exception as exc:
        import yaml  # only a file that is not in the snapshot was parsed by PyYAML

        if not isinstance(exc, yaml.YAMLError):
            raise
        return [f"{path.name}: {exc}".splitlines()[0]]
    return []
