"""extract_facts on the seeds and on a sixth record it has never seen (Thai digits, "๑๒ ม.ค. ๖๖")."""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from ingest.clean import clean_document
from ingest.meetings import extract_facts
from ingest.metadata import extract_metadata
from prachum.index import meeting_tables
from prachum.meetings import RecordFacts

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

SIXTH = """พม. ร่วมประชุมคณะทำงานอาเซียนด้านการคุ้มครองเด็ก ครั้งที่ ๔ (4th ASEAN Working Group on Child Protection: AWGCP) ผ่านระบบการประชุมทางไกล

เมื่อวันที่ ๑๒ ม.ค. ๖๖ เวลา ๑๓.๓๐ – ๑๖.๓๐ น. ณ ห้องประชุมชั้น ๕ อาคารกรมกิจการเด็กและเยาวชน นายปกรณ์ ศรีวงศ์ ผู้อำนวยการกองคุ้มครองเด็ก ในฐานะหัวหน้าคณะผู้แทนไทย พร้อมด้วยนางสาวกมลวรรณ แก้วใส นักพัฒนาสังคมชำนาญการ เข้าร่วมการประชุมคณะทำงานอาเซียนด้านการคุ้มครองเด็ก ครั้งที่ ๔ (4th ASEAN Working Group on Child Protection: AWGCP) ผ่านระบบการประชุมทางไกล (Video Conference) ซึ่งจัดโดยสาธารณรัฐสิงคโปร์ ในฐานะประธานการประชุม
ที่ประชุมมีมติเห็นชอบร่างแผนงานด้านการคุ้มครองเด็กของอาเซียน ปี ๒๕๖๖ – ๒๕๖๘ ทั้งนี้ การประชุมครั้งต่อไปจะจัดขึ้นที่ประเทศมาเลเซีย ในเดือนมิถุนายน ๒๕๖๖
"""


def _facts(raw: str, name: str) -> tuple[str, RecordFacts]:
    cleaned = clean_document(raw)
    return cleaned.text, extract_facts(cleaned.text, extract_metadata(cleaned, Path(name)), name)


def test_sixth_record_new_meeting_person_thai_digits_and_short_buddhist_date() -> None:
    text, facts = _facts(SIXTH, "005_generated.txt")
    (m,) = facts.meetings
    assert (m.acronym, m.edition, m.mentioned) == ("AWGCP", 4, False)
    assert m.name_th == "การประชุมคณะทำงานอาเซียนด้านการคุ้มครองเด็ก"
    assert m.name_en == "ASEAN Working Group on Child Protection"
    assert (m.first_date, m.last_date, m.time) == (date(2023, 1, 12), date(2023, 1, 12), "13.30-16.30")
    assert m.venue == "ห้องประชุมชั้น ๕ อาคารกรมกิจการเด็กและเยาวชน"
    assert (m.mode, m.host, m.chair) == ("video", "สิงคโปร์", "สิงคโปร์")
    people = {a.name: (a.honorific, a.position, a.role) for a in facts.attendance}
    assert people == {"ปกรณ์ ศรีวงศ์": ("นาย", "ผู้อำนวยการกองคุ้มครองเด็ก", "head"),
                      "กมลวรรณ แก้วใส": ("นางสาว", "นักพัฒนาสังคมชำนาญการ", "accompanied")}
    assert [o.kind for o in facts.outcomes] == ["decision", "next_meeting"]
    assert "ร่างแผนงานด้านการคุ้มครองเด็กของอาเซียน" in facts.outcomes[0].text
    for fact in (m, *facts.attendance, *facts.outcomes):  # every fact points at the sentence it came from
        assert 0 <= fact.start < fact.end <= len(text)
    assert "นายปกรณ์ ศรีวงศ์" in text[facts.attendance[0].start:facts.attendance[0].end]
    assert "มีมติ" in text[facts.outcomes[0].start:facts.outcomes[0].end]


