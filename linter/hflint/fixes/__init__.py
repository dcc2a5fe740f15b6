"""The registry of fix kinds: which check kind implements each fix a pack may declare.

A rule declares its fix in its pack (``fix: {kind: license-id, safety: safe}``); the check
kind that finds the problem computes the edit (hflint.fixes.edits) when the rule has a fix
and the run asks for fixes, so a plain scan pays nothing. A pack may switch a fix off or
change its safety (``fix-overrides``); a fix kind belongs to exactly one check kind, so a
pack cannot attach a fix to a rule whose kind does not know how to make it.
"""

from __future__ import annotations

from typing import NamedTuple


class FixKind(NamedTuple):
    check_kind: str  # the check kind that implements it
    summary: str  # one line for the rule docs: what `hflint fix` does


FIX_KINDS: dict[str, FixKind] = {
    "rebuild-shard-index": FixKind(
        "shard-index",
        "rewrites the index from the shards' own headers (weight_map and metadata.total_size; its "
        "other metadata kept), as save_pretrained writes it, or writes the missing index of a "
        "complete series of shards",
    ),
    "license-id": FixKind(
        "card-license",
        "replaces a license spelling that maps to exactly one Hub id (case, SPDX suffix, alias) with that id",
    ),
    "license-from-file": FixKind(
        "card-license",
        "adds `license:` with the Hub id of the model's LICENSE file when its text is recognised with "
        "high confidence (one license file, one license, its title near the start)",
    ),
    "license-link": FixKind(
        "card-license",
        "points a relative `license_link` that names no file at the repository's one model license file",
    ),
    "model-card-template": FixKind(
        "file-presence",
        "writes README.md from huggingface_hub's model card template, with only the metadata the "
        "repository proves (license, library, base model, pipeline tag)",
    ),
    "front-matter": FixKind(
        "card-metadata",
        "adds a front matter block with the metadata the repository proves to a card that has none",
    ),
    "insert-sections": FixKind(
        "card-sections",
        "inserts each missing section as an empty heading with the template's guidance, where it belongs",
    ),
    "retired-value": FixKind(
        "card-retired-values",
        "replaces a retired metadata value with its replacement",
    ),
    "vocab-size-from-weights": FixKind(
        "config-weights",
        "sets vocab_size to the input embedding's rows, only when the tokenizer beside config.json fits "
        "them (its ids, plus at most the padding rows models add)",
    ),
    "adapter-rank-from-weights": FixKind(
        "adapter-weights",
        "sets a LoRA adapter's r to the rank all its lora_A tensors share (no rank_pattern)",
    ),
    "wrap-in-list": FixKind(
        "config-constraints",
        "makes a value a constraint wants as a list of strings, and that is one string, that one-element list",
    ),
    "special-token-id": FixKind(
        "tokenizer-consistency",
        "sets a single <name>_token_id in config.json or generation_config.json to the id the tokenizer "
        "gives the token it declares for <name>",
    ),
}
