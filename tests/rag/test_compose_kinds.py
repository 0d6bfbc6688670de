"""Short answers for the kinds of question beyond who/when: named things, a named person's role,
periods and weekdays, co-hosts, bodies by kind, and acronyms the records name only in passing.

The records are written for these tests in the genre of the seed records (other ministries,
meetings and people), so the rules are not fitted to the seeds.
"""
from __future__ import annotations

from prachum.types import Passage
from rag.answer import extractive_answer
from rag.evidence import score_sentences
from rag.question import analyse


def record(id: str, title: str, day: str, text: str) -> Passage:
    """A record the retriever found well (the scores only order passages here)."""
    return Passage(id=id, source=f"/r/{id}.txt", title=title, date=day, score=1.0, dense=0.9, lexical=2.0, text=text)


HEALTH = record(
    "health", "การประชุมรัฐมนตรีสาธารณสุขอาเซียน ครั้งที่ ๑๕ (15th AHMM)", "2022-05-14",
    ("วันเสาร์ที่ ๑๔ พฤษภาคม ๒๕๖๕ เวลา ๐๙.๓๐ น. ณ ห้องประชุมชั้น ๓ อาคารกระทรวงสาธารณสุข นายแพทย์สมชาย ใจดี "
     "รองปลัดกระทรวงสาธารณสุข เข้าร่วมการประชุมรัฐมนตรีสาธารณสุขอาเซียน ครั้งที่ ๑๕ (15th AHMM) ในนาม AHMM Focal "
     "Point ประเทศไทย ผ่านระบบการประชุมทางไกล การประชุมจัดขึ้นระหว่างวันที่ ๑๔ – ๑๖ พฤษภาคม ๒๕๖๕\n"
     "ในภาคบ่าย ที่ประชุมได้เปิดตัวรายงานสถานการณ์สุขภาพผู้สูงอายุในอาเซียน (ASEAN Healthy Ageing Report) "
     "ซึ่งจัดทำโดยมหาวิทยาลัยมหิดล ร่วมกับสำนักเลขาธิการอาเซียน\n"
     "นอกจากนี้ ไทยได้เสนอให้จัดตั้งรางวัลนวัตกรรมสุขภาพอาเซียน (AHIA) เพื่อเชิดชูผลงานของประเทศสมาชิก "
     "ตามแผนงานสุขภาพอาเซียน (2021-2025)"),
)


def answer(question: str, passages=(HEALTH,)):
    sentences = score_sentences(question, list(passages), lambda term: 1.0, None)
    return extractive_answer(question, list(passages), sentences)


def test_which_report_is_answered_by_its_name_in_the_records_own_english():
    assert analyse("Which report was launched in the afternoon?").slots == ("named",)
    short = answer("Which report was launched in the afternoon?")
    assert short.text == "ASEAN Healthy Ageing Report [1]"
    thai = answer("ที่ประชุมเปิดตัวรายงานใด")
    assert thai.text.startswith("รายงานสถานการณ์สุขภาพผู้สูงอายุในอาเซียน (ASEAN Healthy Ageing Report)")


def test_the_meeting_a_question_names_is_not_its_answer():
    short = answer("Which report was presented at the 15th AHMM?")
    assert "AHMM" not in short.text.split("[")[0] and "Healthy Ageing" in short.text


def test_a_named_persons_position_and_capacity_across_scripts():
    position = answer("What was Somchai Jaidee's position at the 15th AHMM?")
    assert position.text.startswith("รองปลัดกระทรวงสาธารณสุข") and not position.refused
    capacity = answer("In what capacity did Somchai Jaidee join the meeting?")
    assert capacity.text.startswith("AHMM Focal Point ประเทศไทย")
    thai = answer("นายแพทย์สมชาย ใจดี ดำรงตำแหน่งอะไร")
    assert thai.text.startswith("รองปลัดกระทรวงสาธารณสุข")
    # "when he joined" is a clause of the question, not a question about a date
    assert analyse("What was Somchai Jaidee's position when he joined the 15th AHMM?").slots == ("role",)


def test_a_period_is_answered_by_a_range_and_a_weekday_when_asked():
    assert answer("During which dates was the 15th AHMM held?").text.startswith("14-16 May 2022")
    assert answer("การประชุม AHMM ครั้งที่ ๑๕ ตรงกับวันอะไร").text.startswith("วันเสาร์ที่ 14 พฤษภาคม 2565")
    assert answer("What day of the week did the 15th AHMM open?").text.startswith("Saturday, 14 May 2022")
    assert answer("แผนงานสุขภาพอาเซียนครอบคลุมช่วงปีใด").text.startswith("2021-2025")


def test_a_kind_of_body_and_co_organisers():
    assert answer("Which university prepared the report?").text.startswith("มหาวิทยาลัยมหิดล")
    assert answer("กระทรวงใดเป็นเจ้าภาพห้องประชุม").text.startswith("กระทรวงสาธารณสุข")
    # co-hosts and companions are several: the answer may name more than one
    assert analyse("Who co-hosted the 15th AHMM?").plural and analyse("ใครเข้าร่วมร่วมกับนายแพทย์สมชาย").plural


def test_from_where_asks_for_the_room_not_the_video_link():
    assert "ห้องประชุมชั้น" in answer("From where did the Thai side join the 15th AHMM?").text


