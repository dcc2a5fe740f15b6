"""Archives cannot stall the gate (issue 18) and are read as extractors read them (issue 12).

The hostile archives are built in code (tests/archivegen.py): a tar of a million members
generated block by block as it is read, a zip of 20,000 overlapping entries, a zip of
100,000 members, archives nested 50 deep. Resource bounds are asserted as work done
(members read, reads made), never as seconds; time and memory are measured by
benchmarks/archive_bench.py.
"""

from __future__ import annotations

import io
import pickle
import sys
import tarfile
import zipfile
from collections import Counter
from pathlib import Path
from typing import BinaryIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import archivegen as gen
from hflint.archives import tarwalk
from hflint.archives.paths import Links, judge, judge_link
from hflint.config import Config
from hflint.engine import ScanResult, scan
from hflint.pickles import analysis, readers
from hflint.pickles.readers import BytesReader, Limits
from hflint.repo import Repo
from hflint.rulepack import load_packs

NEMO = Path(__file__).parent / "fixtures" / "nemo" / "asr_model.nemo"
EVIL = pickle.dumps(__import__("os").system, protocol=2)  # a GLOBAL posix.system


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Time stands still unless a test injects a clock: on a loaded machine the walks below
    may take longer than the default budget, and tests assert work done, never seconds."""
    monkeypatch.setattr(readers, "DEFAULT_CLOCK", lambda: 0.0)


class LazyRepo(Repo):
    """A repository whose file ``name`` is read from a generated file object."""

    def __init__(self, root: Path, name: str, make: gen.LazyFile) -> None:
        (root / name).write_bytes(b"")  # listed; its content comes from ``make``
        self.lazy_name, self.lazy = name, make
        super().__init__(root)

    def open(self, rel: str) -> BinaryIO:
        if rel == self.lazy_name:
            self.lazy.seek(0)
            return io.BufferedReader(self.lazy)  # type: ignore[arg-type]
        return super().open(rel)

    def size(self, rel: str) -> int:  # the generated size, not the empty placeholder's
        return self.lazy.run.size if rel == self.lazy_name else super().size(rel)


def _scan(root: Path, *select: str, repo: Repo | None = None) -> ScanResult:
    return scan(root, Config(select=select or ("HF4", "HF6")), repo=repo)


def _by_rule(result: ScanResult, path: str) -> Counter[str]:
    return Counter(f.rule_id for f in result.findings if f.path == path)


def _write(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def _tar(*members: tuple[str, bytes, bytes, str]) -> bytes:
    """A tar of (name, type, data, linkname) members, as tarfile writes it (pax)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, kind, data, link in members:
            info = tarfile.TarInfo(name)
            info.type, info.linkname, info.size = kind, link, len(data) if kind == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    return buf.getvalue()


# -- the four hostile archives of issue 18 ------------------------------------------------


def test_tar_of_a_million_members_stops_at_the_member_limit(tmp_path: Path) -> None:
    lazy = gen.LazyFile(gen.HeaderRun(1_000_000))
    repo = LazyRepo(tmp_path, "model.nemo", lazy)
    result = _scan(tmp_path, repo=repo)
    assert _by_rule(result, "model.nemo") == {"HF403": 1}
    (finding,) = result.findings
    assert "more than 200000 archive members" in finding.message
    report = analysis.cached(repo, "model.nemo", Limits())
    assert report.members == Limits().max_members + 1  # read while walking, stopped at the limit
    assert lazy.reads < 2 * Limits().max_members  # one read per header: the rest was never read


def test_zip_of_20000_overlapping_entries_is_one_zip_bomb_finding(tmp_path: Path) -> None:
    _write(tmp_path, {"bundle.zip": gen.overlapping_zip(20_000)})
    result = _scan(tmp_path)
    assert _by_rule(result, "bundle.zip") == {"HF403": 1}
    assert "zip bomb: 19,999 of 20,000 entries overlap" in result.findings[0].message
    report = analysis.cached(Repo(tmp_path), "bundle.zip", Limits())
    assert report.members == 0  # recognised from the directory: no member was read


