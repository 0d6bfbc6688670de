"""Which path answers a question: the meeting catalog, or the passages.

A question about one meeting ("การประชุม SOCA Retreat จัดขึ้นเมื่อไร") is answered from the
passages that describe it. A question *across* meetings is not: a list, a count, the
latest or earliest, a person's meetings or positions over time, a timeline or a
comparison needs every record, and the five best passages usually come from one. Those
go to the catalog built at ingest, where counts are computed, not guessed.

The decision reads what kind of question it is, never which meetings the seed records
happen to hold: the object enumerated must be meetings, records or a person's
attendances ("เข้าร่วมการประชุมใดบ้าง", "how many meetings"), not items inside one meeting
("ประเทศใดบ้าง", "กี่คน", "how many outcome documents"), which stay on the passage path.
A question that names one meeting by its edition ("ครั้งที่ 15", "16th") is about that
meeting, unless it compares it with another.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from prachum.thai.text import search_form
from rag.question import analyse

CATALOG, PASSAGES = "catalog", "passages"
INTENTS = ("list", "count", "latest", "earliest", "roles", "timeline", "compare", "rank")

_MEETING_TH = r"(?:การ)?(?:ประชุม|สัมมนา)"
_MEETING_EN = r"(?:meetings?|conferences?|events?|sessions?|records?|retreats?|workshops?)"
_PERSON_TH = r"(?:นางสาว|นาง|นาย(?!ก)|ดร\.\s?|น\.ส\.\s?|คุณ(?=[ก-ฮ]{2,}\s))\s?([ก-ฮ][\u0e00-\u0e7f]+)(?:\s([ก-ฮเแโใไ][\u0e00-\u0e7f]+))?"
_PERSON_EN = r"\b(?:Mr|Mrs|Ms|Miss|Dr|Khun)\.?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?"
_NOT_NAME = ("Meeting", "Meetings", "Conference", "Partnership", "Retreat", "Culture", "Prevention", "Social",
             "Senior", "Officials", "Development", "Welfare", "Community", "Socio", "Cultural", "Brunei",
             "Darussalam", "Thailand", "Thai", "Ministry", "Secretariat", "Leader", "Vice", "Chair", "Plus",
             "Three", "Coordinating", "Permanent", "Secretary", "Inspector", "General", "Director", "Division",
             "Foreign", "Affairs", "Department", "Human", "Security", "Outlook", "Forum", "Workshop", "Recovery",
             "Resilience", "Sixteenth", "Fifteenth", "First", "Second", "Which", "What", "Who", "When", "How",
             "Where", "List", "Show", "Give", "Name", "Did", "Does", "Was", "Were", "The", "In", "Of", "On",
             "At", "January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December", "Post", "Pandemic", "Asia", "Bangkok", "Japan", "China",
             "Korea", "Philippines", "Cambodia", "Vietnam", "Laos", "Myanmar", "Malaysia", "Singapore",
             "Indonesia", "Children", "Rights", "Action", "Plan", "Regional", "Declaration", "Family")
_AFTER_NAME = ("เข้าร่วม", "ร่วม", "ได้", "เป็น", "ดำรง", "กล่าว", "เสนอ", "ไป", "มี", "ทำ", "และ", "กับ", "ใน", "ที่",
               "ซึ่ง", "ผู้", "จะ", "ก็", "ยัง", "เคย", "เมื่อ", "ตำแหน่ง", "ประชุม", "การ", "หรือ", "คือ", "นั้น",
               "นี้", "ของ", "จาก", "ให้", "ถึง", "บ้าง", "อะไร", "ใด", "ไหน", "เปลี่ยน", "รับ", "พร้อม", "ทำหน้าที่")
_BARE_NAME_EN = re.compile(r"\b([A-Z][a-z]{2,})\s+([A-Z][a-z]{3,})\b")

# (intent, Thai pattern, English pattern) in the order they are tried; the first that matches decides.
_CUES: tuple[tuple[str, str, str], ...] = (
    ("timeline",
     r"ลำดับเหตุการณ์|ไทม์ไลน์|เส้นเวลา|เรียง(?:ลำดับ)?.{0,40}?(?:ตาม)?\s*(?:ลำดับ)?\s*(?:วันที่|เวลา|ก่อนหลัง)|"
     r"ตามลำดับ(?:เวลา|วันที่|ก่อนหลัง)|ลำดับก่อนหลัง",
     r"\btime\s?line\b|\bchronolog|\bin (?:date|time|chronological) order\b|\bin order of (?:date|time)\b|"
     r"\b(?:sorted|ordered|arranged) by date\b|\bfrom (?:the )?(?:earliest|oldest|first) to (?:the )?(?:latest|newest|last)\b"),
    ("compare",
     r"(?:เปรียบเทียบ|ต่างกัน|แตกต่าง|เหมือนกัน|ก่อนหรือหลัง|ห่างกัน|(?:จัด|เกิด)(?:ขึ้น)?ก่อน(?:กัน)?)",
     r"\bcompare[ds]?\b|\bcomparison\b|\bdifference between\b|\bdiffer\b|\bin common\b|"
     r"\b(?:came|come|was held|were held|happened|took place|was|occurred) (?:first|earlier|later|before|after)\b|"
     r"\bwhich (?:\w+ )?(?:came|was held|happened|took place) first\b|\bhow (?:long|many (?:days|weeks|months)) (?:between|after|before|apart)\b"),
    ("roles",
     r"ตำแหน่ง.{0,30}(?:เปลี่ยน|แต่ละ|ตามลำดับ|บ้าง|ต่าง ?ๆ)|(?:เปลี่ยน|แต่ละ).{0,30}ตำแหน่ง|บทบาท.{0,30}(?:เปลี่ยน|แต่ละ|บ้าง)|"
     r"เคย(?:ดำรงตำแหน่ง|ทำหน้าที่|เป็น)",
     r"\b(?:positions?|titles?|roles?|posts?|jobs?)\b.{0,40}\b(?:change[ds]?|over time|across|each|every|evolve[ds]?|"
     r"differ|throughout)\b|\b(?:change[ds]?|evolve[ds]?) (?:in|of) (?:\w+ ){0,2}(?:positions?|titles?|roles?)\b|"
     r"\bwhat (?:positions|roles|titles)\b|\bhas (?:\w+ ){0,2}(?:served|acted) as\b|\bever (?:served|acted|been)\b"),
    ("latest",
     r"ล่าสุด|หลังสุด|ใหม่ที่สุด|ใหม่สุด|ครั้งสุดท้าย|ครั้งหลังสุด",
     r"\b(?:latest|most recent|newest|last)\b(?! (?:day|session|part|item|year's|week))"),
    ("earliest",
     r"แรกสุด|เก่าที่สุด|เก่าสุด|เร็วที่สุด|ครั้งแรกที่(?:เข้าร่วม|ร่วม|ไป)|(?:เข้าร่วม|ร่วม)(?:การ)?ประชุม(?:ครั้ง)?แรก",
     r"\b(?:earliest|oldest|first recorded)\b|\bfirst (?:attend|join|take|took|appear|participat|went)\w*\b|"
     r"\bfirst (?:meeting|record|event)s? (?:in the records|recorded|on record|that|he|she|they|did|attended)\b|"
     r"\b(?:the )?first (?:meeting|record)\s*\?*$"),
    ("rank",
     r"(?:มาก|น้อย|ยาว|นาน|ใหญ่|สั้น|บ่อย)ที่สุด",
     r"\b(?:most|fewest|least|largest|biggest|longest|shortest)\b(?! recent)"),
    ("count",
     rf"{_MEETING_TH}(?:ทั้งหมด|ทั้งสิ้น)?\s*(?:จำนวน)?\s*กี่\s*(?:ครั้ง|การประชุม|รายการ|งาน|รายการ)|กี่การประชุม|"
     r"จำนวน(?:ครั้ง(?:ของ|ที่)|การประชุม)|บันทึก(?:การประชุม)?(?:ทั้งหมด)?\s*(?:มี)?\s*กี่ฉบับ|กี่ครั้ง|นับ(?:ได้)?กี่",
     rf"\bhow many (?:\w+ ){{0,3}}(?:{_MEETING_EN}|times)\b|\bnumber of (?:\w+ ){{0,2}}{_MEETING_EN}\b|\bhow often\b|"
     r"\bcount (?:the )?(?:meetings|records)\b"),
    ("list",
     rf"{_MEETING_TH}\s*(?:ใด|ไหน|อะไร)\s*บ้าง|(?:ครั้ง|งาน|รายการ)\s*(?:ใด|ไหน)\s*บ้าง|(?:รายการ|รายชื่อ){_MEETING_TH}|"
     rf"{_MEETING_TH}\S{{0,12}}(?:ที่ไหน|ที่ใด|เมื่อไร|เมื่อไหร่|เมื่อใด|วันไหน|วันใด)\s*บ้าง|"
     rf"{_MEETING_TH}(?:ทั้งหมด|ทุกครั้ง|ทั้งหลาย)|ทุก{_MEETING_TH}|แต่ละ(?:การ)?(?:ประชุม|ครั้ง)|"
     rf"มี{_MEETING_TH}(?:อะไร|ใด)(?:บ้าง)?",
     rf"\b(?:which|what) (?:\w+ )?(?:meetings|conferences|events|records)\b|\blist (?:\w+ ){{0,3}}{_MEETING_EN}\b|"
     r"\ball (?:\w+ ){0,2}(?:meetings|conferences|records)\b|\b(?:each|every) (?:\w+ )?(?:meeting|conference|record)\b|"
     r"\b(?:meetings|conferences) (?:\w+ ){0,3}(?:held|attended|hosted|chaired|organi[sz]ed|took place|in \d{4}|during)\b|"
     r"\battend(?:ed|s)? (?:\w+ ){0,3}(?:meetings|conferences)\b"),
)
_COMPILED = tuple((intent, re.compile(th), re.compile(en, re.IGNORECASE)) for intent, th, en in _CUES)
# "which meeting" in the singular is across records only with a period ("in August 2021") and no meeting named;
# with a person ("X chaired which meeting") it is usually about one record, and the passages answer it
_WHICH_ONE = re.compile(rf"{_MEETING_TH}\s*(?:ใด|ไหน|อะไร)(?!บ้าง)|\b(?:which|what) (?:\w+ )?(?:meeting|conference|event)\b"
                        r"(?! \w+ (?:of|at|in) the)", re.IGNORECASE)
# "what was held in 2564": with a period and no meeting named, what was held is the meetings
_WHAT_HELD = re.compile(r"\bwhat (?:\w+ )?(?:was|were) (?:held|organi[sz]ed|convened)\b|อะไร(?:บ้าง)?\s*(?:ที่)?จัดขึ้น|"
                        r"จัด(?:ขึ้น)?อะไร(?:บ้าง)?", re.IGNORECASE)
_POSITION = re.compile(r"ตำแหน่ง|\bpositions?\b|\btitles?\b", re.I)
_ATTEND = re.compile(r"เข้าร่วม|ร่วมประชุม|ไปประชุม|\battend|\bjoin|\btake part|\btook part|\bparticipat|\bpresent at", re.IGNORECASE)
_EDITION = re.compile(r"ครั้งที่\s*\d{1,3}|\b\d{1,3}(?:st|nd|rd|th)\b|\b(?:first|second|third|fourth|fifth|sixth|"
                      r"seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|"
                      r"seventeenth|eighteenth|nineteenth|twentieth)\b(?! (?:to|time|meeting (?:in|of|that|he|she)))", re.IGNORECASE)
_WHO = re.compile(r"ใคร|ผู้ใด|บุคคลใด|ท่านใด|\bwho\b|\b(?:she|he|her|his|him|they|their)\b|เขา|เธอ|ท่าน(?!ใด)", re.IGNORECASE)
# counts or lists of things inside a meeting, which a record answers (people, countries, documents)
_INSIDE = re.compile(r"กี่(?:คน|ประเทศ|หัวข้อ|โครงการ|ฉบับ|ข้อ|ประการ|หน่วยงาน|องค์กร)|(?:ประเทศ|หน่วยงาน|ใคร|กิจกรรม|"
                     r"โครงการ|เอกสาร|หัวข้อ)(?:ใด|อะไร)?บ้าง|\bhow many (?:people|persons|participants|attendees|"
                     r"delegates|countries|member states|states|projects|topics|themes|documents|papers|drivers)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Route:
    """Where a question goes and what the catalog should look for."""

    path: str  # CATALOG or PASSAGES
    intent: str = ""  # one of INTENTS on the catalog path
    lang: str = "th"
    period: tuple[date, date] | None = None
    person: str | None = None  # a name as the question writes it, when it writes one with an honorific
    acronyms: tuple[str, ...] = ()
    cue: str = ""  # the words that decided, for tests and logs

    @property
    def catalog(self) -> bool:
        return self.path == CATALOG


def person_in(question: str) -> str | None:
    """A person the question names: an honorific and a name, or two capitalised English name words.

    Thai runs the name into the next words ("นางจตุพร กล่าวว่า"), so a second word is kept as
    the surname unless it opens with a verb or preposition that goes on with the sentence.
    """
    m = re.search(_PERSON_TH, question)
    if m:
        surname = m.group(2)
        if surname and not _is_word(surname):
            return m.group(0).strip()
        return question[m.start():m.end(1)].strip()
    m = re.search(_PERSON_EN, question)
    if m:
        return m.group(0).strip()
    for m in _BARE_NAME_EN.finditer(question):
        if m.group(1) not in _NOT_NAME and m.group(2) not in _NOT_NAME:
            return m.group(0)
    return None


def _is_word(token: str) -> bool:
    """Whether the word after a Thai name is the sentence going on (a verb, a preposition), not a surname."""
    return token.startswith(_AFTER_NAME)


def _cue(form: str) -> tuple[str, str] | None:
    for intent, thai, english in _COMPILED:
        m = thai.search(form) or english.search(form)
        if m:
            return intent, m.group(0)
    return None


def route(question: str) -> Route:
    """The path for ``question``: CATALOG with the intent it asks, or PASSAGES."""
    form = search_form(question)
    asked = analyse(question)
    person = person_in(question)
    base = dict(lang=asked.lang, period=asked.period, person=person, acronyms=asked.acronyms)
    found = _cue(form)
    specific = bool(_EDITION.search(form))
    if found:
        intent, cue = found
        if intent == "rank" and (specific or not re.search(
                rf"{_MEETING_TH}|{_MEETING_EN}|ครั้ง|\battend|เข้าร่วม", form, re.IGNORECASE)):
            found = None  # "the most important topic of the 16th SOCCOM": inside one meeting
        elif intent == "compare" and not _two_meetings(form, asked.acronyms):
            found = None
        elif intent in ("list", "count") and _INSIDE.search(form) and not _ATTEND.search(form) and not person \
                and not re.search(r"บันทึก|\brecords\b", form, re.IGNORECASE):
            found = None  # "ประเทศใดบ้าง", "how many people": the contents of one meeting
        elif intent in ("list", "count", "roles") and specific:
            found = None  # "ครั้งที่ 15 ... การประชุมใดบ้าง": what one named meeting heard
        elif intent == "roles" and not (person or _WHO.search(form)):
            found = None
        elif intent in ("latest", "earliest") and not re.search(
                rf"{_MEETING_TH}|{_MEETING_EN}|ครั้ง|บันทึก|\battend|\bjoin|เข้าร่วม", form, re.IGNORECASE):
            found = None  # "the latest figures": not about meetings
        if found:
            return Route(CATALOG, intent, cue=cue, **base)
    if person and _POSITION.search(form) and len(re.findall(rf"{_MEETING_TH}|\bmeetings?\b", form, re.I)) >= 2:
        return Route(CATALOG, "roles", cue="positions at two meetings", **base)  # "ตำแหน่งในการประชุม ก และในการประชุม ข"
    which_one = _WHICH_ONE.search(form) or _WHAT_HELD.search(form)
    if which_one and asked.period and not specific and not asked.acronyms:
        return Route(CATALOG, "list", cue=which_one.group(0), **base)
    return Route(PASSAGES, **base)


def _two_meetings(form: str, acronyms: tuple[str, ...]) -> bool:
    """A comparison needs two meetings: two acronyms or editions, or meetings named on both sides of "กับ"/"and"."""
    named = len(set(acronyms)) + len(_EDITION.findall(form))
    return named >= 2 or bool(re.search(rf"{_MEETING_TH}.+(?:กับ|และ).*{_MEETING_TH}|\b{_MEETING_EN}\b.+\b(?:and|or|vs\.?|versus)\b",
                                        form, re.IGNORECASE)) or bool(re.search(r"\bmeetings\b|การประชุมทั้ง", form, re.IGNORECASE))