def test_sixth_record_enters_and_leaves_the_catalog() -> None:
    conn = sqlite3.connect(":memory:")
    meeting_tables.create(conn)
    for path in sorted(SEEDS.glob("*.txt")):
        meeting_tables.write(conn, path.name, _facts(path.read_text(encoding="utf-8"), path.name)[1])
    before = meeting_tables.meetings(conn, since=date(2023, 1, 1))
    assert before == []
    meeting_tables.write(conn, "005_generated.txt", _facts(SIXTH, "005_generated.txt")[1])
    (row,) = meeting_tables.meetings(conn, since=date(2023, 1, 1))
    assert row.meeting.acronym == "AWGCP" and row.source == "005_generated.txt"
    assert [r.meeting.acronym for r in meeting_tables.meetings(conn, person="Mr. Pakorn Sriwong")] == ["AWGCP"]
    meeting_tables.delete(conn, "005_generated.txt")
    assert meeting_tables.meetings(conn, person="ปกรณ์ ศรีวงศ์") == []


def test_seed_person_positions_over_time() -> None:
    conn = sqlite3.connect(":memory:")
    meeting_tables.create(conn)
    for path in sorted(SEEDS.glob("*.txt")):
        meeting_tables.write(conn, path.name, _facts(path.read_text(encoding="utf-8"), path.name)[1])
    (person,) = meeting_tables.people(conn, "Mrs. Chatuporn Rojanapanich")
    seen = [(row.meeting.first_date, a.position) for row, a in person.appearances]
    assert seen == [
        (date(2021, 2, 8), "ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"),
        (date(2021, 3, 15), "ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"),
        (date(2021, 8, 26), "ผู้ตรวจราชการกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"),
    ]
    in_2564 = meeting_tables.meetings(conn, since=date(2021, 1, 1), until=date(2021, 12, 31), mentioned=False)
    assert len(in_2564) == 3
    assert meeting_tables.meetings(conn, person="นางพัชรี อารยะกุล") == []  # she assigned, did not attend
    assert [a.role for _, a in meeting_tables.people(conn, "Patchari Arayakul")[0].appearances] == ["assigned_by"]
    wimonrat = meeting_tables.meetings(conn, person="Ms. Wimonrat Ratchukul")
    assert [r.source[:3] for r in wimonrat] == ["000", "003", "001"]


@pytest.mark.parametrize("raw", [
    "",
    "ข่าวประชาสัมพันธ์ทั่วไป ไม่มีการประชุมใด ๆ ในข่าวนี้ ที่ประชุมได้รับทราบ",
    "การประชุมดังกล่าว เป็นการประชุมระดับเจ้าหน้าที่อาวุโส ณ ห้องประชุมชั้น ๘",
])
def test_records_without_a_named_meeting_give_no_facts(raw: str) -> None:
    _, facts = _facts(raw, "x.txt")
    assert facts == RecordFacts("x.txt")


def test_topic_words_are_not_a_mode_and_a_person_chairs_is_not_the_meetings_chair() -> None:
    raw = ("เมื่อวันที่ 10 ก.ค. 2565 กรมกิจการเด็กและเยาวชน จัดการประชุมเชิงปฏิบัติการ เรื่อง การคุ้มครองเด็กในสื่อออนไลน์ "
           "ณ โรงแรมรามา การ์เด้นส์ กรุงเทพฯ โดยมี นายสมชาย ใจดี รองอธิบดีกรมกิจการเด็กและเยาวชน เป็นประธานเปิดการประชุม")
    _, facts = _facts(raw, "d.txt")
    (m,) = facts.meetings
    assert (m.mode, m.host, m.chair, m.mentioned) == ("onsite", "กรมกิจการเด็กและเยาวชน", None, False)
    assert [(a.name, a.role) for a in facts.attendance] == [("สมชาย ใจดี", "opened")]


