"""IPython escapes in notebook exports: ``!pip install x``, ``files = !ls``, ``%matplotlib
inline``, ``%%bash`` cells - and their valid-Python spelling from ``jupyter nbconvert``,
``get_ipython().system("pip install x")``.

A notebook saved as .py keeps these lines. They are not Python (CPython stops at the first
one with a syntax error), but they are not broken either: IPython turns them into shell
commands and magics (IPython ``core/inputtransformer2.py``; the escape characters are listed
in the IPython docs, "Special syntax"). Python files that nothing loads are read with them
turned into ``pass`` at the same line (so line numbers stay), and each escape is kept with
what it runs: HF508 reports package installs, HF507 other shell commands.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from dataclasses import dataclass

# `x = !cmd` / `x = %magic` (IPython's assignment forms); the target is a plain name list.
_ASSIGN = re.compile(r"^\s*[A-Za-z_][\w, ]*=\s*(?=[!%])")
# What changes the scanner's state outside strings, and inside each kind of string.
_CODE = re.compile(r"[#'\"()\[\]{}]")
# Inside a string only a backslash (which escapes the next character, even in a raw string
# as far as where the string ends is concerned) or the quote character matters.
_IN_STRING = {"'": re.compile(r"[\\']"), '"': re.compile(r'[\\"]')}
# A new cell ends a %%cell magic's body: a blank line, or an export's cell marker.
_CELL_END = re.compile(r"^\s*$|^#\s*(?:In\[|%%)")
MAX_ESCAPES = 10_000  # a notebook has dozens; the rest of a hostile file is blanked, not recorded
_METHODS = {
    "system": "shell",
    "getoutput": "shell",
    "run_line_magic": "line",
    "run_cell_magic": "cell",
    "magic": "line",
}


@dataclass(frozen=True, slots=True)
class Escape:
    line: int
    column: int  # 0-based UTF-8 byte offset of the escape on its line, as ast gives it
    kind: str  # "shell" (!cmd), "line" (%magic args) or "cell" (%%magic args + body)
    name: str  # the magic's name; "" for a shell escape
    text: str  # the command or the magic's arguments
    body: str = ""  # a %%cell magic's body (its lines joined with "; ")

    @property
    def shown(self) -> str:
        prefix = {"shell": "!", "line": "%", "cell": "%%"}[self.kind]
        text = f"{prefix}{self.name} {self.text}".replace(f"{prefix} ", prefix).strip()
        return text if len(text) <= 80 else text[:77] + "..."

    @property
    def command(self) -> str:
        """What runs in a shell, for a shell escape or a %system/%sx-style magic."""
        if self.kind == "shell":
            return self.text
        return self.body if self.kind == "cell" and self.body else f"{self.name} {self.text}".strip()


def _parse_escape(line_no: int, raw: str) -> Escape:
    match = _ASSIGN.match(raw)
    start = match.end() if match else len(raw) - len(raw.lstrip())
    body = raw[start:]
    offset = len(raw[:start].encode("utf-8"))  # ast's convention: a UTF-8 byte offset
    if body.startswith("%%"):
        name, _, args = body[2:].partition(" ")
        return Escape(line_no, offset, "cell", name.strip(), args.strip())
    if body.startswith("%"):
        name, _, args = body[1:].partition(" ")
        return Escape(line_no, offset, "line", name.strip(), args.strip())
    return Escape(line_no, offset, "shell", "", body.lstrip("!").strip())


class _Scanner:
    """Tracks brackets and strings across lines, so that only a line that starts a
    statement can be an escape (a ``%`` continuing an expression, or text inside a
    triple-quoted string, never is)."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> None:
        i, n = 0, len(line)
        while i < n:
            if self.quote is not None:
                # Jump to the next backslash or closing quote character.
                match = _IN_STRING[self.quote[0]].search(line, i)
                if match is None:
                    break
                i = match.start()
                if line[i] == "\\":
                    i += 2
                elif line.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = None
                else:
                    i += 1
                continue
            match = _CODE.search(line, i)
            if match is None:
                break
            i, c = match.start(), match.group()
            if c == "#":
                break
            if c in "'\"":
                self.quote = line[i : i + 3] if line.startswith(c * 3, i) else c
                i += len(self.quote)
                continue
            self.depth = self.depth + 1 if c in "([{" else max(0, self.depth - 1)
            i += 1
        if self.quote in ("'", '"'):
            self.quote = None  # an unterminated one-line string; the parser reports it
        self.continued = line.rstrip().endswith("\\") and self.quote is None


