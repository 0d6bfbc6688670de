from rag.prompts import expand_dates, format_context, is_decline
from rag.question import question_language


def test_question_language():
    assert question_language("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat") == "th"
    assert question_language("Who represented Thailand at the SOCA Retreat?") == "en"
    assert question_language("SOCA Retreat จัดเมื่อไร") == "th"


def test_dates_are_written_out_for_the_model():
    text = expand_dates("เมื่อวันที่ 8 ก.พ. 64 เวลา ๐๙.๐๐ น.")
    assert "8 กุมภาพันธ์ 2564" in text
    assert "09.00" in text


def test_context_is_numbered_with_titles():
    ctx = format_context([(1, "SOCA Retreat", "2021-02-08", "ข้อความ ๑"), (2, "SOCCOM", "", "ข้อความ 2")])
    assert ctx.startswith("[1] SOCA Retreat (2021-02-08)\nข้อความ 1")
    assert "[2] SOCCOM\n" in ctx


def test_declines_are_recognised_in_both_languages():
    assert is_decline("NOT_FOUND")
    assert is_decline("ไม่พบข้อมูลในข้อความที่ให้มา")
    assert is_decline("The passages do not say when the meeting was held.")
    assert not is_decline("นางจตุพร โรจนพานิช เป็นผู้แทน [1]")


def test_extract_prompt_is_short_and_its_examples_follow_the_reply_grammar():
    import json
    import re

    from rag.extract import tokens_estimate
    from rag.prompts import EXTRACT_PROMPT, EXTRACT_SYSTEM

    # read once per process (cached by llama.cpp), yet every token is ~20 ms at start-up
    assert tokens_estimate(EXTRACT_SYSTEM) < 300
    examples = [json.loads(line) for line in EXTRACT_SYSTEM.splitlines() if line.startswith('{"facts"')]
    assert len(examples) == 2
    for example in examples:
        assert set(example) == {"facts", "answer"} and example["facts"]
        assert {int(k) for k in re.findall(r"\{(\d)\}", example["answer"])} == set(range(1, len(example["facts"]) + 1))
    system, human = EXTRACT_PROMPT.format_messages(sentences="[1] เมื่อวันที่ 8 กุมภาพันธ์ 2564", question="ประชุมเมื่อไร")
    assert system.content == EXTRACT_SYSTEM  # the braces of the examples survive templating
    assert human.content == "[1] เมื่อวันที่ 8 กุมภาพันธ์ 2564\nQuestion: ประชุมเมื่อไร"
