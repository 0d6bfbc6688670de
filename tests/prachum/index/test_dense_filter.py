"""Dense search under filters: the catalog filters, and the answer is what Chroma's own ``where`` gives."""
from __future__ import annotations

from datetime import date

import pytest

import prachum.index.dense_filter as dense_filter
from prachum.index.dense_filter import Unsupported, where_sql
from prachum.index.store import ChunkRecord, IndexStore
from prachum.types import Filters

DOCS = [  # source, date, acronyms
    ("/r/soca-2560.txt", date(2017, 3, 8), ("SOCA",)),
    ("/r/soca-2564.txt", date(2021, 2, 8), ("SOCA", "ASEAN")),
    ("/r/somswd-2560.txt", date(2017, 11, 20), ("SOMSWD",)),
    ("/r/ictc-2565.txt", date(2022, 6, 1), ("ICTC",)),
    ("/r/undated.txt", None, ("SOCA",)),
    ("/r/50%_SOCA.txt", date(2017, 1, 5), ()),
]
LINES = ["การประชุม {a} ครั้งที่ {n} วันที่ ๘ ก.พ. ๖๔", "นางจตุพร โรจนพานิช กล่าวเปิดการประชุม {a}",
         "ที่ประชุมมีมติเลื่อนการประชุมไปเดือนมีนาคม {n}", "Thailand chairs the ASEAN {a} meeting"]
FILTERS = [
    Filters(acronyms=("SOCA",)),
    Filters(acronyms=("SOCA", "ICTC")),
    Filters(since=date(2017, 1, 1), until=date(2017, 12, 31)),
    Filters(acronyms=("SOCA",), since=date(2017, 1, 1), until=date(2017, 12, 31)),
    Filters(sources=("/r/ictc-2565.txt", "/r/50%_SOCA.txt")),
    Filters(since=date(2021, 1, 1)),
    Filters(acronyms=("AMMSWD",)),
]


@pytest.fixture
def store(tmp_settings, fake_embedder) -> IndexStore:
    store = IndexStore(tmp_settings)
    for n, (source, when, acronyms) in enumerate(DOCS):
        texts = [line.format(a=" ".join(acronyms) or "SOCCOM", n=n) for line in LINES]
        recs = [ChunkRecord(id=f"{n}-{i}", text=t, indexed_text=t, source=source, title="รายงาน", date=when,
                            acronyms=acronyms, position=i, start=0, end=len(t), fingerprint="fp")
                for i, t in enumerate(texts)]
        store.replace_document(source, recs, fake_embedder.embed_passages(texts))
    return store


def chroma_own(store: IndexStore, vector, k: int, where: dict) -> dict[str, float]:
    got = store.collection.query(query_embeddings=[vector.tolist()], n_results=k, where=where, include=["distances"])
    return {i: 1.0 - d for i, d in zip(got["ids"][0], got["distances"][0])}


# (20, 10, 1000, *): the nearest unfiltered that pass; (1, 1, 1000, *): too few pass, so the passing ids'
# kept vectors are compared here; (1, 10, 0, *): too many pass to compare, and enough are among ten times
# more; (1, 1, 0, 1000): Chroma searches among the passing ids; (1, 1, 0, 0): with its own filter
@pytest.mark.parametrize(("overfetch", "widen", "exact_ids", "max_ids"),
                         [(20, 10, 1000, 1000), (1, 1, 1000, 1000), (1, 10, 0, 1000), (1, 1, 0, 1000), (1, 1, 0, 0)])
@pytest.mark.parametrize("filters", FILTERS, ids=repr)
def test_filtered_dense_search_equals_chromas_own_filter(store, fake_embedder, filters, overfetch, widen, exact_ids,
                                                         max_ids, monkeypatch):
    monkeypatch.setattr(dense_filter, "OVERFETCH", overfetch)
    monkeypatch.setattr(dense_filter, "WIDEN", widen)
    monkeypatch.setattr(dense_filter, "EXACT_IDS", exact_ids)
    monkeypatch.setattr(dense_filter, "MAX_IDS", max_ids)
    where = filters.chroma_where()
    allowed = set(store.collection.get(where=where, include=[])["ids"])
    for question in ("ใครเป็นประธานการประชุม SOCA", "Who chaired the ICTC meeting in 2022?"):
        vector = fake_embedder.embed_query(question)
        for k in (1, 3, 10):
            ours, theirs = store.dense_search(vector, k, where), chroma_own(store, vector, k, where)
            # the hashed fake vectors tie often, and ties may come in another order: compare the scores
            # (vectors compared here are float16)
            assert sorted(ours.values()) == pytest.approx(sorted(theirs.values()), abs=1e-3) and set(ours) <= allowed


