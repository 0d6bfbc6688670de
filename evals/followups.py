"""Follow-up pairs (evals/followups.jsonl): a question, then one that refers back to it.

The follow-up ("เขา", "that meeting") is asked with the first answer as history, as
`prachum chat` does, and only its answer is scored: it shows whether the engine
resolves what the follow-up refers to, which a standalone question cannot test.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from evals.answer_metrics import all_facts_present, fact_recall
from evals.facts_file import fact_forms, read_items
from evals.form_metrics import answer_language
from evals.passages import file_name, snippet
from evals.seed_scoring import missing_facts
from evals.stats import mean_or_zero, share_true

FOLLOWUPS_PATH = Path(__file__).resolve().parent / "followups.jsonl"


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


def _followup_item(raw: dict[str, Any]) -> FollowupItem:
    return FollowupItem(
        id=raw["id"], lang=raw["lang"], question=raw["question"], followup=raw["followup"],
        facts=fact_forms(raw), reference=raw["reference"], sources=frozenset(raw["sources"]),
    )


def load_followups(path: Path = FOLLOWUPS_PATH) -> list[FollowupItem]:
    return read_items(path, "a follow-up item", _followup_item)


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
            "fact_recall": mean_or_zero([r.fact_recall for r in group]),
            "all_facts_accuracy": mean_or_zero([float(r.all_facts) for r in group]),
            "refused": sum(r.refused for r in group),
            "language_match_rate": share_true([r.language_match for r in group]),
            "passed": sum(r.passed for r in group),
        }

    langs: dict[str, list[FollowupResult]] = {}
    for r in results:
        langs.setdefault(r.item.lang, []).append(r)
    return {**summary(results), "by_lang": {lang: summary(group) for lang, group in sorted(langs.items())}}
