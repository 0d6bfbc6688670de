"""Retrieval quality of each lexical engine on XQuAD-th and iApp test, alone and inside the hybrid.

The chunks are the product's: every context is one document cut by ingest.pipeline.prepare
(cleaned, titled, chunked with the embedder's token count), the search form indexed.
The dense side is the product's e5 vectors read from evals/embed_cache.py's cache (no
model runs when the cache holds them) and ranked by exact cosine, as Chroma does on a few
hundred chunks. The hybrid is the retriever's own recipe (rag/retriever.py): the lexical
side's ``candidates`` best plus the exact lexical score of every dense candidate, fused by
rag.fusion.fuse with the product's fusion and dense weight; a context scores as its best
chunk among the ``candidates`` fused results.
"""
from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.lexical_adapters import Engine
from evals.bench_data import Benchmark
from evals.benchmarks import mrr_at, rank_of, recall_at
from evals.embed_cache import CACHE_DIR, CachedEmbedder
from prachum.config import Settings
from prachum.index.lexical import LexicalDoc
from prachum.thai.text import search_form, word_tokens
from rag.fusion import fuse, ranked


@dataclass
class BenchChunks:
    bench: Benchmark
    docs: list[LexicalDoc]
    words: list[list[str]]
    context: dict[str, str]  # chunk id -> context id
    vectors: np.ndarray  # passages, L2-normalised, in docs order
    queries: np.ndarray  # questions, in bench.questions order


def _chunk(bench: Benchmark, settings: Settings, counter: Any, folder: Path) -> list[dict]:
    from ingest.pipeline import (
        prepare,  # imports the store; only needed when the cache is cold
    )

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for cid, text in bench.contexts.items():
        path = folder / f"{cid}.txt"
        path.write_text(text, encoding="utf-8")
        prepared = prepare(path, path.read_bytes(), settings, counter, "bench")
        for r in getattr(prepared, "records", prepared):  # a list of records before issue #11
            out.append({"id": r.id, "context": cid, "text": r.indexed_text, "acronyms": list(r.acronyms),
                        "date_ord": int(r.date.strftime("%Y%m%d")) if r.date else 0})
    return out


def load_chunks(bench: Benchmark, settings: Settings, counter: Any, cache_dir: Path = CACHE_DIR) -> BenchChunks:
    """The benchmark cut as ingest cuts it (remembered on disk), with the cached e5 vectors."""
    key = hashlib.sha256(f"{bench.corpus_hash()}|{settings.chunk_tokens}|{settings.chunk_overlap_sentences}"
                         .encode()).hexdigest()[:12]
    saved = cache_dir / f"lexical-chunks-{bench.name}-{key}.json"
    if saved.is_file():
        rows = json.loads(saved.read_text(encoding="utf-8"))
    else:
        with tempfile.TemporaryDirectory(prefix="prachum-lexq-") as tmp:
            rows = _chunk(bench, settings, counter, Path(tmp))
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    docs = [LexicalDoc(r["id"], r["context"], r["text"], r["date_ord"], tuple(r["acronyms"])) for r in rows]
    cached = CachedEmbedder(counter, cache_dir)
    passages = cached.embed("passage", [d.text for d in docs])
    queries = cached.embed("query", [search_form(q.text) for q in bench.questions])
    cached.save()
    if any(cached.computed.values()):
        print(f"  ({bench.name}: {cached.computed} vectors were not cached and were computed)")
    norm = lambda m: m / np.linalg.norm(m, axis=1, keepdims=True)
    return BenchChunks(bench, docs, [word_tokens(d.text) for d in docs], {r["id"]: r["context"] for r in rows},
                       norm(passages), norm(queries))


def question_ranks(data: BenchChunks, engine: Engine, fusion: str, dense_weight: float,
                   candidates: int) -> list[int | None]:
    ids = [d.id for d in data.docs]
    ranks = []
    for q, qvec in zip(data.bench.questions, data.queries):
        sims = data.vectors @ qvec
        top = np.argsort(-sims)[:candidates]
        dense = {ids[i]: float(sims[i]) for i in top}
        lexical = engine.search(q.text, candidates, include=list(dense)) if fusion != "dense" else {}
        best: dict[str, float] = {}
        for chunk_id, score in ranked(fuse(fusion, dense, lexical, dense_weight), candidates):
            best.setdefault(data.context[chunk_id], score)
        ranks.append(rank_of(q.context_id, best))
    return ranks


def metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    return {"recall_1": round(100 * recall_at(ranks, 1), 1), "recall_5": round(100 * recall_at(ranks, 5), 1),
            "mrr_10": round(100 * mrr_at(ranks, 10), 1), "n": len(ranks)}


def evaluate(data: BenchChunks, make: Callable[[Path], Engine], settings: Settings) -> dict[str, Any]:
    """One engine on one benchmark: lexical alone and hybrid (the product's fusion settings)."""
    with tempfile.TemporaryDirectory(prefix="prachum-lexq-") as tmp:
        engine = make(Path(tmp) / "index")
        start = time.perf_counter()
        engine.add(list(zip(data.docs, data.words)))
        engine.commit()
        built = time.perf_counter() - start
        start = time.perf_counter()
        alone = question_ranks(data, engine, "bm25", settings.dense_weight, settings.candidates)
        hybrid = question_ranks(data, engine, settings.fusion, settings.dense_weight, settings.candidates)
        asked = (time.perf_counter() - start) / (2 * len(alone))
    return {"engine": engine.name, "alone": metrics(alone), "hybrid": metrics(hybrid),
            "index_s": round(built, 3), "question_ms": round(1000 * asked, 2)}


def dense_row(data: BenchChunks, settings: Settings) -> dict[str, Any]:
    ranks = question_ranks(data, None, "dense", settings.dense_weight, settings.candidates)  # type: ignore[arg-type]
    return {"engine": "dense alone", "alone": metrics(ranks), "hybrid": metrics(ranks)}


def markdown(results: dict[str, list[dict[str, Any]]]) -> str:
    names = list(results)
    head = ("| engine | " + " | ".join(f"{n} alone R@1 / R@5 / MRR@10 | {n} hybrid R@1 / R@5 / MRR@10" for n in names)
            + " |")
    lines = [head, "|---" * (1 + 2 * len(names)) + "|"]
    for i, row in enumerate(results[names[0]]):
        cells = []
        for n in names:
            r = results[n][i]
            for side in ("alone", "hybrid"):
                m = r[side]
                cells.append(f"{m['recall_1']:.1f} / {m['recall_5']:.1f} / {m['mrr_10']:.1f}")
        lines.append(f"| {row['engine']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(out: Path) -> None:
    """Every engine (and tantivy query shape) on XQuAD-th and iApp test; prints a table, writes ``out``."""
    import functools

    from bench.lexical_adapters import Fts5, OldBM25, Tantivy
    from evals.bench_data import load_iapp, load_xquad_th
    from prachum.config import load_settings
    from prachum.models.query_embedder import load_query_embedder

    settings = load_settings(use_files=False, use_env=False)  # the product's defaults
    counter = load_query_embedder(settings)  # only its token count cuts the chunks; vectors come from the cache
    if counter is None:
        from prachum.models.embedder import load_embedder

        counter = load_embedder(settings)
    makers: list[Callable[[Path], Engine]] = [
        OldBM25, Tantivy, functools.partial(Tantivy, exact=False),
        *(functools.partial(Tantivy, exact=False, grams_boost=g) for g in (0.0, 2.0)), Fts5,
    ]
    results: dict[str, list[dict[str, Any]]] = {}
    for bench in (load_xquad_th(), load_iapp()):
        data = load_chunks(bench, settings, counter)
        rows = [dense_row(data, settings)]
        for make in makers:
            rows.append(evaluate(data, make, settings))
            print(f"  {bench.name}: {rows[-1]}", flush=True)
        results[bench.name] = rows
    print(markdown(results))
    print(f"\nhybrid: fusion {settings.fusion}, dense weight {settings.dense_weight}, {settings.candidates} candidates; "
          f"lexical alone = fusion 'bm25'. e5 vectors from {CACHE_DIR}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"settings": {"fusion": settings.fusion, "dense_weight": settings.dense_weight,
                                            "candidates": settings.candidates}, "results": results},
                              ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {out}")
