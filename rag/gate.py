"""The refusal gate: decide, before any LLM runs, whether the records hold an answer.

A retriever always returns *something*; a small LLM shown unrelated passages will
happily make an answer out of them. So we measure how strongly the best passages
match the question and refuse below a threshold calibrated on real data: the
Mr. TyDi Thai Wikipedia questions (which the meeting records cannot answer) must be
refused, the hand-written answerable seed questions must not be
(evals/calibrate_gate.py shows the distributions and the chosen threshold).

The strength is the larger of two signals, because each fails alone:
- lexical coverage: the share of the question's idf-weighted words found in one
  passage (with its title). Exact and strong for Thai questions, but blind to
  English questions over Thai records;
- dense similarity of the best passage, rescaled from e5's narrow cosine band.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from rag.bm25 import query_terms
from rag.evidence import coverage
from rag.retriever import Passage

# e5-small cosines between a question and a passage: unrelated ~0.75, on topic ~0.85+.
DENSE_FLOOR = 0.78
DENSE_CEIL = 0.90
GATE_PASSAGES = 3


@dataclass(frozen=True)
class EvidenceStrength:
    coverage: float
    dense: float
    score: float

    def as_dict(self) -> dict[str, float]:
        return {"coverage": round(self.coverage, 4), "dense": round(self.dense, 4), "score": round(self.score, 4)}


def dense_scaled(cosine: float) -> float:
    return min(1.0, max(0.0, (cosine - DENSE_FLOOR) / (DENSE_CEIL - DENSE_FLOOR)))


def evidence_strength(question: str, passages: Sequence[Passage], idf: Callable[[str], float]) -> EvidenceStrength:
    if not passages:
        return EvidenceStrength(0.0, 0.0, 0.0)
    terms = query_terms(question)
    top = passages[:GATE_PASSAGES]
    cov = max(coverage(terms, p.metadata.get("indexed_text", p.text), idf) for p in top)
    dense = max(p.dense for p in top)
    return EvidenceStrength(cov, dense, max(cov, dense_scaled(dense)))


def should_answer(strength: EvidenceStrength, min_score: float) -> bool:
    return strength.score >= min_score
