"""Named things (a report, a meeting, a fund) and year ranges: sentences in the seed records' genre."""
from __future__ import annotations

from prachum.slots import recognise
from prachum.slots.named import heads_for


def names(text: str) -> list[tuple[str | None, str | None]]:
    return [(s.value.thai, s.value.english) for s in recognise(text, ("named",))]


def test_a_thai_name_with_its_english_form_in_brackets():
    text = ("ในภาคบ่าย เป็นการเปิดตัวรายงานการวิเคราะห์แนวโน้มการพัฒนาของอาเซียน (The ASEAN Development Outlook: ADO) "
            "ซึ่งเป็นรายงานฉบับแรก")
    assert names(text) == [("รายงานการวิเคราะห์แนวโน้มการพัฒนาของอาเซียน", "The ASEAN Development Outlook: ADO")]


def test_nested_brackets_and_an_english_name_after_the_head():
    text = ("เข้าร่วมการประชุมเจ้าหน้าที่อาวุโสอย่างไม่เป็นทางการ (Senior Officials Committee for the ASEAN "
            "Socio-Cultural Community (SOCA) Retreat) และได้รับทุนจากกองทุน ASEAN-Japan Fund for Building Social Safety Net")
    found = names(text)
    assert found[0][1] == "Senior Officials Committee for the ASEAN Socio-Cultural Community (SOCA) Retreat"
    assert found[1] == (None, "ASEAN-Japan Fund for Building Social Safety Net")


def test_an_acronym_with_its_thai_edition_is_a_name():
    text = "ที่ประชุมรับฟังผลการประชุม GO-NGO Forum ครั้งที่ ๑๕ และการประชุม SOMSWD ครั้งที่ 16 ซึ่งจัดขึ้นแล้ว"
    assert [e for _, e in names(text)] == ["GO-NGO Forum ครั้งที่ ๑๕", "SOMSWD ครั้งที่ 16"]


def test_no_name_without_a_visible_end_nor_a_role_or_a_way_of_meeting():
    assert names("กรมได้จัดการประชุมเชิงปฏิบัติการด้านสังคมสงเคราะห์ประจำปี ๒๕๖๑ ณ โรงแรมเอเชีย") == []
    assert names("ผ่านระบบการประชุมทางไกล (Video Conference) ณ ห้องประชุม") == []
    assert names("ในฐานะรองประธานการประชุมเจ้าหน้าที่อาวุโส (SOMSWD Vice Chair) กล่าวว่า") == []
    assert names("นางสาววิมลรัตน์ รัชชุกูล ผู้อำนวยการ (พม.) รายงานว่า") == []


def test_heads_for_what_a_question_calls_the_thing():
    assert heads_for("reports") == ("รายงาน",)
    assert "การประชุม" in heads_for("Conference")
    assert heads_for("weather") == ()


def test_year_ranges_with_or_without_a_year_word():
    spans = recognise("แผนปฏิบัติการ (2021-2025) และแผนแม่บท พ.ศ. ๒๕๖๔ – ๒๕๖๘ ส่วนปี 2559 เริ่มโครงการ", ("year",))
    assert [s.value for s in spans] == [(2021, 2025), (2021, 2025), 2016]
    assert recognise("โทร 2021-2025 ต่อ 12", ("year",))[0].value == (2021, 2025)  # a dash of two years reads as a period
    assert recognise("รหัส 1999-2100", ("year",)) == []  # over fifty years apart: not a period of a plan
