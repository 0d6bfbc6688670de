"""The index: a SQLite catalog (the truth), vectors in Chroma, words in a tantivy lexical index.

Three stores and no shared transaction, so every write follows one protocol
(docs/catalog-design.md): stage the new chunks as ``pending`` in the catalog,
write Chroma and the lexical index, then publish in one catalog transaction that
also moves the old chunks to ``garbage``, and finally delete the garbage. Readers
only ever see chunks the catalog calls ``live``, so a crash at any step leaves the
old version or the new one searchable, never both; the next open deletes what the
catalog names as ``pending`` or ``garbage`` and compares counts, which is cheap.
One writer at a time holds ``write.lock``; readers take no lock and notice another
process's writes through the catalog's ``generation`` (:meth:`IndexStore.refresh`).
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from tqdm import tqdm

from prachum.config import Settings
from prachum.errors import StoreError
from prachum.index.batch import Background, DocumentWrite, check_batch, lexical_doc, publish_changes
from prachum.index.catalog import VECTORS_KEPT, Catalog, ChunkRecord, DocumentRecord
from prachum.index.dense_filter import filtered_nearest
from prachum.index.lexical import LexicalIndex
from prachum.index.lock import LOCK_WAIT_S, WriteLock
from prachum.index.migrate import SCAN, copy_vectors, create_catalog
from prachum.index.sentence_cache import SentenceVectorCache
from prachum.models import SupportsEmbedding
from prachum.thai.text import word_tokens
from prachum.types import Filters

log = logging.getLogger(__name__)


def _chroma_client(settings: Settings) -> Any:
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise StoreError(f"chroma_url {settings.chroma_url!r} is not a URL like http://127.0.0.1:8000")
        try:
            return chromadb.HttpClient(
                host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https", settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises a bare ValueError/ConnectionError here
            raise StoreError(f"cannot reach the Chroma server at {settings.chroma_url}: {exc}") from None
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def chroma_metadata(c: ChunkRecord) -> dict[str, Any]:
    """What Chroma keeps beside a vector: only what ``Filters.chroma_where`` filters on."""
    return {"source": c.source, "date_ord": c.date_ord, **{f"acr:{a}": True for a in c.acronyms}}


def _me() -> str:
    """This process, as the catalog records the last writer (a pid alone repeats across containers)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class IndexStore:
    """The catalog, Chroma and the lexical index, changed together by one writer at a time."""

    def __init__(self, settings: Settings, embedder: SupportsEmbedding | None = None, *,
                 lock_wait: float = LOCK_WAIT_S) -> None:
        """Open (or create, or migrate) the index and repair what a crash left half-written.

        ``embedder`` is only used if Chroma ever embeds by itself (we always pass vectors)."""
        self.settings = settings
        self._embedder = embedder
        self._refreshing = threading.Lock()  # never held by a write: a search does not wait on one
        self.write_lock = WriteLock(settings.lock_path, lock_wait)
        self._open_chroma()
        self.max_batch = int(self.client.get_max_batch_size())
        self.catalog = Catalog(settings.catalog_path)
        self.sentences = SentenceVectorCache(settings.catalog_path)
        self._lexical = LexicalIndex(settings.lexical_dir, settings.bm25_k1, settings.bm25_b)
        if self.catalog.meta("schema") is None:
            with self.write_lock.hold():
                if self.catalog.meta("schema") is None:
                    create_catalog(self)
        owner = self.catalog.meta("collection")
        if owner != settings.collection:
            raise StoreError(f"the index in {settings.data_dir} belongs to the collection {owner!r}, not "
                             f"{settings.collection!r}; use another data folder (PRACHUM_DATA_DIR) for it")
        self.reconcile()
        if self.catalog.meta(VECTORS_KEPT) != "all":
            copy_vectors(self)
        self._generation = self.catalog.generation()[0]

    def _open_chroma(self) -> None:
        from prachum.models.embedder import ChromaEmbedder  # chromadb's registry, loaded with the store

        self.client = _chroma_client(self.settings)
        try:
            self.collection = self.client.get_or_create_collection(
                self.settings.collection,
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=ChromaEmbedder(self.settings, self._embedder),
            )
        except Exception as exc:
            raise StoreError(
                f"cannot open the Chroma collection {self.settings.collection!r}: {exc}. If the index was "
                "built with another embedding model, use another data folder (PRACHUM_DATA_DIR) or "
                "collection, or delete the old index folder and ingest again."
            ) from None

    def count(self) -> int:
        return self.catalog.live_count()

    def documents(self) -> list[DocumentRecord]:
        return self.catalog.documents()

    def chunk_ids(self, source: str) -> list[str]:
        return self.catalog.chunk_ids(source)

    def fingerprint(self, source: str) -> str | None:
        return self.catalog.fingerprint(source)

    def fingerprints(self) -> dict[str, str]:
        return self.catalog.fingerprints()

    def chunks(self, ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        return self.catalog.chunks(ids) if ids else {}

    def dense_search(self, embedding: np.ndarray, k: int, where: dict | None = None) -> dict[str, float]:
        """Cosine similarity of the ``k`` nearest chunks that pass ``where``, filtered by the catalog
        (prachum.index.dense_filter says why). Chroma returns fewer when it holds fewer: no count first."""
        if k <= 0:
            return {}
        if where:
            return filtered_nearest(self._nearest, self.collection, self.catalog, embedding, k, where)
        return self._nearest(embedding, k)

    def _nearest(self, embedding: np.ndarray, k: int, **narrow: Any) -> dict[str, float]:
        """{id: cosine} (Chroma returns distance = 1 - cosine)."""
        res = self.collection.query(query_embeddings=[np.asarray(embedding, dtype=np.float32).tolist()],
                                    n_results=k, include=["distances"], **narrow)
        return {i: 1.0 - d for i, d in zip(res["ids"][0], res["distances"][0])}

    def lexical_search(self, question: str, k: int, filters: Filters = Filters(),
                       include: Iterable[str] = ()) -> dict[str, float]:
        """BM25 of the k best chunks for the question, plus the exact score of every id in ``include``."""
        return self._lexical.search(question, k, filters, include)

    def idf(self, term: str) -> float:
        return self._lexical.idf(term)

    @contextmanager
    def lexical_scoring(self, k1: float, b: float) -> Iterator[None]:
        """Search the same lexical index with other BM25 parameters for the block (evaluation sweeps)."""
        current = self._lexical
        if (k1, b) == (current.k1, current.b):
            yield
            return
        self._lexical = LexicalIndex(self.settings.lexical_dir, k1, b)
        try:
            yield
        finally:
            self._lexical = current

    def contents(self) -> dict[str, set[str]]:
        """The chunk ids each part holds (a full read: for checks and tests, not for searching)."""
        return {"catalog": self.catalog.live_ids(), "chroma": self.chroma_ids(), "lexical": self._lexical.ids()}

    def refresh(self) -> bool:
        """See what another process wrote since; one small query when nothing changed.

        The embedded Chroma keeps its vector index in memory and never re-reads what
        another process added, so after a foreign write it is opened again.
        """
        generation, writer = self.catalog.generation()
        if generation == self._generation:
            return False
        with self._refreshing:
            if generation != self._generation:
                self._lexical.reload()
                if writer != _me() and not self.settings.chroma_url:
                    self._reopen_chroma()
                self._generation = generation
        return True

    def _reopen_chroma(self) -> None:
        from chromadb.api.shared_system_client import SharedSystemClient

        # a new system for this folder; searches still running finish on the old one
        with SharedSystemClient._refcount_lock:
            SharedSystemClient._identifier_to_system.pop(str(self.settings.chroma_dir), None)
        self._open_chroma()

    def close(self) -> None:
        """Let go of the lexical writer now (not after its idle delay) and of the catalog's connections."""
        self._lexical.close()
        self.sentences.close()
        self.catalog.close()

    # ---- writing -------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write lock across several writes (an ingest run); writes inside take it again freely."""
        with self.write_lock.hold():
            yield

    @staticmethod
    def words(chunks: Sequence[ChunkRecord]) -> list[list[str]]:
        """Each chunk's newmm words (~10 ms a chunk): cut while the vectors are made and passed in
        :class:`DocumentWrite`, they leave the write."""
        return [word_tokens(c.indexed_text) for c in chunks]

    def replace_document(self, source: str, chunks: Sequence[ChunkRecord], embeddings: np.ndarray,
                         facts: Any = None, words: Sequence[Sequence[str]] | None = None) -> None:
        """Make ``chunks`` the whole content of ``source`` (and ``facts`` its meeting facts, if given)."""
        if not chunks:
            if len(embeddings):
                raise ValueError("one embedding per chunk is required")
            self.remove_document(source)
            return
        self.write_documents([DocumentWrite(source, chunks, embeddings, facts, words)])

    def write_documents(self, batch: Sequence[DocumentWrite]) -> None:
        """Replace several documents in one pass of the write protocol: one staging transaction, one
        Chroma upsert, one lexical commit, one publishing transaction, so the fixed cost of a write
        (tantivy's commit and its fsyncs above all) is paid once for the batch. All or nothing, except
        that a document given no chunks is removed first, on its own."""
        check_batch(batch)
        for gone in [d for d in batch if not d.chunks]:
            self.remove_document(gone.source)
        batch = [d for d in batch if d.chunks]
        if not batch:
            return
        chunks = [c for d in batch for c in d.chunks]
        rows = [c.row() for c in chunks]
        vectors = np.concatenate([np.asarray(d.embeddings, dtype=np.float32).reshape(len(d.chunks), -1)
                                  for d in batch])
        words = [w for d in batch for w in (d.words if d.words is not None else self.words(d.chunks))]
        lexical = [(lexical_doc(*r[:2], r[4], r[7], r[8]), w) for r, w in zip(rows, words)]
        with self.writing():
            relive = self.catalog.stage(rows, vectors)                                 # 1
            leftover = self.catalog.garbage_ids()  # an earlier write's, not yet deleted: with this commit
            try:
                if leftover:
                    self._delete_vectors(leftover)
                    self._lexical.delete(leftover)
                self._lexical.add_words(lexical)
                # tantivy's commit (fsyncs) lets go of the GIL: Chroma's upsert runs meanwhile
                committing = Background(self._lexical.commit)                          # 3
                try:
                    self._upsert(chunks, vectors)                                      # 2
                finally:
                    committing.join()
                stale = self.catalog.publish_many(publish_changes(batch, rows), _me())  # 4
            except Exception:
                self._unstage([r[0] for r in rows if r[0] not in relive])
                raise
            try:
                if leftover:
                    self.catalog.drop(leftover, pending_only=False)
                self._collect(stale)                                                   # 5
            except Exception:  # noqa: BLE001 - the new version is live; the leftovers go at the next write
                log.warning("could not delete the replaced chunks of %d document(s) yet", len(batch), exc_info=True)
            self._generation = self.catalog.generation()[0]

    def remove_document(self, source: str) -> int:
        with self.writing():
            stale = self.catalog.publish(source, [], None, writer=_me())
            self._collect(stale)
            self._generation = self.catalog.generation()[0]
            return len(stale)

    def _upsert(self, chunks: Sequence[ChunkRecord], vectors: np.ndarray) -> None:
        for i in range(0, len(chunks), self.max_batch):
            part = chunks[i : i + self.max_batch]
            self.collection.upsert(ids=[c.id for c in part], embeddings=vectors[i : i + len(part)].tolist(),
                                   metadatas=[chroma_metadata(c) for c in part])

    def _delete_vectors(self, ids: Sequence[str]) -> None:
        for i in range(0, len(ids), self.max_batch):
            self.collection.delete(ids=list(ids[i : i + self.max_batch]))

    def _collect(self, ids: Sequence[str]) -> None:
        """Step 5: delete chunks the catalog no longer holds from Chroma and the lexical index."""
        if not ids:
            return
        self._delete_vectors(ids)
        self._lexical.delete(ids)
        self._lexical.commit()
        self.catalog.drop(ids, pending_only=False)

    def _unstage(self, ids: Sequence[str]) -> None:
        """Undo steps 1-3 of a write that failed; what cannot be undone now, the next open does."""
        try:
            self._lexical.rollback()
            self._delete_vectors(ids)
            self._lexical.delete(ids)
            self._lexical.commit()
            self.catalog.drop(ids)
        except Exception:  # noqa: BLE001 - the original error is the one to report
            log.warning("could not undo a failed write at once; the next open of the index will", exc_info=True)

    def reconcile(self, *, full: bool = False) -> bool:
        """Delete what a crashed write left (``pending`` and ``garbage`` rows), then compare counts.

        Skipped while another process writes: its pending rows are its work, not debris.
        Returns whether anything was checked beyond the counts.
        """
        def clean() -> bool:
            counts = {self.catalog.live_count(), self.collection.count(), self._lexical.count()}
            return not (full or self.catalog.pending_ids() or self.catalog.garbage_ids() or len(counts) > 1)

        if clean() or not self.write_lock.acquire(wait=0):
            return False
        try:
            self._unstage(self.catalog.pending_ids())
            self._collect(self.catalog.garbage_ids())
            if full or len({self.catalog.live_count(), self.collection.count(), self._lexical.count()}) > 1:
                self._compare_ids()
            self._generation = self.catalog.generation()[0]
            return True
        finally:
            self.write_lock.release()

    def chroma_ids(self) -> set[str]:
        ids: set[str] = set()
        total = self.collection.count()
        for offset in range(0, total, SCAN):
            ids.update(self.collection.get(include=[], limit=SCAN, offset=offset)["ids"])
        return ids

    def _compare_ids(self) -> None:
        """The rare full check: make Chroma and the lexical index hold exactly the catalog's live chunks."""
        live, vectors = self.catalog.live_ids(), self.chroma_ids()
        self._delete_vectors(sorted(vectors - live))
        lost = live - vectors
        if lost:  # vectors cannot be made here: drop those documents, so the next ingest adds them again
            sources = self.catalog.sources_of(sorted(lost))
            log.warning("vectors of %d chunk(s) are missing from Chroma; %d document(s) must be ingested "
                        "again: %s", len(lost), len(sources), ", ".join(sorted(sources))[:500])
            stale = self.catalog.forget_documents(sorted(sources), writer=_me())
            self._delete_vectors(stale)
            self.catalog.drop(stale, pending_only=False)
            live -= set(stale)
        words = self._lexical.ids()
        self._lexical.delete(sorted(words - live))
        missing = sorted(live - words)
        bar = tqdm(total=len(missing), desc="filling the lexical index", unit="chunk", leave=False,
                   disable=len(missing) < 1000)
        for i in range(0, len(missing), SCAN):
            self._lexical.add([lexical_doc(*r) for r in self.catalog.lexical_rows(missing[i : i + SCAN])])
            bar.update(len(missing[i : i + SCAN]))
        bar.close()
        self._lexical.commit()


__all__ = ["ChunkRecord", "DocumentRecord", "DocumentWrite", "IndexStore", "StoreError", "chroma_metadata", "lexical_doc"]
