"""HF503's obfuscation signals: very long lines, high-entropy string blobs, and Unicode
bidirectional controls ("Trojan Source", CVE-2021-42574).

Malicious Hub code hides its payload from a quick read as one huge line or a base64/hex
string that is decoded at import time; legitimate model code has neither. Strings are
judged only when they are long, have almost no whitespace and use an encoding alphabet
(base64, base64url, hex), so docstrings and non-English prompts never count; bytes
literals count when their byte entropy is near random.
"""

from __future__ import annotations

import ast
import math
import re
import string
from collections import Counter
from collections.abc import Iterator

from hflint.customcode.calls import Hit

_ENCODED = frozenset(string.ascii_letters + string.digits + "+/=_-")
# Explicit-direction controls and isolates (CVE-2021-42574, https://trojansource.codes/).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def entropy(text: str | bytes) -> float:
    """Shannon entropy in bits per symbol."""
    if not text:
        return 0.0
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def blob_reason(value: str | bytes, min_length: int, min_entropy: float) -> str | None:
    if len(value) < min_length:
        return None
    if isinstance(value, bytes):
        bits = entropy(value)
        return f"a {len(value)}-byte binary literal ({bits:.1f} bits/byte)" if bits >= 6.0 else None
    encoded = sum(ch in _ENCODED for ch in value) / len(value)
    bits = entropy(value)
    if encoded < 0.95 or bits < min_entropy:
        return None
    kind = "hex" if set(value.lower()) <= set(string.hexdigits.lower()) else "base64-like"
    return f"a {len(value)}-character {kind} string ({bits:.1f} bits/char)"


def hits(
    lines: list[str], tree: ast.Module | None, *, max_line_length: int, min_blob: int, min_entropy: float
) -> Iterator[Hit]:
    blob_lines: set[int] = set()
    if tree is not None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
                reason = blob_reason(node.value, min_blob, min_entropy)
                if reason is not None:
                    blob_lines.add(node.lineno)
                    yield Hit(
                        node.lineno,
                        node.col_offset,
                        f"{reason}: an encoded blob often hides a payload; decode it and check what uses it",
                    )
    for number, line in enumerate(lines, start=1):
        if len(line) > max_line_length and number not in blob_lines:
            yield Hit(
                number,
                0,
                f"line is {len(line)} characters long (limit {max_line_length}): minified or "
                "packed code hides what it does; reformat it and read it",
            )
        match = _BIDI.search(line)
        if match is not None:
            offset = len(line[: match.start()].encode("utf-8"))
            yield Hit(
                number,
                offset,
                f"Unicode bidirectional control U+{ord(match.group()):04X} makes the code "
                "display differently from how it runs (Trojan Source, CVE-2021-42574)",
            )
