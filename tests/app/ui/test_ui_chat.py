"""One chat turn on a real seed index (fake embedder): evidence first, history, filters, failures."""
from __future__ import annotations

import re
from datetime import date

import gradio as gr
import pytest

from app.service import Service
from app.ui import chat_turn, form_filters
from prachum.errors import LlmError
from prachum.types import Filters
from rag.engine import Prachum
from rag.prompts import REFUSAL
from tests.app.conftest import OFF_TOPIC_Q, SOCA_Q, slow_fake_chat


def test_bad_dates_are_user_errors_in_the_ui_language():
    with pytest.raises(gr.Error, match="ไม่ใช่วันที่"):
        form_filters("th", "เมื่อวาน", "", [])
    with pytest.raises(gr.Error, match="not a date"):
        form_filters("en", "", "soon", [])
    with pytest.raises(gr.Error, match="หลังวันที่สิ้นสุด"):
        form_filters("th", "1 ม.ค. 65", "1 ม.ค. 64", [])
    f = form_filters("th", "1 ม.ค. ๒๕๖๔", "2021-12-31", ["a.txt"])
    assert f == Filters(since=date(2021, 1, 1), until=date(2021, 12, 31), sources=("a.txt",))



def test_chat_turn_shows_evidence_before_the_answer_is_written(seed_engine):
    engine = Prachum(seed_engine.settings, seed_engine.store, seed_engine.embedder,
                     chat_models={"local": slow_fake_chat(delay=0.01)})
    steps, statuses = [], []
    for step in chat_turn(Service(engine), SOCA_Q, [], "th", "local", 5):
        steps.append(step)
        statuses.append(step.state[-1].status)  # the state is updated in place: look at it as it comes
    first, retrieved, final = steps[0], steps[1], steps[-1]
    assert first.messages[0]["content"] == SOCA_Q and "กำลังค้นหา" in first.evidence
    assert "<li class='cite'" in retrieved.evidence  # evidence shown ...
    assert statuses[:2] == ["searching", "writing"]  # ... while the answer is not written yet
    streamed = [s for s in steps[2:-1] if s.evidence is None]
    assert streamed, "tokens are streamed one update at a time"
    ex = final.state[-1]
    assert ex.status == "done" and not ex.refused and ex.citations
    assert 'class="cite-ref" href="#cite-1-1"' in final.messages[-1]["content"]
    for c in ex.citations:
        assert f"id='cite-1-{c['n']}'" in final.evidence
        for start, end in c["highlights"]:
            assert 0 <= start < end <= len(c["text"])


def test_chat_turn_refuses_off_topic_questions(seed_engine):
    final = list(chat_turn(Service(seed_engine), OFF_TOPIC_Q, [], "th", "extractive", 5))[-1]
    ex = final.state[-1]
    assert ex.refused and ex.status == "done" and ex.answer == REFUSAL["th"]
    assert "class='refusal'" in final.messages[-1]["content"]


def test_follow_ups_get_the_conversation_as_history(seed_engine):
    seen: list[list] = []

    class Recording(Service):
        def stream(self, question, history=(), filters=Filters(), answerer=None, k=None):
            seen.append(list(history))
            return super().stream(question, history, filters, answerer, k)

    lib = Recording(seed_engine)
    state = list(chat_turn(lib, SOCA_Q, [], "th", "extractive", 5))[-1].state
    state = list(chat_turn(lib, "เขาดำรงตำแหน่งอะไร", state, "th", "extractive", 5))[-1].state
    assert seen[0] == []
    assert seen[1] == [(SOCA_Q, state[0].answer)]
    assert len(state) == 2 and state[1].status == "done"


def test_chat_turn_applies_date_filters(seed_engine):
    filters = form_filters("th", "1 ม.ค. ๒๕๖๔", "31 ธ.ค. 64", [])
    ex = list(chat_turn(Service(seed_engine), "การประชุมอาเซียนด้านสังคม", [], "th", "extractive", 5, filters))[-1].state[-1]
    assert ex.citations
    assert all("2021-01-01" <= c["date"] <= "2021-12-31" for c in ex.citations)


def test_a_failing_answerer_is_shown_not_raised(seed_engine):
    class Broken(Service):
        def stream(self, *args, **kwargs):
            raise ConnectionError("cannot reach http://127.0.0.1:11434/v1")
            yield  # pragma: no cover

    final = list(chat_turn(Broken(seed_engine), SOCA_Q, [], "en", "openai", 5))[-1]
    assert final.state[-1].status == "error"
    assert "ui-error" in final.messages[-1]["content"] and "11434" in final.messages[-1]["content"]


