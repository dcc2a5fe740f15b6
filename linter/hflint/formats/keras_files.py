"""The model configs a Keras file carries, read the way Keras reads them, within limits.

* Keras 3 ``.keras``: a zip whose ``config.json`` Keras parses (keras/src/saving/saving_lib.py
  ``_load_state``); read with hflint's own zip reader (hflint.pickles.zipread), never
  extracted; every member named ``config.json`` is read (Python's zipfile keeps the last).
* legacy HDF5 (``.h5``/``.hdf5``, Keras 1-2 and Keras 3's legacy saver): the root attributes
  ``model_config`` and ``training_config`` (keras/src/legacy/saving/legacy_h5_format.py),
  read with h5py through a file object that refuses any single read over the attribute
  limit and any total over the read limit. HDF5 decodes a whole attribute message when it
  opens or even looks up an attribute, so the limit has to sit below h5py: a 1 GB attribute
  ends in a refused read, before a byte of it is held. A file without ``model_config`` is a
  weights file (``*.weights.h5``, transformers' ``tf_model.h5``) and has no config.
* Keras-2 SavedModels: ``keras_metadata.pb``, a SavedMetadata message whose nodes each hold
  a layer's or model's JSON metadata (tensorflow/python/keras/protobuf/saved_metadata.proto:
  ``SavedMetadata.nodes = 1``, ``SavedObject.metadata = 5``).
* Keras SavedModels of TF 2.0-2.4: the same JSON metadata inside ``saved_model.pb``, on each
  object graph node Keras wrote (tensorflow/core/protobuf/saved_model.proto
  ``SavedModel.meta_graphs = 2``, meta_graph.proto ``MetaGraphDef.object_graph_def = 7``,
  saved_object_graph.proto ``SavedObjectGraph.nodes = 1``, ``SavedObject.user_object = 4``,
  ``SavedUserObject.identifier = 1``, ``SavedUserObject.metadata = 3``). tf.keras 2.0-2.4
  reads it there, and later tf.keras (tf_keras' ``_read_legacy_metadata``) whenever
  keras_metadata.pb is missing, for nodes whose identifier is a Keras object's
  (``_tf_keras_layer``, ``_tf_keras_model``, ``_tf_keras_sequential``...).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, BinaryIO, NamedTuple

from hflint.jsonfile import parse_json
from hflint.repo import CannotAnalyse, ParseError


class Config(NamedTuple):
    where: str  # member, attribute or node the config came from
    value: Any  # parsed JSON


class Limits(NamedTuple):
    max_config_bytes: int = 64 << 20  # one config.json / attribute / metadata string
    max_read_bytes: int = 256 << 20  # everything read from one HDF5 file
    max_seconds: float = 10.0  # reading one HDF5 file (HDF5 runs in a child process)


class Deferred(CannotAnalyse):
    """The file cannot be read, and the kind named ``covered_by`` reports why (a broken zip is
    HF403's, pickle content behind a Keras name HF405's)."""

    def __init__(self, reason: str, covered_by: str) -> None:
        super().__init__(reason)
        self.covered_by = covered_by


def parse(data: bytes, where: str) -> Config:
    """A config's JSON as Keras's ``json.loads`` reads it; CannotAnalyse says why not, in
    hflint's words (hflint.jsonsyntax): json's own, and its nesting limit, change between
    Python versions, and the reason is the message, so the fingerprint, of a finding."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CannotAnalyse(f"{where} is not UTF-8 (byte {exc.start})") from None
    try:
        return Config(where, parse_json(text))
    except ParseError as exc:
        raise CannotAnalyse(f"{where} is not JSON: {exc.reason}") from None
    except CannotAnalyse as exc:  # nested deeper than hflint analyses
        raise CannotAnalyse(f"{where} is {exc.reason}") from None


# -- .keras ---------------------------------------------------------------------------------


