"""Kind ``loadable``: what a loader needs and the repository does not have.

``params.check`` picks the check:

* ``weights`` (HF308): a folder whose config says it holds a model has no weight file
  anywhere below it: a transformers ``config.json`` with ``architectures``
  (``from_pretrained`` raises "no file named model.safetensors..."), a diffusers model
  config (``_class_name`` and ``_diffusers_version``), a PEFT ``adapter_config.json``.
  Any weight format counts (safetensors, bin, h5, msgpack, onnx, gguf...), in any
  subfolder (transformers.js keeps ONNX files in ``onnx/``), LFS pointers included.
* ``pipeline-components`` (HF209): a diffusers ``model_index.json`` names a component
  (``"unet": ["diffusers", "UNet2DModel"]``) whose folder is missing or empty, or has a
  component folder whose entry is not a ``[library, class]`` pair;
  ``DiffusionPipeline.from_pretrained`` loads every non-null component from its folder.
* ``st-modules`` (HF210): a sentence-transformers ``modules.json`` names a module folder
  (``"path": "1_Pooling"``) that is missing or empty; modules that save no file
  (``Normalize``) and custom module classes are not reported.
* ``config-present`` (HF309): weight files named as a loader writes them
  (``model.safetensors``, ``pytorch_model-00001-of-00002.bin``,
  ``diffusion_pytorch_model.safetensors``, ``adapter_model.safetensors``...) in a folder
  without the config that loader needs (``config.json``, or ``adapter_config.json`` for an
  adapter). A library-specific ``*_config.json`` next to them (GLiNER, open_clip) means
  another library wrote them: not reported. When the file is not what its name says (a
  pickle named model.safetensors: HF405), the need follows from a false name, so the finding
  is a consequence of that rule's (docs/one-defect-one-finding.md).
* ``tokenizer-files`` (HF211): a ``tokenizer_config.json`` with no vocabulary next to it
  (``tokenizer.json``, ``vocab.txt``, ``vocab.json``, a sentencepiece or tiktoken model...)
  for a tokenizer class that needs one; classes that need no file (byte-level ones) and
  custom-code tokenizers (``auto_map``) are not reported.
"""

from __future__ import annotations

import json
import posixpath
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence

from hflint.globs import matches
from hflint.jsonfile import pointer
from hflint.kinds.base import Consequence, Result, each_file, no_extra_validation
from hflint.repo import CannotAnalyse, Repo
from hflint.rule import Rule

CHECKS = ("weights", "pipeline-components", "st-modules", "tokenizer-files", "config-present")
PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "check": {"enum": list(CHECKS)},
        "weight-suffixes": {"type": "array", "items": {"type": "string", "pattern": "^\\.[a-z0-9._-]+$"}},
        "not-weights": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "needs": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
        "auxiliary-configs": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "vocabulary-files": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "file-free-tokenizers": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "folder-less-modules": {"type": "array", "items": {"type": "string", "minLength": 1}},
    },
    "required": ["check"],
    "additionalProperties": False,
}
FIELDS = frozenset({"detail"})
validate = no_extra_validation

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".h5", ".msgpack", ".onnx", ".onnx_data", ".gguf", ".ckpt", ".pt",
                   ".pth", ".npz", ".tflite", ".mlmodel", ".pb", ".keras", ".ot", ".pdparams", ".ggml")  # fmt: skip


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    run = _CHECKS[rule.params["check"]]
    yield from each_file(rule, repo, lambda path: run(rule, repo, path), covered_by="json-parse")


def _below(repo: Repo, folder: str) -> Sequence[str]:
    """Files at any depth under ``folder`` (every file for the root): a slice of the sorted
    listing found by bisection, so a repository of many folders costs no quadratic scan."""
    if not folder:
        return repo.files
    start = bisect_left(repo.files, folder + "/")
    end = bisect_left(repo.files, folder + "0")  # "0" sorts just after "/"
    return repo.files[start:end]


