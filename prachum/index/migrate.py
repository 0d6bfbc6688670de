"""Bringing an index from before the catalog, or before it kept the vectors, up to date, once.

Both run when the store opens (:class:`prachum.index.store.IndexStore`), with a progress bar:
a data folder of Chroma + ``lexical.json`` is read back from Chroma into a new catalog, and a
catalog without ``chunk_vectors`` gets each live chunk's vector copied from Chroma.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
from tqdm import tqdm

from prachum.index.batch import lexical_doc
from prachum.index.catalog import VECTORS_KEPT

if TYPE_CHECKING:
    from prachum.index.store import IndexStore

log = logging.getLogger(__name__)
SCAN = 5000  # chunks read from Chroma per page when the whole collection is read


def add_migrated(documents: dict[str, tuple], rows: list[tuple], ids: Sequence[str],
                 texts: Sequence[str | None], metas: Sequence[dict[str, Any] | None]) -> None:
    """Catalog rows from a page of the old index, where Chroma held each chunk's text and metadata."""
    for chunk_id, text, meta in zip(ids, texts, metas):
        meta = meta or {}
        source = str(meta.get("source", ""))
        acronyms = str(meta.get("acronyms", ""))
        rows.append((chunk_id, source, int(meta.get("position", 0)), text or "",
                     str(meta.get("indexed_text") or text or ""), int(meta.get("start", 0)),
                     int(meta.get("end", 0)), int(meta.get("date_ord", 0)), acronyms))
        n = documents[source][-1] + 1 if source in documents else 1
        documents[source] = (source, str(meta.get("title", "")), str(meta.get("date", "")), acronyms,
                             str(meta.get("fingerprint", "")), str(meta.get("source_url", "")), n)


def old_words(path: Path, collection: str) -> dict[str, list[str]]:
    """Each chunk's newmm words as the index before the catalog saved them (none if unreadable)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {k: v["tokens"] for k, v in raw["chunks"].items()} if raw.get("collection") == collection else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def create_catalog(store: "IndexStore") -> None:
    """A new catalog; a data folder from before it (Chroma + lexical.json) is read back from Chroma,
    which held every chunk's text and metadata, and lexical.json's words fill the lexical index."""
    total = store.collection.count()
    documents: dict[str, tuple] = {}
    rows: list[tuple] = []
    vectors: list[np.ndarray] = []
    if total:
        bar = tqdm(total=total, desc="building the catalog from the old index", unit="chunk", leave=False)
        for offset in range(0, total, SCAN):
            got = store.collection.get(include=["documents", "metadatas", "embeddings"], limit=SCAN,
                                       offset=offset)
            add_migrated(documents, rows, got["ids"], got["documents"], got["metadatas"])
            vectors.append(np.asarray(got["embeddings"], dtype=np.float16).reshape(len(got["ids"]), -1))
            bar.update(len(got["ids"]))
        bar.close()
    store.catalog.init("migrated" if total else "new", store.settings.collection, list(documents.values()), rows,
                       np.concatenate(vectors) if vectors else None)
    old = store.settings.lexical_path
    if rows and not store._lexical.count():  # the old file's words spare newmm a pass over every chunk
        words = old_words(old, store.settings.collection)
        for i in range(0, len(rows), SCAN):
            docs = [lexical_doc(r[0], r[1], r[4], r[7], r[8]) for r in rows[i : i + SCAN]]
            store._lexical.add_words([(d, words[d.id]) for d in docs if d.id in words])
            store._lexical.add([d for d in docs if d.id not in words])
        store._lexical.commit()
    if old.exists():
        os.replace(old, old.with_name(old.name + ".migrated"))
    if total:
        log.info("migrated %d chunks of %d documents to the catalog", len(rows), len(documents))


def copy_vectors(store: "IndexStore") -> None:
    """Copy every live chunk's vector from Chroma into the catalog, once, for an index from before
    the catalog kept them (prachum.index.dense_filter reads them there). Until then, or while
    another process writes, a filtered search reads the missing ones from Chroma."""
    if not store.write_lock.acquire(wait=0):
        return
    try:
        ids = sorted(store.catalog.live_ids())
        bar = tqdm(total=len(ids), desc="keeping the vectors in the catalog", unit="chunk", leave=False,
                   disable=len(ids) < 1000)
        for i in range(0, len(ids), SCAN):
            got = store.collection.get(ids=ids[i : i + SCAN], include=["embeddings"])
            if got["ids"]:  # (a chunk whose vector Chroma lost is the full reconcile's business)
                store.catalog.keep_vectors(got["ids"], np.asarray(got["embeddings"]).reshape(len(got["ids"]), -1))
            bar.update(len(ids[i : i + SCAN]))
        bar.close()
        store.catalog.set_meta(VECTORS_KEPT, "all")
    finally:
        store.write_lock.release()
