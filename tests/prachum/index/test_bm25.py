import math

import pytest

from prachum.config import Settings
from rank_bm25 import BM25Okapi

from prachum.index.bm25 import NGRAM_MARK, BM25Index, char_ngrams, document_terms, query_terms

DOCS = {
    "budget": "ที่ประชุมอนุมัติงบประมาณ ๒๕๖๔ จำนวน ๑๕ ล้านบาท เมื่อ ก.พ. 64",
    "asean": "รัฐมนตรีต่างประเทศอาเซียนประชุมที่กรุงจาการ์ตา เรื่อง ASEAN Economic Community",
    "flood": "คณะกรรมการติดตามสถานการณ์น้ำท่วมในภาคใต้ ปี พ.ศ. 2564",
}


K1, B = Settings().bm25_k1, Settings().bm25_b


def bm25(k1: float = K1, b: float = B, **kw) -> BM25Index:
    """The index with the product's k1 and b unless a test says otherwise."""
    return BM25Index(k1, b, **kw)


def build(**kw) -> BM25Index:
    index = bm25(**kw)
    for doc_id, text in DOCS.items():
        index.add(doc_id, document_terms(text))
    return index


def test_thai_digits_in_query_match_arabic_digits_in_record():
    index = build()
    # the record wrote ๒๕๖๔ in Thai digits, the question asks with Arabic 2564 (and vice versa)
    assert "2564" in index.tokens("budget")
    assert index.top_k(query_terms("งบประมาณ 2564 เท่าไร"), 1)[0][0] == "budget"
    assert index.top_k(query_terms("น้ำท่วม พ.ศ. ๒๕๖๔"), 1)[0][0] == "flood"


def test_mixed_thai_english_query_is_case_insensitive():
    index = build()
    top = index.top_k(query_terms("asean economic community ประชุมที่ไหน"), 3)
    assert top[0][0] == "asean"


def test_scores_cover_every_doc_and_order_by_relevance():
    index = build(ngram=0)
    scores = index.scores(query_terms("อนุมัติงบประมาณ"))
    assert set(scores) == set(DOCS)
    assert scores["budget"] > 0.0
    assert scores["asean"] == 0.0 and scores["flood"] == 0.0
    # with character 3-grams a shared syllable (ประ) scores a little, never near a real match
    grams = build().scores(query_terms("อนุมัติงบประมาณ"))
    assert grams["budget"] > 3 * max(grams["asean"], grams["flood"])
    # a doc with two query words beats a doc with one
    index.add("partial", document_terms("งบประมาณของกรม"))
    scores = index.scores(query_terms("อนุมัติงบประมาณ"))
    assert scores["budget"] > scores["partial"] > 0.0


def test_matches_rank_bm25_up_to_the_idf_form():
    corpus = [document_terms(t) for t in DOCS.values()] + [["ประชุม", "งบประมาณ"], ["ประชุม"]]
    index = bm25(k1=1.5, b=0.75, ngram=0)
    for i, toks in enumerate(corpus):
        index.add(str(i), toks)
    ref = BM25Okapi(corpus, k1=1.5, b=0.75)
    query = ["งบประมาณ", "ประชุม"]
    ours = index.scores(query)
    # rank_bm25 keeps per-term tf parts; recompute with our idf and compare the tf/length part
    for i, toks in enumerate(corpus):
        expected = 0.0
        for term in query:
            tf = toks.count(term)
            if tf:
                n = sum(term in d for d in corpus)
                idf = math.log(1 + (len(corpus) - n + 0.5) / (n + 0.5))
                expected += idf * tf * 2.5 / (tf + 1.5 * (0.25 + 0.75 * len(toks) / ref.avgdl))
        assert ours[str(i)] == pytest.approx(expected)


def test_idf_stays_positive_for_a_term_in_every_document():
    index = bm25(ngram=0)
    index.add("a", ["ประชุม", "งบ"])
    index.add("b", ["ประชุม"])
    assert index.idf("ประชุม") > 0.0
    scores = index.scores(["ประชุม"])
    assert scores["a"] > 0.0 and scores["b"] > 0.0
    # the shorter doc with the same term frequency ranks first
    assert scores["b"] > scores["a"]


def test_add_replaces_and_remove_undoes_add():
    index = build()
    before = index.scores(query_terms("ประชุมอาเซียน"))
    index.add("extra", document_terms("การประชุมอาเซียนครั้งที่ ๓๘"))
    assert len(index) == 4
    assert index.remove("extra") is True
    assert index.remove("extra") is False
    assert index.scores(query_terms("ประชุมอาเซียน")) == pytest.approx(before)
    # re-adding an id replaces the document instead of duplicating it
    index.add("budget", document_terms("น้ำท่วม"))
    assert len(index) == 3
    assert index.scores(["งบประมาณ"])["budget"] == 0.0
    assert index.remove_many(["budget", "flood", "missing"]) == 2
    assert index.ids() == ["asean"]


def test_empty_index_and_empty_query():
    index = bm25()
    assert index.scores(["ประชุม"]) == {}
    assert index.top_k(["ประชุม"], 5) == []
    index = build()
    assert all(v == 0.0 for v in index.scores([]).values())
    assert index.top_k([], 3) == []
    assert index.top_k(["ประชุม"], 0) == []


def test_query_terms_drop_question_words_but_never_empty():
    assert query_terms("ที่ประชุมอนุมัติงบประมาณเท่าไร") == ["ที่ประชุม", "อนุมัติ", "งบประมาณ"]
    assert "ใคร" not in query_terms("ใครเป็นประธานการประชุม ก.พ. 64")
    assert "64" in query_terms("ใครเป็นประธานการประชุม ก.พ. 64")
    assert query_terms("อะไร") == ["อะไร"]


def test_char_ngrams_match_words_newmm_splits_differently():
    assert char_ngrams(["แพน", "เธอร์ส"], 3)[:2] == [NGRAM_MARK + "แพน", NGRAM_MARK + "พนเ"]
    assert char_ngrams(["ab"], 3) == [] and char_ngrams(["abc"], 0) == []
    # newmm: แพนเธอร์ส -> แพน|เธอร์ส but ทีมแพนเธอร์ -> ทีม|แพน|เธอร์ : no shared word but แพน
    words_only, with_grams = bm25(ngram=0), bm25(ngram=3)
    for index in (words_only, with_grams):
        index.add("team", document_terms("ทีมแพนเธอร์ชนะการแข่งขัน"))
        index.add("pan", document_terms("แพนเค้กราคา ๕๐ บาท"))
    q = query_terms("แพนเธอร์สชนะหรือไม่")
    assert "เธอร์ส" in q and "เธอร์" not in q
    assert with_grams.top_k(q, 1)[0][0] == "team"
    s = with_grams.scores(q)
    assert s["team"] > 2 * s["pan"]


def test_candidates_add_exact_scores_of_dense_hits():
    index = build()
    q = query_terms("อนุมัติงบประมาณ")
    cands = index.candidates(q, k=1, include=["flood", "not-indexed"])
    assert set(cands) == {"budget", "flood"}
    assert cands["flood"] == 0.0 and cands["budget"] > 0.0


def test_rejects_bad_parameters():
    with pytest.raises(ValueError):
        bm25(k1=-1)
    with pytest.raises(ValueError):
        bm25(b=1.5)
    with pytest.raises(ValueError):
        bm25(ngram=-1)
