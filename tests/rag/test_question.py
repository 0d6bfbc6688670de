"""Question analysis: the kind, the slots an answer fills, the constraints named; Thai and English."""
from __future__ import annotations

from datetime import date

import pytest

from rag.question import analyse, question_language


@pytest.mark.parametrize("question, slots", [
    ("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat และจัดขึ้นเมื่อไร", ("person", "date")),
    ("Who represented Thailand at the SOCA Retreat and when was it?", ("person", "date")),
    ("การประชุมคณะกรรมการ ครั้งที่ ๓/๒๕๖๕ จัดขึ้นที่ไหน", ("place",)),
    ("From which meeting room did the Thai delegation join?", ("place",)),
    ("มีผู้เข้าร่วมประชุมกี่คน", ("number",)),
    ("How many countries took part?", ("number",)),
    ("ประเทศใดเป็นประธานอาเซียนในปี ๒๕๖๔", ("country",)),
    ("Which two countries were tasked with the project?", ("country",)),
    ("หน่วยงานใดเป็นผู้จัดการประชุม", ("organisation",)),
    ("ประเทศใดเป็นเจ้าภาพการประชุม SOMSWD ครั้งที่ ๑๗", ("host",)),
    ("Who co-hosted the 16th SOCCOM?", ("host",)),
    ("พม. ย่อมาจากอะไร", ("expansion",)),
    ("What does SOMSWD stand for?", ("expansion",)),
    ("การประชุมเริ่มกี่โมง", ("time",)),
    ("What time did the session start?", ("time",)),
    ("กิจกรรมของโครงการประกอบด้วยอะไรบ้าง", ("list",)),
    ("การประชุมเกี่ยวข้องกับการพัฒนาสังคมอย่างไร", ()),
])
def test_the_slots_a_question_asks_for(question, slots):
    assert analyse(question).slots == slots


def test_thai_words_that_merely_contain_a_question_word_do_not_ask():
    assert analyse("ประเทศใดเป็นประธานการประชุม SOMSWD และการประชุมอื่นที่เกี่ยวข้อง").slots == ("country",)  # เกี่ยว ≠ กี่
    assert analyse("การประชุมจัดขึ้นระหว่างวันที่ใด").slots == ("date",)  # วันที่ใด ≠ ที่ใด
    assert analyse("ประเทศไทยเป็นเจ้าภาพจัดประชุมครั้งที่ ๓ ในปีใด").slots == ("year",)  # a statement, not "who hosted"


def test_which_year_asks_for_the_year_alone():
    assert analyse("โครงการครั้งที่ 1 จัดขึ้นในปีใด").slots == ("year",)
    assert analyse("In which year was the first workshop held?").slots == ("year",)
    assert analyse("จัดขึ้นในปี พ.ศ. ใด").slots == ("year",)


def test_a_count_inside_a_date_or_time_phrase_asks_for_the_date_or_time():
    assert analyse("การประชุมจัดขึ้นวันที่เท่าไร").slots == ("date",)
    assert analyse("การประชุม SOCA Retreat สิ้นสุดเวลากี่โมง").slots == ("time",)
    assert analyse("การประชุมวันที่ 8 ก.พ. 64 มีผู้เข้าร่วมกี่คน").unit == "คน"


def test_budgets_and_rates_are_specific_amounts():
    assert analyse("การประชุมครั้งนี้ใช้งบประมาณเท่าไร").specific == "money"
    assert analyse("What was the total budget of the workshop?").slots == ("number",)
    assert analyse("อัตราแลกเปลี่ยนที่ใช้คือเท่าไร").specific == "rate"
    assert analyse("โครงการได้รับการสนับสนุนงบประมาณจากประเทศใด").specific is None  # asks for a country


def test_constraints_named_by_the_question():
    asked = analyse("การประชุม SOMSWD+3 ครั้งที่ ๑๕ ในเดือนกันยายน ๒๕๖๓ มีผู้แทนกี่ประเทศ")
    assert asked.acronyms == ("SOMSWD+3",) and asked.edition == 15 and asked.unit == "ประเทศ"
    assert asked.period == (date(2020, 9, 1), date(2020, 9, 30))
    assert analyse("When was the 16th SOCCOM held?").edition == 16


def test_the_answer_language_follows_the_question():
    assert question_language("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat") == "th"
    assert question_language("Who represented Thailand at the SOCA Retreat?") == "en"
    assert analyse("Who represented Thailand?").lang == "en" and analyse("SOCA จัดเมื่อไร").lang == "th"


def test_who_organised_and_who_represented_name_the_words_their_answer_stands_next_to():
    assert "จัด" in analyse("หน่วยงานใดจัดการประชุมภาคีหุ้นส่วน เมื่อวันที่ ๒๖ ส.ค. ๖๔").cues
    assert "organi" in analyse("Which ministry organised the Partnership Conference?").cues
    assert "ได้รับมอบหมาย" in analyse("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat").cues
    assert "ได้รับมอบหมาย" in analyse("Who represented Thailand at the SOCA Retreat?").cues