def test_quoted_overlap_zip_bomb_is_recognised(tmp_path: Path) -> None:
    data = gen.quoted_overlap_zip(300)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:  # every central name matches its local header
        assert len(zf.infolist()) == 300
        # zipfile reads every member before the fix for CVE-2024-0450 (3.11.9, 3.12.3, 3.13.0);
        # from then on it refuses the overlapping ones; hflint recognises it on every Python
        checked = sys.version_info[:3] >= {11: (3, 11, 9), 12: (3, 12, 3)}.get(sys.version_info[1], (3, 13, 0))
        assert zf.testzip() == ("q00000" if checked else None)
    _write(tmp_path, {"q.zip": data})
    result = _scan(tmp_path)
    assert _by_rule(result, "q.zip") == {"HF403": 1}
    assert "zip bomb: 299 of 300 entries overlap" in result.findings[0].message


def test_zip_of_100000_members_is_one_finding_per_problem_class(tmp_path: Path) -> None:
    _write(tmp_path, {"bundle.zip": gen.many_member_zip(100_000, data=b"x")})
    result = _scan(tmp_path)
    assert _by_rule(result, "bundle.zip") == {"HF640": 1}
    message = result.findings[0].message
    assert "100,000 times in this file, also at ../escape/1, ../escape/2, ../escape/3 and 99,996 more" in message
    assert analysis.cached(Repo(tmp_path), "bundle.zip", Limits()).members == 100_000


def test_archive_nested_50_deep_stops_at_the_depth_limit(tmp_path: Path) -> None:
    _write(tmp_path, {"deep.zip": gen.nested(50, EVIL)})
    result = _scan(tmp_path, "HF403", "HF401", "HF64")
    assert _by_rule(result, "deep.zip") == {"HF403": 1}
    assert "archives nested deeper than 4" in result.findings[0].message
    # deselecting HF403 never hides it: the archive rules say the walk stopped (HF001)
    result = _scan(tmp_path, "HF64", "HF001")
    assert [f.rule_id for f in result.findings] == ["HF001"]
    assert "archive not walked to the end" in result.findings[0].message


def test_member_and_declared_size_limits_are_pack_params(tmp_path: Path) -> None:
    _write(tmp_path, {"a.zip": gen.many_member_zip(50, name="m{i}", data=b"x" * 100),
                      "a.tar": _tar(*[(f"m{i}", tarfile.REGTYPE, b"x" * 100, "") for i in range(50)])})
    report = analysis.analyse(Repo(tmp_path), "a.zip", Limits(max_members=10))
    assert report.members == 0 and [p.cls for p in report.problems] == ["limit:members"]  # the directory says 50
    report = analysis.analyse(Repo(tmp_path), "a.tar", Limits(max_members=10))
    assert report.members == 11 and [p.cls for p in report.problems] == ["limit:members"]  # counted while read
    report = analysis.analyse(Repo(tmp_path), "a.zip", Limits(max_declared_bytes=1000))
    assert report.members == 11 and "max-declared-bytes" in report.problems[0].reason


def test_built_in_limits_are_pack_data_and_shared_by_the_rules() -> None:
    """HF403 spells its limits out in the pack; they equal the defaults the other rules use,
    so every rule shares one walk per file (the analysis is cached by the limits' repr)."""
    from hflint.kinds.pickle_scan import limits_of

    rules = {r.id: r for p in load_packs() for r in p.rules}
    assert "max-seconds" in rules["HF403"].params["limits"]
    assert {repr(limits_of(rules[i])) for i in ("HF401", "HF403", "HF640", "HF644")} == {repr(Limits())}


# -- wall-clock budget, with an injected clock ---------------------------------------------