def test_missing_local_llm_is_a_clear_message(seed_engine, monkeypatch):
    lib = Service(Prachum(seed_engine.settings, seed_engine.store, seed_engine.embedder))
    monkeypatch.setattr("prachum.models.llm_setup.is_llm_model_ready", lambda settings: False)
    with pytest.raises(gr.Error, match="prachum models setup"):
        list(chat_turn(lib, SOCA_Q, [], "th", "local", 5))




def test_a_user_error_from_the_engine_is_its_message(seed_engine):
    class Failing(Service):
        def stream(self, *args, **kwargs):
            raise LlmError("the OpenAI-compatible server answered 401: check openai_api_key")
            yield  # pragma: no cover

    final = list(chat_turn(Failing(seed_engine), SOCA_Q, [], "en", "openai", 5))[-1]
    assert final.state[-1].status == "error"
    assert "check openai_api_key" in final.messages[-1]["content"]


@pytest.mark.parametrize("question, thai, english", [
    ("🤔🔥💯🇹🇭", "ไม่มีคำให้ค้นหา", "no words to search for"),
    ("?!.,;:()", "ไม่มีคำให้ค้นหา", "no words to search for"),
    ("ใครเป็นผู้แทน " * 100, "เกินกำหนด 500 ตัวอักษร", "the limit is 500"),
])
def test_a_question_without_words_or_too_long_is_a_message_in_the_ui_language(seed_engine, question, thai, english):
    for lang, expected in (("th", thai), ("en", english)):
        final = list(chat_turn(Service(seed_engine), question, [], lang, "extractive", 5))[-1]
        assert final.state[-1].status == "error" and final.state[-1].citations == []
        assert expected in final.messages[-1]["content"]


def test_the_api_gives_the_same_messages(seed_engine):
    from app.ui.api import api_ask

    for question, expected in (("🤔🔥💯🇹🇭", "no words to search for"), ("   ", "empty"),
                               ("ก" * 600, "the limit is 500")):
        with pytest.raises(gr.Error, match=expected):
            api_ask(Service(seed_engine), question)


def test_the_short_answer_is_shown_as_soon_as_the_evidence_is_found(seed_engine):
    engine = Prachum(seed_engine.settings, seed_engine.store, seed_engine.embedder,
                     chat_models={"local": slow_fake_chat(delay=0.01)})
    # an English question: the model writes its sentence (a Thai one whose facts the short answer
    # already holds would not wait for the model at all, rag/extract.plan)
    steps = chat_turn(Service(engine), "Who represented Thailand at the SOCA Retreat and when was it?", [], "th",
                      "local", 5)
    next(steps)
    retrieved = next(steps)
    ex = retrieved.state[-1]
    assert ex.status == "writing" and ex.short and "[1]" in ex.short
    bubble = retrieved.messages[-1]["content"]
    assert bubble.startswith("<div class='short-answer'>") and "<mark>" in bubble and "โมเดลกำลังเรียบเรียง" in bubble
    final = list(steps)[-1]
    ex = final.state[-1]
    numbers = {c["n"] for c in ex.citations}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", ex.short)} <= numbers  # renumbered to the final cards
    assert {c["n"] for c in ex.support} <= numbers
    bubble = final.messages[-1]["content"]
    assert bubble.index("answer short-answer") < bubble.index("<mark>") < bubble.index("llm-text")


def test_settle_renumbers_the_short_answer_to_the_llm_citations():
    from app.ui.chat import settle
    from app.ui.render import Exchange

    def card(n, text, spans):
        return {"n": n, "source": "s.txt", "title": "t", "date": None, "text": text, "score": 1.0, "highlights": spans}

    ex = Exchange("q", status="done", short="ก [1] · ข [2]", answer="LLM [1]",
                  support=[card(1, "AAA", [[0, 1]]), card(2, "BBB", [[0, 2]])])
    settle(ex, [card(1, "BBB", [[1, 3]])])
    assert ex.short == "ก [2] · ข [1]"
    assert [(c["n"], c["text"], c["highlights"]) for c in ex.citations] == [(1, "BBB", [[1, 3], [0, 2]]),
                                                                           (2, "AAA", [[0, 1]])]
    assert [(c["n"], c["text"]) for c in ex.support] == [(2, "AAA"), (1, "BBB")]
    same = Exchange("q", status="done", short="ก [1]", answer="ก [1]", support=[card(1, "AAA", [[0, 1]])])
    settle(same, [card(1, "AAA", [[0, 1]])])
    assert same.short == "ก [1]" and same.support == same.citations
