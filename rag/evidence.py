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
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from prachum.index.bm25 import coverage, query_terms
from prachum.index.sentence_cache import SentenceVectorCache
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
    """Each chunk's sentences and their e5 vectors: as ingest kept them in the catalog (``kept``), else
    split and encoded here; held in memory either way, since the same chunks come back question after
    question. Reading the kept split also spares crfcut (~15 ms a chunk) on every question."""

    def __init__(self, embedder: SupportsEmbedding, kept: SentenceVectorCache | None = None, size: int = 256) -> None:
        self.embedder = embedder
        self.kept = kept
        self.size = size  # chunks held in memory
        self._chunks: OrderedDict[str, dict[tuple[int, int], np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()  # the UI answers several people at once

    def load(self, passages: Sequence[Passage], dim: int) -> None:
        """Read the kept rows of the passages not in memory yet, in one catalog query."""
        with self._lock:
            wanted = [p.id for p in passages if p.id not in self._chunks]
        found = self.kept.get(wanted, dim) if wanted and self.kept is not None else {}
        with self._lock:
            self._chunks.update(found)
            self._trim([p.id for p in passages])

    def split(self, index: int, passage: Passage) -> list[Sentence]:
        """The passage's sentences, by the split kept with its vectors when there is one."""
        with self._lock:
            spans = sorted(self._chunks.get(passage.id, ()))
        if not spans or spans[-1][1] > len(passage.text):
            return split_passage(index, passage)
        return [Sentence(index, a, b, passage.text[a:b]) for a, b in spans]

    def get(self, passages: Sequence[Passage], sentences: Sequence[Sentence], dim: int) -> np.ndarray:
        self.load(passages, dim)
        ids = [passages[s.passage].id for s in sentences]
        with self._lock:
            found = [self._chunks.get(i, {}).get((s.start, s.end)) for i, s in zip(ids, sentences)]
        missing = [n for n, v in enumerate(found) if v is None]
        if missing:
            encoded = self.embedder.embed_passages([search_form(sentences[n].text) for n in missing])
            with self._lock:
                for n, v in zip(missing, encoded):
                    found[n] = v
                    self._chunks.setdefault(ids[n], {})[(sentences[n].start, sentences[n].end)] = v
        with self._lock:
            self._trim(ids)
        return np.stack(found)

    def _trim(self, used: Sequence[str]) -> None:
        for chunk_id in used:
            if chunk_id in self._chunks:
                self._chunks.move_to_end(chunk_id)
        while len(self._chunks) > self.size:
            self._chunks.popitem(last=False)


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
    if vectors is not None:
        q = query_vector if query_vector is not None else vectors.embedder.embed_query(search_form(question))
        vectors.load(top, len(q))
        sentences = [s for i, p in enumerate(top) for s in vectors.split(i, p)]
    else:
        sentences = [s for i, p in enumerate(top) for s in split_passage(i, p)]
    if not sentences:
        return []
    terms = query_terms(bridged(question))  # an English question also by the Thai words of its vocabulary
    wanted = asked_kinds(question)
    dense = vectors.get(top, sentences, len(q)) @ np.asarray(q) if vectors is not None else np.zeros(len(sentences))
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
