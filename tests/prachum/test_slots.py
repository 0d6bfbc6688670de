"""Slot recognisers over evidence sentences: Thai first, Thai digits, BE dates, abbreviations, mixed Thai/English.

Sentences come from the seed records and from sentences written for these tests in the same
genre (other ministries, meetings and people), so the rules are not fitted to the seeds.
"""
from __future__ import annotations

from datetime import date, time

import pytest

from prachum.slots import SLOT_KINDS, Person, Place, SlotSpan, expansion_of, recognise


def texts(text: str, kind: str) -> list[str]:
    return [s.text for s in recognise(text, (kind,))]


def only(text: str, kind: str) -> SlotSpan:
    found = recognise(text, (kind,))
    assert len(found) == 1, found
    return found[0]


# ---- people -------------------------------------------------------------------------------------------------

def test_person_with_position_stops_at_the_verb():
    text = "เมื่อวันที่ 8 ก.พ. 64 เวลา 09.00 น. นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ ได้รับมอบหมาย"
    person = only(text, "person")
    assert person.text == "นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"
    assert person.value == Person("นาง", "จตุพร โรจนพานิช", "ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์")
    assert text[person.start:person.end] == person.text


def test_honorific_glued_to_the_previous_word():
    text = "ณ ห้องประชุมชั้น 8 อาคารกรมพัฒนาสังคมและสวัสดิการนางสาววิมลรัตน์ รัชชุกูล ผู้อำนวยการกองการต่างประเทศ ในฐานะผู้แทน"
    assert texts(text, "person") == ["นางสาววิมลรัตน์ รัชชุกูล ผู้อำนวยการกองการต่างประเทศ"]


def test_position_continues_over_a_department_but_not_a_new_list_item():
    text = ("พร้อมด้วยนายอรรคพงษ์ ศรีสุบัติ รักษาการในตำแหน่งผู้เชี่ยวชาญเฉพาะด้านการพัฒนาสังคม กรมพัฒนาสังคมและสวัสดิการ "
            "นางสาววิมลรัตน์ รัชชุกูล ผู้อำนวยการกองการต่างประเทศ เจ้าหน้าที่กองการต่างประเทศ และผู้แทนจากกรมต่าง ๆ")
    assert texts(text, "person") == [
        "นายอรรคพงษ์ ศรีสุบัติ รักษาการในตำแหน่งผู้เชี่ยวชาญเฉพาะด้านการพัฒนาสังคม กรมพัฒนาสังคมและสวัสดิการ",
        "นางสาววิมลรัตน์ รัชชุกูล ผู้อำนวยการกองการต่างประเทศ",
    ]


@pytest.mark.parametrize("text, expected", [
    ("นางนภา กล่าวว่า จากแผนการจัดตั้งประชาคม", "นางนภา"),
    ("ทั้งนี้ นางจตุพรฯ ได้เสนอให้อาเซียนจัดตั้งเวที", "นางจตุพร"),
    ("ผศ.ดร.สุภาวดี แก้วมณี เป็นวิทยากร", "ผศ.ดร.สุภาวดี แก้วมณี"),
    ("พล.อ. ประยุทธ์ จันทร์โอชา นายกรัฐมนตรี เป็นประธาน", "พล.อ. ประยุทธ์ จันทร์โอชา นายกรัฐมนตรี"),
    ("โดยมีนายสมศักดิ์ บุญมา ผู้ตรวจราชการกระทรวงแรงงาน เป็นประธาน", "นายสมศักดิ์ บุญมา ผู้ตรวจราชการกระทรวงแรงงาน"),
    ("นายกฤษณ์ สุวรรณรัตน์ อธิบดีกรมการปกครอง ร่วมประชุม", "นายกฤษณ์ สุวรรณรัตน์ อธิบดีกรมการปกครอง"),
])
def test_people(text, expected):
    assert texts(text, "person") == [expected]


def test_given_name_only_has_no_surname():
    person = only("นางนภา กล่าวในตอนท้าย", "person")
    assert person.value == Person("นาง", "นภา", None)


