"""The symbolic values of the opcode walk and what it reports for one stream."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


MARK = _Marker("MARK")
OPAQUE = _Marker("OPAQUE")


@dataclass(frozen=True, slots=True)
class GlobalRef:
    module: str
    name: str


@dataclass(frozen=True, slots=True)
class PersId:
    """A persistent id (PERSID/BINPERSID): how torch.save refers to a tensor's storage."""

    pid: Any


class SymDict(dict[Any, Any]):
    """A dict the stream builds (EMPTY_DICT, DICT, or ``collections.OrderedDict()``), keyed
    as a loader would key it; ``unmodelled`` counts the keys the walk could not model
    (objects, long strings kept as OPAQUE), so a reader of its keys knows they are incomplete."""

    __slots__ = ("unmodelled",)

    def __init__(self) -> None:
        super().__init__()
        self.unmodelled = 0


@dataclass(slots=True)
class Obj:
    """The result of calling/instantiating ``cls``: kept for joblib and legacy torch."""

    cls: Any
    args: Any
    state: Any = None


@dataclass(frozen=True, slots=True)
class Import:
    module: str
    name: str
    offset: int  # byte offset of the opcode in the stream
    index: int  # opcode number in the stream
    opcode: str
    raw: str | None = None  # the name as written, when Python 2 name mapping changed it

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.name}" if self.name else self.module


@dataclass
class Stream:
    imports: list[Import] = field(default_factory=list)
    problems: list[tuple[str, int]] = field(default_factory=list)  # (reason, offset)
    protocol: int = 0
    start: int = 0
    end: int = 0  # offset just after STOP
    opcodes: int = 0
    result: Any = None  # the symbolic value STOP returns
    persistent_ids: int = 0
    unresolved: int = 0  # imports whose name is computed from values the walk cannot know
    # How each imported global was used: "new" (the class of NEWOBJ: cls.__new__, no
    # __init__), "build" (BUILD on an object so created), "call" (REDUCE, OBJ, INST: runs
    # the callable), "escape" (consumed by anything else: put in a tuple, list or dict, or
    # passed as an argument, where a call the walk cannot follow may use it).
    uses: dict[tuple[str, str], set[str]] = field(default_factory=dict)
