"""The retrieval benchmark runs the product: ingest into an IndexStore, HybridSearch, Settings variants.

A tiny synthetic Thai benchmark (Thai digits, Buddhist-era dates) and the fake
embedder, so every test here runs in seconds.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from evals.answer_bench import context_of
from evals.benchmarks import (
    DEFAULT_METHODS,
    Benchmark,
    CachedEmbedder,
    Question,
    build_index,
    evaluate,
    lexical_index,
    method,
    question_rank,
    run_index,
    run_retrieval,
    weight_methods,
)
from prachum.config import Settings, load_settings
from rag.retriever import HybridSearch
from tests.conftest import FakeEmbedder

SYNTHETIC = Benchmark(
    "synthetic-th",
    {
        "s0": "มหาวิทยาลัยเชียงใหม่ก่อตั้งเมื่อวันที่ ๑๘ มกราคม พ.ศ. ๒๕๐๗ เป็นมหาวิทยาลัยแห่งแรกในภูมิภาคเหนือ "
              "ต่อมาในปี พ.ศ. ๒๕๖๔ มหาวิทยาลัยได้รับรางวัลด้านการวิจัยข้าวหอมมะลิ",
        "s1": "แม่น้ำเจ้าพระยาเกิดจากการบรรจบกันของแม่น้ำปิงและแม่น้ำน่านที่จังหวัดนครสวรรค์ ความยาวประมาณ ๓๗๒ กิโลเมตร",
        "s2": "การแข่งขันกีฬาซีเกมส์ครั้งที่ ๒๔ จัดขึ้นที่จังหวัดนครราชสีมา ในเดือนธันวาคม พ.ศ. ๒๕๕๐ "
              "ประเทศไทยได้เหรียญทองมากที่สุด",
        "s3": "ที่ประชุมคณะรัฐมนตรีอนุมัติงบประมาณ ๑๕ ล้านบาท สำหรับโครงการน้ำท่วมภาคใต้ เมื่อเดือนกุมภาพันธ์ ๒๕๖๔",
    },
    (
        Question("q0", "ในปี พ.ศ. 2564 มหาวิทยาลัยเชียงใหม่ได้รับรางวัลด้านใด", "s0"),
        Question("q1", "แม่น้ำเจ้าพระยายาวประมาณกี่กิโลเมตร", "s1"),
        Question("q2", "ซีเกมส์ครั้งที่ 24 จัดขึ้นที่จังหวัดใด", "s2"),
        Question("q3", "คณะรัฐมนตรีอนุมัติงบประมาณ 15 ล้านบาทให้โครงการใด", "s3"),
        Question("q4", "กีฬาซีเกมส์ พ.ศ. ๒๕๕๐ ประเทศใดได้เหรียญทองมากที่สุด", "s2"),
    ),
)


def defaults(**changes) -> Settings:
    return load_settings(changes, use_files=False, use_env=False)


class CountingEmbedder(FakeEmbedder):
    def __init__(self, name: str = "fake-hash-embedder") -> None:
        self.name = name
        self.passage_calls: list[int] = []

    def embed_passages(self, texts, progress=False):
        self.passage_calls.append(len(texts))
        return super().embed_passages(texts)


@pytest.fixture
def index(tmp_path: Path):
    return build_index(SYNTHETIC, FakeEmbedder(), defaults(), tmp_path / "index", cache_dir=tmp_path / "cache")


def test_contexts_go_through_ingest_into_a_private_store(index, tmp_path: Path):
    store = index.store
    assert index.settings.data_dir == tmp_path / "index" and index.settings.chroma_url is None
    sources = {context_of(d.source) for d in store.documents()}
    assert sources == set(SYNTHETIC.contexts)
    contents = store.contents()
    assert index.chunks == store.count() == len(contents["lexical"]) >= len(SYNTHETIC.contexts)
    assert contents["catalog"] == contents["chroma"] == contents["lexical"]
    # the indexed text is the product's: search form (Arabic digits) behind the title/date prefix
    meta = store.chunks(list(contents["catalog"]))
    s3 = next(m for _, m in meta.values() if context_of(m["source"]) == "s3")
    assert "15 ล้านบาท" in s3["indexed_text"] and "๑๕ ล้านบาท" in next(
        t for t, m in meta.values() if context_of(m["source"]) == "s3")
    assert {"ingest_s", "dense_index_s", "bm25_index_s"} <= set(index.timings)


def test_long_context_is_chunked_like_a_record(tmp_path: Path):
    long = Benchmark("long", {"l0": "\n".join([SYNTHETIC.contexts["s0"]] * 3 + [SYNTHETIC.contexts["s3"]] * 3)},
                     (Question("q", "งบประมาณ 15 ล้านบาท", "l0"),))
    built = build_index(long, FakeEmbedder(), defaults(chunk_tokens=64), tmp_path / "i", cache_dir=None)
    assert built.chunks > 1
    metrics, _ = evaluate(built, method("hybrid"))
    assert metrics.recall_1 == 1.0  # several chunks of one context are one context


def test_every_question_is_asked_through_hybrid_search(index, monkeypatch):
    calls = []
    real = HybridSearch.search

    def spy(self, query, k, filters=None, *, use_question_period=True):
        calls.append((query, k, use_question_period, self.fusion, self.dense_weight))
        return real(self, query, k, use_question_period=use_question_period)

    monkeypatch.setattr(HybridSearch, "search", spy)
    report = run_index(index, DEFAULT_METHODS + weight_methods([0.3]))
    assert len(calls) == 4 * len(SYNTHETIC.questions)
    assert {c[1] for c in calls} == {index.settings.candidates}  # depth unchanged: the user's candidates
    assert not any(c[2] for c in calls)
    weight = index.settings.dense_weight  # the product's default for the fusions that do not sweep it
    assert {(c[3], c[4]) for c in calls} == {("bm25", weight), ("dense", weight), ("zscore", weight), ("zscore", 0.3)}
    assert set(report.results) == {"bm25", "dense", "hybrid", "zscore w=0.3"}
    assert {f"search_ms.{m}" for m in report.results} <= set(report.timings)


def test_methods_are_settings_variants():
    base = defaults()
    assert method("hybrid").settings(base) is base
    variant = method("w", dense_weight=0.3, fusion="minmax").settings(base)
    assert (variant.dense_weight, variant.fusion, variant.candidates) == (0.3, "minmax", base.candidates)
    assert [m.name for m in weight_methods([0.4, 0.5])] == ["zscore w=0.4", "zscore w=0.5"]
    with pytest.raises(Exception, match="dense_weight"):
        method("bad", dense_weight=1.5).settings(base)


def test_synthetic_thai_benchmark_scores(index):
    report = run_index(index)
    assert (report.benchmark, report.n_questions, report.n_contexts) == ("synthetic-th", 5, 4)
    # Thai digits in the contexts, Arabic in the questions (and the other way round): BM25 still matches
    assert report.results["bm25"].recall_1 == 1.0
    assert report.results["hybrid"].recall_1 == 1.0 and report.results["hybrid"].mrr_10 == 1.0
    assert report.results["dense"].recall_5 == 1.0


def test_hybrid_row_follows_the_given_settings(tmp_path: Path):
    built = build_index(SYNTHETIC, FakeEmbedder(), defaults(fusion="dense"), tmp_path / "i", cache_dir=None)
    report = run_index(built)
    assert report.results["hybrid"] == report.results["dense"]


def test_a_buddhist_era_year_in_the_question_does_not_narrow(index):
    """s0's ingested date is its first one (18 Jan 1964); q0 asks about 2564 (2021): narrowing would lose it."""
    q0 = SYNTHETIC.questions[0]
    search = HybridSearch(index.store, index.embedder, index.settings)
    assert question_rank(search, q0, index.settings.candidates) == 1
    narrowed = search.search(q0.text, 10, use_question_period=True)
    assert narrowed.question_period is not None
    assert "s0" not in {context_of(p.source) for p in narrowed.passages}


