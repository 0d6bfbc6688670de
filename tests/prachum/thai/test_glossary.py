"""The English-Thai bridge for English questions over Thai records."""
from __future__ import annotations

from prachum.thai.glossary import GLOSSARY, bridged, thai_words


def test_english_vocabulary_gets_its_thai_words_with_common_endings():
    words = thai_words("Which report was launched in the afternoon session?")
    assert "รายงาน" in words and "เปิดตัว" in words and "ช่วงบ่าย" in words
    assert "เจ้าภาพร่วม" in thai_words("Who co-hosted the meeting?")  # co-hosted -> co-host
    assert "มหาวิทยาลัย" in thai_words("Which university's researchers took part?")


def test_names_and_unknown_words_add_nothing():
    assert thai_words("Jatuporn Rojanapanich SOCCOM 2021") == []


def test_only_an_english_question_is_bridged():
    english = "Where was the opening ceremony held?"
    assert bridged(english).startswith(english) and "พิธีเปิด" in bridged(english)
    # Thai questions already hold the Thai words; their English names match as written
    for thai in ("asean summit จัดที่ไหน", "พิธีเปิดการประชุม SOMSWD ครั้งที่ ๑๖ จัดขึ้นเมื่อ ก.พ. 64", "ใครเปิดงาน"):
        assert bridged(thai) == thai


def test_the_glossary_holds_vocabulary_not_names():
    assert all(key == key.lower() and " " not in key for key in GLOSSARY)
    assert all(all("\u0e00" <= ch <= "\u0e7f" for ch in "".join(thai)) for thai in GLOSSARY.values())
