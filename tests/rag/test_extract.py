"""The LLM as a constrained extractor: the grammar it writes under, and what of its reply we keep.

Fakes only: the reply is given as the model would write it (well-formed, cut off, malformed,
with invented or misattributed spans); the real model is exercised in test_llm.py.
"""
from __future__ import annotations

import json
from itertools import cycle

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from prachum.types import Done, Passage, Token
from rag.engine import Prachum
from rag.evidence import Sentence
from rag.extract import (
    Choices,
    FactReader,
    answer,
    candidates,
    evidence_lines,
    format_lines,
    grammar,
    parse,
    read_reply,
    tokens_estimate,
)
from rag.prompts import REFUSAL

TEXT = ("เมื่อวันที่ ๘ ก.พ. ๖๔ นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ "
        "ในฐานะผู้แทนประเทศไทย เข้าร่วมการประชุม SOCA Retreat ผ่านระบบการประชุมทางไกล "
        "โดยประเทศบรูไนดารุสซาลามเป็นเจ้าภาพ")
OTHER = "นางสาววิมลรัตน์ รัชชุกูล ผู้อำนวยการกองการต่างประเทศ เข้าร่วมการประชุม SOMSWD+3 ครั้งที่ ๑๕"
P0 = Passage("p0", TEXT, "003.txt", "SOCA Retreat", "2021-02-08", 0.9, 0.9, 0.9)
P1 = Passage("p1", OTHER, "000.txt", "SOMSWD+3", "2020-09-24", 0.8, 0.8, 0.8)
S0 = Sentence(0, 0, len(TEXT), TEXT)
S1 = Sentence(1, 0, len(OTHER), OTHER)
PERSON = "นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"


def _reply(facts: list[tuple[int, str]], template: str) -> str:
    return json.dumps({"facts": [{"s": n, "text": t} for n, t in facts], "answer": template}, ensure_ascii=False)


def _checked(raw: str, lang: str = "th"):
    lines = evidence_lines([S0, S1])
    return answer(read_reply(raw, lines, [P0, P1], lang), lang)


# ---- what the model is shown -------------------------------------------------------------

def test_lines_are_numbered_with_dates_written_out_and_the_best_sentence_always_kept():
    lines = evidence_lines([S0, S1])
    shown = format_lines(lines)
    assert shown.startswith("[1] เมื่อวันที่ 8 กุมภาพันธ์ 2564 นางจตุพร")  # "๘ ก.พ. ๖๔" misleads a small model
    assert "[2] นางสาววิมลรัตน์" in shown and "ครั้งที่ 15" in shown
    tight = evidence_lines([S0, S1], budget=10)
    assert [line.sentence for line in tight] == [S0]


def test_a_long_sentence_is_cut_to_a_window_around_the_short_answers_fact():
    long = "ก่อนหน้านั้น " * 60 + TEXT
    lines = evidence_lines([Sentence(0, 0, len(long), long)], anchors=["นางจตุพร โรจนพานิช"])
    assert "นางจตุพร โรจนพานิช" in lines[0].shown and len(lines[0].shown) <= 280
    assert tokens_estimate(lines[0].shown) < 200


def test_candidates_are_the_recognised_spans_of_the_asked_slots_in_order():
    lines = evidence_lines([S0, S1])
    found = candidates(lines, ("person", "date"))
    assert [c.slot for c in found] == ["person", "date"]
    assert any("นางจตุพร โรจนพานิช" in t for t in found[0].by_line[1])
    assert any("วิมลรัตน์" in t for t in found[0].by_line[2])
    assert found[1].by_line == {1: ("8 กุมภาพันธ์ 2564",)}
    assert candidates(lines, ("expansion",)) == []  # nothing to choose from: the grammar falls back to free spans


def test_grammar_allows_only_real_sentence_numbers_and_bounded_strings():
    free = grammar(3)
    assert "[1-3]" in free and "char{1,90}" in free and "char{0,120}" in free
    assert r'root ::= "{\"facts\":[" facts? ' in free  # facts may be empty: "not in these sentences"
    chosen = grammar(2, [Choices("person", {1: ('นาง "ก"', "นางจตุพร โรจนพานิช")}),
                         Choices("country", {2: ("จีน", "ญี่ปุ่น")}, many=True)])
    assert r'("นาง \"ก\"" | "นางจตุพร โรจนพานิช")' in chosen
    assert 'facts ::= slot1 "," slot2 ("," slot2)? ("," slot2)?' in chosen
    assert "char{1," not in chosen  # a fact can only be one of the offered spans


