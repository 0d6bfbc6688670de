"""Reading the meeting catalog for an answer: the tables, the records, and the passage a fact stands in.

The catalog's facts carry the character span of the sentence they were read from in the
cleaned record, and chunks carry their own span of the same text, so the passage that
cites a fact is the chunk whose span holds it: the same passage a search would show.

:func:`meeting_db` is the one place that says where the meeting tables live. The index's
SQLite catalog (``store.catalog``) holds them once ingest writes facts there; an index
built before that (or a store without a catalog) gets a private in-memory copy, extracted
from the indexed chunks with the same rules and rebuilt whenever a record changes.
"""
from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from prachum.index import meeting_tables
from prachum.types import Citation, Passage

_SCRATCH: weakref.WeakKeyDictionary[Any, tuple[tuple, sqlite3.Connection]] = weakref.WeakKeyDictionary()
_SCRATCH_LOCK = threading.Lock()


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    start: int
    end: int
    position: int
    meta: dict[str, Any]


def meeting_db(store: Any) -> sqlite3.Connection:
    """The connection that holds the meeting tables for ``store``'s records."""
    catalog = getattr(store, "catalog", None)
    if catalog is not None and _has_meetings(catalog.conn):
        return catalog.conn
    return scratch_db(store)


def _has_meetings(conn: sqlite3.Connection) -> bool:
    try:
        return conn.execute("SELECT 1 FROM meetings LIMIT 1").fetchone() is not None
    except sqlite3.Error:
        return False


def documents(store: Any, sources: Sequence[str] = ()) -> list[Any]:
    """The indexed records (only ``sources`` when given): what "of N records" counts."""
    docs = list(store.documents())
    return [d for d in docs if d.source in sources] if sources else docs


def chunks_of(store: Any, source: str) -> list[Chunk]:
    """A record's chunks in reading order, with their spans of the cleaned text."""
    ids = store.chunk_ids(source) if hasattr(store, "chunk_ids") else next(
        (d.chunk_ids for d in store.documents() if d.source == source), [])
    got = store.chunks(list(ids))
    out = [Chunk(i, text, int(meta.get("start", 0)), int(meta.get("end", 0)), int(meta.get("position", 0)), meta)
           for i, (text, meta) in got.items()]
    return sorted(out, key=lambda c: (c.position, c.start))


def document_text(store: Any, source: str, chunks: Sequence[Chunk] | None = None) -> str:
    """The cleaned text of a record as the index holds it: its chunks laid at their offsets.

    The file itself, cleaned again, is used when it still matches the index (exact layout);
    otherwise the gaps between chunks (whitespace between sentences) become line breaks.
    """
    chunks = list(chunks if chunks is not None else chunks_of(store, source))
    from_file = _cleaned_file(source)
    if from_file is not None and all(from_file[c.start:c.end] == c.text for c in chunks):
        return from_file
    size = max((c.end for c in chunks), default=0)
    buf = ["\n"] * size
    for c in chunks:
        buf[c.start:c.start + len(c.text)] = list(c.text)
    return "".join(buf)


def _cleaned_file(source: str) -> str | None:
    path = Path(source)
    if not path.is_file():
        return None
    try:
        from ingest.clean import clean_document
        from ingest.loaders import load_text

        return clean_document(load_text(path)).text
    except Exception:  # noqa: BLE001 -- any problem reading it: rebuild from the chunks instead
        return None


def text_mentions(store: Any, words: Sequence[str]) -> bool:
    """Whether some indexed chunk holds every one of ``words`` (Thai script only: the records are Thai,
    so a romanised name cannot be looked up in their text)."""
    words = [w for w in words if w and not w.isascii()]
    if not words:
        return False
    conn = getattr(getattr(store, "catalog", None), "conn", None)
    if conn is not None:
        try:
            where = " AND ".join("text LIKE ?" for _ in words)
            sql = f"SELECT 1 FROM chunks WHERE state = 'live' AND {where} LIMIT 1"
            return conn.execute(sql, [f"%{w}%" for w in words]).fetchone() is not None
        except sqlite3.Error:
            pass  # no chunk table here: read the chunks
    return any(all(w in c.text for w in words) for d in documents(store) for c in chunks_of(store, d.source))


