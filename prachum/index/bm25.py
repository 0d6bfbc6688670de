"""The lexical half of retrieval: an incremental BM25 index over newmm word tokens.

Why our own index rather than ``rank_bm25``: records are added and removed one file
at a time, and the index must be kept in step with Chroma; rank_bm25 can only be
rebuilt whole. This is the same Okapi formula with an inverted index, so adding or
removing a chunk touches only that chunk's terms.

Why the Lucene form of idf, ``log(1 + (N - n + 0.5) / (n + 0.5))``: it is always
positive. rank_bm25's Okapi idf goes negative for a term in more than half of the
documents and is then floored to a fraction of the mean idf, which on a small
meeting corpus (a few chunks) makes common but meaningful words count for almost
nothing. On the external benchmarks ours is no worse: mean Recall@1 over XQuAD-th,
iApp test and iApp with distractors 92.8 (k1 1.2, words) vs 92.5 for rank_bm25.

Why character 3-grams next to the words: newmm splits names and loanwords
inconsistently (แพนเธอร์ส -> แพน|เธอร์ส, but ทีมแพนเธอร์ -> ทีม|แพน|เธอร์), and a
word that is split differently in the question and the record never matches. The
index therefore also holds the 3-grams of the words run together, in their own
namespace; the caller still passes plain word tokens. Recall@1 of BM25 alone (k1
0.9) goes from 94.0 to 95.4 on XQuAD-th, 94.9 to 96.3 on iApp test, 90.1 to 90.5 on
iApp with 1523 distractor contexts; the hybrid on XQuAD-th from 95.2 to 95.9.

Why drop question words from the query (:func:`query_terms`): a question word such
as อะไร or กี่ never appears in the answer passage, but it does appear in any
passage that happens to contain a question or the same word used otherwise, so it
only adds noise: BM25 Recall@1 95.3 -> 95.4 (XQuAD-th), 95.8 -> 96.3 (iApp),
90.0 -> 90.5 (iApp + distractors). Dropping all of pythainlp's stop words instead
costs ~1 point: many of them (ที่, ได้, ให้) are part of names and phrases.

k1 0.6 and b 0.75 were chosen inside the hybrid, which is what the product runs:
there k1 0.6 beats or ties 0.9 on all three benchmarks (mean Recall@1 95.9 vs 95.6). For
BM25 alone every k1 in 0.6-1.2 with b in 0.5-0.9 is within 0.7 of the best
(k1 0.9: 94.1; k1 0.6: 94.0). A low k1 saturates term frequency early, which
suits the character 3-grams that repeat a lot within a chunk.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Callable, Iterable, Mapping, Sequence

from prachum.thai.text import word_tokens

# k1 and b are settings (bm25_k1, bm25_b); the n-gram length is part of how the index is read.
NGRAM = 3
# Marks character n-grams. search_form strips zero-width characters, so no word token contains it.
NGRAM_MARK = "\u200b"

# Thai question words and polite particles, as newmm splits them. They say what kind
# of answer is wanted, never which passage holds it.
QUESTION_WORDS = frozenset(
    {
        "อะไร", "ใคร", "ไหน", "ที่ไหน", "ใด", "ที่ใด", "อันใด", "คนใด", "ผู้ใด", "สิ่งใด", "แห่งใด",
        "เมื่อไร", "เมื่อไหร่", "เมื่อใด", "กี่", "เท่าไร", "เท่าไหร่", "เท่าใด", "อย่างไร", "ยังไง",
        "ทำไม", "เพราะเหตุใด", "ไหม", "มั้ย", "หรือไม่", "หรือเปล่า", "บ้าง", "ครับ", "คะ", "ค่ะ",
    }
)


def document_terms(text: str) -> list[str]:
    """Tokens to add for a chunk: newmm words of its search form (the index derives the n-grams)."""
    return word_tokens(text)


def query_terms(text: str) -> list[str]:
    """Terms searched for a question: its word tokens without question words.

    If the question is nothing but question words, they are kept, so that a
    query never silently becomes empty.
    """
    tokens = word_tokens(text)
    kept = [t for t in tokens if t not in QUESTION_WORDS]
    return kept or tokens


def coverage(question_terms: Sequence[str], text: str, idf: Callable[[str], float]) -> float:
    """Share of the question's idf mass whose words occur in ``text`` (0..1)."""
    terms = set(question_terms)
    total = sum(idf(t) for t in terms)
    if not total:
        return 0.0
    present = set(word_tokens(text))
    return sum(idf(t) for t in terms if t in present) / total


def _best(scores: Mapping[str, float], k: int) -> list[tuple[str, float]]:
    if k <= 0:
        return []
    matched = [(d, s) for d, s in scores.items() if s > 0.0]
    matched.sort(key=lambda pair: (-pair[1], pair[0]))
    return matched[:k]


def char_ngrams(tokens: Sequence[str], n: int) -> list[str]:
    """Character n-grams of the tokens run together (Thai writes words without spaces)."""
    if n <= 0:
        return []
    joined = "".join(tokens)
    return [NGRAM_MARK + joined[i : i + n] for i in range(len(joined) - n + 1)]


