"""Write the golden fixtures of content identification (HF403/HF405); commit the output with it.

    KERAS_BACKEND=torch python tests/golden/make_format_fixtures.py

The .keras model is written by the real ``keras`` package (3.x; any backend: numpy needs
jax for its fft module, so torch is the light one here) and is only rewritten when keras
is importable; everything else needs numpy and safetensors (the test extra). The
safetensors files are written by ``safetensors.numpy.save_file`` and then padded to a
header length whose first bytes are another format's magic (384 = 80 01 00 00..., pickle
PROTO 1; 376 = 78 01 00 00..., a zlib header), which the reference parser accepts.
"""

from __future__ import annotations

import io
import struct
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "fixtures" / "pickles"


def padded_safetensors(length: int) -> bytes:
    """A file written by safetensors.numpy.save_file, its header padded with spaces (the
    format's padding) to exactly ``length`` bytes."""
    import numpy as np
    from safetensors.numpy import load, save

    data = save({"w": np.arange(4, dtype=np.float32)}, metadata={"format": "np"})
    (n,) = struct.unpack("<Q", data[:8])
    if length < n:
        raise ValueError(f"header length {length} is below the {n} bytes the header needs")
    header = data[8 : 8 + n].rstrip(b" ") + b" " * (length - len(data[8 : 8 + n].rstrip(b" ")))
    out = struct.pack("<Q", length) + header + data[8 + n :]
    load(out)  # the reference parser accepts it
    return out


def keras_model() -> bytes | None:
    try:
        import keras  # type: ignore[import-not-found]
    except ImportError:
        return None
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="hidden"),
                              keras.layers.Dense(2, name="out")])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        model.save(path)
        keras.saving.load_model(path)  # and keras reads it back
        return path.read_bytes()


def nemo_archive() -> bytes:
    """A .nemo as NeMo's SaveRestoreConnector writes it: a tar of model_config.yaml and
    model_weights.ckpt (a torch.save zip; the benign corpus one, written by torch)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name, data in (("./model_config.yaml", b"target: nemo.collections.asr.models.EncDecCTCModel\n"),
                           ("./model_weights.ckpt", (CORPUS / "benign/pytorch_model.bin").read_bytes())):
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def write(rel: str, data: bytes) -> None:
    path = HERE / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main() -> int:
    torch_zip = (CORPUS / "benign/pytorch_model.bin").read_bytes()
    payload = (CORPUS / "malicious/os_system_p2.pkl").read_bytes()
    for rule in ("HF403", "HF405"):
        write(f"{rule}/pass/safetensors-header-384/model.safetensors", padded_safetensors(384))
        write(f"{rule}/pass/safetensors-header-376/model.safetensors", padded_safetensors(376))
    write("HF405/fail/torch-zip-named-keras/model.keras", torch_zip)
    write("HF405/fail/pickle-named-safetensors/model.safetensors", payload)
    write("HF405/pass/nemo-tar/model.nemo", nemo_archive())
    model = keras_model()
    if model is not None:
        write("HF405/pass/keras-v3/model.keras", model)
    else:
        print("keras is not installed: HF405/pass/keras-v3/model.keras left as it is", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
