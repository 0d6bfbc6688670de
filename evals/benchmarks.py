"""External Thai retrieval benchmarks, measured through the product's own write path and retriever.

Protocol of the Thai-Sentence-Vector-Benchmark: the corpus is the set of unique
contexts, each question must retrieve its own context; we report Recall@1/5/10
and MRR@10. Retrieval settings are chosen here, on data no one on this project
wrote, never on the seed records, so that the seeds stay an honest test.

Nothing about retrieval is re-implemented here:

* index: each context is written as one ``.txt`` document and ingested with
  ``ingest.pipeline.ingest_paths`` into a private ``IndexStore`` (embedded Chroma in
  a temporary folder), so it is cleaned, titled, dated and chunked (``chunk_tokens``)
  exactly like a user's record, and embedded by the embedder it is given (the
  product's, through an on-disk cache of its vectors: evals/embed_cache.py);
* search: every question goes through ``rag.retriever.HybridSearch.search``. A method
  is a set of changes to :class:`Settings` (``fusion="bm25"`` / ``"dense"`` for the
  single-sided rows, ``dense_weight`` for the sweep), never a copy of the fusion;
* scoring: a context's score is that of its best chunk in the fused ranking, and the
  question's rank is its own context's rank among the contexts found.

The search asks for ``settings.candidates`` chunks, so the candidates each side
contributes, and with them the fusion statistics, are exactly those of a user's
search; a user's ``k`` only cuts the same ranking shorter.

``use_question_period=False``: the product narrows a search to a period a question
names ("ในปี ค.ศ. 1990"), and the period is matched against the record's meeting
date. Wikipedia questions name the dates of the events they ask about, and a
Wikipedia paragraph has no meeting date (the date ingest finds in it is whichever
date it mentions first), so narrowing would measure that accident, not retrieval.
The seed records, where dates are meeting dates, measure the narrowing instead.
"""
from __future__ import annotations

import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator, Sequence

from evals.bench_data import (
    BENCHMARKS_DIR,
    Benchmark,
    BenchmarkDataError,
    OODQuestion,
    Question,
    load_iapp,
    load_ood_questions,
    load_xquad_th,
)
from evals.embed_cache import CACHE_DIR, CachedEmbedder, cached_embeddings, embedder_label
from prachum.config import Settings, load_settings
from prachum.index.lexical import LexicalIndex
from prachum.index.store import IndexStore, lexical_doc
from prachum.thai.text import search_form
from rag.fusion import ranked
from rag.retriever import HybridSearch

# Questions that name a period are not narrowed by it (see the module docstring).
USE_QUESTION_PERIOD = False


