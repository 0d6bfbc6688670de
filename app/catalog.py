"""The meeting catalog as the front ends show it: a table of meetings, people over time, a meeting's card.

Plain dicts (JSON-ready) built from :mod:`prachum.index.meeting_tables` through
:func:`rag.catalog_read.meeting_db`, so `prachum meetings --json`, `prachum people --json`
and the Meetings tab read the same rows. A card links every fact to the passage it was
read from: the chunk whose span holds the fact's sentence, with that sentence's offsets.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from prachum.index import meeting_tables as mt
from prachum.meetings import Attendance
from prachum.types import display_source
from rag.catalog_read import Citations, documents, meeting_db
from rag.catalog_select import head_of
from rag.catalog_words import meeting_label, person_label


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def meeting_json(row: mt.MeetingRow, titles: dict[str, str] | None = None) -> dict[str, Any]:
    """One meeting as a row of `prachum meetings`: date, meeting, edition, host, Thai head of delegation, record."""
    m = row.meeting
    head = head_of(row)
    return {
        "date": _iso(m.first_date), "last_date": _iso(m.last_date), "meeting": meeting_label(m, "th"),
        "meeting_en": meeting_label(m, "en"), "short": m.acronym or meeting_label(m, "th"), "acronym": m.acronym, "edition": m.edition, "host": m.host,
        "chair": m.chair, "mode": m.mode, "venue": m.venue, "head": person_label(head, "th") if head else None,
        "head_position": head.position if head else None, "record": display_source(row.source),
        "source": row.source, "key": m.key, "title": (titles or {}).get(row.source, ""),
    }


def meeting_rows(store: Any, person: str | None = None, since: date | None = None,
                 until: date | None = None) -> list[dict[str, Any]]:
    """The meetings the records report on (not those they only mention), oldest first."""
    titles = {d.source: d.title for d in documents(store)}
    rows = mt.meetings(meeting_db(store), person=person or None, since=since, until=until, mentioned=False)
    return [meeting_json(r, titles) for r in rows]


def _appearance(row: mt.MeetingRow, a: Attendance) -> dict[str, Any]:
    return {"date": _iso(row.meeting.first_date), "meeting": meeting_label(row.meeting, "th"),
            "meeting_en": meeting_label(row.meeting, "en"), "position": a.position, "organisation": a.organisation,
            "role": a.role, "record": display_source(row.source), "source": row.source, "key": row.meeting.key}


def people_rows(store: Any, name: str | None = None) -> list[dict[str, Any]]:
    """People across records (matching ``name`` in Thai or English, any honorific), each with their
    meetings and positions oldest first, so a change of position reads down the list."""
    out = []
    for p in mt.people(meeting_db(store), name or None):
        shown = [(r, a) for r, a in p.appearances if not r.meeting.mentioned]
        if not shown:
            continue
        label = f"{p.honorific or ''}{p.name}" if not (p.honorific or "").isascii() else f"{p.honorific} {p.name}"
        out.append({"name": p.name, "honorific": p.honorific, "display": label.strip(), "meetings": len(shown),
                    "appearances": [_appearance(r, a) for r, a in shown]})
    return out


def _passage(cites: Citations, source: str, start: int, end: int) -> dict[str, Any] | None:
    chunk = cites.chunk_for(source, start, end)
    if chunk is None or end <= start:
        return None
    return {"id": chunk.id, "text": chunk.text, "highlights": [[max(0, start - chunk.start),
                                                                 min(len(chunk.text), end - chunk.start)]]}


def meeting_card(store: Any, source: str, key: str) -> dict[str, Any] | None:
    """Everything the catalog holds on one meeting, each fact with the passage it was read from."""
    conn = meeting_db(store)
    row = next((r for r in mt.meetings(conn) if r.source == source and r.meeting.key == key), None)
    if row is None:
        return None
    cites = Citations(store)
    titles = {d.source: d.title for d in documents(store)}
    card = meeting_json(row, titles)
    m = row.meeting
    card.update(name_th=m.name_th, name_en=m.name_en, time=m.time, asean_chair=m.asean_chair, mentioned=m.mentioned,
                passage=_passage(cites, source, m.start, m.end))
    card["delegation"] = [{"name": person_label(a, "th"), "position": a.position, "organisation": a.organisation,
                           "role": a.role, "passage": _passage(cites, source, a.start, a.end)} for a in row.attendance]
    card["outcomes"] = [{"kind": o.kind, "text": o.text, "passage": _passage(cites, source, o.start, o.end)}
                        for o in row.outcomes]
    others = [r for r in mt.meetings(conn) if r.source == source and r.meeting.key != key and r.meeting.mentioned]
    card["mentions"] = [{"meeting": meeting_label(r.meeting, "th"), "date": _iso(r.meeting.first_date),
                         "passage": _passage(cites, source, r.meeting.start, r.meeting.end)} for r in others]
    return card