@pytest.mark.parametrize("text", [
    "นายกรัฐมนตรีกล่าวเปิดการประชุมสุดยอดอาเซียน",  # a position, not นาย + name
    "นายกเทศมนตรีนครเชียงใหม่ร่วมให้การต้อนรับ",
    "นางพยาบาลและนายจ้างได้เข้าร่วมกิจกรรม",
    "ค่านายหน้าและนายทะเบียนจังหวัด",
    "รองปลัดกระทรวงการต่างประเทศได้ลงนามบันทึกความเข้าใจ",  # a position with no name
    "ตามปฏิทิน พ.ศ. 2564 และ ค.ศ. 2021",  # ศ. after พ. is an era, not a professor
])
def test_no_false_people(text):
    assert texts(text, "person") == []


def test_english_person_with_position():
    text = "Ms. Maria Santos, Undersecretary of the Department of Social Welfare and Development, delivered the remarks."
    person = only(text, "person")
    assert person.value == Person("Ms.", "Maria Santos", "Undersecretary of the Department of Social Welfare and Development")


# ---- dates and times ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected, value", [
    ("เมื่อวันที่ ๑๕ มีนาคม ๒๕๖๔ เวลา ๐๘.๓๐ น.", "๑๕ มีนาคม ๒๕๖๔", date(2021, 3, 15)),
    ("เมื่อวันที่ 8 ก.พ. 64  เวลา 09.00 น.", "8 ก.พ. 64", date(2021, 2, 8)),
    ("ระหว่างวันที่ 21-22 กันยายน 2563 ที่ผ่านมา", "21-22 กันยายน 2563", (date(2020, 9, 21), date(2020, 9, 22))),
    ("held on 14 October 2021 via video conference", "14 October 2021", date(2021, 10, 14)),
])
def test_dates(text, expected, value):
    found = only(text, "date")
    assert (found.text, found.value) == (expected, value)


@pytest.mark.parametrize("text, expected, value", [
    ("วันที่ 24 กันยายน 2563 เวลา 09.00 – 14.00 น. ณ ห้อง", "09.00 – 14.00 น.", (time(9), time(14))),
    ("เวลา ๑๓.๓๐ - ๑๖.๓๐ น.", "๑๓.๓๐ - ๑๖.๓๐ น.", (time(13, 30), time(16, 30))),
    ("เวลา 09.00 น. นางจตุพร", "09.00 น.", time(9)),
    ("The meeting began at 2:00 p.m. in Jakarta", "2:00 p.m.", time(14)),
])
def test_times(text, expected, value):
    found = only(text, "time")
    assert (found.text, found.value) == (expected, value)


def test_a_decimal_is_not_a_time():
    assert texts("อัตราการเติบโต 2.50 และร้อยละ 10.30 ของประชากร", "time") == []


# ---- places -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected, mode", [
    ("ผ่านระบบการประชุมทางไกล (Video Conference) ณ ห้องประชุม ชั้น 2 กระทรวง พม. สะพานขาว ถนนกรุงเกษม กรุงเทพฯ\nนางจตุพร",
     ["ผ่านระบบการประชุมทางไกล (Video Conference)", "ห้องประชุม ชั้น 2 กระทรวง พม. สะพานขาว ถนนกรุงเกษม กรุงเทพฯ"],
     ["remote", "venue"]),
    ("เวลา 09.30 น. ณ ห้องกิ่งทอง โรงแรมเอเชีย กรุงเทพมหานคร นางนภา เศรษฐกร อธิบดี",
     ["ห้องกิ่งทอง โรงแรมเอเชีย กรุงเทพมหานคร"], ["venue"]),
    ("การประชุมจัดขึ้นที่โรงแรมเซ็นทารา แกรนด์ จังหวัดเชียงใหม่ ระหว่างวันที่ 5-7 มิถุนายน 2566",
     ["โรงแรมเซ็นทารา แกรนด์ จังหวัดเชียงใหม่"], ["venue"]),
    ("เมื่อวันที่ 1 ต.ค. 2564 ณ กรุงพนมเปญ ราชอาณาจักรกัมพูชา รองปลัดกระทรวงได้ลงนาม", ["กรุงพนมเปญ ราชอาณาจักรกัมพูชา"],
     ["venue"]),
    ("The meeting was held in Jakarta, Indonesia, via video conference.", ["Jakarta, Indonesia", "via video conference"],
     ["venue", "remote"]),
])
def test_places(text, expected, mode):
    found = recognise(text, ("place",))
    assert [s.text for s in found] == expected
    assert [s.value.mode for s in found] == mode
    assert all(isinstance(s.value, Place) for s in found)


