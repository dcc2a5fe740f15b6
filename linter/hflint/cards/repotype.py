"""Is a card a model card or a dataset card?

A rule's ``repo-type`` param says so (``model`` or ``dataset``); ``auto`` (the default)
decides from the repository: what the Hub says it is (an ``hf://datasets/...`` target);
for a local folder, a dataset card has dataset-only metadata keys
(huggingface_hub ``DatasetCardData``, hub-docs ``datasetcard.md``) or the dataset template's
title, and the repository has no model files. Sources: hf-conventions.md sections 1.2, 1.7.
"""

from __future__ import annotations

import re

from hflint.cards.frontmatter import Card
from hflint.globs import matches
from hflint.repo import Repo

REPO_TYPES = ("auto", "model", "dataset")
CARD = "README.md"
DATASET_KEYS = frozenset(
    {
        "annotations_creators",
        "language_creators",
        "multilinguality",
        "size_categories",
        "source_datasets",
        "task_categories",
        "task_ids",
        "paperswithcode_id",
        "pretty_name",
        "train-eval-index",
        "config_names",
        "configs",
        "dataset_info",
        "language_details",
    }
)
MODEL_FILES = (
    "config.json",
    "adapter_config.json",
    "model_index.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "*.safetensors",
    "*.bin",
    "*.pt",
    "*.pth",
    "*.ckpt",
    "*.gguf",
    "*.onnx",
    "*.h5",
    "*.msgpack",
)
DATA_FILES = ("*.parquet", "*.arrow", "*.csv", "*.tsv", "*.jsonl", "*.jsonl.gz", "*.json.gz", "*.tar", "*.zip")
_DATASET_TITLE = re.compile(r"^#\s+Dataset Card for\b", re.MULTILINE)


def card_type(repo: Repo, card: Card, param: str = "auto") -> str:
    if param != "auto":
        return param
    if repo.repo_type is not None:
        return repo.repo_type
    if any(matches(f, MODEL_FILES) for f in repo.files):
        return "model"
    metadata = card.metadata or {}
    if DATASET_KEYS & metadata.keys() or _DATASET_TITLE.search(card.body):
        return "dataset"
    if any(matches(f, DATA_FILES) for f in repo.files):
        return "dataset"
    return "model"


def repo_type(repo: Repo) -> str:
    """The repository's type, for records and reports: what the Hub says, else its card's
    (the card parse is shared with the card rules), else "model"."""
    if repo.repo_type is not None:
        return repo.repo_type
    if not repo.exists(CARD) or repo.is_lfs_pointer(CARD):
        return "model"
    from hflint.cards.frontmatter import load_card
    from hflint.repo import CannotAnalyse

    try:
        card = load_card(repo, CARD)
    except CannotAnalyse:
        return "model"
    return card_type(repo, card)
