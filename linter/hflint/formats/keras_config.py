"""Walk a Keras model config (parsed JSON) and list what loading it would run or reach.

Keras deserialises every ``{"class_name", "config", "module", "registered_name"}`` object of
a config wherever it sits (keras/src/saving/serialization_lib.py ``deserialize_keras_object``):
nested models, wrapper layers' ``layer``/``cell``/``backward_layer``, initializers,
regularizers, constraints, losses, metrics, ``compile_config``, ``build_config``. So the whole
tree is walked, iteratively (a hostile config cannot exhaust the stack), and every object
is judged:

* ``lambda``: bytecode Keras turns into a function with ``marshal.loads``
  (``python_utils.func_load``): a ``{"class_name": "__lambda__"}`` object anywhere, and a
  Keras-2 ``Lambda`` layer whose ``function``/``output_shape``/``mask`` is the legacy
  ``[code, defaults, closure]`` list (or tf.keras metadata's ``__tuple__`` of it) or a string
  with ``*_type: "lambda"``;
* ``module``: a ``module`` whose root package is not one of Keras's own (exact root match,
  policy data), whatever ``registered_name`` says; a function written as Keras writes plain
  functions (``module: "builtins"``, ``class_name: "function"``) is Keras's own unless its
  name is one of Python's builtins, which Keras before 3.9 imported from ``builtins``;
* ``function``: a reference to a function or class on the policy's list (turns safe_mode
  off, loads other models, fetches files), in any module;
* ``path``: a layer argument that is a path Keras reads (TFSMLayer's ``filepath``) and that
  is absolute, has a scheme or a drive, or leaves the model's folder.
"""

from __future__ import annotations

import builtins
import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple, TypeGuard

LAMBDA, MODULE, FUNCTION, PATH = "lambda", "module", "function", "path"
# Legacy (Keras 2) Lambda arguments and the key saying how each was serialised.
_LEGACY_FUNCTIONS = (("function", "function_type"), ("output_shape", "output_shape_type"), ("mask", "mask_type"))
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class Hit(NamedTuple):
    check: str  # LAMBDA, MODULE, FUNCTION or PATH
    pointer: str  # JSON pointer into the config
    detail: str


class TooLarge(ValueError):
    """The config has more values than the walk's limit."""


class KerasPolicy(NamedTuple):
    packages: dict[str, str]  # root package ("keras", "tensorflow.keras") -> reason
    functions: dict[str, str]  # function or class name -> reason
    paths: dict[str, tuple[frozenset[str], str]]  # layer class -> (argument names, reason)

    def own_module(self, module: str) -> bool:
        parts = module.split(".")
        return any(".".join(parts[:n]) in self.packages for n in (1, 2, 3))


@functools.cache
def load_policy(path: Path) -> KerasPolicy:
    """The policy data file; ValueError names the entry that is malformed."""
    from hflint.datacache import safe_data  # only a scan with Keras files loads it

    doc = safe_data(path)
    if not isinstance(doc, dict):
        raise ValueError(f"{path.name}: expected a mapping with 'packages', 'functions' and 'paths'")
    packages = dict(_entries(doc, "packages", path.name))
    functions = dict(_entries(doc, "functions", path.name))
    paths: dict[str, tuple[frozenset[str], str]] = {}
    for i, entry in enumerate(doc.get("paths") or []):
        entry = entry if isinstance(entry, dict) else {}
        layers, keys, reason = entry.get("layers"), entry.get("keys"), entry.get("reason")
        if not _names(layers) or not _names(keys) or not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"{path.name}: paths[{i}] needs 'layers' and 'keys' lists and a 'reason'")
        for layer in layers:
            paths[layer] = (frozenset(keys), " ".join(reason.split()))
    return KerasPolicy(packages, functions, paths)


def _entries(doc: dict[str, Any], key: str, where: str) -> Iterator[tuple[str, str]]:
    entries = doc.get(key)
    if not isinstance(entries, list):
        raise ValueError(f"{where}: expected a '{key}' list")
    for i, entry in enumerate(entries):
        entry = entry if isinstance(entry, dict) else {}
        names, reason = entry.get("names"), entry.get("reason")
        if not _names(names) or not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"{where}: {key}[{i}] needs a non-empty 'names' list and a 'reason'")
        for name in names:
            yield name, " ".join(reason.split())


def _names(value: Any) -> TypeGuard[list[str]]:
    return isinstance(value, list) and bool(value) and all(isinstance(n, str) and n for n in value)


