"""Meeting facts read from a record: the catalog's rows before they are stored.

Questions such as "which meetings did she attend" or "how many meetings in 2564" span
records, so they are answered from facts extracted at ingest rather than from the top
passages. Every fact keeps the [start, end) offsets of the sentence it was read from in
the cleaned document text (the text chunks index into), so an answer built from the
catalog can cite the same passage a search would show.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from functools import lru_cache

MODES = ("video", "onsite")
# what a person did at a meeting; "head" leads the delegation, "leader" speaks for the
# country in a named role ("SOCA Leader of Thailand"), "chair" presides, "opened" opens it
# (one role per person and meeting: the first that applies in this order); "assigned_by" named the
# delegate ("ได้รับมอบหมายจาก ...") and was not at the meeting
ROLES = ("leader", "head", "chair", "vice_chair", "opened", "presented", "spoke", "attended", "accompanied",
         "assigned_by")
# the rules write the first five; "report" and "award" are kept for readers that label them
OUTCOME_KINDS = ("decision", "adopted", "agreement", "proposal", "next_meeting", "report", "award")


@dataclass(frozen=True)
class Meeting:
    """One meeting a record is about (``mentioned=False``) or only refers to (``mentioned=True``).

    ``key`` is stable within a record (``"m1"``, ``"m2"``...); the catalog makes it unique
    across records by pairing it with the source.
    """

    key: str
    name_th: str | None = None
    name_en: str | None = None
    acronym: str | None = None  # "SOMSWD+3", "SOCCOM", "SOCA Retreat"
    edition: int | None = None  # "ครั้งที่ ๑๖", "16th", "Sixteenth" -> 16
    first_date: date | None = None
    last_date: date | None = None  # equal to first_date for a one-day meeting
    time: str | None = None  # as written in Arabic digits, "09.00-14.00" or "09.30"
    venue: str | None = None
    mode: str | None = None  # "video", "onsite" or None when the record does not say
    host: str | None = None  # canonical country / organisation name (prachum.thai.gazetteer)
    chair: str | None = None  # the chair of the meeting (a country or organisation)
    asean_chair: str | None = None  # the year's ASEAN chair when the record names it
    mentioned: bool = False
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Attendance:
    """A person's part in a meeting, with position and organisation as of that meeting."""

    meeting: str  # Meeting.key
    name: str  # as written, without honorific: "วิมลรัตน์ รัชชุกูล"
    honorific: str | None = None  # "นางสาว", "Ms."
    name_key: str = ""  # name_key(name): honorific-free, for matching across records
    position: str | None = None
    organisation: str | None = None
    role: str = "attended"  # one of ROLES
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Outcome:
    """Something a meeting proposed, agreed, decided, adopted or announced."""

    meeting: str  # Meeting.key
    kind: str  # one of OUTCOME_KINDS
    text: str  # the clause as written
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class RecordFacts:
    source: str
    meetings: tuple[Meeting, ...] = field(default_factory=tuple)
    attendance: tuple[Attendance, ...] = field(default_factory=tuple)
    outcomes: tuple[Outcome, ...] = field(default_factory=tuple)

    def meeting(self, key: str) -> Meeting | None:
        return next((m for m in self.meetings if m.key == key), None)


# --- names: the same person written in Thai or English, with or without an honorific -----
# A reader asks for "Ms. Wimonrat Ratchukul" or "วิมลรัตน์"; records write
# "นางสาววิมลรัตน์ รัชชุกูล". Thai names are romanised with pythainlp's rule-based "royin"
# engine (no model download), then both sides are reduced to a consonant skeleton, since
# RTGS romanisation drops the vowels English spellings write ("wimnrat" / "Wimonrat").
_EN_HONORIFIC = re.compile(
    r"^(?:(?:H\.\s?E\.|Assoc\.|Asst\.|Prof\.|Mrs\.?|Mr\.?|Ms\.?|Miss|Dr\.?|Dato'?|Datuk|Sir|Khun)\s*)+", re.I)