def _children(repo: Repo, folder: str) -> frozenset[str]:
    """Names of the files directly in ``folder``, listed once per folder."""

    def build() -> frozenset[str]:
        skip = len(folder) + 1 if folder else 0
        return frozenset(f[skip:] for f in _below(repo, folder) if "/" not in f[skip:])

    return repo.cached(folder, "loadable:children", build)


def _weight_folders(rule: Rule, repo: Repo) -> frozenset[str]:
    """Every folder with a weight file at any depth below it ("" for the root), from one
    pass over the listing."""

    def build() -> frozenset[str]:
        suffixes = tuple(rule.params.get("weight-suffixes", WEIGHT_SUFFIXES))
        others = rule.params.get("not-weights", ())  # training artefacts: optimizer.pt, ...
        out: set[str] = set()
        for f in repo.files:
            if not f.endswith(suffixes) or matches(posixpath.basename(f), others):
                continue
            folder = posixpath.dirname(f)
            while folder not in out:  # an ancestor already in holds all of its own
                out.add(folder)
                if not folder:
                    break
                folder = posixpath.dirname(folder)
        return frozenset(out)

    return repo.cached("", f"loadable:{rule.id}:weight-folders", build)


def _weights(rule: Rule, repo: Repo, path: str) -> Iterator[Result]:
    doc = repo.json(path)
    if not isinstance(doc, dict):
        return  # HF202 and the schema rules report the shape of the config
    name = posixpath.basename(path)
    if name == "adapter_config.json":
        what = "a PEFT adapter (adapter_config.json)"
    elif isinstance(doc.get("_class_name"), str) and "_diffusers_version" in doc:
        what = f"a diffusers {doc['_class_name']}"
    elif isinstance(doc.get("architectures"), list) and doc["architectures"]:
        what = f"a {', '.join(str(a) for a in doc['architectures'][:3])} model (config.json architectures)"
    else:
        return
    folder = posixpath.dirname(path)
    if folder not in _weight_folders(rule, repo):
        where = folder or "the repository root"
        yield rule.finding(path, detail=f"describes {what}, but {where} holds no weight file for a loader to read")


def _pipeline_components(rule: Rule, repo: Repo, path: str) -> Iterator[Result]:
    doc = repo.json(path)
    if not isinstance(doc, dict):
        return
    folder = posixpath.dirname(path)
    for key, value in doc.items():
        if key.startswith("_") or "/" in key or key in (".", ".."):
            continue  # metadata
        pair = isinstance(value, list) and len(value) == 2
        if not pair and _below(repo, posixpath.join(folder, key)):
            # diffusers pipeline_loading_utils: `library_name, class_name = value` for every
            # component; a folder of that name says the key is one
            detail = (f"component {key!r} has a folder {posixpath.join(folder, key)}/ but its entry "
                      f"{json.dumps(value)[:40]} is not a [library, class] pair")
            yield rule.finding(path, pointer=pointer(key), detail=detail)
            continue
        if not pair or None in value:
            continue  # a pipeline argument, or an optional component set to [null, null]
        if not _below(repo, posixpath.join(folder, key)):
            detail = f"component {key!r} ({value[0]}.{value[1]}) has no folder {posixpath.join(folder, key)}/"
            yield rule.finding(path, pointer=pointer(key), detail=detail)


def _st_modules(rule: Rule, repo: Repo, path: str) -> Iterator[Result]:
    doc = repo.json(path)
    if not isinstance(doc, list):
        return
    folder = posixpath.dirname(path)
    for index, module in enumerate(doc):
        rel = module.get("path") if isinstance(module, dict) else None
        if not isinstance(rel, str) or rel in ("", ".") or ".." in rel.split("/") or rel.startswith("/"):
            continue  # the root module, or a value HF202's modules.json schema reports
        kind = module.get("type") if isinstance(module, dict) else None
        if not isinstance(kind, str) or not kind.startswith("sentence_transformers."):
            continue  # a custom module class decides itself what it saves
        if kind.rsplit(".", 1)[-1] in rule.params.get("folder-less-modules", ()):
            continue  # saves no file, so the Hub has no folder for it (Normalize)
        if not _below(repo, posixpath.normpath(posixpath.join(folder, rel))):
            detail = f"module {module.get('name', index)!r} ({kind}) has no folder {rel}/"
            yield rule.finding(path, pointer=pointer(index, "path"), detail=detail)


