"""The short answer: the asked facts as cited spans, dates in the reader's form, near misses refused."""
from __future__ import annotations

from prachum.types import Passage
from rag.answer import extractive_answer
from rag.compose import compose
from rag.evidence import score_sentences
from rag.question import analyse

SOCA = Passage(
    id="soca", source="/r/soca.txt", title="SOCA Retreat", date="2021-02-08", score=1.0, dense=0.9, lexical=2.0,
    text=("ประเทศบรูไนดารุสซาลามเป็นเจ้าภาพจัดการประชุมเจ้าหน้าที่อาวุโสสำหรับคณะมนตรีประชาคมสังคมและวัฒนธรรมอาเซียน "
          "อย่างไม่เป็นทางการ (SOCA Retreat) ซึ่งเป็นการประชุมครั้งแรกภายใต้การเป็นประธานอาเซียนของบรูไนดารุสซาลาม\n"
          "เมื่อวันที่ ๘ ก.พ. ๖๔ เวลา 09.00 น. นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ "
          "เข้าร่วมการประชุม SOCA Retreat ในฐานะผู้แทนประเทศไทย ผ่านระบบการประชุมทางไกล ณ ห้องประชุมชั้น 2 กระทรวง พม."),
)
WORKSHOP = Passage(
    id="ws", source="/r/ws.txt", title="โครงการประชุมเชิงปฏิบัติการ", date="2018-08-20", score=0.6, dense=0.8, lexical=1.0,
    text="โครงการประชุมเชิงปฏิบัติการด้านสังคมสงเคราะห์ในอาเซียน มีผู้เข้าร่วมทั้งสิ้น 130 คน จาก 10 ประเทศสมาชิกอาเซียน",
)


def answer(question: str, passages=(SOCA, WORKSHOP)):
    sentences = score_sentences(question, list(passages), lambda term: 1.0, None)
    return extractive_answer(question, list(passages), sentences)


def test_readmes_question_gets_the_person_and_the_date_first():
    short = answer("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat และจัดขึ้นเมื่อไร")
    assert short.text.startswith("นางจตุพร โรจนพานิช")
    assert "8 กุมภาพันธ์ 2564 [1]" in short.text and len(short.text) < 160
    assert [(f.kind, f.n) for f in short.facts] == [("person", 1), ("date", 1)]
    [cited] = short.citations
    assert cited.passage.id == "soca"
    assert any("นางจตุพร" in SOCA.text[a:b] for a, b in cited.highlights)  # the sentence shown beneath


def test_english_questions_get_english_dates_and_say_when_they_quote_thai():
    short = answer("Who represented Thailand at the SOCA Retreat and when was it?")
    assert "8 February 2021 [1]" in short.text
    assert short.text.endswith("(quoted in Thai from the record)")


def test_a_count_answers_with_the_number_of_the_asked_unit():
    short = answer("โครงการประชุมเชิงปฏิบัติการมีผู้เข้าร่วมกี่คน")
    assert short.facts and short.facts[0].text == "130 คน"
    english = answer("How many people took part in the workshop?")
    assert english.facts[0].text == "130 people"


def test_a_budget_the_records_do_not_give_is_a_near_miss_with_the_nearest_evidence():
    short = answer("การประชุม SOCA Retreat ใช้งบประมาณเท่าไร")
    assert short.refused and "ไม่พบข้อมูลจำนวนเงิน" in short.text and "SOCA" in short.text
    assert short.citations and short.citations[0].passage.id == "soca"
    english = answer("What was the budget of the SOCA Retreat?")
    assert english.refused and english.text.startswith("The records do not give an amount of money")


def test_what_the_question_names_is_not_its_answer():
    question = "ใครเข้าร่วมการประชุม SOCA Retreat ร่วมกับนางจตุพร โรจนพานิช"
    sentences = score_sentences(question, [SOCA], lambda term: 1.0, None)
    assert compose(question, analyse(question), [SOCA], sentences) is None  # only นางจตุพร is there


def test_questions_without_a_known_slot_fall_back_to_the_best_sentence():
    short = answer("การประชุม SOCA Retreat มีความสำคัญอย่างไร")
    assert short.facts == [] and short.citations and "SOCA Retreat" in short.text


