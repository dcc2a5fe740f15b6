"""The one record that flows from check kinds to reporters.

Findings are created complete by a check kind (or by the engine for HF001-HF003) and are
never mutated; the only later change is the suppression reason, set with
``dataclasses.replace`` by the decision stage.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hflint.fixes.edits import Fix


class Severity(enum.IntEnum):
    """Ordered so that ``>=`` answers "at or above the fail-on threshold"."""

    NOTE = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or note)") from None


# How a suppressed finding was suppressed, recorded as the prefix of its reason (the reason
# is what users read; the prefix lets reporters tell GitHub "inSource" from "external").
BASELINE_PREFIX = "baseline: "
INLINE_PREFIX = "inline: "


@dataclass(frozen=True, slots=True)
class Region:
    """A 1-based line/column span in a text file."""

    start_line: int
    start_column: int | None = None
    end_line: int | None = None
    end_column: int | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    path: str  # repo-relative POSIX path; the expected path for a missing file
    message: str
    severity: Severity
    region: Region | None = None  # only for text files
    pointer: str | None = None  # JSON pointer, tensor name, archive member, ...
    suppressed_by: str | None = None  # the reason given in config, when suppressed
    # 0 for the first finding with its rule, path and key in a file; 1, 2... for the next
    # ones in file order (set by the engine), so that each has its own fingerprint.
    occurrence: int = 0
    # What identifies a finding without a pointer when its message says more than that: HF001
    # is keyed by its reason, not by the list of rules that could not run (which grows with
    # every rule added). None: the message.
    key: str | None = None
    fix: Fix | None = None  # the edit the rule's fix proposes (only when a run asks for fixes)

    @property
    def suppression_kind(self) -> str | None:
        """None, or how it was suppressed: "baseline", "inline" (a source comment) or "config"."""
        if self.suppressed_by is None:
            return None
        if self.suppressed_by.startswith(BASELINE_PREFIX):
            return "baseline"
        return "inline" if self.suppressed_by.startswith(INLINE_PREFIX) else "config"

    @property
    def fingerprint(self) -> str:
        """Line-independent identity, stable across edits that move the finding and across
        Python and library versions: a contract (docs/fingerprints.md) that baselines store.

        Keyed by rule, path and the logical position (pointer) when there is one, else the
        message; messages never carry line numbers or a parser's wording, so moving a finding
        or upgrading the interpreter keeps its key. A second finding with the same key in the
        file (the same call twice, two problems in one template) adds its occurrence number,
        so one baseline entry never accepts a finding that appears later.
        """
        return self._digest(self.occurrence)

    @property
    def base_fingerprint(self) -> str:
        """The fingerprint of the first occurrence of this rule, path and key: what every
        occurrence had before occurrences were numbered (baseline version 1)."""
        return self._digest(0)

    @property
    def logical_key(self) -> str:
        if self.pointer:
            return f"@{self.pointer}"
        return self.message if self.key is None else f"={self.key}"

    def _digest(self, occurrence: int) -> str:
        parts = (self.rule_id, self.path, self.logical_key, *((f"#{occurrence}",) if occurrence else ()))
        import hashlib  # lazy: only SARIF and baselines need fingerprints

        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        line = self.region.start_line if self.region else 0
        col = (self.region.start_column or 0) if self.region else 0
        return (self.path, line, col, self.rule_id, self.pointer or "", self.message)
