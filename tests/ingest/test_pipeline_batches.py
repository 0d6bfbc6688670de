"""Embedding across files (ingest/batches.py): full batches whatever the files, progress inside a large
document, one document's failure kept to itself, and the read-ahead thread's order and errors."""
from __future__ import annotations

import threading
from typing import Sequence

import numpy as np
import pytest

from ingest.batches import Behind, EmbedBatcher, Progress

DIM = 4


class CountingEmbedder:
    """Vector i of a call is [len(text), call number, position, 1]; fails on texts holding ``bad``."""

    name = "counting"

    def __init__(self, bad: str = "\0never") -> None:
        self.calls: list[int] = []
        self.bad = bad

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        if any(self.bad in t for t in texts):
            raise RuntimeError(f"cannot embed {self.bad}")
        return np.array([[len(t), len(self.calls), i, 1] for i, t in enumerate(texts)], dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.ones(DIM, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return len(text)


def thai_texts(doc: str, n: int) -> list[str]:
    """Chunks of one record, each a different length so its vector says which chunk it is."""
    return [f"{doc} วาระที่ ๑.{i} ที่ประชุมรับทราบ ก.พ. 64 " + "ก" * i for i in range(n)]


def test_chunks_of_several_documents_share_full_batches_and_come_back_in_order():
    embedder = CountingEmbedder()
    batcher: EmbedBatcher[str] = EmbedBatcher(embedder, batch_size=16)
    done = []
    for name, n in (("ก", 10), ("ข", 30), ("ค", 5)):
        done += batcher.add(name, thai_texts(name, n))
    done += batcher.flush()
    assert embedder.calls == [16, 16, 13]  # not one call per document (10, 30, 5 -> 5 calls of 16 at most)
    assert [d.item for d in done] == ["ก", "ข", "ค"]
    for d, n in zip(done, (10, 30, 5)):
        vectors = d.vectors()
        assert vectors.shape == (n, DIM) and d.error is None
        assert vectors[:, 0].tolist() == [len(t) for t in d.texts]  # each chunk got its own vector


def test_a_large_document_moves_the_progress_before_it_is_complete():
    embedder = CountingEmbedder()
    seen: list[tuple[int, int]] = []  # (chunks embedded so far, documents completed so far)
    completed: list[str] = []
    total = [0]

    def on_embedded(n: int) -> None:
        total[0] += n
        seen.append((total[0], len(completed)))

    batcher: EmbedBatcher[str] = EmbedBatcher(embedder, batch_size=64, on_embedded=on_embedded)
    completed += [d.item for d in batcher.add("ใหญ่", thai_texts("ใหญ่", 200))]
    assert [s for s, _ in seen] == [64, 128, 192] and all(c == 0 for _, c in seen)
    assert batcher.waiting == 8 and completed == []
    completed += [d.item for d in batcher.flush()]
    assert completed == ["ใหญ่"] and seen[-1] == (200, 0)


def test_a_failing_document_fails_alone_even_inside_a_shared_batch():
    embedder = CountingEmbedder(bad="เสีย")
    batcher: EmbedBatcher[str] = EmbedBatcher(embedder, batch_size=8)
    done = batcher.add("ดี๑", thai_texts("ดี๑", 3))
    done += batcher.add("เสีย", thai_texts("เสีย", 3))
    done += batcher.add("ดี๒", thai_texts("ดี๒", 5))
    done += batcher.flush()
    by_name = {d.item: d for d in done}
    assert [d.item for d in done] == ["ดี๑", "เสีย", "ดี๒"]
    assert isinstance(by_name["เสีย"].error, RuntimeError)
    assert by_name["ดี๑"].error is None and by_name["ดี๑"].vectors().shape == (3, DIM)
    assert by_name["ดี๒"].error is None and by_name["ดี๒"].vectors().shape == (5, DIM)


def test_an_embedder_returning_the_wrong_number_of_vectors_fails_the_document():
    class Short(CountingEmbedder):
        def embed_passages(self, texts):  # type: ignore[no-untyped-def]
            return super().embed_passages(texts)[:-1]

    batcher: EmbedBatcher[str] = EmbedBatcher(Short(), batch_size=4)
    (done,) = batcher.add("ก", thai_texts("ก", 2)) + batcher.flush()
    assert isinstance(done.error, ValueError) and "2 texts" in str(done.error)


def test_batch_size_must_be_positive():
    with pytest.raises(ValueError):
        EmbedBatcher(CountingEmbedder(), batch_size=0)


def test_progress_counts_documents_and_grows_the_chunk_total(capsys):
    bar = Progress(documents=2, enabled=True)
    bar.chunked(300)
    bar.embedded(64)
    assert (bar.chunks.n, bar.chunks.total) == (64, 300)
    bar.document("บันทึกการประชุม ๑.txt")
    assert bar.docs.n == 1
    bar.close()
    err = capsys.readouterr().err
    assert "documents" in err and "chunks" in err
    quiet = Progress(documents=1, enabled=False)
    quiet.chunked(5)
    quiet.close()
    assert capsys.readouterr().err == ""


def test_behind_runs_work_in_order_on_one_thread_and_reports_a_crash():
    done: list[tuple[int, str]] = []
    behind = Behind(depth=2)
    for i in range(20):
        behind.put(lambda i=i: done.append((i, threading.current_thread().name)))
    behind.close()
    assert [i for i, _ in done] == list(range(20)) and {t for _, t in done} == {"ingest-write"}
    inline = Behind(depth=0)
    inline.put(lambda: done.append((99, threading.current_thread().name)))
    assert done[-1] == (99, threading.current_thread().name)
    broken = Behind(depth=2)
    broken.put(lambda: (_ for _ in ()).throw(OSError("ดิสก์เต็ม")))
    with pytest.raises(OSError, match="ดิสก์เต็ม"):
        broken.close()


def test_behind_can_drop_work_not_yet_started():
    started, gate = threading.Event(), threading.Event()
    ran: list[int] = []
    behind = Behind(depth=4)
    behind.put(lambda: (started.set(), gate.wait(5), ran.append(0)))
    assert started.wait(5)  # the first piece is running; the next three wait in the queue
    for i in range(1, 4):
        behind.put(lambda i=i: ran.append(i))
    threading.Timer(0.5, gate.set).start()  # the queue is emptied at once, long before this
    behind.close(drop=True)
    assert ran == [0]


