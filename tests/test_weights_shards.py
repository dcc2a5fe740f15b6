"""Shard indexes, the static .bin reader and what the findings say (HF301-HF305, HF307)."""

from __future__ import annotations

import collections
import collections.abc
import io
import pickle
import sys
import zipfile
from pathlib import Path

import pytest

from hflint.config import Config
from hflint.engine import scan
from hflint.finding import Finding
from hflint.pickles.checkpoint import StateDictInfo
from hflint.repo import Repo
from hflint.weights import readers, safetensors_format

sys.path.insert(0, str(Path(__file__).parent / "golden"))
import make_weights_fixtures as fx

from conftest import MakeRepo

StateDict = collections.abc.Callable[[bytes], tuple[tuple[str, ...], int | None]]
# The shard and header rules; HF308/HF309 (a config next to the weights) have their own
# golden and real-repo tests, and these fixtures are bare shards.
WEIGHTS = Config(select=("HF0", "HF3"), ignore=("HF308", "HF309"), fail_on=None)


def _findings(root: Path, config: Config = WEIGHTS) -> list[Finding]:
    return list(scan(root, config).findings)


def read_state_dict(blob: bytes, tmp: Path) -> StateDictInfo:
    """The state-dict view of ``blob`` saved as pytorch_model.bin (the weights rules' reader)."""
    folder = tmp / f"sd-{len(list(tmp.iterdir()))}"
    folder.mkdir()
    (folder / "pytorch_model.bin").write_bytes(blob)
    return readers.state_dict(Repo(folder), "pytorch_model.bin")


@pytest.fixture
def _state_dict(tmp_path: Path) -> collections.abc.Callable[[bytes], tuple[tuple[str, ...], int | None]]:
    def read(blob: bytes) -> tuple[tuple[str, ...], int | None]:
        info = read_state_dict(blob, tmp_path)
        return info.keys, info.nbytes

    return read


def test_zip_and_legacy_checkpoints_give_keys_and_storage_bytes(_state_dict: StateDict) -> None:
    entries = [("w", "FloatStorage", [3, 2]), ("b", "HalfStorage", [5]), ("n", "LongStorage", [])]
    assert _state_dict(fx.torch_zip_bytes(entries)) == (("w", "b", "n"), 24 + 10 + 8)
    assert _state_dict(fx.legacy_torch_bytes(entries)) == (("w", "b", "n"), 24 + 10 + 8)


def test_shared_storage_counts_once(_state_dict: StateDict) -> None:
    pkl, _ = fx.state_dict_pickle([("a", "FloatStorage", [4]), ("b", "FloatStorage", [4])])
    shared = pkl.replace(fx._str("1"), fx._str("0"))  # b's storage key becomes a's
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", shared)
    assert _state_dict(buf.getvalue()) == (("a", "b"), 16)


@pytest.mark.parametrize("protocol", range(6))
def test_keys_of_any_pickle_protocol(protocol: int, _state_dict: StateDict) -> None:
    state = collections.OrderedDict([("x.weight", [1, 2]), ("y", {"k": (1, "s")}), ("z", None)])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("model/data.pkl", pickle.dumps(state, protocol=protocol))
    keys, nbytes = _state_dict(buf.getvalue())
    assert keys == ("x.weight", "y", "z") and nbytes is None


