"""HF503 beyond the goldens: alias resolution, import-time scope, inline suppressions,
bounds, and proof that scanned code is never imported or run."""

from __future__ import annotations

import pytest

from conftest import MakeRepo
from hflint.config import Config
from hflint.engine import scan
from hflint.finding import Finding
from hflint.reporters import text

# HF503 reads the code loaders import: modeling_x.py is loaded through this auto_map.
CONFIG = '{"auto_map": {"AutoModel": "modeling_x.XModel"}}'


def hf503(make_repo: MakeRepo, source: str | bytes, **extra: str | bytes) -> list[Finding]:
    root = make_repo({"modeling_x.py": source, "config.json": CONFIG, **extra})
    result = scan(root, Config(select=("HF503", "HF001"), fail_on=None))
    return list(result.findings)


ALIASES = [
    ("import subprocess as sp\nsp.run(['id'])\n", "subprocess.run()"),
    ("from os import system as s\ns('id')\n", "os.system()"),
    ("import os.path\nos.system('id')\n", "os.system()"),
    ("e = exec\ne('1')\n", "builtins.exec()"),
    ("exec = exec\nexec('1')\n", "builtins.exec()"),
    ("import os\nx = os\ny = x.system\ny('id')\n", "os.system()"),
    ("import builtins\nbuiltins.eval('1')\n", "builtins.eval()"),
    ("__builtins__.exec('1')\n", "builtins.exec()"),
    ("__builtins__['exec']('1')\n", "builtins.exec()"),
    ("globals()['eval']('1')\n", "builtins.eval()"),
    ("import os\nvars(os)['system']('id')\n", "os.system()"),
    ("__import__('os').system('id')\n", "os.system()"),
    ("import importlib\nimportlib.import_module('subprocess').Popen('sh')\n", "subprocess.Popen()"),
    ("def exec(s):\n    pass\n\nexec('1')\n", "builtins.exec()"),  # a def cannot hide exec
    ("import urllib.request as r\nr.urlopen('http://x.invalid')\n", "urllib.request.urlopen()"),
    ("from torch import load\nload('x.bin')\n", "torch.load()"),
    ("import yaml\nyaml.load(open('a'), Loader=yaml.Loader)\n", "yaml.load()"),
]


@pytest.mark.parametrize(("source", "name"), ALIASES)
def test_aliases_are_resolved(make_repo: MakeRepo, source: str, name: str) -> None:
    details = [f.message for f in hf503(make_repo, source)]
    assert any(name in d for d in details), details


SAFE = [
    "import re\nre.compile('x')\n",
    "import torch\ntorch.compile(None)\n",
    "class M:\n    def eval(self):\n        pass\n\nM().eval()\n",
    "import yaml\nyaml.load(open('a'), Loader=yaml.SafeLoader)\nyaml.safe_load('a: 1')\n",
    "import torch\ntorch.load('x.bin', weights_only=True)\n",
    "import importlib\nimportlib.import_module('torch.nn')\n",
    "open('results.json', 'w')\nopen('/etc/hosts')\n",
    "import os\nos.environ['TOKENIZERS_PARALLELISM'] = 'false'\n",
    "self_attn = None\nconfig = {}\nconfig['x'] = 1\n",
    '"""' + "Long docstring with words,\n" * 100 + '"""\n',
]


@pytest.mark.parametrize("source", SAFE)
def test_lookalikes_are_not_reported(make_repo: MakeRepo, source: str) -> None:
    assert hf503(make_repo, source) == []


def test_import_time_is_said_only_for_module_level_code(make_repo: MakeRepo) -> None:
    source = (
        "import os\n\nos.system('a')\n\n\nclass C:\n    os.system('b')\n\n    def f(self):\n        os.system('c')\n"
    )
    found = {f.region.start_line: f.message for f in hf503(make_repo, source) if f.region}
    assert found[3].endswith("runs on import") and found[7].endswith("runs on import")
    assert not found[10].endswith("runs on import")


def test_columns_count_characters_not_bytes(make_repo: MakeRepo) -> None:
    (f,) = hf503(make_repo, "x = 'é€'; eval('1')\n")
    assert f.region is not None and (f.region.start_line, f.region.start_column) == (1, 11)


def test_inline_suppression_with_reason_marks_the_finding_suppressed(make_repo: MakeRepo) -> None:
    source = "import subprocess\nsubprocess.run(['nvidia-smi'])  # hflint: ignore[HF503] GPU probe, fixed argv\n"
    (f,) = hf503(make_repo, source)
    assert f.suppressed_by == "inline: GPU probe, fixed argv"
    root = make_repo({"modeling_x.py": source, "config.json": CONFIG})
    result = scan(root, Config(select=("HF503",)))
    assert "subprocess.run" not in text.render(result)
    assert "GPU probe" in text.render(result, show_suppressed=True)


def test_inline_suppression_needs_a_reason_and_a_finding(make_repo: MakeRepo) -> None:
    source = "import os\nos.system('id')  # hflint: ignore[HF503]\nx = 1  # hflint: ignore[HF503] stale\n"
    found = sorted(
        (f.region.start_line if f.region else 0, f.suppressed_by, f.message) for f in hf503(make_repo, source)
    )
    assert [(line, sup) for line, sup, _ in found] == [(2, None), (2, None), (3, None)]
    assert "suppression without a reason" in found[1][2] or "suppression without a reason" in found[0][2]
    assert "unused suppression" in found[2][2]


def test_suppression_text_inside_a_string_does_not_count(make_repo: MakeRepo) -> None:
    source = "import os\nos.system('# hflint: ignore[HF503] not a comment')\n"
    (f,) = hf503(make_repo, source)
    assert f.suppressed_by is None and "os.system" in f.message


def test_code_is_never_imported_or_run(make_repo: MakeRepo, tmp_path_factory: pytest.TempPathFactory) -> None:
    marker = tmp_path_factory.mktemp("marker") / "ran"
    source = f"open({str(marker)!r}, 'w').write('ran')\nraise SystemExit(3)\n"
    found = hf503(
        make_repo,
        source,
        **{
            "configuration_x.py": source,
            "config.json": '{"auto_map": {"AutoConfig": "configuration_x.XConfig", "AutoModel": "modeling_x.XModel"}}',
        },
    )
    assert not marker.exists()
    assert {f.path for f in found} == {"modeling_x.py", "configuration_x.py"}


def test_oversized_file_is_hf001_not_a_crash(make_repo: MakeRepo) -> None:
    big = "x = 1\n" * (2 * 1024 * 1024)  # 12 MB, over the 8 MB default
    root = make_repo({"modeling_x.py": big, "config.json": CONFIG})
    (f,) = scan(root, Config(select=("HF503", "HF001"), fail_on=None)).findings
    assert f.rule_id == "HF001" and "limit" in f.message


def test_findings_per_file_are_capped(make_repo: MakeRepo) -> None:
    found = hf503(make_repo, "eval('1')\n" * 500)
    assert len(found) == 201 and any("300 more findings in this file" in f.message for f in found)
