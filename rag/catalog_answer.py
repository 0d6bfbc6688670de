"""Answers across records, from the meeting catalog: lists, counts, latest and earliest, a person's
meetings and positions, timelines and comparisons.

Every meeting the answer names comes with its date and a citation to the sentence it was read
from, so one answer cites several records; counts are the number of catalog rows, never of
the passages a search happened to return. The answer says how complete it is ("จากบันทึก
ทั้งหมด 5 ฉบับ พบ 3 การประชุม"). What the catalog does not record (budgets, numbers of
participants, a person no record names) is not guessed: the answer refuses, or gives the
part it can and says what is missing.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from prachum.index import meeting_tables as mt
from prachum.meetings import Attendance, strip_honorific
from prachum.thai.dates import BE_OFFSET, format_date
from prachum.types import Citation, Fact, Filters
from rag.catalog_read import Citations, documents, meeting_db, text_mentions
from rag.catalog_select import (
    ASKS_FOR_IT,
    Ask,
    acronym_ok,
    find_person,
    plays,
    role_filter,
    row_json,
    select,
    unsupported,
    wanted_acronyms,
)
from rag.catalog_words import meeting_label, person_label, short_label
from rag.prompts import REFUSAL
from rag.route import Route

_WHO = re.compile(r"ใคร|ผู้ใด|บุคคลใด|\bwho\b|\bperson\b|\bpeople\b", re.IGNORECASE)
_LONG = re.compile(r"(?:ยาว|นาน)ที่สุด|\blongest\b|\bmost days\b", re.IGNORECASE)


@dataclass
class CatalogAnswer:
    """An answer from the catalog, with the rows it was built from (`prachum ask --json` shows them)."""

    text: str
    citations: list[Citation]
    refused: bool = False
    facts: list[Fact] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    records: int = 0  # the records searched ("of N records")
    matched: int = 0  # the meetings (or people) that matched
    defer: bool = False  # the catalog lacks a person the records' text does name: let the passages answer


def answer_from_catalog(question: str, route: Route, store: Any, filters: Filters = Filters()) -> CatalogAnswer:
    """The catalog's answer to a question the router sent here (see :mod:`rag.route`)."""
    ask = Ask(question, route, meeting_db(store), Citations(store), len(documents(store, filters.sources)), route.lang)
    missing = unsupported(question)
    if missing and (ASKS_FOR_IT.search(question) or route.intent in ("count", "rank", "compare")):
        return refuse(ask, ask.w("unsupported", what=ask.w("attr_" + missing)))
    person = find_person(question, route.person, mt.people(ask.conn))
    if person is None and route.person:
        refused = refuse(ask, ask.w("no_person", who=route.person, n=ask.records))
        refused.defer = text_mentions(store, strip_honorific(route.person).split())  # the rules missed them
        return refused
    if route.intent == "roles" and person is None:
        roles = role_filter(question)
        if roles is None:
            return refuse(ask, ask.w("no_person", who=ask.w("the_person"), n=ask.records))
        return holders(ask, filters, roles)
    if route.intent == "rank":
        return rank(ask, filters)
    rows = select(ask, filters, person, mentioned=route.intent == "compare")
    if isinstance(rows, str):
        return refuse(ask, rows)
    handler: Callable[..., CatalogAnswer] = _INTENTS.get(route.intent, listing)
    return handler(ask, rows, person, filters, missing)


def refuse(ask: Ask, why: str) -> CatalogAnswer:
    return CatalogAnswer(f"{REFUSAL[ask.lang]} {why}".strip(), [], refused=True, records=ask.records)


def finish(ask: Ask, head: str, matched: int, note: str = "") -> CatalogAnswer:
    text = "\n".join([head, *ask.lines] + ([note] if note else []))
    return CatalogAnswer(text, ask.cites.all(), False, ask.facts, ask.rows, ask.records, matched)


def scope(ask: Ask) -> str:
    """The period the question names, as the answer repeats it ("ในปี 2564", " in 2021")."""
    period = ask.route.period
    if not period:
        return ""
    first, last = period
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
        return f" ในปี {first.year + BE_OFFSET}" if ask.lang == "th" else f" in {first.year}"
    when = format_date(first, last, ask.lang)
    return f" ในช่วง {when}" if ask.lang == "th" else f" during {when}"


def attendance_of(row: mt.MeetingRow, person: mt.PersonRow | None) -> Attendance | None:
    if person is None:
        return None
    return next((a for a in row.attendance if a.name_key == person.name_key and a.role != "assigned_by"), None)


def who(person: mt.PersonRow) -> str:
    honorific = person.honorific or ""
    return f"{honorific}{person.name}" if not honorific.isascii() else f"{honorific} {person.name}".strip()


