"""What the LLM is shown, and how its replies are read.

The system prompts are fixed so their KV cache is reused across questions: only the
evidence and the question are read anew. Evidence is given as numbered sentences in
normalised form (Arabic digits, dates written out in full) because the 1.5B model
misreads "8 ก.พ. 64" but not "8 กุมภาพันธ์ 2564".

``extract_prompt()`` is what answers today (rag/extract: the model picks lettered options, or
copies short spans, and an English question gets a template sentence). ``free_prompt()``, the
free answer, and ``span_prompt()``, the span-copying extractor, are what it replaced; they are
kept for bench/llm_speed's baselines. The ChatPromptTemplates are built on first use, so the
extractive answerer, which imports this module for ``REFUSAL``, never imports LangChain; the
old constant names (``EXTRACT_PROMPT``, ``PROMPT``, ``SPAN_PROMPT``) still work, through the
module's ``__getattr__``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Sequence

from prachum.thai.dates import find_dates, format_date
from prachum.thai.text import search_form
from rag.evidence import Sentence

if TYPE_CHECKING:
    from langchain_core.prompts import ChatPromptTemplate

MAX_SENTENCES = 5  # the grammar numbers sentences with one digit
MAX_SENTENCE_CHARS = 280  # a longer sentence is cut to a window around the short answer's fact
EVIDENCE_TOKENS = 240  # what the model reads per question, on top of the cached system prompt
_THAI = re.compile(r"[\u0e00-\u0e7f]")

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

# The span-copying extractor's system prompt (what answered until the lettered options): kept with
# span_prompt() for bench/llm_speed's baseline, and so its reply shape stays documented.
SPAN_SYSTEM = (
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

# Cached after the first question, so its two worked examples cost nothing per question; they show
# the 1.5B model what a letter, a copied span and "{A}" mean better than any rule does. Choosing a
# letter is one generated token where copying a Thai name is thirty (rag/extract).
EXTRACT_SYSTEM = (
    "Answer the question from the numbered sentences, as JSON. If options are given, \"f\" is the letters "
    "of the options that answer it, in the order asked; else \"f\" lists [sentence number, the words of "
    "that sentence that answer it, copied exactly]. \"f\" is empty if no sentence answers. For an English "
    "question, \"a\" is one short English sentence with {A} (or {1}) standing for each fact.\n"
    "Example:\n[1] เมื่อวันที่ 3 มีนาคม 2564 นายสมชาย ใจดี อธิบดีกรมกิจการผู้สูงอายุ เป็นประธานการประชุม "
    "โดยมีนายสมศักดิ์ มั่นคง เป็นผู้ดำเนินรายการ\n"
    "Question: Who chaired the meeting and when?\nOptions:\nA. นายสมชาย ใจดี\nB. นายสมศักดิ์ มั่นคง\nC. 3 มีนาคม 2564\n"
    '{"f":"AC","a":"{A} chaired the meeting on {C}."}\n'
    "Example:\n[1] ที่ประชุมมีผู้เข้าร่วม 45 คน\n[2] ที่ประชุมเห็นชอบให้จัดทำแผนงานด้านผู้สูงอายุ ณ กรุงเทพมหานคร\n"
    "Question: ที่ประชุมเห็นชอบเรื่องอะไร\n"
    '{"f":[[2,"ให้จัดทำแผนงานด้านผู้สูงอายุ"]]}'
)
EXTRACT_HUMAN = "{sentences}\nQuestion: {question}{options}"


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


@lru_cache(maxsize=None)
def extract_prompt() -> "ChatPromptTemplate":
    """The extractor's prompt (inputs ``sentences``, ``question``, ``options``), built on first use."""
    from langchain_core.prompts import ChatPromptTemplate

    return ChatPromptTemplate.from_messages([("system", _escaped(EXTRACT_SYSTEM)), ("human", EXTRACT_HUMAN)])


@lru_cache(maxsize=None)
def span_prompt() -> "ChatPromptTemplate":
    """The span-copying extractor's prompt (inputs ``sentences``, ``question``): a bench baseline."""
    from langchain_core.prompts import ChatPromptTemplate

    return ChatPromptTemplate.from_messages([("system", _escaped(SPAN_SYSTEM)),
                                             ("human", "{sentences}\nQuestion: {question}")])


@lru_cache(maxsize=None)
def free_prompt() -> "ChatPromptTemplate":
    """The free answer's prompt (inputs ``context``, ``question``): a bench baseline."""
    from langchain_core.prompts import ChatPromptTemplate

    return ChatPromptTemplate.from_messages([
        ("system", SYSTEM_PROMPT),
        ("human", "Passages:\n{context}\n\nQuestion: {question}\nAnswer:"),
    ])


_LAZY = {"EXTRACT_PROMPT": extract_prompt, "SPAN_PROMPT": span_prompt, "PROMPT": free_prompt}


def __getattr__(name: str) -> Any:
    """``from rag.prompts import EXTRACT_PROMPT`` still works, and imports LangChain only then."""
    if name in _LAZY:
        return _LAZY[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
        out.append(format_date(found.date, found.last, "th"))  # a range stays a range: "21-22 กันยายน 2563"
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


def tokens_estimate(text: str) -> int:
    """Qwen2.5 tokens, measured on the seed records: ~1.9 Thai characters a token, ~4 Latin ones."""
    thai = len(_THAI.findall(text))
    return int(thai / 1.9) + (len(text) - thai) // 4 + 1


@dataclass(frozen=True)
class Line:
    """One evidence sentence as the model sees it: number ``n`` (from 1), the text shown (dates
    written out in full, maybe cut to a window), and where it stands."""

    n: int
    shown: str
    sentence: Sentence


def window(text: str, anchors: Sequence[str], limit: int = MAX_SENTENCE_CHARS) -> str:
    """``text`` cut to ``limit`` characters around the first of ``anchors`` it holds."""
    if len(text) <= limit:
        return text
    at = next((i for a in anchors if a and (i := text.find(a)) >= 0), 0)
    start = max(0, min(at - limit // 3, len(text) - limit))
    cut = text[start:start + limit]
    if start > 0 and " " in cut[:30]:
        cut = cut[cut.index(" ") + 1:]  # start on a word: Thai is spaced between phrases
    return cut


def evidence_lines(sentences: Sequence[Sentence], anchors: Sequence[str] = (),
                   budget: int = EVIDENCE_TOKENS) -> list[Line]:
    """The best sentences (given best first) within ``budget`` tokens, numbered in that order.
    The first always goes in; ``anchors`` (the short answer's facts) place the window of a long one."""
    lines: list[Line] = []
    used = 0
    for s in sentences:
        shown = window(expand_dates(s.text), [expand_dates(a) for a in anchors])
        cost = tokens_estimate(shown) + 4
        if lines and used + cost > budget:
            continue
        lines.append(Line(len(lines) + 1, shown, s))
        used += cost
        if len(lines) == MAX_SENTENCES:
            break
    return lines


def format_lines(lines: Sequence[Line]) -> str:
    return "\n".join(f"[{line.n}] {line.shown}" for line in lines)
