"""The catalog: one SQLite file (WAL) that says what the index holds.

Why a catalog beside Chroma and the lexical index: those two cannot share a
transaction, and reading the truth back out of either was the problem (a
fingerprint read from one Chroma chunk survived a half-finished update; listing
documents scanned every chunk). Here every document change is two short
transactions (stage the new chunks as ``pending``, then publish them and move the
old ones to ``garbage``), so after a crash the catalog names exactly the rows that
other stores may hold in excess (docs/catalog-design.md has the protocol).
WAL lets any number of readers in other processes read while the one writer writes.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from prachum.errors import StoreError

SCHEMA_VERSION = "1"
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    source TEXT PRIMARY KEY, title TEXT, date TEXT, acronyms TEXT, fingerprint TEXT, source_url TEXT, chunks INT
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, position INT, text TEXT, indexed_text TEXT,
    start INT, "end" INT, date_ord INT, acronyms TEXT, state TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks (source, state);
CREATE INDEX IF NOT EXISTS chunks_state ON chunks (state);  -- for pending rows; lookups by id say +state, or SQLite scans every live chunk
-- what filters read, small beside the texts: a narrow filter scans this, not every chunk's row
CREATE INDEX IF NOT EXISTS chunks_filter ON chunks (state, date_ord, source, acronyms, id);
-- the same by date: a period ("undated, or within these days") is two ranges of it, not a scan (1M: 5 ms, not 200)
CREATE INDEX IF NOT EXISTS chunks_by_date ON chunks (date_ord, state, acronyms, source, id);
-- the same by id: whether given chunks pass a filter is read here, not from their rows (1,000 ids: 0.5 s at 1M)
CREATE INDEX IF NOT EXISTS chunks_by_id ON chunks (id, state, date_ord, source, acronyms);
-- each chunk's vector as float16, keyed by its id (a hash of its content: a row is right whenever found).
-- A filter that passes a few thousand chunks is scored exactly over these, not by Chroma's query among
-- an id list (a month's 6,300 ids at 1M: ~200 ms there)
CREATE TABLE IF NOT EXISTS chunk_vectors (id TEXT PRIMARY KEY, vector BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS garbage (id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""
PENDING, LIVE = "pending", "live"
VECTORS_KEPT = "chunk_vectors"  # meta key: 'all' once every live chunk's vector is in chunk_vectors
_CHUNK_COLUMNS = 'id, source, position, text, indexed_text, start, "end", date_ord, acronyms'
_BATCH = 900  # ids per IN (...) list, under SQLite's bound-variable limit everywhere


@dataclass(frozen=True)
class ChunkRecord:
    """One chunk as stored: display text, the text that was embedded/tokenised, and metadata."""

    id: str
    text: str
    indexed_text: str
    source: str
    title: str
    date: date | None
    acronyms: tuple[str, ...]
    position: int
    start: int
    end: int
    fingerprint: str
    source_url: str | None = None

    @property
    def date_ord(self) -> int:
        return int(self.date.strftime("%Y%m%d")) if self.date else 0

    def row(self) -> tuple:
        return (self.id, self.source, self.position, self.text, self.indexed_text, self.start, self.end,
                self.date_ord, ",".join(self.acronyms))


@dataclass
class DocumentRecord:
    source: str
    title: str
    date: str
    acronyms: list[str]
    fingerprint: str
    source_url: str
    chunks: int = 0


def document_row(chunks: Sequence[ChunkRecord]) -> tuple:
    first = chunks[0]
    return (first.source, first.title, first.date.isoformat() if first.date else "", ",".join(first.acronyms),
            first.fingerprint, first.source_url or "", len(chunks))


def keep_vectors(conn: sqlite3.Connection, ids: Sequence[str], vectors: np.ndarray) -> None:
    """Write one float16 vector per id (inside the caller's transaction)."""
    if not len(ids):
        return
    half = np.asarray(vectors, dtype=np.float16).reshape(len(ids), -1)
    conn.executemany("INSERT OR REPLACE INTO chunk_vectors VALUES (?, ?)",
                     ((i, v.tobytes()) for i, v in zip(ids, half)))


def _batches(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), _BATCH):
        yield items[i : i + _BATCH]