# ---- reading the reply --------------------------------------------------------------------

def test_wellformed_cut_off_and_garbage_replies_are_read_as_far_as_they_go():
    whole = parse(_reply([(1, PERSON)], "{1} เป็นผู้แทนประเทศไทย"))
    assert whole.wellformed and whole.facts == [(1, PERSON)] and whole.answer == "{1} เป็นผู้แทนประเทศไทย"
    cut = parse('{"facts":[{"s":1,"text":"8 กุมภาพันธ์ 2564"},{"s":1,"text":"นางจต')
    assert not cut.wellformed and cut.facts == [(1, "8 กุมภาพันธ์ 2564")] and cut.answer == ""
    assert parse("ขออภัย ไม่พบข้อมูล").facts == []
    escaped = parse('{"facts":[{"s":1,"text":"\\u0e19\\u0e32\\u0e07"}],"answer":"x"')
    assert escaped.facts == [(1, "นาง")]


def test_spans_are_checked_against_the_sentence_they_name():
    lines = evidence_lines([S0, S1])
    raw = _reply([(1, "๘ กุมภาพันธ์ ๒๕๖๔"), (1, "นางสาววิมลรัตน์ รัชชุกูล"), (2, "นางสาววิมลรัตน์  รัชชุกูล"),
                  (1, "นางจตุพร รัตนพานิช"), (2, "วิมลรัตน์")], "")
    kept = read_reply(raw, lines, [P0, P1], "th").facts
    assert kept[0] is not None and kept[0].kind == "date" and kept[0].shown == "8 กุมภาพันธ์ 2564"  # Thai digits match
    assert kept[1] is None  # a real name, but not in sentence 1
    assert kept[2] is not None and kept[2].line.n == 2  # spacing differs, same words
    assert kept[3] is None  # invented surname
    assert kept[4] is None  # only repeats part of a kept fact


def test_template_is_filled_with_verified_facts_in_the_readers_form():
    text, citations, facts = _checked(_reply([(1, PERSON), (1, "8 กุมภาพันธ์ 2564")], "{1} เป็นผู้แทนประเทศไทย เมื่อ {2}"))
    assert text == f"{PERSON} เป็นผู้แทนประเทศไทย เมื่อ 8 กุมภาพันธ์ 2564 [1]"
    assert [c.passage.id for c in citations] == ["p0"] and citations[0].highlights == [(0, len(TEXT))]
    assert [(f.kind, f.n) for f in facts] == [("person", 1), ("date", 1)]
    text, _, facts = _checked(_reply([(1, PERSON), (1, "8 กุมภาพันธ์ 2564")], "{1} represented Thailand on {2}."), "en")
    assert "represented Thailand on 8 February 2021. [1]" in text and "2564" not in text
    assert text.startswith("นางจตุพร โรจนพานิช (“ผู้ช่วยปลัดกระทรวง")  # the Thai position is quoted, the name kept
    assert facts[1].text == "8 February 2021"


def test_a_template_that_adds_facts_or_speaks_the_wrong_language_gives_way_to_the_facts():
    facts = [(1, PERSON), (1, "8 กุมภาพันธ์ 2564")]
    for template in ("{1} เป็นผู้แทนเมื่อ 9 มีนาคม 2564",  # a date the evidence does not hold
                     "{1} เข้าร่วมพร้อมผู้แทน 12 คน",  # a number it does not hold
                     "{1} เข้าร่วมพร้อมนางสมศรี มีสุข",  # a person it does not name
                     "{1} represented Thailand on {2}.",  # English for a Thai question
                     "{1} เป็นผู้แทนเมื่อ {4}",  # a fact that was never written
                     "นางจตุพร โรจนพานิช เป็นผู้แทน"):  # no facts at all: a copied sentence
        text, _, _ = _checked(_reply(facts, template))
        assert text == f"{PERSON} [1] · 8 กุมภาพันธ์ 2564 [1]", template
    english, _, _ = _checked(_reply(facts, "ผู้แทนคือ {1}"), "en")
    assert english.endswith("(quoted in Thai from the record)") and "8 February 2021 [1]" in english