def scratch_db(store: Any) -> sqlite3.Connection:
    """An in-memory copy of the meeting tables, extracted from the indexed records, cached until one changes."""
    from ingest.meetings import extract_facts
    from ingest.metadata import DocMeta

    docs = documents(store)
    key = tuple((d.source, d.fingerprint) for d in docs)
    with _SCRATCH_LOCK:
        cached = _SCRATCH.get(store)
        if cached is not None and cached[0] == key:
            return cached[1]
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        meeting_tables.create(conn)
        for d in docs:
            day = date.fromisoformat(d.date) if d.date else None
            meta = DocMeta(title=d.title, date=day, acronyms=list(d.acronyms), source_url=d.source_url or None)
            meeting_tables.write(conn, d.source, extract_facts(document_text(store, d.source), meta, d.source))
        conn.commit()
        _SCRATCH[store] = (key, conn)
        return conn


class Citations:
    """Numbers the passages an answer cites: one per record, so a cross-record answer shows one evidence
    card per record. The passage is the chunk that holds the record's first cited fact; when a later
    fact stands in another chunk of the same record, the passage widens to span both (its start and
    end still contain every cited sentence, and the highlights move with it)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._chunks: dict[str, list[Chunk]] = {}
        self._titles = {d.source: (d.title, d.date) for d in documents(store)}
        self.cited: dict[str, Citation] = {}

    def chunk_for(self, source: str, start: int, end: int) -> Chunk | None:
        """The chunk whose span holds [start, end); else the one that overlaps it most."""
        if source not in self._chunks:
            self._chunks[source] = chunks_of(self.store, source)
        chunks = self._chunks[source]
        holding = [c for c in chunks if c.start <= start and end <= c.end]
        if holding:
            return holding[0]
        overlap = [(min(end, c.end) - max(start, c.start), c) for c in chunks]
        best = max(overlap, key=lambda p: p[0], default=(0, None))
        return best[1] if best[0] > 0 else None

    def cite(self, source: str, start: int, end: int) -> int | None:
        """The citation number of the record's passage, widened to hold [start, end) (None: no chunk holds it)."""
        if end <= start:
            return None
        chunk = self.chunk_for(source, start, end)
        if chunk is None:
            return None
        citation = self.cited.get(source)
        if citation is None:
            title, day = self._titles.get(source, (chunk.meta.get("title", ""), chunk.meta.get("date", "")))
            passage = Passage(chunk.id, chunk.text, source, title or "", day or "", 1.0, 1.0, 1.0, dict(chunk.meta))
            citation = self.cited[source] = Citation(len(self.cited) + 1, passage, [])
        p = citation.passage
        lo, hi = int(p.metadata.get("start", chunk.start)), int(p.metadata.get("end", chunk.end))
        if chunk.start < lo or chunk.end > hi:
            new_lo, new_hi = min(lo, chunk.start), max(hi, chunk.end)
            text = document_text(self.store, source, self._chunks[source])
            p.text, p.metadata = text[new_lo:new_hi], {**p.metadata, "start": new_lo, "end": new_hi}
            citation.highlights = [(s + lo - new_lo, e + lo - new_lo) for s, e in citation.highlights]
            lo = new_lo
        span = (max(0, max(start, chunk.start) - lo), min(len(p.text), min(end, chunk.end) - lo))
        if span[0] < span[1]:
            citation.highlights = _merged([*citation.highlights, span])
        return citation.n

    def all(self) -> list[Citation]:
        return sorted(self.cited.values(), key=lambda c: c.n)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted, overlapping ones joined (a meeting's sentence often holds its delegation too)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
