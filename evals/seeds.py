"""The seed evaluation: the hand-written facts of evals/facts.jsonl asked of the five seed records.

This module runs the questions over an engine and sums the results up
(`evaluate_seeds`, `SeedReport`); the pieces it uses each have a module of their own:
- `evals.facts_file`: the facts file, its items and even subsets of it;
- `evals.seed_scoring`: the scoring of one question's retrieval and answers, and the
  breakdown by question kind and language;
- `evals.followups`: the follow-up pairs of evals/followups.jsonl;
- `evals.passages` and `evals.stats`: how passages are shown, and summary statistics.
Their public names are re-exported here, so ``from evals.seeds import ...`` keeps working.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from evals.facts_file import FACTS_PATH, FactItem, FactsFileError, load_facts, spread
from evals.followups import (
    FOLLOWUPS_PATH,
    FollowupItem,
    FollowupResult,
    followup_summary,
    load_followups,
    score_followup,
)
from evals.passages import snippet, unique_sources
from evals.retrieval_metrics import refusal_scores
from evals.seed_scoring import (
    AnswerResult,
    SeedItemResult,
    breakdown,
    cited_mean,
    form_summary,
    missing_facts,
    score_answer,
    score_retrieval,
)
from evals.stats import latency_summary, mean_or_zero, percentile

SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
RETRIEVAL_K = 10


@dataclass
class SeedReport:
    """Every question's scores and their summaries: `metrics()` is what the reports and the quality gate read."""

    answerers: tuple[str, ...]
    items: list[SeedItemResult]
    documents: int = 0
    chunks: int = 0
    index_seconds: float = 0.0
    limit: int | None = None
    followups: list[FollowupResult] = field(default_factory=list)

    def retrieval_summary(self) -> dict[str, Any]:
        scored = [r for r in self.items if r.hit_1 is not None]
        return {
            "n": len(scored),
            "hit_at_1": mean_or_zero([float(r.hit_1) for r in scored]),
            "hit_at_5": mean_or_zero([float(bool(r.hit_5)) for r in scored]),
            "mrr_at_10": mean_or_zero([r.mrr_10 or 0.0 for r in scored]),
            "latency_ms": latency_summary([r.search_ms for r in self.items]),
        }

    def answer_summary(self, answerer: str) -> dict[str, Any]:
        results = [(r.item, r.answers[answerer]) for r in self.items if answerer in r.answers]
        answerable = [a for item, a in results if item.answerable]
        refusals = refusal_scores((item.answerable, a.refused) for item, a in results)

        def times(key: str) -> list[float]:
            return [a.timings_ms[key] for _, a in results if key in a.timings_ms]

        form = form_summary(results)
        return {
            "n": len(results),
            "answerable": len(answerable),
            "fact_recall": mean_or_zero([a.fact_recall or 0.0 for a in answerable]),
            "all_facts_accuracy": mean_or_zero([float(bool(a.all_facts)) for a in answerable]),
            "token_f1": mean_or_zero([a.token_f1 or 0.0 for a in answerable]),
            "citation_precision": cited_mean(a for _, a in results),
            "refusal_precision": float(refusals["precision"]),
            "refusal_recall": float(refusals["recall"]),
            "wrong_refusals": int(refusals["wrong_refusals"]),
            "missed_refusals": int(refusals["missed_refusals"]),
            "fallbacks": sum(a.fallback for _, a in results),
            "passed": sum(a.passed for _, a in results),
            "answer_length_median": form["answer_length_median"],
            "fact_first_rate": form["fact_first_rate"],
            "language_match_rate": form["language_match_rate"],
            "date_form_rate": form["date_form_rate"],
            "dated_answers": form["dated_answers"],
            "latency_ms": {key: latency_summary(times(timing))
                           for key, timing in (("retrieval", "retrieve"), ("first_token", "first_token"),
                                               ("total", "total"))},
            "by_kind": breakdown(results, "kind"),
            "by_lang": breakdown(results, "lang"),
        }

    def failures(self, answerer: str) -> list[SeedItemResult]:
        return [r for r in self.items if answerer in r.answers and not r.answers[answerer].passed]

    def retrieval_misses(self) -> list[SeedItemResult]:
        return [r for r in self.items if r.hit_5 is False]

    def followup_metrics(self) -> dict[str, Any]:
        """Per answerer, the follow-up pairs' scores (answerers without pairs are left out)."""
        return {a: followup_summary(rs) for a in self.answerers
                if (rs := [r for r in self.followups if r.answerer == a])}

    def metrics(self) -> dict[str, Any]:
        metrics = {"retrieval": self.retrieval_summary(), **{a: self.answer_summary(a) for a in self.answerers}}
        if self.followups:
            metrics["followups"] = self.followup_metrics()
        return metrics

    def to_json(self) -> dict[str, Any]:
        return {
            "answerers": list(self.answerers), "limit": self.limit, "documents": self.documents,
            "chunks": self.chunks, "index_seconds": round(self.index_seconds, 2),
            "metrics": self.metrics(), "items": [r.to_json() for r in self.items],
            "followups": [r.to_json() for r in self.followups],
        }


