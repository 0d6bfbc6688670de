"""Scoring questions across records: all facts, every required record cited, refusals; and the file itself."""
from __future__ import annotations

from pathlib import Path

from evals.cross_metrics import (
    CROSS_PATH,
    CrossReport,
    cross_table,
    evaluate_cross,
    load_cross,
    load_minimums,
    score,
    violations,
)
from evals.facts_file import FactItem
from evals.run import load_thresholds
from prachum.types import Answer, Citation, Passage


def item(facts=(("3 ครั้ง",), ("๘ กุมภาพันธ์ ๒๕๖๔", "8 February 2021")), sources=("a.txt", "b.txt"), answerable=True):
    return FactItem("x1", "นางสมศรีเข้าร่วมประชุมกี่ครั้ง", "th", answerable, tuple(tuple(f) for f in facts), "",
                    frozenset(sources), "count")


def answer(text: str, sources=("a.txt",), refused=False, route="catalog") -> Answer:
    cites = [Citation(i + 1, Passage(f"c{i}", "ข้อความ", f"/records/{s}", "t", "", 1, 1, 1)) for i, s in enumerate(sources)]
    return Answer("q", text, refused, cites, {}, "extractive", route=route)


def test_all_facts_and_records_are_scored_separately():
    r = score(item(), answer("พบ 3 ครั้ง: 8 กุมภาพันธ์ 2564 [1]", sources=("a.txt",)), 12.0)
    assert r.all_facts is True and r.missing_records == ["b.txt"] and not r.passed
    r = score(item(), answer("พบ ๓ ครั้ง เมื่อ 8 กุมภาพันธ์ 2564", sources=("a.txt", "b.txt")), 12.0)
    assert r.all_facts is True and r.missing_records == [] and r.passed  # Thai digits match Arabic ones
    r = score(item(), answer("พบ 2 ครั้ง เมื่อ 8 กุมภาพันธ์ 2564", sources=("a.txt", "b.txt")), 1.0)
    assert r.all_facts is False and r.missing_facts == ["3 ครั้ง"]


def test_a_refusal_passes_only_an_unanswerable_question():
    unanswerable = item(facts=(), sources=(), answerable=False)
    assert score(unanswerable, answer("ไม่พบข้อมูลนี้ในบันทึกการประชุม", (), refused=True), 1).passed
    assert not score(unanswerable, answer("พบ 1 การประชุม", ("a.txt",)), 1).passed
    assert not score(item(), answer("ไม่พบข้อมูลนี้", (), refused=True), 1).passed


def test_report_metrics_and_targets():
    report = CrossReport("extractive")
    report.results = [score(item(), answer("3 ครั้ง 8 February 2021", ("a.txt", "b.txt")), 10),
                      score(item(), answer("3 ครั้ง", ("a.txt",)), 30),
                      score(item(facts=(), sources=(), answerable=False), answer("x", (), refused=True), 5)]
    m = report.metrics()
    assert m["all_facts"] == 0.5 and m["records_cited"] == 0.5 and m["refusals"] == 1 and m["median_ms"] == 10
    bad = violations({"extractive": report}, {"all_facts": 0.85, "records_cited": 0.85, "refusals": 1})
    assert bad == ["cross_record.extractive.all_facts: 0.500 < minimum 0.850",
                   "cross_record.extractive.records_cited: 0.500 < minimum 0.850"]
    assert "below target" in cross_table({"extractive": report})


def test_the_question_file_meets_the_issue():
    items = load_cross(CROSS_PATH)
    answerable = [i for i in items if i.answerable]
    assert len(answerable) >= 25 and len(items) - len(answerable) == 5
    assert {i.lang for i in answerable} == {"th", "en"}
    assert {"list", "count", "latest", "earliest", "role_over_time", "timeline", "in_year"} <= {i.kind for i in items}
    assert all(i.facts and i.sources for i in answerable)
    assert any("๒๕๖๔" in i.question or "2564" in i.question for i in answerable)
    assert sum(len(i.sources) > 1 for i in answerable) >= 15  # most need several records cited


def test_thresholds_have_a_cross_record_section_that_is_not_a_tier():
    assert load_minimums() == {"all_facts": 0.85, "records_cited": 0.85, "refusals": 4.0}
    assert "cross_record" not in load_thresholds()


def test_on_the_seed_records_both_answerers_meet_the_targets(tmp_path: Path):
    from tests.app.conftest import build_seed_engine

    engine = build_seed_engine(tmp_path / "data")
    reports = evaluate_cross(engine, load_cross(), ("extractive", "local"))
    assert violations(reports) == [], cross_table(reports)
    for report in reports.values():
        assert report.metrics()["routed_to_catalog"] == 1.0
        assert report.metrics()["median_ms"] < 500
