"""The symbolic values of the opcode walk and what it reports for one stream.

Plain slotted classes rather than dataclasses: they are created at import by every scan
that reads a pickle (a dataclass costs ~0.45 ms to define; see CONTRIBUTING.md).
"""

from __future__ import annotations

from typing import Any, NamedTuple


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


MARK = _Marker("MARK")
OPAQUE = _Marker("OPAQUE")


class GlobalRef:
    """A global the stream imported (module, name), as a value on the stack."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __eq__(self, other: object) -> bool:
        return type(other) is GlobalRef and other.module == self.module and other.name == self.name

    def __hash__(self) -> int:
        return hash((self.module, self.name))

    def __repr__(self) -> str:
        return f"GlobalRef({self.module!r}, {self.name!r})"


class PersId:
    """A persistent id (PERSID/BINPERSID): how torch.save refers to a tensor's storage."""

    __slots__ = ("pid",)

    def __init__(self, pid: Any) -> None:
        self.pid = pid


class SymDict(dict[Any, Any]):
    """A dict the stream builds (EMPTY_DICT, DICT, or ``collections.OrderedDict()``), keyed
    as a loader would key it; ``unmodelled`` counts the keys the walk could not model
    (objects, long strings kept as OPAQUE), so a reader of its keys knows they are incomplete."""

    __slots__ = ("unmodelled",)

    def __init__(self) -> None:
        super().__init__()
        self.unmodelled = 0


class Obj:
    """The result of calling/instantiating ``cls`` (REDUCE, NEWOBJ, OBJ, INST), and the state
    BUILD gave it: kept for joblib, legacy torch and the state-dict view."""

    __slots__ = ("args", "cls", "state")

    def __init__(self, cls: Any, args: Any, state: Any = None) -> None:
        self.cls, self.args, self.state = cls, args, state


class Import(NamedTuple):
    module: str
    name: str
    offset: int  # byte offset of the opcode in the stream
    number: int  # opcode number in the stream
    opcode: str
    raw: str | None = None  # the name as written, when Python 2 name mapping changed it

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.name}" if self.name else self.module


class Stream:
    """What the walk of one stream found."""

    def __init__(self) -> None:
        self.imports: list[Import] = []
        self.problems: list[tuple[str, int]] = []  # (reason, offset)
        self.protocol = 0
        self.start = 0
        self.end = 0  # offset just after STOP
        self.opcodes = 0
        self.result: Any = None  # the symbolic value STOP returns
        self.persistent_ids = 0
        self.unresolved = 0  # imports whose name is computed from values the walk cannot know
        # How each imported global was used: "new" (the class of NEWOBJ: cls.__new__, no
        # __init__), "build" (BUILD on an object so created), "call" (REDUCE, OBJ, INST: runs
        # the callable), "escape" (consumed by anything else: put in a tuple, list or dict, or
        # passed as an argument, where a call the walk cannot follow may use it).
        self.uses: dict[tuple[str, str], set[str]] = {}


def literal(value: Any) -> bool:
    """A value the walk knows exactly and that is not a str (a number, bytes, a container)."""
    return value is None or isinstance(value, bool | int | float | bytes | tuple | list | dict)


def setitem(target: SymDict, key: Any, value: Any) -> None:
    """``target[key] = value`` as a loader would do it, counting keys the walk cannot model."""
    if isinstance(key, str | int | bytes):
        target[key] = value
    else:
        target.unmodelled += 1
