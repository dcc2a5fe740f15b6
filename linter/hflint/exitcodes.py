"""Exit codes, shared by every command (ruff, bandit and semgrep agree on these)."""

from __future__ import annotations

CLEAN = 0  # nothing at or above --fail-on
FINDINGS = 1  # findings at or above --fail-on
ERROR = 2  # usage, config or rule-pack error, or an internal error
