"""Discovery of loaded code (transformers dynamic_module_utils rules) and HF504/HF505 details."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import MakeRepo
from hflint import _paths
from hflint.config import Config
from hflint.customcode import discovery, policy
from hflint.engine import scan
from hflint.repo import Repo

LOADING = policy.load_loading(_paths.data_file(policy.DEFAULT_LOADING, Path()))


@pytest.mark.parametrize(
    ("value", "module", "repo_id", "problem"),
    [
        ("modeling_x.XModel", "sub/modeling_x.py", None, None),
        ("org/repo--modeling_x.XModel", "modeling_x.py", "org/repo", None),
        ("repo--modeling_x.XModel", "modeling_x.py", "repo", None),
        ("modeling_x.sub.XModel", None, None, "exactly one dot"),
        ("XModel", None, None, "exactly one dot"),
        ("a--b--modeling_x.XModel", None, None, "more than one '--'"),
        ("org/re po--m.C", None, "org/re po", "not a repo id"),
        (42, None, None, "not a"),
    ],
)
def test_parse_ref_follows_get_class_from_dynamic_module(
    value: object, module: str | None, repo_id: str | None, problem: str | None
) -> None:
    ref = discovery.parse_ref("sub/config.json", "/auto_map/AutoModel", value)
    assert (ref.module, ref.repo_id) == (module, repo_id)
    assert (problem is None and ref.problem is None) or (problem is not None and problem in (ref.problem or ""))


def test_relative_imports_use_transformers_regexes() -> None:
    text = "from .a import x\nimport .b\n  from .c.d import e\nfrom . import f\nfrom g import h\nfrom .a import y\n"
    assert discovery.relative_imports(text) == ["a", "b", "c.d"]


def test_loaded_files_follow_every_route(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "config.json": json.dumps({"auto_map": {"AutoConfig": "configuration_x.XConfig"}}),
            "tokenizer_config.json": json.dumps({"auto_map": {"AutoTokenizer": [None, "tokenization_x.Tok"]}}),
            "preprocessor_config.json": json.dumps({"auto_map": {"AutoImageProcessor": "image_x.Proc"}}),
            "configuration_x.py": "from .helpers import a\n",
            "helpers.py": "from .deeper import b\nfrom . import not_followed\n",
            "deeper.py": "",
            "not_followed.py": "",
            "tokenization_x.py": "",
            "image_x.py": "",
            "text_encoder/config.json": json.dumps({"auto_map": {"AutoModel": "enc.Enc"}}),
            "text_encoder/enc.py": "",
            "unrelated.py": "",
        }
    )
    how = discovery.loaded_files(Repo(root), LOADING)
    assert how == {
        "configuration_x.py": "loaded via auto_map AutoConfig in config.json",
        "helpers.py": "imported by configuration_x.py",
        "deeper.py": "imported by helpers.py",
        # transformers does not follow `from . import x`; hflint counts it, to stay on the safe side
        "not_followed.py": "named by helpers.py (an import or file name hflint follows to stay on the safe side)",
        "tokenization_x.py": "loaded via auto_map AutoTokenizer/1 in tokenizer_config.json",
        "image_x.py": "loaded via auto_map AutoImageProcessor in preprocessor_config.json",
        "text_encoder/enc.py": "loaded via auto_map AutoModel in text_encoder/config.json",
    }


def _findings(root: Path, rule: str) -> dict[str, str]:
    result = scan(root, Config(select=(rule,), fail_on=None))
    return {f.pointer or f.path: f.message for f in result.findings}


def test_hf504_names_the_other_repository_and_the_pin(make_repo: MakeRepo) -> None:
    root = make_repo({"config.json": json.dumps({"auto_map": {"AutoModel": "org/base--modeling_x.XModel"}})})
    (message,) = _findings(root, "HF504").values()
    assert "loads modeling_x.py from the repository org/base" in message and "code_revision" in message


def test_hf505_details_cite_the_advisories(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "config.json": json.dumps(
                {"_attn_implementation_internal": "a/b", "vision_config": {"trust_remote_code": False}}
            ),
            "adapter_config.json": json.dumps({"auto_mapping": {"parent_library": "transformersx"}}),
        }
    )
    found = _findings(root, "HF505")
    assert "CVE-2026-4372" in found["/_attn_implementation_internal"]
    assert "CVE-2026-5241" in found["/vision_config/trust_remote_code"]
    assert "'transformersx'" in found["/auto_mapping/parent_library"]  # a prefix is not a dotted child


def test_broken_json_is_left_to_hf201_and_fails_closed(make_repo: MakeRepo) -> None:
    root = make_repo({"config.json": "{not json", "modeling_x.py": "", "sub/helper.py": ""})
    result = scan(root, Config(select=("HF5", "HF001"), fail_on=None))
    # HF001: json-parse rule not selected. The auto_map cannot be read, so hflint cannot tell
    # that modeling_x.py is not loaded: it stays trust_remote_code code (HF501), never HF506.
    assert {f.rule_id for f in result.findings} == {"HF501", "HF001"}
    how = discovery.loaded_files(Repo(root), LOADING)
    assert how["sub/helper.py"] == "treated as loaded: config.json cannot be read, so what it loads is unknown"


def test_what_an_unparsable_module_imports_counts_as_loaded(make_repo: MakeRepo) -> None:
    # Syntax this Python cannot parse (a newer interpreter's, or a broken file): its imports
    # are unknown, so the files beside it are treated as loaded rather than as scripts.
    root = make_repo(
        {
            "config.json": json.dumps({"auto_map": {"AutoModel": "modeling_x.XModel"}}),
            "modeling_x.py": "from .kernels import k\ndef f[T(x): pass\n",
            "kernels.py": "import os\nos.system('id')\n",
            "other/train.py": "",
        }
    )
    how = discovery.loaded_files(Repo(root), LOADING)
    assert how["kernels.py"] == "treated as loaded: modeling_x.py cannot be parsed, so what it imports is unknown"
    assert "other/train.py" in how
    result = scan(root, Config(select=("HF503", "HF507"), fail_on=None))
    assert {(f.rule_id, f.path) for f in result.findings if f.path == "kernels.py"} == {("HF503", "kernels.py")}


def test_other_loaders_and_what_loaded_files_name(make_repo: MakeRepo) -> None:
    """diffusers custom components, Inference Endpoints' handler.py (run with the repository on
    sys.path), and files a loaded file names in any import or as a path count as loaded."""
    root = make_repo(
        {
            "model_index.json": json.dumps({"_class_name": ["my_pipe", "P"], "unet": ["my_unet", "U"], "vae": [None]}),
            "my_pipe.py": "",
            "unet/my_unet.py": "import importlib\nm = importlib.import_module('.kernels', __package__)\n",
            "unet/kernels.py": "",
            "handler.py": "from model import Generator\nimport runpy\nrunpy.run_path('tools/setup_env.py')\n",
            "model.py": "",
            "tools/setup_env.py": "",
            "Training.py": "from model import Generator\n",  # imports a loaded file; nothing imports it
        }
    )
    how = discovery.loaded_files(Repo(root), LOADING)
    loaded = {"my_pipe.py", "unet/my_unet.py", "unet/kernels.py", "handler.py", "model.py", "tools/setup_env.py"}
    assert set(how) == loaded
    assert how["unet/my_unet.py"] == "loaded via model_index.json /unet (diffusers custom component, trust_remote_code)"
    assert how["handler.py"] == "loaded via Inference Endpoints custom handler"
    assert how["model.py"].startswith("named by handler.py")
