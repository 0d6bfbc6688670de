"""Each chunk's sentence vectors, made at ingest and kept in the catalog's file.

Why: the evidence step scores every sentence of the best passages against the question
with e5, and encoding those sentences was about a second of CPU a question, so twenty
people asking at once waited ten seconds for the short answer (#9). Encoded once, when
the chunk is embedded, a question only reads them.

The table is a cache keyed by chunk id, and a chunk's id is a hash of its source,
position and text: a row is right for that chunk whenever it is found, so it needs no
part in the write protocol of :mod:`prachum.index.store`. A chunk without a row (an
index built before this, a sentence split that changed) is simply encoded at question
time, as before. Rows of chunks that left the index are pruned after an ingest.
Vectors are float16: the scores they feed are rescaled within each question.
"""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from prachum.thai.sentences import split_sentences
from prachum.thai.text import search_form

SCHEMA = """
CREATE TABLE IF NOT EXISTS sentence_vectors (
    chunk_id TEXT PRIMARY KEY, dim INT NOT NULL, spans BLOB NOT NULL, vectors BLOB NOT NULL
);
"""
_BATCH = 900  # ids per IN (...) list, under SQLite's bound-variable limit

Span = tuple[int, int]


def sentence_spans(text: str) -> list[Span]:
    """The sentences the evidence step reads in a chunk's text (the same split, so the same keys)."""
    return [(s.start, s.end) for s in split_sentences(text)]


def sentence_texts(text: str) -> list[str]:
    """What is embedded for each of those sentences: its search form, as the question side embeds it."""
    return [search_form(text[a:b]) for a, b in sentence_spans(text)]


class SentenceVectorCache:
    """{chunk id: {(start, end): vector}} in the ``sentence_vectors`` table of ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self._made = False  # the table is made by the first write: a reader never writes

    def _make(self) -> None:
        if not self._made:
            self._conn.executescript(SCHEMA)
            self._made = True

    def put(self, rows: Iterable[tuple[str, Sequence[Span], np.ndarray]]) -> None:
        """Keep ``(chunk id, spans, one vector per span)`` rows, replacing any of the same ids."""
        packed = []
        for chunk_id, spans, vectors in rows:
            if not spans:  # nothing to keep: the evidence step splits such a chunk itself
                continue
            vectors = np.asarray(vectors, dtype=np.float16).reshape(len(spans), -1)
            packed.append((chunk_id, vectors.shape[1], np.asarray(spans, dtype=np.int32).reshape(-1, 2).tobytes(),
                           vectors.tobytes()))
        if packed:
            with self._lock:
                self._make()
                self._conn.executemany("INSERT OR REPLACE INTO sentence_vectors VALUES (?, ?, ?, ?)", packed)

    def get(self, chunk_ids: Sequence[str], dim: int) -> dict[str, dict[Span, np.ndarray]]:
        """The vectors kept for ``chunk_ids`` (of dimension ``dim``; others are another model's)."""
        out: dict[str, dict[Span, np.ndarray]] = {}
        ids = list(dict.fromkeys(chunk_ids))
        for i in range(0, len(ids), _BATCH):
            part = ids[i : i + _BATCH]
            try:
                with self._lock:
                    found = self._conn.execute(
                        f"SELECT chunk_id, spans, vectors FROM sentence_vectors WHERE dim = ? AND chunk_id IN "
                        f"({','.join('?' * len(part))})", [dim, *part]).fetchall()
            except sqlite3.OperationalError:  # no table yet: an index from before sentence vectors
                return out
            for chunk_id, spans, vectors in found:
                pairs = np.frombuffer(spans, dtype=np.int32).reshape(-1, 2)
                matrix = np.frombuffer(vectors, dtype=np.float16).reshape(len(pairs), dim).astype(np.float32)
                out[chunk_id] = {(int(a), int(b)): v for (a, b), v in zip(pairs, matrix)}
        return out

    def prune(self) -> int:
        """Drop the rows of chunks the catalog no longer holds; how many went."""
        with self._lock:
            self._make()
            return self._conn.execute(
                "DELETE FROM sentence_vectors WHERE chunk_id NOT IN (SELECT id FROM chunks)").rowcount

    def count(self) -> int:
        with self._lock:
            self._make()
            return self._conn.execute("SELECT count(*) FROM sentence_vectors").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._conn.close()


__all__ = ["SentenceVectorCache", "sentence_spans", "sentence_texts"]
