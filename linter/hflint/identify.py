"""Name a file's format from its content, never from its name: the one function every kind uses.

A file that the reference parser of a format accepts is that format, whatever its first two
bytes look like: a safetensors file whose u64 header length is 384 starts with ``80 01``,
pickle's PROTO 1, and a length of 376 starts with ``78 01``, a zlib header. So formats are
tried in this order:

1. structured formats, checked against their own rules: safetensors (a u64 length N within
   the file, then N bytes that the reference parser deserialises as a header: see
   hflint.weights.safetensors_format), GGUF (magic and a known version), HDF5 (8-byte
   signature), zip (local-header magic; its central directory parsed when the reader can),
   npy (magic and version, NEP 1), tar (``ustar`` at 257 and a matching header checksum,
   POSIX.1-1988);
2. multi-byte magic of compressed streams: xz, 7z, zstd, lz4, bzip2 (``BZh``, a level and
   a block or end-of-stream magic), gzip (1f 8b, method 8, reserved flags clear, RFC 1952);
3. two-byte heuristics: pickle PROTO 0-5, joblib's zlib files (``ZF``, or ``x`` and one of
   the four header bytes zlib writes, RFC 1950).

The first format that holds is the file's ``format``. Every other pickle-capable format
whose magic the first bytes also match is kept in ``shadows``: a loader that trusts magic
(``pickle.load``, torch's legacy reader) would read the file that way, so the pickle rules
analyse each shadow too and report it when it imports anything (a polyglot). Headerless
protocol 0/1 pickles are recognised by the pickle analysis (``maybe_headerless_pickle``),
which walks them.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, BinaryIO, NamedTuple, Protocol

if TYPE_CHECKING:
    from hflint.repo import Repo

HEAD = 512

SAFETENSORS = "safetensors"
GGUF = "gguf"
HDF5 = "hdf5"
ZIP = "zip"
NPY = "npy"
TAR = "tar"
XZ = "xz"
SEVEN_Z = "7z"
ZSTD = "zstd"
LZ4 = "lz4"
BZ2 = "bz2"
GZIP = "gzip"
PICKLE = "pickle"
ZLIB = "joblib-zlib"

COMPRESSED = {GZIP: "gzip", BZ2: "bz2", XZ: "xz", ZLIB: "zlib"}
UNSUPPORTED = {SEVEN_Z: "7z archive", ZSTD: "zstd stream", LZ4: "lz4 frame"}
# Formats that can carry pickle content.
PICKLE_CAPABLE = frozenset({PICKLE, ZIP, NPY, TAR, *COMPRESSED, *UNSUPPORTED})

MAX_SAFETENSORS_HEADER = 100_000_000  # safetensors tensor.rs MAX_HEADER_SIZE
_WHITESPACE = b" \t\r\n"  # JSON whitespace, which serde_json skips before the header's '{'


class Identity(NamedTuple):
    format: str | None  # None: none of the formats above (text, JSON, an unknown binary)
    validated: bool  # its structure was checked, not only its magic
    shadows: tuple[str, ...] = ()  # other pickle-capable formats the first bytes match


class Probe(Protocol):
    """What identification may read beyond the first bytes; each read is bounded by the caller."""

    def safetensors(self, length: int) -> bool | None:
        """Does the reference parser deserialise this N-byte header? None: too large to check."""
        ...

    def zip_directory(self) -> bool | None:
        """Does the zip central directory parse? None: the content cannot be searched from its end."""
        ...


class Magic(NamedTuple):
    """A format's magic bytes at ``offset``; ``prefixes`` are alternatives."""

    format: str
    offset: int
    prefixes: tuple[bytes, ...]


HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"  # HDF5 format spec, superblock "Format Signature"
# Every signature identify() compares, in its order (tests derive colliding inputs from it).
MAGIC: tuple[Magic, ...] = (
    Magic(GGUF, 0, (b"GGUF",)),
    Magic(HDF5, 0, (HDF5_SIGNATURE,)),
    Magic(ZIP, 0, (b"PK\x03\x04", b"PK\x05\x06")),  # APPNOTE 4.3.7 local header, 4.3.16 empty archive
    Magic(NPY, 0, (b"\x93NUMPY",)),
    Magic(TAR, 257, (b"ustar",)),
    Magic(XZ, 0, (b"\xfd7zXZ\x00",)),
    Magic(SEVEN_Z, 0, (b"7z\xbc\xaf\x27\x1c",)),
    Magic(ZSTD, 0, (b"\x28\xb5\x2f\xfd",)),
    Magic(LZ4, 0, (b"\x04\x22\x4d\x18",)),
    Magic(BZ2, 0, (b"BZh",)),
    Magic(GZIP, 0, (b"\x1f\x8b",)),
    Magic(PICKLE, 0, tuple(b"\x80" + bytes([v]) for v in range(6))),  # PROTO 0-5 (pickletools)
    # joblib < 0.10 wrote "ZF" + a hex length + zlib; later, a bare zlib stream whose first
    # bytes are CMF 0x78 and one of zlib's four FLG values (joblib/numpy_pickle_utils.py)
    Magic(ZLIB, 0, (b"ZF0x", b"ZFx", b"x\x01", b"x\x5e", b"x\x9c", b"x\xda")),
)
# bzip2 block header and end-of-stream magic (pi and sqrt(pi) in BCD), after "BZh" + level
_BZ2_BLOCKS = (b"1AY&SY", b"\x17rE8P\x90")


def identify(head: bytes, size: int | None, probe: Probe | None = None) -> Identity:
    """The format of content starting with ``head`` (its first HEAD bytes) of ``size`` bytes."""
    magic = [m.format for m in MAGIC if _has_magic(m, head)]
    found: Identity | None = None
    length = safetensors_length(head, size)
    if length is not None:
        verdict = probe.safetensors(length) if probe is not None else None
        if verdict is not False:  # None: a header too large to parse, '{' first: kept as safetensors
            found = Identity(SAFETENSORS, verdict is True)
    for name in magic:
        if found is not None:
            break
        valid = _VALIDATE.get(name)
        checked = True if valid is None else valid(head, probe)
        if checked is not False:
            found = Identity(name, checked is True and name in _STRUCTURED)
    if found is None:
        return Identity(None, False)
    shadows = tuple(n for n in magic if n != found.format and n in PICKLE_CAPABLE)
    return found._replace(shadows=shadows)


def safetensors_length(head: bytes, size: int | None) -> int | None:
    """N when ``head`` can start a safetensors file: 0 < N <= the parser's limit, the
    header inside the file, and its first non-whitespace byte '{'."""
    if len(head) < 9:
        return None
    (n,) = struct.unpack("<Q", head[:8])
    if not 0 < n <= MAX_SAFETENSORS_HEADER or (size is not None and 8 + n > size):
        return None
    return n if head[8 : 8 + n].lstrip(_WHITESPACE)[:1] == b"{" else None


def _has_magic(m: Magic, head: bytes) -> bool:
    return head[m.offset :].startswith(m.prefixes)


def _gguf(head: bytes, probe: Probe | None) -> bool:
    # ggml docs/gguf.md: "GGUF", then a little-endian uint32 version (1, 2 or 3 so far)
    return len(head) >= 8 and struct.unpack("<I", head[4:8])[0] in (1, 2, 3)


def _zip(head: bytes, probe: Probe | None) -> bool | None:
    # Magic alone names a zip (a broken one is HF403's to report); a parsed directory validates it.
    return True if probe is not None and probe.zip_directory() else None


def _npy(head: bytes, probe: Probe | None) -> bool:
    return len(head) > 6 and head[6] in (1, 2, 3)  # NEP 1: major version after the magic


def _tar(head: bytes, probe: Probe | None) -> bool:
    """POSIX ustar: the checksum at 148 is the sum of the header's bytes with the field
    itself counted as spaces (tarfile accepts the unsigned or the signed sum)."""
    block = head[:512]
    if len(block) < 512:
        return False
    try:
        stored = int(block[148:156].replace(b"\x00", b" ").strip() or b"-1", 8)
    except ValueError:
        return False
    blank = block[:148] + b" " * 8 + block[156:]
    return stored in (sum(blank), sum(struct.unpack("148b8x356b", block)) + 256)


