"""Unit tests of hflint.pickles: the opcode walk, bounds, containers, policy, isolation."""

from __future__ import annotations

import io
import json
import os
import pickle
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from hflint.pickles import analysis, opcodes, policy
from hflint.pickles.buffered import Buffered
from hflint.pickles.readers import BytesReader, LimitHit, Limits, Unreadable
from hflint.repo import Repo

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "pickles"


class Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo hflint-test",))


def _walk(data: bytes, limits: Limits | None = None) -> opcodes.Stream:
    return opcodes.walk(Buffered(BytesReader(data)), limits or Limits())


def _report(tmp_path: Path, name: str, data: bytes, limits: Limits | None = None) -> analysis.FileReport:
    (tmp_path / name).write_bytes(data)
    return analysis.analyse(Repo(tmp_path), name, limits or Limits())


@pytest.mark.parametrize("protocol", range(6))
def test_walk_finds_the_import_in_every_protocol(protocol: int) -> None:
    data = pickle.dumps({"x": [1, 2.5, "s", b"b" * 5000], "boom": Boom()}, protocol=protocol)
    stream = _walk(data)
    assert stream.end == len(data)
    # protocols 0-2 pickle bytes through _codecs.encode; os.system pickles as posix/nt.system
    assert {i.dotted for i in stream.imports} - {"_codecs.encode"} == {f"{os.system.__module__}.system"}


def test_python2_names_are_mapped() -> None:
    stream = _walk(b"\x80\x02c__builtin__\neval\n.")
    (imp,) = stream.imports
    assert (imp.dotted, imp.raw) == ("builtins.eval", "__builtin__.eval")


def test_large_arguments_are_skipped_not_kept() -> None:
    data = pickle.dumps(b"\x00" * (5 << 20), protocol=4)
    assert _walk(data).result is opcodes.OPAQUE


def test_opcode_bound_is_a_limit_hit() -> None:
    with pytest.raises(LimitHit):
        _walk(pickle.dumps(list(range(1000)), protocol=2), Limits(max_opcodes=50))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x80\x02]q\x00", "truncated"),
        (b"\x80\x02\xff", "invalid opcode"),
        (b"\x80\x02h\x05.", "memo key 5"),
        (b"\x80\x09N.", "unsupported pickle protocol"),
        (b"\x80\x02s.", "stack underflow"),
    ],
)
def test_broken_streams_are_unreadable(data: bytes, reason: str) -> None:
    with pytest.raises(Unreadable, match=reason):
        _walk(data)


def test_zip_bomb_ratio_is_bounded(tmp_path: Path) -> None:
    rep = _report(tmp_path, "m.pt", (CORPUS / "malicious/zip_bomb_member.pt").read_bytes())
    assert any("compression ratio" in p.reason for p in rep.problems)


def test_read_limit_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    data = pickle.dumps([b"x" * 100_000 for _ in range(20)], protocol=4)
    rep = _report(tmp_path, "big.pkl", data, Limits(max_read_bytes=200_000))
    assert any("read limit" in p.reason for p in rep.problems)


def test_nesting_depth_is_bounded(tmp_path: Path) -> None:
    data = pickle.dumps({"a": 1}, protocol=2)
    for _ in range(6):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("inner.zip" if data[:2] == b"PK" else "inner.pkl", data)
        data = buf.getvalue()
    rep = _report(tmp_path, "deep.zip", data, Limits(max_depth=3))
    assert any("nested deeper" in p.reason for p in rep.problems)


def test_legacy_checkpoint_stops_before_storage_data(tmp_path: Path) -> None:
    # five pickles, then 64 MiB of (sparse) storage bytes that must never be read
    legacy = (CORPUS / "benign/legacy/pytorch_model.bin").read_bytes()
    path = tmp_path / "pytorch_model.bin"
    with open(path, "wb") as fh:
        fh.write(legacy)
        fh.truncate(len(legacy) + (64 << 20))
    rep = analysis.analyse(Repo(tmp_path), "pytorch_model.bin", Limits(max_read_bytes=1 << 20))
    assert rep.kinds == {"torch-legacy"} and rep.problems == [] and rep.streams == 5


def test_headerless_text_is_not_a_pickle(tmp_path: Path) -> None:
    rep = _report(tmp_path, "README.md", b"cool model\nthis is\n# Usage\n")
    assert rep.format is None and not rep.has_pickle


def test_protocol0_pickle_without_header_is_found(tmp_path: Path) -> None:
    rep = _report(tmp_path, "notes.txt", b"cos\nsystem\n(S'echo hi'\ntR.")
    assert rep.format == "pickle" and [h.imp.dotted for h in rep.hits] == ["os.system"]


def _policy() -> policy.Policy:
    data = ROOT / "rules" / "data"
    return policy.load(data / "pickle-dangerous.yaml", data / "pickle-safe.yaml")


