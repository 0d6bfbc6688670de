"""Follow-ups: rewritten only when they refer back, with or without an LLM."""
from __future__ import annotations

from itertools import cycle

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from rag.followup import heuristic_rewrite, refers_back, rewrite

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


def test_without_an_llm_a_pronoun_becomes_the_person_the_last_answer_named():
    assert rewrite("เขาดำรงตำแหน่งอะไร", HISTORY, None).startswith("นางจตุพร โรจนพานิช ดำรงตำแหน่งอะไร")
    english = [("Who represented Thailand at the SOCA Retreat?", "นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวง [1]")]
    assert rewrite("What was her position?", english, None).startswith("What was นางจตุพร โรจนพานิช's position")


def test_without_an_llm_that_meeting_becomes_the_meeting_the_last_question_named():
    history = [("การประชุม SOMSWD ครั้งที่ ๑๖ จัดขึ้นเมื่อไร", "21-22 กันยายน 2563 [1]")]
    assert rewrite("การประชุมนั้นจัดที่ไหน", history, None) == "การประชุม SOMSWD ครั้งที่ 16 จัดที่ไหน"
    english = [("When was the 16th SOCCOM held?", "15 March 2021 [1]")]
    assert rewrite("Who chaired that meeting?", english, None) == "Who chaired the SOCCOM ครั้งที่ 16 meeting?"


def test_without_an_llm_or_a_name_the_previous_question_gives_the_context():
    history = [("การประชุมเรื่องอะไร", "ที่ประชุมรับทราบรายงาน [1]")]
    assert rewrite("เขาพูดว่าอะไร", history, None) == "การประชุมเรื่องอะไร เขาพูดว่าอะไร"


def test_the_llm_rewrite_uses_its_first_line_and_an_empty_reply_falls_back():
    history = [("การประชุมเรื่องอะไร", "ที่ประชุมรับทราบรายงาน [1]")]  # no name the rules could use
    reply = "ผู้แทนไทยพูดว่าอะไรในการประชุม\n(rewritten)"
    assert rewrite("เขาพูดว่าอะไร", history, fake(reply)) == "ผู้แทนไทยพูดว่าอะไรในการประชุม"
    assert rewrite("เขาพูดว่าอะไร", history, fake("   ")) == "การประชุมเรื่องอะไร เขาพูดว่าอะไร"


def test_a_persons_post_is_asked_at_the_meeting_the_last_question_named():
    """นางจตุพร was an assistant permanent secretary at one meeting and an inspector-general at another."""
    thai = heuristic_rewrite("เขาดำรงตำแหน่งอะไร", [("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat",
                                                    "นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวง [1]")])
    assert thai == "นางจตุพร โรจนพานิช ดำรงตำแหน่งอะไร ในการประชุม SOCA Retreat"
    english = heuristic_rewrite("What was her position?", [("Who represented Thailand at the 16th SOCCOM?",
                                                           "นางจตุพร โรจนพานิช [1]")])
    assert english == "What was นางจตุพร โรจนพานิช's position at the 16th SOCCOM?"


def test_a_reference_the_rules_resolve_is_not_given_to_the_llm():
    class Exploding(GenericFakeChatModel):
        def _generate(self, *args, **kwargs):  # type: ignore[override]
            raise AssertionError("the rules resolved it")

    assert rewrite("เขาดำรงตำแหน่งอะไร", HISTORY, Exploding(messages=iter([]))).startswith("นางจตุพร โรจนพานิช")
    # nothing to resolve "เขา" to: the model rewrites it
    history = [("การประชุมเรื่องอะไร", "ที่ประชุมรับทราบรายงาน [1]")]
    assert rewrite("เขาพูดว่าอะไร", history, fake("ผู้แทนพูดว่าอะไรในการประชุม")) == "ผู้แทนพูดว่าอะไรในการประชุม"


def test_a_model_rewrite_that_drops_what_was_asked_is_not_used():
    history = [("การประชุมภาคีหุ้นส่วนว่าด้วยวัฒนธรรมแห่งการป้องกันจัดขึ้นวันที่เท่าไร", "๒๖ ส.ค. ๖๔ [1]")]
    followup = "การประชุมนั้นมีผู้เข้าร่วมประมาณกี่คน"
    # the model asked the date again: the question's own words give the context instead
    drifted = fake("ผู้เข้าร่วมประชุมภาคีหุ้นส่วนว่าด้วยวัฒนธรรมแห่งการป้องกันจัดขึ้นวันที่เท่าไร")
    assert rewrite(followup, history, drifted) == f"{history[0][0]} {followup}"
    kept = "การประชุมภาคีหุ้นส่วนว่าด้วยวัฒนธรรมแห่งการป้องกันมีผู้เข้าร่วมประมาณกี่คน"
    assert rewrite(followup, history, fake(kept)) == kept
    english = [("When was the Partnership Meeting on the Culture of Prevention held?", "26 August 2021 [1]")]
    assert rewrite("About how many people attended that meeting?", english,
                   fake("About how many people attended the Partnership Meeting on the Culture of Prevention?")
                   ) == "About how many people attended the Partnership Meeting on the Culture of Prevention?"
    assert rewrite("About how many people attended that meeting?", english,
                   fake("When was the Partnership Meeting on the Culture of Prevention held?")
                   ) == f"{english[0][0]} About how many people attended that meeting?"