def _bz2(head: bytes, probe: Probe | None) -> bool:
    return len(head) >= 10 and head[3] in b"123456789" and head[4:10] in _BZ2_BLOCKS


def _gzip(head: bytes, probe: Probe | None) -> bool:
    return len(head) >= 4 and head[2] == 8 and not head[3] & 0xE0  # deflate; reserved flags clear


def _pickle(head: bytes, probe: Probe | None) -> bool | None:
    return None  # a heuristic: the pickle walk is the validation


_VALIDATE = {GGUF: _gguf, ZIP: _zip, NPY: _npy, TAR: _tar, BZ2: _bz2, GZIP: _gzip, PICKLE: _pickle}
_STRUCTURED = frozenset({GGUF, ZIP, NPY, TAR, BZ2})


# Opcodes a protocol 0-1 pickle may start with (it has no PROTO header): MARK, the
# constants, the empty containers, GLOBAL/INST and PERSID.
HEADERLESS_PICKLE_START = frozenset(b"(NIJKLMFSTUVXGBCcidl]})e.pP")


def maybe_headerless_pickle(head: bytes) -> bool:
    return bool(head) and head[0] in HEADERLESS_PICKLE_START


# -- the first bytes of a repository file (pickle-scan names what a misnamed file holds) ------
SNIFF = 16
_SNIFF_KEY = "hflint.identify.head"


def head(repo: Repo, path: str) -> bytes:
    """The file's first SNIFF bytes, read once per scan for every kind that asks."""
    return first_bytes(repo, path)[:SNIFF]


def first_bytes(repo: Repo, path: str) -> bytes:
    """The file's first HEAD bytes, read once per scan: the file-format rules (HF600, HF635)
    and the pickle rules' sniffing share one open per file instead of one each."""

    def read() -> bytes:
        with repo.open(path) as fh:
            return fh.read(HEAD)

    return repo.cached(path, _SNIFF_KEY, read)


# -- model formats of a repository file, whatever its name (the rules' ``formats:``) --------
ONNX = "onnx"
TF_SAVED_MODEL = "tf-saved-model"
TF_GRAPH_DEF = "tf-graph-def"
TFLITE = "tflite"
KERAS = "keras"  # a Keras 3 zip: config.json at its root and Keras's other parts
# The names a rule's `formats:` may list (rules/schemas/rulepack.schema.json lists the same).
MODEL_FORMATS = (ONNX, TF_SAVED_MODEL, TF_GRAPH_DEF, TFLITE, GGUF, HDF5, KERAS)
# keras/src/saving/saving_lib.py: _CONFIG_FILENAME, and what save_model writes beside it
KERAS_CONFIG = "config.json"
KERAS_PARTS = frozenset({"metadata.json", "model.weights.h5", "model.weights.npz"})
# Formats whose structure identify() checks: content matching them is no protobuf model.
_NOT_PROTOBUF = frozenset({SAFETENSORS, GGUF, HDF5, ZIP, NPY, TAR})
_FORMATS_KEY = "hflint.identify.formats"


def formats_of(repo: Repo, path: str) -> frozenset[str]:
    """The model formats (MODEL_FORMATS) the file's content is, read once per scan: what
    their loaders accept by content, whatever the file is called. Several when the content
    is a polyglot; none for a file that cannot be opened (HF001 reports it elsewhere)."""
    from hflint.repo import CannotAnalyse

    def run() -> frozenset[str]:
        with repo.open(path) as fh:
            size = fh.seek(0, 2)
            fh.seek(0)
            return model_formats(fh, fh.read(HEAD), size)

    try:
        return repo.cached(path, _FORMATS_KEY, run)
    except CannotAnalyse:
        return frozenset()


def model_formats(fh: BinaryIO, head: bytes, size: int) -> frozenset[str]:
    found = set()
    primary = identify(head, size).format
    if primary == GGUF:
        found.add(GGUF)
    if head.startswith(HDF5_SIGNATURE):  # h5py.is_hdf5, which tf.keras's load_model asks
        found.add(HDF5)
    if tflite(head, size):
        found.add(TFLITE)
    if primary == ZIP and _keras_zip(fh, size):
        found.add(KERAS)
    if primary not in _NOT_PROTOBUF:  # pickle and zlib are guesses from two bytes
        from hflint.formats import sniff

        found |= sniff.recognise(fh)
    return frozenset(found)


