"""What the LLM is shown, and how its replies are read.

The system prompts are fixed so their KV cache is reused across questions: only the
evidence and the question are read anew. Evidence is given as numbered sentences in
normalised form (Arabic digits, dates written out in full) because the 1.5B model
misreads "8 ก.พ. 64" but not "8 กุมภาพันธ์ 2564".

``EXTRACT_PROMPT`` is what answers today (rag/extract: exact spans, then a template
sentence); ``PROMPT``, the free answer it replaced, is kept for bench/llm_speed's baseline.
"""
from __future__ import annotations

import re
from typing import Sequence

from langchain_core.prompts import ChatPromptTemplate

from prachum.thai.dates import find_dates, format_thai_date
from prachum.thai.text import search_form

REFUSAL = {
    "th": "ไม่พบข้อมูลนี้ในบันทึกการประชุม",
    "en": "Not found in the meeting records.",
}

SYSTEM_PROMPT = (
    "You answer questions about Thai government meeting records using ONLY the numbered passages given.\n"
    "Rules:\n"
    "- Answer in the language of the question (Thai question: Thai answer; English question: English answer).\n"
    "- Be short: one to three sentences with the facts asked for (names with titles, dates, places, numbers).\n"
    "- After each sentence put the number of the passage it comes from in square brackets, like [1] or [2].\n"
    "- Copy names, dates and numbers exactly as the passages give them. Do not add facts that are not in the passages.\n"
    "- If the passages do not contain the answer, reply exactly: NOT_FOUND"
)

PROMPT = ChatPromptTemplate.from_messages([
    ("system", SYSTEM_PROMPT),
    ("human", "Passages:\n{context}\n\nQuestion: {question}\nAnswer:"),
])

# Cached after the first question, so its two worked examples cost nothing per question; they show
# the 1.5B model what "exact words" and "{1}" mean better than any rule does.
EXTRACT_SYSTEM = (
    "Answer the question from the numbered sentences, as JSON. \"facts\": the words of the sentences that "
    "answer it, copied exactly, each with its sentence number \"s\". \"answer\": one short sentence in the "
    "language of the question, with {1}, {2} standing for the facts. If no sentence answers, "
    "facts is [] and answer is \"\".\n"
    "Example:\n[1] เมื่อวันที่ 3 มีนาคม 2564 นายสมชาย ใจดี อธิบดีกรมกิจการผู้สูงอายุ เป็นประธานการประชุม ณ ห้องประชุม 1\n"
    "Question: Who chaired the meeting and when?\n"
    '{"facts":[{"s":1,"text":"นายสมชาย ใจดี อธิบดีกรมกิจการผู้สูงอายุ"},{"s":1,"text":"3 มีนาคม 2564"}],'
    '"answer":"{1} chaired the meeting on {2}."}\n'
    "Example:\n[1] ที่ประชุมมีผู้เข้าร่วม 45 คน\n[2] การประชุมจัดขึ้นที่กรุงเทพมหานคร\n"
    "Question: การประชุมจัดขึ้นที่ไหน\n"
    '{"facts":[{"s":2,"text":"กรุงเทพมหานคร"}],"answer":"การประชุมจัดขึ้นที่{1}"}'
)

EXTRACT_PROMPT = ChatPromptTemplate.from_messages([
    ("system", EXTRACT_SYSTEM.replace("{", "{{").replace("}", "}}")),
    ("human", "{sentences}\nQuestion: {question}"),
])

_DECLINES = re.compile(
    r"NOT_FOUND|ไม่พบ|ไม่มีข้อมูล|ไม่ได้ระบุ|ไม่ได้กล่าวถึง|ไม่สามารถ|not found|do(?:es)? not (?:say|mention|contain|specify|provide)|"
    r"no information|cannot (?:find|answer|determine)|not (?:mentioned|specified|provided)",
    re.I,
)


def expand_dates(text: str) -> str:
    """Write every date out in full Thai form so the model cannot misread abbreviations."""
    form = search_form(text)
    out, last = [], 0
    for found in find_dates(form):
        out.append(form[last:found.start])
        out.append(format_thai_date(found.date))
        last = found.end
    out.append(form[last:])
    return "".join(out)


def format_context(blocks: Sequence[tuple[int, str, str, str]]) -> str:
    """``blocks`` are (number, title, date, text); one block per passage, numbered from 1."""
    lines = []
    for n, title, day, text in blocks:
        header = f"[{n}] {title}" + (f" ({day})" if day else "")
        lines.append(f"{header}\n{expand_dates(text)}")
    return "\n\n".join(lines)


def is_decline(reply: str) -> bool:
    """The model said it cannot answer (in any of the ways it tends to)."""
    return bool(_DECLINES.search(reply[:200]))
