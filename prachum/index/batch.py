"""What a batched write carries, checked before anything is written, and the thread a write overlaps with.

Why batches: a write's fixed cost is tantivy's commit (its fsyncs) and two catalog
transactions, ~0.1 s whatever the size; ingest writes documents as their vectors
arrive, so it can hand the store several at once (:meth:`IndexStore.write_documents`).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from prachum.index.catalog import ChunkRecord, document_row
from prachum.index.lexical import LexicalDoc


@dataclass(frozen=True)
class DocumentWrite:
    """One document of :meth:`IndexStore.write_documents`; ``words`` as :meth:`IndexStore.words` cuts them,
    when the caller cut them already (None: the write cuts them)."""

    source: str
    chunks: Sequence[ChunkRecord]
    embeddings: np.ndarray
    facts: Any = None
    words: Sequence[Sequence[str]] | None = None


def lexical_doc(chunk_id: str, source: str, indexed_text: str, date_ord: int, acronyms: str) -> LexicalDoc:
    return LexicalDoc(chunk_id, source, indexed_text, int(date_ord or 0), tuple(a for a in acronyms.split(",") if a))


def check_batch(batch: Sequence[DocumentWrite]) -> None:
    sources = [d.source for d in batch]
    if len(set(sources)) != len(sources):
        raise ValueError("a document can be written only once in a batch")
    for d in batch:
        if len(d.chunks) != len(d.embeddings) or (d.words is not None and len(d.words) != len(d.chunks)):
            raise ValueError("one embedding (and one word list, if given) per chunk is required")
        if any(c.source != d.source for c in d.chunks):
            raise ValueError(f"every chunk must belong to {d.source}")


class Background(threading.Thread):
    """Run ``work`` beside the caller; :meth:`join` raises what it raised (a crash included)."""

    def __init__(self, work: Any) -> None:
        super().__init__(daemon=True)
        self._work, self._error = work, None
        self.start()

    def run(self) -> None:
        try:
            self._work()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by join
            self._error = exc

    def join(self, timeout: float | None = None) -> None:
        super().join(timeout)
        if self._error is not None:
            raise self._error


def publish_changes(batch: Sequence[DocumentWrite], rows: Sequence[tuple]) -> list[tuple]:
    """``(source, rows, document, facts)`` of each document, as Catalog.publish_many takes them;
    ``rows`` are the batch's chunk rows in order."""
    changes, at = [], 0
    for d in batch:
        changes.append((d.source, rows[at : at + len(d.chunks)], document_row(d.chunks), d.facts))
        at += len(d.chunks)
    return changes
