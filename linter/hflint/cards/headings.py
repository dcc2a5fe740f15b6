"""Markdown headings of a card body, with file lines, and how they are compared (HF107).

ATX (``## Uses``) and setext (a line underlined with ``===`` or ``---``) headings, as
CommonMark defines them, plus the headings cards write in other ways: HTML ``<h2>...</h2>``
and a line that is only bold text (``**Contact**`` or ``**Contact:**``). Fenced code blocks
are skipped, so a ``# comment`` in a code sample is not a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HTML = re.compile(r"^\s*<h([1-6])\b[^>]*>(.*?)</h\1>\s*$", re.IGNORECASE)
_BOLD = re.compile(r"^\s*(\*\*|__)([^*_\n]{1,80}?)\1\s*:?\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
# "1.", "1.2", "2)", "(3)", "IV.", "Step 3:", "Part 2 -", "Section 4." before the title.
_NUMBERING = re.compile(
    r"^(?:(?:step|part|section|chapter)\s+)?(?:\d+(?:\.\d+)*[.):]?|\(\d+\)|[ivx]{1,5}[.)])\s+|^(?:step|part)\s+\d+\s*[:.-]\s*",
    re.IGNORECASE,
)
# Compiled on the first non-ASCII title (~2 ms, the largest pattern of a clean scan): an
# ASCII title holds no CJK character, so most cards never pay for it (issue 14).
_CJK_PATTERN = r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af])"


@dataclass(frozen=True)
class Heading:
    level: int  # 1-6; 7 for a bold-only line
    text: str
    line: int


def normalise(title: str) -> str:
    """Compare headings on their words: no markup, case, punctuation, emoji, numbering or
    '[optional]'; '&' reads 'and'."""
    text = _TAG.sub(" ", _LINK.sub(r"\1", title)).replace("[optional]", " ").replace("&", " and ")
    text = re.sub(r"[^\w\s.()]+", " ", text).strip()  # emoji and symbols, before the numbering
    text = _NUMBERING.sub("", text)
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "as")):
        return word[:-1]
    return word


def words(title: str) -> tuple[str, ...]:
    """``normalise``d words, singular, with each CJK character a word of its own."""
    text = normalise(title)
    if not text.isascii():  # CJK characters are words of their own
        text = re.sub(_CJK_PATTERN, r" \1 ", text)
    return tuple(_singular(w) for w in text.split())


def contains(heading: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """Whether ``phrase`` occurs in ``heading`` as consecutive whole words."""
    n = len(phrase)
    return n > 0 and any(heading[i : i + n] == phrase for i in range(len(heading) - n + 1))


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
        other = _HTML.match(line) or _BOLD.match(line)
        if other:
            level = int(other.group(1)) if other.re is _HTML else 7
            out.append(Heading(level, _TAG.sub(" ", other.group(2)).strip(), number))
        previous = line
    return out
