"""The registry of check kinds: one explicit table, grep-able, no import side effects.

A rule pack names a kind; a name in KINDS runs, a name in PLANNED is accepted so that the
full rule catalogue can ship with its docs, and is reported by ``hflint rules`` and in every
scan summary as "not yet active" (never as passing). Any other name is a pack error.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, cast

from hflint.kinds.base import CheckKind

# kind name -> the module that implements it. Modules are imported on first use, so a scan
# imports only the kinds (and their helpers) its selected rules need: `--select HF3` never
# loads the pickle or custom-code analysers.
KINDS: dict[str, str] = {
    "adapter-weights": "hflint.kinds.adapter_weights",
    "archive-members": "hflint.kinds.archive_members",
    "card-license": "hflint.kinds.card_license",
    "card-metadata": "hflint.kinds.card_metadata",
    "card-retired-values": "hflint.kinds.card_retired",
    "card-sections": "hflint.kinds.card_sections",
    "chat-template": "hflint.kinds.chat_template",
    "code-references": "hflint.kinds.code_references",
    "code-review": "hflint.kinds.code_review",
    "config-constraints": "hflint.kinds.config_constraints",
    "config-fields": "hflint.kinds.config_fields",
    "config-weights": "hflint.kinds.config_weights",
    "dataset-data-files": "hflint.kinds.dataset_files",
    "engine": "hflint.kinds.engine_events",
    "file-format": "hflint.kinds.file_format",
    "file-presence": "hflint.kinds.file_presence",
    "flax-msgpack": "hflint.kinds.flax_msgpack",
    "gguf-header": "hflint.kinds.gguf_header",
    "hydra-targets": "hflint.kinds.hydra_targets",
    "json-parse": "hflint.kinds.json_parse",
    "json-schema": "hflint.kinds.json_schema",
    "keras-model": "hflint.kinds.keras_model",
    "license-text": "hflint.kinds.license_text",
    "loadable": "hflint.kinds.loadable",
    "onnx-model": "hflint.kinds.onnx_model",
    "pickle-scan": "hflint.kinds.pickle_scan",
    "python-ast": "hflint.kinds.python_ast",
    "safetensors-header": "hflint.kinds.safetensors_header",
    "shard-index": "hflint.kinds.shard_index",
    "text-pattern": "hflint.kinds.text_pattern",
    "tf-graph": "hflint.kinds.tf_graph",
    "tflite-model": "hflint.kinds.tflite_model",
    "tokenizer-config": "hflint.kinds.tokenizer_config",
    "tokenizer-consistency": "hflint.kinds.tokenizer_consistency",
    "tokenizer-json": "hflint.kinds.tokenizer_json",
    "weights-format": "hflint.kinds.weights_format",
}

_loaded: dict[str, CheckKind] = {}


def load_kind(name: str) -> CheckKind:
    """The module of kind ``name`` (KeyError for an unknown kind), imported once."""
    kind = _loaded.get(name)
    if kind is None:
        kind = _loaded[name] = cast(CheckKind, import_module(KINDS[name]))
    return kind


if TYPE_CHECKING:  # mypy checks that every kind module satisfies the CheckKind protocol
    from hflint.kinds import (
        adapter_weights,
        archive_members,
        card_license,
        card_metadata,
        card_retired,
        card_sections,
        chat_template,
        code_references,
        code_review,
        config_constraints,
        config_fields,
        config_weights,
        dataset_files,
        engine_events,
        file_format,
        file_presence,
        flax_msgpack,
        gguf_header,
        hydra_targets,
        json_parse,
        json_schema,
        keras_model,
        license_text,
        loadable,
        onnx_model,
        pickle_scan,
        python_ast,
        safetensors_header,
        shard_index,
        text_pattern,
        tf_graph,
        tflite_model,
        tokenizer_config,
        tokenizer_consistency,
        tokenizer_json,
        weights_format,
    )

    _CONFORMING: tuple[CheckKind, ...] = (
        adapter_weights,
        archive_members,
        card_license,
        card_metadata,
        card_retired,
        card_sections,
        chat_template,
        code_references,
        code_review,
        config_constraints,
        config_fields,
        config_weights,
        dataset_files,
        engine_events,
        file_format,
        file_presence,
        flax_msgpack,
        gguf_header,
        hydra_targets,
        json_parse,
        json_schema,
        keras_model,
        license_text,
        loadable,
        onnx_model,
        pickle_scan,
        python_ast,
        safetensors_header,
        shard_index,
        text_pattern,
        tf_graph,
        tflite_model,
        tokenizer_config,
        tokenizer_consistency,
        tokenizer_json,
        weights_format,
    )

# kind name -> what will implement it (shown by `hflint rules` for inactive rules)
PLANNED: dict[str, str] = {
}

# Kinds whose findings say that a file itself is broken or refused: its listing (engine:
# LFS pointer, symlink, unreadable), its syntax (json-parse, card-metadata), its header
# (safetensors-header, gguf-header), its pickle streams (pickle-scan) or its model format
# (onnx-model, tf-graph, tflite-model, keras-model: a file they cannot read is their own
# "unanalysable" finding, HF605/HF614/HF618/HF634) or its format itself (file-format: a
# format hflint has no reader for, HF635, or none it knows, HF600). Such a finding is the root cause
# for every other rule that needed the file: their "cannot analyse" for the same file is
# dropped instead of repeated as HF001 (one defect, one finding; docs/one-defect-one-finding.md).
ROOT_CAUSE_KINDS = frozenset({
    "engine", "json-parse", "card-metadata", "safetensors-header", "pickle-scan",
    "gguf-header", "onnx-model", "tf-graph", "tflite-model", "keras-model", "file-format",
})

# Kinds that look at the repo as a whole and take no `files:` globs.
KINDS_WITHOUT_FILES = frozenset({"engine"})