@pytest.mark.parametrize("text", [
    "ณ ปัจจุบัน มีผู้สูงอายุกว่า 12 ล้านคน",
    "ณ วันที่ 30 กันยายน 2564",
    "ที่ประชุมได้รับทราบข้อมูลที่สำนักงานเสนอ",
    "นายสมชาย ณ อยุธยา ผู้อำนวยการกอง",
])
def test_no_false_places(text):
    assert texts(text, "place") == []


# ---- numbers ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected, value", [
    ("รวมจำนวนประมาณ 130 คน โดยมีวัตถุประสงค์", "ประมาณ 130 คน", (130.0, "คน")),
    ("จาก ๑๐ ประเทศสมาชิกอาเซียน", "๑๐ ประเทศ", (10.0, "ประเทศ")),
    ("มีมติเห็นชอบงบประมาณ 12.5 ล้านบาท", "12.5 ล้านบาท", (12.5, "ล้านบาท")),
    ("เพิ่มขึ้น 2.5% จากปีก่อน", "2.5%", (2.5, "%")),
    ("ร้อยละ 60 เป็นเด็กหญิง", "ร้อยละ 60", (60.0, "%")),
    ("การประชุมประสานงานฯ ครั้งที่ ๑๖ (Sixteenth", "ครั้งที่ ๑๖", (16.0, "ครั้งที่")),
    ("the 16th SOCCOM", "16th", (16.0, "ordinal")),
    ("เด็กและเยาวชนจำนวน 1,250 คน", "1,250 คน", (1250.0, "คน")),
    ("attended by 45 participants", "45 participants", (45.0, "คน")),
    ("ใช้เวลา 3 วัน ในการศึกษาดูงาน", "3 วัน", (3.0, "วัน")),
])
def test_numbers(text, expected, value):
    found = only(text, "number")
    assert (found.text, found.value) == (expected, value)


@pytest.mark.parametrize("text", [
    "เมื่อวันที่ 24 กันยายน 2563 เวลา 09.00 น.",  # parts of a date and a time
    "ในปี ๒๕๖๔ และปีงบประมาณ 2565",  # years
    "การแพร่ระบาดของโรคติดเชื้อไวรัสโคโรนา 2019 และโควิด 19 สะท้อน",  # names, no unit
    "การปฏิวัติอุตสาหกรรมครั้งที่ 4 (4IR) และ COVID-19",
    "จำนวน 5 รายงานการประชุม",  # "ราย" is not a unit inside "รายงาน"
])
def test_no_false_numbers(text):
    assert [t for t in texts(text, "number") if not t.startswith("ครั้งที่")] == []


# ---- countries and organisations ---------------------------------------------------------------------------

def test_countries_with_canonical_names():
    text = "ประเทศอาเซียนบวกสาม ได้แก่ สาธารณรัฐประชาชนจีน ประเทศญี่ปุ่น และสาธารณรัฐเกาหลี รวมถึง สปป. ลาว และ Viet Nam"
    found = recognise(text, ("country",))
    assert [(s.text, s.value) for s in found] == [
        ("สาธารณรัฐประชาชนจีน", "จีน"), ("ประเทศญี่ปุ่น", "ญี่ปุ่น"), ("สาธารณรัฐเกาหลี", "เกาหลีใต้"),
        ("สปป. ลาว", "ลาว"), ("Viet Nam", "เวียดนาม"),
    ]


def test_organisations_by_name_and_abbreviation():
    text = "ผู้แทนหน่วยงานที่เกี่ยวข้องสังกัดกระทรวง พม. และกรมกิจการผู้สูงอายุ (ผส.) ร่วมกับสำนักเลขาธิการอาเซียน"
    found = recognise(text, ("organisation",))
    assert [(s.text, s.value) for s in found] == [
        ("กระทรวง พม.", "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"), ("กรมกิจการผู้สูงอายุ", "กรมกิจการผู้สูงอายุ"),
        ("ผส.", "กรมกิจการผู้สูงอายุ"), ("สำนักเลขาธิการอาเซียน", "สำนักเลขาธิการอาเซียน"),
    ]


