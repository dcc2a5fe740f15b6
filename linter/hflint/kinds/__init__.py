"""The registry of check kinds: one explicit table, grep-able, no import side effects.

A rule pack names a kind; a name in KINDS runs, a name in PLANNED is accepted so that the
full rule catalogue can ship with its docs, and is reported by ``hflint rules`` and in every
scan summary as "not yet active" (never as passing). Any other name is a pack error.
"""

from __future__ import annotations

from hflint.kinds import code_references, code_review, engine_events, file_presence, json_parse, json_schema, python_ast
from hflint.kinds.base import CheckKind

KINDS: dict[str, CheckKind] = {
    "code-references": code_references,
    "code-review": code_review,
    "python-ast": python_ast,
    "engine": engine_events,
    "file-presence": file_presence,
    "json-parse": json_parse,
    "json-schema": json_schema,
}

# kind name -> what will implement it (shown by `hflint rules` for inactive rules)
PLANNED: dict[str, str] = {
    "card-metadata": "model card front matter checks (issue #5)",
    "card-license": "license checks (issue #5)",
    "license-text": "LICENSE text recognition (issue #5)",
    "card-sections": "model card section checks (issue #5)",
    "text-pattern": "placeholder text checks (issue #5)",
    "tokenizer-json": "tokenizer.json structure checks (issue #5)",
    "tokenizer-config": "tokenizer_config.json checks (issue #5)",
    "tokenizer-consistency": "special token and vocab size checks (issue #5)",
    "chat-template": "sandboxed chat template checks (issue #5)",
    "safetensors-header": "safetensors header checks (issue #3)",
    "shard-index": "shard index checks (issue #3)",
    "pickle-scan": "static pickle analysis with fickling (issue #4)",
    "weights-format": "pickle weights without safetensors (issue #4)",
}

# Kinds that look at the repo as a whole and take no `files:` globs.
KINDS_WITHOUT_FILES = frozenset({"engine"})
