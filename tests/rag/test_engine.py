"""The answering pipeline with a fake LLM over a real (embedded Chroma) seed index."""
from __future__ import annotations

from itertools import cycle

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from prachum.thai.dates import find_dates, format_date
from prachum.types import Done, Retrieved, Token
from rag.engine import Prachum
from rag.prompts import REFUSAL


def engine_with(seed_index, replies: list[str]) -> Prachum:
    settings, store, embedder = seed_index
    fake = GenericFakeChatModel(messages=cycle([AIMessage(content=r) for r in replies]))
    return Prachum(settings.replace(llm="local"), store, embedder, chat_models={"local": fake})


def test_events_come_in_order_evidence_first(seed_index):
    engine = engine_with(seed_index, ['{"facts":[{"s":1,"text":"นางจตุพร โรจนพานิช"},{"s":1,"text":"8 กุมภาพันธ์ 2564"}],'
                                      '"answer":"{1} เป็นผู้แทนประเทศไทย เมื่อ {2}"}'])
    events = list(engine.stream("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat และจัดขึ้นเมื่อไร"))
    assert isinstance(events[0], Retrieved) and events[0].citations
    tokens = [e for e in events if isinstance(e, Token)]
    assert len(tokens) > 1  # streamed in pieces: each verified fact as it is written
    done = events[-1]
    assert isinstance(done, Done)
    answer = done.answer
    assert "จตุพร" in answer.answer and answer.answer.endswith("[1]")
    assert answer.citations[0].passage.source.endswith("003_f9ff260f397ac10e.txt")
    assert {"retrieve", "generate", "total", "first_token"} <= set(answer.timings_ms)


def test_unsupported_llm_claim_falls_back_to_the_records(seed_index, monkeypatch):
    engine = engine_with(seed_index, ["ประเทศญี่ปุ่นเป็นเจ้าภาพการประชุมครั้งนี้ [1]"])
    monkeypatch.setattr("rag.engine.is_strong", lambda strength, strong_score: True)
    # a question with no slot: the model is asked (one whose facts the short answer holds is not)
    answer = engine.ask("การประชุม SOCA Retreat มีวัตถุประสงค์อะไร")
    assert answer.fallback
    assert "ญี่ปุ่น" not in answer.answer
    assert answer.citations


def test_llm_decline_is_believed_only_without_strong_evidence(seed_index, monkeypatch):
    engine = engine_with(seed_index, ["NOT_FOUND"])
    monkeypatch.setattr("rag.engine.is_strong", lambda strength, strong_score: False)
    weak = engine.ask("การประชุม SOCA Retreat มีวัตถุประสงค์อะไร")
    assert weak.refused and weak.answer == REFUSAL["th"] and weak.citations == []
    # a numbered meeting the records never mention is a near miss, refused by name before any LLM call
    missing = engine.ask("การประชุม SOMSWD ครั้งที่ 20 จัดที่ไหน")
    assert missing.refused and "ครั้งที่ 20" in missing.answer and missing.citations
    monkeypatch.setattr("rag.engine.is_strong", lambda strength, strong_score: True)
    strong = engine.ask("การประชุม SOCA Retreat มีวัตถุประสงค์อะไร")
    assert not strong.refused and strong.fallback and strong.citations


def test_weak_evidence_is_refused_without_calling_the_llm(seed_index):
    settings, store, embedder = seed_index

    class Exploding(GenericFakeChatModel):
        def _generate(self, *args, **kwargs):  # type: ignore[override]
            raise AssertionError("the LLM must not be called for a refusal")

    engine = Prachum(settings.replace(llm="local", min_score=0.99), store, embedder,
                     chat_models={"local": Exploding(messages=iter([]))})
    answer = engine.ask("Who won the football world cup in 2022?")
    assert answer.refused and answer.answer == REFUSAL["en"] and not answer.citations


def test_follow_up_is_rewritten_with_the_llm_only_when_it_refers_back(seed_index):
    engine = engine_with(seed_index, ["นางจตุพร โรจนพานิช ดำรงตำแหน่งอะไรในการประชุม SOCA Retreat",
                                      "นางจตุพร โรจนพานิช เป็นผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ [1]"])
    history = [("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat", "นางจตุพร โรจนพานิช [1]")]
    answer = engine.ask("เขาดำรงตำแหน่งอะไร", history=history)
    assert answer.standalone_question.startswith("นางจตุพร")
    assert "ผู้ช่วยปลัดกระทรวง" in answer.answer


def test_extractive_answer_cites_its_own_sentences(seed_index):
    settings, store, embedder = seed_index
    engine = Prachum(settings, store, embedder)
    answer = engine.ask("การประชุม SOCCOM ครั้งที่ ๑๖ จัดขึ้นเมื่อไร", answerer="extractive")
    assert answer.citations and answer.citations[0].n == 1
    cited = answer.citations[0]
    assert "21-22 กันยายน 2563" not in [f.text for f in answer.facts]  # SOMSWD's 16th meeting is not SOCCOM's
    sentences = [cited.passage.text[start:end].strip() for start, end in cited.highlights]
    for fact in answer.facts:  # a short answer: each fact stands in a cited sentence (dates as dates)
        found = {format_date(d.date, d.last) for s in sentences for d in find_dates(s)}
        assert fact.text in found or any(fact.text in s for s in sentences)
    if not answer.facts:  # no fact of the asked kind next to "SOCCOM": the record's own sentences
        assert all(s in answer.answer for s in sentences)
