"""What analysing one file produced: imports found, problems (HF403), archive structure
(the archive rules) and format facts.

Problems are grouped by class as they are recorded: the first few of each class are kept
with where they occurred, the rest only counted, so a file with 20,000 broken members costs
a few records and gives one finding per class ("and 19,997 more"), never one per member.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from hflint.pickles.values import Import

if TYPE_CHECKING:
    from hflint.pickles.checkpoint import NoStateDict, StateDictInfo
    from hflint.pickles.readers import Budget


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
    cls: str = ""  # what findings group by; "" groups by the reason itself

    @property
    def key(self) -> str:
        return self.cls or self.reason


KEEP = 4  # places kept per problem class: the finding's own pointer and three more named


class Tally:
    """Problems grouped by class while they are recorded (first KEEP of each kept)."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.counts: dict[str, int] = {}

    def add(self, problem: Problem) -> None:
        seen = self.counts.get(problem.key, 0)
        self.counts[problem.key] = seen + 1
        if seen < KEEP:
            self.kept.append(problem)

    def __len__(self) -> int:
        return len(self.kept)

    def merge(self, other: Tally) -> None:
        for key, count in other.counts.items():
            items = [p for p in other.kept if p.key == key]
            for p in items:
                self.add(p)
            self.counts[key] += count - len(items)

    def groups(self, prefix: str = "") -> Iterator[tuple[Problem, str]]:
        """(first problem, detail) per class whose key starts with ``prefix``, in the order
        the classes were first seen; the detail names the other places and counts the rest."""
        by_key: dict[str, list[Problem]] = {}
        for p in self.kept:
            if p.key.startswith(prefix):
                by_key.setdefault(p.key, []).append(p)
        for key, items in by_key.items():
            yield items[0], grouped(items[0].reason, [p.where for p in items[1:]], self.counts[key])


def grouped(reason: str, others: list[str], count: int) -> str:
    """``reason``, then where else the same problem is, as a linter says "and 19,997 more"."""
    if count <= 1:
        return reason
    if not others:
        return f"{reason}; {count:,} times in this file"
    rest = count - 1 - len(others)
    named = ", ".join(_short(w) for w in others)
    return f"{reason}; {count:,} times in this file, also at {named}" + (f" and {rest:,} more" if rest else "")


def _short(where: str, limit: int = 120) -> str:
    return where if len(where) <= limit else where[: limit - 3] + "..."


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
        self.tally = Tally()  # HF403 problems, grouped by class
        self.archive = Tally()  # archive structure for the archive rules (class "<check>:...")
        self.configs: list[tuple[str, bytes]] = []  # YAML members (Hydra configs) and their bytes
        self.members = 0  # archive members the walk read
        self.stopped: str | None = None  # why an archive walk ended before its last member
        self.streams = streams  # pickle streams analysed
        self.tensors = False  # holds torch tensors (HF404)
        self.unresolved = 0  # imports whose name is computed from values the walk cannot know
        # another format the content also is, read as which it imports code (a polyglot)
        self.polyglot: str | None = None
        # the state-dict view of a torch checkpoint (tensor names for the weights rules), or why not
        self.state_dict: StateDictInfo | NoStateDict | None = None
        self.pending: list[Pending] = []  # streams awaiting the second opinion
        self.pending_bytes = 0
        self.budget: Budget | None = None  # the file's budget; its clock bounds the second opinion too
        # where fickling's opinions are kept per stream (hflint.resultcache.Store), when caching
        self.opinions: Any = None

    def __repr__(self) -> str:
        return (f"FileReport(format={self.format!r}, kinds={sorted(self.kinds)}, hits={len(self.hits)}, "
                f"problems={self.problems!r}, streams={self.streams}, polyglot={self.polyglot!r})")

    @property
    def problems(self) -> list[Problem]:
        """The problems kept (the first few of each class)."""
        return self.tally.kept

    def add_problem(self, where: str, reason: str, cls: str = "") -> None:
        self.tally.add(Problem(where, reason, cls))

    @property
    def has_pickle(self) -> bool:
        return self.streams > 0 or bool(self.hits) or any(k != "npy" for k in self.kinds)

    @property
    def imports_code(self) -> bool:
        return imports_code((h.imp for h in self.hits), self.unresolved)

    def absorb(self, other: FileReport, polyglot: str) -> None:
        """Take in what reading the content as ``polyglot`` found."""
        self.kinds |= other.kinds
        self.hits += other.hits
        self.tally.merge(other.tally)
        self.pending += other.pending
        self.pending_bytes += other.pending_bytes
        self.streams += other.streams
        self.unresolved += other.unresolved
        self.tensors = self.tensors or other.tensors
        self.polyglot = polyglot


def imports_code(imports: Iterable[Import], unresolved: int) -> bool:
    """Whether a loader reading content with these imports would import anything: a named
    global (module and name are identifiers, as find_class needs) or one whose name is
    computed (``unresolved``)."""
    return unresolved > 0 or any(_identifier(i.module) and _identifier(i.name) for i in imports)


def _identifier(dotted: str) -> bool:
    return bool(dotted) and all(part.isidentifier() for part in dotted.split("."))


def pointer(chain: str, offset: int | None = None, index: int | None = None) -> str:
    parts = [chain] if chain else []
    if offset is not None:
        parts.append(f"byte={offset}")
    if index is not None:
        parts.append(f"op={index}")
    return ":".join(parts) or "/"
