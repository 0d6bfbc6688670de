"""Sweep retrieval settings on external Thai benchmarks, through the product's own index and retriever.

Runs XQuAD-th, iApp Wiki QA test, and iApp test with the 1523 train contexts as
distractors. Each benchmark is ingested once into a private index
(evals.benchmarks.build_index: ingest_paths, IndexStore, the product's embedder),
then every configuration asks every question through rag.retriever.HybridSearch.
A configuration is a set of Settings changes (fusion, dense_weight, candidates,
bm25_k1, bm25_b; the lexical index is searched with other k1/b without being
rebuilt). Nothing is tuned on the seed records. Vectors are cached under bench/results/cache, so only
the first run pays for embedding (~30 min on two busy cores; later runs minutes).

    python bench/retrieval_fusion.py                      # the dense-weight table (stage "weights")
    python bench/retrieval_fusion.py --stage fusion --stage bm25
    python bench/retrieval_fusion.py --weights 0.3 0.4 0.5 0.6 --benchmark xquad

Selection rule: the mean Recall@1 over the three benchmarks (MRR@10 breaks ties);
a setting must be good on XQuAD and iApp alike, not best on one.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evals.benchmarks import (  # noqa: E402
    CACHE_DIR,
    BenchIndex,
    Method,
    RetrievalMetrics,
    build_index,
    evaluate,
    load_iapp,
    load_xquad_th,
    method,
    weight_methods,
)
from prachum.config import Settings, load_settings  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
STAGES = ("weights", "fusion", "bm25")
BENCHMARKS = {
    "xquad": lambda: [load_xquad_th()],
    "iapp": lambda: [load_iapp(), load_iapp(distractors=True)],
    "iapp-test": lambda: [load_iapp()],  # without the distractors: a quick look
}
Table = dict[str, dict[str, dict]]  # row name -> benchmark name -> metrics in percent


def row(metrics: RetrievalMetrics, seconds: float) -> dict:
    out = {k: round(v * 100, 2) if k != "n" else v for k, v in asdict(metrics).items()}
    out["search_ms"] = round(1000 * seconds / max(1, metrics.n), 2)
    return out


def mean_key(results: dict[str, dict]) -> tuple[float, float]:
    return (statistics.mean(m["recall_1"] for m in results.values()),
            statistics.mean(m["mrr_10"] for m in results.values()))


def markdown(title: str, table: Table, names: list[str], bench_names: list[str],
             counts: dict[str, str]) -> str:
    """One row per configuration: R@1 / R@5 / R@10 / MRR@10 per benchmark, then the mean R@1 and MRR@10."""
    head = "| configuration | " + " | ".join(f"{b} ({counts[b]}) R@1 / R@5 / R@10 / MRR@10" for b in bench_names)
    lines = [f"### {title}", "", head + " | mean R@1 | mean MRR@10 |",
             "|---" * (len(bench_names) + 3) + "|"]
    for name in names:
        cells = [" / ".join(f"{table[name][b][k]:.1f}" for k in ("recall_1", "recall_5", "recall_10", "mrr_10"))
                 for b in bench_names]
        r1, mrr = mean_key(table[name])
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {r1:.2f} | {mrr:.2f} |")
    return "\n".join(lines)


def sweep(indexes: list[BenchIndex], methods: list[Method], table: Table, prefix: str = "") -> list[str]:
    """Fill ``table`` with every method on every index; returns the row names in order."""
    for how in methods:
        name = prefix + how.name
        for index in indexes:
            metrics, seconds = evaluate(index, how)
            table.setdefault(name, {})[index.bench.name] = row(metrics, seconds)
        print(f"  {name}: mean R@1 {mean_key(table[name])[0]:.2f}", file=sys.stderr, flush=True)
    return [prefix + m.name for m in methods]


def stage_weights(indexes: list[BenchIndex], base: Settings, weights: list[float]) -> tuple[Table, list[str]]:
    """BM25 alone, dense alone, and z-score fusion at each dense weight: the default's table."""
    table: Table = {}
    methods = [method("bm25 alone", fusion="bm25"), method("dense alone", fusion="dense"),
               *weight_methods(weights, base.fusion if base.fusion not in ("bm25", "dense") else "zscore")]
    return table, sweep(indexes, methods, table)