def _marks(n: int) -> str:
    return ",".join("?" * n)


class Catalog:
    """The SQL side of the store; callers hold the write lock around the writing methods."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._write = self._connect()
            self._write.execute("PRAGMA journal_mode=WAL")
            self._write.execute("PRAGMA synchronous=NORMAL")  # with WAL: safe from a kill, fsync per checkpoint
            self._write.executescript(SCHEMA)
            from prachum.index import meeting_tables  # the meeting facts (#10) live in the same file

            self._write.executescript(meeting_tables.SCHEMA)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the catalog {path}: {exc}. If it is damaged, move the data folder "
                             "aside and ingest the records again.") from None

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection for reading: it sees committed changes only, never a write half done
        (a search running while the writer's transaction is open reads the state before it)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._write.execute("BEGIN IMMEDIATE")
        try:
            yield self._write
        except BaseException:
            self._write.execute("ROLLBACK")
            raise
        self._write.execute("COMMIT")

    def close(self) -> None:
        self._write.close()
        if getattr(self._local, "conn", None) is not None:
            self._local.conn.close()
            self._local.conn = None

    # ---- reading -------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def generation(self) -> tuple[int, str]:
        """How many changes were published, and by which process (``host:pid``) the last one."""
        rows = dict(self.conn.execute("SELECT key, value FROM meta WHERE key IN ('generation', 'writer')"))
        return int(rows.get("generation") or 0), rows.get("writer") or ""

    def live_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM chunks WHERE state = ?", (LIVE,)).fetchone()[0]

    def live_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT id FROM chunks WHERE state = ?", (LIVE,))}

    def vector_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT id FROM chunk_vectors")}

    def pending_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM chunks WHERE state = ?", (PENDING,))]

    def garbage_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM garbage")]

    def fingerprint(self, source: str) -> str | None:
        row = self.conn.execute("SELECT fingerprint FROM documents WHERE source = ?", (source,)).fetchone()
        return row[0] if row else None

    def fingerprints(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT source, fingerprint FROM documents"))

    def documents(self) -> list[DocumentRecord]:
        rows = self.conn.execute(
            "SELECT source, title, date, acronyms, fingerprint, source_url, chunks FROM documents ORDER BY source")
        return [DocumentRecord(s, t, d, [a for a in (acr or "").split(",") if a], fp, url or "", n)
                for s, t, d, acr, fp, url, n in rows]

    def chunk_ids(self, source: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM chunks WHERE source = ? AND +state = ? ORDER BY position", (source, LIVE))]

    def chunks(self, ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """Live chunks by id, with the metadata a passage carries (pending or dropped ids are absent)."""
        out: dict[str, tuple[str, dict[str, Any]]] = {}
        for part in _batches(list(dict.fromkeys(ids))):
            rows = self.conn.execute(
                'SELECT c.id, c.text, c.source, d.title, d.date, c.date_ord, c.acronyms, c.position, c.start, '
                f'c."end", d.fingerprint, c.indexed_text, d.source_url FROM chunks c JOIN documents d '
                f"ON d.source = c.source WHERE +c.state = ? AND c.id IN ({_marks(len(part))})", (LIVE, *part))
            for cid, text, source, title, day, dord, acr, pos, start, end, fp, indexed, url in rows:
                meta: dict[str, Any] = {
                    "source": source, "title": title, "date": day, "date_ord": dord, "acronyms": acr,
                    "position": pos, "start": start, "end": end, "fingerprint": fp, "indexed_text": indexed,
                    "source_url": url or "",
                }
                meta.update({f"acr:{a}": True for a in acr.split(",") if a})
                out[cid] = (text, meta)
        return out

    def passing(self, condition: str, params: Sequence[Any], among: Sequence[str] | None = None,
                limit: int = -1) -> set[str]:
        """Live chunk ids that meet an SQL ``condition`` (prachum.index.dense_filter), of ``among`` or of all
        (the first ``limit`` of them, if that is not negative)."""
        if among is None:
            index = "chunks_by_date" if "date_ord" in condition else "chunks_filter"
            return {r[0] for r in self.conn.execute(
                f"SELECT id FROM chunks INDEXED BY {index} WHERE state = ? AND ({condition}) LIMIT ?",
                (LIVE, *params, limit))}
        out: set[str] = set()
        step = max(1, _BATCH - len(params))
        for i in range(0, len(among), step):
            part = among[i : i + step]
            out |= {r[0] for r in self.conn.execute(
                f"SELECT id FROM chunks INDEXED BY chunks_by_id WHERE state = ? AND id IN ({_marks(len(part))}) "
                f"AND ({condition})",
                (LIVE, *part, *params))}
        return out

    def vectors(self, ids: Sequence[str], dim: int) -> tuple[list[str], np.ndarray]:
        """The ids of ``ids`` whose float16 vector of dimension ``dim`` is kept, and those vectors as float32
        rows (another model's, or a chunk's without one, are left out)."""
        found: list[str] = []
        blobs: list[bytes] = []
        for part in _batches(list(ids)):
            for chunk_id, blob in self.conn.execute(
                    f"SELECT id, vector FROM chunk_vectors WHERE id IN ({_marks(len(part))}) AND length(vector) = ?",
                    (*part, 2 * dim)):
                found.append(chunk_id)
                blobs.append(blob)
        return found, np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(found), dim).astype(np.float32)

    def lexical_rows(self, ids: Sequence[str]) -> list[tuple[str, str, str, int, str]]:
        """(id, source, indexed_text, date_ord, acronyms) of live chunks, to (re)fill the lexical index."""
        out = []
        for part in _batches(list(ids)):
            out += self.conn.execute(
                f"SELECT id, source, indexed_text, date_ord, acronyms FROM chunks WHERE +state = ? "
                f"AND id IN ({_marks(len(part))})", (LIVE, *part)).fetchall()
        return out

    # ---- writing (under the store's write lock) --------------------------------------------
    def stage(self, rows: Sequence[tuple], vectors: np.ndarray | None = None) -> set[str]:
        """Step 1: the new chunks as ``pending`` (with their vectors, one row of ``vectors`` each);
        returns the ids that are already live (left alone)."""
        ids = [r[0] for r in rows]
        with self.transaction() as conn:
            if vectors is not None:
                keep_vectors(conn, ids, vectors)
            live: set[str] = set()
            for part in _batches(ids):
                live |= {r[0] for r in conn.execute(
                    f"SELECT id FROM chunks WHERE +state = ? AND id IN ({_marks(len(part))})", (LIVE, *part))}
                conn.execute(f"DELETE FROM garbage WHERE id IN ({_marks(len(part))})", part)
            conn.executemany(f"INSERT OR IGNORE INTO chunks ({_CHUNK_COLUMNS}, state) VALUES "
                             f"(?,?,?,?,?,?,?,?,?,'{PENDING}')", rows)
        return live

    def publish(self, source: str, rows: Sequence[tuple], document: tuple | None, facts: Any = None,
                writer: str = "") -> list[str]:
        """Step 4: ``rows`` become ``source``'s live chunks (none and ``document`` None: the source goes).

        The old live chunks not among them move to ``garbage``; returns their ids.
        """
        return self.publish_many([(source, rows, document, facts)], writer)

    def publish_many(self, changes: Sequence[tuple[str, Sequence[tuple], tuple | None, Any]],
                     writer: str = "") -> list[str]:
        """Step 4 for several documents, ``(source, rows, document, facts)`` each, in one transaction
        (one change of ``generation``): a batched write is published whole or not at all."""
        from prachum.index import meeting_tables  # the meeting facts (#10) live in the same file

        stale: list[str] = []
        with self.transaction() as conn:
            for source, rows, document, facts in changes:
                new = {r[0] for r in rows}
                # "+state": without it SQLite may walk chunks_filter over every live chunk (80% of a
                # 1M-chunk build's time) instead of chunks_source's few rows for one source
                old = [r[0] for r in conn.execute(
                    "SELECT id FROM chunks WHERE source = ? AND +state = ?", (source, LIVE))]
                gone = [i for i in old if i not in new]
                conn.executemany("INSERT OR IGNORE INTO garbage (id) VALUES (?)", [(i,) for i in gone])
                conn.executemany("DELETE FROM chunks WHERE id = ?", [(i,) for i in gone])
                # ids that were live already keep their row; their other columns follow the new version
                conn.executemany('UPDATE chunks SET source=?, position=?, text=?, indexed_text=?, start=?, '
                                 '"end"=?, date_ord=?, acronyms=?, state=? WHERE id=?',
                                 [(*r[1:], LIVE, r[0]) for r in rows])
                if document is None:
                    conn.execute("DELETE FROM documents WHERE source = ?", (source,))
                    meeting_tables.delete(conn, source)
                else:
                    conn.execute("INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?)", document)
                    if facts is not None:
                        meeting_tables.write(conn, source, facts)
                stale += gone
            self._bump(conn, writer)
        return stale

    def keep_vectors(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        with self.transaction() as conn:
            keep_vectors(conn, ids, vectors)

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def drop(self, ids: Iterable[str], *, pending_only: bool = True) -> None:
        """Forget chunk rows (a failed write's ``pending`` ones, or any) and their garbage entries."""
        ids = list(ids)
        with self.transaction() as conn:
            for part in _batches(ids):
                state = f"AND state = '{PENDING}'" if pending_only else ""
                conn.execute(f"DELETE FROM chunks WHERE id IN ({_marks(len(part))}) {state}", part)
                conn.execute(f"DELETE FROM garbage WHERE id IN ({_marks(len(part))})", part)
                conn.execute(f"DELETE FROM chunk_vectors WHERE id IN ({_marks(len(part))}) AND NOT EXISTS "
                             "(SELECT 1 FROM chunks c WHERE c.id = chunk_vectors.id)", part)

    def forget_documents(self, sources: Iterable[str], writer: str = "") -> list[str]:
        """Remove whole documents (their live chunks to garbage), e.g. ones whose vectors were lost."""
        stale: list[str] = []
        for source in sources:
            stale += self.publish(source, [], None, writer=writer)
        return stale

    def sources_of(self, ids: Sequence[str]) -> set[str]:
        out: set[str] = set()
        for part in _batches(list(ids)):
            out |= {r[0] for r in self.conn.execute(
                f"SELECT DISTINCT source FROM chunks WHERE id IN ({_marks(len(part))})", part)}
        return out

    def init(self, origin: str, collection: str, documents: Sequence[tuple] = (),
             rows: Sequence[tuple] = (), vectors: np.ndarray | None = None) -> None:
        """Mark the catalog created (``origin`` 'new' or 'migrated'), with the rows of a migrated index
        and their vectors."""
        with self.transaction() as conn:
            if vectors is not None:
                keep_vectors(conn, [r[0] for r in rows], vectors)
            conn.executemany("INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?)", documents)
            conn.executemany(f"INSERT OR REPLACE INTO chunks ({_CHUNK_COLUMNS}, state) VALUES "
                             f"(?,?,?,?,?,?,?,?,?,'{LIVE}')", rows)
            conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                             [("schema", SCHEMA_VERSION), ("origin", origin), ("collection", collection),
                              (VECTORS_KEPT, "all")])
            self._bump(conn, "")

    @staticmethod
    def _bump(conn: sqlite3.Connection, writer: str) -> None:
        conn.execute("INSERT INTO meta VALUES ('generation', '1') ON CONFLICT(key) "
                     "DO UPDATE SET value = CAST(value AS INTEGER) + 1")
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('writer', ?)", (writer,))