def walk(config: Any, policy: KerasPolicy, *, max_values: int = 2_000_000) -> list[Hit]:
    """Every hit in ``config``, in document order; TooLarge past ``max_values`` values."""
    hits: list[Hit] = []
    stack: list[tuple[Any, str, str | None]] = [(config, "", None)]
    seen = 0
    while stack:
        value, pointer, owner = stack.pop()
        seen += 1
        if seen > max_values:
            raise TooLarge(f"more than {max_values} values in the config; not analysed further")
        if isinstance(value, dict):
            if isinstance(value.get("class_name"), str):
                owner = _name(value) or owner
                hits += _judge(value, pointer, owner, policy)
            children = [(v, f"{pointer}/{_escape(str(k))}", owner) for k, v in value.items()]
        elif isinstance(value, list):
            children = [(v, f"{pointer}/{i}", owner) for i, v in enumerate(value)]
        else:
            continue
        stack.extend(reversed(children))  # depth first, in document order
    return hits


def _judge(obj: dict[str, Any], pointer: str, owner: str | None, policy: KerasPolicy) -> list[Hit]:
    cls: str = obj["class_name"]
    config = obj.get("config")
    where = f" in layer {owner!r}" if owner else ""
    hits = []
    if cls == "__lambda__":
        hits.append(Hit(LAMBDA, pointer, f"a Python lambda stored as bytecode{where}: Keras rebuilds it with "
                                         "marshal and runs it when the model is built or called"))
    if cls == "Lambda" and isinstance(config, dict):
        for key, kind in _LEGACY_FUNCTIONS:
            code = config.get(key)
            if _sequence(code) or (isinstance(code, str) and config.get(kind) == "lambda"):
                hits.append(Hit(LAMBDA, f"{pointer}/config/{key}",
                                f"Lambda layer{where} whose {key} is Python bytecode (legacy Keras-2 form): Keras "
                                "loads it with marshal and runs it"))
    name = config if cls == "function" and isinstance(config, str) else cls
    module = obj.get("module")
    if "module" in obj and module is not None:
        judged = _module(module, cls, name, policy)
        if judged:
            hits.append(Hit(MODULE, f"{pointer}/module", f"{judged[0]}{where} {judged[1]}"))
    reason = policy.functions.get(name.rsplit(".", 1)[-1])
    if reason is not None:
        what = "function" if cls == "function" else "class"
        hits.append(Hit(FUNCTION, pointer, f"{what} {_dotted(module, name)}{where}, which {_predicate(reason)}"))
    if cls in policy.paths and isinstance(config, dict):
        keys, why = policy.paths[cls]
        for key in sorted(keys):
            escape = _external(config.get(key))
            if escape:
                hits.append(Hit(PATH, f"{pointer}/config/{_escape(key)}", f"{cls}{where}: {key} {escape}; {why}"))
    return hits


def _sequence(value: Any) -> bool:
    """A ``[code, defaults, closure]`` list, or the tuple as tf.keras's SavedModel metadata
    encodes it (tf_keras saving/legacy/saved_model/json_utils.py: ``{"class_name":
    "__tuple__", "items": [...]}``), which ``func_load`` unpacks the same way."""
    if isinstance(value, dict):
        return value.get("class_name") == "__tuple__" and isinstance(value.get("items"), list)
    return isinstance(value, list)


def _module(module: Any, cls: str, name: str, policy: KerasPolicy) -> tuple[str, str] | None:
    """(what, why) when ``module`` names code outside Keras, or None."""
    if not isinstance(module, str) or not module:
        return f"module {module!r}", "is not a module name Keras can resolve"
    if module == "builtins" and cls == "function":
        # How Keras writes any plain function: resolved from Keras's built-in modules
        # (activations, losses...) and registered objects - and, before Keras 3.9, from
        # Python's builtins module itself.
        if name in vars(builtins):
            return f"function {name!r} of module 'builtins'", f"is Python's builtins.{name} to Keras before 3.9"
        return None
    if policy.own_module(module):
        return None
    return (f"module {module!r} (for {_dotted(module, name)})",
            "is not a Keras package: Keras before 3.9 imports it and calls what it names (CVE-2025-1550), "
            "later versions refuse the model")


def _external(value: Any) -> str | None:
    """Why a path argument names a file outside the model, read as ONNX's external-data
    locations are (hflint.kinds.onnx_model), plus URLs and ``~``, which Keras's file readers accept."""
    from hflint.kinds.onnx_model import location_escape

    if not isinstance(value, str) or not value:
        return None
    if _SCHEME.match(value):
        return f"{value!r} is a URL"
    if value.startswith("~"):
        return f"{value!r} is a path in a home folder"
    return location_escape(value)


def _predicate(reason: str) -> str:
    """A policy reason continuing "function X, which ...": its subject ("keras.config.x") dropped."""
    return reason.split(" ", 1)[1] if " " in reason and "." in reason.split(" ", 1)[0] else reason


def _name(obj: dict[str, Any]) -> str | None:
    config = obj.get("config")
    name = config.get("name") if isinstance(config, dict) else obj.get("name")
    return name if isinstance(name, str) else None


def _dotted(module: Any, name: str) -> str:
    return f"{module}.{name}" if isinstance(module, str) and module else name


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")  # RFC 6901
