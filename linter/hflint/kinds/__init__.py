"""The registry of check kinds: one explicit table, grep-able, no import side effects.

A rule pack names a kind; a name in KINDS runs, a name in PLANNED is accepted so that the
full rule catalogue can ship with its docs, and is reported by ``hflint rules`` and in every
scan summary as "not yet active" (never as passing). Any other name is a pack error.
"""

from __future__ import annotations

from hflint.kinds import (
    card_license,
    card_metadata,
    card_sections,
    chat_template,
    code_references,
    code_review,
    engine_events,
    file_presence,
    json_parse,
    json_schema,
    license_text,
    pickle_scan,
    python_ast,
    safetensors_header,
    shard_index,
    text_pattern,
    tokenizer_config,
    tokenizer_consistency,
    tokenizer_json,
    weights_format,
)
from hflint.kinds.base import CheckKind

KINDS: dict[str, CheckKind] = {
    "card-license": card_license,
    "card-metadata": card_metadata,
    "card-sections": card_sections,
    "chat-template": chat_template,
    "code-references": code_references,
    "code-review": code_review,
    "engine": engine_events,
    "file-presence": file_presence,
    "json-parse": json_parse,
    "json-schema": json_schema,
    "license-text": license_text,
    "pickle-scan": pickle_scan,
    "python-ast": python_ast,
    "safetensors-header": safetensors_header,
    "shard-index": shard_index,
    "text-pattern": text_pattern,
    "tokenizer-config": tokenizer_config,
    "tokenizer-consistency": tokenizer_consistency,
    "tokenizer-json": tokenizer_json,
    "weights-format": weights_format,
}

# kind name -> what will implement it (shown by `hflint rules` for inactive rules)
PLANNED: dict[str, str] = {
}

# Kinds that look at the repo as a whole and take no `files:` globs.
KINDS_WITHOUT_FILES = frozenset({"engine"})
