"""Seed evaluation: loading facts, subsets, document-level retrieval scores and answer scoring."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pytest

import evals.seeds
from evals import facts_file, followups, passages, seed_scoring, stats
from evals.facts_file import FactItem, FactsFileError, load_facts, spread
from evals.followups import FollowupItem, load_followups, score_followup
from evals.passages import snippet, unique_sources
from evals.seed_scoring import breakdown, form_summary, missing_facts, score_answer, score_retrieval
from evals.seeds import evaluate_seeds
from evals.stats import latency_summary, percentile
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
    assert len(items) == 141
    first = items[0]
    assert first.id == "q001" and first.answerable and first.lang == "th"
    assert SOMSWD in first.sources
    assert any("๒๔ กันยายน ๒๕๖๓" in forms for forms in first.facts)
    assert sum(not i.answerable for i in items) == 31
    assert sum(i.lang == "en" for i in items) == 81


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
    assert result.citation_precision is None  # a refusal cites nothing; recall is what it costs


def test_partial_answer_lists_only_the_missing_facts():
    facts = (("จีน", "China"), ("ญี่ปุ่น", "Japan"), ("เกาหลี", "Korea"))
    answer = FakeAnswer("China and ญี่ปุ่น joined (mixed Thai/English)")
    result = score_answer(item(facts=facts), answer, "extractive")
    assert result.fact_recall == pytest.approx(2 / 3) and not result.passed
    assert result.missing_facts == ["เกาหลี"]
    assert missing_facts("จีน ญี่ปุ่น เกาหลี", facts) == []


def test_unanswerable_item_passes_only_when_refused():
    refused = score_answer(item(answerable=False), FakeAnswer("ไม่พบข้อมูลนี้ในบันทึกการประชุม", refused=True), "extractive")
    assert refused.passed and refused.fact_recall is None and refused.citation_precision is None
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



# --- answer form and the breakdown (issue #9) ----------------------------------------------------
def en_item(qid: str = "q901", kind: str = "when", answerable: bool = True) -> FactItem:
    return FactItem(id=qid, question="When was the 15th SOMSWD+3 held?", lang="en", answerable=answerable,
                    facts=(("24 กันยายน 2563", "24 September 2020"),) if answerable else (),
                    reference="On 24 September 2020." if answerable else "The records do not say.",
                    sources=frozenset({SOMSWD}) if answerable else frozenset(),
                    kind=kind if answerable else "unanswerable")


def test_score_answer_measures_the_answers_form():
    thai = score_answer(item(), FakeAnswer("๒๔ กันยายน ๒๕๖๓ [1] · ผ่านระบบการประชุมทางไกล [1]"), "extractive")
    assert thai.length == len("๒๔ กันยายน ๒๕๖๓ · ผ่านระบบการประชุมทางไกล")
    assert thai.fact_first is True and thai.language == "th" and thai.language_match and thai.date_form is True
    # an English question answered with the record's Thai sentence and its abbreviated date
    english = score_answer(en_item(), FakeAnswer("ผ่านระบบการประชุมทางไกล [1] · 24 ก.ย. 63 [1]"), "extractive")
    assert english.fact_first is False and english.language == "th" and not english.language_match
    assert english.date_form is False
    good = score_answer(en_item(), FakeAnswer("On 24 September 2020 [1]."), "local")
    assert good.fact_first and good.language_match and good.date_form is True and good.passed
    no_date = score_answer(item(facts=(("ฟิลิปปินส์",),)), FakeAnswer("สาธารณรัฐฟิลิปปินส์ [1]"), "extractive")
    assert no_date.date_form is None and no_date.fact_first
    refusal = score_answer(en_item(answerable=False), FakeAnswer("ไม่พบข้อมูลนี้ในบันทึกการประชุม", refused=True), "x")
    assert refusal.fact_first is None and not refusal.language_match  # a Thai refusal to an English question


def test_form_summary_and_breakdown_by_kind_and_language():
    answers = [
        (item(), FakeAnswer("๒๔ กันยายน ๒๕๖๓ [1]")),  # th when: right, first, in form (16 chars)
        (en_item("q902"), FakeAnswer("ผ่านระบบการประชุมทางไกล [1] · 24 ก.ย. 63 [1]")),  # en when: fact second, Thai
        (en_item("q903", "who"), FakeAnswer("On 24 September 2020 [1].")),  # en who: right, English
        (en_item("q904", answerable=False), FakeAnswer("The records do not say.", refused=True)),
        (replace(item(answerable=False), kind="unanswerable"), FakeAnswer("ประชุมเมื่อ ก.พ. 64 [1]")),  # answered anyway
    ]
    results = [(i, score_answer(i, a, "extractive")) for i, a in answers]
    overall = form_summary(results)
    assert overall["n"] == 5 and overall["answerable"] == 3
    # q902 gives the date in a form its facts do not list ("24 ก.ย. 63"): two of three recalled, two first
    assert overall["fact_recall"] == pytest.approx(2 / 3) and overall["fact_first_rate"] == pytest.approx(2 / 3)
    assert overall["language_match_rate"] == pytest.approx(4 / 5)
    assert overall["dated_answers"] == 3 and overall["date_form_rate"] == pytest.approx(2 / 3)
    lengths = sorted([16, len("ผ่านระบบการประชุมทางไกล · 24 ก.ย. 63"), len("On 24 September 2020 ."),
                      len("ประชุมเมื่อ ก.พ. 64")])  # the refusal is not an answer
    assert overall["answer_length_median"] == (lengths[1] + lengths[2]) / 2
    assert overall["refusal_precision"] == 1.0 and overall["refusal_recall"] == 0.5

    by_lang = breakdown(results, "lang")
    assert list(by_lang) == ["en", "th"]
    assert by_lang["en"]["n"] == 3 and by_lang["en"]["language_match_rate"] == pytest.approx(2 / 3)
    assert by_lang["en"]["fact_first_rate"] == 0.5 and by_lang["en"]["date_form_rate"] == 0.5
    assert by_lang["th"]["refusal_recall"] == 0.0 and by_lang["th"]["fact_recall"] == 1.0
    by_kind = breakdown(results, "kind")
    assert set(by_kind) == {"when", "who", "unanswerable"}
    assert by_kind["unanswerable"]["fact_recall"] is None and by_kind["unanswerable"]["fact_first_rate"] is None
    assert by_kind["unanswerable"]["refusal_recall"] == 0.5
    assert by_kind["who"]["answer_length_median"] == len("On 24 September 2020 .")


# --- follow-ups ------------------------------------------------------------------------------------
def test_load_followups_reads_the_real_file(tmp_path: Path):
    pairs = load_followups()
    assert len(pairs) >= 8
    assert sum(p.lang == "th" for p in pairs) >= 4 and sum(p.lang == "en" for p in pairs) >= 4
    first = pairs[0]
    assert first.question == "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat" and first.followup == "เขาดำรงตำแหน่งอะไร"
    assert SOCA in first.sources and first.facts
    bad = tmp_path / "followups.jsonl"
    bad.write_text('{"id": "f001", "lang": "th", "question": "ใคร"}\n', encoding="utf-8")
    with pytest.raises(FactsFileError, match=r"followups.jsonl:1"):
        load_followups(bad)


PAIR = FollowupItem(id="f900", lang="en", question="Who represented Thailand at the SOCA Retreat?",
                    followup="What was her position at the time?",
                    facts=(("ผู้ช่วยปลัดกระทรวง", "Assistant Permanent Secretary"),), reference="Assistant Permanent Secretary.",
                    sources=frozenset({SOCA}))


@dataclass
class FakeFollowupAnswer(FakeAnswer):
    standalone_question: str = ""


def test_score_followup_scores_the_second_answer():
    first = FakeAnswer("Ms. Jatuporn Rojanapanich [1]")
    second = FakeFollowupAnswer("She was Assistant Permanent Secretary [1].",
                                citations=[Citation(1, passage(SOCA, "ผู้ช่วยปลัดกระทรวง"))],
                                standalone_question="What was Jatuporn's position at the SOCA Retreat?")
    result = score_followup(PAIR, first, second, "local")
    assert result.passed and result.fact_recall == 1.0 and result.language_match
    assert result.first_answer == "Ms. Jatuporn Rojanapanich [1]" and "Jatuporn" in result.standalone_question
    assert result.citations[0]["source"] == SOCA
    refused = score_followup(PAIR, first, FakeAnswer("ไม่พบข้อมูล Assistant Permanent Secretary", refused=True), "local")
    assert not refused.passed and refused.fact_recall == 0.0 and refused.missing_facts == ["ผู้ช่วยปลัดกระทรวง"]
    assert refused.to_json()["passed"] is False and refused.to_json()["refused"] is True


class HistoryEngine(StubEngine):
    """Answers the follow-up correctly only when it is given the first answer as history."""

    def ask(self, question: str, history=(), answerer: str | None = None, k: int | None = None) -> FakeAnswer:
        self.asked.append((answerer, question))
        self.histories = getattr(self, "histories", []) + [list(history)]
        if question == PAIR.followup:
            return FakeAnswer("Assistant Permanent Secretary [1]" if history else "Which meeting? [1]")
        if question == PAIR.question:
            return FakeAnswer("Ms. Jatuporn Rojanapanich [1]")
        return super().ask(question, answerer, k)


def test_evaluate_seeds_asks_followups_with_the_first_answer_as_history():
    engine = HistoryEngine()
    report = evaluate_seeds(engine, [item()], ("extractive",), followups=[PAIR])
    assert engine.histories[-1] == [(PAIR.question, "Ms. Jatuporn Rojanapanich [1]")]
    assert engine.histories[-2] == []
    assert [r.passed for r in report.followups] == [True]
    metrics = report.metrics()
    assert metrics["followups"]["extractive"]["n"] == 1 and metrics["followups"]["extractive"]["fact_recall"] == 1.0
    assert metrics["followups"]["extractive"]["by_lang"]["en"]["passed"] == 1
    payload = report.to_json()
    assert payload["followups"][0]["id"] == "f900" and payload["followups"][0]["answerer"] == "extractive"
    # the breakdown sits beside the headline numbers
    assert set(metrics["extractive"]["by_kind"]) == {"when"} and set(metrics["extractive"]["by_lang"]) == {"th"}
    assert metrics["extractive"]["language_match_rate"] == 1.0
    assert "followups" not in evaluate_seeds(StubEngine(), [item()], ("extractive",)).metrics()


# --- the one import ----------------------------------------------------------------------------
def test_evals_seeds_still_exports_what_it_did_before_the_split():
    """run.py and other callers import the seed evaluation's pieces from evals.seeds: each is its module's own."""
    homes = (facts_file, followups, passages, seed_scoring, stats, evals.seeds)
    for name in evals.seeds.__all__:
        assert any(vars(home).get(name) is getattr(evals.seeds, name) for home in homes), name
    assert {"RETRIEVAL_K", "SEEDS_DIR", "SeedReport", "evaluate_seeds", "warm_up"} <= set(vars(evals.seeds))


def test_citation_precision_counts_the_citations_an_answer_points_to():
    """A citation is a claim only where the answer's text points to it with [n]; a refusal's nearest
    evidence is shown, not claimed, so it is left out of the mean rather than scored 0 or 1."""
    right = Citation(1, passage(SOMSWD, "วันที่ 24 กันยายน 2563 ณ ห้องประชุม"))
    shown = Citation(2, passage(OTHER, "พิธีเปิดเมื่อวันจันทร์ที่ 20 สิงหาคม 2561"))
    pointed = score_answer(item(), FakeAnswer("24 กันยายน 2563 [1]", citations=[right, shown]), "extractive")
    assert pointed.citation_precision == 1.0  # [2] is listed but not pointed to
    wrong = score_answer(item(), FakeAnswer("20 สิงหาคม 2561 [2]", citations=[right, shown]), "extractive")
    assert wrong.citation_precision == 0.0
    refusal = score_answer(item(answerable=False), FakeAnswer("ไม่พบข้อมูลนี้", refused=True, citations=[shown]),
                           "extractive")
    assert refusal.citation_precision is None
    assert seed_scoring.cited_mean([pointed, wrong, refusal]) == 0.5
    assert seed_scoring.cited_mean([refusal]) is None
