"""The seed evaluation: the hand-written facts of evals/facts.jsonl asked of the five seed records.

Retrieval is scored on its own (document-level hit@1/5 and MRR@10 of
``engine.search.search(question, k=10)``), separately from the answers, so that a
wrong answer can be traced to the stage that lost it. Every question keeps what
was expected, what came back and which passages were retrieved: a failing item
must be diagnosable from the report alone, without rerunning anything.
"""
from __future__ import annotations

import json
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence, TypeVar

from prachum.errors import EvalError
from evals.metrics import (
    all_facts_present,
    citation_precision,
    fact_recall,
    hit_at,
    mrr_at,
    refusal_scores,
    token_f1,
)

FACTS_PATH = Path(__file__).resolve().parent / "facts.jsonl"
SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
RETRIEVAL_K = 10
SNIPPET_CHARS = 120
SHOWN_PASSAGES = 5

T = TypeVar("T")


class FactsFileError(EvalError):
    """evals/facts.jsonl (or the file given) cannot be used; the message names the line."""


@dataclass(frozen=True)
class FactItem:
    """One hand-written question: the facts a correct answer states and the records that hold them."""

    id: str
    question: str
    lang: str
    answerable: bool
    facts: tuple[tuple[str, ...], ...]
    reference: str
    sources: frozenset[str]
    kind: str


def load_facts(path: Path = FACTS_PATH) -> list[FactItem]:
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            items.append(FactItem(
                id=raw["id"], question=raw["question"], lang=raw["lang"], answerable=bool(raw["answerable"]),
                facts=tuple(tuple(forms) for forms in raw["facts"]), reference=raw["reference"],
                sources=frozenset(raw["sources"]), kind=raw["kind"],
            ))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise FactsFileError(f"{path}:{number}: not a facts item ({exc})") from None
    return items