def test_the_catalog_reads_the_where_chroma_would_read(store):
    condition, params = where_sql(Filters(acronyms=("SOCA",), since=date(2017, 1, 1), until=date(2017, 12, 31)).chroma_where())
    passing = store.catalog.passing(condition, params)
    assert {i.split("-")[0] for i in passing} == {"0", "4"}  # 2560's SOCA meeting and the undated SOCA record
    assert store.catalog.passing(condition, params, ["0-1", "1-1", "4-2"]) == {"0-1", "4-2"}
    # a LIKE wildcard in an acronym or a source is a character, not a pattern
    condition, params = where_sql({"acr:SO%": True})
    assert store.catalog.passing(condition, params) == set()


def test_a_where_it_cannot_read_is_left_to_chroma(store, fake_embedder):
    for where in ({"title": "รายงาน"}, {"date_ord": {"$ne": 0}}, {"$and": []}):
        with pytest.raises(Unsupported):
            where_sql(where)
    vector = fake_embedder.embed_query("การประชุม")
    assert store.dense_search(vector, 5, {"date_ord": {"$ne": 0}}) == pytest.approx(
        chroma_own(store, vector, 5, {"date_ord": {"$ne": 0}}))


def test_the_catalog_keeps_each_live_chunks_vector_and_forgets_replaced_ones(store, fake_embedder):
    assert store.catalog.vector_ids() == store.catalog.live_ids()
    texts = ["การประชุม SOCA ครั้งที่ ๒๐ วันที่ ๑ มี.ค. ๖๕"]
    recs = [ChunkRecord(id="1-new", text=texts[0], indexed_text=texts[0], source=DOCS[1][0], title="รายงาน",
                        date=DOCS[1][1], acronyms=DOCS[1][2], position=0, start=0, end=len(texts[0]), fingerprint="fp2")]
    store.replace_document(DOCS[1][0], recs, fake_embedder.embed_passages(texts))
    store.remove_document(DOCS[3][0])
    assert store.catalog.vector_ids() == store.catalog.live_ids()
    assert "1-new" in store.catalog.vector_ids() and not {"1-0", "3-0"} & store.catalog.vector_ids()
    ids, vectors = store.catalog.vectors(["1-new", "1-0"], fake_embedder.dim)
    assert ids == ["1-new"] and vectors.shape == (1, fake_embedder.dim)
    assert vectors[0] == pytest.approx(fake_embedder.embed_passages(texts)[0], abs=1e-3)
    assert store.catalog.vectors(["1-new"], fake_embedder.dim + 1)[0] == []  # another model's dimension


def test_an_index_from_before_the_kept_vectors_searches_alike_and_gets_them_when_a_writer_opens_it(
        store, tmp_settings, fake_embedder, monkeypatch):
    monkeypatch.setattr(dense_filter, "OVERFETCH", 1)
    monkeypatch.setattr(dense_filter, "WIDEN", 1)  # straight to the passing ids' vectors
    where = Filters(since=date(2017, 1, 1), until=date(2017, 12, 31)).chroma_where()
    vector = fake_embedder.embed_query("ใครเป็นประธานการประชุม SOCA")
    before = store.dense_search(vector, 5, where)
    with store.catalog.transaction() as conn:  # as the catalog was before it kept vectors
        conn.execute("DELETE FROM chunk_vectors WHERE id LIKE '0-%'")
        conn.execute("DELETE FROM meta WHERE key = 'chunk_vectors'")
    assert store.dense_search(vector, 5, where) == pytest.approx(before, abs=1e-3)  # the rest from Chroma
    with store.writing():  # another process writes: a reader leaves the vectors to it
        IndexStore(tmp_settings)
    assert not {"0-0", "0-1"} & store.catalog.vector_ids()
    reopened = IndexStore(tmp_settings)
    assert reopened.catalog.vector_ids() == reopened.catalog.live_ids()
    assert reopened.catalog.meta("chunk_vectors") == "all"
    assert reopened.dense_search(vector, 5, where) == pytest.approx(before, abs=1e-3)
