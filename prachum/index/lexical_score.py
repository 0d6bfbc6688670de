"""Our BM25 for a few hundred candidate chunks at once, from their stored words.

Why here and not in tantivy: tantivy's BM25 fixes k1 at 1.2 and normalises each field
by its own length; ours (k1 0.6, one length for words and 3-grams) was chosen inside
the hybrid (prachum/index/bm25.py). tantivy picks the candidates; these functions
rank them. Why numpy: a question has ~50 distinct 3-grams and a chunk ~700
characters, so counting each 3-gram with ``str.count`` in each of ~150 candidates is
~7,500 Python calls a question; coding every 3-character window of all candidates as
one integer and looking them up together is a few array operations.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from prachum.index.bm25 import NGRAM

_BITS = 21  # every code point fits in 21 bits, so a 3-gram is one int64
_SEP = "\x00"  # between candidates: a window across it matches no query 3-gram
assert NGRAM * _BITS < 64


class Weights(NamedTuple):
    """(term, qtf * idf * (k1 + 1)) of a question's words and 3-grams that occur in the index."""

    words: list[tuple[str, float]]
    grams: list[tuple[str, float]]


def weights(doc_freq: Callable[[str, str], int], n_docs: int, words: Sequence[str], grams: Sequence[str],
            k1: float) -> Weights:
    """Lucene idf from the index's document frequencies; a term repeated in the question counts again.

    tantivy counts a deleted chunk until its segment is merged, so n is capped at N.
    """
    out: dict[str, list[tuple[str, float]]] = {"words": [], "grams": []}
    for field, terms in (("words", words), ("grams", grams)):
        for term, qtf in Counter(terms).items():
            n = min(doc_freq(field, term), n_docs)
            if n:
                out[field].append((term, qtf * math.log(1.0 + (n_docs - n + 0.5) / (n + 0.5)) * (k1 + 1.0)))
    return Weights(out["words"], out["grams"])


def _codes(points: np.ndarray) -> np.ndarray:
    """The int code of every NGRAM-wide window of a code-point array."""
    n = len(points) - NGRAM + 1
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    out = np.zeros(n, dtype=np.int64)
    for i in range(NGRAM):
        out |= points[i:i + n] << (_BITS * (NGRAM - 1 - i))
    return out


def gram_code(gram: str) -> int:
    code = 0
    for ch in gram:
        code = (code << _BITS) | ord(ch)
    return code


def gram_counts(joined: Sequence[str], grams: Sequence[str]) -> np.ndarray:
    """(candidates x grams) occurrences of each distinct 3-gram, overlaps counted as char_ngrams does."""
    counts = np.zeros((len(joined), len(grams)), dtype=np.float64)
    wanted = [(gram_code(g), j) for j, g in enumerate(grams) if len(g) == NGRAM and _SEP not in g]
    if not joined or not wanted:
        return counts
    big = _SEP.join(joined)
    points = np.frombuffer(big.encode("utf-32-le"), dtype="<u4").astype(np.int64)
    codes = _codes(points)
    keys = np.array([c for c, _ in wanted], dtype=np.int64)
    order = np.argsort(keys)
    keys, columns = keys[order], np.array([j for _, j in wanted])[order]
    at = np.minimum(np.searchsorted(keys, codes), len(keys) - 1)
    hit = np.nonzero(keys[at] == codes)[0]
    starts = np.cumsum([0] + [len(t) + 1 for t in joined[:-1]])
    rows = np.searchsorted(starts, hit, side="right") - 1
    flat = np.bincount(rows * len(grams) + columns[at[hit]], minlength=len(joined) * len(grams))
    return flat.reshape(len(joined), len(grams)).astype(np.float64)


def bm25(texts: Sequence[str], weighted: Weights, k1: float, b: float, avgdl: float) -> np.ndarray:
    """Scores of candidates given as their stored words joined by spaces; a chunk's length is
    its words plus its 3-grams, as in prachum.index.bm25."""
    words, grams = weighted
    if not texts:
        return np.zeros(0)
    joined = [t.replace(" ", "") for t in texts]
    length = np.array([(t.count(" ") + 1 if t else 0) + max(0, len(j) - NGRAM + 1) for t, j in zip(texts, joined)],
                      dtype=np.float64)
    norm = (k1 * (1.0 - b + b * length / avgdl))[:, None]
    # every word between its own two spaces, so that str.count finds repeated neighbours too
    padded = [" " + t.replace(" ", "  ") + " " for t in texts]
    needles = [f" {term} " for term, _ in words]
    tf = np.hstack([
        np.array([[p.count(n) for n in needles] for p in padded], dtype=np.float64).reshape(len(texts), -1),
        gram_counts(joined, [g for g, _ in grams]),
    ])
    weight = np.array([w for _, w in words] + [w for _, w in grams], dtype=np.float64)
    if not len(weight):
        return np.zeros(len(texts))
    return (weight * tf / (tf + norm)).sum(axis=1)
