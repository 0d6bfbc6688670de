"""Several documents in one write (IndexStore.write_documents): one commit, all or nothing, same results."""
from __future__ import annotations

from datetime import date

import pytest

from prachum.index.store import ChunkRecord, DocumentWrite, IndexStore

TEXTS = {
    "/r/soca-2564.txt": ["การประชุม SOCA ครั้งที่ ๑๖ วันที่ ๘ ก.พ. ๖๔", "นางจตุพร โรจนพานิช กล่าวเปิดการประชุม"],
    "/r/somswd-2563.txt": ["ที่ประชุม SOMSWD มีมติเลื่อนการประชุมไปเดือนมีนาคม ๒๕๖๓", "ประเทศบรูไนดารุสซาลามเป็นเจ้าภาพ"],
    "/r/ictc-2565.txt": ["Thailand chairs the ASEAN ICTC meeting in 2022", "งบประมาณ ๒๕๖๕ ได้รับอนุมัติ"],
}


def records(source: str, texts: list[str], fp: str = "fp1") -> list[ChunkRecord]:
    return [ChunkRecord(id=f"{source}-{i}-{fp}", text=t, indexed_text=f"รายงานการประชุม\n{t}", source=source,
                        title="รายงานการประชุม", date=date(2021, 2, 8), acronyms=("SOCA",), position=i, start=0,
                        end=len(t), fingerprint=fp) for i, t in enumerate(texts)]


def batch(embedder, fp: str = "fp1", words: bool = False, texts: dict | None = None) -> list[DocumentWrite]:
    out = []
    for source, lines in (texts or TEXTS).items():
        recs = records(source, lines, fp)
        vectors = embedder.embed_passages([r.indexed_text for r in recs])
        out.append(DocumentWrite(source, recs, vectors, None, IndexStore.words(recs) if words else None))
    return out


def consistent(store: IndexStore) -> set[str]:
    live = store.catalog.live_ids()
    assert live == store.chroma_ids() == store._lexical.ids() == store.catalog.vector_ids()
    assert not store.catalog.pending_ids() and not store.catalog.garbage_ids()
    return live


@pytest.mark.parametrize("precut", [False, True])
def test_a_batch_is_one_change_and_searches_as_documents_written_one_by_one(precut, tmp_settings, fake_embedder,
                                                                             monkeypatch):
    one_by_one = IndexStore(tmp_settings.replace(data_dir=tmp_settings.data_dir / "a"))
    for d in batch(fake_embedder):
        one_by_one.replace_document(d.source, d.chunks, d.embeddings)
    store = IndexStore(tmp_settings)
    commits = []
    real_commit = store._lexical.commit
    monkeypatch.setattr(store._lexical, "commit", lambda: commits.append(1) or real_commit())
    before = store.catalog.generation()[0]
    store.write_documents(batch(fake_embedder, words=precut))
    assert store.catalog.generation()[0] == before + 1 and commits == [1]
    assert sorted(d.source for d in store.documents()) == sorted(TEXTS) and len(consistent(store)) == 6
    for question in ("บรูไนดารุสซาลาม", "การประชุม SOCA ๘ ก.พ. ๖๔", "ASEAN ICTC 2022", "งบประมาณ 2565"):
        assert store.lexical_search(question, 3) == pytest.approx(one_by_one.lexical_search(question, 3))


def test_a_batch_replaces_changed_documents_and_removes_emptied_ones(tmp_settings, fake_embedder):
    store = IndexStore(tmp_settings)
    store.write_documents(batch(fake_embedder))
    changed = {"/r/soca-2564.txt": ["การประชุม SOCA ครั้งที่ ๑๗ ปิดประชุมเวลา ๑๖.๓๐ น."], "/r/ictc-2565.txt": []}
    store.write_documents(batch(fake_embedder, fp="fp2", texts=changed))
    assert {d.source: d.chunks for d in store.documents()} == {"/r/soca-2564.txt": 1, "/r/somswd-2563.txt": 2}
    assert store.fingerprint("/r/soca-2564.txt") == "fp2" and len(consistent(store)) == 3
    assert store.lexical_search("นางจตุพร โรจนพานิช", 5) == {}  # the replaced chunk no longer answers


def test_a_failed_batch_changes_nothing(tmp_settings, fake_embedder, monkeypatch):
    store = IndexStore(tmp_settings)
    first, *rest = batch(fake_embedder)
    store.write_documents([first])

    def refuse(*args, **kwargs):
        raise RuntimeError("Chroma is down")

    monkeypatch.setattr(store.collection, "upsert", refuse)
    with pytest.raises(RuntimeError, match="down"):
        store.write_documents(rest)
    assert consistent(store) == {c.id for c in first.chunks}
    assert [d.source for d in store.documents()] == [first.source]


def test_a_batch_is_checked_before_anything_is_written(tmp_settings, fake_embedder):
    store = IndexStore(tmp_settings)
    docs = batch(fake_embedder)
    with pytest.raises(ValueError, match="only once"):
        store.write_documents([docs[0], docs[0]])
    short = DocumentWrite(docs[1].source, docs[1].chunks, docs[1].embeddings, None, [["คำ"]])
    with pytest.raises(ValueError, match="word list"):
        store.write_documents([docs[0], short])
    assert store.count() == 0 and store.documents() == []


def test_what_a_failed_delete_left_goes_with_the_next_write(tmp_settings, fake_embedder, monkeypatch):
    store = IndexStore(tmp_settings)
    store.write_documents(batch(fake_embedder))
    old = set(store.chunk_ids("/r/soca-2564.txt"))

    def fail(ids):
        raise RuntimeError("disk busy")

    monkeypatch.setattr(store, "_collect", fail)
    store.write_documents(batch(fake_embedder, fp="fp2", texts={"/r/soca-2564.txt": ["วาระอื่น ๆ ไม่มี"]}))
    monkeypatch.undo()
    assert set(store.catalog.garbage_ids()) == old  # published, the old chunks not yet deleted
    assert not set(store.chunks(list(old)))  # and never served meanwhile
    store.write_documents(batch(fake_embedder, texts={"/r/new.txt": ["การประชุมครั้งใหม่ ๒๕๖๗"]}))
    assert len(consistent(store)) == 6
