"""The index: chunks with their vectors in Chroma, and their words in a lexical index for BM25.

Two stores and no shared transaction, so we order writes to stay recoverable:
vectors are computed before anything is written, Chroma is written first, and
the lexical file is replaced atomically afterwards. If a crash falls between the
two, the next open sees that the chunk ids disagree and rebuilds the lexical
index from Chroma, which holds everything needed to do so.
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Sequence
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from prachum.config import Settings
from prachum.errors import StoreError
from prachum.index.bm25 import BM25Index
from prachum.models import SupportsEmbedding
from prachum.thai.text import word_tokens


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

    def metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "source": self.source,
            "title": self.title,
            "date": self.date.isoformat() if self.date else "",
            "date_ord": int(self.date.strftime("%Y%m%d")) if self.date else 0,
            "acronyms": ",".join(self.acronyms),
            "position": self.position,
            "start": self.start,
            "end": self.end,
            "fingerprint": self.fingerprint,
            "indexed_text": self.indexed_text,
            "source_url": self.source_url or "",
        }
        meta.update({f"acr:{a}": True for a in self.acronyms})
        return meta


@dataclass
class DocumentRecord:
    source: str
    title: str
    date: str
    acronyms: list[str]
    fingerprint: str
    source_url: str
    chunks: int = 0
    chunk_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LexicalEntry:
    tokens: list[str]
    source: str
    date_ord: int
    acronyms: list[str]


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


class IndexStore:
    """Chroma collection + lexical index, always changed together, one writer at a time."""

    def __init__(self, settings: Settings, embedder: SupportsEmbedding | None = None) -> None:
        """Open (or create) the index. The collection records which embedding model built it;
        ``embedder`` is only used if Chroma ever embeds by itself (we always pass vectors)."""
        from prachum.models.embedder import ChromaEmbedder  # chromadb's registry, loaded with the store

        self.settings = settings
        self._lock = threading.RLock()
        self.client = _chroma_client(settings)
        try:
            self.collection = self.client.get_or_create_collection(
                settings.collection,
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=ChromaEmbedder(settings, embedder),
            )
        except Exception as exc:
            raise StoreError(
                f"cannot open the Chroma collection {settings.collection!r}: {exc}. If the index was "
                "built with another embedding model, use another data folder (PRACHUM_DATA_DIR) or "
                "collection, or delete the old index folder and ingest again."
            ) from None
        self.version = 0
        self.lexical: dict[str, LexicalEntry] = self._load_lexical()
        if set(self.lexical) != set(self._all([])["ids"]):
            self.lexical = self._rebuild_lexical()
            self._save_lexical()
        # BM25 over the lexical entries, kept in step with every write (never rebuilt whole)
        self.bm25 = BM25Index(settings.bm25_k1, settings.bm25_b)
        self.bm25.add_many((i, e.tokens) for i, e in self.lexical.items())

    # ---- reading -------------------------------------------------------------------------
    def count(self) -> int:
        return self.collection.count()

    def _all(self, include: Sequence[str]) -> dict[str, Any]:
        return self.collection.get(include=list(include))

    def documents(self) -> list[DocumentRecord]:
        docs: dict[str, DocumentRecord] = {}
        got = self._all(["metadatas"])
        for chunk_id, meta in zip(got["ids"], got["metadatas"]):
            doc = docs.get(meta["source"])
            if doc is None:
                doc = docs[meta["source"]] = DocumentRecord(
                    source=meta["source"], title=meta["title"], date=meta["date"],
                    acronyms=[a for a in meta["acronyms"].split(",") if a],
                    fingerprint=meta["fingerprint"], source_url=meta.get("source_url", ""),
                )
            doc.chunks += 1
            doc.chunk_ids.append(chunk_id)
        return sorted(docs.values(), key=lambda d: d.source)

    def fingerprint(self, source: str) -> str | None:
        got = self.collection.get(where={"source": source}, limit=1, include=["metadatas"])
        return got["metadatas"][0]["fingerprint"] if got["ids"] else None

    def chunks(self, ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        if not ids:
            return {}
        got = self.collection.get(ids=list(ids), include=["documents", "metadatas"])
        return {i: (d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])}

    def dense_search(self, embedding: np.ndarray, k: int, where: dict | None = None) -> dict[str, float]:
        """Cosine similarity of the ``k`` nearest chunks (Chroma returns distance = 1 - cosine)."""
        n = min(k, self.count())
        if n == 0:
            return {}
        res = self.collection.query(
            query_embeddings=[np.asarray(embedding, dtype=np.float32).tolist()],
            n_results=n, where=where or None, include=["distances"],
        )
        return {i: 1.0 - d for i, d in zip(res["ids"][0], res["distances"][0])}

    # ---- writing -------------------------------------------------------------------------
    def replace_document(self, source: str, chunks: Sequence[ChunkRecord], embeddings: np.ndarray) -> None:
        """Make ``chunks`` the whole content of ``source``: upsert new ids, then drop stale ones."""
        if len(chunks) != len(embeddings):
            raise ValueError("one embedding per chunk is required")
        with self._lock:
            old = set(self.collection.get(where={"source": source}, include=[])["ids"])
            if chunks:
                self.collection.upsert(
                    ids=[c.id for c in chunks],
                    embeddings=np.asarray(embeddings, dtype=np.float32).tolist(),
                    documents=[c.text for c in chunks],
                    metadatas=[c.metadata() for c in chunks],
                )
            stale = old - {c.id for c in chunks}
            if stale:
                self.collection.delete(ids=sorted(stale))
            self._forget(old)
            for c in chunks:
                entry = self.lexical[c.id] = _lexical_entry(c.indexed_text, c.metadata())
                self.bm25.add(c.id, entry.tokens)
            self._save_lexical()

    def remove_document(self, source: str) -> int:
        with self._lock:
            ids = self.collection.get(where={"source": source}, include=[])["ids"]
            if ids:
                self.collection.delete(ids=ids)
            self._forget(ids)
            self._save_lexical()
            return len(ids)

    def _forget(self, ids: Sequence[str] | set[str]) -> None:
        for chunk_id in ids:
            self.lexical.pop(chunk_id, None)
            self.bm25.remove(chunk_id)

    # ---- lexical persistence ---------------------------------------------------------------
    def _load_lexical(self) -> dict[str, LexicalEntry]:
        path = self.settings.lexical_path
        entries: dict[str, LexicalEntry] = {}
        if path.is_file():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                if raw.get("collection") == self.settings.collection:
                    entries = {k: LexicalEntry(**v) for k, v in raw["chunks"].items()}
            except (json.JSONDecodeError, KeyError, TypeError):
                entries = {}
        return entries

    def _rebuild_lexical(self) -> dict[str, LexicalEntry]:
        got = self._all(["metadatas"])
        return {i: _lexical_entry(m["indexed_text"], m) for i, m in zip(got["ids"], got["metadatas"])}

    def _save_lexical(self) -> None:
        path = self.settings.lexical_path
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        payload = {
            "collection": self.settings.collection,
            "chunks": {k: vars(v) for k, v in self.lexical.items()},
        }
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
        self.version += 1


def _lexical_entry(indexed_text: str, meta: dict[str, Any]) -> LexicalEntry:
    return LexicalEntry(
        tokens=word_tokens(indexed_text),
        source=meta["source"],
        date_ord=int(meta["date_ord"]),
        acronyms=[a for a in meta["acronyms"].split(",") if a],
    )