def stage_fusion(indexes: list[BenchIndex], base: Settings, weights: list[float]) -> tuple[Table, list[str]]:
    """The fusion methods at each weight, and the number of candidates each side contributes."""
    table: Table = {}
    methods = [*weight_methods(weights, "minmax"), *weight_methods([0.3, 0.5, 0.7], "rrf")]
    for candidates in (10, 20, 100):
        methods.append(method(f"zscore w={base.dense_weight:g} candidates={candidates}",
                              fusion="zscore", dense_weight=base.dense_weight, candidates=candidates))
    return table, sweep(indexes, methods, table)


def stage_bm25(indexes: list[BenchIndex], base: Settings, weights: list[float]) -> tuple[Table, list[str]]:
    """BM25 k1 / b, alone and inside the hybrid (the product's fusion and weight).

    The n-gram length is no longer swept: the lexical index (prachum/index/lexical.py) stores
    words and 3-grams as written at ingest; bench/lexical_quality.py compares its variants.
    """
    table: Table = {}
    methods = [method(f"k1={k1} b={b} {side}", bm25_k1=k1, bm25_b=b, **({"fusion": "bm25"} if side == "alone" else {}))
               for k1 in (0.6, 0.9, 1.2, 1.5) for b in (0.5, 0.75, 0.9) for side in ("alone", "hybrid")]
    return table, sweep(indexes, methods, table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", action="append", choices=STAGES, help="repeatable; default: weights")
    parser.add_argument("--weights", type=float, nargs="+", default=[0.3, 0.4, 0.5, 0.6])
    parser.add_argument("--benchmark", action="append", choices=tuple(BENCHMARKS),
                        help="repeatable; default: xquad and iapp (test, and test + train distractors)")
    parser.add_argument("--cache", type=Path, default=CACHE_DIR, help="embedding cache folder")
    parser.add_argument("--out", type=Path, default=RESULTS / "retrieval_fusion.json")
    args = parser.parse_args()

    from prachum.models.embedder import load_embedder

    # the product's defaults (no prachum.toml, no PRACHUM_* variables): what a new user runs
    base = load_settings(use_files=False, use_env=False)
    embedder = load_embedder(base)
    benches = [b for name in (args.benchmark or ["xquad", "iapp"]) for b in BENCHMARKS[name]()]
    report: dict = {"embedder": embedder.name, "settings": {k: str(v) for k, v in base.as_dict().items()
                                                             if k not in ("data_dir", "openai_api_key")},
                    "benchmarks": {}, "stages": {}}
    out: list[str] = []
    with tempfile.TemporaryDirectory(prefix="prachum-fusion-") as tmp:
        indexes = []
        for bench in benches:
            start = time.perf_counter()
            index = build_index(bench, embedder, base, Path(tmp) / bench.name, cache_dir=args.cache,
                                progress=sys.stderr.isatty())
            indexes.append(index)
            report["benchmarks"][bench.name] = {
                "questions": len(bench.questions), "contexts": len(bench.contexts), "chunks": index.chunks,
                **{k: round(v, 2) for k, v in index.timings.items()},
                "build_s": round(time.perf_counter() - start, 1),
            }
            print(f"{bench.name}: {report['benchmarks'][bench.name]}", file=sys.stderr, flush=True)
        names = [b.name for b in benches]
        counts = {b.name: f"{len(b.questions)} q, {len(b.contexts)} ctx" for b in benches}
        for stage in args.stage or ["weights"]:
            table, rows = {"weights": stage_weights, "fusion": stage_fusion, "bm25": stage_bm25}[stage](
                indexes, base, args.weights)
            report["stages"][stage] = table
            best = sorted(rows, key=lambda r: mean_key(table[r]), reverse=True)
            report.setdefault("best", {})[stage] = best[:5]
            out.append(markdown(f"{stage} (best by mean R@1: {best[0]})", table, rows, names, counts))
    print("\n\n".join(out))
    print(f"\nembedder {embedder.name}; settings: fusion {base.fusion}, dense_weight {base.dense_weight}, "
          f"candidates {base.candidates}, bm25 k1 {base.bm25_k1} b {base.bm25_b}, chunk_tokens {base.chunk_tokens}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
