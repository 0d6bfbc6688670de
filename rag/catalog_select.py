"""Choosing the catalog rows a question is about: its person, period, meeting, host, mode and role.

Each narrowing reads the question for a kind of constraint, never for the seed records'
wording: a person by the name written (any script or honorific), a role by the phrase that
must stand in the person's own sentence ("SOCA Leader"), a host by the gazetteer's names.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from prachum.index import meeting_tables as mt
from prachum.meetings import Attendance, names_match, strip_honorific
from prachum.slots import recognise
from prachum.thai.dates import format_date
from prachum.thai.gazetteer import canonical_name, find_countries, find_organisations
from prachum.types import Fact, Filters, display_source
from rag.catalog_read import Citations
from rag.catalog_words import WORDS, meeting_label, person_label, role_label
from rag.route import Route

_UNSUPPORTED = (
    ("budget", r"งบประมาณ|ค่าใช้จ่าย|เป็นเงิน|กี่บาท|มูลค่า|\bbudgets?\b|\bcosts?\b|\bspen[dt]\b|\bmoney\b|\bfund(?:s|ing)\b"),
    ("participants", r"ผู้เข้าร่วม(?:ประชุม)?(?:มาก|น้อย|กี่|จำนวน|ทั้งหมด)|กี่คน|จำนวนผู้|\bparticipants\b|\battendees\b|"
                     r"\bdelegates\b|\bhow many people\b|\bpeople attended\b"),
    ("rate", r"อัตรา|ร้อยละ|เปอร์เซ็นต์|\brates?\b|\bpercent"),
    ("weather", r"อากาศ|\bweather\b"),
)
ASKS_FOR_IT = re.compile(r"รวม|ทั้งหมด|เท่าไร|เท่าไหร่|เท่าใด|กี่|มากที่สุด|น้อยที่สุด|\btotal\b|\bhow (?:much|many)\b|"
                          r"\bmost\b|\bfewest\b|\blargest\b|\bwhat was\b", re.IGNORECASE)
_HOST_CUE = re.compile(r"เจ้าภาพ|จัดโดย|ผู้จัด|ประธาน|\bhost|\bchair|\borgani[sz]", re.IGNORECASE)
_WHERE = re.compile(r"ที่ไหน|ที่ใด|สถานที่|ห้องประชุม|\bwhere\b|\bvenues?\b|\bplaces?\b", re.I)
_VIDEO = re.compile(r"ทางไกล|ออนไลน์|\bvideo\b|\bvirtual|\bonline\b|\bremote", re.IGNORECASE)
_ONSITE = re.compile(r"\bon.?site\b|\bin person\b|\bface.to.face\b|ณ สถานที่จริง|แบบพบปะ", re.IGNORECASE)
_ROLE_ACRONYM = re.compile(r"\b([A-Z][A-Za-z0-9+]*)\s+(Leader|Vice[ -]Chair|Chair)\b")
_HEAD = re.compile(r"หัวหน้าคณะ|ผู้แทน(?:ประเทศ)?ไทย|\bhead of (?:the )?(?:\w+ )?delegation\b|\bled the (?:\w+ )?delegation\b|"
                   r"\brepresent", re.IGNORECASE)
_OPENED = re.compile(r"ประธานเปิด|เปิดการประชุม|\bopened\b", re.IGNORECASE)
_GENERIC_ACRONYMS = {"ASEAN", "THAI", "MSDHS", "UN"}
_LEAD_ROLES = ("head", "leader")


@dataclass
class Ask:
    """One question being answered: what it asks, the catalog, and the citations gathered so far."""

    question: str
    route: Route
    conn: Any
    cites: Citations
    records: int
    lang: str
    lines: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def w(self, key: str, **kw: Any) -> str:
        one = kw.get("k") == 1
        kw.setdefault("meetings", "meeting" if one else "meetings")
        kw.setdefault("match", "matches" if one else "match")
        return WORDS[self.lang][key].format(**kw)

    def when(self, row: mt.MeetingRow) -> str:
        m = row.meeting
        return format_date(m.first_date, m.last_date, self.lang) if m.first_date else self.w("no_date")

    def numbers(self, row: mt.MeetingRow, person: Attendance | None = None) -> list[int]:
        """The citation numbers of a meeting's sentence (and the person's): one per record."""
        spans = [(row.meeting.start, row.meeting.end)] + ([(person.start, person.end)] if person else [])
        return sorted({n for s, e in spans if (n := self.cites.cite(row.source, s, e)) is not None})

    def cite_row(self, row: mt.MeetingRow, person: Attendance | None = None) -> str:
        return "".join(f" [{n}]" for n in self.numbers(row, person))

    def add(self, row: mt.MeetingRow, person: Attendance | None = None, extra: str = "") -> None:
        """One line of the answer: the meeting's date and name, the person's position (or the Thai
        head of delegation), its citation; and the facts and row it stands for."""
        numbers = self.numbers(row, person)
        n = numbers[0] if numbers else 0
        label = meeting_label(row.meeting, self.lang)
        head = head_of(row)
        if extra:
            detail = extra
        elif person is not None:
            detail = role_label(person, self.lang)
        else:
            detail = self.w("head", who=person_label(head, self.lang)) if head else ""
        asked = [v for cue, v in ((_HOST_CUE, row.meeting.host), (_WHERE, row.meeting.venue)) if v and cue.search(
            self.question)]
        if asked and not extra:  # "who hosted", "where were they held": say it on every line
            detail = " · ".join([*asked, detail] if detail else asked)
        marks = "".join(f" [{x}]" for x in numbers)
        self.lines.append(f"• {self.when(row)} — {label}{' — ' + detail if detail else ''}{marks}")
        if n:
            self.facts.append(Fact(label, "meeting", n))
            if row.meeting.first_date:
                self.facts.append(Fact(self.when(row), "date", n))
        self.rows.append(row_json(row, n, person))

    def sentence(self, row: mt.MeetingRow, start: int, end: int) -> str:
        chunk = self.cites.chunk_for(row.source, start, end)
        return chunk.text[max(0, start - chunk.start):max(0, end - chunk.start)] if chunk else ""


def unsupported(question: str) -> str | None:
    """What the question asks about that the catalog does not record (a budget, participant numbers ...)."""
    return next((name for name, pattern in _UNSUPPORTED if re.search(pattern, question, re.IGNORECASE)), None)


def find_person(question: str, hint: str | None, people: Sequence[mt.PersonRow]) -> mt.PersonRow | None:
    """The catalog person the question names: by the name it writes (Thai or English, any honorific),
    or, with no honorific to go by, by a stored Thai name written in the question."""
    if hint:
        asked = strip_honorific(hint)
        found = [p for p in people if names_match(asked, p.name)]
        if not found and " " not in asked:  # Thai runs the name into the verb: "นางจตุพรร่วมประชุม..."
            found = [p for p in people if len(p.name.split()[0]) >= 3 and asked.startswith(p.name.split()[0])]
        return max(found, key=lambda p: len(p.appearances), default=None)
    for p in sorted(people, key=lambda p: -len(p.name)):
        first = p.name.split()[0]
        if p.name in question or (len(first) >= 3 and re.search(rf"(?<![\u0e00-\u0e7f]){re.escape(first)}", question)):
            return p
    for m in re.finditer(r"\b[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})?", question):
        found = [p for p in people if names_match(m.group(0), p.name)]
        if found:
            return found[0]
    return None


def role_filter(question: str) -> tuple[tuple[str, ...], str | None] | None:
    """The roles a question names ("SOCA Leader", "head of delegation", "opened"), with the phrase that
    must stand in the person's sentence, or None."""
    m = _ROLE_ACRONYM.search(question)
    if m:
        kind = m.group(2).lower().replace(" ", "_").replace("-", "_")
        return (("leader", "head") if kind == "leader" else (kind,)), f"{m.group(1)} {m.group(2)}"
    if re.search(r"รองประธาน|\bvice[ -]chair", question, re.IGNORECASE):
        return ("vice_chair",), None
    if _OPENED.search(question):
        return ("opened", "chair"), None
    if _HEAD.search(question):
        return _LEAD_ROLES, None
    return None


