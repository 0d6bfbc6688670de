"""English questions over Thai records: the answer is an English sentence around the record's Thai facts.

Fakes only. The language is judged as the eval judges it (evals/form_metrics.answer_language:
the answer's own words, with names, quotations and glosses set aside), so these tests fail
when an English question gets a bare list of Thai facts.
"""
from __future__ import annotations

from evals.form_metrics import answer_language
from prachum.types import CitedAnswer, Fact, Passage
from rag.evidence import Sentence
from rag.extract import answer, plan
from rag.prompts import english_form, facts_text, short_answer
from rag.question import analyse

# Thai digits and a Buddhist-era abbreviated date, as the records write them
OPENING = ("เมื่อวันจันทร์ที่ ๒๐ ส.ค. ๖๑ เวลา ๐๙.๓๐ น. ณ ห้องกิ่งทอง โรงแรมเอเชีย กรุงเทพมหานคร "
           "นางนภา เศรษฐกร อธิบดีกรมพัฒนาสังคมและสวัสดิการ เป็นประธานเปิดการประชุม")
REPORT = "คณะนักวิจัยจากมหาวิทยาลัยเคมบริดจ์ (University of Cambridge) ร่วมกับสำนักเลขาธิการอาเซียน จัดทำรายงาน เมื่อ ๑๒ มี.ค. ๒๕๖๔"
P0 = Passage("p0", OPENING, "005.txt", "workshop", "2018-08-20", 0.9, 0.9, 0.9)
P1 = Passage("p1", REPORT, "004.txt", "ADO", "2021-03-12", 0.9, 0.9, 0.9)
S0 = Sentence(0, 0, len(OPENING), OPENING)
S1 = Sentence(1, 0, len(REPORT), REPORT)


def one_sentence(text: str, source: str, title: str, day: str) -> tuple[Sentence, Passage]:
    """A record of one sentence, as the evidence step hands it to the plan."""
    return Sentence(0, 0, len(text), text), Passage("p0", text, source, title, day, 0.9, 0.9, 0.9)


def _answer(question: str, raw: str, sentences=(S0,), passages=(P0,)) -> str:
    job = plan(question, analyse(question), list(sentences))
    checked = answer(job.read(raw, list(passages)), "en")
    assert checked is not None
    return checked[0]


def test_thai_place_and_be_date_in_an_english_sentence_when_the_template_cannot_be_used():
    question = "Where was the opening ceremony held and when?"
    for raw in ('{"f":"AB","a":"{A} เปิดการประชุม"}',  # a Thai template for an English question
                '{"f":"AB","a":"{A}."}',  # no words of its own
                '{"f":"AB","a":"It was held at {A} on {B'):  # cut off
        text = _answer(question, raw)
        assert text.startswith("At “ห้องกิ่งทอง โรงแรมเอเชีย กรุงเทพมหานคร” [1], on 20 August 2018 [1]"), raw
        assert answer_language(text) == "en" and "2561" not in text and "๖๑" not in text


def test_a_usable_english_template_still_phrases_the_thai_facts():
    text = _answer("Where was the opening ceremony held and when?", '{"f":"AB","a":"It was held at {A} on {B}."}')
    assert text == "It was held at “ห้องกิ่งทอง โรงแรมเอเชีย กรุงเทพมหานคร” on 20 August 2018. [1]"
    assert answer_language(text) == "en"


def test_a_thai_person_keeps_the_name_and_quotes_the_position():
    text = _answer("Who opened the workshop?", '{"f":"A","a":"{A}"}')
    assert text.startswith("It was นางนภา เศรษฐกร (“อธิบดีกรมพัฒนาสังคมและสวัสดิการ”) [1]")
    assert answer_language(text) == "en"


def test_the_records_own_english_gloss_is_used_with_the_thai_beside_it():
    question = "Which university's researchers worked with the ASEAN Secretariat?"
    for raw in ('{"f":"A","a":"Researchers from {A} worked on it."}', '{"f":"A","a":"{A}"}'):
        text = _answer(question, raw, [S1], [P0, P1])
        assert "University of Cambridge (“มหาวิทยาลัยเคมบริดจ์”)" in text and answer_language(text) == "en", raw


