"""The local LLM runs on one thread of its own, at a lower CPU priority than the questions.

Why: on a laptop's two cores llama.cpp takes every cycle while it writes, so twenty people
asking at once waited about twenty seconds for a short answer that needs a tenth of a second
of CPU (#9). Each short answer comes from the slot path before any model runs; with the
model's work niced, the kernel gives those answers the CPU first and the phrasing follows
when its turn comes. When nothing else runs, a niced thread is as fast as any.

llama.cpp computes on the thread that calls it and on threads that thread starts, which
inherit its niceness (Linux keeps nice per thread); so every generation is iterated here.
Generations ran one at a time before too (one model, one context), so one thread costs nothing.
"""
from __future__ import annotations

import os
import queue
import threading
from typing import Any, Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")

LLM_NICE = 19  # the lowest: the model still has an idle CPU to itself, and yields it to any question at once
_END = object()


class _Job:
    def __init__(self, make: Callable[[], Iterable[Any]]) -> None:
        self.make = make
        self.out: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue()
        self.cancelled = threading.Event()


class _LLMThread(threading.Thread):
    def __init__(self) -> None:
        super().__init__(name="prachum-llm", daemon=True)
        self.jobs: queue.Queue[_Job] = queue.Queue()
        self.start()

    def run(self) -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LLM_NICE)
        except (OSError, AttributeError):  # not Linux, or not allowed: the same as before, only slower for others
            pass
        while True:
            job = self.jobs.get()
            error: BaseException | None = None
            if job.cancelled.is_set():  # the reader left while it waited its turn
                job.out.put((_END, None))
                continue
            try:
                short_answers.wait_for_none(YIELD_S)
                pieces = iter(job.make())
                for piece in pieces:
                    short_answers.wait_for_none(YIELD_S)
                    if job.cancelled.is_set():  # the reader went away (a closed browser tab): stop writing
                        close = getattr(pieces, "close", None)
                        if close is not None:
                            close()
                        break
                    job.out.put((piece, None))
            except BaseException as exc:  # noqa: BLE001 - raised again in the reader's thread
                error = exc
            job.out.put((_END, error))


class _ShortAnswers:
    """How many questions are on their way to a short answer; the model waits while any is."""

    def __init__(self) -> None:
        self._count = 0
        self._changed = threading.Condition()

    def __enter__(self) -> None:
        with self._changed:
            self._count += 1

    def __exit__(self, *exc: object) -> None:
        with self._changed:
            self._count -= 1
            self._changed.notify_all()

    def wait_for_none(self, limit: float) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._count == 0, timeout=limit)


short_answers = _ShortAnswers()
"""``with short_answers:`` around the work before a question's short answer: the model starts or goes on
writing only when no question is in that stage (at most ``YIELD_S`` of waiting a step), so a burst of
questions gets its short answers first even where nice does not reach (memory bandwidth, spinning threads)."""
YIELD_S = 2.0

_thread: _LLMThread | None = None
_starting = threading.Lock()


def on_llm_thread(make: Callable[[], Iterable[T]]) -> Iterator[T]:
    """Iterate ``make()`` on the LLM's low-priority thread and yield what it yields, here.

    ``make`` is called there, so the model's work starts there too; an exception it raises is
    raised here. Closing this generator early stops the work at its next piece.
    """
    global _thread
    with _starting:
        if _thread is None:
            _thread = _LLMThread()
    job = _Job(make)
    _thread.jobs.put(job)
    try:
        while True:
            piece, error = job.out.get()
            if piece is _END:
                if error is not None:
                    raise error
                return
            yield piece
    finally:
        job.cancelled.set()


__all__ = ["LLM_NICE", "on_llm_thread", "short_answers"]