_TH_HONORIFIC = re.compile(
    r"^(?:นางสาว|นาง|นาย|น\.ส\.|ดร\.|ศ\.|รศ\.|ผศ\.|นพ\.|พญ\.|คุณหญิง|คุณ|ศาสตราจารย์|รองศาสตราจารย์|"
    r"ผู้ช่วยศาสตราจารย์|ว่าที่ร้อยตรี|ว่าที่ ร\.ต\.|พลเอก|พันเอก|แพทย์หญิง|นายแพทย์)\s*")
_THAI_CHAR = re.compile("[\u0e00-\u0e7f]")
_MATCH_RATIO = 0.75


def strip_honorific(name: str) -> str:
    """``name`` without leading honorifics and extra spaces ("นางสาววิมลรัตน์  รัชชุกูล" -> "วิมลรัตน์ รัชชุกูล")."""
    name = " ".join(name.replace("ฯ", " ").split())
    for _ in range(3):
        shorter = _TH_HONORIFIC.sub("", _EN_HONORIFIC.sub("", name)).strip()
        if shorter == name or not shorter:
            break
        name = shorter
    return name


def name_key(name: str) -> str:
    """The form stored for matching: honorific-free, single-spaced, lower case."""
    return strip_honorific(name).lower()


@lru_cache(maxsize=4096)
def _roman(word: str) -> str:
    if not _THAI_CHAR.search(word):
        return word.lower()
    from pythainlp.transliterate import romanize

    return romanize(word, engine="royin").lower()


def _skeleton(word: str) -> str:
    s = re.sub(r"[^a-z]", "", _roman(word))
    s = re.sub(r"([ptkcs])h", r"\1", s).replace("j", "c")
    s = re.sub(r"[rl]", "n", s)  # Thai final ร/ล sound (and romanise) as n: "อารยะกุล" is "anyakun"
    s = re.sub(r"[aeiouyh]", "", s)
    return re.sub(r"(.)\1+", r"\1", s)


def _part_match(a: str, b: str) -> bool:
    if a == b:
        return True
    if _THAI_CHAR.search(a) and _THAI_CHAR.search(b):
        return False  # two Thai spellings: only the same spelling is the same name
    sa, sb = _skeleton(a), _skeleton(b)
    if not sa or not sb:
        return False
    return SequenceMatcher(None, sa, sb).ratio() >= _MATCH_RATIO


def names_match(query: str, stored: str) -> bool:
    """Whether the person asked for (``query``) is the one stored, across honorifics and scripts.

    Every part the query gives must match a part of the stored name in order, so a
    given name alone finds the person, but a wrong surname does not.
    """
    q, s = name_key(query).split(), name_key(stored).split()
    if not q or not s or len(q) > len(s):
        return False
    return all(_part_match(a, b) for a, b in zip(q, s))


# --- meetings: the same meeting named by several records ----------------------------------
def meeting_name_key(name: str | None) -> str:
    if not name:
        return ""
    name = re.sub(r"\s+", "", name)
    return re.sub(r"^(?:โครงการ|การจัด|การ)?ประชุม", "ประชุม", name)


def same_meeting(a: Meeting, b: Meeting) -> bool:
    """Whether two records' meetings are one meeting: "SOMSWD ครั้งที่ 16" mentioned in one record and
    reported in another. Editions must agree; then the acronym, the English or the Thai name must."""
    if a.edition != b.edition:
        return False
    if a.acronym and b.acronym:
        return a.acronym.replace(" ", "").upper() == b.acronym.replace(" ", "").upper()
    if a.name_en and b.name_en and a.name_en.lower().removeprefix("the ") == b.name_en.lower().removeprefix("the "):
        return True
    same_name = bool(a.name_th) and meeting_name_key(a.name_th) == meeting_name_key(b.name_th)
    dated = a.first_date and b.first_date
    return same_name and (a.edition is not None or bool(dated and a.first_date == b.first_date))
