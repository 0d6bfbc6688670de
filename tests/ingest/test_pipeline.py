"""The ingest pipeline's own contract: discovery, statuses, summary and exit code (the CLI suite is tests/test_bad_input_files.py)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from ingest.loaders import LoadError, decode_bytes, load_text
from ingest.pipeline import STATUSES, FileResult, IngestReport, discover, file_kind, ingest_paths
from prachum.index.store import IndexStore

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
