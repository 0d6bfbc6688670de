"""Uploads while others ask: the service embeds an upload outside the write lock and takes the lock only
to write, so a question never waits for an upload's embedding (asserted on the order of events)."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

import pytest

from app.service import Service
from ingest.pipeline import ingest_paths
from prachum.index.store import IndexStore
from rag.engine import Prachum
from tests.app.conftest import SOCA_Q, THAI_MINUTES, seed_settings, slow_fake_chat
from tests.conftest import SEEDS, FakeEmbedder

WAIT = 60  # seconds before a test gives up instead of hanging; never reached when all is well


class GatedEmbedder(FakeEmbedder):
    """Embeds passages for the thread named ``gated`` only once the test opens the gate."""

    def __init__(self, gated: str) -> None:
        self.gated = gated
        self.started = threading.Event()
        self.gate = threading.Event()
        self.finished = threading.Event()

    def embed_passages(self, texts, progress=False):  # type: ignore[no-untyped-def]
        if threading.current_thread().name != self.gated:
            return super().embed_passages(texts)
        self.started.set()
        if not self.gate.wait(WAIT):
            raise TimeoutError("the test never opened the gate")
        try:
            return super().embed_passages(texts)
        finally:
            self.finished.set()


def seed_service(data_dir: Path, embedder: FakeEmbedder) -> Service:
    settings = seed_settings(data_dir)
    store = IndexStore(settings)
    assert ingest_paths([SEEDS], settings, store, FakeEmbedder(), progress=False).count("added") == 5
    return Service(Prachum(settings, store, embedder, chat_models={"local": slow_fake_chat()}))


def upload_file(tmp_path: Path) -> Path:
    path = tmp_path / "ประชุม ICTC ๒-๒๕๖๗.md"
    path.write_text(THAI_MINUTES, encoding="utf-8")
    return path


def run_in(name: str, work: Callable[[], object], events: list) -> threading.Thread:  # type: ignore[type-arg]
    thread = threading.Thread(target=lambda: events.append((name, work())), name=name, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("how", ["upload", "ingest"])
def test_a_question_is_answered_while_an_upload_is_being_embedded(tmp_path, how):
    embedder = GatedEmbedder(gated="writer")
    service = seed_service(tmp_path / "data", embedder)
    path = upload_file(tmp_path)
    events: list = []
    if how == "upload":
        writer = run_in("writer", lambda: service.add_files([path])[0].status, events)
    else:
        writer = run_in("writer", lambda: service.ingest([path], progress=False).results[0].status, events)
    assert embedder.started.wait(WAIT), "the upload never started embedding"
    asker = run_in("asker", lambda: service.ask(SOCA_Q, answerer="extractive"), events)
    asker.join(WAIT)
    assert not asker.is_alive(), "the question waited for the upload's embedding"
    events.append(("gate", "opened"))
    embedder.gate.set()
    writer.join(WAIT)
    assert [name for name, _ in events] == ["asker", "gate", "writer"]
    answer, status = events[0][1], events[2][1]
    assert not answer.refused and answer.citations and all("seeds" in c.passage.source for c in answer.citations)
    assert status == "added"
    assert service.engine.store.fingerprint(str(service.upload_dir / path.name if how == "upload" else path)) is not None


def test_the_write_itself_waits_for_questions_that_are_reading(tmp_path):
    embedder = GatedEmbedder(gated="writer")
    service = seed_service(tmp_path / "data", embedder)
    path = upload_file(tmp_path)
    target = service.upload_dir / path.name
    events: list = []
    embedder.gate.set()
    with service.lock.reading():  # a question reading the index
        writer = run_in("writer", lambda: service.add_files([path])[0].status, events)
        assert embedder.finished.wait(WAIT)
        deadline = time.monotonic() + WAIT
        while not service.lock._writers_waiting and time.monotonic() < deadline:  # embedded, now at the lock
            time.sleep(0.01)
        assert service.lock._writers_waiting == 1
        assert service.engine.store.fingerprint(str(target)) is None and writer.is_alive()
        events.append(("reader", "done"))
    writer.join(WAIT)
    assert events == [("reader", "done"), ("writer", "added")]
    assert service.engine.store.fingerprint(str(target)) is not None


def test_uploads_run_one_at_a_time_and_both_go_in(tmp_path):
    embedder = GatedEmbedder(gated="first")
    service = seed_service(tmp_path / "data", embedder)
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    one = first / "บันทึก.md"
    one.write_text(THAI_MINUTES, encoding="utf-8")
    two = second / "บันทึก ๒.md"
    two.write_text(THAI_MINUTES.replace("ครั้งที่ ๒/๒๕๖๗", "ครั้งที่ ๓/๒๕๖๗"), encoding="utf-8")
    events: list = []
    a = run_in("first", lambda: service.add_files([one])[0].status, events)
    assert embedder.started.wait(WAIT)
    b = run_in("second", lambda: service.add_files([two])[0].status, events)
    b.join(0.5)
    assert b.is_alive() and events == []  # the second upload waits for the first (they share the upload folder)
    embedder.gate.set()
    a.join(WAIT), b.join(WAIT)
    assert events == [("first", "added"), ("second", "added")]
    assert {d.title for d in service.documents()} >= {"การประชุมคณะกรรมการพัฒนาระบบสารสนเทศ ครั้งที่ ๒/๒๕๖๗"}
