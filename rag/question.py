"""What a question asks for: its kind, the slots an answer must fill, and the constraints it names.

The small models we can run cannot be trusted to find the fact in a paragraph, so the
answer is built from recognised spans (rag/slots) of the slot kinds the question asks
for: a person for "ใคร"/"who", a date for "เมื่อไร"/"when", a number with the asked unit
for "กี่คน"/"how many people", an expansion for "ย่อมาจาก"/"stand for". A question may
ask for several ("ใคร ... และจัดขึ้นเมื่อไร"); they are kept in the order asked.

Some slots are *specific*: a budget asks for an amount of money, an exchange rate for
a rate. When the evidence holds no candidate of that kind the records do not answer,
however close the passages are; the composer refuses and says what it looked for.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from prachum.slots.named import heads_for
from rag.roles import asked_people
from prachum.thai.dates import time_range
from prachum.thai.text import search_form

# "which report", "การประชุมใด": a thing the record names (prachum/slots/named.py)
_NAMED_EN = (r"\b(?:which|what) (?:\w+ ){0,2}?(report|meeting|conference|workshop|forum|summit|project|programme|"
             r"program|plan|document|declaration|statement|framework|guideline|fund|award|network|centre|center|study|"
             r"event|initiative)s?\b(?!\s+(?:room|venue|hall|place|date|day|time|year|month|hotel|building|floor|city)\b)")
_NAMED_TH = r"(รายงาน|การประชุม|โครงการ|แผนงาน|แผน|เอกสาร\S{0,12}?|ปฏิญญา|กองทุน|รางวัล|เครือข่าย|ศูนย์|กรอบ|แนวทาง)(?:ใด|อะไร|ไหน)"
_NAMED = re.compile(_NAMED_EN + "|" + _NAMED_TH, re.I)
# a named person's position or capacity (rag/roles.py)
_CAPACITY_ASKED = r"ในฐานะ(?:อะไร|ใด)|ในนาม(?:อะไร|ใด)|\bin what (?:capacity|role)\b|\bas what\b"
_ROLE = (_CAPACITY_ASKED + r"|ตำแหน่ง(?:อะไร|ใด)|\b(?:what|which) (?:was|is|were) (?:\S+ ){0,4}?"
         r"(?:position|post|job title|ministry title|title|role)\b|\bposition\b")
# (kind, pattern, slot) in the order they are tried; the first matching rule of each kind wins.
_RULES: tuple[tuple[str, str, str], ...] = (
    ("expand", r"ย่อมาจาก|ชื่อเต็ม|หมายถึงอะไร|\bstands? for\b|\bfull (?:name|form)\b|\babbreviation\b", "expansion"),
    ("role", _ROLE, "role"),
    ("who", r"(?:ใคร|ประเทศใด|หน่วยงานใด)\s*(?:จะ)?เป็นเจ้าภาพ|เจ้าภาพ(?:คือ|ได้แก่)?\s*(?:ใคร|ประเทศใด|หน่วยงานใด)|"
            r"จัดโดย(?:ใคร|หน่วยงานใด)|\bwho (?:co-?)?(?:host|organi[sz]|chair)", "host"),
    ("who", r"ประเทศใด|ประเทศไหน|\b(?:which|what) (?:\w+ )?countr(?:y|ies)\b", "country"),
    ("who", r"หน่วยงานใด|องค์กรใด|กระทรวงใด|กรมใด|มหาวิทยาลัยใด|สำนักงานใด|\bwhich (?:\w+ )?(?:organi[sz]ations?|agency|"
            r"agencies|ministry|ministries|department|body|university|universities|office|institute)(?:'s)?\b", "organisation"),
    ("who", r"ใคร|ผู้ใด|บุคคลใด|ท่านใด|\bwho\b|\bwhom\b|\bwhose\b|\bwhich (?:\w+ ){0,3}(?:secretary|minister|director|"
            r"officer|official|person|leader|chair(?:person)?|speaker)\b", "person"),
    ("time", r"กี่โมง|เวลาใด|เวลาเท่าไร|เวลาอะไร|\bwhat time\b|\bat what time\b", "time"),
    ("year", r"ปีไหน|ปีใด|ปีอะไร|ปี\s*พ\.\s?ศ\.\s*ใด|\b(?:which|what) year\b|\bin what year\b", "year"),
    ("month", r"เดือนไหน|เดือนใด|เดือนอะไร|\b(?:which|what|in what) month\b", "month"),
    ("when", r"เมื่อไร|เมื่อไหร่|เมื่อใด|วันไหน|วันที่เท่าไร|วันที่ใด|วันใด|วันอะไร|ช่วงไหน|ช่วงใด|ปีไหน|ปีใด|"
             r"เดือนไหน|เดือนใด|\bwhen\b(?! (?:he|she|they|it|we)\b)|\bwhat date\b|\bwhat day\b|\bon what (?:date|day)\b|\bwhich (?:day|date|year|month)s?\b|"
             r"\bduring which dates\b", "date"),
    ("where", r"(?<!วัน)ที่ไหน|(?<!วัน)ที่ใด|สถานที่ใด|แห่งใด|ห้องใด|ห้องประชุมใด|\bwhere\b|"
              r"\bwhich (?:\w+ )?(?:room|venue|city|place|hotel|building|floor)\b", "place"),
    ("how_many", r"(?<!เ)กี่(?!ยว)|จำนวนเท่าไร|เท่าไร|เท่าไหร่|เท่าใด|\bhow many\b|\bhow much\b|\bnumber of\b", "number"),
    ("what", r"(?<!กี่)หัวข้อ|ธีม|แนวคิดหลัก|คำขวัญ|\b(?:theme|topic|title|slogan|motto)\b", "title"),
    ("which", _NAMED_EN + "|" + _NAMED_TH, "named"),
    ("list", r"อะไรบ้าง|ใดบ้าง|ใครบ้าง|ได้แก่อะไร|ประกอบด้วยอะไร|\bwhich\b.*\b(?:are|were)\b|\blist\b|\bwhat are\b",
     "list"),
    ("why", r"ทำไม|เพราะเหตุใด|เพราะอะไร|\bwhy\b", ""),
    ("yes_no", r"หรือไม่|ใช่ไหม|ใช่หรือไม่|หรือเปล่า|ไหม$|^(?:did|does|do|was|were|is|are|has|have|can|will)\b", ""),
)
_COMPILED = tuple((kind, re.compile(pattern, re.I), slot) for kind, pattern, slot in _RULES)

# Amounts a question commits to: asked for, they must be found as such, or the answer is not there.
SPECIFIC_UNITS: dict[str, re.Pattern[str]] = {
    "money": re.compile(r"งบประมาณ|ค่าใช้จ่าย|เป็นเงิน|กี่บาท|มูลค่า|\bbudget\b|\bcost\b|\bspend\b|\bspent\b|"
                        r"\bhow much money\b|\bfund(?:ing)? of\b", re.I),
    "rate": re.compile(r"อัตราแลกเปลี่ยน|อัตราดอกเบี้ย|ร้อยละเท่าไร|กี่เปอร์เซ็นต์|\bexchange rate\b|\binterest rate\b|"
                       r"\bwhat percent(?:age)?\b", re.I),
}
# Units a "how many" question names, so the answer's number is the number of those.
_UNITS = (
    ("คน", r"กี่คน|ผู้เข้าร่วม.*(?:กี่|เท่าไร)|\bhow many (?:people|persons|participants|attendees|delegates)\b"),
    ("ประเทศ", r"กี่ประเทศ|\bhow many (?:\w+ )?(?:countries|member states|states)\b"),
    ("ครั้ง", r"กี่ครั้ง|\bhow many times\b"),
    ("โครงการ", r"กี่โครงการ|\bhow many projects\b"),
    ("หัวข้อ", r"กี่หัวข้อ|\bhow many (?:\w+ )?(?:topics|themes)\b"),
    ("ฉบับ", r"กี่ฉบับ|\bhow many (?:\w+ )?(?:documents|papers)\b"),
    ("วัน", r"กี่วัน|\bhow many days\b"),
)
# A role the question asks about, and the words a record writes it with: the answer stands next to them.
_ROLES = (
    (r"เจ้าภาพ|\bhost", ("เจ้าภาพ", "host")),
    (r"ประธาน|\bchair", ("ประธาน", "chair")),
    (r"จัดโดย|ผู้จัด|(?:ใด|ไหน|ใคร)\s*(?:เป็นผู้)?จัด|\borgani[sz]", ("จัด", "organi")),
    (r"เปิด|\bopen", ("เปิด", "open")),
    # the one who represents a country is the one assigned to lead its delegation
    (r"ผู้แทน|\brepresent", ("ผู้แทน", "represent", "ได้รับมอบหมาย", "หัวหน้าคณะ", "leader of")),
    (r"นำเสนอ|\bpresent", ("นำเสนอ", "present")),
    (r"เข้าร่วม|\battend|\bjoin", ("เข้าร่วม", "attend", "join")),
    (r"ร่วมกับ|\balong with\b|\btogether with\b|\baccompan", ("พร้อมด้วย", "ร่วมกับ", "accompan")),
)
# kinds of meeting a question may name, and the words records write them with: the date of a summit
# is not the date of the senior officials' meeting that mentions it
MEETING_TYPES: dict[str, tuple[str, ...]] = {
    "summit": ("สุดยอด", "summit"),
    "ministerial": ("รัฐมนตรี", "ministerial", "ministers"),
    "workshop": ("เชิงปฏิบัติการ", "workshop"),
    "retreat": ("ไม่เป็นทางการ", "retreat"),
}
_TYPE_ASKED = {kind: re.compile(rf"การประชุม{words[0]}|ประชุม{words[0]}|\b{words[1]}\b", re.I)
               for kind, words in MEETING_TYPES.items()}
# the kind of body a question asks for, and the head noun its Thai name starts with
_ORG_KINDS = ((r"มหาวิทยาลัยใด|\bwhich universit", "มหาวิทยาลัย"), (r"กระทรวงใด|\bwhich ministr", "กระทรวง"),
              (r"สำนักงานใด|\bwhich office", "สำนักงาน"), (r"กรมใด|\bwhich department", "กรม"))
# "during which dates", "ช่วงปีใด": a period answers, a single day does not
_RANGE = re.compile(r"\bdates\b|\bwhich years\b|\bwhat period\b|\bhow long\b|\bfrom when\b|ระหว่างวันที่ใด|"
                    r"ช่วงวันที่|ช่วงปี|ช่วงเวลาใด|กี่วัน|ระยะเวลา", re.I)
# "ตรงกับวันอะไร", "what day of the week": the weekday the record writes before the date
_WEEKDAY = re.compile(r"ตรงกับวันอะไร|วันอะไร|\bwhat day\b|\bday of the week\b|\bwhich weekday\b", re.I)
# Positions a "who" question may name, as Thai records write them (longest first: an assistant
# permanent secretary is not the permanent secretary). The person answering must hold it.
POSITIONS = (
    ("ผู้ช่วยปลัดกระทรวง", "Assistant Permanent Secretary", r"ผู้ช่วยปลัดกระทรวง|\bassistant permanent secretary\b"),
    ("รองปลัดกระทรวง", "Deputy Permanent Secretary", r"รองปลัดกระทรวง|\bdeputy permanent secretary\b"),
    ("ปลัดกระทรวง", "Permanent Secretary", r"(?<!ผู้ช่วย)(?<!รอง)ปลัดกระทรวง|(?<!assistant )(?<!deputy )\bpermanent secretary\b"),
    ("รัฐมนตรีช่วยว่าการ", "Deputy Minister", r"รัฐมนตรีช่วย|\bdeputy minister\b"),
    ("นายกรัฐมนตรี", "Prime Minister", r"นายกรัฐมนตรี|\bprime minister\b"),
    ("รัฐมนตรี", "Minister", r"(?<!นายก)รัฐมนตรี(?!ช่วย)|(?<!deputy )(?<!prime )\bminister\b"),
    ("รองเลขาธิการ", "Deputy Secretary-General", r"รองเลขาธิการ|\bdeputy secretary[- ]general\b"),
    ("เลขาธิการ", "Secretary-General", r"(?<!รอง)เลขาธิการ|(?<!deputy )\bsecretary[- ]general\b"),
    ("ผู้ตรวจราชการ", "Inspector-General", r"ผู้ตรวจราชการ|\binspector[- ]general\b"),
    ("รองอธิบดี", "Deputy Director-General", r"รองอธิบดี|\bdeputy director[- ]general\b"),
    ("อธิบดี", "Director-General", r"(?<!รอง)อธิบดี|(?<!deputy )\bdirector[- ]general\b"),
)
_POSITIONS = tuple((thai, re.compile(pattern, re.I)) for thai, _, pattern in POSITIONS)
POSITION_EN = {thai: english for thai, english, _ in POSITIONS}
_COMPOSITION = re.compile(r"ประกอบด้วย|\bconsist(?:s|ed)? of\b|\bcomposed of\b|\bmade up of\b", re.I)
_DAY = re.compile(r"วันที่เท่าไ|วันที่ใด|วันไหน|วันอะไร|\bwhat date\b|\bwhich (?:day|date)s?\b|\bon what (?:date|day)\b", re.I)
_ENDING = re.compile(r"สิ้นสุด|เสร็จสิ้น|เลิก|ปิดการประชุม|\b(?:end|ended|ends|finish|finished|close|closed)\b", re.I)
_PLURAL = re.compile(r"บ้าง|ทั้งหมด|เจ้าภาพร่วม|ร่วมกับ|\bco-?host|\bjointly\b|\balong with\b|\btogether with\b|\b(?:countries|people|persons|members|organi[sz]ations|agencies|participants)\b|"
                     r"\bwhich (?:two|three|four|five)\b|\bwho (?:were|are)\b", re.I)
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z0-9]*[A-Z0-9](?:\s?\+\s?3)?\b")
_EDITION = re.compile(r"ครั้งที่\s*(\d{1,3})|\b(\d{1,3})(?:st|nd|rd|th)\b|\bNo\.\s*(\d{1,3})\b", re.I)
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LATIN = re.compile(r"[A-Za-z]")
_ENGLISH_WORDS = re.compile(r"\b(who|what|when|where|which|how|did|does|was|were|is|are)\b", re.I)


@dataclass(frozen=True)
class Asked:
    """The analysis of one question."""

    kinds: tuple[str, ...]  # who, when, time, where, how_many, expand, list, why, yes_no, what
    slots: tuple[str, ...]  # slot kinds of rag/slots, in the order asked
    lang: str  # "th" or "en": the answer is written in it
    acronyms: tuple[str, ...] = ()  # SOMSWD, SOCA, SOMSWD+3 ...
    edition: int | None = None  # "ครั้งที่ ๑๖", "16th"
    period: tuple[date, date] | None = None
    unit: str | None = None  # the unit a "how many" question counts (Thai form: คน, ประเทศ ...)
    specific: str | None = None  # "money" or "rate": only an amount of that kind answers
    cues: tuple[str, ...] = ()  # words (Thai and English) the answer stands next to: เจ้าภาพ/host ...
    plural: bool = False  # "ใดบ้าง", "which countries": the sentence naming the most of them answers
    position: str | None = None  # "ปลัดกระทรวง" for "which Permanent Secretary": the person must hold it
    ending: bool = False  # "สิ้นสุดเวลากี่โมง": only a time range gives an end
    day: bool = False  # "วันที่เท่าไร", "what date": a month alone does not answer
    heads: tuple[str, ...] = ()  # "which report": the Thai head nouns (รายงาน) a named answer starts with
    meeting_types: tuple[str, ...] = ()  # "การประชุมสุดยอด", "workshop": MEETING_TYPES the question names
    org_heads: tuple[str, ...] = ()  # "which university": the answer is a body whose name starts so
    people: tuple[str, ...] = ()  # whose position or capacity is asked (rag/roles.py)
    capacity: bool = False  # "ในฐานะใด", "in what capacity": what they acted as, not their post
    period_asked: bool = False  # "during which dates": a range of days or years answers first
    weekday: bool = False  # "ตรงกับวันอะไร": the answer's date says its weekday as the record writes it
    composition: bool = False  # "ผู้เข้าร่วมประกอบด้วยใครบ้าง": the record's list of who took part, groups included

    @property
    def wants_slots(self) -> bool:
        return bool(self.slots)


def question_language(question: str) -> str:
    """An English question is mostly Latin letters; Thai questions often hold English acronyms."""
    thai = len(_THAI.findall(question))
    latin = len(_LATIN.findall(question))
    if thai == 0 or (latin > 2 * thai and _ENGLISH_WORDS.search(question)):
        return "en"
    return "th"


def _positions(question: str) -> list[tuple[int, str, str]]:
    """(where in the question, kind, slot) of every rule that matches, first match per kind."""
    found: dict[str, tuple[int, str, str]] = {}
    for kind, pattern, slot in _COMPILED:
        match = pattern.search(question)
        if match and kind not in found:
            found[kind] = (match.start(), kind, slot)
    return sorted(found.values())


def editions(text: str) -> list[int]:
    """The meeting editions a text names, in order: "ครั้งที่ ๑๖" (in search form), "16th", "No. 16"."""
    return [int(next(g for g in m.groups() if g)) for m in _EDITION.finditer(text)]


@lru_cache(maxsize=512)  # one question is analysed by retrieval, compose, the LLM's plan and follow-ups alike
def analyse(question: str) -> Asked:
    form = search_form(question)
    hits = _positions(form)
    kinds = [kind for _, kind, _ in hits]
    if "year" in kinds or "month" in kinds:  # "ในปีใด", "เดือนใด" ask for the year or month alone
        hits = [h for h in hits if h[1] != "when"]
    # "เท่าไร" in "วันที่เท่าไร" or "กี่" in "กี่โมง" asks for a date or a time, not a count
    if ("when" in kinds or "time" in kinds or "year" in kinds) and "how_many" in kinds and not re.search(
            r"กี่คน|กี่ประเทศ|กี่ครั้ง|how many", form, re.I):
        hits = [h for h in hits if h[1] != "how_many"]
    if "how_many" in kinds:  # "กี่หัวข้อ" counts the topics
        hits = [h for h in hits if h[2] != "title"]
    if "role" in kinds:  # "what was X's position", "X ดำรงตำแหน่งอะไร": X is named, not asked for
        role = re.search(_ROLE, form, re.I)
        inside = range(role.start(), role.end()) if role else range(0)
        hits = [h for h in hits if h[1] != "who" and not (h[1] in ("what", "which") and h[0] in inside)]
    # a list of people or countries is a list of those, not a free list
    if "list" in kinds and ("who" in kinds or "which" in kinds):
        hits = [h for h in hits if h[1] != "list"]
    slots = tuple(dict.fromkeys(slot for _, _, slot in hits if slot))
    specific = None
    if "number" in slots or not slots:  # "งบประมาณจากประเทศใด" asks for a country, not an amount
        specific = next((name for name, pattern in SPECIFIC_UNITS.items() if pattern.search(form)), None)
        if specific and "number" not in slots:
            slots = (*slots, "number")
    unit = next((name for name, pattern in _UNITS if re.search(pattern, form, re.I)), None)
    edition = next(iter(editions(form)), None)
    named = _NAMED.search(form)  # "which report", "การประชุมใด"
    return Asked(
        kinds=tuple(kind for _, kind, _ in hits) or ("what",),
        slots=slots,
        lang=question_language(question),
        acronyms=tuple(dict.fromkeys(a.replace(" ", "") for a in _ACRONYM.findall(question))),
        edition=edition,
        period=time_range(question),
        unit=unit,
        specific=specific,
        cues=tuple(cue for pattern, words in _ROLES if re.search(pattern, form, re.I) for cue in words),
        plural=bool(_PLURAL.search(form)) or _named_plural(named),
        ending=bool(_ENDING.search(form)) and "time" in slots,
        day=bool(_DAY.search(form)),
        position=next((thai for thai, pattern in _POSITIONS if pattern.search(form)), None) if "person" in slots else None,
        heads=_heads(named) if "named" in slots else (),
        meeting_types=tuple(kind for kind, pattern in _TYPE_ASKED.items() if pattern.search(form)),
        org_heads=tuple(head for pattern, head in _ORG_KINDS if re.search(pattern, form, re.I)) if "organisation" in slots else (),
        people=asked_people(question) if "role" in slots else (),
        capacity="role" in slots and bool(re.search(_CAPACITY_ASKED, form, re.I)),
        period_asked=bool(_RANGE.search(form)),
        weekday=bool(_WEEKDAY.search(form)),
        composition=bool(_COMPOSITION.search(form)),
    )


def _named_plural(match: re.Match[str] | None) -> bool:
    """"Which outcome documents": the English noun is plural."""
    return bool(match and match.group(1) and match.group(0).lower().endswith("s"))


def _heads(match: re.Match[str] | None) -> tuple[str, ...]:
    """The Thai head nouns of the thing a "which report" / "การประชุมใด" match asks for."""
    if match is None:
        return ()
    if match.group(1):
        return heads_for(match.group(1))
    thai = match.group(2)
    return ("เอกสาร",) if thai.startswith("เอกสาร") else (thai,)