def keras_zip(fh: BinaryIO, size: int, limits: Limits) -> list[Config]:
    from hflint.pickles import zipread
    from hflint.pickles.readers import Budget, Unreadable, Window
    from hflint.pickles.readers import Limits as ReadLimits

    budget = Budget(ReadLimits(max_read_bytes=limits.max_read_bytes, max_inflated_bytes=limits.max_read_bytes))
    win = Window(fh, 0, size, budget)
    try:
        archive = zipread.read_directory(win, budget)
    except Unreadable as exc:
        raise Deferred(f"zip directory cannot be read: {exc.reason}", "pickle-scan") from None
    found = [m for m in archive.members if m.name == "config.json"]
    if not found and any(m.name.endswith(".pkl") for m in archive.members):
        raise Deferred("a zip of pickles (a torch checkpoint), not a Keras archive", "pickle-scan")
    if not found:
        raise CannotAnalyse("a .keras archive without config.json: Keras cannot load it and hflint cannot "
                            "see its layers")
    out = []
    for m in found:
        if m.usize > limits.max_config_bytes:
            raise CannotAnalyse(f"config.json is {m.usize} bytes, over the {limits.max_config_bytes}-byte limit")
        try:
            body, _ = zipread.open_member(win, m, budget)
            data = body.read(limits.max_config_bytes + 1)
        except Unreadable as exc:
            raise Deferred(f"config.json cannot be read: {exc.reason}", "pickle-scan") from None
        if len(data) > limits.max_config_bytes:
            raise CannotAnalyse(f"config.json inflates past the {limits.max_config_bytes}-byte limit")
        out.append(parse(data, "config.json"))
    return out


# -- HDF5 -----------------------------------------------------------------------------------

ATTRIBUTES = ("model_config", "training_config")


class _CappedFile(io.RawIOBase):
    """What h5py reads through: each read is checked against the limits before a byte of it
    is read (HDF5 allocates the buffer, which stays untouched when the read is refused).
    ``refused`` keeps hflint's reason: HDF5 may wrap the exception in its own."""

    def __init__(self, fh: BinaryIO, limits: Limits) -> None:
        self.fh, self.limits, self.total = fh, limits, 0
        self.refused: str | None = None
        self.reads: list[list[int]] = []  # [offset, length] of every read, in order

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, pos: int, whence: int = io.SEEK_SET) -> int:
        return self.fh.seek(pos, whence)

    def tell(self) -> int:
        return self.fh.tell()

    def readinto(self, buf: Any) -> int:
        n = len(buf)
        if n > self.limits.max_config_bytes:
            self.refused = f"hflint refuses one HDF5 read of {n} bytes (limit {self.limits.max_config_bytes})"
        elif self.total + n > self.limits.max_read_bytes:
            self.refused = f"hflint refuses to read more than {self.limits.max_read_bytes} bytes of one HDF5 file"
        if self.refused is not None:
            raise OSError(self.refused)
        self.total += n
        at = self.fh.tell()
        got: int = self.fh.readinto(buf)  # type: ignore[attr-defined]
        if got:
            self.reads.append([at, got])  # what a child read, for the parent's record
        return got


def hdf5_configs(fh: BinaryIO, limits: Limits) -> list[Config]:
    try:
        import h5py  # type: ignore[import-untyped]  # lazy: only a scan with HDF5 files imports it (and numpy)
    except ImportError:
        raise CannotAnalyse("h5py cannot be imported; reinstall hflint with its dependencies "
                            "(pip install hflint) to read HDF5 models") from None
    from hflint.formats import isolated

    def attributes() -> dict[str, Any]:
        capped = _CappedFile(fh, limits)
        found: list[list[str]] = []
        cannot = None
        try:
            with h5py.File(capped, "r") as f:
                for name in ATTRIBUTES:
                    if not h5py.h5a.exists(f.id, name.encode()):
                        continue
                    raw = f.attrs[name]
                    text = _attribute_text(raw)
                    if text is None:
                        cannot = f"HDF5 attribute {name} is {type(raw).__name__}, not the JSON string Keras writes"
                        break
                    found.append([name, text.decode("latin-1")])  # bytes through JSON, unchanged
        except (OSError, ValueError, KeyError, RuntimeError, TypeError) as exc:
            cannot = f"not an HDF5 file h5py can read within the limits: {capped.refused or hdf5_error(exc)}"
        return {"found": found, "cannot": cannot, "reads": capped.reads}

    # HDF5 is C code a crafted file can send into an endless loop: it runs in a child
    # process with a deadline (hflint.formats.isolated). What the child read is read again
    # here when a result-cache record is kept (resultcache.RecordingFile), so a cached
    # verdict is verified against the same bytes; a child stopped at the deadline said
    # nothing, and the run is then not stored.
    recording = getattr(fh, "mark_unrecorded", None)
    where = fh.tell()
    try:
        answer = isolated.run(attributes, limits.max_seconds, "reading the HDF5 file",
                              fork=recording is not None or _has_descriptor(fh))
    except CannotAnalyse:
        if recording is not None:
            recording()
        raise
    finally:
        # A child shares the descriptor's offset, which its reads moved; a seek from the end
        # makes the buffered reader here set the offset again (a seek inside its buffer would
        # not), so its next read starts where it thinks it does.
        fh.seek(0, io.SEEK_END)
        fh.seek(where)
    if recording is not None:
        for at, n in answer["reads"]:
            fh.seek(at)
            fh.read(n)
    if answer["cannot"]:
        raise CannotAnalyse(answer["cannot"])
    return [parse(text.encode("latin-1"), name) for name, text in answer["found"]]


