"""The meeting catalog's tables: meetings, who attended in what role, and what was decided.

Cross-record questions ("which meetings did นางจตุพร attend", "how many meetings in 2564")
are answered from these rows, not from the top passages. Every row carries its record's
``source`` so a record's facts are written and removed in the same transaction as its
chunks (``prachum/index/catalog.py`` runs ``SCHEMA`` and calls ``write``/``delete``);
nothing here commits. Dates are stored as ISO text so SQL can compare them.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from datetime import date

from prachum.meetings import Attendance, Meeting, Outcome, RecordFacts, name_key, names_match

SCHEMA = """
CREATE TABLE IF NOT EXISTS meetings (
    source TEXT NOT NULL, key TEXT NOT NULL, name_th TEXT, name_en TEXT, acronym TEXT, edition INTEGER,
    first_date TEXT, last_date TEXT, time TEXT, venue TEXT, mode TEXT, host TEXT, chair TEXT,
    asean_chair TEXT, mentioned INTEGER NOT NULL DEFAULT 0, start INTEGER, "end" INTEGER,
    PRIMARY KEY (source, key)
);
CREATE INDEX IF NOT EXISTS meetings_date ON meetings (first_date);
CREATE TABLE IF NOT EXISTS attendance (
    source TEXT NOT NULL, meeting TEXT NOT NULL, name TEXT NOT NULL, honorific TEXT, name_key TEXT NOT NULL,
    position TEXT, organisation TEXT, role TEXT NOT NULL, start INTEGER, "end" INTEGER
);
CREATE INDEX IF NOT EXISTS attendance_source ON attendance (source);
CREATE INDEX IF NOT EXISTS attendance_name ON attendance (name_key);
CREATE TABLE IF NOT EXISTS outcomes (
    source TEXT NOT NULL, meeting TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
    start INTEGER, "end" INTEGER
);
CREATE INDEX IF NOT EXISTS outcomes_source ON outcomes (source);
"""
TABLES = ("meetings", "attendance", "outcomes")
NOT_PRESENT = ("assigned_by",)  # roles of people named with a meeting who were not at it
_DATE_FIELDS = ("first_date", "last_date")


@dataclass(frozen=True)
class MeetingRow:
    """A meeting with the record it comes from and its people and outcomes."""

    source: str
    meeting: Meeting
    attendance: tuple[Attendance, ...] = ()
    outcomes: tuple[Outcome, ...] = ()


@dataclass(frozen=True)
class PersonRow:
    """One person across records: every meeting they are recorded at, oldest first."""

    name: str  # the fullest spelling found, without honorific
    honorific: str | None
    name_key: str
    appearances: tuple[tuple[MeetingRow, Attendance], ...]


def _columns(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]


def _quoted(names: list[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _insert(conn: sqlite3.Connection, table: str, source: str, row: object) -> None:
    names = _columns(type(row))
    values = [getattr(row, n) for n in names]
    values = [v.isoformat() if isinstance(v, date) else int(v) if isinstance(v, bool) else v for v in values]
    conn.execute(f"INSERT INTO {table} (source, {_quoted(names)}) VALUES (?{', ?' * len(names)})",
                 [source, *values])


def create(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


def delete(conn: sqlite3.Connection, source: str) -> None:
    """Remove a record's facts (inside the caller's transaction)."""
    for table in TABLES:
        conn.execute(f"DELETE FROM {table} WHERE source = ?", (source,))


def write(conn: sqlite3.Connection, source: str, facts: RecordFacts) -> None:
    """Replace ``source``'s facts with ``facts`` (inside the caller's transaction; no commit)."""
    delete(conn, source)
    for m in facts.meetings:
        _insert(conn, "meetings", source, m)
    for a in facts.attendance:
        _insert(conn, "attendance", source, a if a.name_key else _with_key(a))
    for o in facts.outcomes:
        _insert(conn, "outcomes", source, o)


def _with_key(a: Attendance) -> Attendance:
    from dataclasses import replace

    return replace(a, name_key=name_key(a.name))


def _build(cls: type, row: sqlite3.Row | tuple, names: list[str]) -> object:
    values = dict(zip(names, row))
    for f in _DATE_FIELDS:
        if f in values and values[f]:
            values[f] = date.fromisoformat(values[f])
    if "mentioned" in values:
        values["mentioned"] = bool(values["mentioned"])
    return cls(**values)


def _select(conn: sqlite3.Connection, cls: type, table: str, where: str, args: tuple) -> list[tuple[str, object]]:
    names = _columns(cls)
    rows = conn.execute(f"SELECT source, {_quoted(names)} FROM {table} WHERE {where} ORDER BY rowid", args)
    return [(r[0], _build(cls, r[1:], names)) for r in rows]


def facts_for(conn: sqlite3.Connection, source: str) -> RecordFacts:
    """The facts stored for one record, as extracted."""
    found = {t: [x for _, x in _select(conn, cls, t, "source = ?", (source,))]
             for t, cls in (("meetings", Meeting), ("attendance", Attendance), ("outcomes", Outcome))}
    return RecordFacts(source, tuple(found["meetings"]), tuple(found["attendance"]), tuple(found["outcomes"]))


def _date_key(row: MeetingRow) -> tuple:
    d = row.meeting.first_date
    return (d is None, d or date.min, row.source, row.meeting.start)


def _overlaps(m: Meeting, since: date | None, until: date | None) -> bool:
    if since is None and until is None:
        return True
    if m.first_date is None:
        return False
    last = m.last_date or m.first_date
    return (since is None or last >= since) and (until is None or m.first_date <= until)


def _all_rows(conn: sqlite3.Connection, where: str = "1", args: tuple = ()) -> list[MeetingRow]:
    meetings = _select(conn, Meeting, "meetings", where, args)
    sources = tuple(dict.fromkeys(s for s, _ in meetings))
    people: dict[tuple[str, str], list[Attendance]] = {}
    outcomes: dict[tuple[str, str], list[Outcome]] = {}
    if sources:
        marks = ", ".join("?" * len(sources))
        for s, a in _select(conn, Attendance, "attendance", f"source IN ({marks})", sources):
            people.setdefault((s, a.meeting), []).append(a)
        for s, o in _select(conn, Outcome, "outcomes", f"source IN ({marks})", sources):
            outcomes.setdefault((s, o.meeting), []).append(o)
    return [MeetingRow(s, m, tuple(people.get((s, m.key), ())), tuple(outcomes.get((s, m.key), ())))
            for s, m in meetings]


def meetings(conn: sqlite3.Connection, person: str | None = None, since: date | None = None,
             until: date | None = None, mentioned: bool = True) -> list[MeetingRow]:
    """Meetings oldest first (undated last); with ``person``, only those the person took part in.

    ``since``/``until`` keep meetings whose dates overlap the period (undated ones are dropped
    when a period is given). ``mentioned=False`` keeps only meetings a record reports on.
    """
    rows = [r for r in _all_rows(conn) if _overlaps(r.meeting, since, until)
            and (mentioned or not r.meeting.mentioned)]
    if person:  # who only assigned the delegate ("ได้รับมอบหมายจาก") did not take part
        rows = [r for r in rows if any(names_match(person, a.name) and a.role not in NOT_PRESENT
                                       for a in r.attendance)]
    return sorted(rows, key=_date_key)


def people(conn: sqlite3.Connection, name: str | None = None) -> list[PersonRow]:
    """People across records (matching ``name`` in Thai or English, any honorific), each with
    their meetings oldest first, so a change of position shows as the list is read."""
    grouped: dict[str, list[tuple[MeetingRow, Attendance]]] = {}
    for row in _all_rows(conn):
        for a in row.attendance:
            if name is None or names_match(name, a.name):
                grouped.setdefault(a.name_key or name_key(a.name), []).append((row, a))
    result = []
    for key, seen in grouped.items():
        seen.sort(key=lambda pair: _date_key(pair[0]))
        fullest = max((a for _, a in seen), key=lambda a: len(a.name))
        result.append(PersonRow(fullest.name, fullest.honorific, key, tuple(seen)))
    return sorted(result, key=lambda p: (-len(p.appearances), p.name_key))