class Ticks:
    """A clock that advances one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_time_budget_stops_the_walk_between_members(tmp_path: Path) -> None:
    _write(tmp_path, {"a.tar": b"".join(gen.HeaderRun(1000).blocks())})
    report = analysis.analyse(Repo(tmp_path), "a.tar", Limits(max_seconds=5), clock=Ticks())
    assert [p.cls for p in report.problems] == ["limit:time"]
    assert report.members < 10  # stopped after a few members, not after the walk


def test_time_budget_is_a_finding_and_the_scan_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, {"a.tar": b"".join(gen.HeaderRun(1000).blocks()), "b.pkl": EVIL})
    monkeypatch.setattr(readers, "DEFAULT_CLOCK", Ticks())
    result = _scan(tmp_path, "HF401", "HF403")
    assert _by_rule(result, "a.tar") == {"HF403": 1}
    assert "wall-clock budget of 5 s" in next(f.message for f in result.findings if f.path == "a.tar")
    assert _by_rule(result, "b.pkl")["HF401"] == 1  # the next file is still analysed


def test_protobuf_walks_have_a_time_budget_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """SavedModels and ONNX graphs are walked field by field: the walk looks at the clock
    every CLOCK_EVERY fields, so a graph that takes too long is HF605/HF614, not a stall."""
    from hflint.formats import protowire
    from hflint.formats.tf_graph import read_graph_def

    graph = b"\x0a\x03\x0a\x01n" * 40_000  # GraphDef{node: NodeDef{name: "n"}} x 40,000
    assert len(read_graph_def(io.BytesIO(graph), {})[0].nodes) == 40_000
    monkeypatch.setattr(protowire, "DEFAULT_CLOCK", Ticks())
    with pytest.raises(protowire.WireError, match=r"wall-clock budget of 0\.5 s"):
        read_graph_def(io.BytesIO(graph), {}, protowire.Limits(max_seconds=0.5))


# -- what extracting would do -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("a/b", None),
        ("./model_config.yaml", None),
        ("a/../b", None),
        ("../x", "path:parent"),
        ("a/../../x", "path:parent"),
        ("..\\..\\x.bat", "path:parent"),
        ("/etc/cron.d/x", "path:absolute"),
        ("C:\\Windows\\x", "path:absolute"),
        ("\\\\host\\share\\x", "path:absolute"),
    ],
)
def test_member_paths(name: str, cls: str | None) -> None:
    verdict = judge(name, Links())
    assert (verdict.cls if verdict else None) == cls


def test_links_are_resolved_through_earlier_links() -> None:
    links = Links()
    assert judge_link("a/l", "../b", hard=False, links=links) is None  # stays inside
    assert judge_link("h", "../b", hard=True, links=links) is not None  # a hard link is read from the root
    assert judge_link("l", "/etc", hard=False, links=links) is not None
    links.add("up", "a/../..")
    assert judge("up/.bashrc", links) is not None  # written through the link
    links.add("inside", "sub")
    assert judge("inside/f", links) is None
    assert judge_link("x", "inside/../..", hard=False, links=links) is not None
    loop = Links()
    loop.add("p", "q")
    loop.add("q", "p")
    assert judge("p/f", loop) is None  # a loop fails extraction (ELOOP), it does not escape


def test_tar_members_paths_links_and_devices_are_grouped(tmp_path: Path) -> None:
    data = _tar(
        *[(f"../up{i}", tarfile.REGTYPE, b"x", "") for i in range(10)],
        ("lnk", tarfile.SYMTYPE, b"", "/etc"),
        ("hard", tarfile.LNKTYPE, b"", "../../etc/passwd"),
        ("fifo", tarfile.FIFOTYPE, b"", ""),
        ("dev", tarfile.CHRTYPE, b"", ""),
    )
    _write(tmp_path, {"x.tar": data})
    result = _scan(tmp_path)
    assert _by_rule(result, "x.tar") == {"HF640": 1, "HF641": 2, "HF642": 2}
    assert "10 times in this file" in next(f.message for f in result.findings if f.rule_id == "HF640")


def test_zip_symlink_members_are_judged(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("link")
        info.create_system, info.external_attr = 3, (0o120777 << 16)  # unzip creates a symlink
        zf.writestr(info, "../../../etc/passwd")
    _write(tmp_path, {"b.zip": buf.getvalue()})
    assert _by_rule(_scan(tmp_path), "b.zip") == {"HF641": 1}


# -- member formats, NeMo archives, Hydra targets ---------------------------------------


def test_nemo_as_nemo_writes_it_is_clean(tmp_path: Path) -> None:
    _write(tmp_path, {"asr_model.nemo": NEMO.read_bytes()})
    result = _scan(tmp_path, "HF3", "HF4", "HF6")
    assert [f for f in result.findings if f.path == "asr_model.nemo"] == []
    report = analysis.cached(Repo(tmp_path), "asr_model.nemo", Limits())
    assert "./model_config.yaml" in dict(report.configs)
    assert report.members == 6 + 8  # the tar's entries, then those of the torch zip model_weights.ckpt


def test_gzipped_nemo_is_walked_as_a_stream(tmp_path: Path) -> None:
    """NeMo < 1.7 wrote .nemo as tar.gz: the checkpoint inside is spooled and analysed, the
    config read, the paths judged, from one pass over the decompressed stream."""
    evil_ckpt = io.BytesIO()
    with zipfile.ZipFile(evil_ckpt, "w") as zf:
        zf.writestr("model_weights/data.pkl", EVIL)
    config = b"encoder:\n  _target_: os.system\n"
    data = _tar(("./model_config.yaml", tarfile.REGTYPE, config, ""),
                ("./model_weights.ckpt", tarfile.REGTYPE, evil_ckpt.getvalue(), ""),
                ("../escape", tarfile.REGTYPE, b"x", ""))
    import gzip

    _write(tmp_path, {"old.nemo": gzip.compress(data, mtime=0)})
    result = _scan(tmp_path)
    assert _by_rule(result, "old.nemo") == {"HF401": 1, "HF640": 1, "HF644": 1}


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({"model.onnx": b"\x08\x07"}, 1),
        ({"x.bin": (Path(__file__).parent / "fixtures" / "gguf" / "good.gguf").read_bytes()}, 1),
        ({"model.safetensors": b"not a header"}, 1),
        ({"model.pte": b"\0\0\0\0ET12", "net.mlmodel": b"x"}, 2),  # HF635's formats, by extension
        ({"config.json": b"{}", "vocab.txt": b"a\nb\n"}, 0),
    ],
)
def test_model_formats_inside_archives_are_reported(tmp_path: Path, members: dict[str, bytes], expected: int) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    _write(tmp_path, {"bundle.zip": buf.getvalue()})
    assert _by_rule(_scan(tmp_path, "HF643"), "bundle.zip")["HF643"] == expected


def _keras() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("config.json", b'{"class_name": "Sequential"}')
        zf.writestr("metadata.json", b'{"keras_version": "3.5.0"}')
        zf.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n" + bytes(600))
    return buf.getvalue()


def test_members_of_a_keras_file_are_its_own_parts(tmp_path: Path) -> None:
    """A .keras file is a zip by design: its HDF5 weights are not an unanalysed member, and a
    .keras inside a bundle is reported once, as itself."""
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("model.keras", _keras())
    _write(tmp_path, {"model.keras": _keras(), "bundle.zip": bundle.getvalue()})
    result = _scan(tmp_path, "HF643")
    assert [(f.path, f.pointer) for f in result.findings] == [("bundle.zip", "model.keras")]


@pytest.mark.parametrize(
    ("target", "verdict"),
    [
        ("nemo.collections.asr.modules.ConformerEncoder", "allowed"),
        ("nemo_evil.Encoder", "unlisted"),
        ("torch.nn.ReLU", "allowed"),
        ("torch.bfloat16", "allowed"),
        ("torch.nnx.Layer", "unlisted"),
        ("torch.hub.load", "dangerous"),
        ("torch.nn.modules.module.torch.hub.load", "dangerous"),
        ("builtins.exec", "dangerous"),
        ("builtins.dict", "unlisted"),
        ("nemo.utils.model_utils.os.system", "dangerous"),
        ("nemo.core.classes.__globals__", "dangerous"),
        ("hydra.utils.get_method", "dangerous"),
        ("functools.partial", "dangerous"),
        ("${oc.env:TARGET}", "unlisted"),
        ("not a path", "unlisted"),
    ],
)
def test_hydra_target_policy(target: str, verdict: str) -> None:
    from hflint._paths import data_file
    from hflint.archives import hydra

    policy = hydra.load_policy(data_file("hflint:data/hydra-targets.yaml", Path()))
    assert policy.classify(target)[0] == verdict


def test_hydra_targets_are_found_wherever_they_are() -> None:
    from hflint.archives import hydra
    from hflint.yamlfile import load_yaml

    doc = load_yaml("target: nemo.M\nlist:\n  - _target_: a.b\n  - target: 3\ncls: x.Y\nname: target\n"
                    "deep: {x: {_target_: ${x}}}\n".replace("${x}", "'${x}'"))
    assert [(hydra.pointer(t.path), t.value) for t in hydra.targets(doc)] == [
        ("/target", "nemo.M"), ("/cls", "x.Y"), ("/list/0/_target_", "a.b"), ("/deep/x/_target_", "${x}")]


def test_loose_hydra_configs_are_checked_in_nemo_repos_only(tmp_path: Path) -> None:
    _write(tmp_path, {"conf/train.yaml": b"model:\n  _target_: subprocess.run\n"})
    assert _scan(tmp_path, "HF644").findings == ()
    _write(tmp_path, {"README.md": b"---\nlibrary_name: nemo\n---\n"})
    (finding,) = _scan(tmp_path, "HF644").findings
    assert finding.path == "conf/train.yaml" and finding.region is not None and finding.region.start_line == 2


def test_unreadable_config_member_is_reported_not_skipped(tmp_path: Path) -> None:
    _write(tmp_path, {"m.nemo": _tar(("./model_config.yaml", tarfile.REGTYPE, b"a: [unclosed\n", ""))})
    result = _scan(tmp_path, "HF644", "HF645", "HF001")
    assert [f.rule_id for f in result.findings] == ["HF001"]
    assert "model_config.yaml cannot be read" in result.findings[0].message


# -- the tar walker reads what tarfile reads ---------------------------------------------


def _shown(name: str) -> str:
    """tarfile keeps bytes that are not UTF-8 as surrogates; hflint shows them escaped."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _tarfile_view(data: bytes) -> list[tuple[str, str, bytes, int, int]] | None:
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            return [(_shown(m.name), _shown(m.linkname), m.type, m.size, m.offset_data) for m in tar]
    except (tarfile.TarError, ValueError, OverflowError, RecursionError, UnicodeDecodeError):
        return None


