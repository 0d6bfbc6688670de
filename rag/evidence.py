"""Sentence-level evidence: which sentences of the retrieved passages answer the question.

Everything downstream works on sentences, not chunks: the LLM gets the best
sentences (a small, sharp context is what makes a CPU model fast), the extractive
answerer returns them, the refusal gate weighs them, and citations point at them.
A sentence's score mixes idf-weighted word overlap with the question (precise for
Thai names, acronyms and numbers) and e5 similarity (carries English questions to
Thai records), plus a small bonus when it holds the kind of thing asked for
(a date for "when", a person for "who", a number for "how many").
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from prachum.index.bm25 import coverage, query_terms
from prachum.models import SupportsEmbedding
from prachum.thai.dates import find_dates
from prachum.thai.glossary import bridged
from prachum.thai.sentences import split_sentences
from prachum.thai.text import search_form
from prachum.types import Passage

ASK_KINDS: dict[str, re.Pattern[str]] = {
    "when": re.compile(r"เมื่อไร|เมื่อไหร่|เมื่อใด|วันไหน|วันที่เท่าไร|วันอะไร|ช่วงไหน|ปีไหน|เดือนไหน|\bwhen\b|\bwhat date\b|\bwhich (day|date|year|month)\b", re.I),
    "who": re.compile(r"ใคร|ผู้ใด|บุคคลใด|ท่านใด|\bwho\b|\bwhom\b|\bwhose\b", re.I),
    "where": re.compile(r"ที่ไหน|ที่ใด|สถานที่ใด|แห่งใด|\bwhere\b", re.I),
    "how_many": re.compile(r"กี่|จำนวนเท่าไร|เท่าไร|เท่าไหร่|\bhow many\b|\bhow much\b|\bnumber of\b", re.I),
}
_PERSON = re.compile(r"(?:นาย|นางสาว|นาง|ดร\.|Mr\.|Mrs\.|Ms\.|Dr\.)\s?[ก-๙A-Z]")
_PLACE = re.compile(r"ณ\s|ห้องประชุม|โรงแรม|อาคาร|กรุงเทพ|จังหวัด|ผ่านระบบ|Video Conference", re.I)
_NUMBER = re.compile(r"\d")
KIND_BONUS = 0.5  # up to +50% for a sentence holding every kind of fact asked for
RANK_PENALTY = 0.08  # per place the sentence's passage is below the first


@dataclass
class Sentence:
    """A sentence inside passage ``passage`` (0-based), at [start, end) of that passage's text."""

    passage: int
    start: int
    end: int
    text: str
    lexical: float = 0.0
    dense: float = 0.0
    kinds: frozenset[str] = frozenset()
    score: float = 0.0


def asked_kinds(question: str) -> set[str]:
    return {kind for kind, pattern in ASK_KINDS.items() if pattern.search(question)}


def sentence_kinds(text: str) -> frozenset[str]:
    kinds = set()
    if find_dates(text):
        kinds.add("when")
    if _PERSON.search(text):
        kinds.add("who")
    if _PLACE.search(text):
        kinds.add("where")
    if _NUMBER.search(search_form(text)):
        kinds.add("how_many")
    return frozenset(kinds)


def split_passage(index: int, passage: Passage) -> list[Sentence]:
    return [Sentence(index, s.start, s.end, passage.text[s.start:s.end]) for s in split_sentences(passage.text)]


class SentenceVectors:
    """e5 vectors of passage sentences, cached per chunk: the same chunks come back question after question."""

    def __init__(self, embedder: SupportsEmbedding, size: int = 512) -> None:
        self.embedder = embedder
        self.size = size
        self._cache: OrderedDict[tuple[str, int, int], np.ndarray] = OrderedDict()

    def get(self, passages: Sequence[Passage], sentences: Sequence[Sentence]) -> np.ndarray:
        keys = [(passages[s.passage].id, s.start, s.end) for s in sentences]
        missing = [i for i, k in enumerate(keys) if k not in self._cache]
        if missing:
            vectors = self.embedder.embed_passages([search_form(sentences[i].text) for i in missing])
            for i, v in zip(missing, vectors):
                self._cache[keys[i]] = v
        for k in keys:
            self._cache.move_to_end(k)
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)
        return np.stack([self._cache[k] for k in keys])


def score_sentences(
    question: str,
    passages: Sequence[Passage],
    idf: Callable[[str], float],
    vectors: SentenceVectors | None,
    query_vector: np.ndarray | None = None,
    dense_weight: float = 0.5,
    max_passages: int = 4,
) -> list[Sentence]:
    """Every sentence of the best ``max_passages`` passages, best first.

    A sentence is read with its passage's title, so "when was the 16th SOCCOM held"
    favours the date sentence of the SOCCOM record over a date in another record.
    """
    top = passages[:max_passages]
    sentences = [s for i, p in enumerate(top) for s in split_passage(i, p)]
    if not sentences:
        return []
    terms = query_terms(bridged(question))  # an English question also by the Thai words of its vocabulary
    wanted = asked_kinds(question)
    if vectors is not None:
        q = query_vector if query_vector is not None else vectors.embedder.embed_query(search_form(question))
        dense = vectors.get(top, sentences) @ np.asarray(q)
    else:
        dense = np.zeros(len(sentences))
    for s, d in zip(sentences, dense):
        s.lexical = coverage(terms, f"{top[s.passage].title} {s.text}", idf)
        s.dense = float(d)
        s.kinds = sentence_kinds(s.text)
    # e5 cosines sit in a narrow band (about 0.7-0.9): rescale within this question.
    low, high = float(np.min(dense)), float(np.max(dense))
    spread = high - low if high - low > 1e-6 else 1.0
    if vectors is None:
        dense_weight = 0.0
    for s in sentences:
        rel = (s.dense - low) / spread
        base = (1 - dense_weight) * s.lexical + dense_weight * rel
        kind_share = len(wanted & s.kinds) / len(wanted) if wanted else 0.0
        # multiplicative, so a date or a name never lifts an irrelevant sentence above a relevant one
        s.score = base * (1 + KIND_BONUS * kind_share) * max(0.5, 1 - RANK_PENALTY * s.passage)
    return sorted(sentences, key=lambda s: -s.score)
