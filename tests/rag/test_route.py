"""The router sends questions across records to the catalog and everything else to the passages.

Phrasings are of the kind of question, in Thai and English (Thai digits, Buddhist-era years,
abbreviated dates), about made-up people and meetings as well as the seed ones.
"""
from __future__ import annotations

from datetime import date

import pytest

from rag.route import CATALOG, PASSAGES, person_in, route

CATALOG_QUESTIONS = [
    # lists
    ("นางสมศรี ใจงาม เข้าร่วมการประชุมใดบ้าง", "list"),
    ("ในปี ๒๕๖๔ มีการประชุมอะไรบ้าง", "list"),
    ("Which meetings were held in 2021?", "list"),
    ("List all the meetings in the records", "list"),
    ("Which meetings did Ms. Somsri Jaingam attend?", "list"),
    ("การประชุมใดบ้างที่ประเทศมาเลเซียเป็นเจ้าภาพ", "list"),
    ("ใครเป็นหัวหน้าคณะผู้แทนไทยในแต่ละการประชุม", "list"),
    ("Who led the Thai delegation at each meeting?", "list"),
    ("ในเดือน ส.ค. 64 มีการประชุมใด", "list"),
    ("Which meeting was held in August 2021?", "list"),
    ("What was held in 2564?", "list"),
    ("ในเดือน ส.ค. ๖๔ มีอะไรจัดขึ้นบ้าง", "list"),
    # counts
    ("การประชุมในปี 2564 มีกี่ครั้ง", "count"),
    ("นายก้องภพ ดีมาก เข้าร่วมประชุมกี่ครั้ง", "count"),
    ("How many meetings took place in 2020?", "count"),
    ("How many times did Thailand's XYZ Leader attend?", "count"),
    ("บันทึกการประชุมทั้งหมดมีกี่ฉบับ", "count"),
    ("What is the number of meetings recorded in 2563?", "count"),
    # latest / earliest
    ("การประชุมล่าสุดคือการประชุมใด", "latest"),
    ("What was the most recent meeting Ms. Somsri attended?", "latest"),
    ("การประชุมที่เก่าที่สุดในบันทึกคือการประชุมใด", "earliest"),
    ("When was the earliest meeting in the records?", "earliest"),
    ("When did Mr. Kongphop first attend a meeting?", "earliest"),
    # a person's positions over time
    ("ตำแหน่งของนางสมศรี ใจงาม เปลี่ยนไปอย่างไรในแต่ละการประชุม", "roles"),
    ("How did Somsri Jaingam's title change over time?", "roles"),
    ("how did her position change?", "roles"),
    ("ผู้ใดเคยทำหน้าที่ XYZ Leader of Thailand", "roles"),
    ("นางสมศรี ใจงาม ดำรงตำแหน่งอะไรในการประชุมเดือน ก.พ. 64 และในการประชุมเดือน ส.ค. 64", "roles"),
    ("ในปี 2564 นางสมศรีร่วมประชุมที่ไหนบ้าง", "list"),
    ("ขอรายชื่อการประชุมทั้งหมด", "list"),
    # timelines and comparisons
    ("เรียงลำดับการประชุมตามวันที่", "timeline"),
    ("Show a timeline of the meetings", "timeline"),
    ("Which came first, the 3rd ABC or the XYZ Forum?", "compare"),
    ("การประชุม ABC ครั้งที่ ๓ กับการประชุม XYZ Forum จัดขึ้นก่อนกัน", "compare"),
    ("ใครเข้าร่วมประชุมมากที่สุด", "rank"),
]

PASSAGE_QUESTIONS = [
    "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat และจัดขึ้นเมื่อไร",
    "การประชุม SOCCOM ครั้งที่ ๑๖ จัดขึ้นเมื่อไร",
    "Who represented Thailand at the SOCA Retreat?",
    "ประเทศใดบ้างเข้าร่วมการประชุม ABC ครั้งที่ ๓",
    "How many people attended the partnership conference?",
    "การประชุมครั้งนี้มีผู้เข้าร่วมกี่คน",
    "What was the theme of the 16th SOCCOM?",
    "How many outcome documents did Thailand propose?",
    "โครงการศึกษาเปรียบเทียบกฎหมายด้านสวัสดิการสังคมได้รับงบจากใคร",
    "นางสมศรีดำรงตำแหน่งอะไรในการประชุม ABC ครั้งที่ ๓",
    "ที่ประชุม ABC ครั้งที่ 15 ได้รับฟังสรุปผลการประชุมใดบ้าง",
    "Which country organised the 16th SOMSWD and related meetings in 2020?",
    "What is the latest version of the regional plan?",
    "กิจกรรมของโครงการประกอบด้วยอะไรบ้าง",
    "When did the SOCA Retreat start?",
    "ในการประชุมวันที่ 26 ส.ค. 64 นางสมศรีเข้าร่วมในฐานะใด",
    "What was held at the end of the 16th SOCCOM in March 2021?",
    "What was held in the afternoon of the SOCCOM meeting in 2021?",
]

# cross-record questions the records cannot answer: still the catalog's (which then refuses)
UNANSWERABLE = [
    "นายสมชาย ใจดี เข้าร่วมการประชุมใดบ้าง",
    "How many meetings were held in 2019?",
    "What was the total budget of all the meetings in the records?",
    "การประชุมใดมีผู้เข้าร่วมมากที่สุด",
    "How did Ms. Pranee Srisuk's position change over time?",
]


@pytest.mark.parametrize("question,intent", CATALOG_QUESTIONS)
def test_questions_across_records_go_to_the_catalog(question, intent):
    r = route(question)
    assert (r.path, r.intent) == (CATALOG, intent), r.cue


@pytest.mark.parametrize("question", PASSAGE_QUESTIONS)
def test_questions_about_one_meeting_stay_with_the_passages(question):
    r = route(question)
    assert r.path == PASSAGES, (r.intent, r.cue)


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_unanswerable_cross_record_questions_go_to_the_catalog(question):
    assert route(question).catalog


def test_the_route_keeps_the_period_and_language():
    thai = route("ในปี ๒๕๖๔ มีการประชุมอะไรบ้าง")
    assert thai.period == (date(2021, 1, 1), date(2021, 12, 31)) and thai.lang == "th"
    english = route("Which meetings were held in August 2021?")
    assert english.period == (date(2021, 8, 1), date(2021, 8, 31)) and english.lang == "en"


def test_a_person_is_read_with_honorific_and_surname_but_not_the_verb_after():
    assert person_in("นางสมศรี ใจงาม เข้าร่วมการประชุมใดบ้าง") == "นางสมศรี ใจงาม"
    assert person_in("นางสมศรี กล่าวว่า") == "นางสมศรี"
    assert person_in("นางสมศรี ใจดี เข้าร่วมประชุม") == "นางสมศรี ใจดี"  # a surname may be a word too
    assert person_in("Which meetings did Mr. Kongphop Deemak attend?") == "Mr. Kongphop Deemak"
    assert person_in("How did Somsri Jaingam's title change?") == "Somsri Jaingam"
    assert person_in("นายกรัฐมนตรีเข้าร่วมการประชุม") is None
    assert person_in("Which meetings did the Partnership Conference hold?") is None