def warm_up(engine: Any, question: str, answerers: Sequence[str] = ()) -> None:
    """Load what the first question would otherwise pay for (LLM weights, the in-memory BM25 index),
    so that latency percentiles describe answering, not start-up."""
    if question:
        engine.search.search(question, RETRIEVAL_K)
    for answerer in answerers:
        if hasattr(engine, "chat_model"):
            engine.chat_model(answerer)


def evaluate_seeds(
    engine: Any,
    items: Sequence[FactItem],
    answerers: Sequence[str] = ("extractive", "local"),
    *,
    k: int | None = None,
    progress: bool = False,
    followups: Sequence[FollowupItem] = (),
) -> SeedReport:
    """Ask every item of every answerer through ``engine`` (a rag.engine.Prachum over the seeds).

    Answerers run one after another over all items, not interleaved, so that the
    local LLM's prompt cache sees the same sequence of prompts in every run. Each
    follow-up pair asks its first question without history, then the follow-up with
    the history ``[(question, first answer)]``, as `prachum chat` does.
    """
    from tqdm import tqdm

    results = []
    warm_up(engine, items[0].question if items else "", answerers)
    for item in tqdm(items, desc="seed retrieval", disable=not progress, leave=False):
        start = time.perf_counter()
        retrieval = engine.search.search(item.question, RETRIEVAL_K)
        results.append(score_retrieval(item, retrieval, (time.perf_counter() - start) * 1000))
    for answerer in answerers:
        for result in tqdm(results, desc=f"seed answers ({answerer})", disable=not progress, leave=False):
            answer = engine.ask(result.item.question, answerer=answerer, k=k)
            result.answers[answerer] = score_answer(result.item, answer, answerer)
    asked = []
    for answerer in answerers:
        for pair in tqdm(followups, desc=f"follow-ups ({answerer})", disable=not progress, leave=False):
            first = engine.ask(pair.question, answerer=answerer, k=k)
            second = engine.ask(pair.followup, history=[(pair.question, first.answer)], answerer=answerer, k=k)
            asked.append(score_followup(pair, first, second, answerer))
    return SeedReport(tuple(answerers), results, followups=asked)


__all__ = [
    "FACTS_PATH", "FOLLOWUPS_PATH", "SEEDS_DIR", "FactItem", "FactsFileError", "FollowupItem", "FollowupResult",
    "load_facts", "load_followups", "spread", "unique_sources", "snippet", "latency_summary", "percentile",
    "AnswerResult", "SeedItemResult", "SeedReport", "score_answer", "score_followup", "score_retrieval",
    "form_summary", "breakdown", "followup_summary", "evaluate_seeds", "warm_up", "missing_facts"
]
