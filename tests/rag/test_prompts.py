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
    from rag.prompts import EXTRACT_SYSTEM, extract_prompt

    # read once per process (cached by llama.cpp), yet every token is ~20-50 ms at start-up
    assert tokens_estimate(EXTRACT_SYSTEM) < 320
    examples = [json.loads(line) for line in EXTRACT_SYSTEM.splitlines() if line.startswith('{"f"')]
    assert len(examples) == 2
    picked, copied = examples
    assert picked["f"] == "AC" and set(re.findall(r"\{([A-Z])\}", picked["a"])) == set(picked["f"])
    letters = re.findall(r"^([A-Z])\. ", EXTRACT_SYSTEM, re.M)
    assert letters == ["A", "B", "C"]  # every picked letter was offered
    assert isinstance(copied["f"], list) and "a" not in copied  # a Thai question gets no template
    n, span = copied["f"][0]
    assert span in EXTRACT_SYSTEM.split(f"[{n}] ")[1].splitlines()[0]  # copied exactly from its sentence
    system, human = extract_prompt().format_messages(sentences="[1] เมื่อวันที่ 8 กุมภาพันธ์ 2564", question="ประชุมเมื่อไร",
                                                     options="\nOptions:\nA. 8 กุมภาพันธ์ 2564")
    assert system.content == EXTRACT_SYSTEM  # the braces of the examples survive templating
    assert human.content == "[1] เมื่อวันที่ 8 กุมภาพันธ์ 2564\nQuestion: ประชุมเมื่อไร\nOptions:\nA. 8 กุมภาพันธ์ 2564"


def test_prompts_import_langchain_only_when_a_prompt_is_built():
    import subprocess
    import sys

    code = ("import sys, rag.prompts, rag.extract; assert 'langchain_core' not in sys.modules, 'imported early'; "
            "from rag.prompts import EXTRACT_PROMPT, PROMPT, SPAN_PROMPT, extract_prompt; "
            "assert EXTRACT_PROMPT is extract_prompt() and 'langchain_core' in sys.modules; "
            "assert PROMPT.input_variables == ['context', 'question'] and SPAN_PROMPT.input_variables == ['question', 'sentences']")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    import rag.prompts

    try:
        rag.prompts.NOT_A_PROMPT  # noqa: B018
    except AttributeError as exc:
        assert "NOT_A_PROMPT" in str(exc)
    else:
        raise AssertionError("an unknown name must still be an AttributeError")


def test_a_date_range_stays_a_range_for_the_model():
    assert expand_dates("ระหว่างวันที่ ๒๑-๒๒ ก.ย. ๖๓ ณ กรุงมะนิลา") == "ระหว่างวันที่ 21-22 กันยายน 2563 ณ กรุงมะนิลา"
