"""The country and organisation table, and lookups over Thai text without word boundaries."""
from __future__ import annotations

import pytest

from prachum.thai.gazetteer import (
    COUNTRIES, ENTRIES, ORGANISATIONS, canonical_name, english_name, find_countries, find_organisations, lookup,
)

ASEAN_PLUS_THREE = ("บรูไนดารุสซาลาม", "กัมพูชา", "อินโดนีเซีย", "ลาว", "มาเลเซีย", "เมียนมา", "ฟิลิปปินส์", "สิงคโปร์",
                    "ไทย", "เวียดนาม", "จีน", "ญี่ปุ่น", "เกาหลีใต้")


def test_table_has_the_members_and_plus_three_with_english_names():
    names = {e.thai for e in COUNTRIES}
    assert set(ASEAN_PLUS_THREE) <= names
    assert all(e.english and e.thai for e in ENTRIES)


def test_every_form_belongs_to_one_entry():
    seen: dict[str, str] = {}
    for entry in ENTRIES:
        for form in (entry.thai, *entry.forms, *entry.abbreviations):
            key = form.replace(" ", "")
            assert seen.setdefault(key, entry.thai) == entry.thai, form


@pytest.mark.parametrize("name, canonical, english", [
    ("บรูไนดารุสซาลาม", "บรูไนดารุสซาลาม", "Brunei Darussalam"),
    ("เนการาบรูไนดารุสซาลาม", "บรูไนดารุสซาลาม", "Brunei Darussalam"),
    ("สปป. ลาว", "ลาว", "Lao PDR"),
    ("สปป.ลาว", "ลาว", "Lao PDR"),
    ("Lao PDR", "ลาว", "Lao PDR"),
    ("สาธารณรัฐประชาชนจีน", "จีน", "China"),
    ("ประเทศญี่ปุ่น", "ญี่ปุ่น", "Japan"),
    ("สาธารณรัฐเกาหลี", "เกาหลีใต้", "Republic of Korea"),
    ("Viet Nam", "เวียดนาม", "Viet Nam"),
    ("Vietnam", "เวียดนาม", "Viet Nam"),
    ("ประเทศไทย", "ไทย", "Thailand"),
    ("พม.", "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", "Ministry of Social Development and Human Security"),
    ("กระทรวง พม.", "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", "Ministry of Social Development and Human Security"),
    ("พส.", "กรมพัฒนาสังคมและสวัสดิการ", "Department of Social Development and Welfare"),
    ("ผส.", "กรมกิจการผู้สูงอายุ", "Department of Older Persons"),
    ("ดย.", "กรมกิจการเด็กและเยาวชน", "Department of Children and Youth"),
    ("สป.", "สำนักงานปลัดกระทรวง", "Office of the Permanent Secretary"),
    ("กต.", "กระทรวงการต่างประเทศ", "Ministry of Foreign Affairs"),
    ("ASEAN Secretariat", "สำนักเลขาธิการอาเซียน", "ASEAN Secretariat"),
])
def test_lookup(name, canonical, english):
    assert canonical_name(name) == canonical
    assert english_name(name) == english


def test_lookup_of_unknown_names():
    assert lookup("ประเทศสมมุติ") is None
    assert english_name("กรมที่ไม่มีอยู่จริง") is None


def test_countries_in_thai_text_without_spaces():
    text = "ภายใต้การเป็นประธานอาเซียนของประเทศบรูไนดารุสซาลามในปี 2564 และสาธารณรัฐสิงคโปร์กับเวียดนาม"
    assert [f.text for f in find_countries(text)] == ["ประเทศบรูไนดารุสซาลาม", "สาธารณรัฐสิงคโปร์", "เวียดนาม"]


@pytest.mark.parametrize("text", [
    "นางสาวลาวัณย์ ศรีสุข",  # "ลาว" inside a name
    "ภูเขาไฟพ่นลาวาออกมา",
    "the Koreans and Chinaware",  # English needs whole words
])
def test_no_country_inside_a_syllable_or_word(text):
    assert find_countries(text) == []


def test_abbreviations_only_as_whole_abbreviations():
    text = "สปป.ลาว และ สป.พม. และ ปลัด พม. และ 20 สค. 64"
    assert [(f.text, f.canonical) for f in find_organisations(text)] == [
        ("สป.พม.", "สำนักงานปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"),
        ("พม.", "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"),
    ]


def test_longest_name_first():
    text = "สำนักงานปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ร่วมกับสำนักเลขาธิการอาเซียน"
    assert [f.text for f in find_organisations(text)] == [
        "สำนักงานปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", "สำนักเลขาธิการอาเซียน"]


def test_asean_alone_but_not_inside_a_longer_name():
    assert [f.text for f in find_organisations("ความร่วมมือกับอาเซียน และ ASEAN, ในระดับภูมิภาค")] == ["อาเซียน", "ASEAN"]
    assert [f.text for f in find_organisations("ประเทศสมาชิกอาเซียน")] == []
    assert [f.text for f in find_organisations("the ASEAN Development Outlook")] == []


def test_a_foreign_ministry_is_not_matched_as_thai():
    text = "จัดโดยกระทรวงวัฒนธรรม เยาวชน และการกีฬา เนการาบรูไนดารุสซาลาม"
    assert [f.text for f in find_organisations(text)] == []
    assert [f.text for f in find_organisations("กระทรวงวัฒนธรรม ร่วมกับประเทศญี่ปุ่น")] == ["กระทรวงวัฒนธรรม"]


def test_every_thai_ministry_is_listed():
    ministries = [e for e in ORGANISATIONS if e.thai.startswith("กระทรวง")]
    assert len(ministries) >= 19
    assert all(e.abbreviations and e.thai_government for e in ministries)
