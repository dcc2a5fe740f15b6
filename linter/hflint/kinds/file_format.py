"""Kind ``file-format``: every file is read by a kind that understands it, or reported.

``params.check``:

* ``unread-model`` (HF635): a model format hflint has no reader for (legacy GGML, ExecuTorch,
  Core ML, TensorRT...: ``models`` in rules/data/file-formats.yaml, matched by magic or name);
* ``unknown`` (HF600): a file whose content no kind of hflint reads and that is not plain
  data: not a format hflint.identify names, not text, not data with a known magic (images,
  audio, video, Parquet, Arrow...: ``data`` in the same file), and not one of the Hub's
  data files recognised by content or by the file that refers to it - a SentencePiece
  model, a flax msgpack state dict, an ONNX model's external data, a SavedModel's or TF
  checkpoint's variable shards, OpenVINO weights beside their .xml, a Core ML package's
  weight blobs (its model.mlmodel is HF635's).

Only the first bytes of a file are read (hflint.identify), except to recognise the protobuf
model formats, which have no magic (hflint.identify.formats_of), and an ONNX model's own
parse (shared with the ONNX rules) to learn which files it names as external data. Files that
another kind owns by name (``*.json``, ``*.safetensors``...) are left out by the rule's
``exclude`` globs: their own rule reports them when they do not parse.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from hflint.kinds.base import Result, each_file
from hflint.repo import Repo
from hflint.rule import Rule

PARAMS_SCHEMA = {
    "type": "object",
    "required": ["check"],
    "properties": {"check": {"enum": ["unknown", "unread-model"]}, "formats": {"type": "string", "minLength": 1},
                   "extensions": {"type": "string", "minLength": 1}},
    "additionalProperties": False,
}
FIELDS = frozenset({"detail"})
DEFAULT_FORMATS = "hflint:data/file-formats.yaml"
# Its loaded-as-pickle names: HF403 reports a file named so that holds no pickle.
DEFAULT_EXTENSIONS = "hflint:data/extension-formats.yaml"
_SHARD = re.compile(r"^(.*)\.data-\d{5}-of-\d{5}$")  # TF checkpoint shards (tensor_bundle.cc)


class Entry(NamedTuple):
    name: str
    magic: tuple[bytes, ...]
    offset: int
    suffixes: tuple[str, ...]
    reason: str

    def matches(self, path: str, head: bytes) -> bool:
        return head[self.offset :].startswith(self.magic) or path.lower().endswith(self.suffixes)


class Formats(NamedTuple):
    data: tuple[Entry, ...]
    models: tuple[Entry, ...]
    never_empty: tuple[Entry, ...]  # names whose loaders read a header first (by suffix)


@functools.cache
def load_formats(path: Path) -> Formats:
    from hflint.datacache import safe_data

    doc = safe_data(path)
    if not isinstance(doc, dict):
        raise ValueError(f"{path.name}: expected a mapping with 'data' and 'models' lists")
    return Formats(*(tuple(_entry(e, f"{path.name}: {key}[{i}]") for i, e in enumerate(doc.get(key) or []))
                     for key in ("data", "models", "never-empty")))


def _entry(raw: object, where: str) -> Entry:
    entry = raw if isinstance(raw, dict) else {}
    name, reason, offset = entry.get("name"), entry.get("reason"), entry.get("offset", 0)
    magic, suffixes = entry.get("magic", []), entry.get("suffixes", [])
    if not isinstance(name, str) or not isinstance(reason, str) or not reason.strip():
        raise ValueError(f"{where} needs a 'name' and a 'reason'")
    if not isinstance(offset, int) or not 0 <= offset < 256 or not isinstance(magic, list) \
            or not isinstance(suffixes, list) or not (magic or suffixes):
        raise ValueError(f"{where} needs 'magic' (hex strings) or 'suffixes', and an offset under 256")
    try:
        patterns = tuple(bytes.fromhex(str(m)) for m in magic)
    except ValueError:
        raise ValueError(f"{where}: 'magic' entries are hex strings") from None
    return Entry(name, patterns, offset, tuple(str(s).lower() for s in suffixes), " ".join(reason.split()))


def validate(rule: Rule) -> list[str]:
    try:
        load_formats(rule.data_file(rule.params.get("formats", DEFAULT_FORMATS)))
    except (OSError, ValueError) as exc:
        return [f"params.formats: {exc}"]
    try:
        from hflint.pickles import claims

        claims.loaded_as_pickle(rule.data_file(rule.params.get("extensions", DEFAULT_EXTENSIONS)))
    except (OSError, ValueError) as exc:
        return [f"params.extensions: {exc}"]
    return []


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    formats = load_formats(rule.data_file(rule.params.get("formats", DEFAULT_FORMATS)))
    unread = rule.params["check"] == "unread-model"

    def check_file(path: str) -> Iterator[Result]:
        from hflint import identify

        if repo.size(path) == 0:
            # An empty file holds nothing to analyse; one named as weights whose loader reads
            # a header first (and that no format rule reads) is an upload that failed.
            empty = None if unread else next((e for e in formats.never_empty if e.matches(path, b"")), None)
            if empty is not None:
                yield rule.finding(path, detail=f"an empty file, but its name claims {empty.name}: {empty.reason}")
            return
        head = identify.first_bytes(repo, path)
        model = next((e for e in formats.models if e.matches(path, head)), None)
        # a format hflint reads: by its first bytes, or a model format by content (an ONNX
        # model or a GraphDef named .bin is its own rules' file, and may look like text)
        known = identify.identify(head, repo.size(path)).format or min(identify.formats_of(repo, path), default=None)
        if unread:
            if model is not None and known is None:
                yield rule.finding(path, detail=f"{model.name}: {model.reason}")
            return
        if model is not None or known is not None or _plain(path, head, formats) or _referenced(repo, path):
            return
        if identify.maybe_headerless_pickle(head) and _pickle(repo, path):
            return  # a protocol 0-1 pickle: the pickle rules' file
        if _named_as_pickle(rule, path):
            return  # HF403 reports it: a name loaders read only as a pickle, and no pickle in it
        yield rule.finding(path, detail=f"starts with {head[:8].hex(' ')}, which is no format hflint reads and "
                                        "not plain data")

    yield from each_file(rule, repo, check_file)


def _plain(path: str, head: bytes, formats: Formats) -> bool:
    from hflint import identify

    return (identify.looks_like_text(head) or any(e.matches(path, head) for e in formats.data)
            or identify.sentencepiece_model(head)
            or identify.ctranslate2_model(head)
            or (path.lower().endswith(".msgpack") and identify.msgpack_map(head)))


def _named_as_pickle(rule: Rule, path: str) -> bool:
    from hflint.pickles import claims

    names = claims.loaded_as_pickle(rule.data_file(rule.params.get("extensions", DEFAULT_EXTENSIONS)))
    return claims.named_as_pickle(path, names)


def _pickle(repo: Repo, path: str) -> bool:
    from hflint.pickles import analysis
    from hflint.pickles.readers import Limits

    report = analysis.cached(repo, path, Limits())  # the walk the pickle rules share
    return bool(report.streams or report.hits or report.problems)


def _referenced(repo: Repo, path: str) -> bool:
    """Data another file names: ONNX external data, TF variable shards, OpenVINO weights, the
    parts of a Core ML package or compiled model."""
    base = posixpath.basename(path)
    stem = posixpath.splitext(path)[0]
    if base.endswith(".bin") and repo.exists(stem + ".xml"):
        return True  # OpenVINO IR: <name>.xml is the graph, <name>.bin its weights
    if ".mlpackage/Data/" in path:
        # A Core ML package's weights (MIL blob storage, weights/weight.bin) belong to its
        # model.mlmodel, which HF635 reports as a model hflint does not read.
        return True
    folder, _, rest = path.partition(".mlmodelc/")
    if folder and rest and rest != "coremldata.bin":
        # A compiled Core ML model's weights, analytics and espresso files belong to the
        # folder's root coremldata.bin, which HF635 reports (rules/data/file-formats.yaml).
        return True
    shard = _SHARD.match(path)
    if shard is not None or path.endswith(".index"):
        prefix = shard.group(1) if shard is not None else path[: -len(".index")]
        return repo.exists(prefix + ".index") or any(_SHARD.match(f) and f.startswith(prefix + ".data-")
                                                     for f in repo.files)
    return path in _onnx_external(repo)


def _onnx_external(repo: Repo) -> frozenset[str]:
    def collect() -> frozenset[str]:
        from hflint import identify
        from hflint.formats.protowire import Limits
        from hflint.kinds.onnx_model import location_escape, parsed
        from hflint.repo import CannotAnalyse

        found = set()
        for model in repo.select(["*.onnx"], formats=[identify.ONNX]):
            try:
                info = parsed(repo, model, Limits())
            except CannotAnalyse:
                continue  # HF605 reports the model; its data files stay unknown
            for ref in info.external:
                location = dict(ref.entries).get("location")
                if location and location_escape(location) is None:  # HF601 reports the others
                    target = repo.resolve(posixpath.join(posixpath.dirname(model), location.replace("\\", "/")))
                    if target is not None:
                        found.add(target)
        return frozenset(found)

    return repo.cached("", "hflint.file-format.onnx-external", collect)