def test_facts_text_is_unchanged_for_thai_readers_and_english_facts():
    facts = [Fact("นางนภา เศรษฐกร อธิบดีกรมพัฒนาสังคมและสวัสดิการ", "person", 1), Fact("20 สิงหาคม 2561", "date", 1)]
    assert facts_text(facts, "th") == "นางนภา เศรษฐกร อธิบดีกรมพัฒนาสังคมและสวัสดิการ [1] · 20 สิงหาคม 2561 [1]"
    assert facts_text([Fact("20 August 2018", "date", 1), Fact("09:30", "time", 1)], "en") == "20 August 2018 [1] · 09:30 [1]"
    two = facts_text([Fact("นางพัชรี อารยะกุล ปลัดกระทรวง", "person", 1), Fact("นายอรรคพงษ์ ศรีสุบัติ", "person", 2)], "en")
    assert two == "It was นางพัชรี อารยะกุล (“ปลัดกระทรวง”) [1] and นายอรรคพงษ์ ศรีสุบัติ [2] (quoted in Thai from the record)"
    assert answer_language(two) == "en"
    role = facts_text([Fact("ผู้อำนวยการกองการต่างประเทศ", "role", 1)], "en")
    assert role.startswith("The record says “ผู้อำนวยการกองการต่างประเทศ” [1]") and answer_language(role) == "en"
    assert english_form(Fact("“ห้อง ๘”", "place", 1)) == "“ห้อง ๘”"  # already quoted: not quoted twice


def test_the_short_answer_stands_in_english_where_it_replaces_the_models():
    facts = [Fact("ห้องประชุมชั้น ๘ อาคารกรมพัฒนาสังคมและสวัสดิการ", "place", 1)]
    short = CitedAnswer("ห้องประชุมชั้น ๘ อาคารกรมพัฒนาสังคมและสวัสดิการ [1] (quoted in Thai from the record)", [], facts)
    english = short_answer(short, "en")
    assert english.startswith("At “ห้องประชุมชั้น ๘") and answer_language(english) == "en"
    thai = CitedAnswer("ห้องประชุมชั้น ๘ อาคารกรมพัฒนาสังคมและสวัสดิการ [1]", [], facts)
    assert short_answer(thai, "th") == thai.text  # a Thai reader gets the short answer as it is
    refused = CitedAnswer("Not found in the meeting records.", [], facts, refused=True)
    assert short_answer(refused, "en") == refused.text


def test_a_copied_span_the_question_names_is_no_answer():
    expansion = "การปฏิวัติอุตสาหกรรมครั้งที่ ๔ (Fourth Industrial Revolution: 4IR) เป็นหัวข้อหลักของรายงาน"
    s, p = one_sentence(expansion, "004.txt", "ADO", "2021-03-12")
    job = plan("4IR ย่อมาจากอะไร", analyse("4IR ย่อมาจากอะไร"), [s])
    assert job.read('{"f":[[1,"4IR"]]}', [p]).kept == []  # the acronym asked about: the engine falls back
    kept = job.read('{"f":[[1,"Fourth Industrial Revolution"]]}', [p]).kept
    assert [f.text for f in kept] == ["Fourth Industrial Revolution"]
    question = "ในการประชุมวันที่ ๒๐ ส.ค. ๖๑ นางนภาเข้าร่วมในฐานะใด"  # the person the question names
    named = plan(question, analyse(question), [S0])
    assert named.read('{"f":[[1,"นางนภา เศรษฐกร"]]}', [P0]).kept == []
    with_post = named.read('{"f":[[1,"นางนภา เศรษฐกร อธิบดีกรมพัฒนาสังคมและสวัสดิการ"]]}', [P0]).kept
    assert with_post and with_post[0].kind == "person"  # her position is the answer


def test_a_copied_name_keeps_the_position_its_sentence_gives():
    question = "ใครเป็นประธานเปิดการประชุมเมื่อ ๒๐ ส.ค. ๒๕๖๑"
    job = plan(question, analyse(question), [S0])
    reply = job.read('{"f":[[1,"นางนภา เศรษฐกร"]]}', [P0])
    if job.opts:  # the recognisers offer the person: the pick carries the position already
        reply = job.read('{"f":"A"}', [P0])
    text = answer(reply, "th")
    assert text is not None and text[0].startswith("นางนภา เศรษฐกร อธิบดีกรมพัฒนาสังคมและสวัสดิการ [1]")


def test_an_english_fallback_to_the_records_sentences_quotes_them_in_an_english_frame():
    sentence = "โดยอาจออกแบบกลยุทธ์การสื่อสาร “COP” โดย “C” หมายถึง Communications (การสื่อสาร)"
    english = short_answer(CitedAnswer(f"{sentence} [1] ที่ประชุมรับทราบ [2]", []), "en")
    assert english == ("The record says: “โดยอาจออกแบบกลยุทธ์การสื่อสาร ‘COP’ โดย ‘C’ หมายถึง Communications (การสื่อสาร)” [1] "
                       "“ที่ประชุมรับทราบ” [2]")
    assert answer_language(english) == "en"