def test_which_year_answers_with_the_year_in_the_readers_era():
    passage = Passage(id="y", source="/r/y.txt", title="ภาคีความร่วมมือ", date="", score=1.0, dense=0.9, lexical=1.0,
                      text="ประเทศไทยเป็นเจ้าภาพจัดการประชุมภาคีความร่วมมือด้านสังคมสงเคราะห์ในอาเซียน ครั้งที่ 3 ในปี ๒๕๕๗")
    assert answer("การประชุมภาคีความร่วมมือ ครั้งที่ 3 จัดขึ้นในปีใด", [passage]).text == "2557 [1]"
    assert answer("In which year was the third consortium meeting held?", [passage]).text == "2014 [1]"


def test_a_room_question_gets_the_room_not_the_video_link():
    short = answer("ฝ่ายไทยเข้าร่วมการประชุม SOCA Retreat จากห้องประชุมใด", [SOCA])
    assert [f.kind for f in short.facts] == ["place"]
    assert "ห้องประชุมชั้น 2" in short.text and "ทางไกล" not in short.text


def test_organisations_the_question_names_in_english_are_not_its_answer():
    short = answer("Which organisation besides the ASEAN Secretariat hosted the SOCA Retreat?", [SOCA])
    assert "ASEAN Secretariat" not in [f.text for f in short.facts]


def test_times_in_english_answers_are_written_the_english_way():
    english = answer("What time did Thailand join the SOCA Retreat?", [SOCA])
    assert english.facts[0].text == "09:00" and "(quoted in Thai" not in english.text
    thai = answer("ฝ่ายไทยเข้าร่วมการประชุม SOCA Retreat เวลาใด", [SOCA])
    assert thai.facts[0].text == "09.00 น."


def test_a_count_of_a_named_unit_that_is_not_given_is_a_near_miss():
    short = answer("การประชุม SOCA Retreat มีผู้เข้าร่วมกี่คน", [SOCA])
    assert short.refused and short.text == "ไม่พบข้อมูลจำนวนคนของ SOCA ในบันทึกการประชุม"
    english = answer("How many people attended the SOCA Retreat?", [SOCA])
    assert english.refused and english.text == "The records do not give the number of people for SOCA."


MENTIONS = Passage(
    id="m", source="/r/m.txt", title="พม. ร่วมประชุม SOMSWD+3 ครั้งที่ 15", date="2020-09-24", score=1.0, dense=0.9,
    lexical=2.0,
    text=("เมื่อวันที่ 24 กันยายน 2563 นางสาววิมลรัตน์ รัชชุกูล เข้าร่วมการประชุม SOMSWD+3 ครั้งที่ 15 "
          "ที่ประชุมรับทราบผลการประชุม SOMSWD ครั้งที่ 16 ทั้งนี้ ประเทศไทยจะเป็นเจ้าภาพการประชุม SOMSWD ครั้งที่ 17 "
          "ในเดือนธันวาคม ศกนี้"),
)


def test_an_edition_the_records_never_mention_is_refused_by_name_with_the_nearest_evidence():
    short = answer("การประชุม SOMSWD ครั้งที่ 20 จัดขึ้นวันที่เท่าไร", (MENTIONS,))
    assert short.refused and "SOMSWD ครั้งที่ 20" in short.text and short.citations
    english = answer("When was the 14th SOMSWD+3 held?", (MENTIONS,))
    assert english.refused and "14th SOMSWD+3" in english.text


def test_a_meeting_only_mentioned_in_passing_does_not_take_another_meetings_date():
    short = answer("การประชุม SOMSWD ครั้งที่ 17 จะจัดขึ้นวันที่เท่าไร", (MENTIONS,))
    assert short.refused and "ครั้งที่ 17" in short.text
    month = answer("การประชุม SOMSWD ครั้งที่ 17 ประเทศใดจะเป็นเจ้าภาพ และจัดในเดือนใด", (MENTIONS,))
    assert not month.refused and "ธันวาคม" in month.text and "ประเทศไทย" in month.text


