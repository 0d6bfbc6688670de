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
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Sequence

from prachum.meetings import names_match
from prachum.thai.dates import ENGLISH_MONTH_NAMES, THAI_MONTH_NAMES, format_date
from prachum.thai.gazetteer import english_name, lookup
from prachum.thai.text import search_form
from prachum.types import Citation, CitedAnswer, Fact, Passage
from rag.evidence import Sentence
from rag.near_miss import (
    Corpus,
    LOOKED_FOR_SLOT,
    UNIT_EN,
    acronym_refusal,
    type_refusal,
    edition_refusal,
    ending_refusal,
    mentioned_only,
    near_miss,
    position_refusal,
    slot_refusal,
    stranger_refusal,
    term_refusal,
    undefined_term,
    unknown_edition,
    unknown_person,
)
from rag.question import MEETING_TYPES, Asked, editions
from rag.roles import asked_people, role_spans
from prachum.slots import SlotSpan, Title, expansion_of, recognise
from prachum.slots.editions import EditionMention, clause_of

# Which recogniser kinds can fill each slot a question asks for.
FILLERS: dict[str, tuple[str, ...]] = {
    "person": ("person",), "host": ("country", "organisation"), "country": ("country",),
    "organisation": ("organisation", "country"), "date": ("date",), "year": ("year",), "time": ("time",), "place": ("place",),
    "number": ("number",), "expansion": ("expansion",), "list": ("list",), "title": ("title",), "month": ("month",), "named": ("named",),
}
# How many spans of one sentence a slot takes: "ใครบ้าง" and the +3 countries are several.
MAX_SPANS = {"person": 3, "country": 4, "host": 2, "organisation": 2, "list": 1, "year": 2, "named": 3}
POOL = 8  # evidence sentences searched for a slot, best first
OTHER_FLOOR = 0.6  # another record's sentence is tried only at this share of the best sentence's score
MONEY = re.compile(r"บาท|ดอลลาร์|ยูโร|เยน|หยวน|USD|US\$|\$|baht|dollar|euro|yen", re.I)
RATE = re.compile(r"%|ร้อยละ|เปอร์เซ็นต์|percent|ต่อ\s*(?:ดอลลาร์|USD)|per\s", re.I)
CLAUSE_SLOTS = ("date", "time", "place", "month", "year")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
WEEKDAYS = (("วันจันทร์", "Monday"), ("วันอังคาร", "Tuesday"), ("วันพุธ", "Wednesday"), ("วันพฤหัสบดี", "Thursday"),
            ("วันศุกร์", "Friday"), ("วันเสาร์", "Saturday"), ("วันอาทิตย์", "Sunday"))
_WEEKDAY_BEFORE = re.compile("(?:" + "|".join(d for pair in WEEKDAYS for d in pair) + r")(?:ที่)?,?\s*(?:the\s*)?$", re.I)
_BRACKETED_ENGLISH = re.compile(r"\(([A-Za-z][^()\u0e00-\u0e7f]{2,})\)")
_ASSIGNER = re.compile(r"มอบหมาย(?:จาก|โดย)\s*$|\b(?:assigned|delegated|appointed) by\s*$", re.I)
_ASSIGN_ASKED = re.compile(r"มอบหมาย|\bassign|\bdelegat|\bappoint", re.I)
# representatives as a group, at the tail of a list or as a body: never "the one who represented"
_GROUP_MENTION = re.compile(r"(?:และ|คณะ|กรรมการ|โดย)\s*ผู้แทน|ผู้แทน\s*(?:จาก|หน่วยงาน|ถาวร)")
VENUE_WORDS = re.compile(r"ห้อง|ชั้น|อาคาร|โรงแรม|สถานที่|จากที่ไหน|จากที่ใด|\b(?:room|floor|building|hotel|venue)\b|"
                         r"\bfrom where\b", re.I)


@dataclass
class _Pick:
    slot: str
    sentence: Sentence
    spans: list[SlotSpan]