def test_a_template_pointing_at_a_dropped_fact_is_not_used_and_no_surviving_fact_means_none():
    text, _, facts = _checked(_reply([(1, "นางสมศรี มีสุข"), (1, "8 กุมภาพันธ์ 2564")], "{1} เป็นผู้แทนเมื่อ {2}"))
    assert text == "8 กุมภาพันธ์ 2564 [1]" and [f.kind for f in facts] == ["date"]
    assert _checked(_reply([(1, "นางสมศรี มีสุข")], "{1}")) is None
    assert _checked("not json at all") is None


def test_facts_are_handed_over_as_soon_as_each_is_written_and_verified():
    reader = FactReader(evidence_lines([S0, S1]), "th")
    raw = _reply([(1, "นางสาวปลอม"), (1, PERSON), (2, "นางสาววิมลรัตน์ รัชชุกูล")], "{1}")
    seen = []
    for i in range(0, len(raw), 7):
        seen.append([f.text for f in reader.feed(raw[i:i + 7])])
    handed = [t for batch in seen for t in batch]
    assert handed == [PERSON, "นางสาววิมลรัตน์ รัชชุกูล"]  # the invented one never shows
    first = next(i for i, batch in enumerate(seen) if batch)
    assert first * 7 < raw.index('"answer"')  # before the rest of the reply is written


# ---- through the engine, with a fake model --------------------------------------------------

def _engine(seed_index, replies: list[str]) -> Prachum:
    settings, store, embedder = seed_index
    fake = GenericFakeChatModel(messages=cycle([AIMessage(content=r) for r in replies]))
    return Prachum(settings.replace(llm="local"), store, embedder, chat_models={"local": fake})


def test_engine_answers_with_the_verified_facts_and_streams_them(seed_index):
    question = "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat และจัดขึ้นเมื่อไร"
    engine = _engine(seed_index, [_reply([(1, "นางจตุพร โรจนพานิช"), (1, "8 กุมภาพันธ์ 2564")],
                                         "{1} เป็นผู้แทนประเทศไทย เมื่อ {2}")])
    events = list(engine.stream(question))
    tokens = [e.text for e in events if isinstance(e, Token)]
    done = events[-1]
    assert isinstance(done, Done)
    assert tokens == ["นางจตุพร โรจนพานิช", " · 8 กุมภาพันธ์ 2564"]
    a = done.answer
    assert a.answer == "นางจตุพร โรจนพานิช เป็นผู้แทนประเทศไทย เมื่อ 8 กุมภาพันธ์ 2564 [1]"
    assert not a.fallback and a.citations[0].passage.source.endswith("003_f9ff260f397ac10e.txt")
    assert [f.to_json() for f in a.facts] == [{"text": "นางจตุพร โรจนพานิช", "kind": "person", "n": 1},
                                             {"text": "8 กุมภาพันธ์ 2564", "kind": "date", "n": 1}]
    assert {"question", "answer", "refused", "citations", "timings_ms", "facts"} <= set(a.to_json())  # the contract keeps its keys


def test_engine_falls_back_to_the_short_answer_on_malformed_or_invented_replies(seed_index):
    question = "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat และจัดขึ้นเมื่อไร"
    short = _engine(seed_index, []).ask(question, answerer="extractive")
    for raw in ('{"facts":[{"s":1,"text":"นางสมศรี มีสุข"}],"answer":"{1}"}', "นางจตุพร {{{", '{"facts":['):
        a = _engine(seed_index, [raw]).ask(question)
        assert a.fallback and not a.refused and a.answer == short.answer and "สมศรี" not in a.answer, raw
        assert a.facts == short.facts and a.citations


def test_engine_believes_an_empty_fact_list_only_without_strong_evidence(seed_index, monkeypatch):
    engine = _engine(seed_index, ['{"facts":[],"answer":""}'])
    monkeypatch.setattr("rag.engine.is_strong", lambda strength, strong_score: False)
    weak = engine.ask("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat")
    assert weak.refused and weak.answer == REFUSAL["th"] and weak.citations == []
    english = engine.ask("Who represented Thailand at the SOCA Retreat?")
    assert english.refused and english.answer == REFUSAL["en"]
    monkeypatch.setattr("rag.engine.is_strong", lambda strength, strong_score: True)
    strong = engine.ask("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat")
    assert not strong.refused and strong.fallback and strong.citations
