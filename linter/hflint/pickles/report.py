"""What analysing one file produced: imports found, problems (HF403) and format facts."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from hflint.pickles.values import Import

if TYPE_CHECKING:
    from hflint.pickles.checkpoint import NoStateDict, StateDictInfo


class Hit(NamedTuple):
    chain: str  # archive member chain ("" for the file itself)
    imp: Import
    by: str  # "opcodes" (hflint's own walk) or "fickling"
    uses: frozenset[str] | None = None  # how the stream uses the global (values.Stream.uses); None: unknown

    @property
    def where(self) -> str:
        """Pointer: archive member chain, byte offset and opcode number (fickling's: none)."""
        return pointer(self.chain, self.imp.offset, self.imp.number or None)


class Problem(NamedTuple):
    where: str
    reason: str


class Pending(NamedTuple):
    """A stream's bytes awaiting fickling's second opinion (second_opinion.vet)."""

    chain: str
    start: int  # offset of the stream in its member
    ours: frozenset[tuple[str, str]]  # the imports hflint's walk found
    data: bytes


class FileReport:
    """What analysing one file found (a plain class: see hflint.pickles.values)."""

    def __init__(self, *, format: str | None = None, streams: int = 0) -> None:
        self.format = format  # the outermost content format (hflint.identify names)
        self.kinds: set[str] = set()  # torch-zip, torch-legacy, torchscript, joblib...
        self.hits: list[Hit] = []
        self.problems: list[Problem] = []
        self.streams = streams  # pickle streams analysed
        self.tensors = False  # holds torch tensors (HF404)
        self.unresolved = 0  # imports whose name is computed from values the walk cannot know
        # another format the content also is, read as which it imports code (a polyglot)
        self.polyglot: str | None = None
        # the state-dict view of a torch checkpoint (tensor names for the weights rules), or why not
        self.state_dict: StateDictInfo | NoStateDict | None = None
        self.pending: list[Pending] = []  # streams awaiting the second opinion
        self.pending_bytes = 0

    def __repr__(self) -> str:
        return (f"FileReport(format={self.format!r}, kinds={sorted(self.kinds)}, hits={len(self.hits)}, "
                f"problems={self.problems!r}, streams={self.streams}, polyglot={self.polyglot!r})")

    @property
    def has_pickle(self) -> bool:
        return self.streams > 0 or bool(self.hits) or any(k != "npy" for k in self.kinds)

    @property
    def imports_code(self) -> bool:
        """Whether a loader reading this content would import anything: a named global
        (module and name are identifiers, as find_class needs) or one whose name is computed."""
        return self.unresolved > 0 or any(_identifier(h.imp.module) and _identifier(h.imp.name) for h in self.hits)

    def absorb(self, other: FileReport, polyglot: str) -> None:
        """Take in what reading the content as ``polyglot`` found."""
        self.kinds |= other.kinds
        self.hits += other.hits
        self.problems += other.problems
        self.pending += other.pending
        self.pending_bytes += other.pending_bytes
        self.streams += other.streams
        self.unresolved += other.unresolved
        self.tensors = self.tensors or other.tensors
        self.polyglot = polyglot


def _identifier(dotted: str) -> bool:
    return bool(dotted) and all(part.isidentifier() for part in dotted.split("."))


def pointer(chain: str, offset: int | None = None, index: int | None = None) -> str:
    parts = [chain] if chain else []
    if offset is not None:
        parts.append(f"byte={offset}")
    if index is not None:
        parts.append(f"op={index}")
    return ":".join(parts) or "/"
