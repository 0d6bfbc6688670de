"""The refusal gate: strength of the evidence, and near misses the question commits to."""
from __future__ import annotations

import pytest

from prachum.config import Settings
from prachum.errors import QuestionError
from prachum.types import EvidenceStrength, Passage
from rag.gate import check_question, evidence_strength, is_strong, missing_specifics, question_specifics, should_answer

SOMSWD16 = Passage(id="a", text="การประชุมเจ้าหน้าที่อาวุโส SOMSWD ครั้งที่ ๑๖ เมื่อวันที่ 21-22 กันยายน 2563 ผ่านระบบการประชุมทางไกล",
                   source="/r/a.txt", title="SOMSWD ครั้งที่ 16", date="2020-09-21", score=1.0, dense=0.84, lexical=3.0)
SOCA = Passage(id="b", text="นางจตุพร โรจนพานิช เข้าร่วมการประชุม SOCA Retreat เมื่อ 8 ก.พ. 64",
               source="/r/b.txt", title="SOCA Retreat", date="2021-02-08", score=0.5, dense=0.80, lexical=1.0)


def idf(term: str) -> float:
    return 1.0


def test_is_strong_threshold():
    strong = Settings().strong_score
    assert is_strong(EvidenceStrength(coverage=1.0, dense=0.9, score=0.95), strong)
    assert not is_strong(EvidenceStrength(coverage=0.1, dense=0.8, score=0.805), strong)


def test_should_answer_at_and_above_the_threshold_only():
    assert should_answer(EvidenceStrength(0.5, 0.8, 0.81), 0.805, 0.86)
    assert should_answer(EvidenceStrength(0.5, 0.8, 0.805), 0.805, 0.86)
    assert not should_answer(EvidenceStrength(0.5, 0.8, 0.80), 0.805, 0.86)


def test_without_any_question_word_in_the_evidence_only_a_strong_dense_match_answers():
    assert not should_answer(EvidenceStrength(0.0, 0.83, 0.83), 0.805, 0.86)  # "'; DROP TABLE embeddings; --"
    assert should_answer(EvidenceStrength(0.0, 0.87, 0.87), 0.805, 0.86)  # English question, Thai record


@pytest.mark.parametrize("question, message", [
    ("", "empty"), ("   \n\t", "empty"), ("🤔🔥💯🇹🇭", "no words"), ("?!.,;:()", "no words"), ("๏ ๚ ๛", "no words"),
])
def test_questions_without_words_get_a_message_not_an_answer(question, message):
    with pytest.raises(QuestionError, match=message):
        check_question(question, 500)


def test_an_over_long_question_names_the_limit_and_the_setting():
    with pytest.raises(QuestionError, match="9,400 characters long; the limit is 500 .*max_question_chars"):
        check_question("ก" * 9400, 500)
    check_question("การประชุม SOCA Retreat จัดขึ้นเมื่อ ๘ ก.พ. ๖๔ ใช่ไหม", 500)  # a real question passes


def test_strength_is_dense_plus_a_little_coverage():
    none = evidence_strength("SOMSWD ครั้งที่ 16", [], idf)
    assert none == EvidenceStrength(0.0, 0.0, 0.0)
    found = evidence_strength("การประชุม SOMSWD ครั้งที่ ๑๖", [SOMSWD16, SOCA], idf)
    assert found.dense == 0.84
    assert found.coverage == 1.0  # every word of the question stands in the first passage
    assert 0.84 < found.score <= 0.84 + 0.1


def test_a_question_commits_to_numbers_and_names_but_not_to_years_or_dates():
    assert question_specifics("การประชุม SOMSWD ครั้งที่ ๒๐ ปี 2563 จัดที่ไหน") == ["20"]
    assert question_specifics("When was the 18th SOMSWD held in 2021?") == ["18"]
    assert question_specifics("นายสมชาย เข้าร่วมการประชุมเมื่อ 8 ก.พ. 64 หรือไม่") == ["สมชาย"]
    assert question_specifics("ประเทศใดเป็นเจ้าภาพ") == []  # "ประเทศใด" asks, it does not name


def test_near_miss_numbers_and_names_must_stand_in_the_passages():
    assert missing_specifics("การประชุม SOMSWD ครั้งที่ ๑๖ จัดที่ไหน", [SOMSWD16]) == []
    assert missing_specifics("การประชุม SOMSWD ครั้งที่ 20 จัดที่ไหน", [SOMSWD16, SOCA]) == ["20"]
    assert missing_specifics("นางจตุพร เข้าร่วมการประชุมใด", [SOCA]) == []
    assert missing_specifics("นายสมชาย เข้าร่วมการประชุมใด", [SOMSWD16, SOCA]) == ["สมชาย"]


def test_vocabulary_the_records_lack_overrules_only_a_middling_dense_match():
    from rag.gate import off_topic_reason

    settings = Settings()
    question = "ชาวเปอร์เซียนเข้ามาในสยามเมื่อ พ.ศ. ๒๑๔๕ ใช่ไหม"
    def absent(term: str) -> float:  # an index that holds none of the question's words
        return 3.87

    low = EvidenceStrength(0.2, 0.81, 0.82)
    high = EvidenceStrength(0.2, (settings.min_score + settings.strong_score) / 2 + 0.01, 0.85)
    assert off_topic_reason(question, [SOCA], low, absent, settings.min_score, settings.strong_score) is not None
    assert off_topic_reason(question, [SOCA], high, absent, settings.min_score, settings.strong_score) is None
    on_topic = "นางจตุพร เข้าร่วมการประชุม SOCA Retreat เมื่อ ๘ ก.พ. ๖๔ ใช่ไหม"
    assert off_topic_reason(on_topic, [SOCA], low, absent, settings.min_score, settings.strong_score) is None
