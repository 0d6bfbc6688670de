"""Embedding across files: chunks of many documents share one embedder call, and a document is
written as soon as its last chunk is embedded.

The embedder is fastest on full batches (a short record of three chunks alone would waste
most of a call), and a record of thousands of chunks must show progress while it is
embedded, not only once it is done; so chunks wait in one queue, whatever file they come
from, and leave it ``batch_size`` at a time. Reading and chunking the next files runs on
another thread (:func:`ahead`) while the embedder, which releases the GIL, works, and the
store writes embedded documents on a third (:class:`Behind`). When the next file is not
chunked yet, the embedder takes a part batch rather than wait (``ahead(idle=...)``).

A batch that fails is retried document by document, so one unreadable chunk fails its own
document and no other.
"""
from __future__ import annotations

import queue
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Sequence, TypeVar

import numpy as np
from tqdm import tqdm

from prachum.models import SupportsEmbedding

# Texts per embedder call. sentence-transformers sorts a call's texts by length before padding,
# and a call mixes long chunks with their short sentences: 64 to a call cost 37% more than the
# same texts in one call, 256 about as much (python -m bench.ingest_rate real 16).
EMBED_BATCH = 256
# Embedded documents waiting for the store: the embedder goes on while one is written, and
# stops when the store falls this far behind, so vectors do not pile up in memory.
WRITE_AHEAD = 8

T = TypeVar("T")


@dataclass(eq=False)  # compared and hashed by identity: two documents may hold equal texts
class Pending(Generic[T]):
    """One document waiting for its vectors: ``texts`` to embed, and whatever the caller needs back."""

    item: T
    texts: Sequence[str]
    counted: int = -1  # the first ``counted`` texts are what progress counts (chunks); -1: all of them
    parts: list[np.ndarray] = field(default_factory=list)
    done: int = 0
    error: Exception | None = None

    @property
    def complete(self) -> bool:
        return self.error is not None or self.done == len(self.texts)

    def vectors(self) -> np.ndarray:
        return np.concatenate(self.parts) if self.parts else np.zeros((0, 0), dtype=np.float32)


class EmbedBatcher(Generic[T]):
    """A FIFO of chunks from many documents, embedded ``batch_size`` at a time.

    :meth:`add` and :meth:`flush` return the documents that became complete, in the order
    they were added (a document completes only once every chunk before it is embedded).
    ``on_embedded(n)`` is called after each call to the embedder with the chunks it embedded.
    """

    def __init__(self, embedder: SupportsEmbedding, batch_size: int = EMBED_BATCH,
                 on_embedded: Callable[[int], None] | None = None) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.embedder = embedder
        self.batch_size = batch_size
        self.on_embedded = on_embedded or (lambda n: None)
        self._docs: deque[Pending[T]] = deque()
        self._queued: deque[tuple[Pending[T], int]] = deque()  # (document, chunk index)

    def add(self, item: T, texts: Sequence[str], counted: int = -1) -> list[Pending[T]]:
        self._docs.append(Pending(item, texts, counted))
        self._queued.extend((self._docs[-1], i) for i in range(len(texts)))
        while len(self._queued) >= self.batch_size:
            self._embed(self.batch_size)
        return self._completed()

    def flush(self) -> list[Pending[T]]:
        while self._queued:
            self._embed(self.batch_size)
        return self._completed()

    @property
    def waiting(self) -> int:
        """Chunks queued but not yet embedded."""
        return len(self._queued)

    def _completed(self) -> list[Pending[T]]:
        out = []
        while self._docs and self._docs[0].complete:
            out.append(self._docs.popleft())
        return out

    def _embed(self, size: int) -> None:
        batch = [self._queued.popleft() for _ in range(min(size, len(self._queued)))]
        batch = [(doc, i) for doc, i in batch if doc.error is None]
        if not batch:
            return
        try:
            vectors = self.embedder.embed_passages([doc.texts[i] for doc, i in batch])
            self._take(batch, vectors)
        except Exception:  # noqa: BLE001 - find the document at fault; the others go on
            for doc in dict.fromkeys(doc for doc, _ in batch):
                mine = [(d, i) for d, i in batch if d is doc]
                try:
                    self._take(mine, self.embedder.embed_passages([doc.texts[i] for _, i in mine]))
                except Exception as exc:  # noqa: BLE001
                    doc.error = exc
                    doc.parts = []
        self.on_embedded(sum(1 for doc, i in batch if doc.counted < 0 or i < doc.counted))

    @staticmethod
    def _take(batch: list[tuple[Pending[T], int]], vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(batch):
            raise ValueError(f"the embedder returned {vectors.shape} vectors for {len(batch)} texts")
        start = 0
        while start < len(batch):  # consecutive runs of one document
            doc = batch[start][0]
            end = start
            while end < len(batch) and batch[end][0] is doc:
                end += 1
            doc.parts.append(vectors[start:end])
            doc.done += end - start
            start = end


_END = object()


class Behind:
    """Work done on one background thread, in the order given, at most ``depth`` waiting.

    The embedder releases the GIL, so the store's write of one document (SQL, Chroma, the
    lexical index; partly waiting on the disk) runs while the next batch is embedded.
    ``depth`` 0 runs each piece of work at once, inline. Work must not raise; if it does,
    the error is raised by the next :meth:`put` or by :meth:`close`.
    """

    def __init__(self, depth: int = WRITE_AHEAD) -> None:
        self.depth = depth
        self._error: BaseException | None = None
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(depth, 1))
        self._thread: threading.Thread | None = None
        if depth > 0:
            self._thread = threading.Thread(target=self._run, name="ingest-write", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            work = self._queue.get()
            if work is _END:
                return
            if self._error is None:
                try:
                    work()
                except BaseException as exc:  # noqa: BLE001 - handed to the caller
                    self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def put(self, work: Callable[[], None]) -> None:
        self._raise()
        if self._thread is None:
            work()
        else:
            self._queue.put(work)

    def close(self, drop: bool = False) -> None:
        """Wait until everything given is done (``drop``: skip what has not started)."""
        if self._thread is not None:
            if drop:
                while True:
                    try:
                        self._queue.get_nowait()
                    except queue.Empty:
                        break
            self._queue.put(_END)
            self._thread.join()
            self._thread = None
        self._raise()


class Progress:
    """Two bars on stderr: documents done and chunks embedded, each with its rate.

    The chunk bar's total grows as documents are chunked, so it moves inside a large file.
    """

    def __init__(self, documents: int, enabled: bool) -> None:
        self.started = time.perf_counter()
        self.docs = tqdm(total=documents, desc="documents", unit="doc", file=sys.stderr,
                         disable=not enabled, leave=False, position=0, dynamic_ncols=True)
        self.chunks = tqdm(total=0, desc="chunks", unit="chunk", file=sys.stderr,
                           disable=not enabled, leave=False, position=1, dynamic_ncols=True)

    def document(self, name: str = "") -> None:
        if name:
            self.docs.set_postfix_str(name[-40:], refresh=False)
        self.docs.update(1)

    def chunked(self, n: int) -> None:
        self.chunks.total = (self.chunks.total or 0) + n
        self.chunks.refresh()

    def embedded(self, n: int) -> None:
        self.chunks.update(n)

    def close(self) -> None:
        self.chunks.close()
        self.docs.close()


__all__ = ["EMBED_BATCH", "WRITE_AHEAD", "Behind", "EmbedBatcher", "Pending", "Progress"]