def head_of(row: mt.MeetingRow) -> Attendance | None:
    """Thailand's head of delegation at a meeting: its leader or head, as the record names them."""
    return next((a for a in row.attendance if a.role in _LEAD_ROLES), None)


def acronym_ok(row: mt.MeetingRow, wanted: Sequence[str]) -> bool:
    m = row.meeting
    own = (m.acronym or "").upper().replace(" ", "")
    names = f"{m.name_en or ''} {m.name_th or ''}".upper()
    for a in wanted:
        key = a.upper().replace(" ", "")
        if own == key or (own.startswith(key) and not own[len(key):].startswith("+")) or re.search(
                rf"(?<![A-Z]){re.escape(a.upper())}(?![A-Z+])", names):
            return True
    return False


def wanted_acronyms(ask: Ask) -> list[str]:
    role = {m.group(1) for m in _ROLE_ACRONYM.finditer(ask.question)}
    return [a for a in ask.route.acronyms if a not in role and a.upper() not in _GENERIC_ACRONYMS]


def _hosts(question: str) -> set[str]:
    if not _HOST_CUE.search(question):
        return set()
    found = find_countries(question) + find_organisations(question)
    return {f.canonical for f in found if f.canonical not in ("ไทย",) or re.search(r"ไทยเป็นเจ้าภาพ|Thailand host", question)}


