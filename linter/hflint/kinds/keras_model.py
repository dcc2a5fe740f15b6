"""Kind ``keras-model``: Keras model configs whose loading runs code or reaches outside the
model (HF630-HF633), and Keras files whose config cannot be read (HF634).

Files: ``*.keras`` or any Keras 3 zip whatever its name (config.json at the root beside
Keras's other parts), ``*.h5``/``*.hdf5`` or any file with the HDF5 signature (legacy Keras:
the ``model_config`` and ``training_config`` attributes; tf.keras loads HDF5 by content), and
``keras_metadata.pb`` (Keras-2 SavedModels), and ``saved_model.pb`` or any SavedModel
(Keras models saved by TF 2.0-2.4 keep their metadata in its object graph); the pack's
``formats: [keras, hdf5, tf-saved-model]`` brings the files recognised by content. Each file is read
once per scan (hflint.formats.keras_files) and its configs walked once
(hflint.formats.keras_config); ``params.check`` picks what a rule reports: ``lambda``,
``module``, ``function``, ``path`` or ``unanalysable``. The policy (Keras's own packages,
functions that are never modelling code, layer arguments that are paths) is data:
``rules/data/keras.yaml``.

Content that is not what the name claims defers to the rule that owns it: a broken zip is
HF403's, pickle content behind a Keras name HF405's, a saved_model.pb that does not parse
HF614's (one defect, one finding).
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
            "properties": {**{k: {"type": "integer", "minimum": 1}
                              for k in ("max-config-bytes", "max-read-bytes", "max-values")},
                           "max-seconds": {"type": "number", "exclusiveMinimum": 0}},
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}
FIELDS = frozenset({"detail", "pointer"})
DEFAULT_POLICY = "hflint:data/keras.yaml"
METADATA = "keras_metadata.pb"
SAVED_MODEL = "saved_model.pb"


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
    from hflint.identify import HDF5, KERAS, TF_SAVED_MODEL, formats_of

    lower = path.lower()
    if posixpath.basename(lower) == METADATA:
        return "metadata"
    found = formats_of(repo, path)
    if KERAS in found or (HDF5 not in found and lower.endswith(".keras")):
        return "zip"
    if HDF5 in found or lower.endswith((".h5", ".hdf5")):
        return "hdf5"
    if TF_SAVED_MODEL in found or posixpath.basename(lower) == SAVED_MODEL:
        return "saved-model"
    return None


def analysed(repo: Repo, path: str, rule: Rule) -> list[tuple[str, Hit]]:
    """(config origin, hit) for every hit in the file's configs, read and walked once."""
    raw = rule.params.get("limits", {})
    limits = Limits(raw.get("max-config-bytes", Limits().max_config_bytes),
                    raw.get("max-read-bytes", Limits().max_read_bytes),
                    raw.get("max-seconds", Limits().max_seconds))
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
        return _once(out) if reader_for(repo, path) in ("metadata", "saved-model") else out

    return repo.cached(path, f"hflint.formats.keras/{limits}/{max_values}/{policy_file}", run)


def _once(hits: list[tuple[str, Hit]]) -> list[tuple[str, Hit]]:
    """Keras-2 metadata repeats each layer's config in every model holding it (the layer's
    own node, the Sequential's ``config`` and ``model_config``): one finding per problem, at
    its first place, with the number of other copies."""
    places: dict[tuple[str, str], list[tuple[str, Hit]]] = {}
    for where, hit in hits:
        places.setdefault((hit.check, hit.detail), []).append((where, hit))
    out = []
    for copies in places.values():
        where, hit = copies[0]
        more = f" (and {len(copies) - 1} more cop{'y' if len(copies) == 2 else 'ies'} in the metadata)"
        out.append((where, hit._replace(detail=hit.detail + more) if len(copies) > 1 else hit))
    return out


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
        if reader == "saved-model":
            try:
                return list(keras_files.saved_model_metadata(fh, limits))
            except keras_files.NotSavedModel as exc:  # HF614's file: it reports the graph unreadable
                raise Deferred(exc.reason, "tf-graph") from None
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


def _hdf5_content(rule: Rule, repo: Repo, path: str) -> str:
    """The content an ``.h5`` name hides when it is another format (a GGUF named model.h5),
    as the other format kinds name it (hflint.formats.reporting.not_this_format); a .keras
    name's content is named by its own reason (``_content``)."""
    from hflint.formats.reporting import other_content

    other = other_content(rule, repo, path) if reader_for(repo, path) == "hdf5" else None
    return f"; the file holds {other} content" if other else ""


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
            yield rule.finding(path, detail=exc.reason + _hdf5_content(rule, repo, path))
            return
        yield from capped(rule, (rule.finding(path, pointer=f"{where}#{hit.pointer}", detail=hit.detail)
                                 for where, hit in hits if hit.check == what))

    yield from each_file(rule, repo, check_file, covered_by="keras-model")
