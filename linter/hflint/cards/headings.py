"""Markdown headings of a card body, with file lines, for HF107.

ATX (``## Uses``) and setext (a line underlined with ``===`` or ``---``) headings, as
CommonMark defines them; fenced code blocks are skipped, so a ``# comment`` in a code
sample is not a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_NUMBERING = re.compile(r"^\d+(\.\d+)*\.?\s+")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


def normalise(title: str) -> str:
    """Compare headings on their words: no markup, case, punctuation or '[optional]'."""
    text = _TAG.sub(" ", _LINK.sub(r"\1", title)).replace("[optional]", " ")
    text = _NUMBERING.sub("", text.strip())
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def headings(body: str, first_line: int) -> list[Heading]:
    out: list[Heading] = []
    fence: str | None = None
    previous = ""
    for index, line in enumerate(body.splitlines()):
        number = first_line + index
        marker = _FENCE.match(line)
        if fence is not None:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
            previous = ""
            continue
        if marker:
            fence = marker.group(1)
            previous = ""
            continue
        atx = _ATX.match(line)
        if atx:
            out.append(Heading(len(atx.group(1)), (atx.group(2) or "").strip(), number))
            previous = ""
            continue
        setext = _SETEXT.match(line)
        if setext and previous.strip() and not previous.startswith(("    ", "\t")):
            out.append(Heading(1 if setext.group(1)[0] == "=" else 2, previous.strip(), number - 1))
            previous = ""
            continue
        previous = line
    return out
