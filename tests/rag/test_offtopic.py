"""Off-topic questions: words the records lack, and terms they never define (rag/offtopic.py)."""
from __future__ import annotations

from prachum.types import Passage
from rag.offtopic import UNSUPPORTED_SHARE, content_words, defined_term, information, off_topic, undefined, unsupported

SOCA = Passage(id="s", title="พม. ร่วมประชุม SOCA Retreat ผ่านระบบทางไกล",
               text="เมื่อวันที่ ๘ ก.พ. ๖๔ เวลา 09.00 น. นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ "
                    "ในฐานะผู้แทนประเทศไทย เข้าร่วมการประชุมเจ้าหน้าที่อาวุโสสำหรับคณะมนตรีประชาคมสังคมและวัฒนธรรมอาเซียน"
                    "อย่างไม่เป็นทางการ (SOCA Retreat) ผ่านระบบทางไกล โดยมีภาคีหุ้นส่วน องค์กรภายนอกที่เกี่ยวข้อง เข้าร่วม",
               source="/r/003.txt", date="2021-02-08", score=1.0, dense=0.85, lexical=2.0)
ADO = Passage(id="a", title="16th SOCCOM",
              text="ในภาคบ่าย เป็นการเปิดตัวรายงานการวิเคราะห์แนวโน้มการพัฒนาของอาเซียน (ASEAN Development Outlook: ADO) "
                   "ซึ่งเป็นรายงานฉบับแรก ไทยเสนอกลยุทธ์การสื่อสาร “COP” โดย “C” หมายถึง Communications (การสื่อสาร)",
              source="/r/001.txt", date="2021-03-15", score=0.9, dense=0.84, lexical=1.5)


def index_idf(*known: str):
    """A lexical index that holds ``known`` (and nothing else) somewhere in its chunks."""
    return lambda term: 1.0 if term in known else 3.87


NOTHING_ELSE = index_idf()


def test_names_and_terms_weigh_more_than_the_words_that_ask():
    assert information("สุลต่าน") > information("เกิด") > information("ที่")
    assert information("CCTV".lower()) >= information("สุลต่าน")  # no Latin word is common Thai


def test_content_words_leave_out_question_words_numbers_and_the_english_of_english_questions():
    assert "ใคร" not in content_words("ใครเป็นตัวแทนไทยในการประชุมครั้งที่ ๑๖")
    assert "16" not in content_words("ใครเป็นตัวแทนไทยในการประชุมครั้งที่ ๑๖")
    assert "ใช่" not in content_words("SOCA Retreat จัดผ่านระบบทางไกลใช่หรือไม่")
    assert "ใช่ไหม" not in content_words("SOCA Retreat จัดผ่านระบบทางไกลใช่ไหม")
    assert content_words("Who represented Thailand at the SOCA Retreat?") == []


def test_a_general_question_whose_words_the_records_lack_is_off_topic():
    share, missing = unsupported("ชาวเปอร์เซียนเข้ามาในสยามเมื่อ พ.ศ. ๒๑๔๕ ใช่ไหม", [SOCA], NOTHING_ELSE)
    assert share >= UNSUPPORTED_SHARE and "สยาม" in missing
    assert off_topic("สันนิบาตอาหรับประกอบด้วยกี่ประเทศ", [SOCA], NOTHING_ELSE) is not None


def test_an_on_topic_paraphrase_passes_though_it_uses_a_word_the_records_do_not():
    question = "ใครเป็นตัวแทนประเทศไทยในการประชุม SOCA Retreat เมื่อ ๘ ก.พ. ๖๔"
    share, missing = unsupported(question, [SOCA], NOTHING_ELSE)
    assert missing and share < UNSUPPORTED_SHARE  # "ตัวแทน" for the records' "ผู้แทน" weighs little
    assert off_topic(question, [SOCA], NOTHING_ELSE) is None


def test_mixed_thai_and_english_an_unknown_acronym_weighs_most():
    assert off_topic("ช่อง CCTV มีรายการข่าวหลักกี่รายการ", [SOCA], NOTHING_ELSE) is not None
    assert off_topic("SOCA Retreat จัดผ่านระบบทางไกลใช่ไหม", [SOCA], NOTHING_ELSE) is None


def test_a_word_the_index_holds_elsewhere_is_the_records_word():
    question = "กีฬาแห่งชาติจัดมาแล้วกี่จังหวัด"
    assert off_topic(question, [SOCA], NOTHING_ELSE) is not None
    assert off_topic(question, [SOCA], index_idf("กีฬา", "แห่งชาติ", "จังหวัด", "แล้ว")) is None


def test_the_term_of_a_definition_question():
    assert defined_term("สุลต่านหมายถึงอะไร?") == "สุลต่าน"
    assert defined_term("ADO ย่อมาจากอะไร") == "ADO"
    assert defined_term("What does SOCCOM stand for?") == "SOCCOM"
    assert defined_term("What is the AOSWADA?") == "AOSWADA"
    assert defined_term("AOSWADA คือรางวัลอะไร") is None  # asks which award, not what the word means
    assert defined_term("What was the theme of the 16th SOCCOM?") is None


def test_a_term_the_records_never_use_or_use_only_in_passing_is_undefined():
    assert undefined("สุลต่านหมายถึงอะไร?", [SOCA, ADO]) == "สุลต่าน"
    assert undefined("องค์กรหมายถึงอะไร ?", [SOCA, ADO]) == "องค์กร"  # "องค์กรภายนอก": used, never defined
    assert undefined("What does CCTV stand for?", [SOCA, ADO]) == "CCTV"
    assert off_topic("องค์กรหมายถึงอะไร ?", [SOCA, ADO], NOTHING_ELSE) == "undefined term: องค์กร"


def test_a_term_the_records_define_is_answered_in_thai_english_or_quoted():
    assert undefined("ADO ย่อมาจากอะไร", [SOCA, ADO]) is None  # "(ASEAN Development Outlook: ADO)"
    assert undefined("COP ย่อมาจากอะไร", [ADO]) is None  # "“COP” โดย “C” หมายถึง ..."
    assert undefined("SOCA Retreat คืออะไร", [SOCA]) is None  # "(SOCA Retreat)" names the Thai before it
    assert undefined("What is a sultan?", [SOCA]) is None  # English words may stand in Thai: left to e5
    assert off_topic("ADO ย่อมาจากอะไร", [SOCA, ADO], NOTHING_ELSE) is None  # "ย่อ", "มาจาก" only ask
