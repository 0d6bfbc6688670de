"""The seed evaluation: the hand-written facts of evals/facts.jsonl asked of the five seed records.

Retrieval is scored on its own (document-level hit@1/5 and MRR@10 of
``engine.search.search(question, k=10)``), separately from the answers, so that a
wrong answer can be traced to the stage that lost it. Every question keeps what
was expected, what came back and which passages were retrieved: a failing item
must be diagnosable from the report alone, without rerunning anything.

Besides what an answer says, we measure its form (issue #9): its length, whether
the asked fact comes in the first sentence, whether it is in the question's
language and whether its dates are in the reader's form; every measure is also
broken down by question kind and by language. The follow-up pairs of
evals/followups.jsonl ask a question, then one that refers back to it ("เขา",
"that meeting") with the first answer as history, and score the second answer.
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
    answer_length,
    answer_language,
    citation_precision,
    date_form_ok,
    fact_in_first_sentence,
    fact_recall,
    has_dates,
    hit_at,
    mrr_at,
    refusal_scores,
    token_f1,
)

FACTS_PATH = Path(__file__).resolve().parent / "facts.jsonl"
FOLLOWUPS_PATH = Path(__file__).resolve().parent / "followups.jsonl"
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


@dataclass(frozen=True)
class FollowupItem:
    """A question, then a follow-up that refers back to it; the facts are those of the follow-up's answer."""

    id: str
    lang: str
    question: str
    followup: str
    facts: tuple[tuple[str, ...], ...]
    reference: str
    sources: frozenset[str]


def load_followups(path: Path = FOLLOWUPS_PATH) -> list[FollowupItem]:
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            items.append(FollowupItem(
                id=raw["id"], lang=raw["lang"], question=raw["question"], followup=raw["followup"],
                facts=tuple(tuple(forms) for forms in raw["facts"]), reference=raw["reference"],
                sources=frozenset(raw["sources"]),
            ))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise FactsFileError(f"{path}:{number}: not a follow-up item ({exc})") from None
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


def _rate(values: Sequence[bool | None]) -> float | None:
    """Share of True among the values that apply (None: not applicable); None when none apply."""
    applicable = [bool(v) for v in values if v is not None]
    return statistics.fmean(applicable) if applicable else None


def _median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


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
    length: int = 0  # characters without citation markers
    fact_first: bool | None = None  # the first asked fact is in the first sentence; None if unanswerable
    language: str = ""  # "th", "en", or "" (no words: only digits or acronyms)
    language_match: bool = True
    date_form: bool | None = None  # every date in the reader's form; None when the answer has no date

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
    language = answer_language(answer.answer)
    return AnswerResult(
        answerer=answerer, answer=answer.answer, refused=answer.refused, fact_recall=recall,
        all_facts=complete, token_f1=f1, citation_precision=precision, missing_facts=missing,
        citations=[{"n": c["n"], "source": c["source"], "text": snippet(c["text"])} for c in cites],
        timings_ms={k: round(float(v), 1) for k, v in answer.timings_ms.items()},
        fallback=bool(getattr(answer, "fallback", False)), evidence=evidence,
        length=answer_length(answer.answer),
        fact_first=(not answer.refused and fact_in_first_sentence(answer.answer, item.facts))
        if item.answerable else None,
        language=language, language_match=language in ("", item.lang),
        date_form=date_form_ok(answer.answer, item.lang) if has_dates(answer.answer) else None,
    )


def form_summary(results: Sequence[tuple[FactItem, AnswerResult]]) -> dict[str, Any]:
    """The measures of one group of answers (all of them, one kind, one language).

    Length and date form are over the answers given (a refusal is not an answer, and
    its fixed text would pull the median down); date form only over answers that
    hold a date; the fact-first rate over answerable items, a refusal counting as
    not first; language match over every answer, refusals included (a Thai refusal to
    an English question is in the wrong language). A measure that applies to no item
    of the group is None.
    """
    answerable = [a for item, a in results if item.answerable]
    answered = [a for _, a in results if not a.refused]
    refusals = refusal_scores((item.answerable, a.refused) for item, a in results)
    return {
        "n": len(results),
        "answerable": len(answerable),
        "fact_recall": _mean([a.fact_recall or 0.0 for a in answerable]) if answerable else None,
        "all_facts_accuracy": _mean([float(bool(a.all_facts)) for a in answerable]) if answerable else None,
        "citation_precision": _mean([a.citation_precision for _, a in results]) if results else None,
        "answer_length_median": _median([a.length for a in answered]),
        "fact_first_rate": _rate([bool(a.fact_first) for a in answerable]),
        "language_match_rate": _rate([a.language_match for _, a in results]),
        "date_form_rate": _rate([a.date_form for a in answered]),
        "dated_answers": sum(a.date_form is not None for a in answered),
        "refusal_precision": float(refusals["precision"]),
        "refusal_recall": float(refusals["recall"]),
    }