def test_a_foreign_ministry_is_not_a_thai_one():
    text = "ซึ่งจัดโดยกระทรวงวัฒนธรรม เยาวชน และการกีฬา เนการาบรูไนดารุสซาลาม ในฐานะประธานอาเซียน"
    assert "กระทรวงวัฒนธรรม" not in texts(text, "organisation")
    assert texts(text, "country") == ["เนการาบรูไนดารุสซาลาม"]
    # and it is named with its country, so "which ministry organised it" answers whose it is
    assert texts(text, "organisation") == ["กระทรวงวัฒนธรรม เยาวชน และการกีฬา เนการาบรูไนดารุสซาลาม"]
    assert texts("ผู้แทนกระทรวงสาธารณสุขของประเทศญี่ปุ่น กล่าว", "organisation") == ["กระทรวงสาธารณสุขของประเทศญี่ปุ่น"]
    # a Thai ministry keeps its canonical name; a body that is not a ministry is not joined to a list of countries
    [thai] = recognise("กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ ประเทศไทย เป็นเจ้าภาพ", ("organisation",))
    assert thai.text == thai.value == "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"
    assert texts("สำนักเลขาธิการอาเซียน ญี่ปุ่น จีน", "organisation") == ["สำนักเลขาธิการอาเซียน"]


# ---- expansions ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, acronym, expected", [
    ("การประชุมเจ้าหน้าที่อาวุโสด้านการพัฒนาสังคม (Senior Officials Meeting on Social Welfare and Development: SOMSWD)",
     "SOMSWD", "Senior Officials Meeting on Social Welfare and Development"),
    ("ครั้งที่ ๑๖ (Sixteenth Coordinating Conference on the ASEAN Socio-Cultural Community: 16th SOCCOM) และ",
     "SOCCOM", "Coordinating Conference on the ASEAN Socio-Cultural Community"),
    ("เป็นการเปิดตัวรายงาน ASEAN Development Outlook (ADO) ซึ่งเป็นรายงานฉบับแรก", "ADO", "ASEAN Development Outlook"),
    ("ครั้งที่ 15 (15th ASEAN Senior Officials Meeting on Social Welfare and Development Plus Three – SOMSWD+3)",
     "SOMSWD+3", "ASEAN Senior Officials Meeting on Social Welfare and Development Plus Three"),
    ("ยังกล่าวถึงข้อริเริ่มของประเทศไทยเกี่ยวกับรางวัลด้านสวัสดิการสังคมและการพัฒนาดีเด่นแห่งอาเซียน (AOSWADA) ซึ่งมี",
     "AOSWADA", "รางวัลด้านสวัสดิการสังคมและการพัฒนาดีเด่นแห่งอาเซียน"),
    ("ตามแผนงาน ACRF (ASEAN Comprehensive Recovery Framework) ของอาเซียน", "ACRF", "ASEAN Comprehensive Recovery Framework"),
    ("การปฏิวัติอุตสาหกรรมครั้งที่ ๔ (the Fourth Industrial Revolution: 4IR)", "4IR", "Fourth Industrial Revolution"),
])
def test_expansions(text, acronym, expected):
    found = expansion_of(text, acronym)
    assert found is not None and found.text == expected and found.value == (acronym, expected)
    assert text[found.start:found.end] == expected


def test_expansion_must_spell_the_acronym():
    assert expansion_of("ตามกรอบ Regional Plan of Action (SOMSWD) ที่กำหนด", "SOMSWD") is None
    assert expansion_of("ผ่านระบบทางไกล (Video Conference)", "VC") is None
    assert recognise("ผ่านระบบทางไกล (Video Conference) ณ ห้องประชุม", ("expansion",)) == []