def test_a_thai_answer_of_english_words_quotes_them_in_thai_words():
    expansion = facts_text([Fact("ASEAN Development Outlook", "expansion", 1)], "th")
    assert expansion == "ย่อมาจาก “ASEAN Development Outlook” [1]" and answer_language(expansion) == "th"
    fund = facts_text([Fact("ประเทศญี่ปุ่น", "country", 1),
                       Fact("กองทุน ASEAN-Japan Fund for Building Social Safety Net", "organisation", 1)], "th")
    assert fund == "ประเทศญี่ปุ่น [1] · กองทุน “ASEAN-Japan Fund for Building Social Safety Net” [1]"
    assert answer_language(fund) == "th"
    for thai in ([Fact("การประชุม SOCA Retreat", "named", 1)], [Fact("๘ กุมภาพันธ์ ๒๕๖๔", "date", 1)], [Fact("SOCCOM", "named", 1)]):
        assert facts_text(thai, "th") == f"{thai[0].text} [1]"  # already Thai, or no words of either: as it is
    short = CitedAnswer("ASEAN Development Outlook [1]", [], [Fact("ASEAN Development Outlook", "expansion", 1)])
    assert short_answer(short, "th") == expansion


def test_a_copied_span_cut_inside_a_thai_word_is_no_fact():
    sentence = "เอกสารผลลัพธ์สำคัญจะเสนอต่อที่ประชุมประชาคมสังคมและวัฒนธรรมอาเซียน เมื่อ ๙ ก.พ. ๒๕๖๔"
    s, p = one_sentence(sentence, "003.txt", "SOCA Retreat", "2021-02-09")
    question = "เอกสารผลลัพธ์สำคัญจะเสนอต่อที่ประชุมใด"
    job = plan(question, analyse(question), [s])
    assert job.read('{"f":[[1,"ประชาคมสังคมและวัฒนธรรมอา"]]}', [p]).kept == []  # "อา|เซียน": cut off
    whole = job.read('{"f":[[1,"ประชาคมสังคมและวัฒนธรรมอาเซียน"]]}', [p]).kept
    assert [f.text for f in whole] == ["ประชาคมสังคมและวัฒนธรรมอาเซียน"]


def test_the_questions_own_word_in_the_readers_form_is_no_answer_and_a_span_stopped_by_the_grammar_is_kept():
    fund = "โครงการศึกษาเปรียบเทียบกฎหมายได้รับการสนับสนุนจากประเทศญี่ปุ่น ภายใต้กองทุน ASEAN-Japan Fund"
    s, p = one_sentence(fund, "000.txt", "SOMSWD+3", "2020-09-24")
    question = "Under which fund did Japan support the comparative study?"
    job = plan(question, analyse(question), [s])
    if not job.opts:  # no option offered: the model copies words
        assert job.read('{"f":[[1,"ญี่ปุ่น"]],"a":"Under the fund of {1}."}', [p]).kept == []  # "Japan" again
    long = ("สถานการณ์การแพร่ระบาดของโควิด ๑๙ สะท้อนให้เห็นถึงความเหลื่อมล้ำที่มีอยู่ซึ่งส่งผลกระทบที่รุนแรงต่อกลุ่มเปราะบาง"
            "ในสังคมอาเซียน")
    s2, p2 = one_sentence(long, "004.txt", "CoP", "2021-08-26")
    q2 = "What did the statement say the pandemic revealed?"
    job2 = plan(q2, analyse(q2), [s2])
    cut = job2.lines[0].shown[:90]  # where the grammar's 90 characters stop the copy, inside "รุนแรง"
    kept = job2.read('{"f":[[1,"' + cut + '"]],"a":"{1}"}', [p2]).kept
    assert len(kept) == 1 and cut.startswith(kept[0].text) and kept[0].text.endswith("ส่งผลกระทบที่")


def test_a_copied_date_answers_only_a_question_that_asks_when():
    outcome = ("เอกสารผลลัพธ์สำคัญจะเสนอต่อการประชุมสุดยอดอาเซียน ครั้งที่ ๓๘ "
               "ซึ่งที่ประชุมรับรองเมื่อวันที่ ๙ ก.พ. ๖๔")
    s, p = one_sentence(outcome, "003.txt", "SOCA Retreat", "2021-02-09")
    which = "เอกสารผลลัพธ์สำคัญจะเสนอต่อการประชุมใด"
    assert plan(which, analyse(which), [s]).read('{"f":[[1,"๙ ก.พ. ๖๔"]]}', [p]).kept == []
    when = "ที่ประชุมรับรองเอกสารผลลัพธ์เมื่อไร"
    kept = plan(when, analyse(when), [s]).read('{"f":[[1,"๙ ก.พ. ๖๔"]]}', [p]).kept
    assert [f.kind for f in kept] == ["date"]
