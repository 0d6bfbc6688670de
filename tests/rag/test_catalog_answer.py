"""Answers from the meeting catalog: every matching meeting, dated and cited to its own record,
counts computed from the rows, and refusals for what the catalog does not hold."""
from __future__ import annotations

import pytest

from prachum.types import Filters
from rag.catalog_answer import answer_from_catalog
from rag.catalog_read import document_text, meeting_db
from rag.route import route
from tests.rag.catalog_docs import TEXTS, FakeStore, seed_store


@pytest.fixture(scope="module")
def store() -> FakeStore:
    return FakeStore()


def ask(store, question, filters=Filters()):
    r = route(question)
    assert r.catalog, question
    return answer_from_catalog(question, r, store, filters)


def cited_sentences(answer) -> list[str]:
    return [c.passage.text[s:e] for c in answer.citations for s, e in c.highlights]


def test_a_persons_meetings_are_listed_with_dates_and_cited_in_each_record(store):
    a = ask(store, "นางสมศรี ใจงาม เข้าร่วมการประชุมใดบ้าง")
    assert not a.refused
    assert a.text.splitlines()[0] == "จากบันทึกทั้งหมด 4 ฉบับ พบ นางสมศรี ใจงาม ในการประชุม 2 ครั้ง"
    assert "8 กุมภาพันธ์ 2564" in a.text and "26 สิงหาคม 2564" in a.text
    assert {c.passage.source for c in a.citations} == {"a.txt", "b.txt"}
    # each citation is the chunk whose span holds the fact, highlighted at the fact's sentence
    assert all("สมศรี" in s for s in cited_sentences(a))
    assert [r["source"] for r in a.rows] == ["a.txt", "b.txt"] and a.rows[0]["person"]["role"] == "head"
    assert a.matched == 2 and a.records == 4


def test_an_english_name_finds_the_thai_one(store):
    a = ask(store, "Which meetings did Ms. Somsri Jaingam attend?")
    assert a.text.startswith("Of 4 records, นางสมศรี ใจงาม is recorded at 2 meetings")
    assert "8 February 2021" in a.text and "26 August 2021" in a.text


def test_a_count_is_the_number_of_catalog_rows_in_the_period(store):
    a = ask(store, "ในปี ๒๕๖๔ มีการประชุมกี่ครั้ง")
    assert a.text.startswith("จากบันทึกทั้งหมด 4 ฉบับ พบ 2 การประชุม ในปี 2564")
    assert a.facts[0].text == "2" and a.facts[0].kind == "number"
    assert ask(store, "How many meetings did Mr. Kongphop Deemak attend?").matched == 2


def test_latest_and_earliest(store):
    latest = ask(store, "What was the latest meeting?")
    assert "XYZ Forum, on 26 August 2021" in latest.text and [c.passage.source for c in latest.citations] == ["b.txt"]
    earliest = ask(store, "การประชุมที่เก่าที่สุดคือการประชุมใด")
    assert "การประชุมคณะทำงาน ABC ครั้งที่ 1 เมื่อ 10 พฤษภาคม 2562" in earliest.text


def test_a_position_change_over_time(store):
    a = ask(store, "How did Somsri Jaingam's position change over time?")
    assert "changed from ผู้อำนวยการกองแผนงาน (8 February 2021) to รองอธิบดีกรมกิจการสังคม (26 August 2021)" in a.text


def test_a_named_role_must_stand_in_the_persons_sentence(store):
    a = ask(store, "How many times did Thailand's XYZ Leader attend meetings?")
    assert a.matched == 1 and "XYZ Forum" in a.text and "ABC" not in a.text


def test_host_and_mode_narrow_the_meetings(store):
    assert ask(store, "Which meetings did Malaysia host?").matched == 1
    assert ask(store, "การประชุมใดบ้างที่จัดผ่านระบบทางไกล").matched == 2


def test_a_comparison_says_which_came_first(store):
    a = ask(store, "Which came first, the 3rd ABC or the XYZ Forum?")
    assert "3rd ABC came first, 199 days before XYZ Forum" in a.text
    assert {c.passage.source for c in a.citations} == {"a.txt", "b.txt"}


