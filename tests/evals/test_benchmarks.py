import numpy as np
import pytest

from evals.benchmarks import (
    BENCHMARKS_DIR,
    Benchmark,
    BenchmarkDataError,
    Question,
    RetrievalMetrics,
    build_index,
    cached_embeddings,
    evaluate,
    load_iapp,
    load_ood_questions,
    load_xquad_th,
    mrr_at,
    rank_of,
    recall_at,
    method,
    run_retrieval,
)
from evals.answer_bench import context_of
from prachum.config import load_settings

needs_data = pytest.mark.skipif(
    not BENCHMARKS_DIR.is_dir(), reason=f"external benchmarks not found at {BENCHMARKS_DIR}"
)


# --- loaders --------------------------------------------------------------
@needs_data
def test_xquad_th_counts_and_bom_stripped():
    bench = load_xquad_th()
    assert len(bench.questions) == 1190
    assert len(bench.contexts) == 240
    assert not any(text.startswith("\ufeff") for text in bench.contexts.values())
    assert all(q.context_id in bench.contexts for q in bench.questions)
    assert len({q.qid for q in bench.questions}) == 1190


@needs_data
def test_iapp_test_counts_and_distractors():
    test = load_iapp()
    assert (len(test.questions), len(test.contexts)) == (739, 192)
    assert test.name == "iapp-test"
    hard = load_iapp(distractors=True)
    assert hard.name == "iapp-test+train"
    assert len(hard.questions) == 739
    assert len(hard.contexts) == 192 + 1523
    # the questions still point at the same texts
    for q_easy, q_hard in zip(test.questions, hard.questions):
        assert test.contexts[q_easy.context_id] == hard.contexts[q_hard.context_id]


@needs_data
def test_ood_questions():
    qs = load_ood_questions()
    assert len(qs) == 1190
    assert all(q.qid and q.text and "\t" not in q.text for q in qs)
    assert any("ใคร" in q.text for q in qs)


def test_missing_data_names_the_path(tmp_path):
    with pytest.raises(BenchmarkDataError, match="xquad.th.json"):
        load_xquad_th(tmp_path)
    with pytest.raises(BenchmarkDataError, match="test.jsonl"):
        load_iapp(tmp_path)


