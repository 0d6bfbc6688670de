"""The app's service: the read-write lock, filters, opening the engine once, and the document operations."""
from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

import pytest

from app.service import (LazyEmbedder, ReadWriteLock, Service, document_json, make_filters, open_engine,
                         safe_upload_name)
from prachum.errors import FilterError, UnknownSource
from prachum.types import Done, Filters, Retrieved
from rag.engine import Prachum
from tests.app.conftest import SOCA_Q, THAI_MINUTES, build_seed_engine, seed_settings, slow_fake_chat
from tests.conftest import SEEDS, FakeEmbedder


def test_upload_names_stay_inside_the_upload_folder():
    assert safe_upload_name("../../etc/passwd") == "passwd"
    assert safe_upload_name("C:\\docs\\รายงาน ก.พ. 64.pdf") == "รายงาน ก.พ. 64.pdf"
    assert safe_upload_name(".hidden.md") == "hidden.md"
    assert safe_upload_name("") == "document"



# ---- locking -------------------------------------------------------------------------------------
def test_readers_share_and_writers_wait():
    lock = ReadWriteLock()
    order: list[str] = []
    with lock.reading():
        with lock.reading():  # a second reader does not wait
            order.append("two readers")
        writer = threading.Thread(target=lambda: (lock.writing().__enter__(), order.append("writer")))
        writer.start()
        time.sleep(0.1)
        assert order == ["two readers"]  # the writer waits for the reader
    writer.join(2)
    assert order == ["two readers", "writer"]


def test_waiting_writer_goes_before_new_readers():
    lock = ReadWriteLock()
    order: list[str] = []
    first = lock.reading()
    first.__enter__()

    def write() -> None:
        with lock.writing():
            order.append("write")

    def read() -> None:
        with lock.reading():
            order.append("read")

    w = threading.Thread(target=write)
    w.start()
    time.sleep(0.1)
    r = threading.Thread(target=read)
    r.start()
    time.sleep(0.1)
    assert order == []
    first.__exit__(None, None, None)
    w.join(2)
    r.join(2)
    assert order == ["write", "read"]


def test_index_is_unlocked_while_the_llm_writes(tmp_path):
    engine = build_seed_engine(tmp_path / "data")
    engine.chat_models["local"] = slow_fake_chat(delay=0.05)
    lib = Service(engine)
    events = lib.stream(SOCA_Q, answerer="local")
    assert isinstance(next(events), Retrieved)
    got_write = threading.Event()

    def write() -> None:
        with lib.lock.writing():
            got_write.set()

    threading.Thread(target=write).start()
    assert got_write.wait(2), "a writer must not wait for the LLM to finish"
    rest = list(events)
    assert isinstance(rest[-1], Done) and not rest[-1].answer.refused  # the answer was still to come


# ---- documents -----------------------------------------------------------------------------------
def test_upload_add_unchanged_update_and_failures(fresh_engine, tmp_path):
    lib = Service(fresh_engine)
    uploads = tmp_path / "browser-temp"
    uploads.mkdir()
    doc = uploads / "บันทึกการประชุม ICTC.md"
    doc.write_text(THAI_MINUTES, encoding="utf-8")
    broken = uploads / "broken.pdf"
    broken.write_bytes(b"not a pdf at all")
    odd = uploads / "notes.xyz"
    odd.write_text("ข้อความ", encoding="utf-8")
    seen: list[tuple[int, int, str]] = []

    results = lib.add_files([doc, broken, odd], on_file=lambda i, n, name: seen.append((i, n, name)))
    assert [r.status for r in results] == ["added", "failed", "failed"]
    assert seen == [(0, 3, doc.name), (1, 3, "broken.pdf"), (2, 3, "notes.xyz")]
    assert results[0].chunks >= 1 and "ครั้งที่ ๒/๒๕๖๗" in results[0].title
    assert "PDF" in results[1].reason and "unsupported" in results[2].reason
    assert not (lib.upload_dir / "broken.pdf").exists()  # a failed file leaves nothing behind
    stored = lib.upload_dir / doc.name
    assert stored.read_text(encoding="utf-8") == THAI_MINUTES
    record = next(d for d in lib.documents() if d.source == str(stored))
    assert record.date == "2024-03-14"

    assert lib.add_files([doc])[0].status == "unchanged"
    doc.write_text(THAI_MINUTES + "\nที่ประชุมรับทราบรายงานผลการดำเนินงาน ไตรมาสที่ ๑\n", encoding="utf-8")
    assert lib.add_files([doc])[0].status == "updated"

    answer = lib.ask("นายสมชาย ใจดี ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ เป็นประธานการประชุมใด", answerer="extractive")
    assert not answer.refused
    assert answer.citations[0].passage.source == str(stored)