def test_meetings_only_mentioned_are_shown_but_not_counted(store):
    a = ask(store, "Which meetings were held in 2020?")
    assert not a.refused and a.matched == 0
    assert "not counted" in a.text and "16 March 2020 — 2nd ABC" in a.text


def test_the_ui_and_cli_filters_apply(store):
    a = ask(store, "นางสมศรี ใจงาม เข้าร่วมการประชุมใดบ้าง", Filters(sources=("b.txt",)))
    assert a.matched == 1 and a.records == 1


@pytest.mark.parametrize("question,says", [
    ("นายสมชาย ใจดี เข้าร่วมการประชุมใดบ้าง", "ไม่พบชื่อ นายสมชาย ใจดี ในบันทึกทั้งหมด 4 ฉบับ"),
    ("นางสมศรี ใจดี เข้าร่วมการประชุมใดบ้าง", "ไม่พบชื่อ นางสมศรี ใจดี"),  # her given name, another surname
    ("How many meetings were held in 2018?", "Of 4 records, none holds a meeting that matches in 2018"),
    ("งบประมาณรวมของการประชุมทั้งหมดเท่าไร", "ไม่ได้ระบุงบประมาณ"),
    ("การประชุมใดมีผู้เข้าร่วมมากที่สุด", "จำนวนผู้เข้าร่วมประชุม"),
    ("When was the latest QRS meeting?", "None of the 4 records holds a QRS meeting"),
    ("How did Ms. Pranee Srisuk's position change over time?", "names Ms. Pranee Srisuk"),
])
def test_what_the_catalog_cannot_support_is_refused_and_says_why(store, question, says):
    a = ask(store, question)
    assert a.refused and not a.citations and says in a.text


def test_a_record_without_meetings_still_counts_as_a_record_searched(store):
    assert "4 ฉบับ" in ask(store, "การประชุมทั้งหมดมีกี่ครั้ง").text


def test_a_store_without_catalog_facts_gets_them_extracted_from_its_chunks(store):
    """The in-memory fallback: the record text is laid back together from the chunks at their offsets."""
    bare = FakeStore(facts={})
    bare.catalog.conn.execute("DELETE FROM meetings")
    assert document_text(bare, "a.txt") == TEXTS["a.txt"].replace("\n\n", "\n\n")
    conn = meeting_db(bare)
    assert conn is not bare.catalog.conn
    assert meeting_db(bare) is conn  # cached until a record changes
    bare.docs[0].fingerprint = "changed"
    assert meeting_db(bare) is not conn


def test_on_the_seed_records_her_meetings_come_from_three_records():
    seeds = seed_store()
    a = ask(seeds, "นางจตุพร โรจนพานิช เข้าร่วมการประชุมใดบ้าง")
    assert a.text.splitlines()[0] == "จากบันทึกทั้งหมด 5 ฉบับ พบ นางจตุพร โรจนพานิช ในการประชุม 3 ครั้ง"
    assert len({c.passage.source for c in a.citations}) == 3
    for day in ("8 กุมภาพันธ์ 2564", "15 มีนาคม 2564", "26 สิงหาคม 2564"):
        assert day in a.text


def test_facts_in_two_chunks_of_one_record_make_one_wider_evidence_card(store):
    from rag.catalog_read import Citations
    from tests.rag.catalog_docs import A, para

    cites = Citations(store)
    first, second = para(A, "ABC"), para(A, "มาเลเซีย")
    assert cites.cite("a.txt", *first) == cites.cite("a.txt", *second) == 1
    (card,) = cites.all()
    assert [card.passage.text[s:e] for s, e in card.highlights] == [A[first[0]:first[1]], A[second[0]:second[1]]]
    assert card.passage.metadata["start"] <= first[0] and second[1] <= card.passage.metadata["end"]


