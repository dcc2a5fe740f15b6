"""What an archive member is, in the few words the archive rules need: its content format
(by content, as for files) and its extension, recorded per class while the walk reads it.

The pickle analysis walks every archive member that can hold pickles. Other model formats
(ONNX, TensorFlow graphs, TFLite, GGUF, HDF5/Keras...) are analysed by their own kinds as
repository files, with the files beside them (ONNX external data, a SavedModel's
variables), and no loader reads them from inside an archive: they are extracted first. So
the walk records each member's class, ``member:<content format>:<extension>``, and the
archive rules report, from data (rules/data/archive-members.yaml), the members that are a
model format hflint does not analyse inside archives, rather than passing them silently.
"""

from __future__ import annotations

MAX_CLASSES = 256  # distinct member classes recorded per file; a hostile archive gets "other"
MAX_CONFIG_BYTES = 4 << 20  # a YAML member read for the Hydra rules
MAX_CONFIGS = 32  # YAML members kept per file
CONFIG_SUFFIXES = (".yaml", ".yml")


def basename(where: str) -> str:
    """The member's own name from a chain ``outer.zip!inner.tar!dir/name``."""
    return where.rpartition("!")[2].rpartition("/")[2]


def extension(base: str) -> str:
    """The lower-cased extension of a member's base name ('' when none, or when it is not short)."""
    stem, dot, ext = base.rpartition(".")
    return f".{ext.lower()}" if dot and stem and 0 < len(ext) <= 12 else ""


def content_format(identified: str | None, head: bytes) -> str:
    """hflint.identify's name, or ``tflite`` for a flatbuffer with TFLite's identifier."""
    if identified is not None:
        return identified
    return "tflite" if head[4:8] == b"TFL3" else ""


def member_class(base: str, fmt: str) -> str:
    return f"member:{fmt}:{extension(base)}"


def is_config(base: str) -> bool:
    return base.lower().endswith(CONFIG_SUFFIXES)
