"""Scoring one seed question: its retrieval (document hit@1/5, MRR@10) and each answerer's answer.

Retrieval is scored on its own, separately from the answers, so that a wrong
answer can be traced to the stage that lost it. Every question keeps what was
expected, what came back and which passages were retrieved: a failing item must
be diagnosable from the report alone, without rerunning anything.

Besides what an answer says, we measure its form (issue #9): its length, whether
the asked fact comes in the first sentence, whether it is in the question's
language and whether its dates are in the reader's form; `breakdown` gives every
measure by question kind and by language.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Sequence

from evals.answer_metrics import all_facts_present, fact_recall, token_f1
from evals.facts_file import FactItem
from evals.form_metrics import answer_language, answer_length, date_form_ok, fact_in_first_sentence, has_dates
from evals.passages import SHOWN_PASSAGES, file_name, shown_passage, snippet, unique_sources
from evals.retrieval_metrics import citation_precision, hit_at, mrr_at, refusal_scores
from evals.stats import mean_or_zero, median_or_none, share_true


@dataclass
class AnswerResult:
    """One answerer's answer to one question, scored."""

    answerer: str
    answer: str
    refused: bool
    fact_recall: float | None  # None for unanswerable items
    all_facts: bool | None
    token_f1: float | None
    citation_precision: float | None  # None for a refusal: it cites nothing
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
    # the citations an answer makes are those its text points to with [n]; a refusal points to none:
    # the passages shown beneath it are the nearest evidence, not support for a claim (refusals are
    # scored by refusal precision and recall instead)
    made = [{"source": c["source"], "text": c["text"]} for c in cites if f"[{c['n']}]" in answer.answer]
    precision = None if answer.refused else citation_precision(made, item.sources, item.facts)
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


def cited_mean(results: Iterable[AnswerResult]) -> float | None:
    """Citation precision over the answers that cite (refusals cite nothing); None when none did."""
    values = [a.citation_precision for a in results if a.citation_precision is not None]
    return mean_or_zero(values) if values else None


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
        "fact_recall": mean_or_zero([a.fact_recall or 0.0 for a in answerable]) if answerable else None,
        "all_facts_accuracy": mean_or_zero([float(bool(a.all_facts)) for a in answerable]) if answerable else None,
        "citation_precision": cited_mean(a for _, a in results),
        "answer_length_median": median_or_none([a.length for a in answered]),
        "fact_first_rate": share_true([bool(a.fact_first) for a in answerable]),
        "language_match_rate": share_true([a.language_match for _, a in results]),
        "date_form_rate": share_true([a.date_form for a in answered]),
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