SIXTH = """การประชุมเจ้าหน้าที่อาวุโสอาเซียนด้านการพัฒนาชนบทและการขจัดความยากจน ครั้งที่ ๑๗

เมื่อวันที่ ๓ มี.ค. ๖๕ เวลา ๑๓.๓๐ น. นายธนพล วงศ์สวัสดิ์ ผู้อำนวยการกองยุทธศาสตร์และแผนงาน เป็นหัวหน้าคณะผู้แทนไทย \
เข้าร่วมการประชุมเจ้าหน้าที่อาวุโสอาเซียนด้านการพัฒนาชนบทและการขจัดความยากจน ครั้งที่ ๑๗ (17th SOMRDPE) \
ผ่านระบบการประชุมทางไกล โดยราชอาณาจักรกัมพูชาเป็นเจ้าภาพ

ที่ประชุมเห็นชอบแผนงานด้านการพัฒนาชนบทของอาเซียน ปี ๒๕๖๕
"""


def test_a_sixth_record_changes_the_answers_when_ingested_and_again_when_removed(tmp_path):
    """A new person, a new meeting, Thai digits and an abbreviated Buddhist-era date ("๓ มี.ค. ๖๕")."""
    from ingest.pipeline import ingest_paths
    from tests.app.conftest import build_seed_engine

    engine = build_seed_engine(tmp_path / "data")

    def ask_(q: str):
        return engine.ask(q, answerer="extractive")

    questions = ("การประชุมล่าสุดคือการประชุมใด", "How many meetings are in the records?",
                 "นายธนพล วงศ์สวัสดิ์ เข้าร่วมการประชุมใดบ้าง", "ในปี ๒๕๖๕ มีการประชุมกี่ครั้ง")
    before = [ask_(q) for q in questions]
    assert "26 สิงหาคม 2564" in before[0].answer and before[1].answer.startswith("Of 5 records, 5 meetings match")
    assert before[2].refused and before[3].refused

    record = tmp_path / "006_somrdpe.txt"
    record.write_text(SIXTH, encoding="utf-8")
    assert ingest_paths([record], engine.settings, engine.store, engine.embedder, progress=False).count("added") == 1
    latest, count, person, year = (ask_(q) for q in questions)
    assert "ครั้งที่ 17 (SOMRDPE) เมื่อ 3 มีนาคม 2565" in latest.answer
    assert [c.passage.source for c in latest.citations] == [str(record)]
    assert count.answer.startswith("Of 6 records, 6 meetings match") and len({c.passage.source for c in count.citations}) == 6
    assert person.answer.startswith("จากบันทึกทั้งหมด 6 ฉบับ พบ นายธนพล วงศ์สวัสดิ์ ในการประชุม 1 ครั้ง")
    assert "ผู้อำนวยการกองยุทธศาสตร์และแผนงาน" in person.answer and person.route == "catalog"
    assert year.answer.startswith("จากบันทึกทั้งหมด 6 ฉบับ พบ 1 การประชุม ในปี 2565")

    engine.store.remove_document(str(record))
    after = [ask_(q) for q in questions]
    assert [a.answer for a in after] == [b.answer for b in before]


def test_a_person_the_rules_missed_but_the_text_names_is_left_to_the_passages():
    from rag.catalog_read import text_mentions
    from tests.rag.catalog_docs import _facts

    facts = _facts()
    facts["a.txt"] = type(facts["a.txt"])("a.txt", facts["a.txt"].meetings)  # her attendance not extracted
    facts["b.txt"] = type(facts["b.txt"])("b.txt", facts["b.txt"].meetings)
    missed = FakeStore(facts=facts)
    a = ask(missed, "นางสมศรี ใจงาม เข้าร่วมการประชุมใดบ้าง")
    assert a.refused and a.defer  # the engine then answers from the passages
    b = ask(missed, "นายสมชาย ใจดี เข้าร่วมการประชุมใดบ้าง")
    assert b.refused and not b.defer  # nobody by that name anywhere: the catalog's refusal stands
    assert text_mentions(missed, ["สมศรี", "ใจงาม"]) and not text_mentions(missed, ["Somsri"])
