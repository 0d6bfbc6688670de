"""The meeting tables: a record's facts come and go with it, and people are found across scripts."""
from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from prachum.index import meeting_tables as mt
from prachum.meetings import Attendance, Meeting, Outcome, RecordFacts, name_key, names_match


def _facts(source: str, when: date, person: str, position: str, acronym: str = "SOCA Retreat") -> RecordFacts:
    meeting = Meeting("m1", name_th="การประชุมเจ้าหน้าที่อาวุโส", acronym=acronym, first_date=when,
                      last_date=when, mode="video", host="บรูไนดารุสซาลาม", start=0, end=40)
    mentioned = Meeting("m2", acronym="SOMSWD", edition=16, first_date=date(2020, 9, 21),
                        last_date=date(2020, 9, 22), mentioned=True, start=50, end=90)
    return RecordFacts(source, (meeting, mentioned),
                       (Attendance("m1", person, "นาง", name_key(person), position, None, "leader", 0, 40),),
                       (Outcome("m1", "proposal", "ขอบรรจุเอกสารผลลัพธ์สำคัญ จำนวน ๒ ฉบับ", 0, 40),))


@pytest.fixture
def conn() -> sqlite3.Connection:
    c = sqlite3.connect(":memory:")
    mt.create(c)
    with c:
        mt.write(c, "a.txt", _facts("a.txt", date(2021, 2, 8), "จตุพร โรจนพานิช", "ผู้ช่วยปลัดกระทรวง"))
        mt.write(c, "b.txt", _facts("b.txt", date(2021, 8, 26), "จตุพร โรจนพานิช", "ผู้ตรวจราชการกระทรวง", "ASCC"))
        mt.write(c, "c.txt", RecordFacts("c.txt", (Meeting("m1", acronym="SOMSWD+3", edition=15,
                                                             first_date=date(2020, 9, 24)),),
                                         (Attendance("m1", "วิมลรัตน์ รัชชุกูล", "นางสาว", role="head"),)))
    return c


def test_facts_round_trip(conn: sqlite3.Connection) -> None:
    back = mt.facts_for(conn, "a.txt")
    assert back == _facts("a.txt", date(2021, 2, 8), "จตุพร โรจนพานิช", "ผู้ช่วยปลัดกระทรวง")
    assert back.meetings[1].mentioned is True and back.meetings[0].first_date == date(2021, 2, 8)


def test_write_replaces_and_delete_removes(conn: sqlite3.Connection) -> None:
    mt.write(conn, "a.txt", RecordFacts("a.txt", (Meeting("m1", acronym="NEW"),)))
    assert [m.acronym for m in mt.facts_for(conn, "a.txt").meetings] == ["NEW"]
    assert mt.facts_for(conn, "a.txt").attendance == ()
    mt.delete(conn, "a.txt")
    assert mt.facts_for(conn, "a.txt") == RecordFacts("a.txt")
    assert {r.source for r in mt.meetings(conn)} == {"b.txt", "c.txt"}


def test_write_does_not_commit(conn: sqlite3.Connection) -> None:
    mt.write(conn, "a.txt", RecordFacts("a.txt"))
    conn.rollback()
    assert len(mt.facts_for(conn, "a.txt").meetings) == 2


def test_meetings_by_period_oldest_first(conn: sqlite3.Connection) -> None:
    rows = mt.meetings(conn)
    dates = [r.meeting.first_date for r in rows]
    assert dates == sorted(dates)
    in_2564 = mt.meetings(conn, since=date(2021, 1, 1), until=date(2021, 12, 31))
    assert [(r.source, r.meeting.acronym) for r in in_2564] == [("a.txt", "SOCA Retreat"), ("b.txt", "ASCC")]
    assert all(not r.meeting.mentioned for r in mt.meetings(conn, mentioned=False))
    assert rows[-1].outcomes[0].kind == "proposal"


def test_person_matches_across_honorifics_and_scripts(conn: sqlite3.Connection) -> None:
    for query in ("นางสาววิมลรัตน์ รัชชุกูล", "Ms. Wimonrat Ratchukul", "wimonrat", "วิมลรัตน์"):
        assert [r.source for r in mt.meetings(conn, person=query)] == ["c.txt"], query
    assert [r.source for r in mt.meetings(conn, person="Mrs. Chatuporn Rojanapanich")] == ["a.txt", "b.txt"]
    assert mt.meetings(conn, person="Ms. Wimonrat Sombat") == []
    assert mt.meetings(conn, person="นางสาวสมศรี รัชชุกูล") == []


def test_people_shows_position_over_time(conn: sqlite3.Connection) -> None:
    (person,) = mt.people(conn, "Chatuporn")
    assert person.name == "จตุพร โรจนพานิช"
    assert [a.position for _, a in person.appearances] == ["ผู้ช่วยปลัดกระทรวง", "ผู้ตรวจราชการกระทรวง"]
    assert len(mt.people(conn)) == 2


@pytest.mark.parametrize("query, stored, same", [
    ("Ms. Wimonrat Ratchukul", "นางสาววิมลรัตน์ รัชชุกูล", True),
    ("Patchari Arayakul", "พัชรี อารยะกุล", True),
    ("Napa Settakorn", "นภา เศรษฐกร", True),
    ("นางนภา", "นภา เศรษฐกร", True),
    ("Wimonrat Ratchukul", "จตุพร โรจนพานิช", False),
    ("สมชาย ใจดี", "สมศรี ใจดี", False),
])
def test_names_match(query: str, stored: str, same: bool) -> None:
    assert names_match(query, stored) is same


def test_same_meeting_across_records() -> None:
    from prachum.meetings import same_meeting

    mentioned = Meeting("m3", name_th="การประชุม SOMSWD", acronym="SOMSWD", edition=16, mentioned=True)
    reported = Meeting("m1", name_th="การประชุมเจ้าหน้าที่อาวุโสอาเซียนด้านสวัสดิการสังคมและการพัฒนา", acronym="SOMSWD",
                       edition=16, first_date=date(2020, 9, 21))
    assert same_meeting(mentioned, reported)
    assert not same_meeting(mentioned, Meeting("m1", acronym="SOMSWD", edition=17))
    assert not same_meeting(reported, Meeting("m2", acronym="SOMSWD+3", edition=16))
    thai_only = Meeting("m2", name_th="การจัดประชุมเจ้าหน้าที่อาวุโสอาเซียนด้านสวัสดิการสังคมและการพัฒนา", edition=16)
    assert same_meeting(thai_only, Meeting("m9", name_th=reported.name_th, edition=16))
    # an undated, edition-less name is a series, not one meeting
    assert not same_meeting(Meeting("a", name_th="การประชุมสุดยอดอาเซียน"), Meeting("b", name_th="การประชุมสุดยอดอาเซียน"))