def listing(ask: Ask, rows: Sequence[mt.MeetingRow], person: mt.PersonRow | None, filters: Filters,
            missing: str | None) -> CatalogAnswer:
    """Every matching meeting with its date, oldest first (a list, a timeline or a count)."""
    if not rows:
        mentioned = _mentioned(ask, filters, person)
        if not mentioned:
            return refuse(ask, ask.w("none", n=ask.records, scope=scope(ask)))
        return finish(ask, ask.w("found", n=ask.records, k=0, scope=scope(ask)), 0, mentioned)
    for row in rows:
        ask.add(row, attendance_of(row, person))
    if person is not None:
        head = ask.w("found_person", n=ask.records, who=who(person), k=len(rows), scope=scope(ask))
    else:
        head = ask.w("found", n=ask.records, k=len(rows), scope=scope(ask))
    if ask.route.intent == "count":
        ask.facts.insert(0, Fact(str(len(rows)), "number", ask.facts[0].n if ask.facts else 0))
    note = _mentioned(ask, filters, person)
    if missing:
        note = "\n".join(x for x in (note, ask.w("unsupported_note", what=ask.w("attr_" + missing))) if x)
    return finish(ask, head, len(rows), note)


def _mentioned(ask: Ask, filters: Filters, person: mt.PersonRow | None) -> str:
    """Meetings the records only mention, in the period asked about: shown, not counted."""
    if person is not None or not ask.route.period:
        return ""
    rows = select(ask, filters, None, mentioned=True)
    extra = [] if isinstance(rows, str) else [r for r in rows if r.meeting.mentioned]
    if not extra:
        return ""
    lines = []
    for row in extra:
        lines.append(f"◦ {ask.when(row)} — {meeting_label(row.meeting, ask.lang)}{ask.cite_row(row)}")
    return "\n".join([ask.w("mentioned"), *lines])


def extreme(ask: Ask, rows: Sequence[mt.MeetingRow], person: mt.PersonRow | None, filters: Filters,
            missing: str | None) -> CatalogAnswer:
    """The latest or earliest matching meeting, by its dates."""
    dated = [r for r in rows if r.meeting.first_date]
    if not dated and wanted_acronyms(ask):  # "the latest SOMSWD": the records may only mention it
        also = select(ask, filters, person, mentioned=True)
        dated = [] if isinstance(also, str) else [r for r in also if r.meeting.first_date]
    if not dated:
        return refuse(ask, ask.w("none", n=ask.records, scope=scope(ask)))
    latest = ask.route.intent == "latest"
    pick = max(dated, key=lambda r: r.meeting.last_date or r.meeting.first_date) if latest else dated[0]
    ask.add(pick, attendance_of(pick, person))
    of = ask.w("of_person", who=who(person)) if person else ""
    head = ask.w(ask.route.intent, n=ask.records, scope=of + scope(ask), label=meeting_label(pick.meeting, ask.lang),
                 when=ask.when(pick))
    return finish(ask, head, 1)


def positions(ask: Ask, rows: Sequence[mt.MeetingRow], person: mt.PersonRow | None, filters: Filters,
              missing: str | None) -> CatalogAnswer:
    """A person's position and role at each meeting, in date order, and how the position changed."""
    if person is None or not rows:
        return listing(ask, rows, person, filters, missing)
    seen: list[tuple[mt.MeetingRow, Attendance]] = []
    for row in rows:
        a = attendance_of(row, person)
        if a is not None:
            ask.add(row, a)
            seen.append((row, a))
    head = ask.w("roles_head", n=ask.records, who=who(person), k=len(seen))
    titles = [(r, a.position) for r, a in seen if a.position]
    note = ""
    if titles:
        first, last = titles[0], titles[-1]
        if len({t for _, t in titles}) > 1:
            note = ask.w("roles_change", a=first[1], b=last[1], d1=ask.when(first[0]), d2=ask.when(last[0]))
        else:
            note = ask.w("roles_same", a=first[1])
    return finish(ask, head, len(seen), note)


def holders(ask: Ask, filters: Filters, roles: tuple[tuple[str, ...], str | None]) -> CatalogAnswer:
    """Who held a role ("SOCA Leader", head of delegation) at each meeting."""
    rows = select(ask, filters, None)
    if isinstance(rows, str):
        return refuse(ask, rows)
    matched = 0
    for row in rows:
        for a in row.attendance:
            if plays(ask, row, a, roles):
                ask.add(row, a, extra=f"{person_label(a, ask.lang)} ({a.position or a.role})")
                matched += 1
                break
    if not matched:
        return refuse(ask, ask.w("none", n=ask.records, scope=scope(ask)))
    return finish(ask, ask.w("holders", n=ask.records, k=matched), matched)