def _has_descriptor(fh: BinaryIO) -> bool:
    """A local file (a child process can read it); a file of a Hub repository has none."""
    try:
        return fh.fileno() >= 0
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both
        return False


def _attribute_text(raw: Any) -> bytes | None:
    if isinstance(raw, bytes):
        return raw
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogatepass")
    item = getattr(raw, "item", None)  # a numpy scalar or 0-d array of bytes/str
    if callable(item) and getattr(raw, "shape", None) in ((), (1,)):
        return _attribute_text(item() if raw.shape == () else raw[0])
    return None


# HDF5's error stack, by class (H5Fsuper.c, H5FD*.c): its wording changes between HDF5 and
# h5py versions ("Unable to open file" became "Unable to synchronously open file" in HDF5
# 1.14), and a finding's message is its fingerprint, so only the class is reported.
_HDF5_ERRORS = (
    ("file signature not found", "no HDF5 superblock signature (not an HDF5 file)"),
    ("truncated file", "the file ends before the end its superblock declares (truncated)"),
    ("bad object header", "an object header is corrupt"),
    ("bad symbol table", "a symbol table is corrupt"),
    ("wrong B-tree signature", "a B-tree is corrupt"),
    ("unable to open attribute", "an attribute cannot be opened"),
    ("unable to read attribute", "an attribute cannot be read"),
)


def hdf5_error(exc: BaseException) -> str:
    """hflint's words for an HDF5 or h5py failure: its class, never the library's text."""
    text = str(exc).lower()
    found = next((words for key, words in _HDF5_ERRORS if key.lower() in text), None)
    return found or f"HDF5 cannot read its structure ({type(exc).__name__})"


# -- keras_metadata.pb ------------------------------------------------------------------------


def keras_metadata(fh: BinaryIO, limits: Limits) -> Iterator[Config]:
    from hflint.formats import protowire

    reader = protowire.WireReader(fh, protowire.Limits(max_string=limits.max_config_bytes))
    index = -1
    try:
        for number, wire, start, length in reader.fields(reader.whole, 0):
            if number != 1 or wire != protowire.LEN:
                continue
            index += 1
            for field, kind, at, size in reader.fields([(start, start + length)], 1):
                if field == 5 and kind == protowire.LEN:
                    yield parse(reader.read(at, size), f"nodes/{index}/metadata")
    except protowire.WireError as exc:
        raise CannotAnalyse(f"not a SavedMetadata message hflint can read: {exc}") from None


# -- saved_model.pb of TF 2.0-2.4 --------------------------------------------------------------

KERAS_IDENTIFIER = "_tf_keras"  # tf_keras saved_model/constants.py: every KERAS_OBJECT_IDENTIFIERS


class NotSavedModel(CannotAnalyse):
    """saved_model.pb is not a protobuf hflint can walk: HF614 (tf-graph) reports it."""


def saved_model_metadata(fh: BinaryIO, limits: Limits) -> Iterator[Config]:
    """The Keras metadata of every Keras object in the SavedModel's object graphs."""
    from hflint.formats import protowire

    reader = protowire.WireReader(fh, protowire.Limits(max_string=limits.max_config_bytes))

    def children(spans: list[protowire.Span], number: int, depth: int) -> Iterator[protowire.Span]:
        for field, wire, at, size in reader.fields(spans, depth):
            if field == number and wire == protowire.LEN:
                yield (at, at + size)

    try:
        for m, meta in enumerate(children(list(reader.whole), 2, 0)):
            graphs = list(children([meta], 7, 1))  # a singular field: its occurrences merge
            for n, node in enumerate(children(graphs, 1, 2)):
                identifier, text = "", None
                for field, wire, at, size in reader.fields(list(children([node], 4, 3)), 4):
                    if field == 1 and wire == protowire.LEN:
                        identifier = reader.string(at, size)
                    elif field == 3 and wire == protowire.LEN:
                        text = reader.read(at, size)
                if identifier.startswith(KERAS_IDENTIFIER) and text:
                    yield parse(text, f"meta_graphs/{m}/object_graph_def/nodes/{n}/user_object/metadata")
    except protowire.WireError as exc:
        raise NotSavedModel(f"not a SavedModel hflint can read: {exc}") from None
