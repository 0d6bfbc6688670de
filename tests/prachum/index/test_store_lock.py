"""One writer at a time, readers never blocked, and readers see what another process wrote."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from prachum.errors import StoreError
from prachum.index.lock import WriteLock
from prachum.index.store import ChunkRecord, IndexStore

ROOT = Path(__file__).resolve().parents[3]


def records(source: str, texts: list[str]) -> list[ChunkRecord]:
    return [ChunkRecord(id=f"{source}-{i}", text=t, indexed_text=f"การประชุม SOMSWD\n{t}", source=source,
                        title="การประชุม SOMSWD", date=date(2021, 8, 26), acronyms=("SOMSWD",), position=i,
                        start=0, end=len(t), fingerprint="fp") for i, t in enumerate(texts)]


def python(code: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          cwd=ROOT, timeout=180, **kw)


def test_a_second_writer_gets_a_clear_message_and_readers_are_not_blocked(tmp_settings, fake_embedder):
    store = IndexStore(tmp_settings)
    recs = records("/r/somswd.txt", ["ที่ประชุมรับทราบรายงานความก้าวหน้า ๒๕๖๔"])
    store.replace_document("/r/somswd.txt", recs, fake_embedder.embed_passages([r.text for r in recs]))
    with store.writing():  # e.g. `prachum ingest` in the middle of a folder
        other = python(f"""
            import time
            from pathlib import Path
            from prachum.index.lock import WriteLock
            start = time.monotonic()
            try:
                with WriteLock(Path({str(tmp_settings.lock_path)!r}), wait=0.3).hold():
                    print("got it")
            except Exception as exc:
                print(type(exc).__name__, round(time.monotonic() - start, 1), exc)
        """)
        assert other.stdout.startswith("StoreError"), other.stderr
        assert str(tmp_settings.data_dir) in other.stdout and f"process {os.getpid()}" in other.stdout
        assert float(other.stdout.split()[1]) < 3  # a short wait, then the message
        # a reader opens and searches while the writer holds the lock
        reader = IndexStore(tmp_settings, lock_wait=0.1)
        assert reader.count() == 1 and recs[0].id in reader.lexical_search("รายงานความก้าวหน้า", 5)
        with pytest.raises(StoreError, match="being written by"):
            reader.remove_document("/r/somswd.txt")
    assert reader.remove_document("/r/somswd.txt") == 1  # free again


def test_the_lock_is_released_when_its_holder_is_killed(tmp_settings):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from prachum.index.lock import WriteLock
        lock = WriteLock(Path({str(tmp_settings.lock_path)!r}))
        lock.acquire()
        print("held", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline() == "held\n"
        lock = WriteLock(tmp_settings.lock_path, wait=0.2)
        assert not lock.acquire()
        holder.kill()
        holder.wait()
        assert lock.acquire()
        lock.release()
    finally:
        holder.kill()


def test_open_leaves_a_running_writers_pending_rows_alone(tmp_settings, fake_embedder):
    writer = IndexStore(tmp_settings)
    recs = records("/r/a.txt", ["นางจตุพร โรจนพานิช เข้าร่วมประชุม"])
    with writer.writing():
        writer.catalog.stage([r.row() for r in recs])  # step 1 of a write still under way
        IndexStore(tmp_settings)  # another reader opens meanwhile: not its debris to clean
        assert writer.catalog.pending_ids() == [recs[0].id]
    IndexStore(tmp_settings)  # the writer "died": the next open cleans up
    assert writer.catalog.pending_ids() == []


def test_a_running_reader_sees_another_process_ingest(tmp_settings, fake_embedder, tmp_path):
    """The issue's fault: `prachum ingest` next to a running `prachum serve` was never seen by it."""
    from rag.retriever import HybridSearch

    server = IndexStore(tmp_settings)
    first = records("/r/old.txt", ["ที่ประชุมรับรองรายงานการประชุมครั้งก่อน"])
    server.replace_document("/r/old.txt", first, fake_embedder.embed_passages([r.indexed_text for r in first]))
    search = HybridSearch(server, fake_embedder, tmp_settings)
    question = "ประเทศบรูไนดารุสซาลามเป็นเจ้าภาพ"
    assert all(p.source == "/r/old.txt" for p in search.search(question, 5).passages)
    assert server.refresh() is False  # nothing changed: one small query

    doc = tmp_path / "brunei.txt"
    doc.write_text("การประชุม SOMSWD ครั้งที่ ๑๖\n\nประเทศบรูไนดารุสซาลามเป็นเจ้าภาพการประชุมเมื่อ ก.พ. 64\n",
                   encoding="utf-8")
    done = python(f"""
        import sys
        sys.path.insert(0, "tests")
        from pathlib import Path
        from conftest import FakeEmbedder
        from ingest.pipeline import ingest_paths
        from prachum.config import load_settings
        from prachum.index.store import IndexStore
        settings = load_settings({{"data_dir": {str(tmp_settings.data_dir)!r}}}, use_files=False, use_env=False)
        report = ingest_paths([Path({str(doc)!r})], settings, IndexStore(settings), FakeEmbedder(), progress=False)
        print(sorted(r.status for r in report.results))
    """)
    assert done.stdout.strip() == "['added']", done.stderr[-2000:]
    passages = search.search(question, 5).passages  # the retriever refreshes by itself
    assert passages and passages[0].source == str(doc.resolve())
    assert str(doc.resolve()) in {p.source for p in passages if p.dense > 0}  # the vectors too, not only words
    assert {d.source for d in server.documents()} == {"/r/old.txt", str(doc.resolve())}


def test_a_search_does_not_wait_for_a_write_in_its_own_process(tmp_settings, fake_embedder):
    """An upload holds the write lock for its whole run; the server's searches go on meanwhile."""
    import threading

    from prachum.index.catalog import Catalog
    from rag.retriever import HybridSearch

    store = IndexStore(tmp_settings)
    recs = records("/r/a.txt", ["ที่ประชุมรับทราบรายงาน ๒๕๖๔"])
    search = HybridSearch(store, fake_embedder, tmp_settings)
    found: list[int] = []
    with store.writing():
        store.replace_document("/r/a.txt", recs, fake_embedder.embed_passages([r.text for r in recs]))
        with store.catalog.transaction() as conn:  # and another machine's write, so refresh has work to do
            Catalog._bump(conn, "elsewhere:1")
        reader = threading.Thread(target=lambda: found.append(len(search.search("รายงาน ๒๕๖๔", 5).passages)))
        reader.start()
        reader.join(10)
        assert found == [1]  # answered while the writer still holds the lock
