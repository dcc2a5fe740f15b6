"""Which Python files loaders import, and which code references leave the repository.

Follows transformers' dynamic_module_utils.py (reference section 6):
* ``auto_map`` values are ``"module.Class"`` (file ``module.py`` next to the config) or
  ``"org/repo--module.Class"`` (code from another repository); tokenizers use a
  ``[slow, fast]`` list with null slots. ``get_class_from_dynamic_module`` splits on ``--``
  then on ``.`` with exactly one dot, so anything else fails to load.
* From each module, every *relative* import found by transformers' own regexes is imported
  too (``get_relative_imports``): ``from .x import y`` -> ``x.py`` in the same folder;
  ``from . import x`` is not followed by transformers and is not followed here either.
Also roots: sentence-transformers modules.json types that name repository code,
``custom_generate/generate.py``, mlx-lm's ``model_file``, diffusers model_index.json custom
components, and conventional entry files (Inference Endpoints' ``handler.py``, diffusers'
``pipeline.py``); and, from every loaded file, what it names as code in any other way
(hflint.customcode.mentions). A Python file reached by none of these is one nothing loads.
"""

from __future__ import annotations

import posixpath
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hflint.customcode import pysource
from hflint.customcode.mentions import mentioned
from hflint.customcode.policy import DEFAULT_LOADING, LoadingPolicy, load_loading
from hflint.jsonfile import pointer
from hflint.repo import CannotAnalyse, Repo
from hflint.rule import Rule

# transformers dynamic_module_utils.get_relative_imports, verbatim.
_RELATIVE = (
    re.compile(r"^\s*import\s+\.(\S+)\s*$", re.MULTILINE),
    re.compile(r"^\s*from\s+\.(\S+)\s+import", re.MULTILINE),
)
_REPO_ID = re.compile(r"^(?:[\w.-]+/)?[\w.-]+$")


@dataclass(frozen=True, slots=True)
class CodeRef:
    """One code reference in a config: ``config`` at ``pointer`` says ``value``."""

    config: str
    pointer: str
    value: str
    repo_id: str | None = None  # another repository, for "org/repo--module.Class"
    module: str | None = None  # the module file, repo-relative (local references)
    problem: str | None = None  # why transformers cannot resolve it


def _folder_join(folder: str, name: str) -> str:
    return posixpath.join(folder, name) if folder else name


def parse_ref(config: str, ptr: str, value: Any) -> CodeRef:
    if not isinstance(value, str):
        return CodeRef(config, ptr, repr(value)[:80], problem='is not a "module.Class" string')
    repo_id, ref = None, value
    if "--" in value:
        parts = value.split("--")
        if len(parts) != 2:
            return CodeRef(config, ptr, value, problem="has more than one '--'; transformers cannot split it")
        repo_id, ref = parts
        if not _REPO_ID.match(repo_id):
            return CodeRef(config, ptr, value, repo_id=repo_id, problem=f"names {repo_id!r}, which is not a repo id")
    pieces = ref.split(".")
    if len(pieces) != 2 or not all(pieces):
        return CodeRef(config, ptr, value, repo_id=repo_id, problem="must be module.Class with exactly one dot")
    module = f"{pieces[0]}.py"
    if repo_id is None:
        module = _folder_join(posixpath.dirname(config), module)
    return CodeRef(config, ptr, value, repo_id=repo_id, module=module)


def _json(repo: Repo, path: str) -> Any:
    try:
        return repo.json(path)
    except CannotAnalyse:
        return None  # HF201 reports files that do not parse


def refs_in(path: str, doc: Any) -> list[CodeRef]:
    """The ``auto_map`` references in one parsed config."""
    auto_map = doc.get("auto_map") if isinstance(doc, dict) else None
    if not isinstance(auto_map, dict):
        return []
    refs: list[CodeRef] = []
    for key, value in auto_map.items():
        if isinstance(value, list):  # tokenizers: [slow, fast], a slot may be null
            refs += [parse_ref(path, pointer("auto_map", key, i), v) for i, v in enumerate(value) if v is not None]
        else:
            refs.append(parse_ref(path, pointer("auto_map", key), value))
    return refs


def auto_map_refs(repo: Repo, policy: LoadingPolicy) -> list[CodeRef]:
    refs: list[CodeRef] = []
    for path in repo.files:
        if posixpath.basename(path) in policy.auto_map_files and not repo.is_lfs_pointer(path):
            refs += refs_in(path, _json(repo, path))
    return refs


def relative_imports(text: str) -> list[str]:
    found = {m.group(1) for regex in _RELATIVE for m in regex.finditer(text)}
    return sorted(found)


def _roots(repo: Repo, policy: LoadingPolicy) -> Iterator[tuple[str, str]]:
    """(file, how a loader reaches it) for every entry point hflint knows of."""
    for ref in auto_map_refs(repo, policy):
        if ref.module and ref.repo_id is None:
            yield ref.module, f"auto_map {ref.pointer.removeprefix('/auto_map/')} in {ref.config}"
    for path in repo.files:
        base = posixpath.basename(path)
        if base == "config.json":
            doc = _json(repo, path)
            model_file = doc.get("model_file") if isinstance(doc, dict) else None
            if isinstance(model_file, str):
                yield _folder_join(posixpath.dirname(path), model_file), f"model_file in {path} (mlx-lm)"
        elif base == "modules.json":
            yield from _modules_json_roots(repo, path, policy)
        elif base in policy.model_index_files:
            yield from _model_index_roots(repo, path)
    for name in policy.custom_generate.names:
        if repo.exists(name):
            yield name, "custom_generate (replaces generate())"
    for entry in policy.entry_files:
        for name in entry.names:
            if repo.exists(name):
                yield name, entry.loader
    script = f"{repo.name}.py"
    if repo.exists(script) and _is_dataset(repo):
        # datasets < 4.0 load.py: a repository (HubDatasetModuleFactoryWithScript: the last
        # part of the repo id + ".py") or folder (LocalDatasetModuleFactoryWithScript:
        # basename + ".py") holding <name>.py is loaded by running that script, behind
        # trust_remote_code since 2.20; datasets 4.0 no longer runs scripts at all.
        yield script, "the datasets loading script: load_dataset runs <name>.py (trust_remote_code, datasets < 4.0)"


