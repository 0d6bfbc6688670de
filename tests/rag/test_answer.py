"""The extractive answer and the LLM's context, built from scored sentences."""
from __future__ import annotations

from prachum.types import Passage
from rag.answer import estimate_llm_tokens, extractive_answer, select_context
from rag.evidence import Sentence

TEXT = ("นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ กล่าวถ้อยแถลงในนาม SOCA Leader ประเทศไทย "
        "การประชุมจัดขึ้นเมื่อวันที่ 8 กุมภาพันธ์ 2564 ผ่านระบบการประชุมทางไกล")
P0 = Passage(id="a", text=TEXT, source="/r/a.txt", title="SOCA Retreat", date="2021-02-08", score=1, dense=0.9, lexical=1)
P1 = Passage(id="b", text="ที่ประชุมเห็นชอบร่างแผนงาน ค.ศ. 2021-2025", source="/r/b.txt", title="SOCCOM", date="2021-03-15",
             score=0.5, dense=0.8, lexical=0.5)
SPLIT = TEXT.index("การประชุมจัดขึ้น")


def sentence(passage: int, start: int, end: int, text: str, kinds: set[str], score: float) -> Sentence:
    return Sentence(passage, start, end, text[start:end], kinds=frozenset(kinds), score=score)


WHO = sentence(0, 0, SPLIT - 1, TEXT, {"who"}, 1.0)
WHEN = sentence(0, SPLIT, len(TEXT), TEXT, {"when", "how_many"}, 0.4)
OTHER = sentence(1, 0, len(P1.text), P1.text, {"when", "how_many"}, 0.6)


def test_a_who_and_when_question_gets_the_person_and_the_date_from_the_same_record():
    answer = extractive_answer("ใครเป็นผู้แทนประเทศไทย และจัดขึ้นเมื่อไร", [P0, P1], [WHO, OTHER, WHEN])
    assert "นางจตุพร" in answer.text and "8 กุมภาพันธ์ 2564" in answer.text
    assert "2021-2025" not in answer.text  # the date of the best sentence's own record wins
    assert answer.text.endswith("[1]") and [c.passage.id for c in answer.citations] == ["a"]
    assert answer.citations[0].highlights == [(WHO.start, WHO.end), (WHEN.start, WHEN.end)]


def test_no_sentences_no_answer():
    empty = extractive_answer("ใคร", [P0], [])
    assert empty.text == "" and empty.citations == []


def test_thai_costs_more_tokens_per_character_than_english():
    assert estimate_llm_tokens("การประชุม" * 10) > estimate_llm_tokens("meeting" * 10)


def test_context_keeps_the_budget_and_the_record_order():
    blocks = select_context([P0, P1], [WHO, OTHER, WHEN], budget_tokens=10_000)
    assert [i for i, _ in blocks] == [0, 1]
    assert blocks[0][1].index("นางจตุพร") < blocks[0][1].index("8 กุมภาพันธ์")  # document order
    tight = select_context([P0, P1], [WHO, OTHER, WHEN], budget_tokens=estimate_llm_tokens(WHO.text) + 2)
    assert tight == [(0, WHO.text.strip())]
