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


# (20, 10, 1000): the nearest unfiltered that pass; (1, 10, 1000): too few pass, then enough of ten
# times more; (1, 1, 1000): too few pass either way, so the passing ids' vectors are compared here;
# (1, 1, 0): Chroma searches among the passing ids
@pytest.mark.parametrize(("overfetch", "widen", "exact_ids"), [(20, 10, 1000), (1, 10, 1000), (1, 1, 1000), (1, 1, 0)])
@pytest.mark.parametrize("filters", FILTERS, ids=repr)
def test_filtered_dense_search_equals_chromas_own_filter(store, fake_embedder, filters, overfetch, widen, exact_ids,
                                                         monkeypatch):
    monkeypatch.setattr(dense_filter, "OVERFETCH", overfetch)
    monkeypatch.setattr(dense_filter, "WIDEN", widen)
    monkeypatch.setattr(dense_filter, "EXACT_IDS", exact_ids)
    where = filters.chroma_where()
    allowed = set(store.collection.get(where=where, include=[])["ids"])
    for question in ("ใครเป็นประธานการประชุม SOCA", "Who chaired the ICTC meeting in 2022?"):
        vector = fake_embedder.embed_query(question)
        for k in (1, 3, 10):
            ours, theirs = store.dense_search(vector, k, where), chroma_own(store, vector, k, where)
            # the hashed fake vectors tie often, and ties may come in another order: compare the scores
            assert sorted(ours.values()) == pytest.approx(sorted(theirs.values())) and set(ours) <= allowed


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