def _tokenizer_files(rule: Rule, repo: Repo, path: str) -> Iterator[Result]:
    doc = repo.json(path)
    if not isinstance(doc, dict) or "auto_map" in doc:
        return  # custom-code tokenizers name their own files
    cls = doc.get("tokenizer_class")
    if isinstance(cls, str) and cls.removesuffix("Fast") in rule.params.get("file-free-tokenizers", ()):
        return
    folder = posixpath.dirname(path)
    globs = rule.params.get("vocabulary-files", ())
    if not any(matches(name, globs) for name in _children(repo, folder)):
        shown = f"{cls} " if isinstance(cls, str) else ""
        where = folder or "the repository root"
        yield rule.finding(path, detail=f"configures a {shown}tokenizer, but {where} has no vocabulary file for it")


def _config_present(rule: Rule, repo: Repo, path: str) -> Iterator[Result]:
    name = posixpath.basename(path)
    needs: dict[str, str] = rule.params.get("needs", {})
    config = next((cfg for glob, cfg in needs.items() if matches(name, (glob,))), None)
    folder = posixpath.dirname(path)
    if config is None or repo.exists(posixpath.join(folder, config)):
        return

    def first_needing() -> str | None:
        """The folder's first weight file needing ``config``; None when another library's
        own config is there (gliner_config.json, open_clip_config.json)."""
        here = _children(repo, folder)
        auxiliary = rule.params.get("auxiliary-configs", ())
        if any(n.endswith("config.json") and not matches(n, auxiliary) for n in here):
            return None
        globs = tuple(g for g, cfg in needs.items() if cfg == config)
        return min(f for f in here if matches(f, globs))

    if name != repo.cached(folder, f"loadable:{rule.id}:{config}", first_needing):
        return  # one finding per folder, on its first weight file
    where = folder or "the repository root"
    detail = f"is a weight file, but {where} has no {config} for the loader to build the model from"
    found = rule.finding(path, detail=detail)
    cause = _misnamed(repo, path)
    yield found if cause is None else Consequence(found, cause, path)


def _misnamed(repo: Repo, path: str) -> str | None:
    """The kind reporting that a weight file is not the format its name says (the loader the
    name implies, and so the config it needs, follow from the name): HF306 for a .safetensors,
    HF634 for a .h5 (each a consequence of HF405 on pickle content), HF405 for pickle content
    under another name pickle loaders do not read, HF403 for a .bin that holds no pickle (an
    ONNX model named pytorch_model.bin: torch.load cannot load it). None when the file is what
    its name says, or holds nothing hflint recognises."""
    from hflint.identify import HDF5, PICKLE_CAPABLE, SAFETENSORS
    from hflint.weights.readers import describe_content

    if repo.is_lfs_pointer(path):
        return None
    try:
        content = describe_content(repo, path)
    except CannotAnalyse:
        return None  # HF001 says why it cannot be read
    if content is None:
        return None
    if path.endswith(".bin"):
        return None if content in PICKLE_CAPABLE else "pickle-scan"
    if path.endswith(".safetensors"):
        return None if content == SAFETENSORS else "safetensors-header"
    if path.endswith(".h5"):
        return None if content == HDF5 else "keras-model"
    return "pickle-scan" if content in PICKLE_CAPABLE else None


_CHECKS: dict[str, Callable[[Rule, Repo, str], Iterator[Result]]] = {
    "weights": _weights,
    "pipeline-components": _pipeline_components,
    "st-modules": _st_modules,
    "tokenizer-files": _tokenizer_files,
    "config-present": _config_present,
}