# ---- enumerations -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, items", [
    ("ประเทศอาเซียนบวกสาม ได้แก่ สาธารณรัฐประชาชนจีน ประเทศญี่ปุ่น และสาธารณรัฐเกาหลี ภายใต้แนวคิดหลัก",
     ("สาธารณรัฐประชาชนจีน", "ประเทศญี่ปุ่น", "สาธารณรัฐเกาหลี")),
    ("ADO มี ๔ หัวข้อหลัก ได้แก่ อัตลักษณ์ (Identity) ความเป็นอยู่ (Livelihood) สังคม (Society) และสุขภาพ (Health) ผ่าน",
     ("อัตลักษณ์ (Identity)", "ความเป็นอยู่ (Livelihood)", "สังคม (Society)", "สุขภาพ (Health)")),
    ("กิจกรรมในปี 2561 นี้ ประกอบด้วย 1) การนำเสนอรายงาน 2) การศึกษาดูงาน และ 3) การแบ่งกลุ่มย่อย\nต่อไป",
     ("การนำเสนอรายงาน", "การศึกษาดูงาน", "การแบ่งกลุ่มย่อย")),
    ("แผนงานสำคัญ ดังนี้ ๑. การส่งเสริมสิทธิคนพิการ ๒. การคุ้มครองเด็ก ๓. การพัฒนาระบบสวัสดิการ",
     ("การส่งเสริมสิทธิคนพิการ", "การคุ้มครองเด็ก", "การพัฒนาระบบสวัสดิการ")),
    ("ผู้แทนจาก 5 หน่วยงาน ได้แก่ พส. ผส. ดย. สค. และ พก. เข้าร่วมประชุม", ("พส.", "ผส.", "ดย.", "สค.", "พก.")),
    ("Participants included officials from three sectors, including health, education and social welfare.",
     ("health", "education", "social welfare")),
])
def test_enumerations(text, items):
    assert only(text, "list").value == items


@pytest.mark.parametrize("text", [
    "“O” ได้แก่ Open Forum (การมีเวทีเปิด) และ“P”- Participation (การมีส่วนร่วม)",  # glosses of letters, not a list
    "ผู้เข้าร่วมประกอบด้วยผู้แทนจากหน่วยงานต่าง ๆ ที่เกี่ยวข้อง",  # no closing "และ" item
    "โครงการ 3 ด้าน ได้แก่ การฝึกอบรม และการศึกษาดูงาน",  # the count says three, two were found
    "ระยะเวลา 2.5 ปี 3.5 ล้านบาท",  # decimals are not numbered items
])
def test_no_false_lists(text):
    assert texts(text, "list") == []


# ---- the API ------------------------------------------------------------------------------------------------

def test_recognise_orders_spans_and_keeps_exact_text():
    text = open_seed("003")
    found = recognise(text)
    assert found == sorted(found, key=lambda s: (s.start, s.end, SLOT_KINDS.index(s.kind)))
    assert all(text[s.start:s.end] == s.text and s.kind in SLOT_KINDS for s in found)
    for kind in SLOT_KINDS:
        spans = [s for s in found if s.kind == kind]
        assert all(a.end <= b.start for a, b in zip(spans, spans[1:])), kind


def test_recognise_rejects_unknown_kinds_and_accepts_empty_text():
    assert recognise("", None) == []
    with pytest.raises(ValueError):
        recognise("นางนภา กล่าวว่า", ("people",))


def test_composed_answer_from_a_seed_record():
    text = open_seed("003")
    person = next(s for s in recognise(text, ("person",)) if s.value.position)
    when = next(s for s in recognise(text, ("date",)) if "ก.พ." in s.text)
    assert person.text == "นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"
    assert when.value == date(2021, 2, 8)