def _accepts(slot: str, span: SlotSpan, asked: Asked, question: str) -> bool:
    """Whether a recognised span can answer this slot of this question."""
    if span.kind in ("person", "country", "organisation"):
        asked_form = search_form(question).lower()
        names = [getattr(span.value, "name", None) or span.text, span.text]
        if span.kind != "person" and isinstance(span.value, str):
            names.append(english_name(span.value) or "")
        if any(name and search_form(name).lower() in asked_form for name in names):
            return False  # what the question names is not its answer ("ร่วมกับนางจตุพร" asks for the others)
        if span.kind == "person" and any(names_match(named, names[0]) for named in asked_people(question)):
            return False  # named by the given name alone, or in English: "Jatuporn" is นางจตุพร โรจนพานิช
    if slot == "organisation" and asked.org_heads and not span.text.startswith(asked.org_heads) \
            and not str(span.value or "").startswith(asked.org_heads):
        return False  # "which university": not the ministry that stands beside it
    if span.kind == "named":
        squashed = _squash(span.text)
        if any(a.upper() in squashed for a in asked.acronyms) or not span.text.startswith(asked.heads or ("",)):
            return False  # "which conference ... of the 16th SOCCOM": not SOCCOM itself
    if slot == "person" and asked.position:  # "which Permanent Secretary": the person who holds that post
        position = search_form(getattr(span.value, "position", None) or "")
        if not position.startswith(asked.position):
            return False
    if slot == "time" and asked.ending and not isinstance(span.value, tuple):
        return False  # "09.00 น." says when it began, not when it ended
    if slot == "place" and getattr(span.value, "mode", "") == "remote" and VENUE_WORDS.search(question):
        return False  # "จากห้องประชุมใด", "from where did they join" ask for the room, not "ผ่านระบบการประชุมทางไกล"
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


def _squash(text: str) -> str:
    """Acronyms compare upper-cased without spaces: "SOMSWD + 3", "somswd+3"."""
    return text.upper().replace(" ", "")


def _meeting_acronyms(asked: Asked) -> list[str]:
    """The acronyms a question names that name a meeting: "ASEAN" names a body, not a meeting."""
    return [a for a in asked.acronyms if lookup(a) is None]


def _names_the_meeting(asked: Asked, sentence: Sentence, passage: Passage) -> bool:
    """Whether the sentence, read with its record's title, is about the meeting the question names:
    every acronym it names, and its edition when the sentence gives editions at all."""
    form = search_form(f"{passage.title} {sentence.text}")
    squashed = _squash(form)
    if not all(_squash(acronym) in squashed for acronym in _meeting_acronyms(asked)):
        return False
    named = editions(form)
    return asked.edition is None or not named or asked.edition in named


def _by_type_only(asked: Asked) -> bool:
    """The question names its meeting by kind alone ("การประชุมสุดยอดอาเซียน"), with no acronym or
    edition that would pick it out more precisely."""
    return bool(asked.meeting_types) and asked.edition is None and not _meeting_acronyms(asked)


def _of_type(asked: Asked, sentence: Sentence, passage: Passage) -> bool:
    """Whether the sentence, read with its record's title, speaks of every kind of meeting the question names."""
    form = search_form(f"{passage.title} {sentence.text}").lower()
    return all(any(word in form for word in MEETING_TYPES[kind]) for kind in asked.meeting_types)


def _in_passing(asked: Asked, pool: Sequence[Sentence], passages: Sequence[Passage]) -> str | None:
    """An acronym the question names that the evidence names only in passing: every sentence tried
    names it, no record's title does. What those sentences lack, the records do not say of it."""
    if not pool:
        return None
    titles = {_squash(passages[s.passage].title) for s in pool}
    texts = [_squash(search_form(s.text)) for s in pool]
    for acronym in _meeting_acronyms(asked):
        key = _squash(acronym)
        if not any(key in title for title in titles) and all(key in text for text in texts):
            return acronym
    return None


def _cue_positions(sentence: str, cues: Sequence[str]) -> list[int]:
    """Where the words the answer should stand next to occur in ``sentence``, leaving out a group
    named in passing: "และผู้แทนจากกรมต่าง ๆ" are representatives, but not the one who represented."""
    lowered = sentence.lower()
    groups = [m.span() for m in _GROUP_MENTION.finditer(lowered)]
    return [m.start() for cue in cues for m in re.finditer(re.escape(cue.lower()), lowered)
            if not any(a <= m.start() < b for a, b in groups)]


