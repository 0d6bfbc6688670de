"""Follow-ups: rewritten only when they refer back, with or without an LLM."""
from __future__ import annotations

from itertools import cycle

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from rag.followup import refers_back, rewrite

HISTORY = [("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat", "นางจตุพร โรจนพานิช [1]")]


def fake(reply: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=cycle([AIMessage(content=reply)]))


def test_only_questions_that_lean_on_earlier_turns_refer_back():
    assert refers_back("เขาดำรงตำแหน่งอะไร", HISTORY)
    assert refers_back("การประชุมนั้นจัดที่ไหน", HISTORY)
    assert refers_back("What was her position?", HISTORY)
    assert not refers_back("เขาดำรงตำแหน่งอะไร", [])  # nothing to refer to
    assert not refers_back("การประชุม SOCCOM ครั้งที่ ๑๖ จัดขึ้นเมื่อไร", HISTORY)
    assert not refers_back("Who chaired SOMSWD in 2020?", HISTORY)


def test_a_stand_alone_question_is_kept_as_it_is_and_the_llm_is_not_asked():
    class Exploding(GenericFakeChatModel):
        def _generate(self, *args, **kwargs):  # type: ignore[override]
            raise AssertionError("no rewrite needed")

    question = "การประชุม SOCCOM ครั้งที่ ๑๖ จัดขึ้นเมื่อไร"
    assert rewrite(question, HISTORY, Exploding(messages=iter([]))) == question


def test_without_an_llm_the_previous_question_gives_the_context():
    assert rewrite("เขาดำรงตำแหน่งอะไร", HISTORY, None) == f"{HISTORY[0][0]} เขาดำรงตำแหน่งอะไร"


def test_the_llm_rewrite_uses_its_first_line_and_an_empty_reply_falls_back():
    reply = "นางจตุพร โรจนพานิช ดำรงตำแหน่งอะไร\n(rewritten)"
    assert rewrite("เขาดำรงตำแหน่งอะไร", HISTORY, fake(reply)) == "นางจตุพร โรจนพานิช ดำรงตำแหน่งอะไร"
    assert rewrite("เขาดำรงตำแหน่งอะไร", HISTORY, fake("   ")).startswith(HISTORY[0][0])
