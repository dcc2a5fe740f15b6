"""Content identification (hflint.identify): a file that the reference parser of a format
accepts is that format, whichever other format's magic its first bytes also spell.

Property tests: every safetensors header length whose first bytes are another sniffed
format's magic, on files written by safetensors.numpy.save_file, gives no HF4xx finding;
a sample of every format hflint identifies is identified as itself under every extension.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import pickle
import struct
import sys
import tarfile
import tempfile
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import safetensors
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hflint import identify as fmt
from hflint.config import Config
from hflint.engine import scan
from hflint.pickles import analysis, claims
from hflint.pickles.readers import Budget, BytesReader, Limits
from hflint.pickles.report import FileReport
from hflint.pickles.sources import MemberProbe
from hflint.repo import Repo

sys.path.insert(0, str(Path(__file__).parent / "golden"))
import make_format_fixtures as ff
import make_weights_fixtures as fx

ROOT = Path(__file__).resolve().parents[1]
EXTENSIONS = claims.load(ROOT / "rules" / "data" / "extension-formats.yaml")
HUB_MAX = 25_000_000
SMALL = 1 << 21  # the lengths drawn at random stay small; the smallest of each family is tested too
PICKLE_RULES = Config(select=("HF4", "HF001", "HF306"), fail_on=None)


def _colliding_lengths() -> list[tuple[str, int, int]]:
    """(what, first length, step) of every header length N whose u64 bytes start with another
    format's magic at offset 0, or with an opcode a headerless pickle may start with, and
    that the reference parser can accept (N <= its 100 MB limit)."""
    out = []
    for magic in fmt.MAGIC:
        for prefix in magic.prefixes if magic.offset == 0 else ():
            base = int.from_bytes(prefix[:8], "little")
            if base <= fmt.MAX_SAFETENSORS_HEADER:
                out.append((f"{magic.format} {prefix!r}", base, 256 ** len(prefix)))
    out += [(f"headerless pickle {bytes([b])!r}", b, 256) for b in sorted(fmt.HEADERLESS_PICKLE_START)]
    return out


COLLISIONS = _colliding_lengths()
SMALL_COLLISIONS = [c for c in COLLISIONS if c[1] <= SMALL]


def _smallest(base: int, step: int) -> int:
    n = base
    while n < 120:  # room for save_file's header
        n += step
    return n


def _scan_one(name: str, data: bytes) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / name).write_bytes(data)
        return [(f.rule_id, f.message) for f in scan(Path(tmp), PICKLE_RULES).findings]


def test_collision_table_covers_the_reported_cases() -> None:
    lengths = {base for _, base, _ in COLLISIONS}
    assert 384 - 256 in lengths  # pickle PROTO 1: 80 01 ...; 384 = 128 + 256
    assert 376 in lengths  # 78 01: a zlib header
    assert any("zip" in what for what, _, _ in COLLISIONS)  # PK\x03\x04 = 67,324,752
    assert any("gzip" in what for what, _, _ in COLLISIONS)


@pytest.mark.parametrize(("what", "base", "step"), COLLISIONS, ids=[c[0] for c in COLLISIONS])
def test_smallest_colliding_header_length_is_safetensors(what: str, base: int, step: int) -> None:
    n = _smallest(base, step)
    data = ff.padded_safetensors(n)
    safetensors.deserialize(data)  # the reference parser accepts it
    found = _scan_one("model.safetensors", data)
    if n <= HUB_MAX:
        assert found == [], (what, n, found)
    else:  # the Hub refuses headers over 25 MB: HF306 says so, and nothing else does
        assert {rule for rule, _ in found} == {"HF306"}, (what, n, found)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SMALL_COLLISIONS).flatmap(
    lambda c: st.integers(0, (SMALL - c[1]) // c[2]).map(lambda m: c[1] + m * c[2])))
@example(384)
@example(376)
def test_safetensors_of_any_colliding_length_gives_no_pickle_finding(n: int) -> None:
    if n < 120:
        return  # below what save_file's header needs (the smallest of each family is tested above)
    data = ff.padded_safetensors(n)
    safetensors.deserialize(data)
    assert _scan_one("model-00001-of-00002.safetensors", data) == []
    assert fmt.identify(data[: fmt.HEAD], len(data), _probe(data)) == fmt.Identity(
        fmt.SAFETENSORS, True, _expected_shadows(data))


def _expected_shadows(data: bytes) -> tuple[str, ...]:
    return tuple(m.format for m in fmt.MAGIC if m.format in fmt.PICKLE_CAPABLE
                 and data[m.offset :].startswith(m.prefixes))


def _probe(data: bytes) -> MemberProbe:
    return MemberProbe(BytesReader(data), Budget(Limits()), len(data))


# -- one sample of every format --------------------------------------------------------
def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return buf.getvalue()


def _npy() -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.arange(6, dtype=np.int16))
    return buf.getvalue()


def _h5() -> bytes:
    keras = ROOT / "tests" / "golden" / "HF405" / "pass" / "keras-v3" / "model.keras"
    with zipfile.ZipFile(keras) as zf:
        return zf.read("model.weights.h5")  # written by h5py, through keras


STATE = OrderedDict([("w", [1.5, 2.5]), ("n", 3)])  # OrderedDict: a protocol 0/1 pickle imports it
SAMPLES: dict[str, tuple[str, Callable[[], bytes], bool]] = {  # name -> (format, sample, holds pickle)
    "safetensors": (fmt.SAFETENSORS, lambda: ff.padded_safetensors(128), False),
    "gguf": (fmt.GGUF, lambda: (ROOT / "tests/fixtures/gguf/good.gguf").read_bytes(), False),
    "hdf5": (fmt.HDF5, _h5, False),
    "zip": (fmt.ZIP, lambda: _zip({"config.json": b"{}"}), False),
    "npz": (fmt.ZIP, lambda: (ROOT / "tests/fixtures/pickles/benign/arrays.npz").read_bytes(), False),
    "torch zip": (fmt.ZIP, lambda: fx.torch_zip_bytes(fx.BIN_A), True),
    "npy": (fmt.NPY, _npy, False),
    "tar": (fmt.TAR, lambda: _tar({"model_config.yaml": b"a: 1\n"}), False),
    "xz": (fmt.XZ, lambda: lzma.compress(b"text"), False),
    "bz2": (fmt.BZ2, lambda: bz2.compress(b"text"), False),
    "bz2 empty": (fmt.BZ2, lambda: bz2.compress(b""), False),
    "gzip": (fmt.GZIP, lambda: gzip.compress(b"text", mtime=0), False),
    "joblib zlib": (fmt.ZLIB, lambda: zlib.compress(pickle.dumps(STATE, 4)), True),
    "7z": (fmt.SEVEN_Z, lambda: (ROOT / "tests/fixtures/pickles/malicious/archive.7z").read_bytes(), False),
    # frame magic + an empty raw block (RFC 8878 3.1.1), and an LZ4 frame's magic + FLG/BD
    "zstd": (fmt.ZSTD, lambda: b"\x28\xb5\x2f\xfd\x00\x00\x01\x00\x00", False),
    "lz4": (fmt.LZ4, lambda: b"\x04\x22\x4d\x18\x64\x40\xa7\x00\x00\x00\x00", False),
    **{f"pickle p{p}": (fmt.PICKLE, lambda p=p: pickle.dumps(STATE, p), True) for p in range(6)},  # type: ignore[misc]
}
NAMES = sorted({*EXTENSIONS, ".unknown", ""})


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(SAMPLES)), st.sampled_from(NAMES))
def test_every_format_is_itself_under_every_extension(sample: str, ext: str) -> None:
    expected, make, has_pickle = SAMPLES[sample]
    data = make()
    with tempfile.TemporaryDirectory() as tmp:
        name = "model" + ext
        (Path(tmp) / name).write_bytes(data)
        report = analysis.analyse(Repo(Path(tmp)), name, Limits())
    assert report.format == expected, (sample, ext)
    assert report.polyglot is None
    assert report.has_pickle == has_pickle, (sample, report)
    claim = EXTENSIONS.get(ext)
    if claim is not None and claim.holds is not None and expected in claim.holds and not has_pickle:
        assert claims.disguise(name, report, EXTENSIONS) is None, (sample, ext)


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_structured_formats_are_validated(sample: str) -> None:
    expected, make, _ = SAMPLES[sample]
    data = make()
    identity = fmt.identify(data[: fmt.HEAD], len(data), _probe(data))
    if expected == fmt.PICKLE and data[:1] != b"\x80":
        assert identity.format is None  # protocol 0/1: the pickle walk recognises it
        return
    assert identity.format == expected
    assert identity.validated == (expected in (fmt.SAFETENSORS, fmt.GGUF, fmt.ZIP, fmt.NPY, fmt.TAR, fmt.BZ2))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x1f\x8b\x07\x00" + bytes(20), None),  # gzip magic, method 7: no reader inflates it
        (b"\x1f\x8b\x08\xe0" + bytes(20), None),  # reserved flag bits set: zlib refuses it
        (b"BZh9" + b"x" * 20, None),  # no bzip2 block magic
        (b"GGUF\x09\x00\x00\x00" + bytes(20), None),  # unknown GGUF version
        (b"\x93NUMPY\x09\x00" + bytes(20), None),  # unknown npy version
        (bytes(257) + b"ustar\x0000" + bytes(250), None),  # ustar magic, checksum wrong
        (b"x = 1\n", None),  # text starting with 'x': not a zlib header
        (b"\x80\x05\x95" + bytes(20), fmt.PICKLE),
    ],
)
def test_magic_alone_is_not_enough_where_a_format_has_structure(head: bytes, expected: str | None) -> None:
    assert fmt.identify(head, len(head), _probe(head)).format == expected


def test_a_pickle_named_safetensors_is_still_a_pickle() -> None:
    """One defect, reported once: HF405 (with HF401 for the import); the header HF306 cannot
    read only follows from the disguise, and is reported when the pickle rules are not run."""
    payload = (ROOT / "tests/fixtures/pickles/malicious/os_system_p2.pkl").read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "model.safetensors").write_bytes(payload)
        both = scan(Path(tmp), Config(select=("HF0", "HF3", "HF4"), ignore=("HF309",), fail_on=None))
        weights = scan(Path(tmp), Config(select=("HF0", "HF3"), ignore=("HF309",), fail_on=None))
    assert sorted(f.rule_id for f in both.findings) == ["HF401", "HF405"]
    [hf306] = weights.findings
    assert hf306.rule_id == "HF306" and "the file holds pickle content, not safetensors" in hf306.message


def test_polyglot_tar_that_is_also_a_pickle_is_reported() -> None:
    """A valid tar whose first header's name field is a complete pickle: tarfile reads a
    tar, pickle.load (and torch's legacy reader, after tarfile fails on the missing
    members) runs the pickle. Identification names it tar; the pickle is still vetted."""
    payload = b"\x80\x02cposix\nsystem\nX\x04\x00\x00\x00echo\x85R."
    block = bytearray(_tar({"a": b"x"}))
    block[: len(payload)] = payload
    block[148:156] = b" " * 8
    block[148:156] = b"%06o\x00 " % sum(block[:512])
    data = bytes(block)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert tar.getmembers()  # a tar
    identity = fmt.identify(data[: fmt.HEAD], len(data), _probe(data))
    assert identity == fmt.Identity(fmt.TAR, True, (fmt.PICKLE,))
    found = _scan_one("archive.tar", data)
    assert {"HF401", "HF405"} <= {rule for rule, _ in found}
    assert any("polyglot" in message for rule, message in found if rule == "HF405")


def test_truncated_bin_shard_is_one_finding() -> None:
    """A truncated pickle in a .bin shard: HF403 reports it; the weights rules cannot read
    the shard's tensor names for the same reason and defer to it (no HF001)."""
    entries = [("a", "FloatStorage", [2]), ("b", "FloatStorage", [2])]
    legacy = fx.legacy_torch_bytes(entries)
    pkl, _ = fx.state_dict_pickle(entries)
    cut = legacy.index(pkl) + len(pkl) // 2  # inside the state dict, the fourth pickle
    zipped = _zip({"archive/data.pkl": pkl[: len(pkl) // 2], "archive/data/0": bytes(8), "archive/data/1": bytes(8)})
    shard = "pytorch_model-00001-of-00001.bin"
    config = Config(select=("HF0", "HF3", "HF4"), ignore=("HF308", "HF309", "HF404"), fail_on=None)
    for blob in (legacy[:cut], zipped):
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / shard).write_bytes(blob)
            (Path(tmp) / "pytorch_model.bin.index.json").write_text(fx._index({"a": shard, "b": shard}, 16))
            found = [(f.rule_id, f.path) for f in scan(Path(tmp), config).findings]
            only_weights = [(f.rule_id, f.message) for f in scan(Path(tmp), Config(
                select=("HF0", "HF3"), ignore=("HF308", "HF309"), fail_on=None)).findings]
        assert found == [("HF403", shard)]
        # without the pickle rules, the weights rules say why they could not read it
        [(rule, message)] = only_weights
        assert rule == "HF001" and "truncated" in message


def test_weights_and_pickle_rules_read_a_bin_shard_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = analysis.analyse

    def counting(repo: Repo, rel: str, limits: Limits) -> FileReport:
        calls.append(rel)
        return real(repo, rel, limits)

    monkeypatch.setattr(analysis, "analyse", counting)
    shard = "pytorch_model-00001-of-00001.bin"
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / shard).write_bytes(fx.torch_zip_bytes(fx.BIN_A))
        (Path(tmp) / "pytorch_model.bin.index.json").write_text(fx._index({"a": shard, "b": shard}, 24))
        result = scan(Path(tmp), Config(select=("HF3", "HF4"), ignore=("HF308", "HF309"), fail_on=None))
    assert [f.rule_id for f in result.findings] == ["HF404"]
    assert calls.count(shard) == 1  # the index is analysed too (HF4 reads every file)


@pytest.mark.parametrize(
    ("name", "content", "has_pickle", "disguised"),
    [  # flake8-style table: the HF405 verdict for (name, content) pairs
        ("model.keras", fmt.ZIP, False, False),
        ("model.keras", fmt.ZIP, True, True),
        ("model.keras", fmt.TAR, False, True),
        ("model.npz", fmt.ZIP, True, False),
        ("model.nemo", fmt.TAR, True, False),
        ("model.nemo", fmt.GZIP, True, False),
        ("model.pt2", fmt.ZIP, True, False),
        ("model.mar", fmt.ZIP, True, False),
        ("pytorch_model.bin", fmt.ZIP, True, False),
        ("checkpoint.pth.tar", fmt.ZIP, True, False),
        ("model.safetensors", fmt.ZIP, False, True),
        ("model.safetensors", fmt.PICKLE, True, True),
        ("config.json", fmt.PICKLE, True, True),
        ("tokenizer.json.gz", fmt.GZIP, False, False),
        ("tokenizer.json.gz", fmt.GZIP, True, True),
        ("weights.bin.gz", fmt.GZIP, True, False),
        ("data.foo", fmt.ZIP, False, False),
        ("data.foo", fmt.ZIP, True, True),
        ("MODEL.KERAS", fmt.ZIP, True, True),
    ],
)
def test_disguise_table(name: str, content: str, has_pickle: bool, disguised: bool) -> None:
    report = FileReport(format=content, streams=int(has_pickle))
    assert (claims.disguise(name, report, EXTENSIONS) is not None) == disguised


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("extensions: {}", "an 'extensions' list"),
        ("extensions: [{names: [bin], reason: r}]", "'names' list of extensions"),
        ("extensions: [{names: [.bin]}]", "needs a 'reason'"),
        ("extensions: [{names: [.bin], holds: [exe], reason: r}]", "'holds' is a list of"),
        ("extensions: [{names: [.bin], pickle: yes-please, reason: r}]", "true or false"),
        ("extensions: [{names: [.bin], reason: r}, {names: [.BIN], reason: r}]", "lists .BIN again"),
    ],
)
def test_malformed_extension_data_is_named(tmp_path: Path, body: str, error: str) -> None:
    path = tmp_path / "ext.yaml"
    path.write_text(body)
    with pytest.raises(ValueError, match=error):
        claims.load(path)