def test_a_theme_question_in_english_gets_the_records_english_title():
    passage = Passage(
        id="t", source="/r/t.txt", title="16th SOCCOM", date="2021-03-15", score=1.0, dense=0.9, lexical=2.0,
        text=("สำหรับการประชุม 16th SOCCOM ในภาคเช้า ภายใต้หัวข้อ “มุ่งสู่การฟื้นตัวและความเข้มแข็งในอาเซียน” "
              "(Towards Post-COVID Recovery and Resilience in ASEAN) มีวัตถุประสงค์เพื่อหารือ"))
    short = answer("What was the theme of the morning session of the 16th SOCCOM?", (passage,))
    assert short.text.startswith("Towards Post-COVID Recovery and Resilience in ASEAN [1]")
    assert "quoted in Thai" not in short.text


def test_a_who_question_naming_a_position_is_answered_by_its_holder_or_refused():
    passage = Passage(
        id="p", source="/r/p.txt", title="SOCA Retreat", date="2021-02-08", score=1.0, dense=0.9, lexical=2.0,
        text=("นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ ได้รับมอบหมายจาก "
              "นางพัชรี อารยะกุล ปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ ให้เป็น SOCA Leader"))
    holder = answer("Which Permanent Secretary assigned the SOCA Leader role?", (passage,))
    assert "พัชรี" in holder.text and "จตุพร" not in holder.text
    missing = answer("ใครดำรงตำแหน่งรัฐมนตรีว่าการกระทรวงการพัฒนาสังคมฯ ในปี ๒๕๖๔", (passage,))
    assert missing.refused and "รัฐมนตรี" in missing.text
    english = answer("Who was the Minister of Social Development and Human Security in 2021?", (passage,))
    assert english.refused and "Minister" in english.text


def test_a_person_named_in_english_whom_the_records_do_not_know_is_refused_by_name():
    stranger = answer("What did Ms. Kanokwan Srisuk present at the SOCA Retreat?")
    assert stranger.refused and "Kanokwan Srisuk" in stranger.text
    known = answer("When did Mrs. Jatuporn Rojanapanich attend the SOCA Retreat?")
    assert not known.refused and "8 February 2021" in known.text


def test_an_end_time_is_given_only_by_a_time_range():
    assert answer("การประชุม SOCA Retreat สิ้นสุดเวลากี่โมง").refused  # the record gives 09.00 น. alone
    ranged = Passage(id="r", source="/r/r.txt", title="COP", date="2021-08-26", score=1.0, dense=0.9, lexical=2.0,
                     text="วันที่ 26 สิงหาคม 2564 เวลา 08.45 – 12.30 น. นางจตุพร โรจนพานิช เข้าร่วมการประชุม")
    ended = answer("การประชุมเลิกเวลากี่โมง", (ranged,))
    assert not ended.refused and "12.30" in ended.text


def test_when_a_mentioned_meeting_is_to_be_held_the_month_answers():
    short = answer("When will the 17th SOMSWD be held?", (MENTIONS,))
    assert not short.refused and short.text.startswith("December")


DELEGATION = Passage(
    id="deleg", source="/r/deleg.txt", title="SOCA Retreat", date="2021-02-08", score=1.0, dense=0.9, lexical=2.0,
    # as the record is split: the head of delegation's sentence does not say ผู้แทน, the next one
    # names the representatives who came along, and one of the companions, beside it
    text=("เมื่อวันที่ 8 ก.พ. 64 นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ "
          "ได้รับมอบหมายจาก นางพัชรี อารยะกุล ปลัดกระทรวงฯ ให้ปฏิบัติหน้าที่หัวหน้าเจ้าหน้าที่อาวุโสของประเทศไทย "
          "(SOCA Leader of Thailand) พร้อมด้วยนายอรรคพงษ์ ศรีสุบัติ กรมพัฒนาสังคมและสวัสดิการ\n"
          "นางสาววิมลรัตน์ รัชชุกูล ผู้อำนวยการกองการต่างประเทศ และผู้แทนหน่วยงานที่เกี่ยวข้อง "
          "เข้าร่วมการประชุม (SOCA Retreat) ผ่านระบบการประชุมทางไกล (Video Conference)"),
)


def test_the_one_who_represented_is_the_one_assigned_not_a_companion_beside_the_word_representatives():
    for question in ("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat", "Who represented Thailand at the SOCA Retreat?",
                     "ใครเป็นหัวหน้าคณะผู้แทนไทยในการประชุม SOCA Retreat"):
        short = answer(question, (DELEGATION,))
        assert short.text.startswith("นางจตุพร โรจนพานิช"), (question, short.text)
