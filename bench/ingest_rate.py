"""Ingest throughput: the pipeline with the real embedder against the embedder's raw batch rate, and
the re-ingest of an unchanged folder.

``real N``: the first N XQuAD-th articles written as files (one paragraph per context), ingested
through ``ingest_paths`` with the real embedder (``load_embedder``) into a fresh index; the raw
rate is ``Embedder.embed_passages`` over the very texts the ingest embedded (each chunk, then its
sentences: ``Prepared.embedded_texts``), in one call; both rates count those texts. The
machine is shared, so the raw rate is measured before and after the ingest and the ratio uses
their mean. Target: ingest >= 90% of the raw rate.

``reingest N``: N small Thai records (a title, a Buddhist-era date, three Wikipedia sentences),
indexed once, then ingested again unchanged; that second run is timed. Target: 10,000 unchanged
files in <= 30 s. Indexing them first through the pipeline costs a store write per file (~0.3 s
here), so by default the index is set up through the store's migration path instead: the chunks
``prepare`` makes, with their fingerprints, put into Chroma as the old index held them, which
the store reads into its catalog on open (``--through-pipeline`` ingests them instead).

    python -m bench.ingest_rate real 48
    python -m bench.ingest_rate reingest 10000
(``python -m bench.scale --real --reingest N`` runs both and adds them to its table.)
"""
from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

from bench.scale import BENCHMARKS, SEED, FakeQueryEmbedder, bench_settings, peak_rss_mb, sentence_pool


def write_articles(folder: Path, count: int) -> list[Path]:
    xquad = json.loads((BENCHMARKS / "xquad" / "xquad.th.json").read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, article in enumerate(xquad["data"][:count]):
        path = folder / f"{i:03d}.txt"
        path.write_text("\n\n".join(p["context"].lstrip("\ufeff") for p in article["paragraphs"]), encoding="utf-8")
        paths.append(path)
    return paths


def real(count: int, progress: bool = True) -> dict[str, Any]:
    from ingest.pipeline import EMBED_BATCH, ingest_paths, prepare
    from prachum.index.store import IndexStore
    from prachum.models.embedder import load_embedder

    work = Path(tempfile.mkdtemp(prefix="prachum-ingest-rate-"))
    try:
        settings = bench_settings(work / "data")
        files = write_articles(work / "docs", count)
        embedder = load_embedder(settings)
        texts = [t for path in files  # the chunks and their sentences, as the pipeline embeds them
                 for t in prepare(path, path.read_bytes(), settings, embedder, "x").embedded_texts()]
        embedder.embed_passages(texts[:8])  # warm

        def raw() -> float:
            t = time.perf_counter()
            embedder.embed_passages(texts)
            return len(texts) / (time.perf_counter() - t)

        before = raw()
        store = IndexStore(settings)
        t = time.perf_counter()
        report = ingest_paths([work / "docs"], settings, store, embedder, progress=progress)
        ingest_s = time.perf_counter() - t
        after = raw()
        rate = len(texts) / ingest_s
        return {"real_files": len(files), "real_chunks": report.chunks, "real_texts": len(texts), "real_batch": EMBED_BATCH,
                "ingest_s": round(ingest_s, 1), "ingest_texts_per_s": round(rate, 2),
                "raw_texts_per_s": round((before + after) / 2, 2), "raw_runs_texts_per_s": [round(before, 2), round(after, 2)],
                "ingest_vs_raw": round(rate / ((before + after) / 2), 3),
                "ingest_failed": report.count("failed")}
    finally:
        shutil.rmtree(work, ignore_errors=True)


THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def write_records(folder: Path, count: int, pool: Sequence[str]) -> None:
    """Small meeting-like records, a thousand to a subfolder, dated in Buddhist-era Thai digits."""
    rng = random.Random(SEED)
    for i in range(count):
        sub = folder / f"{i // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        day, month, year = rng.randint(1, 28), rng.choice(("ม.ค.", "ก.พ.", "มี.ค.", "ส.ค.")), rng.randint(55, 67)
        text = (f"การประชุมคณะทำงาน SOCA ครั้งที่ {i + 1}\n"
                f"เมื่อวันที่ {day} {month} {year} ".translate(THAI_DIGITS)
                + " ".join(rng.choice(pool) for _ in range(3)) + "\n")
        (sub / f"บันทึก_{i:05d}.txt").write_text(text, encoding="utf-8")


def migrate_in(folder: Path, settings: Any, embedder: FakeQueryEmbedder) -> int:
    """Put every record's chunks into Chroma with the old index's metadata (fingerprint included);
    the store builds its catalog and lexical index from them when it opens."""
    import numpy as np

    from ingest.pipeline import discover, fingerprint, prepare
    from prachum.index.store import _chroma_client
    from prachum.models.embedder import ChromaEmbedder

    collection = _chroma_client(settings).get_or_create_collection(
        settings.collection, configuration={"hnsw": {"space": "cosine"}},
        embedding_function=ChromaEmbedder(settings, embedder))
    files, _ = discover([folder])
    records = []
    for path in files:
        data = path.read_bytes()
        records += prepare(path, data, settings, embedder, fingerprint(data, settings, embedder.name)).records
    for i in range(0, len(records), 5000):
        part = records[i : i + 5000]
        metas = [{"source": r.source, "title": r.title, "date": r.date.isoformat() if r.date else "",
                  "date_ord": r.date_ord, "acronyms": ",".join(r.acronyms), "position": r.position,
                  "start": r.start, "end": r.end, "fingerprint": r.fingerprint, "indexed_text": r.indexed_text,
                  "source_url": r.source_url or ""} for r in part]
        collection.upsert(ids=[r.id for r in part], documents=[r.text for r in part], metadatas=metas,
                          embeddings=np.asarray(embedder.embed_passages([r.indexed_text for r in part])).tolist())
    return len(files)


def reingest(count: int, through_pipeline: bool = False, progress: bool = True) -> dict[str, Any]:
    from ingest.pipeline import ingest_paths
    from prachum.index.store import IndexStore

    work = Path(tempfile.mkdtemp(prefix="prachum-reingest-"))
    try:
        write_records(work / "docs", count, sentence_pool())
        settings = bench_settings(work / "data")
        embedder = FakeQueryEmbedder()
        t = time.perf_counter()
        if through_pipeline:
            ingest_paths([work / "docs"], settings, IndexStore(settings), embedder, progress=progress)
        else:
            migrate_in(work / "docs", settings, embedder)
        store = IndexStore(settings)  # as a new `prachum ingest` would open it
        setup_s = time.perf_counter() - t
        t = time.perf_counter()
        again = ingest_paths([work / "docs"], settings, store, embedder, progress=progress)
        again_s = time.perf_counter() - t
        return {"reingest_files": count, "reingest_indexed": len(store.documents()),
                "reingest_setup": "pipeline" if through_pipeline else "migration", "reingest_setup_s": round(setup_s, 1),
                "reingest_unchanged_s": round(again_s, 2), "reingest_unchanged": again.count("unchanged"),
                "reingest_rss_mb": round(peak_rss_mb())}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    worker = argv[:1] == ["--worker"]
    kind, count, *flags = argv[1:] if worker else argv
    result = real(int(count)) if kind == "real" else reingest(int(count), "--through-pipeline" in flags)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
