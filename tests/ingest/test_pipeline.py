"""The ingest pipeline's own contract: discovery, statuses, summary and exit code (the CLI suite is tests/test_bad_input_files.py)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

from ingest.loaders import LoadError, decode_bytes, load_text
from ingest.pipeline import STATUSES, FileResult, IngestReport, discover, file_kind, ingest_paths
from prachum.index.sentence_cache import sentence_spans
from prachum.index.store import IndexStore
from prachum.thai.text import search_form

sys.path.insert(0, str(Path(__file__).parent))
import thai_docs  # noqa: E402

GOOD = "การประชุมคณะกรรมการ ครั้งที่ ๑ เมื่อวันที่ ๑ ม.ค. ๒๕๖๕ ที่ประชุมรับทราบ"


def report_of(*statuses: str) -> IngestReport:
    return IngestReport(results=[FileResult(Path(f"/d/{i}.txt"), s) for i, s in enumerate(statuses)])


@pytest.mark.parametrize("statuses, code", [
    ((), 0), (("added", "failed"), 0), (("unchanged", "skipped"), 0), (("removed",), 0),
    (("failed",), 1), (("skipped", "skipped"), 1), (("failed", "skipped"), 1),
])
def test_exit_code_is_nonzero_only_when_nothing_went_in(statuses, code):
    assert report_of(*statuses).exit_code == code


def test_summary_counts_skipped_and_removed_only_when_present():
    assert "skipped" not in report_of("added").summary()
    summary = report_of("added", "skipped", "skipped", "removed").summary()
    assert "1 added, 0 updated, 0 unchanged, 0 failed, 1 removed, 2 skipped" in summary
    assert set(STATUSES) == {"added", "updated", "unchanged", "removed", "failed", "skipped"}


def test_file_kind_names_what_is_not_a_document(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "loop").symlink_to("loop")
    (tmp_path / "dangling").symlink_to("nowhere")
    (tmp_path / "f.txt").write_text("x")
    assert file_kind(tmp_path / "pipe.txt") == "a named pipe (FIFO)"
    assert file_kind(tmp_path / "loop") == "a symbolic link loop"
    assert file_kind(tmp_path / "dangling").startswith("a broken symbolic link (to nowhere")
    assert file_kind(tmp_path) == "a folder"
    assert file_kind(tmp_path / "f.txt") == "a regular file"
    assert file_kind(tmp_path / "missing") == "no such file or folder"


def test_discover_lists_skipped_files_but_not_hidden_ones_or_the_sidecar(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.xlsx").write_bytes(b"PK")
    (tmp_path / "sources.toml").write_text("")
    (tmp_path / ".hidden.xlsx").write_bytes(b"PK")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    found, problems = discover([tmp_path])
    assert found == [(tmp_path / "a.txt").resolve()]
    assert [(r.path.name, r.status, r.reason.split(";")[0]) for r in problems] == [("b.xlsx", "skipped", "unsupported type .xlsx")]


def test_bomless_utf16_text_is_read_in_both_byte_orders():
    for encoding in ("utf-16-le", "utf-16-be"):
        assert decode_bytes(GOOD.encode(encoding)) == GOOD
        assert decode_bytes("Minutes of the 3rd SOCA meeting".encode(encoding)) == "Minutes of the 3rd SOCA meeting"


def test_aes_pdf_is_read_and_without_cryptography_gives_a_clear_message(tmp_path, monkeypatch):
    path = thai_docs.make_aes256_pdf(tmp_path / "aes.pdf")
    assert load_text(path) == thai_docs.AES256_PDF_TEXT  # 'cryptography' is a dependency
    import pypdf
    from pypdf.errors import DependencyError

    def no_cryptography(*args, **kwargs):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(pypdf, "PdfReader", no_cryptography)
    with pytest.raises(LoadError, match="aes.pdf is an AES-encrypted PDF .*'cryptography' package"):
        load_text(path)


def test_emptied_file_is_removed_and_damaged_file_keeps_its_old_version(tmp_settings, fake_embedder, tmp_path):
    store = IndexStore(tmp_settings)
    doc = tmp_path / "minutes.txt"
    doc.write_text(GOOD, encoding="utf-8")
    assert ingest_paths([doc], tmp_settings, store, fake_embedder, progress=False).results[0].status == "added"
    doc.write_bytes(bytes(range(256)))
    damaged = ingest_paths([doc], tmp_settings, store, fake_embedder, progress=False).results[0]
    assert damaged.status == "failed" and "stays searchable" in damaged.reason and store.count() > 0
    doc.write_text("  \n", encoding="utf-8")
    emptied = ingest_paths([doc], tmp_settings, store, fake_embedder, progress=False).results[0]
    assert (emptied.status, emptied.chunks > 0) == ("removed", True) and "empty now" in emptied.reason
    assert store.count() == 0


def test_an_unforeseen_error_in_one_file_does_not_stop_the_run(tmp_settings, fake_embedder, tmp_path, monkeypatch):
    import ingest.pipeline

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(GOOD, encoding="utf-8")
    (docs / "b.txt").write_text(GOOD + " วาระที่ ๒", encoding="utf-8")
    real = ingest.pipeline.load_text
    monkeypatch.setattr(ingest.pipeline, "load_text", lambda p: (_ for _ in ()).throw(KeyError("x")) if p.name == "a.txt" else real(p))
    report = ingest_paths([docs], tmp_settings, IndexStore(tmp_settings), fake_embedder, progress=False)
    assert [(r.path.name, r.status) for r in report.results] == [("a.txt", "failed"), ("b.txt", "added")]
    assert report.results[0].reason == "unexpected error while reading a.txt: KeyError: 'x'"


# ---- the pipeline: batches across files, fingerprints read once, size cap, facts, the write lock ------------
MINUTES = ("การประชุมคณะกรรมการพัฒนาสังคม (SOCA) ครั้งที่ {n} เมื่อวันที่ {n} ก.พ. 64 ณ กรุงเทพมหานคร "
           "นายสมชาย ใจดี เป็นประธาน ที่ประชุมรับทราบรายงานผลการดำเนินงานประจำปี ๒๕๖๔ และ Workshop on Social Work")


class RecordingEmbedder:
    """The fake embedder, recording each embed_passages call (its size and the thread's events)."""

    def __init__(self, inner, events=None, fail_on: str = "\0never"):  # type: ignore[no-untyped-def]
        self.inner, self.name, self.calls = inner, inner.name, []
        self.events = events if events is not None else []
        self.fail_on = fail_on

    def embed_passages(self, texts):  # type: ignore[no-untyped-def]
        self.calls.append(len(texts))
        self.events.append("embed")
        if any(self.fail_on in t for t in texts):
            raise RuntimeError("the model cannot read this chunk")
        return self.inner.embed_passages(texts)

    def embed_query(self, text):  # type: ignore[no-untyped-def]
        return self.inner.embed_query(text)

    def count_tokens(self, text):  # type: ignore[no-untyped-def]
        return self.inner.count_tokens(text)


def write_minutes(folder: Path, count: int, start: int = 1) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for n in range(start, start + count):
        path = folder / f"บันทึก_{n:03d}.txt"
        path.write_text(MINUTES.format(n=n), encoding="utf-8")
        paths.append(path)
    return paths


def test_chunks_of_many_files_are_embedded_together(tmp_settings, fake_embedder, tmp_path):
    write_minutes(tmp_path / "docs", 6)
    embedder = RecordingEmbedder(fake_embedder)
    store = IndexStore(tmp_settings)
    # chunked inline, so every file is ready when the embedder is (with the read-ahead thread, an
    # embedder that would wait for the next file embeds a part batch instead: tests/ingest/test_pipeline_batches.py)
    report = ingest_paths([tmp_path / "docs"], tmp_settings, store, embedder, progress=False, batch_size=4)
    assert [r.status for r in report.results] == ["added"] * 6
    assert [r.path.name for r in report.results] == [f"บันทึก_{n:03d}.txt" for n in range(1, 7)]
    # each file is one chunk of one sentence, and both are embedded: three calls, not six (or twelve)
    assert embedder.calls == [4, 4, 4]
    assert store.count() == 6 and report.chunks == 6


def test_each_chunks_sentence_vectors_are_kept_and_leave_with_the_chunk(tmp_settings, fake_embedder, tmp_path):
    """The evidence step reads these instead of encoding sentences for every question (#9)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    record = docs / "soca.txt"
    record.write_text("การประชุม SOCA Retreat ครั้งที่ ๑ จัดขึ้นเมื่อวันที่ ๘ ก.พ. ๖๔ ณ กรุงเทพมหานคร\n"
                      "นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวง เป็นผู้แทนประเทศไทย (SOCA Leader)\n"
                      "ที่ประชุมรับทราบรายงานความก้าวหน้าของแผนงาน ASEAN ปี 2021-2025", encoding="utf-8")
    store = IndexStore(tmp_settings)
    ingest_paths([docs], tmp_settings, store, fake_embedder, progress=False)
    ids = store.chunk_ids(str(record))
    texts = store.chunks(ids)
    kept = store.sentences.get(ids, fake_embedder.dim)
    assert set(kept) == set(ids)
    for chunk_id, (text, _) in texts.items():
        assert list(kept[chunk_id]) == sentence_spans(text) and len(kept[chunk_id]) >= 1
        for (a, b), vector in kept[chunk_id].items():
            expected = fake_embedder.embed_passages([search_form(text[a:b])])[0]
            assert np.allclose(vector, expected, atol=1e-3)
    record.write_text("การประชุม SOCCOM ครั้งที่ ๑๖ จัดขึ้นเมื่อวันที่ ๑๕ มี.ค. ๒๕๖๔", encoding="utf-8")
    ingest_paths([docs], tmp_settings, store, fake_embedder, progress=False)
    assert store.sentences.get(ids, fake_embedder.dim) == {}  # the old chunks' rows went with them
    assert set(store.sentences.get(store.chunk_ids(str(record)), fake_embedder.dim)) == set(store.chunk_ids(str(record)))


def test_an_unchanged_folder_is_compared_by_fingerprints_read_once(tmp_settings, fake_embedder, tmp_path, monkeypatch):
    write_minutes(tmp_path / "docs", 5)
    store = IndexStore(tmp_settings)
    ingest_paths([tmp_path / "docs"], tmp_settings, store, fake_embedder, progress=False)
    reads = []
    real = store.fingerprints
    monkeypatch.setattr(store, "fingerprints", lambda: reads.append(1) or real())
    monkeypatch.setattr(store, "fingerprint", lambda source: pytest.fail("one store read per file"))
    embedder = RecordingEmbedder(fake_embedder)
    (tmp_path / "docs" / "บันทึก_003.txt").write_text(MINUTES.format(n="๓") + " วาระเพิ่มเติม", encoding="utf-8")
    report = ingest_paths([tmp_path / "docs"], tmp_settings, store, embedder, progress=False)
    assert [r.status for r in report.results] == ["unchanged", "unchanged", "updated", "unchanged", "unchanged"]
    assert reads == [1] and embedder.calls == [2]  # its chunk and the chunk's one sentence


def test_a_document_over_the_chunk_cap_fails_before_it_is_embedded(tmp_settings, fake_embedder, tmp_path):
    settings = tmp_settings.replace(chunk_tokens=32, max_document_chunks=3)
    docs = tmp_path / "docs"
    (small,) = write_minutes(docs, 1)
    big = docs / "รายงานยาว.txt"
    big.write_text("\n".join(MINUTES.format(n=n) for n in range(1, 9)), encoding="utf-8")
    embedder = RecordingEmbedder(fake_embedder, fail_on="\0never")
    store = IndexStore(settings)
    report = ingest_paths([docs], settings, store, embedder, progress=False)
    by_name = {r.path.name: r for r in report.results}
    assert by_name[small.name].status == "added"
    refused = by_name[big.name]
    assert refused.status == "failed"
    assert "รายงานยาว.txt would make" in refused.reason and "more than the 3 one document may have" in refused.reason
    assert "split it into smaller files" in refused.reason and "max_document_chunks" in refused.reason
    assert sum(embedder.calls) == 2 * by_name[small.name].chunks  # the small file's chunk and its one sentence:
    # nothing of the big file was embedded
    # indexed earlier under a higher cap, it stays searchable and the message says so
    ingest_paths([big], settings.replace(max_document_chunks=1000), store, fake_embedder, progress=False)
    again = ingest_paths([big], settings, store, embedder, progress=False).results[0]
    assert again.status == "unchanged"
    big.write_text(big.read_text(encoding="utf-8") + "\nวาระอื่น ๆ", encoding="utf-8")
    kept = ingest_paths([big], settings, store, embedder, progress=False).results[0]
    assert kept.status == "failed" and kept.reason.endswith("the version indexed earlier stays searchable")


def test_a_huge_text_is_refused_from_its_token_count_without_chunking(tmp_settings, fake_embedder, tmp_path, monkeypatch):
    import ingest.pipeline

    settings = tmp_settings.replace(chunk_tokens=32, max_document_chunks=2)
    huge = tmp_path / "ใหญ่มาก.txt"
    huge.write_text(" ".join(MINUTES.format(n=n) for n in range(1, 40)), encoding="utf-8")
    monkeypatch.setattr(ingest.pipeline, "chunk_text", lambda *a, **k: pytest.fail("chunked a text known to be too large"))
    result = ingest_paths([huge], settings, IndexStore(settings), fake_embedder, progress=False).results[0]
    assert result.status == "failed" and "ใหญ่มาก.txt would make about " in result.reason
    assert int(result.reason.split("about ")[1].split(" chunks")[0].replace(",", "")) > 2


def test_one_documents_embedding_failure_fails_only_that_file(tmp_settings, fake_embedder, tmp_path):
    docs = tmp_path / "docs"
    write_minutes(docs, 2)
    (docs / "บันทึก_002.txt").write_text(MINUTES.format(n=2) + " ข้อความเสีย", encoding="utf-8")
    write_minutes(docs, 1, start=3)
    embedder = RecordingEmbedder(fake_embedder, fail_on="ข้อความเสีย")
    store = IndexStore(tmp_settings)
    report = ingest_paths([docs], tmp_settings, store, embedder, progress=False, batch_size=8)
    assert [(r.path.name, r.status) for r in report.results] == [
        ("บันทึก_001.txt", "added"), ("บันทึก_002.txt", "failed"), ("บันทึก_003.txt", "added")]
    assert report.results[1].reason == ("unexpected error while embedding บันทึก_002.txt: "
                                        "RuntimeError: the model cannot read this chunk")
    assert {d.source for d in store.documents()} == {str(docs / "บันทึก_001.txt"), str(docs / "บันทึก_003.txt")}


class RecordingStore:
    """The store's write side as the pipeline calls it, recorded."""

    def __init__(self) -> None:
        self.writes: list[tuple[str, int, object]] = []

    def fingerprints(self) -> dict[str, str]:
        return {}

    def documents(self) -> list:
        return []

    def replace_document(self, source, chunks, embeddings, facts=None, words=None):  # type: ignore[no-untyped-def]
        assert len(chunks) == len(embeddings) and (words is None or len(words) == len(chunks))
        self.writes.append((Path(source).name, len(chunks), facts))

    def remove_document(self, source):  # type: ignore[no-untyped-def]
        return 0


def test_the_records_facts_are_written_with_its_chunks(tmp_settings, fake_embedder, tmp_path, monkeypatch):
    import ingest.pipeline

    seen = []

    def facts(text, meta, source):  # type: ignore[no-untyped-def]
        seen.append((meta.title, "SOCA" in text))
        return {"meeting": meta.title}

    monkeypatch.setattr(ingest.pipeline, "record_facts", facts)
    (path,) = write_minutes(tmp_path / "docs", 1)
    store = RecordingStore()
    assert ingest_paths([path], tmp_settings, store, fake_embedder, progress=False).results[0].status == "added"
    ((name, chunks, written),) = store.writes
    assert name == path.name and chunks >= 1 and seen == [(written["meeting"], True)]


def test_each_write_is_inside_writing_and_no_embedding_is(tmp_settings, fake_embedder, tmp_path, monkeypatch):
    import threading
    from contextlib import contextmanager

    events: list[tuple[str, str]] = []  # (event, thread)

    def note(event: str) -> None:
        events.append((event, threading.current_thread().name))

    @contextmanager
    def writing():  # type: ignore[no-untyped-def]
        note("lock")
        yield
        note("unlock")

    docs = tmp_path / "docs"
    write_minutes(docs, 3)
    store = IndexStore(tmp_settings)
    real = store.replace_document
    monkeypatch.setattr(store, "replace_document", lambda *a, **k: (note("write"), real(*a, **k)))
    embedder = RecordingEmbedder(fake_embedder)
    embedder.embed_passages = lambda texts, inner=embedder.embed_passages: (note("embed"), inner(texts))[1]
    for write_ahead in (0, 8):  # inline, and on the writer thread while the next batch is embedded
        events.clear()
        for path in docs.iterdir():
            path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")
        ingest_paths([docs], tmp_settings, store, embedder, progress=False, batch_size=2, writing=writing,
                     write_ahead=write_ahead)
        writes = [e for e, _ in events if e != "embed"]
        pruned = ["lock", "unlock"] if write_ahead else []  # the second run replaced chunks: their sentence vectors go
        assert writes == ["lock", "write", "unlock"] * 3 + pruned
        holding: set[str] = set()
        for event, thread in events:
            if event == "lock":
                holding.add(thread)
            elif event == "unlock":
                holding.discard(thread)
            elif event == "embed":
                assert thread not in holding  # nothing is embedded while the lock is held
        assert [e for e, _ in events].count("embed") == 3  # 3 chunks and their 3 sentences, 2 a call


def test_the_size_estimate_of_a_long_text_is_close_to_and_below_the_exact_chunk_count(tmp_settings, fake_embedder):
    from ingest.chunk import chunk_text
    from ingest.pipeline import estimated_chunks
    from prachum.thai.text import search_form

    text = "\n".join(MINUTES.format(n=n) + f" วาระที่ {n} เรื่อง Budget FY{2020 + n % 5}" for n in range(1, 120))
    settings = tmp_settings.replace(chunk_tokens=64)
    exact = len(chunk_text(text, lambda s: fake_embedder.count_tokens(search_form(s)), 64, 1))
    about = estimated_chunks(text, settings, fake_embedder)
    assert 0.5 * exact <= about <= 1.05 * exact


def test_ingest_writes_the_records_meeting_facts_into_the_catalog_and_removal_takes_them(tmp_settings, fake_embedder):
    from prachum.index import meeting_tables
    from prachum.index.store import IndexStore

    store = IndexStore(tmp_settings, fake_embedder)
    seed = Path(__file__).resolve().parents[2] / "seeds" / "003_f9ff260f397ac10e.txt"
    assert ingest_paths([seed], tmp_settings, store, fake_embedder, progress=False).results[0].status == "added"
    rows = meeting_tables.meetings(store.catalog.conn, person="นางจตุพร โรจนพานิช")
    assert any("SOCA" in (r.meeting.acronym or "") for r in rows)
    store.remove_document(str(seed.resolve()))
    assert meeting_tables.meetings(store.catalog.conn) == []
