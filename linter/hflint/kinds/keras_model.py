"""Kind ``keras-model``: Keras model configs whose loading runs code or reaches outside the
model (HF630-HF633), and Keras files whose config cannot be read (HF634).

Files: ``*.keras`` or any Keras 3 zip whatever its name (config.json at the root beside
Keras's other parts), ``*.h5``/``*.hdf5`` or any file with the HDF5 signature (legacy Keras:
the ``model_config`` and ``training_config`` attributes; tf.keras loads HDF5 by content), and
``keras_metadata.pb`` (Keras-2 SavedModels); the pack's ``formats: [keras, hdf5]`` brings the
files recognised by content. Each file is read
once per scan (hflint.formats.keras_files) and its configs walked once
(hflint.formats.keras_config); ``params.check`` picks what a rule reports: ``lambda``,
``module``, ``function``, ``path`` or ``unanalysable``. The policy (Keras's own packages,
functions that are never modelling code, layer arguments that are paths) is data:
``rules/data/keras.yaml``.

Content that is not what the name claims defers to the rule that owns it: a broken zip is
HF403's and pickle content behind a Keras name HF405's (one defect, one finding).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from hflint.formats.keras_config import Hit
from hflint.formats.keras_files import Config, Deferred, Limits
from hflint.kinds.base import Consequence, Result, Unanalysable, each_file
from hflint.repo import CannotAnalyse, Repo
from hflint.rule import Rule

CHECKS = ["lambda", "module", "function", "path", "unanalysable"]
PARAMS_SCHEMA = {
    "type": "object",
    "required": ["check"],
    "properties": {
        "check": {"enum": CHECKS},
        "policy": {"type": "string", "minLength": 1},
        "max-findings": {"type": "integer", "minimum": 1},
        "limits": {
            "type": "object",
            "properties": {k: {"type": "integer", "minimum": 1}
                           for k in ("max-config-bytes", "max-read-bytes", "max-values")},
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "pointer"})
DEFAULT_POLICY = "hflint:data/keras.yaml"
METADATA = "keras_metadata.pb"


def validate(rule: Rule) -> list[str]:
    from hflint.formats.keras_config import load_policy

    try:
        load_policy(rule.data_file(rule.params.get("policy", DEFAULT_POLICY)))
    except (OSError, ValueError) as exc:
        return [f"params.policy: {exc}"]
    return []


def reader_for(repo: Repo, path: str) -> str | None:
    """Which Keras reader a file gets ("zip", "hdf5", "metadata"), or None: by content first
    (a Keras zip or an HDF5 file whatever its name: keras.saving and h5py read content), then
    by the name's claim, which the reader checks."""
    from hflint.identify import HDF5, KERAS, formats_of

    lower = path.lower()
    if posixpath.basename(lower) == METADATA:
        return "metadata"
    found = formats_of(repo, path)
    if KERAS in found or (HDF5 not in found and lower.endswith(".keras")):
        return "zip"
    if HDF5 in found or lower.endswith((".h5", ".hdf5")):
        return "hdf5"
    return None


def analysed(repo: Repo, path: str, rule: Rule) -> list[tuple[str, Hit]]:
    """(config origin, hit) for every hit in the file's configs, read and walked once."""
    raw = rule.params.get("limits", {})
    limits = Limits(raw.get("max-config-bytes", Limits().max_config_bytes),
                    raw.get("max-read-bytes", Limits().max_read_bytes))
    max_values: int = raw.get("max-values", 2_000_000)
    policy_file = rule.data_file(rule.params.get("policy", DEFAULT_POLICY))

    def run() -> list[tuple[str, Hit]]:
        from hflint.formats import keras_config

        policy = keras_config.load_policy(policy_file)
        out = []
        for config in _configs(repo, path, limits):
            try:
                hits = keras_config.walk(config.value, policy, max_values=max_values)
            except keras_config.TooLarge as exc:
                raise CannotAnalyse(f"{config.where}: {exc}") from None
            out += [(config.where, hit) for hit in hits]
        return out

    return repo.cached(path, f"hflint.formats.keras/{limits}/{max_values}/{policy_file}", run)


def _configs(repo: Repo, path: str, limits: Limits) -> list[Config]:
    from hflint import identify
    from hflint.formats import keras_files

    reader = reader_for(repo, path)
    with repo.open(path) as fh:
        size = fh.seek(0, 2)
        fh.seek(0)
        found = identify.identify(fh.read(identify.HEAD), size).format
        fh.seek(0)
        if reader == "metadata":
            return list(keras_files.keras_metadata(fh, limits))
        expected = identify.ZIP if reader == "zip" else identify.HDF5
        if found in identify.PICKLE_CAPABLE and found != expected:
            raise Deferred(f"holds {found} content, not the {expected} a Keras file is", "pickle-scan")
        if reader == "zip":
            if found != identify.ZIP:
                raise CannotAnalyse(f"a .keras file that is not a zip archive ({_content(repo, path)})")
            return list(keras_files.keras_zip(fh, size, limits))
        return list(keras_files.hdf5_configs(fh, limits))


def _content(repo: Repo, path: str) -> str:
    from hflint.weights.readers import describe_content

    found = describe_content(repo, path)
    return f"its content is {found}" if found else "its content is no format hflint knows"


def check(rule: Rule, repo: Repo) -> Iterator[Result]:
    from hflint.formats.reporting import capped

    what: str = rule.params["check"]

    def check_file(path: str) -> Iterator[Result]:
        if reader_for(repo, path) is None:
            return
        try:
            hits = analysed(repo, path, rule)
        except Deferred as exc:  # the cause is another kind's finding (HF403, HF405)
            if what == "unanalysable":
                yield Consequence(rule.finding(path, detail=exc.reason), exc.covered_by, path)
            else:
                yield Unanalysable(path, exc.reason, exc.covered_by)
            return
        except CannotAnalyse as exc:
            if what != "unanalysable":
                raise
            yield rule.finding(path, detail=exc.reason)
            return
        yield from capped(rule, (rule.finding(path, pointer=f"{where}#{hit.pointer}", detail=hit.detail)
                                 for where, hit in hits if hit.check == what))

    yield from each_file(rule, repo, check_file, covered_by="keras-model")
