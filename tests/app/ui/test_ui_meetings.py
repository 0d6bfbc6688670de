"""The Meetings tab: the timeline, a meeting's card with each fact's passage, the person view."""
from __future__ import annotations

import pytest

from app.service import Service
from app.ui import build_ui
from app.ui.meetings import render_card, render_person, timeline_choices
from tests.app.ui.test_ui_build import events


@pytest.fixture(scope="module")
def lib(seed_engine) -> Service:
    return Service(seed_engine)


def test_the_timeline_lists_the_records_meetings_oldest_first(lib):
    choices = timeline_choices(lib.meetings(), "th")
    assert [label.split(" · ")[0] for label, _ in choices] == [
        "20-24 สิงหาคม 2561", "24 กันยายน 2563", "8 กุมภาพันธ์ 2564", "15 มีนาคม 2564", "26 สิงหาคม 2564"]
    english = timeline_choices(lib.meetings(), "en")
    assert english[3][0].startswith("15 March 2021 · 16th SOCCOM")
    assert all("\x1f" in value for _, value in english)


def test_a_card_shows_the_delegation_and_outcomes_each_with_its_passage(lib):
    row = next(r for r in lib.meetings() if r["acronym"] == "SOCA Retreat")
    card = lib.meeting_card(row["source"], row["key"])
    page = render_card(card, "th")
    assert "8 กุมภาพันธ์ 2564" in page and "บรูไนดารุสซาลาม" in page and "ประชุมทางไกล" in page
    assert "นางจตุพร โรจนพานิช" in page and "ผู้ช่วยปลัดกระทรวง" in page
    assert card["outcomes"] and "ข้อเสนอ" in page
    # every person and outcome opens the passage it was read from, its sentence highlighted
    assert page.count("<details>") >= 1 + len(card["delegation"]) + len(card["outcomes"])
    for fact in card["delegation"] + card["outcomes"]:
        start, end = fact["passage"]["highlights"][0]
        assert fact["passage"]["text"][start:end].strip()
    assert "<mark>" in page
    english = render_card(card, "en")
    assert "8 February 2021" in english and "Thai delegation" in english and "video conference" in english


def test_the_person_view_shows_a_change_of_position(lib):
    (person,) = lib.people("Jatuporn Rojanapanich")
    page = render_person(person, "th")
    assert page.index("8 กุมภาพันธ์ 2564") < page.index("26 สิงหาคม 2564")
    assert "ตำแหน่งเปลี่ยนจาก ผู้ช่วยปลัดกระทรวง" in page and "เป็น ผู้ตรวจราชการกระทรวง" in page
    assert "3 การประชุม" in page


def test_placeholders_are_thai_first():
    assert "เลือกการประชุม" in render_card(None, "th") and "Pick a meeting" in render_card(None, "en")
    assert "เลือกบุคคล" in render_person(None, "th")


def test_the_tab_is_wired(seed_engine):
    demo = build_ui(seed_engine)
    (pick,) = events(demo, "meeting-timeline", "change")
    (who,) = events(demo, "person-pick", "change")
    value = timeline_choices(Service(seed_engine).meetings(), "th")[1][1]
    assert "SOMSWD+3" in pick.fn(value, "th") and "นางสาววิมลรัตน์ รัชชุกูล" in pick.fn(value, "th")
    assert "อรรคพงษ์" in who.fn("อรรคพงษ์ ศรีสุบัติ", "th")
    assert "เลือกการประชุม" in pick.fn(None, "th")