def _near_cues(spans: list[SlotSpan], sentence: str, cues: Sequence[str], limit: int) -> list[SlotSpan]:
    """The ``limit`` spans nearest the words the answer should stand next to, back in text order."""
    anchors = _cue_positions(sentence, cues)
    if not anchors or len(spans) <= limit:
        return spans[:limit]
    nearest = sorted(spans, key=lambda s: min(min(abs(s.start - a), abs(s.end - a)) for a in anchors))[:limit]
    return sorted(nearest, key=lambda s: s.start)


def _spans(slot: str, sentence: Sentence, asked: Asked, question: str) -> list[SlotSpan]:
    return list(_spans_in(slot, sentence.text, asked, question))


@lru_cache(maxsize=2048)
def _spans_in(slot: str, text: str, asked: Asked, question: str) -> tuple[SlotSpan, ...]:
    """The fillers of ``slot`` in one sentence. Cached: the joint pass and the per-slot pass of
    :func:`compose` read the same few sentences, and the same evidence comes back question after question."""
    if slot == "expansion":
        found = [expansion_of(text, acronym) for acronym in asked.acronyms]
        return tuple(s for s in found if s is not None)[:1]
    if slot == "role":
        return tuple(role_spans(text, asked.people, asked.capacity))
    spans, seen = [], set()
    for span in recognise(text, FILLERS[slot]):
        key = span.value if span.kind in ("country", "organisation") and span.value else span.text
        if span.kind == "person" and _ASSIGNER.search(text[max(0, span.start - 30):span.start]) \
                and not _ASSIGN_ASKED.search(question):
            continue  # "ได้รับมอบหมายจาก นางพัชรี": she sent the delegate; she neither attended nor represented
        if key not in seen and _accepts(slot, span, asked, question):
            seen.add(key)  # "ประเทศญี่ปุ่น" and "Japan" in one sentence are one country
            spans.append(span)
    if asked.period_asked:  # "during which dates": "20 – 24 สิงหาคม 2561" before "20 สิงหาคม 2561"
        spans.sort(key=lambda s: not isinstance(s.value, tuple))
    limit = MAX_SPANS.get(slot, 1) if asked.plural or slot == "list" else 1
    return tuple(_near_cues(spans, text, asked.cues, limit))


def _pick(slot: str, pool: Sequence[Sentence], picks: Sequence[_Pick], asked: Asked, question: str) -> _Pick | None:
    """The first sentence of ``pool`` holding a filler for ``slot``; the passage of earlier picks first,
    since the date of a meeting stands beside its people, not in another record."""
    chosen = {p.sentence.passage for p in picks}
    ordered = sorted(pool, key=lambda s: s.passage not in chosen) if chosen else pool
    found = ((sentence, _spans(slot, sentence, asked, question)) for sentence in ordered)
    candidates = [(sentence, spans) for sentence, spans in found if spans]
    if not candidates:
        return None
    if asked.plural:  # "ได้แก่ประเทศใดบ้าง": the sentence that names the most of them, the earliest of equals
        sentence, spans = max(candidates, key=lambda c: len(c[1]))
    else:
        sentence, spans = candidates[0]
    return _Pick(slot, sentence, spans)


def _together(asked: Asked, pool: Sequence[Sentence], question: str) -> list[_Pick]:
    """For a question asking several things ("ใคร ... และจัดขึ้นเมื่อไร"), the first sentence that
    answers the most of them at once: the person who stands beside the date is the one meant."""
    if len(asked.slots) < 2:
        return []
    best: list[_Pick] = []
    for sentence in pool:
        found = [_Pick(slot, sentence, spans) for slot in asked.slots
                 if (spans := _spans(slot, sentence, asked, question))]
        if len(found) > max(1, len(best)):
            best = found
    return best


