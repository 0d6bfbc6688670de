"""The index store against a real embedded Chroma (fake vectors: the store does not care where they come from)."""
from datetime import date

import pytest

from prachum.index.store import ChunkRecord, IndexStore, StoreError


def records(source: str, texts: list[str], fp: str = "fp1", when: date | None = date(2021, 2, 8)):
    return [
        ChunkRecord(id=f"{source}-{i}-{fp}", text=t, indexed_text=f"SOCA Retreat\n{t}", source=source,
                    title="SOCA Retreat", date=when, acronyms=("SOCA",), position=i, start=0, end=len(t),
                    fingerprint=fp)
        for i, t in enumerate(texts)
    ]


def test_replace_then_list_documents(tmp_settings, fake_embedder):
    store = IndexStore(tmp_settings)
    recs = records("/r/003.txt", ["เมื่อวันที่ ๘ ก.พ. ๖๔ นางจตุพร โรจนพานิช", "ประเทศบรูไนดารุสซาลามเป็นเจ้าภาพ"])
    store.replace_document("/r/003.txt", recs, fake_embedder.embed_passages([r.indexed_text for r in recs]))
    [doc] = store.documents()
    assert (doc.source, doc.title, doc.date, doc.chunks, doc.acronyms) == ("/r/003.txt", "SOCA Retreat", "2021-02-08", 2, ["SOCA"])
    assert store.fingerprint("/r/003.txt") == "fp1"
    assert store.fingerprint("/r/none.txt") is None
    # Thai digits are indexed in Arabic form, so a question with either finds the chunk
    assert recs[0].id in store.lexical_search("วันที่ 8 ก.พ.", 5)
    assert recs[0].id in store.lexical_search("วันที่ ๘ ก.พ.", 5)
    assert store.fingerprints() == {"/r/003.txt": "fp1"} and store.count() == 2


def test_replacing_a_document_drops_its_stale_chunks(tmp_settings, fake_embedder):
    store = IndexStore(tmp_settings)
    old = records("/r/a.txt", ["หนึ่ง", "สอง", "สาม"], fp="old")
    store.replace_document("/r/a.txt", old, fake_embedder.embed_passages([r.text for r in old]))
    new = records("/r/a.txt", ["หนึ่งใหม่"], fp="new")
    store.replace_document("/r/a.txt", new, fake_embedder.embed_passages([r.text for r in new]))
    assert store.count() == 1
    assert set(store.lexical_search("หนึ่ง สอง สาม", 10)) == {new[0].id}
    assert store.chunks([r.id for r in old]) == {}  # the catalog no longer serves the old chunks
    assert store.fingerprint("/r/a.txt") == "new"


def test_remove_document(tmp_settings, fake_embedder):
    store = IndexStore(tmp_settings)
    for src in ("/r/a.txt", "/r/b.txt"):
        recs = records(src, ["การประชุม SOMSWD"])
        store.replace_document(src, recs, fake_embedder.embed_passages([r.text for r in recs]))
    assert store.remove_document("/r/a.txt") == 1
    assert store.remove_document("/r/a.txt") == 0
    assert [d.source for d in store.documents()] == ["/r/b.txt"]
    assert store.count() == 1 and store.lexical_search("การประชุม SOMSWD", 5).keys() == set(store.chunk_ids("/r/b.txt"))


def test_lexical_index_survives_reopen_and_is_rebuilt_when_lost(tmp_settings, fake_embedder):
    import shutil

    store = IndexStore(tmp_settings)
    recs = records("/r/a.txt", ["การประชุม SOCCOM ครั้งที่ ๑๖", "มหาวิทยาลัยเคมบริดจ์"])
    store.replace_document("/r/a.txt", recs, fake_embedder.embed_passages([r.text for r in recs]))
    del store
    assert set(IndexStore(tmp_settings).lexical_search("SOCCOM เคมบริดจ์", 5)) == {r.id for r in recs}
    # the lexical folder lost (deleted by hand, a disk problem): rebuilt from the catalog on open
    shutil.rmtree(tmp_settings.lexical_dir)
    reopened = IndexStore(tmp_settings)
    hits = reopened.lexical_search("มหาวิทยาลัยเคมบริดจ์", 5)
    assert max(hits, key=hits.get) == recs[1].id and set(hits) <= {r.id for r in recs}
    assert reopened.idf("soccom") > 0


def test_dense_search_filters_by_date_and_keeps_undated(tmp_settings, fake_embedder):
    from prachum.types import Filters

    store = IndexStore(tmp_settings)
    for src, when in (("/r/2018.txt", date(2018, 8, 20)), ("/r/2021.txt", date(2021, 8, 26)), ("/r/nodate.txt", None)):
        recs = records(src, ["การประชุมด้านสวัสดิการสังคม"], when=when)
        store.replace_document(src, recs, fake_embedder.embed_passages([r.text for r in recs]))
    where = Filters(since=date(2021, 1, 1), until=date(2021, 12, 31)).chroma_where()
    hits = store.dense_search(fake_embedder.embed_query("สวัสดิการสังคม"), 10, where)
    found = {store.chunks(list(hits))[i][1]["source"] for i in hits}
    assert found == {"/r/2021.txt", "/r/nodate.txt"}


def test_bad_chroma_url_is_a_clear_error(tmp_settings):
    with pytest.raises(StoreError, match="not a URL"):
        IndexStore(tmp_settings.replace(chroma_url="nonsense"))


def test_writes_go_to_chroma_in_batches_of_its_maximum(tmp_settings, fake_embedder, monkeypatch):
    """One document over Chroma's max batch (5,461 on this build) failed after all its embedding work."""
    store = IndexStore(tmp_settings)
    assert store.max_batch == store.client.get_max_batch_size() > 1000
    monkeypatch.setattr(store, "max_batch", 3)
    sizes: list[tuple[str, int]] = []
    for name in ("upsert", "delete"):
        original = getattr(store.collection, name)

        def spy(*args, _name=name, _original=original, **kwargs):
            sizes.append((_name, len(kwargs["ids"])))
            return _original(*args, **kwargs)

        monkeypatch.setattr(store.collection, name, spy)
    big = records("/r/big.txt", [f"วาระที่ {n} ที่ประชุมรับทราบ" for n in range(10)], fp="v1")
    store.replace_document("/r/big.txt", big, fake_embedder.embed_passages([r.text for r in big]))
    assert sizes == [("upsert", 3)] * 3 + [("upsert", 1)]
    assert store.chroma_ids() == store.catalog.live_ids() == {r.id for r in big}
    sizes.clear()
    small = records("/r/big.txt", ["วาระเดียว"], fp="v2")
    store.replace_document("/r/big.txt", small, fake_embedder.embed_passages([r.text for r in small]))
    assert sizes == [("upsert", 1)] + [("delete", 3)] * 3 + [("delete", 1)]
    assert store.chroma_ids() == store._lexical.ids() == {small[0].id} and store.count() == 1
