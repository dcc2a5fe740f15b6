"""The fast path of safetensors header checks: the header every writer produces, proved
valid at C speed (one plain ``json.loads`` plus bulk map/set/sorted passes).

It never reports a problem: it returns a valid Header or None, and anything unusual goes
to the exact, serde-like parser in hflint.weights.safetensors_format, which also explains
what is wrong. tests/test_weights_parity.py checks that both paths agree on every file.
"""

from __future__ import annotations

import json
import re
from itertools import chain, repeat
from math import prod
from operator import floordiv, itemgetter, mod, mul, sub
from typing import Any

from hflint.weights import serde_json
from hflint.weights.safetensors_spec import DTYPE_BITS, METADATA_KEY, Header, TensorInfo
from hflint.weights.serde_json import U64_MAX

_SPACED_KEY_END = re.compile(r'"[ \t\r\n]+:')


def parse_ordinary(text: str, n: int, size: int) -> Header | None:
    """A valid header as every writer produces it, checked with C-level bulk operations; None
    as soon as anything differs, and safetensors_format's exact parser decides (and explains). The
    conditions make the two agree (tests/test_weights_parity.py compares them on every file):

    * nothing plain ``json.loads`` reads differently from serde: ``-0`` and surrogate
      ``\\u`` escapes are looked for; NaN/Infinity, floats, negative numbers and numbers
      beyond u64 fail the type checks below;
    * values have exactly the expected shape, so nesting is 3 deep at most;
    * no duplicate keys: outside strings ``":`` ends each key, and inside one it can only
      follow an escaped quote, so the count of ``":`` is at least the number of keys
      written, which is at least the number ``json.loads`` kept; equal counts leave no
      room for a duplicate (a key spaced from its colon is sent to the exact path);
    * the header is valid: the fast path never reports a problem, it only proves there is
      none (the parser's checks, in bulk: known dtypes, usize lists, sizes, offsets).
    """
    if ("-0" in text or "\\u" in text) and serde_json.needs_exact(text):
        return None
    if _SPACED_KEY_END.search(text):
        return None
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if type(doc) is not dict:
        return None
    keys = len(doc)
    metadata = doc.pop(METADATA_KEY, None)
    if metadata is not None:
        if type(metadata) is not dict or set(map(type, metadata.values())) - {str}:
            return None
        keys += len(metadata)
    tensors = bulk_tensors(doc, n, size)
    if tensors is None or text.count('":') != keys + 3 * len(tensors):
        return None
    return Header(n, size, tensors, metadata, ())


def bulk_tensors(doc: dict[str, object], n: int, size: int) -> dict[str, TensorInfo] | None:
    """The tensors when every entry is canonical and the whole header valid, else None."""
    entries: list[Any] = list(doc.values())
    if not entries:
        return {} if 8 + n == size else None
    if set(map(type, entries)) != {dict} or set(map(len, entries)) != {3}:
        return None
    try:
        dtypes = list(map(itemgetter("dtype"), entries))
        shapes = list(map(itemgetter("shape"), entries))
        offsets = list(map(itemgetter("data_offsets"), entries))
        bits = list(map(DTYPE_BITS.__getitem__, dtypes))  # KeyError: unknown dtype (or unhashable)
    except (KeyError, TypeError):
        return None
    # A dtype that was found in DTYPE_BITS is a str (json.loads makes no other equal keys).
    if set(map(type, shapes)) | set(map(type, offsets)) != {list} or set(map(len, offsets)) != {2}:
        return None
    dims = list(chain.from_iterable(shapes))
    if set(map(type, chain(dims, chain.from_iterable(offsets)))) != {int}:
        return None
    # A 0 dim: Rust's checked_mul may overflow before reaching it, so the exact path decides.
    # Negative dims could multiply to a plausible size. Dims over u64 make the product (and
    # nbits) too large, and out-of-range offsets cannot chain from 0 to the file's end: both
    # fail below.
    if dims and (0 in dims or min(dims) < 0):
        return None
    numels = list(map(prod, shapes))
    nbits = list(map(mul, numels, bits))
    if max(nbits) > U64_MAX or any(map(mod, nbits, repeat(8))):
        return None
    begins = list(map(itemgetter(0), offsets))
    ends = list(map(itemgetter(1), offsets))
    if list(map(floordiv, nbits, repeat(8))) != list(map(sub, ends, begins)):
        return None
    order = sorted(zip(begins, ends, strict=True))  # Rust's stable sort by (begin, end); equal pairs are equal
    starts = list(map(itemgetter(0), order))
    stops = list(map(itemgetter(1), order))
    if starts[0] != 0 or starts[1:] != stops[:-1] or 8 + n + stops[-1] != size:
        return None
    # tuple.__new__ builds each NamedTuple at C speed (no Python-level __new__ call)
    fields = zip(dtypes, map(tuple, shapes), begins, ends, strict=True)
    return dict(zip(doc, map(tuple.__new__, repeat(TensorInfo), fields), strict=True))