@pytest.mark.parametrize(
    ("module", "name", "verdict"),
    [
        ("posix", "system", policy.DANGEROUS),
        ("torch", "serialization.os.system", policy.DANGEROUS),
        ("collections", "OrderedDict.__init__.__globals__", policy.DANGEROUS),
        ("torch._utils", "_rebuild_tensor_v2", policy.SAFE),
        ("numpy._core.multiarray", "_reconstruct", policy.SAFE),
        ("numpy.dtypes", "Float32DType", policy.SAFE),
        # a walk through an allowlisted name's attributes is not that name
        ("numpy.dtypes", "Float64DType.type.tofile", policy.UNLISTED),
        ("numpy", "dtype.type", policy.UNLISTED),
        ("numpy.dtypes", "_add_dtype_helper", policy.UNLISTED),  # mutates the numpy.dtypes module
        ("numpy.dtypes", "__builtins__", policy.UNLISTED),
        ("collections", "OrderedDict", policy.SAFE),
        ("transformers.training_args", "TrainingArguments", policy.UNLISTED),
        ("torch._utils", "_rebuild_tensor_v2x", policy.UNLISTED),
    ],
)
def test_policy_classifies_by_dotted_name(module: str, name: str, verdict: str) -> None:
    assert _policy().classify(module, name)[0] == verdict


@pytest.mark.parametrize(
    ("dotted", "torchscript", "verdict"),
    [
        ("__torch__.MyModule", True, policy.SAFE),  # a class compiled from the archive's code/
        ("__torch__.torch.nn.modules.linear.Linear", True, policy.SAFE),  # any module of the namespace
        ("__torch__.MyModule.__init__.__globals__", True, policy.UNLISTED),
        ("__torch__.torch.nn.__builtins__", True, policy.UNLISTED),
        ("__torch__.MyModule", False, policy.UNLISTED),  # only TorchScript archives may name it
        ("torch.jit._pickle.restore_type_tag", False, policy.SAFE),  # an identity function
        ("os.system", True, policy.DANGEROUS),  # a TorchScript archive allows nothing dangerous
        ("torch.jit.load", True, policy.DANGEROUS),
    ],
)
def test_torchscript_names_are_allowed_only_inside_torchscript(dotted: str, torchscript: bool, verdict: str) -> None:
    module, name = dotted.rsplit(".", 1)
    assert _policy().classify(module, name, torchscript=torchscript)[0] == verdict


@pytest.mark.parametrize(
    ("module", "name", "verdict"),
    [
        ("pkg.mod", "Thing", policy.SAFE),  # pkg.mod.*: a name defined in pkg.mod
        ("pkg.mod", "Thing.method", policy.UNLISTED),  # not an attribute walk below it
        ("pkg.mod.sub", "Thing", policy.UNLISTED),  # nor another module
        ("pkg.mod", "__dict__", policy.UNLISTED),
        ("ns.a.b", "Cls", policy.SAFE),  # ns.**: a name in any module of the namespace
        ("ns", "Cls", policy.SAFE),
        ("ns.a", "Cls.attr", policy.UNLISTED),
        ("nsx.a", "Cls", policy.UNLISTED),  # a root package is matched whole, never as a prefix
    ],
)
def test_wildcard_entries_admit_one_name_never_a_walk(tmp_path: Path, module: str, name: str, verdict: str) -> None:
    safe = tmp_path / "safe.yaml"
    safe.write_text("safe:\n  - reason: test\n    names: [pkg.mod.*, ns.**]\n", encoding="utf-8")
    pol = policy.load(ROOT / "rules" / "data" / "pickle-dangerous.yaml", safe)
    assert pol.classify(module, name)[0] == verdict


