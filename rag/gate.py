"""The refusal gate: decide, before any LLM runs, whether the records hold an answer.

A retriever always returns *something*; a small LLM shown unrelated passages will
happily make an answer out of them. So we measure how strongly the best passages
match the question and refuse below a threshold calibrated on real data: the
Mr. TyDi Thai Wikipedia questions (which the meeting records cannot answer) must be
refused, the hand-written answerable seed questions must not be
(evals/calibrate_gate.py shows the distributions and the chosen threshold).

The strength is the dense cosine of the best passage plus a little of the lexical
coverage (the share of the question's idf-weighted words found in one passage and
its title). Measured over the seed index (bench/results/gate_*.jsonl): e5 cosine
separates best (answerable questions, Thai and English: >= 0.807; Mr. TyDi: median
0.771, 95th percentile 0.800), while coverage alone is fooled by short Wikipedia
questions whose two words happen to occur in a record ("องค์กรหมายถึงอะไร" = 1.0).
Near misses (a meeting number the records never mention) pass the gate: they are
on topic, so the LLM's refusal or the citation check has to catch them.

Between the two thresholds, a Wikipedia question that merely shares "ประเทศไทย" or
"อาเซียน" with a record still passes on its dense score; :func:`off_topic_reason` then
asks whether the records hold what it names (rag/offtopic.py): Mr. TyDi answered 59 -> 18
of 1,190, no answerable seed question refused.
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

from prachum.errors import QuestionError
from prachum.index.bm25 import coverage, query_terms
from prachum.thai.dates import without_dates
from prachum.thai.text import named, search_form, word_tokens
from prachum.types import EvidenceStrength, Passage
from rag.offtopic import off_topic

COVERAGE_WEIGHT = 0.05
GATE_PASSAGES = 3


def check_question(question: str, max_chars: int) -> None:
    """Refuse, with a message, what cannot be searched: nothing, no words at all, or far too much.

    Without words to match, only the dense side would speak, and e5 finds some record
    "similar" to anything (an emoji, a line of SQL); such a question gets a message,
    not an answer. The cap keeps one pasted document from holding the LLM for minutes.
    """
    if not search_form(question):
        raise QuestionError("the question is empty: type what you want to know about the meetings", "empty")
    if not word_tokens(question):
        raise QuestionError("the question has no words to search for (only symbols, emoji or punctuation)", "no_words")
    if len(question) > max_chars:
        raise QuestionError(f"the question is {len(question):,} characters long; the limit is {max_chars:,} "
                            "(setting max_question_chars). Ask about one thing at a time.", "too_long",
                            length=f"{len(question):,}", limit=f"{max_chars:,}")


def evidence_strength(question: str, passages: Sequence[Passage], idf: Callable[[str], float]) -> EvidenceStrength:
    if not passages:
        return EvidenceStrength(0.0, 0.0, 0.0)
    terms = query_terms(question)
    top = passages[:GATE_PASSAGES]
    cov = max(coverage(terms, p.metadata.get("indexed_text", p.text), idf) for p in top)
    dense = max(p.dense for p in top)
    return EvidenceStrength(cov, dense, dense + COVERAGE_WEIGHT * cov)


_NUMBER = re.compile(r"\d+")


def question_specifics(question: str) -> list[str]:
    """Numbers and names a question commits to ("ครั้งที่ 20", "18th", "นายสมชาย"), years and dates aside."""
    numbers = [n for n in _NUMBER.findall(without_dates(question)) if not (len(n) == 4 and 1900 <= int(n) <= 2700)]
    return numbers + named(question)


def missing_specifics(question: str, passages: Sequence[Passage]) -> list[str]:
    """What the question names that none of the passages contains: the sign of a near miss.

    Asked about "SOMSWD ครั้งที่ 20", the records about the 16th and 17th are on topic
    and pass the gate, but they cannot answer it.
    """
    text = "\n".join(search_form(f"{p.title}\n{p.text}") for p in passages)
    words = set(word_tokens(text))
    return [s for s in question_specifics(question) if s not in words and not re.search(rf"(?<!\d){s}(?!\d)", text)]


def should_answer(strength: EvidenceStrength, min_score: float, strong_score: float) -> bool:
    """Strong enough evidence, and words of the question in it unless the dense match alone is strong.

    A question none of whose words stand in the best passages ("'; DROP TABLE embeddings; --")
    is answered only when e5 is sure on its own (as for an English question about a Thai record).
    """
    if strength.score < min_score:
        return False
    return strength.coverage > 0.0 or strength.dense >= strong_score


def is_strong(strength: EvidenceStrength, strong_score: float) -> bool:
    """Evidence strong enough to overrule an LLM that says the passages do not answer."""
    return strength.score >= strong_score


def off_topic_reason(question: str, passages: Sequence[Passage], strength: EvidenceStrength,
                     idf: Callable[[str], float], min_score: float, strong_score: float) -> str | None:
    """Why a question that passed on strength is about something the records do not hold, or None.

    The question's vocabulary overrules e5 only in the lower half of the band between the gate and
    a strong match, where every Mr. TyDi question that passes the gate and names something the
    records lack stands (its dense score is at most 0.83). Above the middle e5 is trusted: a
    paraphrase in words the records do not use, or a spelling variant ("ความปกติใหม่" for the
    records' "ความปรกติใหม่", 0.85), is not refused for its wording. Below it stand on-topic
    questions too (English ones, acronyms, a person's position: 0.80-0.83); they pass because
    their words are the records' (rag/offtopic.py).
    """
    if strength.dense >= (min_score + strong_score) / 2:
        return None
    return off_topic(question, passages, idf)