def _pool(asked: Asked, passages: Sequence[Passage], sentences: Sequence[Sentence]) -> list[Sentence]:
    """Where the facts may come from, in the order they are tried.

    The best sentence's record first (its sentences by score), then other records' sentences
    that score close to the best; only sentences about the meeting the question names, when
    there are any (a date next to "SOMSWD ครั้งที่ 16" does not answer "SOCCOM ครั้งที่ ๑๖");
    sentences holding a cue word ("เจ้าภาพ" for "which country hosted") before the others.
    """
    best = sentences[0]
    source = passages[best.passage].source
    top = sentences[:POOL]
    same = [s for s in top if passages[s.passage].source == source]
    others = [s for s in top if passages[s.passage].source != source and s.score >= OTHER_FLOOR * best.score]
    pool = [s for s in same + others if _names_the_meeting(asked, s, passages[s.passage])] or same + others
    if asked.cues:
        pool.sort(key=lambda s: not _cue_positions(s.text, asked.cues))
    return pool


def display(span: SlotSpan, lang: str) -> str:
    """A fact as the reader sees it: dates in the reader's form, units in English for English readers."""
    if span.kind == "date":
        first, last = span.value if isinstance(span.value, tuple) else (span.value, None)
        return format_date(first, last, lang)
    if span.kind == "time" and lang == "en" and span.value is not None:
        first, last = span.value if isinstance(span.value, tuple) else (span.value, None)
        return first.strftime("%H:%M") + (f"-{last.strftime('%H:%M')}" if last else "")
    if span.kind == "year" and isinstance(span.value, int):
        return str(span.value + 543) if lang == "th" else str(span.value)
    if span.kind == "year" and isinstance(span.value, tuple):  # "(2021-2025)": as the record writes it
        return span.text.strip()
    if lang == "en" and span.kind == "number" and isinstance(span.value, tuple):
        amount, unit = span.value
        number = f"{amount:g}"
        return f"{number} {UNIT_EN[unit]}" if unit in UNIT_EN else span.text
    if lang == "en" and span.kind in ("country", "organisation") and isinstance(span.value, str) and span.value:
        return english_name(span.value) or span.text
    if span.kind == "month" and isinstance(span.value, tuple):
        month, year = span.value
        names = ENGLISH_MONTH_NAMES if lang == "en" else THAI_MONTH_NAMES
        return names[month] + (f" {year + 543 if lang == 'th' else year}" if year else "")
    if span.kind == "title" and isinstance(span.value, Title):
        return span.value.reads(lang)
    if span.kind == "role" and lang == "en" and (english := _BRACKETED_ENGLISH.search(span.text)) \
            and " " in english.group(1).strip():  # "(SOCA Leader of Thailand)", not an acronym alone: "(SOMSWD)"
        return english.group(1)
    if span.kind == "named" and isinstance(span.value, Title):
        return span.value.reads(lang) if lang == "en" else span.text.strip()
    if span.kind == "expansion" and isinstance(span.value, tuple):
        return str(span.value[1])
    return span.text.strip()


def _with_weekday(span: SlotSpan, sentence: str, asked: Asked) -> str:
    """A date as the reader sees it, with the weekday the record writes before it when the question
    asks which day it was ("วันจันทร์ที่ 20 สิงหาคม 2561" -> "Monday, 20 August 2018")."""
    shown = display(span, asked.lang)
    if not (asked.weekday and span.kind == "date"):
        return shown
    match = _WEEKDAY_BEFORE.search(sentence[max(0, span.start - 20):span.start])
    if match is None:
        return shown
    day = next(d for d in WEEKDAYS if match.group(0).lower().startswith((d[0], d[1].lower())))
    return f"{day[1]}, {shown}" if asked.lang == "en" else f"{day[0]}ที่ {shown}"


def _clauses(pool: Sequence[Sentence], mention: EditionMention) -> list[Sentence]:
    """The parts of the sentences that speak of a meeting the records only mention."""
    parts = []
    for s in pool:
        if (clause := clause_of(s.text, mention)) is not None:
            a, b = clause
            parts.append(replace(s, text=s.text[a:b], start=s.start + a, end=s.start + b))
    return parts


def _nearest(passages: Sequence[Passage], sentences: Sequence[Sentence]) -> list[Citation]:
    top = sentences[0]
    return [Citation(1, passages[top.passage], [(top.start, top.end)])]