def test_headline_names_the_meeting_and_the_body_says_it_was_attended() -> None:
    raw = ("กระทรวง พ.ม. ร่วมประชุมคณะกรรมาธิการอาเซียนว่าด้วยการส่งเสริมและคุ้มครองสิทธิสตรีและสิทธิเด็ก ครั้งที่ ๒๐ "
           "(20th ACWC Meeting)\n\nวันพุธที่ ๑๕ มีนาคม ๒๕๖๖ เวลา ๐๙.๐๐ น. ดร.สุรีย์พร ชัยมงคล รองอธิบดีกรมกิจการสตรีและ"
           "สถาบันครอบครัว พร้อมด้วยนายธนากร สุขเจริญ นักวิเทศสัมพันธ์ชำนาญการ เข้าร่วมการประชุมดังกล่าว ณ กรุงเวียงจันทน์ "
           "สปป.ลาว ระหว่างวันที่ ๑๕ – ๑๗ มีนาคม ๒๕๖๖")
    _, facts = _facts(raw, "g.txt")
    (m,) = facts.meetings
    assert (m.acronym, m.edition, m.first_date, m.last_date, m.time) == \
        ("ACWC", 20, date(2023, 3, 15), date(2023, 3, 17), "09.00")
    assert (m.venue, m.mode) == ("กรุงเวียงจันทน์ สปป.ลาว", "onsite")
    assert [(a.honorific, a.name, a.role) for a in facts.attendance] == \
        [("ดร.", "สุรีย์พร ชัยมงคล", "head"), ("นาย", "ธนากร สุขเจริญ", "accompanied")]


def test_two_meetings_attended_together_and_an_english_name_in_thai_text() -> None:
    raw = ("เมื่อวันที่ ๓ มี.ค. ๖๖ นายอนุกูล ปีดแก้ว ปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ เข้าร่วมการประชุม"
           "เจ้าหน้าที่อาวุโสอาเซียนด้านสวัสดิการสังคมและการพัฒนา ครั้งที่ ๑๘ (18th SOMSWD) และการประชุมเจ้าหน้าที่อาวุโส"
           "อาเซียนบวกสามด้านสวัสดิการสังคมและการพัฒนา ครั้งที่ ๑๘ (18th SOMSWD+3) ณ กรุงพนมเปญ ราชอาณาจักรกัมพูชา\n"
           "ต่อมา นายอนุกูล ได้เข้าร่วมการประชุม 20th ASEAN-Japan High Level Officials Meeting on Caring Societies "
           "(ASEAN-Japan HLOM) ซึ่งญี่ปุ่นเป็นเจ้าภาพ")
    _, facts = _facts(raw, "h.txt")
    got = [(m.acronym, m.edition, m.mentioned, m.first_date) for m in facts.meetings]
    assert got[:2] == [("SOMSWD", 18, False, date(2023, 3, 3)), ("SOMSWD+3", 18, False, date(2023, 3, 3))]
    english = facts.meetings[2]
    assert (english.name_en, english.acronym, english.edition, english.host) == \
        ("ASEAN-Japan High Level Officials Meeting on Caring Societies", "ASEAN-Japan HLOM", 20, "ญี่ปุ่น")
    assert {a.meeting for a in facts.attendance if a.name == "อนุกูล ปีดแก้ว"} >= {"m1", "m2"}
    assert english.first_date is None  # attended "ต่อมา" (later): the dateline's date is not its date


def test_people_named_later_take_a_role_only_from_their_own_verb() -> None:
    raw = ("เมื่อวันที่ ๒๐ ตุลาคม ๒๕๖๕ นางจตุพร โรจนพานิช รองปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ "
           "เข้าร่วมการประชุมรัฐมนตรีอาเซียนด้านสวัสดิการสังคมและการพัฒนา ครั้งที่ ๑๑ (11th AMMSWD)\n"
           "ในโอกาสนี้ นายสมชาย ใจดี ผู้อำนวยการกองยุทธศาสตร์ ได้นำเสนอผลการศึกษา "
           "และนางสาวมาลี ดีงาม ผู้แทนจากองค์การยูนิเซฟ กล่าวขอบคุณผู้ที่นำเสนอ")
    _, facts = _facts(raw, "p.txt")
    roles = {a.name: a.role for a in facts.attendance}
    assert roles == {"จตุพร โรจนพานิช": "attended", "สมชาย ใจดี": "presented"}