def test_duplicate_contexts_become_one_document(tmp_path):
    folder = tmp_path / "iapp_wiki_qa"
    folder.mkdir()
    rows = [
        '{"question_id": "q1", "question": "ประชุมเมื่อไร", "context": "\\ufeffประชุมวันที่ ๑ ก.พ. 64"}',
        '{"question_id": "q2", "question": "ใครเป็นประธาน", "context": "ประชุมวันที่ ๑ ก.พ. 64"}',
        '{"question_id": "q3", "question": "งบเท่าไร", "context": "งบ 15 ล้านบาท"}',
    ]
    (folder / "test.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    bench = load_iapp(tmp_path)
    assert len(bench.contexts) == 2
    assert bench.questions[0].context_id == bench.questions[1].context_id != bench.questions[2].context_id


# --- metrics --------------------------------------------------------------
def test_recall_and_mrr_on_toy_ranks():
    ranks = [1, 2, None, 11, 5]
    assert recall_at(ranks, 1) == pytest.approx(1 / 5)
    assert recall_at(ranks, 5) == pytest.approx(3 / 5)
    assert recall_at(ranks, 10) == pytest.approx(3 / 5)
    assert mrr_at(ranks, 10) == pytest.approx((1 + 1 / 2 + 1 / 5) / 5)
    assert recall_at([], 1) == 0.0 and mrr_at([]) == 0.0
    m = RetrievalMetrics.from_ranks(ranks)
    assert (m.n, m.recall_5) == (5, pytest.approx(0.6))


def test_rank_of_breaks_ties_by_id():
    """A context's score is its best chunk's; contexts rank as rag.fusion.ranked orders them."""
    scores = {"b": 1.0, "a": 1.0, "c": 3.0}
    assert rank_of("c", scores) == 1
    assert rank_of("a", scores) == 2
    assert rank_of("b", scores) == 3
    assert rank_of("zzz", scores) is None


# --- runner on a toy benchmark with a deterministic embedder --------------
class BagOfCharsEmbedder:
    """Tiny stand-in for e5: normalised character counts, enough to make the plumbing testable."""

    name = "test-bag-of-chars"

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(512, dtype=np.float32)
        for ch in text:
            v[ord(ch) % 512] += 1.0
        return v / (np.linalg.norm(v) or 1.0)

    def embed_passages(self, texts):
        return np.vstack([self._vec(t) for t in texts])

    def embed_query(self, text):
        return self._vec(text)

    def count_tokens(self, text):  # what ingest sizes chunks with
        return len(text) // 3 + 4


TOY = Benchmark(
    "toy",
    {
        "c1": "ที่ประชุมอนุมัติงบประมาณ ๒๕๖๔ จำนวน ๑๕ ล้านบาท",
        "c2": "รัฐมนตรีต่างประเทศอาเซียนประชุมที่กรุงจาการ์ตา ASEAN Summit",
        "c3": "สถานการณ์น้ำท่วมภาคใต้ เมื่อ ก.พ. 64",
    },
    (
        Question("q1", "อนุมัติงบประมาณ 2564 เท่าไร", "c1"),
        Question("q2", "asean summit จัดที่ไหน", "c2"),
        Question("q3", "น้ำท่วมภาคใต้เกิดเมื่อไร", "c3"),
    ),
)


def test_index_and_evaluate_on_toy(tmp_path):
    """The toy contexts are ingested into a real store; every method is a Settings variant of HybridSearch."""
    index = build_index(TOY, BagOfCharsEmbedder(), load_settings(use_files=False, use_env=False),
                        tmp_path / "index", cache_dir=tmp_path / "cache")
    assert index.store.count() == index.chunks == 3
    assert sorted(context_of(d.source) for d in index.store.documents()) == ["c1", "c2", "c3"]
    assert {"bm25_index_s", "dense_index_s", "ingest_s"} <= set(index.timings)
    for how in (method("b", fusion="bm25"), method("h", fusion="zscore", dense_weight=0.3, candidates=2),
                method("r", fusion="rrf", dense_weight=0.5)):
        assert evaluate(index, how)[0].recall_1 == 1.0


def test_run_retrieval_reports_all_methods(tmp_path):
    report = run_retrieval(TOY, BagOfCharsEmbedder(), cache_dir=tmp_path)
    assert set(report.results) == {"bm25", "dense", "hybrid"}
    assert (report.n_questions, report.n_contexts) == (3, 3)
    assert report.results["bm25"].recall_1 == 1.0
    assert report.results["hybrid"].mrr_10 == 1.0


def test_embedding_cache_is_reused(tmp_path):
    calls = []

    class Counting(BagOfCharsEmbedder):
        def embed_passages(self, texts):
            calls.append(len(texts))
            return super().embed_passages(texts)

    texts = list(TOY.contexts.values())
    first, _ = cached_embeddings(Counting(), texts, "passage", tmp_path)
    second, _ = cached_embeddings(Counting(), texts, "passage", tmp_path)
    assert calls == [3]
    np.testing.assert_allclose(first, second)
    # vectors are kept by text (and model): a subset is served from the cache, a new text is embedded alone
    cached_embeddings(Counting(), texts[:2], "passage", tmp_path)
    assert calls == [3]
    cached_embeddings(Counting(), texts[:2] + ["ข้อความใหม่ ๒๕๖๔"], "passage", tmp_path)
    assert calls == [3, 1]


@needs_data
@pytest.mark.model
def test_real_e5_on_a_slice_of_xquad(tmp_path, model_settings):
    from prachum.models.embedder import load_embedder

    full = load_xquad_th()
    keep = list(full.contexts)[:12]
    bench = Benchmark(
        "xquad-slice",
        {c: full.contexts[c] for c in keep},
        tuple(q for q in full.questions if q.context_id in keep),
    )
    report = run_retrieval(bench, load_embedder(model_settings), model_settings, cache_dir=tmp_path)
    assert report.n_contexts == 12
    # 12 paragraphs from few articles: every method finds the right one for most questions
    assert report.results["dense"].recall_5 > 0.9
    assert report.results["hybrid"].recall_1 >= report.results["dense"].recall_1 - 0.02
    assert report.results["hybrid"].mrr_10 > 0.85
