"""The tokenizer checks' set-operation fast paths give the merge-by-merge verdict: a file
they pass has no problem the walk would report, and a clean file always takes them."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hflint.tokenfiles import mergecheck, structure

_TOKENS = st.text(alphabet="ab Ġ▁", min_size=0, max_size=3)
_MERGE = st.one_of(_TOKENS, st.lists(_TOKENS, min_size=1, max_size=3), st.integers(0, 3), st.none(),
                   st.lists(st.one_of(_TOKENS, st.integers(0, 2)), min_size=2, max_size=2))


def _walk(model: dict[str, Any]) -> list[Any]:
    return list(structure._bpe(model, model["vocab"]))


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(_TOKENS, max_size=12), st.lists(_MERGE, max_size=8))
def test_merge_fast_path_never_hides_a_problem(tokens: list[str], merges: list[Any]) -> None:
    model = {"type": "BPE", "vocab": {t: i for i, t in enumerate(tokens)}, "merges": merges}
    slow = [p for where, p in _slow(model)]
    if mergecheck.all_in_vocab(merges, model["vocab"]):
        assert slow == []
    assert _walk(model) == _slow(model)


def _slow(model: dict[str, Any]) -> list[Any]:
    """The walk with the fast path switched off."""
    original = mergecheck.all_in_vocab
    mergecheck.all_in_vocab = lambda merges, vocab: False  # type: ignore[assignment]
    try:
        return _walk(model)
    finally:
        mergecheck.all_in_vocab = original


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.text(alphabet="abc", min_size=1, max_size=3), min_size=2, max_size=10, unique=True),
       st.booleans())
def test_a_clean_vocabulary_takes_the_fast_path(tokens: list[str], as_lists: bool) -> None:
    vocab = {t: i for i, t in enumerate(tokens)}
    merges: list[Any] = [[a, b] if as_lists else f"{a} {b}" for a in tokens for b in tokens if a + b in vocab]
    assert mergecheck.all_in_vocab(merges, vocab)
    assert _walk({"type": "BPE", "vocab": vocab, "merges": merges}) == []


@settings(max_examples=300, deadline=None, database=None)
@given(st.dictionaries(_TOKENS, st.one_of(st.integers(-2, 6), st.booleans(), st.floats(0, 3), st.just(2**32)),
                       max_size=8))
def test_vocab_id_fast_path_agrees_with_the_walk(vocab: dict[str, Any]) -> None:
    found = list(structure._vocab_ids(vocab))
    seen: dict[int, str] = {}
    expected = []
    for token, token_id in vocab.items():
        if not structure._is_u32(token_id) or token_id in seen:
            expected.append(token)
        else:
            seen[token_id] = token
    assert [where[-1] for where, _ in found] == expected


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(_TOKENS, max_size=12), st.lists(_MERGE, max_size=10), st.integers(1, 4))
def test_merge_fast_path_in_chunks_gives_the_whole_list_verdict(tokens: list[str], merges: list[Any],
                                                                 chunk: int) -> None:
    """The fast path checks merges a chunk at a time (a bound on its temporary strings); any
    chunking, including defects at chunk boundaries, gives the one-pass verdict."""
    vocab = {t: i for i, t in enumerate(tokens)}
    whole = mergecheck.all_in_vocab(merges, vocab)
    original = mergecheck.CHUNK
    mergecheck.CHUNK = chunk
    try:
        assert mergecheck.all_in_vocab(merges, vocab) == whole
    finally:
        mergecheck.CHUNK = original
    if whole:
        assert _slow({"type": "BPE", "vocab": vocab, "merges": merges}) == []