def test_an_acronym_named_only_in_passing_is_refused_by_what_it_lacks():
    short = answer("ผู้ได้รับรางวัล AHIA ในปี 2565 ได้แก่ใครบ้าง")
    assert short.refused and "AHIA" in short.text and "ชื่อบุคคล" in short.text
    assert short.citations  # the nearest evidence is still shown


def test_the_date_of_a_kind_of_meeting_the_records_only_mention_is_refused():
    summit = record("summit", "การประชุมรัฐมนตรีสาธารณสุขอาเซียน", "2022-05-14",
                    ("วันที่ ๑๔ พฤษภาคม ๒๕๖๕ ที่ประชุมรับรองปฏิญญาว่าด้วยสุขภาพผู้สูงอายุ\n"
                     "ปฏิญญาฉบับนี้จะเสนอต่อการประชุมสุดยอดอาเซียนเพื่อรับรองต่อไป"))
    thai = answer("การประชุมสุดยอดอาเซียนจัดขึ้นวันที่เท่าไร", (summit,))
    assert thai.refused and "สุดยอด" in thai.text and thai.citations
    english = answer("On what date was the ASEAN Summit held?", (summit,))
    assert english.refused and english.text == "The records do not give the date of the summit asked about."
    # the ministers' own meeting still has its date
    assert answer("การประชุมรัฐมนตรีสาธารณสุขอาเซียนจัดขึ้นวันที่เท่าไร", (summit,)).text.startswith("14 พฤษภาคม 2565")


def test_a_definition_of_a_term_the_records_never_use_is_refused():
    short = answer("เฮโมโกลบิน คืออะไร?")
    assert short.refused and "เฮโมโกลบิน" in short.text and short.citations
    assert answer("What is hemoglobin?").text == "The records do not mention hemoglobin."
    # a term the records use is answered from them; a factoid "what was the X of Y" is not a definition
    assert not answer("AHMM คืออะไร").refused
    assert not answer("What was the theme of the 15th AHMM?").refused


LABOUR = record(
    "labour", "การประชุมเจ้าหน้าที่อาวุโสด้านแรงงานอาเซียน ครั้งที่ ๑๘ (18th SLOM)", "2023-06-02",
    ("วันที่ ๒ มิถุนายน ๒๕๖๖ นางสาวสุดา มีสุข ผู้ตรวจราชการกระทรวงแรงงาน ได้รับมอบหมายจากปลัดกระทรวงแรงงาน "
     "ให้ปฏิบัติหน้าที่หัวหน้าเจ้าหน้าที่อาวุโสด้านแรงงานของประเทศไทย (SLOM Leader of Thailand) "
     "เข้าร่วมการประชุมเจ้าหน้าที่อาวุโสด้านแรงงานอาเซียน ครั้งที่ ๑๘ (18th SLOM) ผ่านระบบการประชุมทางไกล\n"
     "ในการประชุมนี้ ไทยได้นำเสนอในหัวข้อ “การคุ้มครองแรงงานข้ามชาติ” (Protection of Migrant Workers) "
     "ในนามประธานคณะทำงานด้านแรงงานข้ามชาติ (ACMW) ซึ่งจัดโดยกระทรวงทรัพยากรมนุษย์ มาเลเซีย"),
)


def test_a_capacity_is_what_a_person_was_assigned_to_act_as_or_what_a_country_presented_as():
    acted = answer("In what capacity did Suda Meesuk attend the 18th SLOM?", (LABOUR,))
    assert acted.text.startswith("SLOM Leader of Thailand")
    both = answer("ในการประชุม 18th SLOM ไทยนำเสนอหัวข้อใด ในฐานะอะไร", (LABOUR,))
    assert "การคุ้มครองแรงงานข้ามชาติ" in both.text and "ประธานคณะทำงานด้านแรงงานข้ามชาติ" in both.text
    english = answer("At the 18th SLOM, what topic did Thailand present and in what capacity?", (LABOUR,))
    assert "Protection of Migrant Workers" in english.text
    assert "ประธานคณะทำงานด้านแรงงานข้ามชาติ (ACMW)" in english.text, "an acronym alone does not stand for the capacity"


def test_a_ministry_is_named_with_the_country_written_after_it():
    short = answer("หน่วยงานใดจัดการประชุม 18th SLOM", (LABOUR,))
    assert short.text.startswith("กระทรวงทรัพยากรมนุษย์ มาเลเซีย")


def test_who_the_participants_consisted_of_is_the_records_list_bodies_included():
    meeting = record("meeting", "การประชุม 18th SLOM", "2023-06-02",
                     ("นางสาวสุดา มีสุข ผู้ตรวจราชการกระทรวงแรงงาน เข้าร่วมการประชุม 18th SLOM "
                      "ทั้งนี้ ผู้เข้าร่วมประชุมประกอบด้วย เจ้าหน้าที่อาวุโสด้านแรงงานของประเทศสมาชิกอาเซียน "
                      "ผู้แทนองค์การแรงงานระหว่างประเทศ และผู้แทนจากสำนักเลขาธิการอาเซียน"))
    short = answer("ผู้เข้าร่วมประชุม 18th SLOM ประกอบด้วยใครบ้าง", (meeting,))
    assert "องค์การแรงงานระหว่างประเทศ" in short.text and "สำนักเลขาธิการอาเซียน" in short.text
    assert answer("ใครเข้าร่วมการประชุม 18th SLOM", (meeting,)).text.startswith("นางสาวสุดา")  # not asked: no list