class BM25Index:
    """Okapi BM25 over word tokens (plus their character n-grams), keyed by id, updatable in place.

    ``ngram`` = 0 indexes the words alone. Only the words are stored and saved;
    the n-grams are derived again when a document is added or a query scored.
    """

    def __init__(self, k1: float, b: float, ngram: int = NGRAM) -> None:
        if k1 < 0:
            raise ValueError(f"k1 must be >= 0, got {k1}")
        if not 0.0 <= b <= 1.0:
            raise ValueError(f"b must be between 0 and 1, got {b}")
        if ngram < 0 or ngram > 8:
            raise ValueError(f"ngram must be 0 (words only) to 8, got {ngram}")
        self.k1 = k1
        self.b = b
        self.ngram = ngram
        self._tokens: dict[str, list[str]] = {}
        self._lengths: dict[str, int] = {}
        self._postings: dict[str, dict[str, int]] = {}
        self._total_length = 0

    # --- contents -------------------------------------------------------
    def __len__(self) -> int:
        return len(self._tokens)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._tokens

    def ids(self) -> list[str]:
        return list(self._tokens)

    def tokens(self, doc_id: str) -> list[str]:
        return list(self._tokens[doc_id])

    def add(self, doc_id: str, tokens: Sequence[str]) -> None:
        """Index a document; an id already present is replaced, so re-ingesting a file is safe."""
        if doc_id in self._tokens:
            self.remove(doc_id)
        toks = [str(t) for t in tokens]
        terms = self.terms(toks)
        self._tokens[doc_id] = toks
        self._lengths[doc_id] = len(terms)
        self._total_length += len(terms)
        for term, tf in Counter(terms).items():
            self._postings.setdefault(term, {})[doc_id] = tf

    def add_many(self, docs: Mapping[str, Sequence[str]] | Iterable[tuple[str, Sequence[str]]]) -> None:
        items = docs.items() if isinstance(docs, Mapping) else docs
        for doc_id, tokens in items:
            self.add(doc_id, tokens)

    def remove(self, doc_id: str) -> bool:
        """Drop a document; returns False when it was not indexed (removing twice is harmless)."""
        toks = self._tokens.pop(doc_id, None)
        if toks is None:
            return False
        self._total_length -= self._lengths.pop(doc_id)
        for term in set(self.terms(toks)):
            posting = self._postings[term]
            del posting[doc_id]
            if not posting:
                del self._postings[term]
        return True

    def remove_many(self, doc_ids: Iterable[str]) -> int:
        return sum(self.remove(d) for d in list(doc_ids))

    def clear(self) -> None:
        self._tokens.clear()
        self._lengths.clear()
        self._postings.clear()
        self._total_length = 0

    # --- scoring --------------------------------------------------------
    def terms(self, tokens: Sequence[str]) -> list[str]:
        """What is counted for a token list: the words and, unless ngram is 0, their n-grams."""
        return [*tokens, *char_ngrams(tokens, self.ngram)]

    def idf(self, term: str) -> float:
        n = len(self._postings.get(term, ()))
        return math.log(1.0 + (len(self._tokens) - n + 0.5) / (n + 0.5))

    def scores(self, query_tokens: Sequence[str]) -> dict[str, float]:
        """BM25 score of every indexed document (0.0 where no query term occurs).

        ``query_tokens`` are word tokens (see :func:`query_terms`); the index adds
        their n-grams. All documents are returned, not only matches, because
        fusion normalises over the score distribution and a zero is information
        too. A term repeated in the query counts once per occurrence, as in rank_bm25.
        """
        result = dict.fromkeys(self._tokens, 0.0)
        if not self._tokens:
            return result
        avgdl = self._total_length / len(self._tokens) or 1.0
        k1, b = self.k1, self.b
        for term, qtf in Counter(self.terms(list(query_tokens))).items():
            posting = self._postings.get(term)
            if not posting:
                continue
            weight = qtf * self.idf(term) * (k1 + 1.0)
            for doc_id, tf in posting.items():
                norm = k1 * (1.0 - b + b * self._lengths[doc_id] / avgdl)
                result[doc_id] += weight * tf / (tf + norm)
        return result

    def top_k(self, query_tokens: Sequence[str], k: int) -> list[tuple[str, float]]:
        """The k best (id, score) pairs, best first; documents that match nothing are left out."""
        return _best(self.scores(query_tokens), k)

    def candidates(self, query_tokens: Sequence[str], k: int, include: Iterable[str] = ()) -> dict[str, float]:
        """Scores of the k best matches plus the exact scores (often 0.0) of ``include``.

        Fusion needs a lexical score for every dense candidate: a chunk the dense
        side found but whose words match nothing has a true BM25 score of 0, which
        is information, not a missing value. Passing the dense candidates as
        ``include`` keeps a lone lexical match from looking average (z = 0).
        """
        scores = self.scores(query_tokens)
        out = dict(_best(scores, k))
        for doc_id in include:
            if doc_id in scores:
                out.setdefault(doc_id, scores[doc_id])
        return out