def _is_dataset(repo: Repo) -> bool:
    from hflint.cards.repotype import repo_type

    return repo_type(repo) == "dataset"


def _model_index_roots(repo: Repo, path: str) -> Iterator[tuple[str, str]]:
    """diffusers components written as [module, Class] whose module is a repository file."""
    doc = _json(repo, path)
    if not isinstance(doc, dict):
        return
    folder = posixpath.dirname(path)
    for key, value in doc.items():
        if not (isinstance(value, list) and value and isinstance(value[0], str) and value[0]):
            continue
        where = folder if key == "_class_name" else _folder_join(folder, key)
        candidate = _folder_join(where, f"{value[0]}.py")
        if repo.exists(candidate):
            yield candidate, f"{path} /{key} (diffusers custom component, trust_remote_code)"


def _modules_json_roots(repo: Repo, path: str, policy: LoadingPolicy) -> Iterator[tuple[str, str]]:
    doc = _json(repo, path)
    if not isinstance(doc, list):
        return
    folder = posixpath.dirname(path)
    for i, entry in enumerate(doc):
        kind = entry.get("type") if isinstance(entry, dict) else None
        if not isinstance(kind, str) or kind.startswith(policy.sentence_transformers_prefixes.names):
            continue
        module = kind.rsplit(".", 1)[0]
        sub = entry.get("path") if isinstance(entry.get("path"), str) else ""
        for candidate in (
            _folder_join(_folder_join(folder, sub), f"{module}.py"),
            _folder_join(folder, f"{module}.py"),
        ):
            if repo.exists(candidate):
                yield candidate, f"modules.json /{i}/type in {path}"
                break


def _unreadable_routes(repo: Repo, policy: LoadingPolicy) -> Iterator[tuple[str, str]]:
    """(folder, why) for each file that names code but cannot be read: what it loads is unknown."""
    names = {*policy.auto_map_files, *policy.model_index_files, "config.json", "modules.json"}
    for path in repo.files:
        if posixpath.basename(path) in names and not repo.is_lfs_pointer(path):
            try:
                repo.json(path)
            except CannotAnalyse:
                yield posixpath.dirname(path), f"{path} cannot be read, so what it loads is unknown"


def loaded_files(repo: Repo, policy: LoadingPolicy) -> dict[str, str]:
    """Every existing file a loader imports, with how it gets there (first route found).

    Fails closed: where a file that routes to code cannot be read (a config that does not
    parse, a loaded module hflint cannot parse - newer syntax than the running Python, say),
    every Python file in its folder and below counts as loaded, because hflint cannot tell
    that the loader would not import it.
    """
    how: dict[str, str] = {}
    queue: deque[str] = deque()
    unknown = list(_unreadable_routes(repo, policy))
    for path, reason in _roots(repo, policy):
        if repo.exists(path) and path not in how:
            how[path] = f"loaded via {reason}"
            queue.append(path)
    while queue:
        current = queue.popleft()
        folder = posixpath.dirname(current)
        try:
            text = repo.text(current)
            tree = source(repo, current).tree
        except CannotAnalyse:
            tree = None
        if tree is None:  # HF503 reports files that cannot be read as Python
            unknown.append((folder, f"{current} cannot be parsed, so what it imports is unknown"))
            continue
        found = [(_folder_join(folder, f"{name}.py"), f"imported by {current}") for name in relative_imports(text)]
        named = f"named by {current} (an import or file name hflint follows to stay on the safe side)"
        found += [(target, named) for target in mentioned(tree, current, repo.exists)]
        for target, reason in found:
            if target.endswith(".py") and repo.exists(target) and target not in how and not repo.is_lfs_pointer(target):
                how[target] = reason
                queue.append(target)
    for folder, why in unknown:
        prefix = f"{folder}/" if folder else ""
        for path in repo.files:
            if path.endswith(".py") and path.startswith(prefix) and path not in how and not repo.is_lfs_pointer(path):
                how[path] = f"treated as loaded: {why}"
    return how


def source(repo: Repo, path: str, limit: int = pysource.MAX_BYTES, *, ipython: bool = False) -> pysource.Source:
    """The parsed file, shared by every rule that reads it (CannotAnalyse when unreadable).
    ``ipython``: read IPython escapes (``!pip``, ``%magic``) as such (notebook exports)."""
    key = f"python-source:{limit}:{'ipython' if ipython else 'python'}"
    return repo.cached(path, key, lambda: pysource.parse(repo.read_bytes(path, limit), ipython=ipython))


def policy_path(rule: Rule) -> Path:
    """The code-loading policy a rule names (``code-loading`` param), else the shipped one."""
    return rule.data_file(rule.params.get("code-loading", DEFAULT_LOADING))


def loaded(repo: Repo, policy_path: Path) -> dict[str, str]:
    """``loaded_files`` once per repository and policy file."""
    return repo.cached("", f"customcode:loaded:{policy_path}", lambda: loaded_files(repo, load_loading(policy_path)))
