"""Meeting names: Thai names, editions in Thai digits and English ordinals, acronyms; descriptions are not names."""
from __future__ import annotations

import pytest

from ingest.meetings.group import group
from ingest.meetings.names import find_mentions, ordinal, parse_parenthesis


def test_thai_name_edition_in_thai_digits_and_english_parenthesis() -> None:
    text = ("เข้าร่วมการประชุมประสานงานประชาคมสังคมและวัฒนธรรมอาเซียน ครั้งที่ ๑๖ (Sixteenth Coordinating Conference "
            "on the ASEAN Socio-Cultural Community: 16th SOCCOM) ผ่านระบบการประชุมทางไกล")
    (m,) = find_mentions(text)
    assert m.name_th == "การประชุมประสานงานประชาคมสังคมและวัฒนธรรมอาเซียน"
    assert m.edition == 16 and m.acronym == "SOCCOM" and m.verb == "attend"
    assert m.name_en == "Coordinating Conference on the ASEAN Socio-Cultural Community"


@pytest.mark.parametrize("content, expected", [
    ("15th ASEAN Senior Officials Meeting on Social Welfare and Development Plus Three – SOMSWD+3",
     ("ASEAN Senior Officials Meeting on Social Welfare and Development Plus Three", "SOMSWD+3", 15)),
    ("17th SOMSWD", (None, "SOMSWD", 17)),
    ("SOCA Retreat", (None, "SOCA Retreat", None)),
    ("Senior Officials Committee for the ASEAN Socio-Cultural Community (SOCA) Retreat",
     ("Senior Officials Committee for the ASEAN Socio-Cultural Community (SOCA) Retreat", "SOCA Retreat", None)),
    ("Twenty-first ASEAN Labour Ministers Meeting", ("ASEAN Labour Ministers Meeting", None, 21)),
    ("Video Conference", (None, None, None)),
    ("การประชุมทางไกล", (None, None, None)),
])
def test_parenthesis(content: str, expected: tuple) -> None:
    assert parse_parenthesis(content) == expected


def test_ordinals() -> None:
    assert ordinal("Sixteenth SOCCOM") == (16, "SOCCOM")
    assert ordinal("3rd Meeting") == (3, "Meeting")
    assert ordinal("ASEAN Summit") == (None, "ASEAN Summit")


def test_descriptions_and_places_are_not_meetings() -> None:
    text = ("การประชุมดังกล่าว เป็นการประชุมระดับเจ้าหน้าที่อาวุโสระหว่างหน่วยงาน ณ ห้องประชุมชั้น 8 "
            "ที่ประชุมได้รับทราบ ผ่านระบบการประชุมทางไกล และการประชุมอื่น ๆ ที่เกี่ยวข้อง")
    assert find_mentions(text) == []


def test_acronym_mention_joins_the_thai_name_of_the_same_edition() -> None:
    text = ("ที่ประชุมได้รับฟังสรุปผลการประชุม GO-NGO Forum ครั้งที่ 15 และการประชุม SOMSWD ครั้งที่ 16 ซึ่งจัดขึ้น"
            "ระหว่างวันที่ 21-22 กันยายน 2563\nเป็นส่วนหนึ่งของการประชุมเจ้าหน้าที่อาวุโสอาเซียนด้านสวัสดิการสังคมและการพัฒนา "
            "ครั้งที่ 16 และการประชุมอื่น ๆ ที่เกี่ยวข้อง")
    drafts = group(find_mentions(text))
    assert [(d.acronym, d.edition) for d in drafts] == [("GO-NGO Forum", 15), ("SOMSWD", 16)]
    assert drafts[1].name_th == "การประชุมเจ้าหน้าที่อาวุโสอาเซียนด้านสวัสดิการสังคมและการพัฒนา"


def test_editions_stay_apart_and_several_editions_make_several_meetings() -> None:
    text = ("ประเทศไทยเป็นเจ้าภาพในการจัดประชุมภาคีความร่วมมือด้านสังคมสงเคราะห์ในอาเซียน ครั้งที่ 3 และครั้ง4 "
            "และได้จัด โครงการประชุมเชิงปฏิบัติการด้านสังคมสงเคราะห์ ครั้งที่ 1 เมื่อปี พ.ศ. 2559")
    drafts = group(find_mentions(text))
    assert [d.edition for d in drafts] == [3, 4, 1]


def test_chair_verb_and_year_edition() -> None:
    text = "นายสมศักดิ์ ทองดี รัฐมนตรี เป็นประธานการประชุมคณะกรรมการส่งเสริมการจัดสวัสดิการสังคมแห่งชาติ ครั้งที่ ๑/๒๕๖๖ โดยมี"
    (m,) = find_mentions(text)
    assert (m.verb, m.edition) == ("chair", 1)
    assert m.name_th == "การประชุมคณะกรรมการส่งเสริมการจัดสวัสดิการสังคมแห่งชาติ"
    # "ในฐานะประธานการประชุม X" is a role, not a meeting attended
    assert find_mentions("จัดโดยฟิลิปปินส์ ในฐานะประธานการประชุม SOMSWD ประจำปี") == []
