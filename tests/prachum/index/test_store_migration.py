"""A data folder from before the catalog (Chroma + lexical.json) opens with every document still there."""
from __future__ import annotations

import json
from datetime import date

import pytest

from prachum.index import migrate
from prachum.index.store import IndexStore, _chroma_client

DOCS = {
    "/r/003.txt": ("SOCA Retreat", date(2021, 2, 8), ("SOCA",),
                   ["เมื่อวันที่ ๘ ก.พ. ๖๔ นางจตุพร โรจนพานิช เข้าร่วมประชุม", "ประเทศบรูไนดารุสซาลามเป็นเจ้าภาพ",
                    "ที่ประชุมมีมติเห็นชอบแผนงาน ๒๕๖๔"]),
    "/r/somswd.txt": ("การประชุม SOMSWD ครั้งที่ ๑๖", None, ("SOMSWD", "ASEAN"),
                      ["Thailand hosted the meeting on social welfare", "สป.พม. รับไปดำเนินการ"]),
}


def old_index(settings, embedder) -> dict[str, list[str]]:
    """Write the index the way the store did before the catalog: text and metadata in Chroma, words in JSON."""
    from prachum.models.embedder import ChromaEmbedder
    from prachum.thai.text import word_tokens

    collection = _chroma_client(settings).get_or_create_collection(
        settings.collection, configuration={"hnsw": {"space": "cosine"}},
        embedding_function=ChromaEmbedder(settings, None))
    ids: dict[str, list[str]] = {}
    lexical = {}
    for source, (title, day, acronyms, texts) in DOCS.items():
        ids[source] = [f"{source}#{i}" for i in range(len(texts))]
        metas = [{"source": source, "title": title, "date": day.isoformat() if day else "",
                  "date_ord": int(day.strftime("%Y%m%d")) if day else 0, "acronyms": ",".join(acronyms),
                  "position": i, "start": 0, "end": len(t), "fingerprint": f"fp-{source}",
                  "indexed_text": f"{title}\n{t}", "source_url": "", **{f"acr:{a}": True for a in acronyms}}
                 for i, t in enumerate(texts)]
        collection.upsert(ids=ids[source], documents=texts, metadatas=metas,
                          embeddings=embedder.embed_passages([m["indexed_text"] for m in metas]).tolist())
        lexical.update({i: {"tokens": word_tokens(m["indexed_text"]), "source": source, "date_ord": m["date_ord"],
                            "acronyms": list(acronyms)} for i, m in zip(ids[source], metas)})
    settings.lexical_path.write_text(json.dumps({"collection": settings.collection, "chunks": lexical}),
                                     encoding="utf-8")
    return ids


@pytest.mark.parametrize("page", [2, 5000])  # paging through Chroma: a few chunks per page, or all at once
def test_an_old_data_folder_is_migrated_on_first_open(page, tmp_settings, fake_embedder, monkeypatch):
    ids = old_index(tmp_settings, fake_embedder)
    monkeypatch.setattr(migrate, "SCAN", page)
    store = IndexStore(tmp_settings)

    docs = {d.source: d for d in store.documents()}
    assert set(docs) == set(DOCS)
    soca = docs["/r/003.txt"]
    assert (soca.title, soca.date, soca.acronyms, soca.chunks, soca.fingerprint) == (
        "SOCA Retreat", "2021-02-08", ["SOCA"], 3, "fp-/r/003.txt")
    assert docs["/r/somswd.txt"].date == "" and docs["/r/somswd.txt"].acronyms == ["SOMSWD", "ASEAN"]
    assert store.fingerprints() == {s: f"fp-{s}" for s in DOCS}
    assert store.chunk_ids("/r/003.txt") == ids["/r/003.txt"]
    text, meta = store.chunks([ids["/r/003.txt"][0]])[ids["/r/003.txt"][0]]
    assert text.startswith("เมื่อวันที่ ๘ ก.พ. ๖๔") and meta["date_ord"] == 20210208 and meta["acr:SOCA"]
    # both halves of the search answer from the migrated index, the lexical one rebuilt from the catalog
    all_ids = {i for v in ids.values() for i in v}
    assert store.catalog.live_ids() == store.chroma_ids() == store._lexical.ids() == all_ids
    assert store.catalog.vector_ids() == all_ids  # kept for filtered searches (prachum.index.dense_filter)
    hits = store.lexical_search("บรูไนดารุสซาลาม", 3)
    assert max(hits, key=hits.get) == ids["/r/003.txt"][1]
    assert set(store.dense_search(fake_embedder.embed_query("social welfare"), 10)) == all_ids
    # the old file is kept aside, not read again
    assert not tmp_settings.lexical_path.exists()
    assert tmp_settings.lexical_path.with_name("lexical.json.migrated").exists()
    assert store.catalog.meta("origin") == "migrated"

    del store
    again = IndexStore(tmp_settings)
    assert again.count() == len(all_ids) and again.catalog.meta("origin") == "migrated"


def test_the_old_files_words_are_reused_and_a_damaged_file_is_not_needed(tmp_settings, fake_embedder):
    ids = old_index(tmp_settings, fake_embedder)
    raw = json.loads(tmp_settings.lexical_path.read_text(encoding="utf-8"))
    first = ids["/r/003.txt"][0]
    raw["chunks"][first]["tokens"].append("เครื่องหมายทดสอบ")  # a word only the old file knows
    tmp_settings.lexical_path.write_text(json.dumps(raw), encoding="utf-8")
    store = IndexStore(tmp_settings)
    assert list(store.lexical_search("เครื่องหมายทดสอบ", 3)) == [first]  # newmm was not run again

    other = tmp_settings.replace(data_dir=tmp_settings.data_dir.parent / "damaged")
    ids = old_index(other, fake_embedder)
    other.lexical_path.write_text("{not json", encoding="utf-8")
    store = IndexStore(other)
    assert store._lexical.ids() == store.catalog.live_ids() == {i for v in ids.values() for i in v}


def test_a_new_folder_is_not_a_migration(tmp_settings):
    store = IndexStore(tmp_settings)
    assert store.catalog.meta("origin") == "new" and store.count() == 0 and store.documents() == []
