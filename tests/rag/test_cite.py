from rag.cite import attach_citations, support
from prachum.types import Passage


def passage(text: str, n: int = 0) -> Passage:
    return Passage(id=f"p{n}", text=text, source=f"/r/{n}.txt", title=f"doc {n}", date="2021-02-08",
                   score=1.0, dense=0.9, lexical=1.0)


SOCA = passage("เมื่อวันที่ 8 ก.พ. 64 เวลา 09.00 น. นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ เข้าร่วมการประชุม SOCA Retreat", 0)
ADO = passage("ในภาคบ่าย เป็นการเปิดตัวรายงาน ASEAN Development Outlook (ADO) โดยมหาวิทยาลัยเคมบริดจ์", 1)


def test_dates_in_other_forms_still_support():
    assert support("การประชุมจัดขึ้นเมื่อวันที่ 8 กุมภาพันธ์ 2564", SOCA.text) >= 0.5
    assert support("การประชุมจัดขึ้นเมื่อวันที่ ๘ ก.พ. ๒๕๖๔", SOCA.text) >= 0.5


def test_a_wrong_date_or_number_never_supports():
    assert support("การประชุมจัดขึ้นเมื่อวันที่ 9 กุมภาพันธ์ 2564", SOCA.text) == 0.0
    assert support("มีผู้เข้าร่วม 130 คน", SOCA.text) == 0.0


def test_wrong_marker_is_moved_to_the_supporting_passage_and_renumbered():
    answer = "นางจตุพร โรจนพานิช เข้าร่วมการประชุม SOCA Retreat [2]"
    cited = attach_citations(answer, [ADO, SOCA])
    assert cited.text == "นางจตุพร โรจนพานิช เข้าร่วมการประชุม SOCA Retreat [1]"
    assert [c.passage.id for c in cited.citations] == ["p0"]
    [(start, end)] = cited.citations[0].highlights
    assert "จตุพร" in SOCA.text[start:end]


def test_unsupported_sentence_gets_no_citation():
    cited = attach_citations("ประเทศญี่ปุ่นเป็นประธานการประชุมครั้งนี้ [1]", [SOCA, ADO])
    assert cited.citations == []
    assert "[" not in cited.text


def test_markers_out_of_range_are_dropped():
    cited = attach_citations("รายงาน ADO จัดทำโดยมหาวิทยาลัยเคมบริดจ์ [7]", [SOCA, ADO])
    assert cited.text.endswith("[1]")
    assert cited.citations[0].passage.id == "p1"


def test_a_name_the_passages_never_mention_is_not_supported():
    host = passage("การประชุมครั้งนี้ ประเทศบรูไนดารุสซาลามเป็นเจ้าภาพจัดการประชุม", 2)
    assert support("ประเทศบรูไนดารุสซาลามเป็นเจ้าภาพการประชุมครั้งนี้", host.text) >= 0.5
    assert support("ประเทศญี่ปุ่นเป็นเจ้าภาพการประชุมครั้งนี้", host.text) == 0.0
    assert attach_citations("ประเทศญี่ปุ่นเป็นเจ้าภาพการประชุมครั้งนี้ [1]", [host]).citations == []
