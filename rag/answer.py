"""Turning evidence into answer text: the extractive answer, and the LLM's context.

The extractive answerer needs no LLM: it answers with the facts the question asks for
(rag/compose), or, when the question asks for no fact a recogniser knows, with the
record's own best sentences. It is instant, cannot hallucinate, and is the fallback
whenever the LLM is missing or declines despite strong evidence.
"""
from __future__ import annotations

from typing import Sequence

from prachum.types import Citation, CitedAnswer, Passage
from rag.compose import compose
from rag.evidence import Sentence, asked_kinds
from rag.near_miss import Corpus
from rag.question import Asked, analyse

MAX_EXTRACTIVE_SENTENCES = 3
# Below this share of the best sentence's score, a sentence is not worth adding.
RELATIVE_FLOOR = 0.35


def extractive_answer(question: str, passages: Sequence[Passage], sentences: Sequence[Sentence],
                      asked: Asked | None = None, corpus: Corpus | None = None) -> CitedAnswer:
    """The asked facts (rag/compose); failing that, the best sentence plus the best sentences holding
    whatever kind of fact it lacks (date, person, ...). Either way each part cites where it stands."""
    if not sentences:
        return CitedAnswer("", [])
    short = compose(question, asked or analyse(question), passages, sentences, corpus)
    if short is not None:
        return short
    best = sentences[0]
    chosen = [best]
    missing = asked_kinds(question) - best.kinds
    for kind in sorted(missing):
        # prefer the best sentence's own passage: the date of a meeting usually stands beside its people
        candidates = [s for s in sentences[1:] if kind in s.kinds and s not in chosen]
        same = [s for s in candidates if s.passage == best.passage]
        pick = next(iter(same), None) or next((s for s in candidates if s.score >= RELATIVE_FLOOR * best.score), None)
        if pick is not None:
            chosen.append(pick)
        if len(chosen) >= MAX_EXTRACTIVE_SENTENCES:
            break
    chosen.sort(key=lambda s: (s.passage, s.start))
    groups: dict[int, list[Sentence]] = {}
    for s in chosen:
        groups.setdefault(s.passage, []).append(s)
    parts, citations = [], []
    for n, (index, group) in enumerate(groups.items(), start=1):
        parts.append(" ".join(s.text.strip() for s in group) + f" [{n}]")
        citations.append(Citation(n, passages[index], [(s.start, s.end) for s in group]))
    return CitedAnswer(" ".join(parts), citations)


def estimate_llm_tokens(text: str) -> int:
    """Rough Qwen token count: Thai runs about 1.2 characters a token, English about 4."""
    thai = sum(1 for ch in text if "\u0e00" <= ch <= "\u0e7f")
    return int(thai / 1.2) + (len(text) - thai) // 4 + 1


def select_context(
    passages: Sequence[Passage], sentences: Sequence[Sentence], budget_tokens: int
) -> list[tuple[int, str]]:
    """The best sentences within the token budget, grouped back by passage in document order.

    Returns (passage index, text) pairs in retrieval order; each text keeps its
    sentences in the order they stand in the record.
    """
    picked: dict[int, list[Sentence]] = {}
    used = 0
    for s in sentences:
        cost = estimate_llm_tokens(s.text) + 2
        if used + cost > budget_tokens:
            if used:
                continue
        picked.setdefault(s.passage, []).append(s)
        used += cost
    blocks = []
    for index in sorted(picked):
        ordered = sorted(picked[index], key=lambda s: s.start)
        blocks.append((index, " ".join(s.text.strip() for s in ordered)))
    return blocks