def breakdown(results: Sequence[tuple[FactItem, AnswerResult]], key: str) -> dict[str, dict[str, Any]]:
    """`form_summary` per value of ``key`` ("kind" or "lang") of the items, in sorted order."""
    groups: dict[str, list[tuple[FactItem, AnswerResult]]] = {}
    for item, result in results:
        groups.setdefault(str(getattr(item, key)), []).append((item, result))
    return {name: form_summary(group) for name, group in sorted(groups.items())}


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


# --- follow-ups ---------------------------------------------------------------------------------
@dataclass
class FollowupResult:
    """One answerer's answers to a follow-up pair; the second answer is the one scored."""

    item: FollowupItem
    answerer: str
    first_answer: str
    first_refused: bool
    answer: str
    refused: bool
    standalone_question: str  # what the follow-up was rewritten to, for the failure report
    fact_recall: float
    all_facts: bool
    missing_facts: list[str]
    language_match: bool
    citations: list[dict[str, Any]]
    timings_ms: dict[str, float]

    @property
    def passed(self) -> bool:
        return self.all_facts

    def to_json(self) -> dict[str, Any]:
        item = self.item
        return {
            "id": item.id, "lang": item.lang, "question": item.question, "followup": item.followup,
            "expected_facts": [list(forms) for forms in item.facts], "reference": item.reference,
            "expected_sources": sorted(item.sources), "answerer": self.answerer,
            "first_answer": self.first_answer, "first_refused": self.first_refused, "answer": self.answer,
            "refused": self.refused, "standalone_question": self.standalone_question,
            "fact_recall": self.fact_recall, "all_facts": self.all_facts, "missing_facts": self.missing_facts,
            "language_match": self.language_match, "citations": self.citations, "timings_ms": self.timings_ms,
            "passed": self.passed,
        }


def score_followup(item: FollowupItem, first: Any, second: Any, answerer: str) -> FollowupResult:
    """Score the follow-up's answer against its facts; a refusal states none."""
    text = "" if second.refused else second.answer
    return FollowupResult(
        item=item, answerer=answerer, first_answer=first.answer, first_refused=bool(first.refused),
        answer=second.answer, refused=bool(second.refused),
        standalone_question=str(getattr(second, "standalone_question", "") or ""),
        fact_recall=fact_recall(text, item.facts), all_facts=all_facts_present(text, item.facts),
        missing_facts=missing_facts(text, item.facts),
        language_match=answer_language(second.answer) in ("", item.lang),
        citations=[{"n": c.n, "source": file_name(c.passage.source), "text": snippet(c.passage.text)}
                   for c in second.citations],
        timings_ms={k: round(float(v), 1) for k, v in second.timings_ms.items()},
    )


def followup_summary(results: Sequence[FollowupResult]) -> dict[str, Any]:
    def summary(group: Sequence[FollowupResult]) -> dict[str, Any]:
        return {
            "n": len(group),
            "fact_recall": _mean([r.fact_recall for r in group]),
            "all_facts_accuracy": _mean([float(r.all_facts) for r in group]),
            "refused": sum(r.refused for r in group),
            "language_match_rate": _rate([r.language_match for r in group]),
            "passed": sum(r.passed for r in group),
        }

    langs: dict[str, list[FollowupResult]] = {}
    for r in results:
        langs.setdefault(r.item.lang, []).append(r)
    return {**summary(results), "by_lang": {lang: summary(group) for lang, group in sorted(langs.items())}}


# --- the whole set -----------------------------------------------------------------------------
@dataclass
class SeedReport:
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

        form = form_summary(results)
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
