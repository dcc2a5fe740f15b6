"""The real loaders, run on one repository variant at a time (the oracle's judge).

Run as a worker process: ``python loaders.py`` reads one JSON request a line on stdin,
``{"path": DIR, "jobs": [JOB, ...]}``, and answers one JSON line ``{job id: verdict}``,
where a verdict is ``"ok"``, ``"skip: why"`` or ``"<ExceptionType>: <message>"``. The worker
imports the libraries once, then forks a child per request, so each variant is loaded in a
fresh process state (no cached config classes, no half-initialised modules) without paying
for the imports again; a child that hangs is killed after ``--timeout`` seconds.

A job is ``{"loader": NAME, "folder": REL, ...}``; the loaders, and what they run:

* ``safetensors``: ``safe_open`` every ``.safetensors`` file of the variant and read every
  tensor (framework numpy, so it needs no torch);
* ``tokenizers``: ``tokenizers.Tokenizer.from_file`` on ``tokenizer.json``, and an encode;
* ``auto-config``: ``AutoConfig.from_pretrained(folder)``;
* ``auto-tokenizer``: ``AutoTokenizer.from_pretrained(folder)``, an encode with
  ``truncation=True`` (as pipelines and sentence-transformers call it), and
  ``apply_chat_template`` when the tokenizer has a chat template;
* ``auto-model`` (torch): the config's ``architectures[0]`` class (else ``AutoModel``)
  ``.from_pretrained(folder)`` on CPU and a forward pass on what the folder's tokenizer
  makes of "hello world" (fixed ids when it has none); ``generate`` (2 new tokens) when the
  folder has a generation config, since generation is what reads it;
* ``diffusers`` (torch): ``DiffusionPipeline.from_pretrained`` and one inference step;
* ``peft`` (torch): ``PeftModel.from_pretrained(base, folder)`` over ``base`` and a forward pass;
* ``sentence-transformers`` (torch): ``SentenceTransformer(folder).encode``;
* ``trainer`` (torch): what ``Trainer`` reads to resume, where present (a published
  checkpoint may leave the optimizer out): ``TrainerState.load_from_json`` and
  ``torch.load(weights_only=True)`` of the optimizer, scheduler and RNG states.

Everything runs offline (``HF_HUB_OFFLINE=1``) on one CPU thread.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import signal
import sys
import traceback
import warnings
from pathlib import Path
from typing import Any

CHECKOUT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
# Bumped whenever what a loader job runs changes, so stored verdicts are not reused.
LOADER_VERSION = 2
TORCH_LOADERS = frozenset({"auto-model", "diffusers", "peft", "sentence-transformers", "trainer"})
LIGHT_LOADERS = frozenset({"safetensors", "tokenizers", "auto-config", "auto-tokenizer"})
LOADERS = TORCH_LOADERS | LIGHT_LOADERS
_MESSAGE_MAX = 300

# Set by the worker (main) before the libraries are imported: offline, one thread, quiet.
WORKER_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "OMP_NUM_THREADS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "DIFFUSERS_VERBOSITY": "error",
}


def describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    # strict dataclass errors put the cause on the next lines; keep it
    cause = exc.__cause__
    if cause is not None and str(cause) and str(cause) not in text:
        text += " <- " + " ".join(str(cause).split())
    if len(text) > _MESSAGE_MAX:
        text = text[: _MESSAGE_MAX - 3] + "..."
    return f"{type(exc).__name__}: {text}"


# -- the loaders ---------------------------------------------------------------------------


def _safetensors(root: Path, job: dict[str, Any]) -> None:
    from safetensors import safe_open

    files = sorted(p for p in root.rglob("*.safetensors") if p.is_file())
    if not files:
        raise SkipJob("no .safetensors file")
    for path in files:
        with safe_open(str(path), framework="numpy") as f:
            for key in f.keys():  # noqa: SIM118 - safe_open has no __iter__
                f.get_tensor(key)


def _tokenizers(root: Path, job: dict[str, Any]) -> None:
    from tokenizers import Tokenizer

    path = root / job["folder"] / "tokenizer.json"
    if not path.is_file():
        raise SkipJob("no tokenizer.json (a file-level reader judges the files that exist)")
    Tokenizer.from_file(str(path)).encode("hello world")


def _auto_config(root: Path, job: dict[str, Any]) -> None:
    from transformers import AutoConfig

    AutoConfig.from_pretrained(str(root / job["folder"]))


def _auto_tokenizer(root: Path, job: dict[str, Any]) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(root / job["folder"]))
    tok("hello world", truncation=True)  # as pipelines and sentence-transformers call it
    if getattr(tok, "chat_template", None):
        tok.apply_chat_template([{"role": "user", "content": "hi"}], tokenize=False, add_generation_prompt=True)


def _token_ids(model: Any) -> Any:
    import torch

    rows = model.get_input_embeddings().num_embeddings
    return (torch.arange(1, 5) % rows).unsqueeze(0)


def _auto_model(root: Path, job: dict[str, Any]) -> None:
    import torch
    import transformers

    folder = root / job["folder"]
    config = transformers.AutoConfig.from_pretrained(str(folder))
    arch = (getattr(config, "architectures", None) or [None])[0]
    cls = getattr(transformers, arch, None) if isinstance(arch, str) else None
    model = (cls or transformers.AutoModel).from_pretrained(str(folder), device_map="cpu")
    model.eval()
    if model.main_input_name != "input_ids":
        raise SkipJob(f"no forward pass for input {model.main_input_name}")
    if job.get("tokenizer"):
        # What a user runs: the repository's tokenizer feeds the model, so a special token
        # the tokenizer adds beyond the embedding fails here as it would for them.
        tok = transformers.AutoTokenizer.from_pretrained(str(folder))
        ids = tok("hello world", truncation=True, return_tensors="pt")["input_ids"]
    else:
        ids = _token_ids(model)
    with torch.no_grad():
        kwargs = {"decoder_input_ids": ids} if config.is_encoder_decoder else {}
        model(input_ids=ids, **kwargs)
        if job.get("generate") and model.can_generate():
            model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=2)


def _diffusers(root: Path, job: dict[str, Any]) -> None:
    import torch
    from diffusers import DiffusionPipeline

    pipe = DiffusionPipeline.from_pretrained(str(root / job["folder"]))
    params = inspect.signature(pipe.__call__).parameters
    kwargs: dict[str, Any] = {"num_inference_steps": 1, "output_type": "np"}
    if "prompt" in params:
        kwargs["prompt"] = "a photo of a cat"
    if "generator" in params:
        kwargs["generator"] = torch.Generator().manual_seed(0)
    with torch.no_grad():
        pipe(**{k: v for k, v in kwargs.items() if k in params})


def _peft(root: Path, job: dict[str, Any]) -> None:
    import torch
    import transformers
    from peft import PeftModel

    base_dir = str(CHECKOUT / job["base"])  # stored relative to the checkout
    config = transformers.AutoConfig.from_pretrained(base_dir)
    cls = getattr(transformers, config.architectures[0])
    model = PeftModel.from_pretrained(cls.from_pretrained(base_dir), str(root / job["folder"]))
    model.eval()
    with torch.no_grad():
        model(input_ids=_token_ids(model))


def _sentence_transformers(root: Path, job: dict[str, Any]) -> None:
    from sentence_transformers import SentenceTransformer

    SentenceTransformer(str(root / job["folder"]), device="cpu").encode(["hello world"])


def _trainer(root: Path, job: dict[str, Any]) -> None:
    import torch
    from transformers import TrainerState
    from transformers.trainer_pt_utils import safe_globals

    folder = root / job["folder"]
    # A published checkpoint may leave out the optimizer (it is not needed to use the
    # model); what Trainer reads is judged when it is there.
    if not (folder / "trainer_state.json").is_file():
        raise SkipJob("no trainer_state.json")
    TrainerState.load_from_json(str(folder / "trainer_state.json"))
    for name in ("optimizer.pt", "scheduler.pt", "rng_state.pth"):
        if (folder / name).is_file():
            with safe_globals():  # what Trainer._load_rng_state allows (numpy RNG state)
                torch.load(folder / name, map_location="cpu", weights_only=True)


class SkipJob(Exception):
    """The loader does not apply to this variant (it is not a failure)."""


RUN = {
    "safetensors": _safetensors,
    "tokenizers": _tokenizers,
    "auto-config": _auto_config,
    "auto-tokenizer": _auto_tokenizer,
    "auto-model": _auto_model,
    "diffusers": _diffusers,
    "peft": _peft,
    "sentence-transformers": _sentence_transformers,
    "trainer": _trainer,
}


def job_id(job: dict[str, Any]) -> str:
    folder = job.get("folder", "")
    return f"{job['loader']}:{folder}" if folder else job["loader"]


def run_jobs(root: Path, jobs: list[dict[str, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for job in jobs:
        try:
            RUN[job["loader"]](root, job)
        except SkipJob as exc:
            out[job_id(job)] = f"skip: {exc}"
        except BaseException as exc:  # the verdict is the exception, whatever it is
            # The variant's temporary folder would make every stored verdict differ.
            out[job_id(job)] = describe(exc).replace(str(root), "<repo>")
            if os.environ.get("ORACLE_TRACEBACKS"):
                traceback.print_exc(file=sys.stderr)
        else:
            out[job_id(job)] = "ok"
    return out


# -- the worker ----------------------------------------------------------------------------


def _preload(loaders: set[str]) -> None:
    """Import what the jobs need once, before forking."""
    warnings.simplefilter("ignore")
    import safetensors  # noqa: F401

    if loaders & {"tokenizers", "auto-config", "auto-tokenizer"} | TORCH_LOADERS:
        import tokenizers  # noqa: F401
        import transformers

        transformers.logging.set_verbosity_error()
        _warm_up()
    if loaders & TORCH_LOADERS:
        import torch

        torch.set_num_threads(1)
        import transformers as tf

        for name in ("AutoModel", "TrainerState", "PreTrainedModel"):
            getattr(tf, name)
    if "diffusers" in loaders:
        import diffusers

        diffusers.utils.logging.set_verbosity_error()
        diffusers.DiffusionPipeline  # noqa: B018 - resolve the lazy import before forking
    if "peft" in loaders:
        import peft  # noqa: F401
    if "sentence-transformers" in loaders:
        import sentence_transformers  # noqa: F401


def _warm_up() -> None:
    """Load a tiny config and tokenizer once before forking: transformers imports its config
    and tokenizer machinery lazily on first use (about 1.5 s), which every child would
    otherwise pay again."""
    import tempfile

    from tokenizers import Tokenizer, models
    from transformers import AutoConfig, AutoTokenizer

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "config.json").write_text('{"model_type": "bert", "hidden_size": 8, "num_attention_heads": 2}')
        Tokenizer(models.WordLevel({"[UNK]": 0, "hi": 1}, unk_token="[UNK]")).save(str(Path(tmp) / "tokenizer.json"))
        (Path(tmp) / "tokenizer_config.json").write_text(
            '{"tokenizer_class": "PreTrainedTokenizerFast", "chat_template": "{{ messages[0].content }}"}')
        AutoConfig.from_pretrained(tmp)
        tok = AutoTokenizer.from_pretrained(tmp)
        tok("hi", truncation=True)
        tok.apply_chat_template([{"role": "user", "content": "hi"}], tokenize=False)


def _in_child(root: Path, jobs: list[dict[str, Any]], timeout: float) -> dict[str, str]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        code = 0
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            if not os.environ.get("ORACLE_TRACEBACKS"):
                os.dup2(devnull, 2)
            result = run_jobs(root, jobs)
            os.write(write, json.dumps(result).encode())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    chunks: list[bytes] = []

    def on_alarm(signum: int, frame: object) -> None:
        raise TimeoutError

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(max(1, int(timeout)))
    try:
        while chunk := os.read(read, 1 << 16):
            chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
    except TimeoutError:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return {job_id(j): f"Timeout: no answer within {timeout:.0f} s" for j in jobs}
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        os.close(read)
    if not chunks:
        why = f"signal {-status}" if status < 0 or os.WIFSIGNALED(status) else f"exit {status}"
        return {job_id(j): f"Crash: the loading process died ({why})" for j in jobs}
    result: dict[str, str] = json.loads(b"".join(chunks))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--loaders", default=",".join(sorted(LOADERS)), help="comma-separated loaders to preload")
    args = parser.parse_args()
    for key, value in WORKER_ENV.items():
        os.environ.setdefault(key, value)
    # Answers go to the original stdout; anything a library prints goes to stderr.
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    _preload(set(args.loaders.split(",")))
    print(json.dumps({"ready": True}), file=answers, flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        result = _in_child(Path(request["path"]), request["jobs"], args.timeout)
        print(json.dumps(result), file=answers, flush=True)


if __name__ == "__main__":
    main()
