"""Combining the dense (e5 cosine) and lexical (BM25) rankings of one question.

Pure functions over ``{chunk_id: score}`` dicts, so the retriever can feed them
whatever candidates it has (top-N of each list, or every chunk).

Why z-score fusion by default: cosine and BM25 live on unrelated scales (cosine
~0.75-0.90, BM25 0-60), so they must be put on one scale before they are added.
z-scores do it per question without a trained model, and, unlike reciprocal-rank
fusion, they keep *how far* ahead the best chunk is: when BM25 is sure (one chunk
far above the rest) it wins, when it is unsure (many chunks close together) the
dense side decides. Recall@1 from bench/retrieval_fusion.py (BM25 k1 0.6, b 0.75,
words + char 3-grams, question words dropped; 50 candidates a side, lexical side
also scored on the dense candidates):

    method                      XQuAD-th  iApp test  iApp test + 1523 distractors
    BM25 alone                    95.4      96.1       90.4
    dense e5-small alone          88.2      93.9       89.7
    z-score, dense weight 0.4     96.4      96.9       94.5
    min-max, dense weight 0.4     96.5      96.8       94.0
    RRF (k 60)                    93.5      95.5       91.9

z-score and min-max are equal within noise (a difference of 0.2 is 2 questions);
RRF loses 2 points because it throws the score gaps away. Dense weights 0.3-0.5
and 10-100 candidates are all within 0.3 of each other; 0.4 is the middle of that
plateau on every benchmark. z over every document instead of the candidates is
worse with distractors (93.5 at best on iApp + distractors) and its best weight
moves with the corpus size (0.6-0.7), since the long tail of non-matching chunks
then sets the scale; a fixed number of candidates keeps the weight portable.

Missing scores: a chunk that is in only one candidate list was not retrieved by
the other, so its score there is at most that list's lowest candidate. It gets the
lowest z (or min-max 0, or no RRF term) of that list: as bad as the worst retrieved
candidate, never better. A list whose scores are all equal (or empty) carries no
ranking information and contributes 0 to everyone.
"""
from __future__ import annotations

import math
from typing import Mapping

from prachum.config import FUSIONS
from prachum.errors import SettingsError

# The method, the dense weight and the number of candidates taken from each list are
# settings (prachum/config.py). The z statistics are computed over the candidates
# (flat from 10 to 100, worse over every document). The lexical side also gets the
# exact BM25 score of every dense candidate: a true 0 is information, and without it
# a lone lexical match has z = 0, i.e. counts as average.
RRF_K = 60

Scores = Mapping[str, float]


def _check_weight(dense_weight: float) -> None:
    if not 0.0 <= dense_weight <= 1.0 or math.isnan(dense_weight):
        raise SettingsError(f"dense_weight must be between 0 and 1, got {dense_weight}")


def _union(dense: Scores, lexical: Scores) -> list[str]:
    return list(dict.fromkeys([*dense, *lexical]))


def zscores(scores: Scores) -> dict[str, float]:
    """(score - mean) / std over the given scores (population std); all 0.0 when they are all equal."""
    if not scores:
        return {}
    values = list(scores.values())
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    if std <= 1e-12 * max(1.0, abs(mean)):
        return dict.fromkeys(scores, 0.0)
    return {k: (v - mean) / std for k, v in scores.items()}


def minmax(scores: Scores) -> dict[str, float]:
    """Scores scaled to [0, 1]; all 1.0 when they are all equal (each is the best of its list)."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    if high - low <= 1e-12 * max(1.0, abs(high)):
        return dict.fromkeys(scores, 1.0)
    return {k: (v - low) / (high - low) for k, v in scores.items()}


def zscore_fuse(dense: Scores, lexical: Scores, dense_weight: float) -> dict[str, float]:
    """w * z(dense) + (1 - w) * z(lexical); a missing score takes its list's lowest z."""
    _check_weight(dense_weight)
    zd, zl = zscores(dense), zscores(lexical)
    floor_d = min(zd.values(), default=0.0)
    floor_l = min(zl.values(), default=0.0)
    return {
        i: dense_weight * zd.get(i, floor_d) + (1.0 - dense_weight) * zl.get(i, floor_l)
        for i in _union(dense, lexical)
    }


def minmax_fuse(dense: Scores, lexical: Scores, dense_weight: float) -> dict[str, float]:
    """w * minmax(dense) + (1 - w) * minmax(lexical); a missing score counts as 0."""
    _check_weight(dense_weight)
    md, ml = minmax(dense), minmax(lexical)
    return {
        i: dense_weight * md.get(i, 0.0) + (1.0 - dense_weight) * ml.get(i, 0.0)
        for i in _union(dense, lexical)
    }


def ranks(scores: Scores) -> dict[str, int]:
    """1-based rank of each id, best first; ties are broken by id so results are reproducible."""
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return {k: r for r, (k, _) in enumerate(ordered, start=1)}


def rrf_fuse(dense: Scores, lexical: Scores, dense_weight: float, k: int = RRF_K) -> dict[str, float]:
    """Reciprocal-rank fusion: 2w/(k + rank_dense) + 2(1-w)/(k + rank_lexical).

    With w = 0.5 this is the classic sum of 1/(k + rank). An id missing from a
    list gets no term from it, and so does a lexical score of 0 or less: BM25 gives
    0 exactly when no query word occurs, i.e. the chunk was not retrieved, and
    ranking such ties would reward ids by alphabetical order.
    """
    _check_weight(dense_weight)
    if k < 1:
        raise SettingsError(f"the RRF constant k must be at least 1, got {k}")
    rd = ranks(dense)
    rl = ranks({i: v for i, v in lexical.items() if v > 0.0})
    out: dict[str, float] = {}
    for i in _union(dense, lexical):
        score = 0.0
        if i in rd:
            score += 2.0 * dense_weight / (k + rd[i])
        if i in rl:
            score += 2.0 * (1.0 - dense_weight) / (k + rl[i])
        out[i] = score
    return out


def fuse(
    method: str,
    dense: Scores,
    lexical: Scores,
    dense_weight: float,
) -> dict[str, float]:
    """Dispatch on the ``fusion`` setting; "dense" and "bm25" return that list alone."""
    if method == "zscore":
        return zscore_fuse(dense, lexical, dense_weight)
    if method == "minmax":
        return minmax_fuse(dense, lexical, dense_weight)
    if method == "rrf":
        return rrf_fuse(dense, lexical, dense_weight)
    if method == "dense":
        return dict(dense)
    if method == "bm25":
        return dict(lexical)
    raise SettingsError(f"unknown fusion {method!r}; use one of {', '.join(FUSIONS)}")


def ranked(scores: Scores, k: int | None = None) -> list[tuple[str, float]]:
    """(id, score) best first, ties broken by id; the first k when k is given."""
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return ordered if k is None else ordered[: max(k, 0)]
