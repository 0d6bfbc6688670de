"""The short answer: the facts a question asks for, each a span of a cited sentence, the fact first.

"ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat และจัดขึ้นเมื่อไร" asks for a person and a
date; the answer is the person span and the date span of the best evidence sentences,
"นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวง... [1] · 8 กุมภาพันธ์ 2564 [1]", with the sentences
themselves shown beneath as the citations' highlights. Every word of a fact is a span of
its sentence (dates are re-written in the reader's form, and stay the same date), so
nothing can be made up. A question that asks for an amount the evidence does not hold
(a budget, a rate) is a near miss: the records are close to the question but do not
answer it, and we say what we looked for instead of quoting something else.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from prachum.thai.dates import format_date
from prachum.thai.text import search_form
from prachum.types import Citation, CitedAnswer, Fact, Passage
from rag.evidence import Sentence
from rag.question import Asked
from rag.slots import SlotSpan, expansion_of, recognise

# Which recogniser kinds can fill each slot a question asks for.
FILLERS: dict[str, tuple[str, ...]] = {
    "person": ("person",), "host": ("country", "organisation"), "country": ("country",),
    "organisation": ("organisation", "country"), "date": ("date",), "time": ("time",), "place": ("place",),
    "number": ("number",), "expansion": ("expansion",), "list": ("list",),
}
# How many spans of one sentence a slot takes: "ใครบ้าง" and the +3 countries are several.
MAX_SPANS = {"person": 3, "country": 4, "host": 2, "organisation": 2, "list": 1}
POOL = 8  # evidence sentences searched for a slot, best first
POOL_FLOOR = 0.3  # ... down to this share of the best sentence's score
MONEY = re.compile(r"บาท|ดอลลาร์|ยูโร|เยน|หยวน|USD|US\$|\$|baht|dollar|euro|yen", re.I)
RATE = re.compile(r"%|ร้อยละ|เปอร์เซ็นต์|percent|ต่อ\s*(?:ดอลลาร์|USD)|per\s", re.I)
UNIT_EN = {"คน": "people", "ประเทศ": "countries", "ครั้ง": "times", "โครงการ": "projects", "หัวข้อ": "topics",
           "ฉบับ": "documents", "วัน": "days", "บาท": "baht"}
LOOKED_FOR = {
    "money": ("จำนวนเงิน (งบประมาณหรือค่าใช้จ่าย)", "an amount of money (a budget or a cost)"),
    "rate": ("อัตรา (เช่น อัตราแลกเปลี่ยนหรือร้อยละ)", "a rate (such as an exchange rate or a percentage)"),
}
_THAI = re.compile(r"[\u0e00-\u0e7f]")


@dataclass
class _Pick:
    slot: str
    sentence: Sentence
    spans: list[SlotSpan]


def _accepts(slot: str, span: SlotSpan, asked: Asked, question: str) -> bool:
    """Whether a recognised span can answer this slot of this question."""
    if span.kind in ("person", "country", "organisation") and search_form(span.text) in search_form(question):
        return False  # what the question names is not its answer ("ร่วมกับนางจตุพร" asks for the others)
    if slot == "number":
        unit = str(span.value[1]) if isinstance(span.value, tuple) and len(span.value) > 1 else ""
        if asked.specific == "money":
            return bool(MONEY.search(unit) or MONEY.search(span.text))
        if asked.specific == "rate":
            return bool(RATE.search(unit) or RATE.search(span.text))
        if unit.startswith("ครั้งที่"):
            return False  # an edition names the meeting, it does not count anything
        return asked.unit is None or asked.unit in unit or asked.unit in span.text
    return True


def _spans(slot: str, sentence: Sentence, asked: Asked, question: str) -> list[SlotSpan]:
    if slot == "expansion":
        found = [expansion_of(sentence.text, acronym) for acronym in asked.acronyms]
        return [s for s in found if s is not None][:1]
    spans = [s for s in recognise(sentence.text, FILLERS[slot]) if _accepts(slot, s, asked, question)]
    return spans[:MAX_SPANS.get(slot, 1)]


def _pick(slot: str, pool: Sequence[Sentence], picks: Sequence[_Pick], asked: Asked, question: str) -> _Pick | None:
    """The best sentence holding a filler for ``slot``; the passage of earlier picks first, since the
    date of a meeting stands beside its people, not in another record."""
    chosen = {p.sentence.passage for p in picks}
    ordered = sorted(pool, key=lambda s: (s.passage not in chosen, -s.score)) if chosen else pool
    for sentence in ordered:
        spans = _spans(slot, sentence, asked, question)
        if spans:
            return _Pick(slot, sentence, spans)
    return None


def display(span: SlotSpan, lang: str) -> str:
    """A fact as the reader sees it: dates in the reader's form, units in English for English readers."""
    if span.kind == "date":
        first, last = span.value if isinstance(span.value, tuple) else (span.value, None)
        return format_date(first, last, lang)
    if lang == "en" and span.kind == "number" and isinstance(span.value, tuple):
        amount, unit = span.value
        number = f"{amount:g}"
        return f"{number} {UNIT_EN[unit]}" if unit in UNIT_EN else span.text
    if lang == "en" and span.kind == "country" and isinstance(span.value, str) and span.value:
        from prachum.thai.gazetteer import english_name

        return english_name(span.value) or span.text
    if span.kind == "expansion" and isinstance(span.value, tuple):
        return str(span.value[1])
    return span.text.strip()