def neutralise(text: str, lines: list[str]) -> tuple[str, list[Escape]]:
    """``text`` with every escape line (and %%cell body) blanked to ``pass``, and the escapes."""
    out: list[str] = []
    escapes: list[Escape] = []
    scanner = _Scanner()
    cell: list[str] | None = None  # the body of the %%cell magic being read
    for number, line in enumerate(lines, start=1):
        if cell is not None:
            if not _CELL_END.match(line) and len(cell) < 1000:
                cell.append(line.strip())
                out.append("")
                continue
            escapes[-1] = dataclasses.replace(escapes[-1], body="; ".join(cell))
            cell = None
        stripped = line.lstrip()
        if scanner.at_statement_start and (stripped[:1] in ("!", "%") or ("=" in line and _ASSIGN.match(line))):
            if len(escapes) < MAX_ESCAPES:
                escapes.append(_parse_escape(number, line))
                cell = [] if escapes[-1].kind == "cell" else None
            out.append(line[: len(line) - len(stripped)] + "pass")
            continue
        scanner.feed(line)
        out.append(line)
    if cell:
        escapes[-1] = dataclasses.replace(escapes[-1], body="; ".join(cell))
    return "\n".join(out), escapes


def _string(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def from_calls(tree: ast.AST) -> list[Escape]:
    """nbconvert's spelling: ``get_ipython().system("...")`` and friends."""
    found: list[Escape] = []
    for node in ast.walk(tree):
        if len(found) >= MAX_ESCAPES:
            break
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        if not (isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "get_ipython"):
            continue
        kind = _METHODS.get(node.func.attr)
        args = [_string(a) for a in node.args]
        if kind is None or not args or args[0] is None:
            continue
        first = args[0]
        if kind == "shell":
            found.append(Escape(node.lineno, node.col_offset, "shell", "", first))
        elif node.func.attr == "magic":  # old API: one string "name args"
            name, _, line = first.partition(" ")
            found.append(Escape(node.lineno, node.col_offset, "line", name, line))
        else:  # run_line_magic(name, line) / run_cell_magic(name, line, cell)
            line = (args[1] if len(args) > 1 else None) or ""
            cell = (args[2] if len(args) > 2 else None) or ""
            body = "; ".join(b.strip() for b in cell.splitlines() if b.strip())
            found.append(Escape(node.lineno, node.col_offset, kind, first, line, body))
    return found


_SEGMENTS = re.compile(r"&&|\|\||[;|]")
# `python -m pip install x`, `{sys.executable} -m pip install x`, `sudo apt-get install x`
_LAUNCHER = re.compile(r"^(?:sudo\s+|[A-Z_]+=\S*\s+)*(?:(?:\S*python[\d.]*|\{sys\.executable\}|\$\S+)\s+-m\s+)?")


def _installs(segment: str, installers: tuple[str, ...]) -> list[str] | None:
    """The packages a shell segment installs, or None when it is not an install."""
    words = _LAUNCHER.sub("", segment.strip()).split()
    for installer in installers:
        prefix = installer.split()
        if [w.lower() for w in words[: len(prefix)]] == prefix:
            return [w for w in words[len(prefix) :] if not w.startswith("-")]
    return None


def classify(
    escape: Escape, installers: tuple[str, ...], shell_magics: tuple[str, ...], code_magics: tuple[str, ...]
) -> tuple[str, str] | None:
    """("install", packages) / ("shell", command) / ("code", magic), or None for a harmless
    magic such as %matplotlib or %time."""
    runs_in_shell = escape.kind == "shell" or escape.name in shell_magics
    if runs_in_shell or escape.name in ("pip", "conda", "mamba", "uv"):
        segments = [s for s in _SEGMENTS.split(escape.command) if s.strip()]
        found = [_installs(s, installers) for s in segments]
        if segments and all(f is not None for f in found):
            return "install", " ".join(p for f in found if f for p in f) or "packages"
        return ("shell", escape.command) if runs_in_shell else None
    if escape.name in code_magics:
        return "code", f"%{escape.name} {escape.text}".strip()
    return None