# --- metrics --------------------------------------------------------------
def recall_at(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions whose own context is within the first k (rank is 1-based, None = not found)."""
    if not ranks:
        return 0.0
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mrr_at(ranks: Sequence[int | None], k: int = 10) -> float:
    """Mean reciprocal rank, counting only ranks within the first k."""
    if not ranks:
        return 0.0
    return sum(1.0 / r for r in ranks if r is not None and r <= k) / len(ranks)


def rank_of(gold: str, scores: dict[str, float]) -> int | None:
    """1-based rank of ``gold`` among ``scores``, in the order of rag.fusion.ranked (ties by id)."""
    if gold not in scores:
        return None
    return 1 + [i for i, _ in ranked(scores)].index(gold)


@dataclass(frozen=True)
class RetrievalMetrics:
    recall_1: float
    recall_5: float
    recall_10: float
    mrr_10: float
    n: int

    @classmethod
    def from_ranks(cls, ranks: Sequence[int | None]) -> "RetrievalMetrics":
        return cls(recall_at(ranks, 1), recall_at(ranks, 5), recall_at(ranks, 10), mrr_at(ranks, 10), len(ranks))


# --- methods: Settings variants -------------------------------------------
@dataclass(frozen=True)
class Method:
    """One retrieval configuration: the name of a row and the Settings changes it runs with."""

    name: str
    changes: tuple[tuple[str, Any], ...] = ()

    def settings(self, base: Settings) -> Settings:
        return base.replace(**dict(self.changes)) if self.changes else base


def method(name: str, **changes: Any) -> Method:
    return Method(name, tuple(sorted(changes.items())))


# "hybrid" is the settings as given: what a user runs (the product's defaults unless configured)
DEFAULT_METHODS = (method("bm25", fusion="bm25"), method("dense", fusion="dense"), method("hybrid"))


def weight_methods(weights: Sequence[float], fusion: str = "zscore") -> tuple[Method, ...]:
    return tuple(method(f"{fusion} w={w:g}", fusion=fusion, dense_weight=w) for w in weights)


# --- the index ------------------------------------------------------------
@dataclass
class BenchIndex:
    """A benchmark's contexts ingested into a private index, as a user's documents would be."""

    bench: Benchmark
    settings: Settings
    store: IndexStore
    embedder: CachedEmbedder
    chunks: int
    timings: dict[str, float] = field(default_factory=dict)


def build_index(bench: Benchmark, embedder: Any, settings: Settings, data_dir: Path, *,
                cache_dir: Path | None = CACHE_DIR, progress: bool = False) -> BenchIndex:
    """Ingest one ``<context id>.txt`` per context into an IndexStore under ``data_dir`` (never a server)."""
    from evals.answer_bench import index_contexts  # it imports this module's data types

    settings = settings.replace(data_dir=Path(data_dir), chroma_url=None)
    cached = embedder if isinstance(embedder, CachedEmbedder) else CachedEmbedder(embedder, cache_dir)
    store = IndexStore(settings, cached)
    embedded = cached.seconds["passage"]
    writer = SimpleNamespace(settings=settings, store=store, embedder=cached)
    report = index_contexts(writer, bench, Path(data_dir) / "documents", progress=progress)
    cached.save()
    timings = {"ingest_s": report.seconds, "dense_index_s": cached.seconds["passage"] - embedded,
               "bm25_index_s": lexical_build_seconds(store, settings)}
    return BenchIndex(bench, settings, store, cached, report.chunks, timings)


def lexical_build_seconds(store: IndexStore, settings: Settings) -> float:
    """What the lexical index costs on its own: building it again from the catalog's chunks."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="prachum-lexical-") as tmp:
        rebuilt = LexicalIndex(Path(tmp), settings.bm25_k1, settings.bm25_b)
        rebuilt.add([lexical_doc(*r) for r in store.catalog.lexical_rows(sorted(store.catalog.live_ids()))])
        rebuilt.commit()
        seconds = time.perf_counter() - start
        rebuilt.close()  # its writer lets go now, before the folder goes
    return seconds


@contextmanager
def lexical_index(index: BenchIndex, k1: float, b: float) -> Iterator[None]:
    """The store's lexical index searched with other BM25 parameters, for the duration."""
    with index.store.lexical_scoring(k1, b):
        yield


# --- asking ----------------------------------------------------------------
def question_rank(search: HybridSearch, question: Question, depth: int) -> int | None:
    """Rank of the question's own context among the contexts of its search (a context = its best chunk)."""
    from evals.answer_bench import context_of

    best: dict[str, float] = {}
    for passage in search.search(question.text, depth, use_question_period=USE_QUESTION_PERIOD).passages:
        best.setdefault(context_of(passage.source), passage.score)
    return rank_of(question.context_id, best)


def evaluate(index: BenchIndex, how: Method, *, progress: bool = False) -> tuple[RetrievalMetrics, float]:
    """Ask every question through the product's retriever set up by ``how``; the metrics and seconds taken."""
    settings = how.settings(index.settings)
    questions = index.bench.questions
    # query vectors in batches through the cache first; the searches then find them there
    index.embedder.embed_queries([search_form(q.text) for q in questions])
    search = HybridSearch(index.store, index.embedder, settings)
    items: Sequence[Question] = questions
    if progress:
        from tqdm import tqdm

        items = tqdm(questions, desc=f"{index.bench.name} {how.name}", leave=False)
    start = time.perf_counter()
    with lexical_index(index, settings.bm25_k1, settings.bm25_b):
        ranks = [question_rank(search, q, settings.candidates) for q in items]
    seconds = time.perf_counter() - start
    index.embedder.save()
    return RetrievalMetrics.from_ranks(ranks), seconds


@dataclass
class RetrievalReport:
    benchmark: str
    n_questions: int
    n_contexts: int
    timings: dict[str, float]
    results: dict[str, RetrievalMetrics]
    chunks: int = 0


def run_index(index: BenchIndex, methods: Sequence[Method] = DEFAULT_METHODS, *,
              progress: bool = False) -> RetrievalReport:
    """Every method over one built index; timings gain each method's mean search time in ms."""
    timings = dict(index.timings)
    results = {}
    for how in methods:
        results[how.name], seconds = evaluate(index, how, progress=progress)
        timings[f"search_ms.{how.name}"] = 1000 * seconds / max(1, len(index.bench.questions))
    bench = index.bench
    return RetrievalReport(bench.name, len(bench.questions), len(bench.contexts), timings, results, index.chunks)


def run_retrieval(
    bench: Benchmark,
    embedder: Any,
    settings: Settings | None = None,
    data_dir: Path | None = None,
    methods: Sequence[Method] = DEFAULT_METHODS,
    *,
    cache_dir: Path | None = CACHE_DIR,
    progress: bool = False,
) -> RetrievalReport:
    """BM25, dense and hybrid side by side on one benchmark, through the product's index and retriever.

    ``settings`` default to the product's defaults (no files, no environment);
    the index goes under ``data_dir``, or a temporary folder removed afterwards.
    """
    settings = settings or load_settings(use_files=False, use_env=False)
    with tempfile.TemporaryDirectory(prefix="prachum-bench-") as tmp:
        folder = Path(data_dir) if data_dir is not None else Path(tmp) / bench.name
        index = build_index(bench, embedder, settings, folder, cache_dir=cache_dir, progress=progress)
        try:
            return run_index(index, methods, progress=progress)
        finally:
            index.store.close()  # before the temporary folder goes


__all__ = [
    "BENCHMARKS_DIR", "BenchmarkDataError", "Benchmark", "Question", "OODQuestion",
    "load_xquad_th", "load_iapp", "load_ood_questions",
    "CACHE_DIR", "CachedEmbedder", "cached_embeddings", "embedder_label",
    "recall_at", "mrr_at", "rank_of", "RetrievalMetrics",
    "Method", "method", "DEFAULT_METHODS", "weight_methods", "USE_QUESTION_PERIOD",
    "BenchIndex", "build_index", "lexical_index", "question_rank", "evaluate",
    "RetrievalReport", "run_index", "run_retrieval",
]