def test_lexical_scoring_is_swapped_for_the_duration_and_restored(index):
    store = index.store
    q = SYNTHETIC.questions[3].text
    before = store.lexical_search(q, 5)
    with lexical_index(index, 1.2, 0.5):
        swapped = store.lexical_search(q, 5)
        assert swapped.keys() == before.keys() and swapped != before  # same index, other k1/b
    assert store.lexical_search(q, 5) == before
    with lexical_index(index, index.settings.bm25_k1, index.settings.bm25_b):
        assert store.lexical_search(q, 5) == before  # nothing to change
    metrics, _ = evaluate(index, method("k1", bm25_k1=1.2, fusion="bm25"))
    assert metrics.n == 5 and store.lexical_search(q, 5) == before


def test_vectors_are_cached_by_model_and_text(tmp_path: Path):
    cache = tmp_path / "cache"
    first = CountingEmbedder()
    run_retrieval(SYNTHETIC, first, defaults(), cache_dir=cache)
    assert sum(first.passage_calls) >= len(SYNTHETIC.contexts)
    assert sorted(p.name for p in cache.iterdir()) == ["passage-fake-hash-embedder.npz", "query-fake-hash-embedder.npz"]
    again = CountingEmbedder()
    report = run_retrieval(SYNTHETIC, again, defaults(), cache_dir=cache)
    assert again.passage_calls == []  # every chunk served from the cache
    assert report.timings["dense_index_s"] > 0  # the original seconds, not the cache's
    other = CountingEmbedder("another-model")
    run_retrieval(SYNTHETIC, other, defaults(), cache_dir=cache)
    assert other.passage_calls, "another model must not reuse the first model's vectors"


def test_cached_embedder_keeps_the_interface(tmp_path: Path):
    inner = FakeEmbedder()
    cached = CachedEmbedder(inner, tmp_path)
    texts = list(SYNTHETIC.contexts.values())
    np.testing.assert_allclose(cached.embed_passages(texts), inner.embed_passages(texts))
    np.testing.assert_allclose(cached.embed_query(texts[0]), inner.embed_query(texts[0]))
    assert cached.count_tokens(texts[0]) == inner.count_tokens(texts[0])
    assert cached.dim == inner.dim and cached.name == inner.name
    assert cached.embed_passages([]).shape == (0, inner.dim)
