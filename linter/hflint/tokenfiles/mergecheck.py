"""The BPE merges-against-vocabulary check's fast path, in a few C-level passes.

tokenizers refuses a BPE model whose merge names a token outside the vocabulary, or whose
merged token ``a + b`` is not in it (``MergeTokenOutOfVocabulary``, tokenizers
src/models/bpe/model.rs). A Llama-3 tokenizer has 280,000 merges: a Python loop per merge
was most of a full scan's time, so the common case (every merge fine) is decided here and
only a failure is walked merge by merge (hflint.tokenfiles.structure) to say where.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain, repeat
from operator import add
from typing import Any

CHUNK = 16_384  # merges checked per pass: bounds the pass's temporary strings


def all_in_vocab(merges: list[Any], vocab: dict[str, Any]) -> bool:
    """Whether every merge is well formed with a, b and a + b in the vocabulary, decided in a
    few C-level passes (about a third of the merge-by-merge walk's time on 280,000 merges);
    False sends the caller to the walk, which says what is wrong and where.

    The passes go a chunk of merges at a time: over all 280,000 merges of a Llama-3
    tokenizer at once their split parts and joined tokens were 45 MB of temporary strings,
    a third of the scan's peak memory (benchmarks/scan_bench.py); a chunk's are 3 MB."""
    if not merges:
        return True
    kinds = set(map(type, merges))
    check: Callable[[list[Any], Any], bool]
    if kinds == {str}:  # legacy "a b"
        check = _legacy_chunk
    elif kinds == {list}:
        check = _pair_chunk
    else:
        return False
    tokens = vocab.keys()
    return all(check(merges[i : i + CHUNK], tokens) for i in range(0, len(merges), CHUNK))


def _legacy_chunk(merges: list[Any], tokens: Any) -> bool:
    if not all(map(str.__contains__, merges, repeat(" "))):
        return False
    parts = " ".join(merges).split(" ")
    if len(parts) != 2 * len(merges):
        return False  # some merge has two spaces (every one has at least one)
    return tokens >= set(parts) and all(map(tokens.__contains__, map(str.replace, merges, repeat(" "), repeat(""))))


def _pair_chunk(merges: list[Any], tokens: Any) -> bool:
    if set(map(len, merges)) != {2}:
        return False
    parts = list(chain.from_iterable(merges))
    if set(map(type, parts)) != {str}:
        return False
    return tokens >= set(parts) and all(map(tokens.__contains__, map(add, parts[0::2], parts[1::2])))
