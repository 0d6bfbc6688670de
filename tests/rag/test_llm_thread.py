"""The local LLM's work runs on one niced thread, so short answers get the CPU first (#9)."""
from __future__ import annotations

import os
import threading
import time

import pytest

from rag.llm_thread import LLM_NICE, on_llm_thread


def test_pieces_come_back_in_order_and_the_work_runs_on_the_niced_thread():
    seen: dict[str, int] = {}

    def make():
        seen["thread"] = threading.get_native_id()
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        yield from ["นางจตุพร โรจนพานิช", " · ", "๘ กุมภาพันธ์ ๒๕๖๔"]

    here = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert list(on_llm_thread(make)) == ["นางจตุพร โรจนพานิช", " · ", "๘ กุมภาพันธ์ ๒๕๖๔"]
    assert seen["thread"] != threading.get_native_id()
    assert seen["nice"] == min(here + LLM_NICE, 19)


def test_an_error_of_the_model_is_raised_in_the_readers_thread():
    def make():
        yield "SOCA"
        raise RuntimeError("llama_decode returned -1")

    pieces = on_llm_thread(make)
    assert next(pieces) == "SOCA"
    with pytest.raises(RuntimeError, match="llama_decode"):
        next(pieces)


def test_a_reader_that_leaves_stops_the_work():
    written: list[int] = []
    stopped = threading.Event()

    def make():
        try:
            for n in range(1000):
                written.append(n)
                time.sleep(0.005)
                yield f"token {n}"
        finally:
            stopped.set()

    pieces = on_llm_thread(make)
    assert next(pieces) == "token 0"
    pieces.close()
    assert stopped.wait(5)
    assert len(written) < 1000
    assert list(on_llm_thread(lambda: iter(["ต่อไป"]))) == ["ต่อไป"]  # the thread goes on with the next question


def test_the_model_waits_while_a_question_is_on_its_way_to_its_short_answer():
    from rag.llm_thread import short_answers

    started = threading.Event()
    with short_answers:  # another person's question is being answered from the slots
        pieces = on_llm_thread(lambda: (started.set(), iter(["ตอบ"]))[1])
        reader = threading.Thread(target=lambda: list(pieces))
        reader.start()
        assert not started.wait(0.3)  # the model has not begun
    assert started.wait(5)  # and begins once that short answer is out
    reader.join(5)