def near_miss(asked: Asked, question: str) -> str:
    """What we say when the records are close to the question but hold no answer of the asked kind."""
    thai, english = LOOKED_FOR[asked.specific or "money"]
    about = " ".join(asked.acronyms)
    if asked.lang == "en":
        return f"The records do not give {english}" + (f" for {about}." if about else ".")
    return f"ไม่พบข้อมูล{thai}" + (f"ของ {about} " if about else "") + "ในบันทึกการประชุม"


def compose(question: str, asked: Asked, passages: Sequence[Passage], sentences: Sequence[Sentence]) -> CitedAnswer | None:
    """The short answer from the slots ``asked`` wants, or None when no slot can be filled
    (the caller then answers with the best sentence). A specific amount that is missing is a
    refusal that still carries the nearest evidence."""
    if not asked.slots or not sentences:
        return None
    best = sentences[0].score
    pool = [s for s in sentences[:POOL] if s.score >= POOL_FLOOR * best] or list(sentences[:1])
    picks: list[_Pick] = []
    for slot in asked.slots:
        pick = _pick(slot, pool, picks, asked, question)
        if pick is not None:
            picks.append(pick)
        elif slot == "number" and asked.specific:
            top = pool[0]
            nearest = [Citation(1, passages[top.passage], [(top.start, top.end)])]
            return CitedAnswer(near_miss(asked, question), nearest, refused=True)
    if not picks:
        return None
    numbers: dict[int, int] = {}
    highlights: dict[int, list[tuple[int, int]]] = {}
    facts: list[Fact] = []
    for pick in picks:
        s = pick.sentence
        n = numbers.setdefault(s.passage, len(numbers) + 1)
        if (s.start, s.end) not in highlights.setdefault(s.passage, []):
            highlights[s.passage].append((s.start, s.end))
        facts += [Fact(display(span, asked.lang), pick.slot, n) for span in pick.spans]
    facts = list(dict.fromkeys(facts))
    text = " · ".join(f"{f.text} [{f.n}]" for f in facts)
    if asked.lang == "en" and any(_THAI.search(f.text) for f in facts):
        text += " (quoted in Thai from the record)"
    citations = [Citation(n, passages[i], sorted(highlights[i])) for i, n in numbers.items()]
    return CitedAnswer(text, citations, facts)