def open_seed(prefix: str) -> str:
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    return next(seeds.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


# ---- precision and recall on a hand-labelled set -----------------------------------------------------------

EVAL_KINDS = ("person", "date", "time", "place", "number", "expansion", "list")
# (sentence, gold spans by kind); every kind in EVAL_KINDS is labelled for every sentence (absent = none)
LABELLED = [
    ("เมื่อวันที่ 8 ก.พ. 64  เวลา 09.00 น. นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ "
     "ได้รับมอบหมายจาก นางพัชรี อารยะกุล ปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ (ปลัด พม.) ให้ปฏิบัติหน้าที่หัวหน้า",
     {"date": ["8 ก.พ. 64"], "time": ["09.00 น."],
      "person": ["นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์",
                 "นางพัชรี อารยะกุล ปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"]}),
    ("วันที่ ๑๒ ธันวาคม ๒๕๖๕ เวลา ๑๓.๓๐ – ๑๖.๓๐ น. ณ ห้องประชุมกรมกิจการผู้สูงอายุ ชั้น ๕ อาคารกรมกิจการผู้สูงอายุ "
     "นายสมชาย ใจดี รองอธิบดีกรมกิจการผู้สูงอายุ เป็นประธานการประชุมคณะทำงาน",
     {"date": ["๑๒ ธันวาคม ๒๕๖๕"], "time": ["๑๓.๓๐ – ๑๖.๓๐ น."],
      "place": ["ห้องประชุมกรมกิจการผู้สูงอายุ ชั้น ๕ อาคารกรมกิจการผู้สูงอายุ"],
      "person": ["นายสมชาย ใจดี รองอธิบดีกรมกิจการผู้สูงอายุ"]}),
    ("นายกรัฐมนตรีกล่าวเปิดการประชุมสุดยอดอาเซียน ครั้งที่ 37 ผ่านระบบการประชุมทางไกล",
     {"number": ["ครั้งที่ 37"], "place": ["ผ่านระบบการประชุมทางไกล"]}),
    ("ดร.วิชัย สุขสวัสดิ์ ที่ปรึกษากระทรวงสาธารณสุข ได้บรรยายเรื่องการดูแลผู้สูงอายุ ให้แก่ผู้เข้าร่วมจำนวน ๘๐ คน",
     {"person": ["ดร.วิชัย สุขสวัสดิ์ ที่ปรึกษากระทรวงสาธารณสุข"], "number": ["๘๐ คน"]}),
    ("The 8th ASEAN Ministerial Meeting on Rural Development and Poverty Eradication (AMRDPE) was held on "
     "14 October 2021 via video conference, attended by 10 ASEAN Member States.",
     {"number": ["8th", "10 ASEAN Member States"], "date": ["14 October 2021"], "place": ["via video conference"],
      "expansion": ["ASEAN Ministerial Meeting on Rural Development and Poverty Eradication"]}),
    ("Ms. Maria Santos, Undersecretary of the Department of Social Welfare and Development, delivered the remarks.",
     {"person": ["Ms. Maria Santos, Undersecretary of the Department of Social Welfare and Development"]}),
    ("การประชุมดังกล่าวมีผู้เข้าร่วมประมาณ 250 คน จาก ๑๐ ประเทศสมาชิกอาเซียน และประเทศติมอร์-เลสเต",
     {"number": ["ประมาณ 250 คน", "๑๐ ประเทศ"]}),
    ("ที่ประชุมได้รับทราบรายงานผลการดำเนินงานประจำปี 2564 และมีมติเห็นชอบงบประมาณ 12.5 ล้านบาท",
     {"number": ["12.5 ล้านบาท"]}),
    ("ในปี พ.ศ. 2566 ประเทศไทยจะเป็นเจ้าภาพการประชุมรัฐมนตรีอาเซียนด้านการพัฒนาชนบทและการขจัดความยากจน", {}),
    ("ที่ประชุมได้รับฟังสรุปผลการประชุม SOMSWD ครั้งที่ 16 ซึ่งจัดขึ้นระหว่างวันที่ 21-22 กันยายน 2563 ที่ผ่านมา",
     {"number": ["ครั้งที่ 16"], "date": ["21-22 กันยายน 2563"]}),
    ("ทั้งนี้ นายวราวุธ ศิลปอาชา รัฐมนตรีว่าการกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ ได้มอบนโยบายแก่ผู้บริหาร",
     {"person": ["นายวราวุธ ศิลปอาชา รัฐมนตรีว่าการกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"]}),
    ("นางพยาบาลและนายจ้างได้เข้าร่วมกิจกรรมดังกล่าว", {}),
    ("การประชุมจัดขึ้นที่โรงแรมเซ็นทารา แกรนด์ จังหวัดเชียงใหม่ ระหว่างวันที่ 5-7 มิถุนายน 2566 โดยมีผู้แทนจาก 9 ประเทศเข้าร่วม",
     {"place": ["โรงแรมเซ็นทารา แกรนด์ จังหวัดเชียงใหม่"], "date": ["5-7 มิถุนายน 2566"], "number": ["9 ประเทศ"]}),
    ("โครงการดังกล่าวประกอบด้วยกิจกรรมหลัก 3 ด้าน ได้แก่ การฝึกอบรมผู้ดูแล การศึกษาดูงาน และการจัดทำคู่มือ",
     {"number": ["3 ด้าน"], "list": ["การฝึกอบรมผู้ดูแล การศึกษาดูงาน และการจัดทำคู่มือ"]}),
    ("กรมกิจการเด็กและเยาวชน (ดย.) ร่วมกับองค์การยูนิเซฟ จัดการประชุมเชิงปฏิบัติการ เมื่อวันที่ 3 มี.ค. 65 "
     "ณ ศูนย์ประชุมแห่งชาติสิริกิติ์ กรุงเทพมหานคร",
     {"date": ["3 มี.ค. 65"], "place": ["ศูนย์ประชุมแห่งชาติสิริกิติ์ กรุงเทพมหานคร"]}),
    ("รายงาน ASEAN Development Outlook (ADO) เป็นรายงานฉบับแรกของอาเซียน",
     {"expansion": ["ASEAN Development Outlook"]}),
    ("วันที่ 24 กันยายน 2563 เวลา 09.00 – 14.00 น. ณ ห้องประชุมชั้น 8 อาคารกรมพัฒนาสังคมและสวัสดิการนางสาววิมลรัตน์ "
     "รัชชุกูล ผู้อำนวยการกองการต่างประเทศ ในฐานะผู้แทนหัวหน้าเจ้าหน้าที่อาวุโส",
     {"date": ["24 กันยายน 2563"], "time": ["09.00 – 14.00 น."],
      "place": ["ห้องประชุมชั้น 8 อาคารกรมพัฒนาสังคมและสวัสดิการ"],
      "person": ["นางสาววิมลรัตน์ รัชชุกูล ผู้อำนวยการกองการต่างประเทศ"]}),
    ("นางสาวอรุณี ทองคำ นักพัฒนาสังคมชำนาญการ กล่าวว่า ในปี 2565 มีผู้สูงอายุที่ได้รับเบี้ยยังชีพกว่า 10 ล้านคน",
     {"person": ["นางสาวอรุณี ทองคำ นักพัฒนาสังคมชำนาญการ"], "number": ["กว่า 10 ล้านคน"]}),
    ("ผศ.ดร.สุภาวดี แก้วมณี คณบดีคณะสังคมสงเคราะห์ศาสตร์ มหาวิทยาลัยธรรมศาสตร์ เป็นวิทยากร",
     {"person": ["ผศ.ดร.สุภาวดี แก้วมณี คณบดีคณะสังคมสงเคราะห์ศาสตร์ มหาวิทยาลัยธรรมศาสตร์"]}),
    ("พล.อ. ประยุทธ์ จันทร์โอชา นายกรัฐมนตรี เป็นประธานในพิธีเปิด ณ ทำเนียบรัฐบาล",
     {"person": ["พล.อ. ประยุทธ์ จันทร์โอชา นายกรัฐมนตรี"], "place": ["ทำเนียบรัฐบาล"]}),
    ("The meeting was held on 25 August 2021 at 2:00 p.m. in Jakarta, Indonesia, with 45 participants.",
     {"date": ["25 August 2021"], "time": ["2:00 p.m."], "place": ["Jakarta, Indonesia"],
      "number": ["45 participants"]}),
    ("ที่ประชุมได้หารือเกี่ยวกับแผนงานสำคัญ ดังนี้ (1) การส่งเสริมสิทธิคนพิการ (2) การคุ้มครองเด็กในสื่อออนไลน์ "
     "และ (3) การพัฒนาระบบสวัสดิการผู้สูงอายุ",
     {"list": ["การส่งเสริมสิทธิคนพิการ (2) การคุ้มครองเด็กในสื่อออนไลน์ และ (3) การพัฒนาระบบสวัสดิการผู้สูงอายุ"]}),
    ("นายจุติ ไกรฤกษ์ รัฐมนตรีว่าการกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ พร้อมด้วยนายอนุกูล ปีดแก้ว "
     "ปลัดกระทรวงฯ เดินทางเยือนสาธารณรัฐสิงคโปร์",
     {"person": ["นายจุติ ไกรฤกษ์ รัฐมนตรีว่าการกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์",
                 "นายอนุกูล ปีดแก้ว ปลัดกระทรวงฯ"]}),
    ("การประชุมคณะกรรมการผู้แทนถาวรประจำอาเซียน (Committee of Permanent Representatives to ASEAN: CPR) ครั้งที่ ๓๕",
     {"expansion": ["Committee of Permanent Representatives to ASEAN"], "number": ["ครั้งที่ ๓๕"]}),
    ("เด็กและเยาวชนจำนวน 1,250 คน เข้าร่วมกิจกรรม ร้อยละ 60 เป็นเด็กหญิง",
     {"number": ["1,250 คน", "ร้อยละ 60"]}),
    ("นางนภา กล่าวต่อว่า โควิด 19 ส่งผลกระทบต่อกลุ่มเปราะบาง", {"person": ["นางนภา"]}),
    ("ผู้แทนจาก 5 หน่วยงาน ได้แก่ พส. ผส. ดย. สค. และ พก. เข้าร่วมประชุมเมื่อวันอังคารที่ 15 พฤศจิกายน 2565 เวลา 10.00 น.",
     {"number": ["5 หน่วยงาน"], "list": ["พส. ผส. ดย. สค. และ พก."], "date": ["15 พฤศจิกายน 2565"],
      "time": ["10.00 น."]}),
    ("The Senior Officials Meeting on Social Welfare and Development (SOMSWD) agreed on 3 priority areas.",
     {"expansion": ["Senior Officials Meeting on Social Welfare and Development"]}),
    ("ครั้งนี้เป็นการประชุมครั้งที่ 2 ของปี โดยมีนายสมศักดิ์ บุญมา ผู้ตรวจราชการกระทรวงแรงงาน เป็นประธาน",
     {"number": ["ครั้งที่ 2"], "person": ["นายสมศักดิ์ บุญมา ผู้ตรวจราชการกระทรวงแรงงาน"]}),
    ("เมื่อวันที่ 1 ต.ค. 2564 ณ กรุงพนมเปญ ราชอาณาจักรกัมพูชา รองปลัดกระทรวงการต่างประเทศได้ลงนามบันทึกความเข้าใจ",
     {"date": ["1 ต.ค. 2564"], "place": ["กรุงพนมเปญ ราชอาณาจักรกัมพูชา"]}),
    ("ผู้เข้าร่วมประชุมใช้เวลา 3 วัน ในการศึกษาดูงาน 4 แห่ง", {"number": ["3 วัน", "4 แห่ง"]}),
    ("นายอำเภอเมืองเชียงใหม่และนายกเทศมนตรีนครเชียงใหม่ร่วมให้การต้อนรับ", {}),
]


def test_precision_and_recall_on_labelled_sentences():
    tp = fp = fn = 0
    misses = []
    for sentence, gold in LABELLED:
        expected = {(kind, text) for kind, spans in gold.items() for text in spans}
        got = {(s.kind, s.text) for s in recognise(sentence, EVAL_KINDS)}
        tp, fp, fn = tp + len(expected & got), fp + len(got - expected), fn + len(expected - got)
        if got != expected:
            misses.append((sentence[:50], sorted(got - expected), sorted(expected - got)))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert len(LABELLED) >= 30
    assert precision >= 0.95, misses
    assert recall >= 0.85, misses


@pytest.mark.parametrize("text", [
    "โดยในปี พ.ศ. 2557 – 2558 ประเทศไทยเป็นเจ้าภาพ",  # the second year of a range, then "ประเทศไทย"
    "Workshop on Strengthening Self-Help Groups of PWDs in ASEAN +3 Countries",
])
def test_no_numbers_from_years_and_names(text):
    assert texts(text, "number") == []


def test_years_stated_as_years_in_both_eras():
    from prachum.slots import recognise

    text = "ประเทศไทยเป็นเจ้าภาพในปี 2557 และ พ.ศ. ๒๕๕๘ ส่วนการประชุมเมื่อวันที่ 8 ก.พ. 2564 จัดขึ้นทางไกล in 2016"
    assert [(s.text, s.value) for s in recognise(text, ["year"])] == [("2557", 2014), ("๒๕๕๘", 2015), ("2016", 2016)]
    assert recognise("มีผู้เข้าร่วม 2500 คน", ["year"]) == []  # a number without a year word is not a year
