"""Meeting editions, titles and months: what binds a number to its meeting, and what answers "which theme"."""
from __future__ import annotations

from prachum.slots import recognise
from prachum.slots.editions import edition_mentions, mentions

RECORD = ("ที่ประชุมได้รับฟังสรุปผลการประชุม GO-NGO Forum ครั้งที่ ๑๕ และการประชุม SOMSWD ครั้งที่ 16 "
          "การประชุมเจ้าหน้าที่อาวุโสอาเซียนบวกสามด้านสวัสดิการสังคมและการพัฒนา ครั้งที่ 15 (SOMSWD+3) "
          "ในช่วงท้ายของการประชุม 16th SOCCOM ได้จัดการประชุมหุ้นส่วน ครั้งที่ 1 (First ASCC Partnership Conference) "
          "ภาคีความร่วมมือด้านสังคมสงเคราะห์ในอาเซียน ครั้งที่ 3 และครั้ง4")


def named(text: str) -> list[tuple[int, tuple[str, ...]]]:
    return [(m.edition, m.names) for m in edition_mentions(text)]


def test_an_edition_is_bound_to_the_name_written_beside_it_in_thai_and_english_order():
    found = named(RECORD)
    assert (15, ("GO-NGO",)) in found  # Thai digits read in search form
    assert (16, ("SOMSWD",)) in found
    assert (15, ("SOMSWD+3",)) in found  # the acronym in the brackets after "ครั้งที่ 15"
    assert (16, ("SOCCOM",)) in found
    assert (1, ("ASCC Partnership Conference",)) in found  # an English ordinal before a name


def test_somswd_is_not_somswd_plus_three():
    asked = edition_mentions("การประชุม SOMSWD+3 ครั้งที่ 16 จัดขึ้นวันที่เท่าไร")[0]
    assert asked.names == ("SOMSWD+3",)
    assert not mentions(RECORD, asked)
    assert mentions(RECORD, edition_mentions("When was the 16th SOMSWD held?")[0])


def test_editions_the_records_never_mention_are_told_apart():
    for question in ("การประชุม SOMSWD ครั้งที่ 20 จัดขึ้นที่ไหน", "When was the 17th SOCCOM held?",
                     "Who chaired the Second ASCC Partnership Conference?"):
        assert not mentions(RECORD, edition_mentions(question)[0]), question


def test_two_editions_joined_by_and_share_one_name_and_a_typo_is_read():
    question = edition_mentions("ประชุมภาคีความร่วมมือด้านสังคมสงเคราะห์ในอาเซียน ครั้งที่ 3 และครั้งที่ 4 ในช่วงปีใด")
    assert [m.edition for m in question] == [3, 4]
    assert question[0].names == question[1].names
    assert all(mentions(RECORD, m) for m in question)


def test_a_title_carries_its_english_form_and_quoted_letters_are_not_titles():
    text = ("ภายใต้หัวข้อ “มุ่งสู่การฟื้นตัวและความเข้มแข็งภายหลังโควิด ๑๙ ในอาเซียน” "
            "(Towards Post-COVID Recovery and Resilience in ASEAN) และ “C” “O” “P”")
    [title] = recognise(text, ["title"])
    assert title.value.reads("en") == "Towards Post-COVID Recovery and Resilience in ASEAN"
    assert title.value.reads("th").startswith("มุ่งสู่การฟื้นตัว")
    assert text[title.start:title.end] == title.text


def test_months_written_alone_are_months_with_an_optional_buddhist_era_year():
    spans = recognise("ประเทศไทยจะเป็นเจ้าภาพ ในเดือนธันวาคม ศกนี้ และอีกครั้งในเดือนมีนาคม ๒๕๖๕", ["month"])
    assert [s.value for s in spans] == [(12, None), (3, 2022)]