@pytest.mark.parametrize("name", ["pkg.*.x", "pkg.***", "*"])
def test_malformed_wildcards_are_refused(tmp_path: Path, name: str) -> None:
    safe = tmp_path / "safe.yaml"
    safe.write_text(f"safe:\n  - reason: test\n    names: ['{name}']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="wildcard"):
        policy.load(ROOT / "rules" / "data" / "pickle-dangerous.yaml", safe)


def test_allowlist_wildcards_are_audited() -> None:
    """Every wildcard of the shipped allowlist is one whose names have no side effects
    (this list changes only with a reason in pickle-safe.yaml)."""
    import yaml

    doc = yaml.safe_load((ROOT / "rules" / "data" / "pickle-safe.yaml").read_text(encoding="utf-8"))
    wildcards = sorted(n for section in doc.values() for e in section for n in e["names"] if "*" in n)
    assert wildcards == ["__torch__.**"]  # TorchScript classes: resolved by the C++ unpickler, never imported


def test_torch_names_outside_a_torchscript_archive_are_unlisted(tmp_path: Path) -> None:
    """A torch zip without constants.pkl is read by torch.load's Python unpickler, so the
    TorchScript allowance does not apply: __torch__ is reported."""
    stream = b"\x80\x02c__torch__\nEvil\n)\x81." # GLOBAL, EMPTY_TUPLE, NEWOBJ, STOP
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", stream)
        zf.writestr("archive/version", "3\n")
    (tmp_path / "pytorch_model.bin").write_bytes(buf.getvalue())
    proc = subprocess.run(
        [sys.executable, "-m", "hflint", "scan", "--isolated", "--select", "HF402", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1 and "__torch__.Evil" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("uses", "verdict"),
    [
        (frozenset({"new", "build"}), policy.SAFE),  # how torch.save writes it: no code runs
        (frozenset(), policy.SAFE),
        (frozenset({"new", "call"}), policy.UNLISTED),  # called: runs __init__
        (frozenset({"escape"}), policy.UNLISTED),  # handed to another callable
        (None, policy.UNLISTED),  # use unknown (found by fickling)
    ],
)
def test_use_restricted_entries(uses: frozenset[str] | None, verdict: str) -> None:
    assert _policy().classify("transformers.training_args", "TrainingArguments", uses=uses)[0] == verdict
    assert _policy().classify("transformers.trainer_utils", "IntervalStrategy", uses=uses)[0] == policy.SAFE


def test_use_restrictions_are_validated(tmp_path: Path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("safe:\n  - reason: r\n    uses: [new, run]\n    names: [a.B]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="uses"):
        policy.load(ROOT / "rules" / "data" / "pickle-dangerous.yaml", bad)


def test_every_policy_entry_has_a_reason() -> None:
    pol = _policy()
    assert all(reason.strip() for reason in pol.dangerous.values())
    assert "torch._utils._rebuild_tensor_v2" in pol.safe


def test_policy_without_reason_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "d.yaml"
    bad.write_text("dangerous:\n  - names: [os]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="reason"):
        policy.load(bad, ROOT / "rules" / "data" / "pickle-safe.yaml")


def test_pickle_check_runs_without_torch_or_numpy(tmp_path: Path) -> None:
    # torch (and numpy) must not be runtime dependencies: block their import entirely.
    (tmp_path / "m.pt").write_bytes((CORPUS / "malicious/torch_zip_any_folder.pt").read_bytes())
    (tmp_path / "arrays.pkl").write_bytes((CORPUS / "benign/numpy_p4.pkl").read_bytes())
    code = textwrap.dedent(
        f"""
        import sys
        sys.modules["torch"] = None
        sys.modules["numpy"] = None
        sys.path.insert(0, {str(ROOT / "linter")!r})
        from pathlib import Path
        from hflint.config import Config
        from hflint.engine import scan
        result = scan(Path({str(tmp_path)!r}), Config(select=("HF4", "HF001"), fail_on=None))
        print(sorted((f.rule_id, f.path) for f in result.findings))
        assert "torch" not in [m for m, v in sys.modules.items() if v is not None]
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert "('HF401', 'm.pt')" in out.stdout and "arrays.pkl" not in out.stdout.replace("HF404", "")


def test_no_unpickling_ever(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pickle.load called")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    for sample in ("malicious/os_system_p2.pkl", "benign/checkpoint.pt", "benign/arrays.joblib"):
        _report(tmp_path, Path(sample).name, (CORPUS / sample).read_bytes())


def test_struct_of_legacy_tar(tmp_path: Path) -> None:
    rep = _report(tmp_path, "ckpt.tar", (CORPUS / "malicious/legacy_tar_payload.tar").read_bytes())
    assert rep.kinds == {"torch-tar"} and rep.problems == []
    assert {h.imp.dotted for h in rep.hits} >= {"os.system", "torch.FloatStorage"}
    assert struct.calcsize("<q") == 8


# A protocol 0/1 pickle has no PROTO header: it is recognised by walking it. The walk used
# to look at the first 512 bytes only, so a list of plain data first and the payload after
# it passed every rule (pickle.load runs the whole stream).
@pytest.mark.parametrize("protocol", [0, 1])
@pytest.mark.parametrize("name", ["model.pkl", "pytorch_model.bin", "notes.txt", "weights"])
@pytest.mark.parametrize("padding", [0, 600, 200_000])
def test_headerless_pickle_import_after_the_first_bytes_is_found(
        tmp_path: Path, protocol: int, name: str, padding: int) -> None:
    data = pickle.dumps([list(range(padding // 4)), "x" * padding, Boom()], protocol=protocol)
    rep = _report(tmp_path, name, data)
    assert rep.format == "pickle"
    assert f"{os.system.__module__}.system" in {h.imp.dotted for h in rep.hits}


def test_headerless_pickle_whose_import_follows_a_break_still_counts_what_came_before(tmp_path: Path) -> None:
    payload = pickle.dumps(["a" * 700, Boom()], protocol=0)[:-1]  # no STOP: pickle.load ran it already
    rep = _report(tmp_path, "model.pkl", payload + b"\xff garbage")
    assert f"{os.system.__module__}.system" in {h.imp.dotted for h in rep.hits}
    assert rep.problems  # and the broken end is HF403's


def test_headerless_stream_parsing_until_a_bound_is_analysed_fail_closed(tmp_path: Path) -> None:
    data = pickle.dumps([0] * 5000, protocol=0)
    rep = _report(tmp_path, "data.pkl", data, Limits(max_opcodes=1000))
    assert rep.format == "pickle" and rep.problems


@pytest.mark.parametrize("text", [
    b"This model card describes a model.\n" * 100,  # T: BINSTRING with a text length
    b"I,J,K\n1,2,3\n" * 500,                         # I: INT of a CSV header
    b"(see the paper)\n" * 300,                      # MARK, then text
    b"S'quoted' but not a pickle\n" * 200,
    b"Vocabulary\n" * 1000,
])
def test_text_starting_like_a_pickle_is_not_one(tmp_path: Path, text: bytes) -> None:
    rep = _report(tmp_path, "notes.txt", text)
    assert rep.format is None and not rep.hits and not rep.problems


def test_a_valid_file_whose_first_byte_starts_a_pickle_is_probed_on_its_head_only(tmp_path: Path) -> None:
    # A safetensors header length of 0x150 starts with 0x50, PERSID, whose argument is a
    # line: probed through the file, a zero-filled 256 MiB shard was read to its end.
    header = json.dumps({"w": {"dtype": "F32", "shape": [1 << 26], "data_offsets": [0, 1 << 28]}}).encode()
    header += b" " * (0x150 - len(header))
    with (tmp_path / "model.safetensors").open("wb") as fh:
        fh.write(struct.pack("<Q", len(header)) + header)
        fh.truncate(8 + len(header) + (1 << 28))  # sparse: no disk
    rep = analysis.analyse(Repo(tmp_path), "model.safetensors", Limits())
    assert rep.format == "safetensors" and not rep.problems
    assert rep.budget is not None and rep.budget.read <= 64 * 1024


def test_corrupt_compressed_data_is_described_in_hflints_words(tmp_path: Path) -> None:
    """zlib's own text ("Error -3 while decompressing data: ...") differs between zlib builds."""
    import zlib

    data = bytearray(zlib.compress(pickle.dumps(list(range(100)))))
    data[4] ^= 0xFF
    (tmp_path / "model.joblib").write_bytes(bytes(data))
    report = analysis.analyse(Repo(tmp_path), "model.joblib", Limits())
    reasons = [p.reason for p in report.problems]
    assert reasons == ["corrupt compressed data: the zlib stream does not decompress"]


NESTED_IMPORTS = """
import a
from b import c
if x:
    import d
else:
    from e import f
try:
    import g
except E:
    from h import i
else:
    import j
finally:
    import k
for _ in y:
    import l
while z:
    from m import n
with w:
    import o
def p():
    import q
class R:
    from s import t
match v:
    case 1:
        import u
lam = lambda: __import__("not_a_statement")
"""


def _imports_by(nodes: object) -> set[tuple[str, str]]:
    import ast

    found: set[tuple[str, str]] = set()
    for node in nodes:  # type: ignore[attr-defined]
        if isinstance(node, ast.ImportFrom):
            found.update((node.module or "", a.name) for a in node.names)
        elif isinstance(node, ast.Import):
            found.update((a.name, "") for a in node.names)
    return found


def test_second_opinion_statement_walk_finds_every_import_ast_walk_does() -> None:
    """The second opinion walks statement lists only (imports are statements); on a program
    with an import in every kind of statement body it finds what ast.walk finds."""
    import ast

    from hflint.pickles.second_opinion import _statements

    module = ast.parse(NESTED_IMPORTS)
    expected = _imports_by(ast.walk(module))
    assert len(expected) == 14
    assert _imports_by(_statements(module.body)) == expected


@pytest.mark.parametrize("protocol", range(6))
def test_second_opinion_imports_match_a_full_ast_walk(protocol: int) -> None:
    import ast

    from fickling.fickle import Interpreter, Pickled  # type: ignore[import-untyped]

    from hflint.pickles import second_opinion

    data = pickle.dumps({"a": [os.getcwd, struct.pack, (1, "x")], "b": io.BytesIO}, protocol=protocol)
    expected = _imports_by(ast.walk(Interpreter(Pickled.load(data)).to_ast()))
    assert ("os", "getcwd") in expected or ("posix", "getcwd") in expected
    assert second_opinion.imports(data, 100_000) == expected
