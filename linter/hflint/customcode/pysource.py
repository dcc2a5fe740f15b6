"""Read a Python file as Python would (PEP 263 coding cookie, BOM), then parse it with ``ast``.

Nothing is imported or executed. Every way a file can fail to parse is a result, not an
exception: a syntax error, bytes that do not decode, a null byte, nesting too deep for the
parser (RecursionError, or MemoryError on long unary chains), so a hostile file is a finding.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field

from hflint.customcode import ipython as ipython_module

# Real remote-code modules are well under 1 MB (modeling files run to ~300 KB).
MAX_BYTES = 8 * 1024 * 1024
# Python's tokenizer ends lines at \r\n, \r and \n only (str.splitlines also splits on form
# feeds and U+2028, which would shift every later line number).
_NEWLINES = re.compile(r"\r\n|\r|\n")
# One regex for inline suppressions, like flake8's NOQA_INLINE_REGEXP: the ids in brackets,
# then the reason, which is mandatory (checked by the caller).
SUPPRESSION = re.compile(r"#\s*hflint:\s*ignore\[(?P<ids>[^\]]*)\](?P<reason>.*)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Problem:
    reason: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True, slots=True)
class Suppression:
    line: int
    column: int
    ids: tuple[str, ...]
    reason: str


@dataclass
class Source:
    text: str = ""
    lines: list[str] = field(default_factory=list)
    tree: ast.Module | None = None
    problem: Problem | None = None
    suppressions: list[Suppression] = field(default_factory=list)
    escapes: list[ipython_module.Escape] = field(default_factory=list)  # IPython escapes (ipython=True only)

    def column(self, line: int, byte_offset: int) -> int:
        """1-based character column from ast's 0-based UTF-8 byte offset."""
        if not 1 <= line <= len(self.lines):
            return byte_offset + 1
        raw = self.lines[line - 1].encode("utf-8", "surrogatepass")[:byte_offset]
        return len(raw.decode("utf-8", "replace")) + 1


def _position(data: bytes, index: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, index) + 1
    return line, index - (data.rfind(b"\n", 0, index) + 1) + 1


def decode(data: bytes) -> tuple[str | None, Problem | None]:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        # detect_encoding also fails when a first line without a cookie is not UTF-8.
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            line, col = _position(data, bad.start)
            return None, Problem(
                f"not valid UTF-8 (byte 0x{data[bad.start]:02x}) and no coding declaration; "
                "Python refuses to import it",
                line,
                col,
            )
        return None, Problem("bad source encoding declaration", exc.lineno or 1)
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as exc:
        line, col = _position(data, exc.start)
        return None, Problem(
            f"not valid {encoding} (byte 0x{data[exc.start]:02x}); Python refuses to import it", line, col
        )
    except LookupError:
        return None, Problem(f"unknown source encoding {encoding!r}", 1)


_SYNTAX_KINDS = {TabError: "tabs and spaces are mixed in indentation", IndentationError: "indentation error"}


def _parse_text(text: str) -> tuple[ast.Module | None, Problem | None]:
    try:
        return ast.parse(text), None
    except SyntaxError as exc:
        # hflint's words: the interpreter's wording changes with every release (3.12 renamed
        # "non-default argument follows default argument"), and the message is the finding's key.
        return None, Problem(_SYNTAX_KINDS.get(type(exc), "syntax error"), exc.lineno, exc.offset)
    except (RecursionError, MemoryError):
        # CPython's parser gives up on very deep nesting (e.g. 10**5 chained operators).
        return None, Problem("nesting is too deep to parse; hflint cannot check this file")
    except ValueError:
        return None, Problem("Python refuses to parse it")


def parse(data: bytes, *, ipython: bool = False) -> Source:
    """``ipython``: the file may be a notebook export; IPython escapes (``!pip ...``,
    ``%magic``) are read as such instead of failing the parse (hflint.customcode.ipython)."""
    text, problem = decode(data)
    if text is None:
        return Source(problem=problem)
    src = Source(text=text, lines=_NEWLINES.split(text))
    if "\x00" in text:
        line, col = _position(data, data.index(b"\x00"))
        src.problem = Problem("contains a null byte; Python refuses to compile it", line, col)
        return src
    src.tree, src.problem = _parse_text(text)
    if ipython and src.problem is not None and src.problem.line is not None:
        plain, escapes = ipython_module.neutralise(text, src.lines)
        if escapes:
            tree, again = _parse_text(plain)
            if tree is not None or (again is not None and again.line != src.problem.line):
                src.tree, src.problem, src.escapes = tree, again, escapes
    if ipython and src.tree is not None:
        src.escapes += ipython_module.from_calls(src.tree)
    src.suppressions = _suppressions(text)
    return src


def _suppressions(text: str) -> list[Suppression]:
    """``# hflint: ignore[...]`` comments, found by the tokenizer so strings never count."""
    if "hflint" not in text.lower():
        return []
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type != tokenize.COMMENT:
                continue
            match = SUPPRESSION.search(tok.string)
            if match is None:
                continue
            ids = tuple(i.strip().upper() for i in match["ids"].split(",") if i.strip())
            column = tok.start[1] + match.start() + 1
            found.append(Suppression(tok.start[0], column, ids, match["reason"].strip()))
    except (tokenize.TokenError, SyntaxError):
        pass  # the parse problem is reported; comments before it were collected
    return found
