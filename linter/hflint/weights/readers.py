"""Cached, repo-bound access to weight files: each file is read once for every rule.

``safetensors_header`` is shared by HF306, the shard rules (HF303-HF305, HF307) and content
identification (hflint.identify); ``state_dict`` is the state-dict view of the pickle
analysis the HF4xx rules vet (hflint.pickles.analysis: one reader, one walk of the same
bytes); ``shard_contents`` gives the tensor names (and byte total) of any shard,
safetensors or pickle, or None for a Git LFS pointer (present, but its content is not in
the checkout; HF002 reports it).
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

from hflint.repo import CannotAnalyse, Repo
from hflint.weights.safetensors_format import Header, read_header

if TYPE_CHECKING:
    from hflint.pickles.checkpoint import StateDictInfo

HEADER_KEY = "hflint.weights.safetensors-header"
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


PICKLE_SCAN = "pickle-scan"  # the kind whose HF403 reports a pickle the walk could not read


def safetensors_header(repo: Repo, path: str) -> Header:
    def parse() -> Header:
        with repo.open(path) as fh:
            return read_header(fh)

    return repo.cached(path, HEADER_KEY, parse)


def content_format(repo: Repo, path: str) -> str | None:
    """The format hflint.identify names from the file's content (None: not one it knows, or
    safetensors): for messages about a file whose named format does not parse."""
    from hflint import identify

    found = describe_content(repo, path)
    return None if found == identify.SAFETENSORS else found


def describe_content(repo: Repo, path: str) -> str | None:
    """The file's format by content: hflint.identify's name from its first bytes, else the
    first model format it is (an ONNX model named .safetensors), else None."""
    from hflint import identify

    with repo.open(path) as fh:
        size = fh.seek(0, 2)
        fh.seek(0)
        head = fh.read(identify.HEAD)
    found = identify.identify(head, size).format
    if found is None:
        models = identify.formats_of(repo, path)
        found = next((f for f in identify.MODEL_FORMATS if f in models), None)
    return found


def state_dict(repo: Repo, path: str) -> StateDictInfo:
    """Tensor names, bytes and shapes of a torch checkpoint; Unknown says why not, naming
    HF403's kind when the pickle analysis already reports the cause."""
    # lazy: the pickle reader is only needed when the model has .bin shards
    from hflint.pickles import analysis
    from hflint.pickles.checkpoint import StateDictInfo, not_checkpoint
    from hflint.pickles.readers import Limits

    report = analysis.cached(repo, path, Limits())
    found = report.state_dict or not_checkpoint(report.format)
    if isinstance(found, StateDictInfo):
        return found
    raise Unknown(f"tensor names cannot be read statically: {found.reason}",
                  PICKLE_SCAN if found.from_problem else None)


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
    except Unknown:
        raise
    except CannotAnalyse as exc:  # the file cannot be opened: said on the shard, not the index
        raise Unknown(exc.reason, None) from None
    return Contents(frozenset(info.keys), info.nbytes, info.nbytes_unknown)
