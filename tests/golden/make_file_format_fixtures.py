"""Write the golden cases of HF600 (unknown file format) and HF635 (model format hflint has
no reader for); standard library only. The files are headers of the formats they stand
for (an ELF header, an ExecuTorch identifier...), enough for content identification,
which reads a file's first bytes.

    python tests/golden/make_file_format_fixtures.py
"""

from __future__ import annotations

import random
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from goldencase import case  # noqa: E402


def main() -> int:
    rng = random.Random(0)
    elf = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + struct.pack("<HHI", 3, 0x3E, 1) + bytes(232)
    (case("HF600", "fail", "shared-library") / "helper.so").write_bytes(elf)
    (case("HF600", "fail", "random-bytes-named-bin") / "weights.bin").write_bytes(
        b"\x00\x01" + bytes(rng.randrange(256) for _ in range(510)))

    # weights names whose loaders read a header first, uploaded empty (a failed upload)
    empty = case("HF600", "fail", "empty-weights-names")
    (empty / "model.ckpt").write_bytes(b"")
    (empty / "weights.npz").write_bytes(b"")

    plain = case("HF600", "pass", "hub-data-files")
    (plain / ".gitattributes").write_text("*.bin filter=lfs diff=lfs merge=lfs -text\n", encoding="utf-8")
    (plain / "vocab.txt").write_text("[PAD]\n[UNK]\nthe\n", encoding="utf-8")
    (plain / "empty.bin").write_bytes(b"")
    (plain / "sample.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(24))
    (plain / "sample.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(24))
    (plain / "train.parquet").write_bytes(b"PAR1" + bytes(28) + b"PAR1")
    # SentencePiece ModelProto: pieces { piece: "<unk>" score: 0 type: UNKNOWN }
    piece = b"\x0a\x05<unk>\x15\x00\x00\x00\x00\x18\x02"
    (plain / "tokenizer.model").write_bytes(b"\x0a" + bytes([len(piece)]) + piece)
    # flax.serialization.to_bytes: a msgpack map {"params": {...}}
    (plain / "flax_model.msgpack").write_bytes(b"\x81\xa6params\x80")
    variables = plain / "saved_model" / "variables"
    variables.mkdir(parents=True)
    (variables.parent / "saved_model.pb").write_bytes(b"\x08\x01")
    (variables / "variables.index").write_bytes(b"\x00\x00\x01\x02" + bytes(44))
    (variables / "variables.data-00000-of-00001").write_bytes(bytes(64))
    # TensorBoard's first record, as tensorboard 2.20's EventFileWriter writes it (a TFRecord
    # holding Event{wall_time, file_version: "brain.Event:2", source_metadata})
    runs = plain / "runs" / "Dec01_12-00-00_host"
    runs.mkdir(parents=True)
    (runs / "events.out.tfevents.1796564001.host.1.0").write_bytes(bytes.fromhex(
        "4800000000000000fe92489d09df52410859c5da411a0d627261696e2e4576656e743a32522e0a2c74656e736f72626f617264"
        "2e73756d6d6172792e7772697465722e6576656e745f66696c655f777269746572ca96385d"))
    (plain / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + bytes(2040))  # Finder's header
    # a Core ML package's MIL blob storage: header {count, version 2}, then blobs behind the
    # 0xDEADBEEF sentinel (coremltools/mil/backend/mil/blob format); its model.mlmodel is HF635's
    weights = plain / "model.mlpackage" / "Data" / "com.apple.CoreML" / "weights"
    weights.mkdir(parents=True)
    blob = struct.pack("<II", 1, 2) + bytes(56) + struct.pack("<I", 0xDEADBEEF) + bytes(60)
    (weights / "weight.bin").write_bytes(blob)
    (weights.parent / "model.mlmodel").write_bytes(b"\x08\x08\x12\x00" + bytes(28))  # HF635's, not HF600's
    # CTranslate2's model.bin (faster-whisper): version 6, the spec name, revision, variables
    # (ctranslate2/specs/model_spec.py ModelSpec._serialize)
    name = b"WhisperSpec"
    ct2 = struct.pack("<IH", 6, len(name) + 1) + name + b"\x00" + struct.pack("<II", 3, 0) + struct.pack("<I", 0)
    (plain / "ctranslate2").mkdir()
    (plain / "ctranslate2" / "model.bin").write_bytes(ct2)
    # fastText's signModel (magic 793712314, version 12) and KenLM's binary header
    (plain / "lid.176.bin").write_bytes(struct.pack("<ii", 793712314, 12) + bytes(56))
    (plain / "language_model").mkdir()
    (plain / "language_model" / "5gram.bin").write_bytes(
        b"mmap lm http://kheafield.com/code format version 5\n\x00\x00\x00\x00" + bytes(64))
    (plain / "openvino_model.xml").write_text('<?xml version="1.0"?>\n<net name="m" version="11"/>\n', encoding="utf-8")
    (plain / "openvino_model.bin").write_bytes(bytes(64))
    # an ONNX model and the external data it names (the HF601 case's files, shared)
    (plain / "golden-base.txt").write_text("golden/HF601/pass/onnx-external-data/model.onnx\n"
                                           "golden/HF601/pass/onnx-external-data/model.onnx.data\n", encoding="utf-8")

    (case("HF635", "fail", "executorch") / "model.pte").write_bytes(b"\x1c\x00\x00\x00ET12" + bytes(56))
    (case("HF635", "fail", "legacy-ggjt") / "ggml-model-q4_0.bin").write_bytes(
        b"tjgg" + struct.pack("<I", 3) + bytes(56))
    (case("HF635", "fail", "coreml") / "model.mlmodel").write_bytes(b"\x08\x04\x12\x00" + bytes(28))
    # a compiled Core ML model (WhisperKit's layout): one finding, on the folder's root
    # coremldata.bin; its MIL program, weights and analytics are parts of it (not HF600's)
    compiled = case("HF635", "fail", "coreml-compiled") / "AudioEncoder.mlmodelc"
    (compiled / "weights").mkdir(parents=True)
    (compiled / "analytics").mkdir()
    (compiled / "coremldata.bin").write_bytes(b"\x08\x01\x1a\x0c" + bytes(60))
    (compiled / "analytics" / "coremldata.bin").write_bytes(b"\x08\x01" + bytes(30))
    (compiled / "model.mil").write_text("program(1.0)\n{\n}\n", encoding="utf-8")
    (compiled / "metadata.json").write_text('[{"shortDescription": ""}]\n', encoding="utf-8")
    (compiled / "weights" / "weight.bin").write_bytes(
        struct.pack("<II", 1, 2) + bytes(56) + struct.pack("<I", 0xDEADBEEF) + bytes(60))
    (case("HF635", "pass", "gguf-replaces-ggml") / "ggml-model-q4_0.bin").write_bytes(
        (HERE.parent / "fixtures" / "gguf" / "good.gguf").read_bytes())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
