"""Checking and attaching citations in code, because a small LLM's [n] markers cannot be trusted.

Each answer sentence is aligned with the passage sentences that support it: the
same content words (Thai names and terms survive newmm tokenisation intact), the
same dates after normalisation ("8 ก.พ. 64" = "8 กุมภาพันธ์ 2564" = "8 February 2021"),
the same numbers, or, across languages, a high e5 similarity. A marker that points
at a passage that does not support its sentence is removed; a sentence without a
valid marker gets the best supporting passage, if any. Citations are renumbered in
order of first use, so the answer's [1] is always the first entry of the list.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np
from pythainlp.corpus import thai_stopwords

from prachum.models import SupportsEmbedding
from prachum.thai.dates import find_dates, without_dates
from prachum.thai.text import named, search_form, word_tokens
from prachum.types import Citation, CitedAnswer, Passage
from rag.evidence import Sentence, split_passage

MARKER = re.compile(r"\s?\[(\d{1,2})\]")
_ANSWER_SPLIT = re.compile(r"(?<=[.!?。])\s+|\n+|(?<=\])\s+")
_NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")
_STOP = frozenset(thai_stopwords()) | {
    "the", "a", "an", "of", "in", "on", "at", "to", "and", "or", "is", "was", "were", "are", "be", "by",
    "for", "with", "as", "that", "this", "it", "from", "which", "who", "what", "when", "where", "its",
}
LEXICAL_SUPPORT = 0.5
DENSE_SUPPORT = 0.82


def content_words(text: str) -> set[str]:
    return {w for w in word_tokens(text) if w not in _STOP and len(w) > 1 or w.isdigit()}


def _dates(text: str) -> set:
    return {d.date for d in find_dates(text)}


def _numbers(text: str) -> set[str]:
    """Numbers that are not part of a date (dates are compared as dates)."""
    return set(_NUMBERS.findall(without_dates(text)))


def support(claim: str, sentence: str, dense: float | None = None, context: str | None = None) -> float:
    """How well ``sentence`` supports ``claim``, 0..1. Facts (dates, numbers) must agree.

    A person or country the claim names ("นาง...", "ประเทศ...") must stand in the
    context (``context``): "ประเทศญี่ปุ่นเป็นเจ้าภาพ" shares most words with
    "ประเทศบรูไนดารุสซาลามเป็นเจ้าภาพ", but not the one that matters.
    """
    claim_dates, sent_dates = _dates(claim), _dates(sentence)
    if claim_dates and not claim_dates <= sent_dates:
        return 0.0
    claim_numbers = _numbers(claim)
    if claim_numbers and not claim_numbers <= _numbers(sentence):
        return 0.0
    if any(name not in (context if context is not None else sentence) for name in named(claim)):
        return 0.0
    words = content_words(claim)
    lexical = len(words & content_words(sentence)) / len(words) if words else 0.0
    score = lexical
    if claim_dates:
        score = max(score, 0.9)
    if dense is not None and dense >= DENSE_SUPPORT:
        score = max(score, 0.5 + (dense - DENSE_SUPPORT))
    return score


def split_answer(answer: str) -> list[str]:
    return [p for p in _ANSWER_SPLIT.split(answer.strip()) if p and p.strip()]


def attach_citations(
    answer: str,
    passages: Sequence[Passage],
    embedder: SupportsEmbedding | None = None,
    threshold: float = LEXICAL_SUPPORT,
) -> CitedAnswer:
    """Verify the [n] markers of ``answer`` (1-based into ``passages``) and return renumbered citations."""
    sentences: list[Sentence] = [s for i, p in enumerate(passages) for s in split_passage(i, p)]
    claims = split_answer(answer)
    if not claims or not sentences:
        return CitedAnswer(MARKER.sub("", answer).strip(), [])
    plain_claims = [MARKER.sub("", c).strip() for c in claims]
    context = "\n".join(search_form(p.text) for p in passages)
    dense = None
    if embedder is not None:
        q = np.stack([embedder.embed_query(search_form(c)) for c in plain_claims])
        p = embedder.embed_passages([search_form(s.text) for s in sentences])
        dense = q @ np.asarray(p).T

    order: dict[int, int] = {}  # passage index -> citation number
    highlights: dict[int, list[tuple[int, int]]] = {}
    out: list[str] = []
    for ci, (claim, plain) in enumerate(zip(claims, plain_claims)):
        if not plain:
            continue
        claimed = {int(m) - 1 for m in MARKER.findall(claim) if 0 < int(m) <= len(passages)}
        scored = [
            (support(plain, s.text, None if dense is None else float(dense[ci, si]), context), si)
            for si, s in enumerate(sentences)
        ]
        best_per_passage: dict[int, tuple[float, int]] = {}
        for score, si in scored:
            pi = sentences[si].passage
            if score > best_per_passage.get(pi, (-1.0, -1))[0]:
                best_per_passage[pi] = (score, si)
        valid = [pi for pi in sorted(claimed) if best_per_passage.get(pi, (0.0, 0))[0] >= threshold]
        if not valid:
            best = max(best_per_passage.items(), key=lambda kv: kv[1][0], default=None)
            if best and best[1][0] >= threshold:
                valid = [best[0]]
        numbers = []
        for pi in valid:
            order.setdefault(pi, len(order) + 1)
            s = sentences[best_per_passage[pi][1]]
            if (s.start, s.end) not in highlights.setdefault(pi, []):
                highlights[pi].append((s.start, s.end))
            numbers.append(order[pi])
        markers = "".join(f"[{n}]" for n in sorted(set(numbers)))
        out.append(plain + (" " + markers if markers else ""))
    citations = [Citation(n, passages[pi], sorted(highlights[pi])) for pi, n in sorted(order.items(), key=lambda kv: kv[1])]
    return CitedAnswer(" ".join(out), citations)
