"""What analysing one file produced: imports found, problems (HF403) and format facts."""

from __future__ import annotations

from dataclasses import dataclass, field

from hflint.pickles.values import Import


@dataclass(frozen=True, slots=True)
class Hit:
    chain: str  # archive member chain ("" for the file itself)
    where: str  # pointer: archive member chain, byte offset and opcode number
    imp: Import
    by: str  # "opcodes" (hflint's own walk) or "fickling"
    uses: frozenset[str] | None = None  # how the stream uses the global (values.Stream.uses); None: unknown


@dataclass(frozen=True, slots=True)
class Problem:
    where: str
    reason: str


@dataclass
class FileReport:
    format: str | None = None  # the outermost content format (sniff names)
    kinds: set[str] = field(default_factory=set)  # torch-zip, torch-legacy, torchscript, joblib...
    hits: list[Hit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    streams: int = 0  # pickle streams analysed
    tensors: bool = False  # holds torch tensors (HF404)

    @property
    def has_pickle(self) -> bool:
        return self.streams > 0 or bool(self.hits) or any(k != "npy" for k in self.kinds)


def pointer(chain: str, offset: int | None = None, index: int | None = None) -> str:
    parts = [chain] if chain else []
    if offset is not None:
        parts.append(f"byte={offset}")
    if index is not None:
        parts.append(f"op={index}")
    return ":".join(parts) or "/"