def test_remove_deletes_an_uploaded_copy_but_never_the_users_file(fresh_engine, tmp_path):
    lib = Service(fresh_engine)
    doc = tmp_path / "ประชุม.txt"
    doc.write_text(THAI_MINUTES, encoding="utf-8")
    lib.add_files([doc])
    stored = lib.upload_dir / doc.name
    assert lib.remove(str(stored)) >= 1 and not stored.exists()
    assert str(stored) not in {d.source for d in lib.documents()}

    seed = str(SEEDS.resolve() / "003_f9ff260f397ac10e.txt")
    assert lib.remove(seed) == 2
    assert Path(seed).is_file()  # ingested from the user's folder: the index forgets it, the file stays
    assert lib.remove(seed) == 0
    assert len(lib.documents()) == 4


def test_sources_are_resolved_by_display_or_file_name(seed_engine):
    lib = Service(seed_engine)
    full = str(SEEDS.resolve() / "003_f9ff260f397ac10e.txt")
    assert lib.resolve_sources(["seeds/003_f9ff260f397ac10e.txt"]) == (full,)
    assert lib.resolve_sources(["003_f9ff260f397ac10e.txt", full]) == (full,)
    with pytest.raises(ValueError, match="not in the index"):
        lib.resolve_sources(["รายงาน.pdf"])


# ---- filters -------------------------------------------------------------------------------------
def test_filters_from_typed_dates():
    f = make_filters("1 ม.ค. ๒๕๖๔", "2021-12-31", ["a.txt"])
    assert f == Filters(since=date(2021, 1, 1), until=date(2021, 12, 31), sources=("a.txt",))
    assert make_filters("", None) == Filters()


def test_filter_mistakes_say_which_field():
    with pytest.raises(FilterError, match="not a date") as bad:
        make_filters("", "soon")
    assert (bad.value.field, bad.value.value) == ("until", "soon")
    with pytest.raises(FilterError, match="is after") as backwards:
        make_filters("1 ม.ค. 65", "1 ม.ค. 64")
    assert backwards.value.field == "range"
    assert isinstance(backwards.value, ValueError)


def test_unknown_and_ambiguous_sources(seed_engine, tmp_path):
    lib = Service(seed_engine)
    with pytest.raises(UnknownSource) as missing:
        lib.resolve_sources(["nothing.txt"])
    assert not missing.value.ambiguous
    assert lib.with_sources(Filters(), []) == Filters()
    full = str(SEEDS.resolve() / "003_f9ff260f397ac10e.txt")
    assert lib.with_sources(Filters(since=date(2021, 1, 1)), ["003_f9ff260f397ac10e.txt"]) == Filters(
        since=date(2021, 1, 1), sources=(full,))


def test_documents_as_json_and_newest_first(seed_engine):
    lib = Service(seed_engine)
    docs = lib.documents()
    assert [d.source for d in docs] == sorted(d.source for d in docs)
    newest = lib.documents(newest_first=True)
    assert newest[0].date == max(d.date for d in docs)
    soca = next(document_json(d) for d in docs if "SOCA Retreat" in d.title)
    assert soca["source"] == "seeds/003_f9ff260f397ac10e.txt" or soca["source"].endswith("003_f9ff260f397ac10e.txt")
    assert set(soca) == {"source", "title", "date", "chunks", "acronyms"}


# ---- opening the engine --------------------------------------------------------------------------
def test_the_engine_is_opened_once_by_the_given_factory(tmp_path):
    settings = seed_settings(tmp_path / "data")
    opened: list[Prachum] = []

    def opener(s):
        opened.append(Prachum.open(s, FakeEmbedder()))
        return opened[-1]

    lib = Service(settings=settings, opener=opener)
    assert opened == []  # nothing is opened until it is needed
    assert lib.ingest([SEEDS], progress=False).count("added") == 5
    assert len(lib.documents()) == 5 and lib.ask(SOCA_Q, answerer="extractive").citations
    assert len(opened) == 1 and lib.engine is opened[0]


def test_the_default_opener_loads_the_embedder_only_when_used(tmp_path, monkeypatch):
    loads: list = []

    def fake_load(settings):
        loads.append(settings)
        return FakeEmbedder()

    monkeypatch.setattr("prachum.models.embedder.load_embedder", fake_load)
    lib = Service(settings=seed_settings(tmp_path / "data"))
    assert lib.documents() == [] and lib.is_empty()
    assert isinstance(lib.engine.embedder, LazyEmbedder) and loads == []
    # its name is the setting's: fingerprints read it, and an unchanged folder loads no model
    assert lib.engine.embedder.name == lib.settings.embedding_model and loads == []
    assert lib.engine.embedder.count_tokens("การประชุม ๘ ก.พ. ๖๔") > 0 and len(loads) == 1
    lib.load_models("extractive")
    assert len(loads) == 1
    assert isinstance(open_engine(lib.settings).embedder, LazyEmbedder)


def test_a_service_needs_an_engine_or_settings():
    with pytest.raises(TypeError):
        Service()
