"""Name a format from the first bytes of content, never from the file name.

Magic numbers: pickle PROTO is 0x80 + version (pickletools; picklescan checks 0-5), zip
local header / empty archive ``PK\\x03\\x04`` / ``PK\\x05\\x06`` (PKWARE APPNOTE 4.3.7,
4.3.16), NumPy ``\\x93NUMPY`` (NEP 1), POSIX tar ``ustar`` at offset 257, gzip 1f 8b
(RFC 1952), bzip2 ``BZh``, xz ``FD 37 7A 58 5A 00``, joblib's zlib files ``ZF`` then a
zlib header (joblib/numpy_pickle_utils.py), 7z, zstd, lz4 frames, safetensors (u64 header
length then ``{``) and GGUF. Protocol 0/1 pickles have no header: see ``looks_like_pickle``.
"""

from __future__ import annotations

import struct

HEAD = 512

PICKLE = "pickle"
ZIP = "zip"
NPY = "npy"
TAR = "tar"
GZIP = "gzip"
BZ2 = "bz2"
XZ = "xz"
ZLIB = "joblib-zlib"
SEVEN_Z = "7z"
ZSTD = "zstd"
LZ4 = "lz4"
SAFETENSORS = "safetensors"
GGUF = "gguf"

COMPRESSED = {GZIP: "gzip", BZ2: "bz2", XZ: "xz", ZLIB: "zlib"}
UNSUPPORTED = {SEVEN_Z: "7z archive", ZSTD: "zstd stream", LZ4: "lz4 frame"}
# Formats that can carry pickle content.
PICKLE_CAPABLE = frozenset({PICKLE, ZIP, NPY, TAR, *COMPRESSED, *UNSUPPORTED})


def sniff(head: bytes) -> str | None:
    """The format of content starting with ``head`` (first HEAD bytes), or None."""
    if len(head) >= 2 and head[0] == 0x80 and head[1] <= 5:
        return PICKLE
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return ZIP
    if head.startswith(b"\x93NUMPY"):
        return NPY
    if head[257:262] == b"ustar":
        return TAR
    if head.startswith(b"\x1f\x8b"):
        return GZIP
    if head.startswith(b"BZh") and head[3:4].isdigit():
        return BZ2
    if head.startswith(b"\xfd7zXZ\x00"):
        return XZ
    if (head.startswith(b"ZF") and len(head) > 3 and head[2] in (0x78,)) or _joblib_zlib(head):
        return ZLIB
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return SEVEN_Z
    if head.startswith(b"\x28\xb5\x2f\xfd"):
        return ZSTD
    if head.startswith(b"\x04\x22\x4d\x18"):
        return LZ4
    if head.startswith(b"GGUF"):
        return GGUF
    if len(head) >= 9:
        (n,) = struct.unpack("<Q", head[:8])
        if 0 < n < 100_000_000 and head[8:9] == b"{":
            return SAFETENSORS
    return None


def _joblib_zlib(head: bytes) -> bool:
    # joblib < 0.10 wrote "ZF" + a 16-byte hex length, then the zlib stream.
    return head.startswith(b"ZF0x") or (head[:1] == b"x" and head[1:2] in (b"\x01", b"\x5e", b"\x9c", b"\xda")
                                        and (head[0] * 256 + head[1]) % 31 == 0)


# Opcodes a protocol 0-1 pickle may start with (it has no PROTO header): MARK, the
# constants, the empty containers, GLOBAL/INST and PERSID.
_P0_START = frozenset(b"(NIJKLMFSTUVXGBCcidl]})e.pP")


def maybe_headerless_pickle(head: bytes) -> bool:
    return bool(head) and head[0] in _P0_START