def _host_ok(row: mt.MeetingRow, hosts: set[str]) -> bool:
    m = row.meeting
    named = {canonical_name(x.strip()) or x.strip() for f in (m.host, m.chair, m.asean_chair) if f for x in f.split(",")}
    return bool(named & hosts)


def named_months(question: str) -> set[tuple[int, int]]:
    """The (month, CE year) pairs a question names with their year ("เดือนสิงหาคม 2564", "August 2021")."""
    return {s.value for s in recognise(question, ["month"]) if isinstance(s.value, tuple) and s.value[1]}


def select(ask: Ask, filters: Filters, person: mt.PersonRow | None, mentioned: bool = False
           ) -> list[mt.MeetingRow] | str:
    """The meetings the question is about, oldest first (with those the records only mention when
    ``mentioned``), or why none can be chosen."""
    period = ask.route.period
    since = max(d for d in (period[0] if period else None, filters.since) if d) if (period or filters.since) else None
    until = min(d for d in (period[1] if period else None, filters.until) if d) if (period or filters.until) else None
    rows = mt.meetings(ask.conn, since=since, until=until, mentioned=mentioned)
    if filters.sources:
        rows = [r for r in rows if r.source in filters.sources]
    if person is not None:
        rows = [r for r in rows if any(a.name_key == person.name_key and a.role != "assigned_by" for a in r.attendance)]
    if len(months := named_months(ask.question)) >= 2:  # "ในการประชุมเดือนกุมภาพันธ์ 2564 และเดือนสิงหาคม 2564":
        # those two months, not every meeting between them
        rows = [r for r in rows if r.meeting.first_date and (r.meeting.first_date.month, r.meeting.first_date.year) in months]
    wanted = wanted_acronyms(ask)
    if wanted and ask.route.intent != "compare":
        every = mt.meetings(ask.conn)
        if not any(acronym_ok(r, wanted) for r in every):
            return ask.w("no_acronym", what=", ".join(wanted), n=ask.records)
        rows = [r for r in rows if acronym_ok(r, wanted)]
    hosts = _hosts(ask.question)
    if hosts:
        rows = [r for r in rows if _host_ok(r, hosts)]
    if _VIDEO.search(ask.question):
        rows = [r for r in rows if r.meeting.mode == "video"]
    elif _ONSITE.search(ask.question):
        rows = [r for r in rows if r.meeting.mode == "onsite"]
    roles = role_filter(ask.question) if person is None else None
    if roles and ask.route.intent not in ("list", "timeline") or (roles and roles[1]):
        rows = [r for r in rows if any(plays(ask, r, a, roles) for a in r.attendance)]
    return rows


def plays(ask: Ask, row: mt.MeetingRow, a: Attendance, roles: tuple[tuple[str, ...], str | None]) -> bool:
    kinds, phrase = roles
    if a.role not in kinds:
        return False
    return phrase is None or phrase.lower() in ask.sentence(row, a.start, a.end).lower()


def row_json(row: mt.MeetingRow, n: int, person: Attendance | None = None) -> dict[str, Any]:
    """One catalog row as `prachum ask --json` shows it under ``rows``."""
    m = row.meeting
    out: dict[str, Any] = {
        "n": n or None, "source": display_source(row.source), "meeting": m.key, "name_th": m.name_th,
        "name_en": m.name_en, "acronym": m.acronym, "edition": m.edition,
        "first_date": m.first_date.isoformat() if m.first_date else None,
        "last_date": m.last_date.isoformat() if m.last_date else None, "venue": m.venue, "mode": m.mode,
        "host": m.host, "mentioned": m.mentioned,
    }
    head = head_of(row)
    out["head"] = f"{head.honorific or ''}{head.name}" if head else None
    if person is not None:
        out["person"] = {"name": person.name, "honorific": person.honorific, "position": person.position,
                         "organisation": person.organisation, "role": person.role}
    return out


def period_of(rows: Sequence[mt.MeetingRow]) -> tuple[date, date] | None:
    days = [d for r in rows for d in (r.meeting.first_date, r.meeting.last_date) if d]
    return (min(days), max(days)) if days else None
