"""Cached, repo-bound access to weight files: each file is read once for every rule.

``safetensors_header`` is shared by HF306 and the shard rules (HF303-HF305, HF307);
``shard_contents`` gives the tensor names (and byte total) of any shard, safetensors or
pickle, or None for a Git LFS pointer (present, but its content is not in the checkout;
HF002 reports it).
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

from hflint.repo import CannotAnalyse, Repo
from hflint.weights.safetensors_format import Header, read_header

if TYPE_CHECKING:
    from hflint.weights.torch_checkpoint import StateDictInfo

HEADER_KEY = "hflint.weights.safetensors-header"
STATE_DICT_KEY = "hflint.weights.state-dict"
CONTENTS_KEY = "hflint.weights.contents"


class Contents(NamedTuple):
    names: frozenset[str]
    nbytes: int | None  # sum of tensor bytes; None when it cannot be known statically
    nbytes_unknown: str | None = None
    covered_by: str | None = None  # the kind that already reports an unreadable file


class Unknown(CannotAnalyse):
    """The shard's tensor names cannot be read; ``covered_by`` as in Unanalysable."""

    def __init__(self, reason: str, covered_by: str | None) -> None:
        super().__init__(reason)
        self.covered_by = covered_by


def safetensors_header(repo: Repo, path: str) -> Header:
    def parse() -> Header:
        with repo.open(path) as fh:
            return read_header(fh)

    return repo.cached(path, HEADER_KEY, parse)


def state_dict(repo: Repo, path: str) -> StateDictInfo:
    # lazy: the pickle reader is only needed when the model has .bin shards
    from hflint.weights.pickle_keys import Unreadable
    from hflint.weights.torch_checkpoint import read_state_dict

    def parse() -> StateDictInfo:
        with repo.open(path) as fh:
            try:
                return read_state_dict(fh)
            except Unreadable as exc:
                raise CannotAnalyse(f"tensor names cannot be read statically: {exc}") from None

    return repo.cached(path, STATE_DICT_KEY, parse)


def shard_contents(repo: Repo, path: str) -> Contents | None:
    """Tensor names of a shard; None for an LFS pointer; Unknown when unreadable."""
    if repo.is_lfs_pointer(path):
        return None
    return repo.cached(path, CONTENTS_KEY, lambda: _contents(repo, path))


def _contents(repo: Repo, path: str) -> Contents:
    if path.endswith(".safetensors"):
        header = safetensors_header(repo, path)
        if header.tensors is None:
            reason = "safetensors header cannot be read, so its tensor names are unknown"
            raise Unknown(reason, "safetensors-header")
        infos = header.tensors.values()
        nbytes = sum(map(attrgetter("end"), infos)) - sum(map(attrgetter("begin"), infos))  # C speed
        return Contents(frozenset(header.tensors), nbytes)
    try:
        info = state_dict(repo, path)
    except CannotAnalyse as exc:
        raise Unknown(exc.reason, None) from None
    return Contents(frozenset(info.keys), info.nbytes, info.nbytes_unknown)
