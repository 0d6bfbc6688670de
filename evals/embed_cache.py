"""The product's embedder with its vectors remembered on disk, by model and text.

Embedding a benchmark costs minutes on two CPU cores and a sweep reruns it many
times, so every vector is kept under bench/results/cache (gitignored), keyed by
the model's name and the SHA-256 of the exact text (and whether it was embedded
as a passage or a query). The seconds each vector originally took are kept too,
so an index time reported from the cache stays honest.
"""
from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from evals.bench_data import REPO_ROOT

CACHE_DIR = REPO_ROOT / "bench" / "results" / "cache"
KINDS = ("passage", "query")
BATCH = 32
_SAVE_EVERY = 512  # new vectors between saves, so an interrupted run keeps most of its work


def embedder_label(embedder: Any) -> str:
    return str(getattr(embedder, "name", None) or type(embedder).__name__)


def text_key(kind: str, text: str) -> str:
    return hashlib.sha256(f"{kind}\0{text}".encode()).hexdigest()[:32]


class _VectorFile:
    """One model's vectors of one kind: {text key: (vector, seconds)}, in one .npz file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        self.seconds: dict[str, float] = {}
        self._unsaved = 0
        if path is not None and path.is_file():
            with np.load(path) as saved:
                for key, vec, sec in zip(saved["keys"], saved["vectors"], saved["seconds"]):
                    self.vectors[str(key)] = vec
                    self.seconds[str(key)] = float(sec)

    def put(self, key: str, vector: np.ndarray, seconds: float) -> None:
        self.vectors[key], self.seconds[key] = vector, seconds
        self._unsaved += 1
        if self._unsaved >= _SAVE_EVERY:
            self.save()

    def save(self) -> None:
        if self.path is None or not self._unsaved or not self.vectors:
            return
        keys = list(self.vectors)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(keys), vectors=np.stack([self.vectors[k] for k in keys]),
                 seconds=np.array([self.seconds[k] for k in keys], dtype=np.float64))
        tmp.replace(self.path)
        self._unsaved = 0


class CachedEmbedder:
    """Wraps an embedder (``prachum.models.embedder.Embedder`` or a test fake); same interface.

    ``seconds[kind]`` adds up the original embedding time of every vector handed out,
    whether it was computed now or read from the cache.
    """

    def __init__(self, embedder: Any, cache_dir: Path | None = CACHE_DIR) -> None:
        self.inner = embedder
        self.name = embedder_label(embedder)
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.name)[:80]
        self._files = {kind: _VectorFile(cache_dir / f"{kind}-{slug}.npz" if cache_dir else None) for kind in KINDS}
        self.seconds = dict.fromkeys(KINDS, 0.0)
        self.computed = dict.fromkeys(KINDS, 0)

    def __getattr__(self, attr: str) -> Any:  # dim, folder, ... of the wrapped embedder
        return getattr(self.inner, attr)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def _compute(self, kind: str, texts: list[str]) -> list[np.ndarray]:
        if kind == "passage":
            return list(self.inner.embed_passages(texts))
        if hasattr(self.inner, "embed_queries"):  # the product's batch form: same vectors, fewer calls
            return list(self.inner.embed_queries(texts))
        return [self.inner.embed_query(t) for t in texts]

    def embed(self, kind: str, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts`` (passages or queries), computing only those not cached."""
        if kind not in KINDS:
            raise ValueError(f"kind must be 'passage' or 'query', got {kind!r}")
        store = self._files[kind]
        keys = [text_key(kind, t) for t in texts]
        missing = list(dict.fromkeys((k, t) for k, t in zip(keys, texts) if k not in store.vectors))
        for i in range(0, len(missing), BATCH):
            batch = missing[i : i + BATCH]
            start = time.perf_counter()
            vectors = self._compute(kind, [t for _, t in batch])
            each = (time.perf_counter() - start) / len(batch)
            for (key, _), vec in zip(batch, vectors):
                store.put(key, np.asarray(vec, dtype=np.float32), each)
            self.computed[kind] += len(batch)
        self.seconds[kind] += sum(store.seconds[k] for k in keys)
        if not keys:
            return np.zeros((0, int(getattr(self.inner, "dim", 0))), dtype=np.float32)
        return np.stack([store.vectors[k] for k in keys])

    def embed_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self.embed("passage", list(texts))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed("query", list(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed("query", [text])[0]

    def save(self) -> None:
        for store in self._files.values():
            store.save()


def cached_embeddings(embedder: Any, texts: Sequence[str], kind: str, cache_dir: Path | None = CACHE_DIR,
                      ) -> tuple[np.ndarray, float]:
    """Vectors of ``texts`` and the seconds they originally took, through the on-disk cache."""
    cached = embedder if isinstance(embedder, CachedEmbedder) else CachedEmbedder(embedder, cache_dir)
    before = cached.seconds[kind]
    vectors = cached.embed(kind, texts)
    cached.save()
    return vectors, cached.seconds[kind] - before


__all__ = ["CACHE_DIR", "CachedEmbedder", "cached_embeddings", "embedder_label", "text_key"]
