"""Seed evaluation: loading facts, subsets, document-level retrieval scores and answer scoring."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from evals.seeds import (
    FactItem,
    FactsFileError,
    evaluate_seeds,
    latency_summary,
    load_facts,
    missing_facts,
    percentile,
    score_answer,
    score_retrieval,
    snippet,
    spread,
    unique_sources,
)
from prachum.types import Citation, EvidenceStrength, Filters, Passage
from rag.retriever import Retrieval

SOMSWD = "000_e91d83dd3f878e86.txt"
SOCA = "003_f9ff260f397ac10e.txt"
OTHER = "002_d332b30e73633e87.txt"


def passage(source: str, text: str, score: float = 1.0) -> Passage:
    return Passage(id=f"{source}-{score}", text=text, source=f"/data/seeds/{source}", title="t", date="",
                   score=score, dense=0.8, lexical=1.0)


def item(answerable: bool = True, facts=(("24 กันยายน 2563", "24 September 2020"),), sources=(SOMSWD,)) -> FactItem:
    return FactItem(id="q900", question="การประชุม SOMSWD+3 ครั้งที่ ๑๕ จัดขึ้นวันที่เท่าไร", lang="th",
                    answerable=answerable, facts=tuple(tuple(f) for f in facts) if answerable else (),
                    reference="จัดขึ้นวันที่ 24 กันยายน 2563" if answerable else "ไม่พบข้อมูลนี้ในบันทึกการประชุม",
                    sources=frozenset(sources) if answerable else frozenset(), kind="when")


@dataclass
class FakeAnswer:
    answer: str
    refused: bool = False
    citations: list = field(default_factory=list)
    timings_ms: dict = field(default_factory=lambda: {"retrieve": 12.0, "generate": 3.0, "total": 15.0,
                                                      "first_token": 15.0})
    evidence: EvidenceStrength | None = None
    fallback: bool = False


# --- loading and subsets ----------------------------------------------------------------------
def test_load_facts_reads_the_real_file():
    items = load_facts()
    assert len(items) == 98
    first = items[0]
    assert first.id == "q001" and first.answerable and first.lang == "th"
    assert SOMSWD in first.sources
    assert any("๒๔ กันยายน ๒๕๖๓" in forms for forms in first.facts)
    assert sum(not i.answerable for i in items) == 17


def test_load_facts_names_the_bad_line(tmp_path: Path):
    path = tmp_path / "facts.jsonl"
    path.write_text('{"id": "q001", "question": "ประชุมเมื่อ ก.พ. 64", "lang": "th"}\n', encoding="utf-8")
    with pytest.raises(FactsFileError, match=r"facts.jsonl:1"):
        load_facts(path)


def test_spread_covers_every_record_and_includes_refusals():
    items = load_facts()
    subset = spread(items, 12)
    assert len(subset) == 12 and subset == spread(items, 12)
    assert len({i.id for i in subset}) == 12
    assert {s for i in subset for s in i.sources} == {s for i in items for s in i.sources}
    assert any(not i.answerable for i in subset)
    assert spread(items, None) == items and spread(items, 500) == items
    with pytest.raises(ValueError):
        spread(items, 0)


def test_unique_sources_keeps_rank_order():
    assert unique_sources(["a.txt", "b.txt", "a.txt", "c.txt", "b.txt"]) == ["a.txt", "b.txt", "c.txt"]


def test_snippet_is_one_line_of_at_most_120_characters():
    text = "การประชุม SOCA Retreat\nเมื่อวันที่ 8 ก.พ. 64 " * 20
    short = snippet(text)
    assert "\n" not in short and short.endswith("…") and len(short) == 121
    assert snippet("๒๕๖๔") == "๒๕๖๔"


def test_latency_summary_uses_measured_values():
    values = [10.0, 20.0, 30.0, 40.0, 1000.0]
    summary = latency_summary(values)
    assert summary["p50"] == 30.0 and summary["p95"] == 1000.0 and summary["mean"] == 220.0
    assert percentile([], 95) == 0.0 and latency_summary([])["p50"] == 0.0


# --- retrieval --------------------------------------------------------------------------------
def test_score_retrieval_counts_documents_not_chunks():
    passages = [passage(OTHER, "ก", 3.0), passage(OTHER, "ข", 2.5), passage(SOMSWD, "วันที่ ๒๔ กันยายน ๒๕๖๓", 2.0)]
    result = score_retrieval(item(), Retrieval("q", passages, Filters()), 5.0)
    assert result.ranked_sources == [OTHER, SOMSWD]
    assert result.hit_1 is False and result.hit_5 is True and result.mrr_10 == pytest.approx(0.5)
    assert [p["rank"] for p in result.retrieved] == [1, 2, 3]
    assert result.retrieved[2]["source"] == SOMSWD and "๒๔" in result.retrieved[2]["text"]


def test_score_retrieval_multi_document_item_and_period():
    passages = [passage(SOCA, "SOCA Retreat 8 ก.พ. 64")]
    multi = item(sources=(SOMSWD, SOCA))
    period = (date(2021, 2, 1), date(2021, 2, 28))
    result = score_retrieval(multi, Retrieval("q", passages, Filters(), question_period=period), 1.0)
    assert result.hit_1 and result.mrr_10 == 1.0
    assert result.period == ("2021-02-01", "2021-02-28")


def test_score_retrieval_of_unanswerable_item_has_no_hit():
    result = score_retrieval(item(answerable=False), Retrieval("q", [passage(SOCA, "x")], Filters()), 1.0)
    assert result.hit_1 is None and result.mrr_10 is None


# --- answers ------------------------------------------------------------------------------------
def test_thai_digit_answer_states_the_fact_and_cites_well():
    cited = passage(SOMSWD, "การประชุมจัดขึ้นเมื่อวันที่ 24 กันยายน 2563 ผ่านระบบการประชุมทางไกล")
    answer = FakeAnswer("จัดขึ้นวันที่ ๒๔ กันยายน ๒๕๖๓ [1]", citations=[Citation(1, cited)],
                        evidence=EvidenceStrength(0.8, 0.9, 0.9))
    result = score_answer(item(), answer, "extractive")
    assert result.fact_recall == 1.0 and result.all_facts and result.passed
    assert result.citation_precision == 1.0 and result.missing_facts == []
    assert result.citations[0]["source"] == SOMSWD
    assert result.evidence == {"coverage": 0.8, "dense": 0.9, "score": 0.9}
    assert result.token_f1 > 0.5


def test_refused_answerable_item_scores_zero_even_if_the_refusal_mentions_the_fact():
    answer = FakeAnswer("ไม่พบข้อมูล 24 กันยายน 2563 ในบันทึกการประชุม", refused=True)
    result = score_answer(item(), answer, "local")
    assert result.fact_recall == 0.0 and result.all_facts is False and not result.passed
    assert result.missing_facts == ["24 กันยายน 2563"]
    assert result.citation_precision == 0.0


def test_partial_answer_lists_only_the_missing_facts():
    facts = (("จีน", "China"), ("ญี่ปุ่น", "Japan"), ("เกาหลี", "Korea"))
    answer = FakeAnswer("China and ญี่ปุ่น joined (mixed Thai/English)")
    result = score_answer(item(facts=facts), answer, "extractive")
    assert result.fact_recall == pytest.approx(2 / 3) and not result.passed
    assert result.missing_facts == ["เกาหลี"]
    assert missing_facts("จีน ญี่ปุ่น เกาหลี", facts) == []


def test_unanswerable_item_passes_only_when_refused():
    refused = score_answer(item(answerable=False), FakeAnswer("ไม่พบข้อมูลนี้ในบันทึกการประชุม", refused=True), "extractive")
    assert refused.passed and refused.fact_recall is None and refused.citation_precision == 1.0
    answered = score_answer(item(answerable=False),
                            FakeAnswer("ประชุมเมื่อ ก.พ. 64 [1]", citations=[Citation(1, passage(SOCA, "ก.พ. 64"))]),
                            "extractive")
    assert not answered.passed and answered.citation_precision == 0.0


# --- the whole set over a stub engine ------------------------------------------------------------
class StubSearch:
    def search(self, question: str, k: int) -> Retrieval:
        assert k == 10
        return Retrieval(question, [passage(SOMSWD, "วันที่ 24 กันยายน 2563", 2.0), passage(SOCA, "8 ก.พ. 64", 1.0)],
                         Filters())


class StubEngine:
    """Answers correctly with "extractive", refuses everything with "local"."""

    def __init__(self) -> None:
        self.search = StubSearch()
        self.asked: list[tuple[str, str]] = []

    def chat_model(self, answerer: str) -> None:
        self.asked.append((f"load {answerer}", ""))

    def ask(self, question: str, answerer: str | None = None, k: int | None = None) -> FakeAnswer:
        self.asked.append((answerer, question))
        if answerer == "local":
            return FakeAnswer("ไม่พบข้อมูลนี้ในบันทึกการประชุม", refused=True,
                              timings_ms={"retrieve": 5.0, "total": 50.0, "first_token": 30.0})
        return FakeAnswer("วันที่ 24 กันยายน 2563 [1]",
                          citations=[Citation(1, passage(SOMSWD, "วันที่ 24 กันยายน 2563"))])


def test_evaluate_seeds_summaries_per_answerer():
    items = [item(), item(answerable=False)]
    engine = StubEngine()
    report = evaluate_seeds(engine, items, ("extractive", "local"))
    # models load before anything is timed; answerers run one after the other, not interleaved
    assert [a for a, _ in engine.asked] == ["load extractive", "load local", "extractive", "extractive", "local", "local"]
    retrieval = report.retrieval_summary()
    assert retrieval["n"] == 1 and retrieval["hit_at_1"] == 1.0 and retrieval["mrr_at_10"] == 1.0
    ex = report.answer_summary("extractive")
    assert ex["fact_recall"] == 1.0 and ex["all_facts_accuracy"] == 1.0
    assert ex["refusal_recall"] == 0.0 and ex["missed_refusals"] == 1 and ex["passed"] == 1
    local = report.answer_summary("local")
    assert local["fact_recall"] == 0.0 and local["refusal_recall"] == 1.0 and local["refusal_precision"] == 0.5
    assert local["latency_ms"]["first_token"]["p50"] == 30.0 and local["latency_ms"]["total"]["p50"] == 50.0
    assert [r.item.id for r in report.failures("local")] == ["q900"]
    payload = report.to_json()
    assert payload["metrics"]["local"]["wrong_refusals"] == 1
    assert payload["items"][0]["answers"]["local"]["passed"] is False