def compare(ask: Ask, rows: Sequence[mt.MeetingRow], person: mt.PersonRow | None, filters: Filters,
            missing: str | None) -> CatalogAnswer:
    """Two (or more) named meetings side by side, with which came first and how far apart."""
    wanted = wanted_acronyms(ask)
    if len(wanted) < 2:  # "compare the meetings of 2564": the timeline is the comparison
        return listing(ask, [r for r in rows if not r.meeting.mentioned], person, filters, missing)
    picked: list[mt.MeetingRow] = []
    absent: list[str] = []
    for acronym in wanted:
        edition = _edition_of(ask.question, acronym)
        found = [r for r in rows if acronym_ok(r, [acronym]) and (edition is None or r.meeting.edition == edition)]
        found.sort(key=lambda r: r.meeting.mentioned)
        if found:
            picked.append(found[0])
        else:
            absent.append(f"{acronym}{f' {edition}' if edition else ''}")
    for row in picked:
        ask.add(row)
    notes = [ask.w("compare_missing", what=a) for a in absent]
    dated = sorted((r for r in picked if r.meeting.first_date), key=lambda r: r.meeting.first_date)
    if len(dated) >= 2:
        a, b = dated[0], dated[-1]
        days = (b.meeting.first_date - a.meeting.first_date).days
        notes.insert(0, ask.w("compare_same") if days == 0 else ask.w(
            "compare_first", a=meeting_label(a.meeting, ask.lang), b=meeting_label(b.meeting, ask.lang), days=days))
    if not picked:
        return refuse(ask, " ".join(notes))
    return finish(ask, ask.w("compare_head", n=ask.records), len(picked), "\n".join(notes))


def _edition_of(question: str, acronym: str) -> int | None:
    a = re.escape(acronym)
    m = re.search(rf"(\d{{1,3}})(?:st|nd|rd|th)\s+{a}|{a}\s*(?:ครั้งที่|No\.?|#)\s*(\d{{1,3}})", question, re.IGNORECASE)
    if not m:
        from prachum.thai.text import to_arabic_digits

        digits = to_arabic_digits(question)
        m = re.search(rf"{a}\s*ครั้งที่\s*(\d{{1,3}})()", digits)
    return int(next(g for g in m.groups() if g)) if m else None


def rank(ask: Ask, filters: Filters) -> CatalogAnswer:
    """The most (or longest): people by the meetings they attended, meetings by their days."""
    rows = select(ask, filters, None)
    if isinstance(rows, str):
        return refuse(ask, rows)
    if _LONG.search(ask.question):
        spans = [((r.meeting.last_date or r.meeting.first_date) - r.meeting.first_date).days + 1
                 for r in rows if r.meeting.first_date]
        dated = [r for r in rows if r.meeting.first_date]
        if not dated:
            return refuse(ask, ask.w("none", n=ask.records, scope=scope(ask)))
        best = max(spans)
        for row, days in zip(dated, spans):
            if days == best:
                ask.add(row)
        return finish(ask, ask.w("longest", n=ask.records, days=best), spans.count(best))
    if not (_WHO.search(ask.question) and re.search(r"เข้าร่วม|ร่วมประชุม|\battend|\bjoin|\bpresent", ask.question, re.IGNORECASE)):
        return refuse(ask, ask.w("rank_unknown"))
    counts: dict[str, list[tuple[mt.MeetingRow, Attendance]]] = {}
    for row in rows:
        for a in row.attendance:
            if a.role != "assigned_by" and all(r is not row for r, _ in counts.get(a.name_key, [])):
                counts.setdefault(a.name_key, []).append((row, a))
    if not counts:
        return refuse(ask, ask.w("none", n=ask.records, scope=scope(ask)))
    top = max(len(v) for v in counts.values())
    names = []
    for seen in counts.values():
        if len(seen) == top:
            name = person_label(seen[0][1], ask.lang)
            names.append(name)
            parts = [f"{short_label(r.meeting, ask.lang)} ({ask.when(r)}){ask.cite_row(r, a)}" for r, a in seen]
            ask.lines.append(f"• {name} — " + ", ".join(parts))
            n = ask.cites.cite(seen[0][0].source, seen[0][1].start, seen[0][1].end) or 0
            ask.facts.append(Fact(name, "person", n))
            ask.rows += [row_json(r, ask.cites.cite(r.source, a.start, a.end) or 0, a) for r, a in seen]
    return finish(ask, ask.w("rank_people", n=ask.records, k=top, who=", ".join(names)), len(names))


_INTENTS: dict[str, Callable[..., CatalogAnswer]] = {
    "list": listing, "count": listing, "timeline": listing, "latest": extreme, "earliest": extreme,
    "roles": positions, "compare": compare,
}