def spread(items: Sequence[T], limit: int | None) -> list[T]:
    """``limit`` items evenly spaced over ``items`` (all of them when limit is None or large enough).

    The facts file is ordered by record, with the unanswerable questions last, so
    an evenly spaced subset still asks about every record and includes refusals,
    where the first ``limit`` items would ask about one record only.
    """
    if limit is None or limit >= len(items):
        return list(items)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    return [items[(i * len(items)) // limit] for i in range(limit)]


def file_name(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]


def unique_sources(sources: Iterable[str]) -> list[str]:
    """Sources in rank order, each document once (several chunks of one record are one hit)."""
    return list(dict.fromkeys(sources))


def snippet(text: str, chars: int = SNIPPET_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= chars else flat[:chars] + "…"


def shown_passage(rank: int, source: str, text: str, score: float) -> dict[str, Any]:
    return {"rank": rank, "source": file_name(source), "score": round(float(score), 4), "text": snippet(text)}


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: a value that was actually measured, not an interpolation."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def latency_summary(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "mean": 0.0}
    return {"p50": round(statistics.median(values), 1), "p95": round(percentile(values, 95), 1),
            "mean": round(statistics.fmean(values), 1)}


def _mean(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else 0.0


# --- per question ------------------------------------------------------------------------------
@dataclass
class AnswerResult:
    """One answerer's answer to one question, scored."""

    answerer: str
    answer: str
    refused: bool
    fact_recall: float | None  # None for unanswerable items
    all_facts: bool | None
    token_f1: float | None
    citation_precision: float
    missing_facts: list[str]
    citations: list[dict[str, Any]]
    timings_ms: dict[str, float]
    fallback: bool = False
    evidence: dict[str, float] | None = None

    @property
    def passed(self) -> bool:
        """Answerable: every fact stated. Unanswerable: refused."""
        return bool(self.all_facts) if self.fact_recall is not None else self.refused


@dataclass
class SeedItemResult:
    item: FactItem
    ranked_sources: list[str]
    retrieved: list[dict[str, Any]]
    search_ms: float
    hit_1: bool | None = None  # None for unanswerable items: there is no right source
    hit_5: bool | None = None
    mrr_10: float | None = None
    period: tuple[str, str] | None = None  # the question named a period: retrieval was narrowed to it
    answers: dict[str, AnswerResult] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        item = self.item
        return {
            "id": item.id, "question": item.question, "lang": item.lang, "kind": item.kind,
            "answerable": item.answerable, "expected_sources": sorted(item.sources),
            "expected_facts": [list(forms) for forms in item.facts], "reference": item.reference,
            "ranked_sources": self.ranked_sources, "hit_1": self.hit_1, "hit_5": self.hit_5,
            "mrr_10": self.mrr_10, "period": list(self.period) if self.period else None,
            "search_ms": round(self.search_ms, 1), "retrieved": self.retrieved,
            "answers": {name: {**asdict(a), "passed": a.passed} for name, a in self.answers.items()},
        }


def missing_facts(answer: str, facts: Sequence[Sequence[str]]) -> list[str]:
    """The first form of every fact the answer does not state, for the failure report."""
    return [forms[0] for forms in facts if not all_facts_present(answer, [forms])]


def score_answer(item: FactItem, answer: Any, answerer: str) -> AnswerResult:
    """Score one engine Answer against its item. A refused answerable item states no facts: 0."""
    cites = [{"n": c.n, "source": file_name(c.passage.source), "text": c.passage.text} for c in answer.citations]
    precision = citation_precision([{"source": c["source"], "text": c["text"]} for c in cites],
                                   item.sources, item.facts)
    if item.answerable:
        text = "" if answer.refused else answer.answer
        recall = fact_recall(text, item.facts)
        complete = all_facts_present(text, item.facts)
        f1 = token_f1(text, item.reference)
        missing = missing_facts(text, item.facts)
    else:
        recall = complete = f1 = None
        missing = []
    evidence = answer.evidence.as_dict() if getattr(answer, "evidence", None) is not None else None
    return AnswerResult(
        answerer=answerer, answer=answer.answer, refused=answer.refused, fact_recall=recall,
        all_facts=complete, token_f1=f1, citation_precision=precision, missing_facts=missing,
        citations=[{"n": c["n"], "source": c["source"], "text": snippet(c["text"])} for c in cites],
        timings_ms={k: round(float(v), 1) for k, v in answer.timings_ms.items()},
        fallback=bool(getattr(answer, "fallback", False)), evidence=evidence,
    )


def score_retrieval(item: FactItem, retrieval: Any, search_ms: float) -> SeedItemResult:
    """Document-level ranks of one rag.retriever.Retrieval (several chunks of a record count once)."""
    passages = retrieval.passages
    ranked = unique_sources(file_name(p.source) for p in passages)
    shown = [shown_passage(i, p.source, p.text, p.score) for i, p in enumerate(passages[:SHOWN_PASSAGES], start=1)]
    period = getattr(retrieval, "question_period", None)
    result = SeedItemResult(item, ranked, shown, search_ms,
                            period=(period[0].isoformat(), period[1].isoformat()) if period else None)
    if item.answerable and item.sources:
        result.hit_1 = hit_at(ranked, item.sources, 1)
        result.hit_5 = hit_at(ranked, item.sources, 5)
        result.mrr_10 = mrr_at(ranked, item.sources, 10)
    return result


# --- the whole set -----------------------------------------------------------------------------
@dataclass
class SeedReport:
    answerers: tuple[str, ...]
    items: list[SeedItemResult]
    documents: int = 0
    chunks: int = 0
    index_seconds: float = 0.0
    limit: int | None = None

    def retrieval_summary(self) -> dict[str, Any]:
        scored = [r for r in self.items if r.hit_1 is not None]
        return {
            "n": len(scored),
            "hit_at_1": _mean([float(r.hit_1) for r in scored]),
            "hit_at_5": _mean([float(bool(r.hit_5)) for r in scored]),
            "mrr_at_10": _mean([r.mrr_10 or 0.0 for r in scored]),
            "latency_ms": latency_summary([r.search_ms for r in self.items]),
        }

    def answer_summary(self, answerer: str) -> dict[str, Any]:
        results = [(r.item, r.answers[answerer]) for r in self.items if answerer in r.answers]
        answerable = [a for item, a in results if item.answerable]
        refusals = refusal_scores((item.answerable, a.refused) for item, a in results)

        def times(key: str) -> list[float]:
            return [a.timings_ms[key] for _, a in results if key in a.timings_ms]

        return {
            "n": len(results),
            "answerable": len(answerable),
            "fact_recall": _mean([a.fact_recall or 0.0 for a in answerable]),
            "all_facts_accuracy": _mean([float(bool(a.all_facts)) for a in answerable]),
            "token_f1": _mean([a.token_f1 or 0.0 for a in answerable]),
            "citation_precision": _mean([a.citation_precision for _, a in results]),
            "refusal_precision": float(refusals["precision"]),
            "refusal_recall": float(refusals["recall"]),
            "wrong_refusals": int(refusals["wrong_refusals"]),
            "missed_refusals": int(refusals["missed_refusals"]),
            "fallbacks": sum(a.fallback for _, a in results),
            "passed": sum(a.passed for _, a in results),
            "latency_ms": {key: latency_summary(times(timing))
                           for key, timing in (("retrieval", "retrieve"), ("first_token", "first_token"),
                                               ("total", "total"))},
        }

    def failures(self, answerer: str) -> list[SeedItemResult]:
        return [r for r in self.items if answerer in r.answers and not r.answers[answerer].passed]

    def retrieval_misses(self) -> list[SeedItemResult]:
        return [r for r in self.items if r.hit_5 is False]

    def metrics(self) -> dict[str, Any]:
        return {"retrieval": self.retrieval_summary(), **{a: self.answer_summary(a) for a in self.answerers}}

    def to_json(self) -> dict[str, Any]:
        return {
            "answerers": list(self.answerers), "limit": self.limit, "documents": self.documents,
            "chunks": self.chunks, "index_seconds": round(self.index_seconds, 2),
            "metrics": self.metrics(), "items": [r.to_json() for r in self.items],
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
) -> SeedReport:
    """Ask every item of every answerer through ``engine`` (a rag.engine.Prachum over the seeds).

    Answerers run one after another over all items, not interleaved, so that the
    local LLM's prompt cache sees the same sequence of prompts in every run.
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
    return SeedReport(tuple(answerers), results)


__all__ = [
    "FACTS_PATH", "SEEDS_DIR", "FactItem", "FactsFileError", "load_facts", "spread", "unique_sources",
    "snippet", "latency_summary", "percentile", "AnswerResult", "SeedItemResult", "SeedReport",
    "score_answer", "score_retrieval", "evaluate_seeds", "warm_up", "missing_facts"
]
