"""Card metadata a repository proves by its own files, for the card fixes (HF101, HF102, HF103).

Each value is read from a file that states it, never guessed:

* ``license``: the one file that holds the model's license (hflint.cards.licenses:
  LICENSE, MODEL_LICENSE, ...; a code-only license file never counts) has a text HF106's
  matcher recognises as exactly one license, with its title or first sentence near the
  start (an adapted text with a preamble is left to a person);
* ``library_name``: the file each library writes (PEFT adapter_config.json with peft_type,
  sentence-transformers modules.json beside config_sentence_transformers.json, diffusers
  model_index.json with _diffusers_version, transformers config.json with
  transformers_version), in that order, as the Hub files such repositories;
* ``base_model``: adapter_config.json's base_model_name_or_path when it is an owner/name id
  (PEFT writes a local path as given, which is no Hub id);
* ``pipeline_tag``: config.json naming one architecture whose head backs exactly one
  transformers pipeline task (rules/data/architecture-tasks.yaml).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from hflint import _paths
from hflint.cards.licenses import DEFAULT_DATA, LicenseData, license_files, load_license_data, read_license, recognise
from hflint.repo import CannotAnalyse, Repo
from hflint.yamlfile import data_list

ARCHITECTURE_TASKS = "hflint:data/architecture-tasks.yaml"
# How far into a license file its title or first sentence may start for the file to count
# as that license's text (MIT: "MIT License", a copyright line, then the grant).
MAX_LICENSE_OFFSET = 1000
_HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _json(repo: Repo, path: str) -> dict[str, Any] | None:
    if not repo.exists(path) or repo.is_lfs_pointer(path):
        return None
    try:
        value = repo.json(path)
    except CannotAnalyse:
        return None
    return value if isinstance(value, dict) else None


def license_of(repo: Repo, data: LicenseData, link: object = None) -> tuple[str, str] | None:
    """(Hub id, file) when the repository's one model license file is recognised with high
    confidence; None otherwise."""
    model = [f for f, covers in license_files(repo, data, link).items() if covers == "model"]
    if len(model) != 1:
        return None
    try:
        found = recognise(read_license(repo, model[0]), data)
    except CannotAnalyse:
        return None
    if len(found) != 1 or found[0][1] > MAX_LICENSE_OFFSET or found[0][0] in ("other", "unknown"):
        return None
    return found[0][0], model[0]


def library_of(repo: Repo) -> str | None:
    adapter = _json(repo, "adapter_config.json")
    if adapter is not None and isinstance(adapter.get("peft_type"), str):
        return "peft"
    if _json(repo, "modules.json") is not None and _json(repo, "config_sentence_transformers.json") is not None:
        return "sentence-transformers"
    index = _json(repo, "model_index.json")
    if index is not None and "_diffusers_version" in index:
        return "diffusers"
    config = _json(repo, "config.json")
    if config is not None and isinstance(config.get("transformers_version"), str):
        return "transformers"
    return None


def base_model_of(repo: Repo) -> str | None:
    adapter = _json(repo, "adapter_config.json")
    value = adapter.get("base_model_name_or_path") if adapter else None
    return value if isinstance(value, str) and _HUB_ID.match(value) and ".." not in value else None


@functools.cache
def _suffixes(path: Path) -> tuple[tuple[str, str], ...]:
    entries = data_list(path, "suffixes")
    return tuple((str(e["suffix"]), str(e["task"])) for e in entries if isinstance(e, dict))


def pipeline_tag_of(repo: Repo) -> str | None:
    config = _json(repo, "config.json")
    architectures = config.get("architectures") if config else None
    if not isinstance(architectures, list) or len(architectures) != 1 or not isinstance(architectures[0], str):
        return None
    table = _suffixes(_paths.data_file(ARCHITECTURE_TASKS, Path()))
    tasks = {task for suffix, task in table if architectures[0].endswith(suffix)}
    return tasks.pop() if len(tasks) == 1 else None


def proven(repo: Repo, data: LicenseData | None = None) -> dict[str, str]:
    """The metadata the repository proves, in huggingface_hub's ModelCardData order."""
    data = data or load_license_data(_paths.data_file(DEFAULT_DATA, Path()))
    found = {
        "base_model": base_model_of(repo),
        "library_name": library_of(repo),
        "license": (license_of(repo, data) or (None, None))[0],
        "pipeline_tag": pipeline_tag_of(repo),
    }
    return {k: v for k, v in found.items() if v is not None}
