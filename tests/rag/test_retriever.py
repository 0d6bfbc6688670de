from datetime import date

from prachum.types import Filters
from rag.retriever import HybridSearch


def test_thai_question_finds_the_right_record(seed_index):
    settings, store, embedder = seed_index
    search = HybridSearch(store, embedder, settings)
    result = search.search("ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat", k=3)
    assert result.passages[0].source.endswith("003_f9ff260f397ac10e.txt")
    assert result.passages[0].score >= result.passages[-1].score


def test_thai_digits_in_the_question_match_arabic_in_the_record(seed_index):
    settings, store, embedder = seed_index
    result = HybridSearch(store, embedder, settings).search("การประชุม SOMSWD+3 ครั้งที่ ๑๕", k=3)
    assert result.passages[0].source.endswith("000_e91d83dd3f878e86.txt")


def test_question_naming_a_period_narrows_by_date(seed_index):
    settings, store, embedder = seed_index
    search = HybridSearch(store, embedder, settings)
    result = search.search("การประชุมในเดือนสิงหาคม 2564 มีผู้เข้าร่วมประมาณกี่คน", k=5)
    assert result.question_period == (date(2021, 8, 1), date(2021, 8, 31))
    assert {p.source.rsplit("/", 1)[-1] for p in result.passages} == {"004_3bbcc50efedd5578.txt"}
    english = search.search("Which meeting took place in August 2018?", k=5)
    assert {p.source.rsplit("/", 1)[-1] for p in english.passages} == {"002_d332b30e73633e87.txt"}


def test_explicit_dates_win_over_the_question_period_and_other_filters_narrow(seed_index):
    settings, store, embedder = seed_index
    search = HybridSearch(store, embedder, settings)
    result = search.search("การประชุมปี 2561", k=5, filters=Filters(since=date(2021, 1, 1), until=date(2021, 12, 31)))
    assert result.passages and all(p.date.startswith("2021") for p in result.passages)
    source = next(p.source for p in search.search("SOCCOM", k=1).passages)
    only = search.search("การประชุม", k=5, filters=Filters(sources=(source,)))
    assert only.passages and all(p.source == source for p in only.passages)
    acr = search.search("การประชุม", k=10, filters=Filters(acronyms=("SOCCOM",)))
    assert acr.passages and all("SOCCOM" in p.metadata["acronyms"].split(",") for p in acr.passages)


def test_retrieval_after_ingest_sees_new_chunks(tmp_settings, fake_embedder, tmp_path):
    from ingest.pipeline import ingest_paths
    from prachum.index.store import IndexStore

    store = IndexStore(tmp_settings)
    search = HybridSearch(store, fake_embedder, tmp_settings)
    doc = tmp_path / "new.txt"
    doc.write_text("การประชุมคณะกรรมการกองทุนผู้สูงอายุ เมื่อวันที่ 3 มีนาคม 2565", encoding="utf-8")
    assert search.search("กองทุนผู้สูงอายุ", k=3).passages == []
    ingest_paths([doc], tmp_settings, store, fake_embedder, progress=False)
    assert search.search("กองทุนผู้สูงอายุ", k=3).passages[0].source == str(doc.resolve())