def test_two_data_pkl_members_are_ambiguous(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a/data.pkl", pickle.dumps({}))
        zf.writestr("b/data.pkl", pickle.dumps({}))
    with pytest.raises(readers.Unknown, match=r"2 '<archive>/data\.pkl' members"):
        read_state_dict(buf.getvalue(), tmp_path)


def test_findings_name_tensor_shard_and_index_entry(make_repo: MakeRepo) -> None:
    files = fx._sharded(weight_map={"a": fx.S1, "b": fx.S2, "c": fx.S2, "mtp/fc.weight": fx.S1})
    files[fx.S2] = fx.st_bytes({**fx.B, "a": ("F32", [2, 2])})
    by_rule: dict[str, list[Finding]] = collections.defaultdict(list)
    for f in _findings(make_repo(files)):
        by_rule[f.rule_id].append(f)
    hf303 = {f.pointer: f.message for f in by_rule["HF303"]}
    assert hf303 == {
        "/weight_map/b": f"model.safetensors.index.json maps tensor b to {fx.S2}, which does not contain it",
        "/weight_map/mtp~1fc.weight":
            f"model.safetensors.index.json maps tensor mtp/fc.weight to {fx.S1}, which does not contain it",
    }
    hf304 = {f.pointer: f.message for f in by_rule["HF304"]}
    assert hf304["/weight_map/d"].endswith(f"tensor d in {fx.S2} is not in weight_map")
    assert hf304["/weight_map/a"].endswith(f"tensor a in {fx.S2} is mapped to {fx.S1} instead")
    [hf307] = by_rule["HF307"]
    assert hf307.pointer == "/weight_map/a" and f"{fx.S1}, {fx.S2}" in hf307.message


def test_each_shard_header_is_read_once_for_all_rules(make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = safetensors_format.read_header

    def counting(fh: io.BufferedReader) -> safetensors_format.Header:
        calls.append(Path(f"/proc/self/fd/{fh.fileno()}").readlink().name)
        return real(fh)

    monkeypatch.setattr(readers, "read_header", counting)
    _findings(make_repo(fx._sharded()))
    assert sorted(calls) == [fx.S1, fx.S2]


def test_lfs_pointer_shard_counts_as_present_and_is_not_read(make_repo: MakeRepo) -> None:
    files = {**fx._sharded(total=999), fx.S2: fx.LFS}
    assert [(f.rule_id, f.path) for f in _findings(make_repo(files))] == [("HF002", fx.S2)]


def test_both_indexes_with_different_tensor_sets(make_repo: MakeRepo) -> None:
    b1 = "pytorch_model-00001-of-00001.bin"
    files = {**fx._sharded(),
             b1: fx.torch_zip_bytes([*fx.BIN_A, ("extra", "FloatStorage", [1])]),
             "pytorch_model.bin.index.json": fx._index({"a": b1, "b": b1, "extra": b1}, 28)}
    [finding] = [f for f in _findings(make_repo(files)) if f.rule_id == "HF302"]
    assert finding.path == "pytorch_model.bin.index.json"
    assert "model.safetensors.index.json" in finding.message
    assert "1 tensor(s) only in pytorch_model.bin.index.json (first: extra)" in finding.message
    assert "2 tensor(s) only in model.safetensors.index.json (first: c)" in finding.message


def test_variant_single_file_shadows_variant_index(make_repo: MakeRepo) -> None:
    files = {"model.fp16.safetensors": fx.st_bytes(fx.A),
             "model.fp16-00001-of-00001.safetensors": fx.st_bytes(fx.A),
             "model.fp16.safetensors.index.json": fx._index(
                 {"a": "model.fp16-00001-of-00001.safetensors", "b": "model.fp16-00001-of-00001.safetensors"}, 24)}
    found = [(f.rule_id, f.path) for f in _findings(make_repo(files))]
    assert found == [("HF302", "model.fp16.safetensors.index.json")]


def test_adapter_shards_with_transformers_index_name(make_repo: MakeRepo) -> None:
    s1, s2 = "adapter/adapter_model-00001-of-00002.safetensors", "adapter/adapter_model-00002-of-00002.safetensors"
    files = {s1: fx.st_bytes(fx.A), s2: fx.st_bytes(fx.B),
             "adapter/model.safetensors.index.json": fx._index(
                 {"a": s1.split("/")[1], "b": s1.split("/")[1], "c": s2.split("/")[1], "d": s2.split("/")[1]}, 38)}
    assert _findings(make_repo(files)) == []


def test_bin_shards_total_size_and_missing_key(make_repo: MakeRepo) -> None:
    files = {fx.B1: fx.torch_zip_bytes(fx.BIN_A), fx.B2: fx.legacy_torch_bytes(fx.BIN_B),
             "pytorch_model.bin.index.json": fx._index({"a": fx.B1, "b": fx.B1, "c": fx.B2, "e": fx.B2}, 1)}
    found = {(f.rule_id, f.pointer) for f in _findings(make_repo(files))}
    assert found == {("HF303", "/weight_map/e"), ("HF304", "/weight_map/d"),
                     ("HF305", "/metadata/total_size")}