def _walker_view(data: bytes) -> list[tuple[str, str, bytes, int, int]] | None:
    try:
        return [(e.name, e.linkname, bytes([e.type]), e.size, e.data)
                for e in tarwalk.entries(BytesReader(data), [])]
    except tarwalk.TarError:
        return None


@pytest.mark.parametrize("fmt", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
def test_walker_lists_what_tarfile_lists(fmt: int) -> None:
    long = "a/" + "x" * 90 + "/" + "y" * 50 if fmt == tarfile.USTAR_FORMAT else "d/" + "é" * 120
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for name, kind, link, data in [(long, tarfile.REGTYPE, "", b"hello"), ("dir", tarfile.DIRTYPE, "", b""),
                                       ("l", tarfile.SYMTYPE, "../t", b""), ("h", tarfile.LNKTYPE, "dir", b""),
                                       ("big", tarfile.REGTYPE, "", b"z" * 3000), ("p", tarfile.FIFOTYPE, "", b"")]:
            info = tarfile.TarInfo(name)
            info.type, info.linkname, info.size = kind, link, len(data) if kind == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    data = buf.getvalue()
    assert _walker_view(data) == _tarfile_view(data)


def _pax_record(key: str, value: str) -> bytes:
    # "%d %s=%s\n", where the length counts the whole record, its own digits and the newline
    # included (POSIX pax; tarfile from 3.12.6 / 3.13.0 rejects a record whose length is off)
    rest = f" {key}={value}\n".encode()
    length = len(rest) + 1
    while len(str(length)) + len(rest) != length:
        length += 1
    return str(length).encode() + rest


def _pax(records: dict[str, str], kind: bytes = b"x") -> bytes:
    body = b"".join(_pax_record(k, v) for k, v in records.items())
    return gen.tar_header("PaxHeader", len(body), kind) + body + bytes(-len(body) % 512)


@pytest.mark.parametrize(
    "blocks",
    [
        # pax path, then a GNU long name: the first extended header wins
        [_pax({"path": "from-pax"}), gen.tar_header("././@LongLink", 8, b"L") + b"from-gnu" + bytes(504),
         gen.tar_header("short")],
        [gen.tar_header("././@LongLink", 8, b"L") + b"from-gnu" + bytes(504), _pax({"path": "from-pax"}),
         gen.tar_header("short")],
        # a global pax path applies to every later member; a pax size moves the next header
        [_pax({"path": "g"}, b"g"), gen.tar_header("one"), gen.tar_header("two")],
        [_pax({"size": "512"}), gen.tar_header("sized"), bytes(512), gen.tar_header("after")],
        # V7 directory, a symlink whose header claims data (tarfile skips none)
        [gen.tar_header("v7dir/", kind=b"\0"), gen.tar_header("after")],
        [gen.tar_header("s", 600, b"2", "t"), gen.tar_header("next")],
        # an unknown type is read as a regular file
        [gen.tar_header("u", 10, b"Z") + b"0123456789" + bytes(502), gen.tar_header("after")],
    ],
)
def test_walker_follows_tarfile_on_extended_headers(blocks: list[bytes]) -> None:
    data = b"".join(blocks) + bytes(1024)
    assert _tarfile_view(data) is not None
    assert _walker_view(data) == _tarfile_view(data)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_walker_agrees_with_tarfile_on_damaged_archives(data: st.DataObject) -> None:
    base = bytearray(b"".join([_pax({"path": "p" * 120}), gen.tar_header("a", 5) + b"hello" + bytes(507),
                               gen.tar_header("l", 0, b"2", "../x"), gen.tar_header("b")]) + bytes(1024))
    for _ in range(data.draw(st.integers(1, 4))):
        base[data.draw(st.integers(0, len(base) - 1))] = data.draw(st.integers(0, 255))
    ours, theirs = _walker_view(bytes(base)), _tarfile_view(bytes(base))
    if ours is not None and theirs is not None:
        assert ours == theirs


def test_data_after_the_end_of_the_archive_is_reported(tmp_path: Path) -> None:
    hidden = _tar(("payload.pkl", tarfile.REGTYPE, EVIL, ""))
    _write(tmp_path, {"a.tar": _tar(("ok.txt", tarfile.REGTYPE, b"x", "")) + hidden})
    result = _scan(tmp_path, "HF403")
    assert ["end-of-archive marker" in f.message for f in result.findings] == [True]


# -- zip bombs from the directory, and grouping of member problems ------------------------


def _patched_local_sizes(data: bytes) -> bytes:
    raw = bytearray(data)
    raw[18:22] = (len(EVIL) + 100).to_bytes(4, "little")  # the first local header's compressed size
    return bytes(raw)


def test_local_header_disagreeing_with_directory_stops_the_walk(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.pkl", EVIL)
        zf.writestr("b.pkl", EVIL)
    _write(tmp_path, {"z.zip": _patched_local_sizes(buf.getvalue())})
    report = analysis.analyse(Repo(tmp_path), "z.zip", Limits())
    assert [p.cls for p in report.problems] == ["bomb:local-header"] and report.hits == []


def test_entries_past_the_end_of_the_file_are_a_bomb(tmp_path: Path) -> None:
    data = bytearray(gen.many_member_zip(1, name="a", data=b"x"))
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 20 : cd + 24] = (1 << 30).to_bytes(4, "little")  # compressed size: 1 GiB
    _write(tmp_path, {"z.zip": bytes(data)})
    report = analysis.analyse(Repo(tmp_path), "z.zip", Limits())
    assert [p.cls for p in report.problems] == ["bomb:beyond"]


def test_member_problems_are_grouped_per_class(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i in range(50):
            zf.writestr(f"m{i}.pkl", pickle.dumps(i))
    raw = bytearray(buf.getvalue())
    at = 0
    while (at := raw.find(b"PK\x01\x02", at + 1)) != -1:
        raw[at + 16 : at + 20] = b"\0\0\0\0"  # every CRC in the directory is wrong
    _write(tmp_path, {"z.zip": bytes(raw)})
    result = _scan(tmp_path, "HF403")
    (finding,) = result.findings
    assert "CRC mismatch" in finding.message and "50 times in this file" in finding.message
    assert finding.message.count("m1.pkl") == 1 and "and 46 more" in finding.message


def test_imports_are_one_finding_per_name_and_file(tmp_path: Path) -> None:
    _write(tmp_path, {"z.zip": gen.many_member_zip(300, name="w/{i}.pkl", data=EVIL)})
    result = _scan(tmp_path, "HF401")
    (finding,) = result.findings
    assert "300 times in this file" in finding.message


def test_findings_per_file_and_rule_are_capped(tmp_path: Path) -> None:
    # 60 protocol-0 pickles in a row, each importing another unlisted name
    _write(tmp_path, {"many.pkl": b"".join(f"cmod{i}\nname\n.".encode() for i in range(60))})
    findings = _scan(tmp_path, "HF402").findings
    assert len(findings) == 20
    assert [f.message.endswith("(40 more not shown)") for f in findings].count(True) == 1


def test_walker_and_tarfile_agree_on_every_cut_of_an_archive() -> None:
    # A member whose content or padding is cut makes tarfile raise "unexpected end of data"
    # (every loader fails); a cut at a header boundary is tarfile's end of the archive.
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name, data in [("model_config.yaml", b"a: 1\n" * 10), ("empty", b""), ("w.ckpt", b"x" * 1500)]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    whole = buf.getvalue()
    for cut in [*range(64, 4096, 64), *range(4096, len(whole), 512)]:  # an empty file is no tar
        assert _walker_view(whole[:cut]) == _tarfile_view(whole[:cut]), cut
