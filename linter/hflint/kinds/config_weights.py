"""Kind ``config-weights``: a config.json whose sizes disagree with the weights beside it.

transformers builds the model from config.json, then copies each tensor in; a tensor whose
shape differs from the module's fails ``from_pretrained`` ("size mismatch for
model.embed_tokens.weight"). The input embedding is the tensor every architecture has and
names predictably, so its shape is compared with ``vocab_size`` (rows) and the hidden size
(columns: ``embedding_size`` where a model factorises it, else ``hidden_size``, ``n_embd``
or ``d_model``). Shapes come from safetensors headers, through the shard index when there is
one, or from the ``_rebuild_tensor_v2`` calls of a torch.save pickle (``.bin``), read
statically; nothing else is read. Quantized checkpoints (``quantization_config``) pack
their tensors and are not compared.

Fix ``vocab-size-from-weights``: ``vocab_size`` set to the embedding's rows, only when the
tokenizer beside config.json agrees with the weights (every token id has a row, and the rows
beyond the tokens are no more than the padding models add: transformers' resize to a
multiple, GPT-2 50257 -> 50304, Qwen2 151646 -> 151936). A hidden size, or a tokenizer that
does not fit, is a person's decision.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from hflint.configs.table import field_name, is_transformers_config, load_table, table_problems
from hflint.fixes.edits import Fix
from hflint.jsonfile import pointer
from hflint.kinds.base import Result, each_file
from hflint.repo import CannotAnalyse, Repo
from hflint.rule import Rule
from hflint.weights.readers import safetensors_header, state_dict
from hflint.weights.shards import load_index

_NAMES = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}
PARAMS_SCHEMA = {
    "type": "object",
    "properties": {
        "check": {"enum": ["embedding", "layers"]},
        "embedding-names": _NAMES,
        "hidden-size-keys": _NAMES,
        "layer-prefixes": _NAMES,
        "layer-count-keys": _NAMES,
        "extra-layer-keys": {"type": "array", "items": {"type": "string", "minLength": 1}},
        # the transformers field table: a size the config leaves out takes its class default
        "fields": {"type": "string", "minLength": 1},
    },
    "required": ["check"],
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "tensor"})


def validate(rule: Rule) -> list[str]:
    if "fields" not in rule.params:
        return []
    return [f"params.fields: {p}" for p in table_problems(rule.data_file(rule.params["fields"]))]


def _sizes(rule: Rule, doc: dict[str, object], keys: list[str]) -> dict[str, tuple[int, str]]:
    """key -> (value, "" or a note that it is the config class's default), for the keys
    config.json sets to an integer or whose default the field table knows (transformers
    builds the model with the default when the key is left out)."""
    out: dict[str, tuple[int, str]] = {}
    model = None
    if "fields" in rule.params and is_transformers_config(doc):
        model = load_table(rule.data_file(rule.params["fields"])).models.get(str(doc["model_type"]))
    for key in keys:
        value = doc.get(key)
        if type(value) is int:
            out[key] = (value, "")
        elif key not in doc and model is not None:
            name = field_name(model, key)
            if not any(alias in doc for alias, field in model["aliases"].items() if field == name) \
                    and type(model["defaults"].get(name)) is int:
                out[key] = (model["defaults"][name], f" (not set: {model['class']}'s default)")
    return out


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    layers = rule.params["check"] == "layers"

    def check_file(path: str) -> Iterator[Result]:
        doc = repo.json(path)
        if not isinstance(doc, dict):
            return
        if layers:
            yield from _layers(rule, repo, path, doc)
            return
        if "quantization_config" in doc:
            return
        found = _embedding(rule, repo, posixpath.dirname(path))
        if found is None:
            return
        name, shape = found
        if len(shape) != 2:
            return
        sizes = _sizes(rule, doc, ["vocab_size", *rule.params["hidden-size-keys"]])
        if "vocab_size" in sizes and shape[0] != sizes["vocab_size"][0]:
            vocab, note = sizes["vocab_size"]
            yield rule.finding(path, pointer=pointer("vocab_size"), tensor=name,
                               detail=f"vocab_size is {vocab}{note}, but {name} has {shape[0]} rows",
                               fix=_vocab_fix(rule, repo, path, vocab, name, shape[0]) if rule.fix else None)
        key = next((k for k in rule.params["hidden-size-keys"] if k in sizes), None)
        if key is not None and shape[1] != sizes[key][0]:
            size, note = sizes[key]
            yield rule.finding(path, pointer=pointer(key), tensor=name,
                               detail=f"{key} is {size}{note}, but {name} has {shape[1]} columns",
                               fix=rule.cannot_fix("every layer is sized by it; a person decides which is right"))

    yield from each_file(rule, repo, check_file, covered_by="json-parse")


# Rows an embedding may have beyond its tokenizer's ids: models pad it to a multiple of 64
# to 1024 for speed (GPT-2 50257 -> 50304, Phi-3 32011 -> 32064, Qwen2 151646 -> 151936).
MAX_PADDING_ROWS = 1024


def _vocab_fix(rule: Rule, repo: Repo, path: str, vocab: int, name: str, rows: int) -> Fix | None:
    from hflint.fixes.jsonedit import set_value
    from hflint.tokenfiles.vocab import load_vocabulary

    try:
        tokens = load_vocabulary(repo, path)
    except CannotAnalyse:
        tokens = None
    if tokens is None:
        return rule.cannot_fix("no tokenizer beside config.json confirms the embedding's size")
    ids = [i for i in (*tokens.tokens.values(), *tokens.added.values()) if type(i) is int]
    needed = max(ids, default=-1) + 1
    if not needed <= rows < needed + MAX_PADDING_ROWS:
        return rule.cannot_fix(f"the tokenizer ({tokens.source}, ids up to {needed - 1}) does not fit the "
                               f"{rows} rows of {name}; a person decides which file is wrong")
    edit = set_value(repo, path, ("vocab_size",), rows)
    if edit is None:
        return rule.cannot_fix("vocab_size cannot be changed in place; edit it by hand")
    return rule.propose(f"vocab_size {vocab} -> {rows} (the rows of {name}; {tokens.source} fits them)", (edit,))


def _layers(rule: Rule, repo: Repo, path: str, doc: dict[str, object]) -> Iterator[Result]:
    """The number of layers the config declares against the layer indices in the weights'
    tensor names (``model.layers.<i>.``), for single-stack models."""
    if doc.get("is_encoder_decoder") is True:
        return  # two stacks, each with its own count
    key = next((k for k in rule.params["layer-count-keys"] if type(doc.get(k)) is int), None)
    if key is None:
        return
    declared = doc[key]
    assert isinstance(declared, int)
    extra = sum(v for k in rule.params.get("extra-layer-keys", ()) if type(v := doc.get(k)) is int)
    names = _weight_names(repo, posixpath.dirname(path))
    if not names:
        return
    for prefix in rule.params["layer-prefixes"]:
        found = _layer_indices(names, prefix)
        if found:
            break
    else:
        return
    count = max(found) + 1
    if not declared <= count <= declared + extra:
        what = (f"the weights hold layers 0-{count - 1} of {prefix}" if count > 1
                else f"the weights hold one layer of {prefix}")
        yield rule.finding(path, pointer=pointer(key), detail=f"{key} is {declared}, but {what}")


def _layer_indices(names: list[str], prefix: str) -> set[int]:
    """Indices ``i`` of names ``[<model>.]<prefix>.<i>.<rest>`` (at most one leading part,
    e.g. ``bert.`` before ``encoder.layer``)."""
    found: set[int] = set()
    for name in names:
        if name.startswith(prefix + "."):
            start = 0
        else:
            at = name.find("." + prefix + ".")
            if at < 0 or "." in name[:at]:
                continue
            start = at + 1
        head = name[start + len(prefix) + 1 :].split(".", 1)[0]
        if head.isdigit():
            found.add(int(head))
    return found


def _weight_names(repo: Repo, folder: str) -> list[str]:
    try:
        for index_name in ("model.safetensors.index.json", "pytorch_model.bin.index.json"):
            index_path = posixpath.join(folder, index_name)
            if repo.exists(index_path):
                return list(load_index(repo, index_path).mapping)
        for single in ("model.safetensors", "pytorch_model.bin"):
            path = posixpath.join(folder, single)
            if repo.exists(path) and not repo.is_lfs_pointer(path):
                return list(tensor_shapes(repo, path) or {})
    except CannotAnalyse:
        return []
    return []


def _embedding(rule: Rule, repo: Repo, folder: str) -> tuple[str, tuple[int, ...]] | None:
    """The first embedding tensor (by the rule's name order) and its shape, from the
    folder's safetensors weights; None when there are none or they cannot be read (the
    HF3xx rules report unreadable shards)."""
    mapping: dict[str, str] | None = None
    try:
        for index_name in ("model.safetensors.index.json", "pytorch_model.bin.index.json"):
            index_path = posixpath.join(folder, index_name)
            if repo.exists(index_path):
                mapping = load_index(repo, index_path).mapping
                break
        for single in ("model.safetensors", "pytorch_model.bin"):
            path = posixpath.join(folder, single)
            if mapping is None and repo.exists(path) and not repo.is_lfs_pointer(path):
                mapping = dict.fromkeys(tensor_shapes(repo, path) or {}, path)
        if not mapping:
            return None
        for suffix in rule.params["embedding-names"]:
            name = next((n for n in mapping if n == suffix or n.endswith("." + suffix)), None)
            if name is None:
                continue
            shard = mapping[name]
            if not repo.exists(shard) or repo.is_lfs_pointer(shard):
                return None
            shape = (tensor_shapes(repo, shard) or {}).get(name)
            return (name, shape) if shape is not None else None
    except CannotAnalyse:
        return None
    return None


def tensor_shapes(repo: Repo, path: str) -> dict[str, tuple[int, ...]] | None:
    """Tensor shapes of one weight file, read statically (safetensors header, or the
    rebuild calls of a torch.save pickle); None when they cannot be read."""
    if path.endswith(".safetensors"):
        tensors = safetensors_header(repo, path).tensors
        return None if tensors is None else {name: info.shape for name, info in tensors.items()}
    if path.endswith(".bin"):
        return state_dict(repo, path).shapes
    return None