def test_bytes_held_for_the_second_opinion_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A weights-only scan keeps each stream's bytes for fickling until a pickle rule asks;
    past a total per scan, the second opinion runs at once instead of holding more."""
    shards = {f"pytorch_model-0000{k}-of-00003.bin": fx.torch_zip_bytes(fx.BIN_A) for k in (1, 2, 3)}
    with tempfile.TemporaryDirectory() as tmp:
        for name, blob in shards.items():
            (Path(tmp) / name).write_bytes(blob)
        repo = Repo(Path(tmp))
        held = [analysis.cached(repo, name, Limits()) for name in shards]
        assert all(r.pending for r in held)  # nothing vetted yet: fickling not needed
        monkeypatch.setattr(analysis, "MAX_HELD_BYTES", held[0].pending_bytes + 1)
        repo = Repo(Path(tmp))
        reports = [analysis.cached(repo, name, Limits()) for name in shards]
    assert reports[0].pending and not reports[1].pending and not reports[2].pending


def _ct2(name: bytes, version: int = 6, size: int | None = None, nul: bytes = b"\x00") -> bytes:
    size = len(name) + 1 if size is None else size
    return struct.pack("<IH", version, size) + name + nul + struct.pack("<II", 1, 0)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (_ct2(b"WhisperSpec"), True),
        (_ct2(b"TransformerSpec", version=2), True),
        (_ct2(b"TransformerDecoderSpec"), True),
        (_ct2(b"Wav2Vec2Spec"), True),
        (_ct2(b"WhisperSpec", version=0), False),
        (_ct2(b"WhisperSpec", size=40), False),
        (_ct2(b"WhisperSpec", nul=b"\x01"), False),
        (_ct2(b"Whisper Spec"), False),
        (_ct2(b"WhisperModel"), False),
        (b"\x06\x00\x00\x00", False),
    ],
)
def test_ctranslate2_models_are_told_by_their_header(head: bytes, expected: bool) -> None:
    """CTranslate2's ModelSpec._serialize: uint32 version, uint16 len(name) + 1, the spec
    name (an identifier ending in Spec), NUL."""
    assert fmt.ctranslate2_model(head) is expected