def compose(question: str, asked: Asked, passages: Sequence[Passage], sentences: Sequence[Sentence],
            corpus: Corpus | None = None) -> CitedAnswer | None:
    """The short answer from the slots ``asked`` wants, or None when no slot can be filled
    (the caller then answers with the best sentence). A specific amount that is missing, or a
    numbered meeting the records never mention, is a refusal that still carries the nearest evidence."""
    if not sentences:
        return None
    if (absent := unknown_edition(question, passages, corpus)) is not None:
        return CitedAnswer(edition_refusal(absent, asked.lang), _nearest(passages, sentences), refused=True)
    if (stranger := unknown_person(question, passages)) is not None:
        return CitedAnswer(stranger_refusal(stranger, asked.lang), _nearest(passages, sentences), refused=True)
    if not asked.slots and (term := undefined_term(question, passages)) is not None:
        return CitedAnswer(term_refusal(term, asked.lang), _nearest(passages, sentences), refused=True)
    if not asked.slots:
        return None
    pool = _pool(asked, passages, sentences)
    only = mentioned_only(question, passages)
    # when and where of a meeting the records only mention: from what they say after naming it
    clauses = (_clauses(pool, only) or pool) if only is not None else pool
    picks: list[_Pick] = _together(asked, pool, question) if only is None else []
    for slot in asked.slots:
        if any(p.slot == slot for p in picks):
            continue
        where = clauses if slot in CLAUSE_SLOTS else pool
        if slot in ("date", "time", "place") and _by_type_only(asked):  # the summit's date, not the date of
            # the meeting whose record mentions the summit
            where = [s for s in where if _of_type(asked, s, passages[s.passage])]
            if not where or not any(_spans(slot, s, asked, question) for s in where):
                return CitedAnswer(type_refusal(slot, asked), _nearest(passages, pool), refused=True)
        # "ผู้เข้าร่วมประกอบด้วยใครบ้าง": who took part as the record lists them, bodies too
        listed = _pick("list", where, picks, asked, question) if slot == "person" and asked.composition else None
        pick = listed or _pick(slot, where, picks, asked, question)
        if pick is None and slot in ("year", "month"):  # none written alone: the date that holds it
            pick = _pick("date", where, picks, asked, question)
        if pick is None and slot == "date" and only is not None and not asked.day:  # "ในเดือนธันวาคม ศกนี้"
            pick = _pick("month", where, picks, asked, question)
        if pick is not None:
            picks.append(pick)
        elif slot == "number" and (asked.specific or asked.unit):
            # an amount or a count of a named unit is a fact the records either give or do not
            return CitedAnswer(near_miss(asked, question), _nearest(passages, pool), refused=True)
        elif slot == "time" and asked.ending:
            return CitedAnswer(ending_refusal(asked.lang), _nearest(passages, pool), refused=True)
        elif slot == "person" and asked.position:
            return CitedAnswer(position_refusal(asked), _nearest(passages, pool), refused=True)
        elif slot in LOOKED_FOR_SLOT and (passing := _in_passing(asked, pool, passages)) is not None:
            # "ผู้ได้รับรางวัล AOSWADA ได้แก่ใครบ้าง" where the records name the award but none of its winners
            return CitedAnswer(acronym_refusal(slot, passing, asked.lang), _nearest(passages, pool), refused=True)
        elif slot in LOOKED_FOR_SLOT and only is not None:
            # "SOMSWD ครั้งที่ 17 จัดขึ้นวันที่เท่าไร" where the records only say it will be held in December
            return CitedAnswer(slot_refusal(slot, only, asked.lang), _nearest(passages, pool), refused=True)
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
        facts += [Fact(_with_weekday(span, s.text, asked), pick.slot, n) for span in pick.spans]
    facts = list(dict.fromkeys(facts))
    text = " · ".join(f"{f.text} [{f.n}]" for f in facts)
    if asked.lang == "en" and any(_THAI.search(f.text) for f in facts):
        text += " (quoted in Thai from the record)"
    citations = [Citation(n, passages[i], sorted(highlights[i])) for i, n in numbers.items()]
    return CitedAnswer(text, citations, facts)
