"""Outcomes: decisions, agreements, adoptions, proposals, next meetings; presentations and purposes are not."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.clean import clean_document
from ingest.meetings import extract_facts
from ingest.metadata import extract_metadata

OPENING = ("เมื่อวันที่ ๒๐ ตุลาคม ๒๕๖๕ นางจตุพร โรจนพานิช รองปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ "
           "เป็นหัวหน้าคณะผู้แทนไทยเข้าร่วมการประชุมรัฐมนตรีอาเซียนด้านสวัสดิการสังคมและการพัฒนา ครั้งที่ ๑๑ "
           "(11th AMMSWD) ผ่านระบบการประชุมทางไกล โดยมีประเทศกัมพูชาเป็นประธานการประชุม\n")


def _outcomes(body: str) -> list[tuple[str, str, str]]:
    cleaned = clean_document(OPENING + body)
    facts = extract_facts(cleaned.text, extract_metadata(cleaned, Path("r.txt")), "r.txt")
    acronyms = {m.key: m.acronym or m.name_th for m in facts.meetings}
    return [(o.kind, acronyms[o.meeting], o.text) for o in facts.outcomes]


@pytest.mark.parametrize("body, kind", [
    ("ทั้งนี้ ที่ประชุมมีมติเห็นชอบแผนงานความร่วมมือ ปี ๒๕๖๖", "decision"),
    ("ทั้งนี้ ที่ประชุมเห็นชอบแถลงการณ์ร่วมว่าด้วยการเสริมสร้างระบบคุ้มครองทางสังคม", "agreement"),
    ("ในการนี้ ที่ประชุมได้ร่วมกันรับรองปฏิญญาว่าด้วยการพัฒนาชนบทอย่างยั่งยืน", "adopted"),
    ("นางจตุพร ได้เสนอให้อาเซียนจัดตั้งกลไกความร่วมมือกับภาคประชาสังคม", "proposal"),
    ("ประเทศไทยขอบรรจุเอกสารผลลัพธ์ จำนวน ๒ ฉบับ", "proposal"),
    ("ทั้งนี้ การประชุมครั้งต่อไปจะจัดขึ้นที่ประเทศลาว ในปี ๒๕๖๖", "next_meeting"),
])
def test_outcome_kinds(body: str, kind: str) -> None:
    (found,) = _outcomes(body)
    assert found[0] == kind and found[1] == "AMMSWD"


@pytest.mark.parametrize("body", [
    "โดยผู้แทนไทยได้นำเสนอและร่วมอภิปรายในหัวข้อการฟื้นฟูภายหลังโควิด 19",
    "โดยมีวัตถุประสงค์สำคัญเพื่อนำเสนอเกี่ยวกับแผนงานสำคัญของประชาคม",
    "ซึ่งจะมีการเสนอกิจกรรมหรือแผนงานสำคัญของแต่ละสาขา",
    "ที่ประชุมได้รับทราบรายงานความคืบหน้าของโครงการ",
])
def test_presenting_purposes_and_plans_are_not_outcomes(body: str) -> None:
    assert _outcomes(body) == []


def test_an_outcome_belongs_to_the_meeting_named_before_it_or_announced_after_it() -> None:
    body = ("ทั้งนี้ ในการประชุมระดับรัฐมนตรีอาเซียนด้านสวัสดิการสังคมและการพัฒนา มีมติเห็นชอบให้ประเทศไทยจัดตั้งศูนย์ฝึกอบรม "
            "และประเทศไทยจะเป็นเจ้าภาพจัดการประชุมรัฐมนตรีอาเซียนด้านสวัสดิการสังคมและการพัฒนา ครั้งที่ ๑๒ ในปี ๒๕๖๘")
    found = _outcomes(body)
    assert [(k, m) for k, m, _ in found] == [
        ("decision", "การประชุมระดับรัฐมนตรีอาเซียนด้านสวัสดิการสังคมและการพัฒนา"),
        ("next_meeting", "การประชุมรัฐมนตรีอาเซียนด้านสวัสดิการสังคมและการพัฒนา"),
    ]
    assert found[0][2].startswith("มีมติเห็นชอบให้ประเทศไทยจัดตั้งศูนย์ฝึกอบรม")
    assert "และประเทศไทยจะเป็นเจ้าภาพ" not in found[0][2]