def tflite(head: bytes, size: int) -> bool:
    """A TFLite flatbuffer: the ``TFL3`` file identifier after a root table offset that
    lies inside the file (flatbuffers' file_identifier; tensorflow/lite/schema/schema.fbs)."""
    if len(head) < 8 or head[4:8] != b"TFL3":
        return False
    root = int.from_bytes(head[:4], "little")
    return 8 <= root < size


def _keras_zip(fh: BinaryIO, size: int) -> bool:
    """A zip with Keras's ``config.json`` at its root and one of the parts keras.saving
    writes beside it (which it reads from any file name once it is asked to)."""
    from hflint.pickles import zipread
    from hflint.pickles.readers import Budget, Limits, Unreadable, Window

    budget = Budget(Limits())
    try:
        names = {m.name for m in zipread.read_directory(Window(fh, 0, size, budget), budget).members}
    except Unreadable:  # HF403 reports the archive
        return False
    finally:
        budget.close()
    return KERAS_CONFIG in names and not names.isdisjoint(KERAS_PARTS)


# -- plain data without a magic number (hflint.kinds.file_format) ---------------------------
_CONTROL = frozenset(range(32)) - frozenset(b"\t\n\r\f\v\x1b")


def looks_like_text(head: bytes) -> bool:
    """Text in any 8-bit encoding or UTF-8 (a UTF-16 file starts with its BOM): no NUL byte
    and almost no other control characters. Binary formats put NULs in their first bytes."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return b"\x00" not in head and sum(b in _CONTROL for b in head) * 50 <= len(head)


def sentencepiece_model(head: bytes) -> bool:
    """A SentencePiece ModelProto (tokenizer.model, spiece.model): field 1 ``pieces``, whose
    first field is the piece string, followed by its ``score`` (2, a float) or ``type`` (3,
    an enum) or nothing (sentencepiece_model.proto). A frozen GraphDef starts alike (field 1
    ``node``, whose first field is the node's name) but follows the name with its ``op``
    string (field 2, tag 0x12): it is not plain data."""
    if head[:1] != b"\x0a":
        return False
    size, i = _varint(head, 1)  # the first SentencePiece message: head[i : i + size]
    if i + 1 >= len(head) or head[i] != 0x0A:
        return False
    length, j = _varint(head, i + 1)
    after = j + length
    if after >= len(head) or after == i + size:
        return True  # the first piece holds only its string, or it runs past what was read
    return head[after] in (0x15, 0x18)


def ctranslate2_model(head: bytes) -> bool:
    """A CTranslate2 model.bin (faster-whisper and other converted models): a uint32 binary
    version, then the model spec's name as a uint16 length (name plus NUL) and the name, an
    identifier ending in "Spec" (ctranslate2/specs/model_spec.py ModelSpec._serialize).
    Named float and integer tensors read by CTranslate2's C++ loader; no code, no pickle."""
    if len(head) < 8:
        return False
    version, size = struct.unpack_from("<IH", head)
    name = head[6 : 6 + size]
    return (
        1 <= version <= 64
        and 6 <= size <= 128
        and len(name) == size
        and name[-1:] == b"\x00"
        and name[:1].isalpha()
        and name[:-1].endswith(b"Spec")
        and name[:-1].replace(b"_", b"").isalnum()
    )


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """The varint at ``at`` (its value) and where the bytes after it start; a varint cut by
    the end of ``data`` reads as what it has."""
    value = shift = 0
    while at < len(data):
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at += 1
        shift += 7
        if not byte & 0x80:
            break
    return value, at


def msgpack_map(head: bytes) -> bool:
    """A msgpack map with a string first key, as flax.serialization.to_bytes writes a state
    dict (fixmap/map16/map32, then fixstr/str8/str16)."""
    if not head:
        return False
    first = head[0]
    at = 1 if 0x80 <= first <= 0x8F else 3 if first == 0xDE else 5 if first == 0xDF else 0
    return bool(at) and len(head) > at and (0xA0 <= head[at] <= 0xBF or head[at] in (0xD9, 0xDA))
