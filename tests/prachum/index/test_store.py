"""The index store against a real embedded Chroma (fake vectors: the store does not care where they come from)."""
import json
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
    assert "8" in store.lexical[recs[0].id].tokens


def test_replacing_a_document_drops_its_stale_chunks(tmp_settings, fake_embedder):
    store = IndexStore(tmp_settings)
    old = records("/r/a.txt", ["หนึ่ง", "สอง", "สาม"], fp="old")
    store.replace_document("/r/a.txt", old, fake_embedder.embed_passages([r.text for r in old]))
    new = records("/r/a.txt", ["หนึ่งใหม่"], fp="new")
    store.replace_document("/r/a.txt", new, fake_embedder.embed_passages([r.text for r in new]))
    assert store.count() == 1
    assert set(store.lexical) == {new[0].id}
    assert store.fingerprint("/r/a.txt") == "new"


def test_remove_document(tmp_settings, fake_embedder):
    store = IndexStore(tmp_settings)
    for src in ("/r/a.txt", "/r/b.txt"):
        recs = records(src, ["การประชุม SOMSWD"])
        store.replace_document(src, recs, fake_embedder.embed_passages([r.text for r in recs]))
    assert store.remove_document("/r/a.txt") == 1
    assert store.remove_document("/r/a.txt") == 0
    assert [d.source for d in store.documents()] == ["/r/b.txt"]
    assert len(store.lexical) == 1


def test_lexical_index_survives_reopen_and_is_rebuilt_when_inconsistent(tmp_settings, fake_embedder):
    store = IndexStore(tmp_settings)
    recs = records("/r/a.txt", ["การประชุม SOCCOM ครั้งที่ ๑๖", "มหาวิทยาลัยเคมบริดจ์"])
    store.replace_document("/r/a.txt", recs, fake_embedder.embed_passages([r.text for r in recs]))
    assert set(IndexStore(tmp_settings).lexical) == {r.id for r in recs}
    # a crash between the Chroma write and the lexical write leaves the file behind: simulate it
    tmp_settings.lexical_path.write_text(json.dumps({"collection": "prachum", "chunks": {}}))
    reopened = IndexStore(tmp_settings)
    assert set(reopened.lexical) == {r.id for r in recs}
    assert "soccom" in reopened.lexical[recs[0].id].tokens
    # a damaged file is rebuilt too, not a crash
    tmp_settings.lexical_path.write_text("{not json")
    assert set(IndexStore(tmp_settings).lexical) == {r.id for r in recs}


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
