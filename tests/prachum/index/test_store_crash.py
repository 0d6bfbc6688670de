"""A crash at any step of a write leaves the old or the new version searchable, never both.

The issue's fault: a crash between Chroma's upsert and the delete of a changed
file's old chunks left 7 chunks instead of 5 and ``fingerprint()`` said
``unchanged``, so the old text answered for good. Here each step is interrupted
by an exception the store does not catch (as a crash would), the store is
reopened, and the three stores must agree; a re-ingest then completes the change.
"""
from __future__ import annotations

import hashlib
from datetime import date

import pytest

from prachum.index.store import ChunkRecord, IndexStore

SOURCE = "/r/soca-2564.txt"
OLD = ["การประชุม SOCA ครั้งที่ ๑๖ วันที่ ๘ ก.พ. ๖๔", "นางจตุพร โรจนพานิช กล่าวเปิดการประชุม",
       "ที่ประชุมรับรองรายงานการประชุมครั้งก่อน", "ประเทศบรูไนดารุสซาลามเป็นเจ้าภาพ",
       "งบประมาณ ๒๕๖๔ ได้รับอนุมัติ", "วาระอื่น ๆ ไม่มี", "ปิดประชุมเวลา ๑๖.๓๐ น."]
# the new version keeps two chunks word for word (same ids) and rewrites the rest
NEW = [OLD[0], OLD[1], "ที่ประชุมมีมติเลื่อนการประชุม SOMSWD ไปเดือนมีนาคม", "สำนักงานปลัดกระทรวงรับไปดำเนินการ",
       "Thailand chairs the ASEAN ministerial meeting"]


class Crash(BaseException):
    """Not an Exception: the store's clean-up on error does not run, as after a kill."""


def version(texts: list[str], fp: str) -> list[ChunkRecord]:
    return [ChunkRecord(id=hashlib.sha256(f"{SOURCE}\0{i}\0{t}".encode()).hexdigest()[:32], text=t,
                        indexed_text=f"SOCA Retreat\n{t}", source=SOURCE, title="SOCA Retreat",
                        date=date(2021, 2, 8), acronyms=("SOCA",), position=i, start=0, end=len(t), fingerprint=fp)
            for i, t in enumerate(texts)]


def write(store: IndexStore, recs: list[ChunkRecord], embedder) -> None:
    store.replace_document(SOURCE, recs, embedder.embed_passages([r.indexed_text for r in recs]))


def assert_consistent(store: IndexStore) -> set[str]:
    live = store.catalog.live_ids()
    assert live == store.chroma_ids() == store._lexical.ids() == store.catalog.vector_ids()
    assert not store.catalog.pending_ids() and not store.catalog.garbage_ids()
    assert store.count() == len(live) == sum(d.chunks for d in store.documents())
    return live


def after_step(store: IndexStore, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """Make the write crash right after ``step`` (step 5 is split: vectors deleted, words not yet)."""
    def crash_after(obj: object, name: str) -> None:
        original = getattr(obj, name)

        def wrapped(*args, **kwargs):
            original(*args, **kwargs)
            raise Crash(step)

        monkeypatch.setattr(obj, name, wrapped)

    if step == "stage":
        crash_after(store.catalog, "stage")
    elif step == "vectors":
        crash_after(store, "_upsert")
    elif step == "words":
        crash_after(store._lexical, "commit")
    elif step == "publish":
        crash_after(store.catalog, "publish_many")
    elif step == "collect":
        crash_after(store, "_delete_vectors")


@pytest.mark.parametrize("step", ["stage", "vectors", "words", "publish", "collect"])
def test_a_crash_at_any_step_leaves_one_version_and_a_reingest_completes_it(step, tmp_settings, fake_embedder,
                                                                             monkeypatch):
    store = IndexStore(tmp_settings)
    old, new = version(OLD, "old"), version(NEW, "new")
    write(store, old, fake_embedder)
    after_step(store, monkeypatch, step)
    with pytest.raises(Crash):
        write(store, new, fake_embedder)
    monkeypatch.undo()
    store._lexical.close()  # the dead process's writer goes with it
    del store

    reopened = IndexStore(tmp_settings)
    live = assert_consistent(reopened)
    published = step in ("publish", "collect")
    expected = new if published else old
    assert live == {r.id for r in expected}
    assert reopened.fingerprint(SOURCE) == ("new" if published else "old")
    # what answers is that version's text only: the old closing line is gone exactly when published
    hits = reopened.chunks(list(reopened.lexical_search("ปิดประชุมเวลา ๑๖.๓๐ น.", 10)))
    assert any("ปิดประชุม" in text for text, _ in hits.values()) is not published
    assert len(reopened.chunks(list(live))) == len(expected)

    write(reopened, new, fake_embedder)  # the next ingest of the changed file
    assert assert_consistent(reopened) == {r.id for r in new}
    assert reopened.fingerprint(SOURCE) == "new"


def test_a_failed_write_is_undone_at_once(tmp_settings, fake_embedder, monkeypatch):
    """An ordinary error (Chroma refusing a batch) leaves the old version and nothing staged."""
    store = IndexStore(tmp_settings)
    old = version(OLD, "old")
    write(store, old, fake_embedder)

    def refuse(*args, **kwargs):
        raise RuntimeError("Chroma is down")

    monkeypatch.setattr(store.collection, "upsert", refuse)
    with pytest.raises(RuntimeError, match="down"):
        write(store, version(NEW, "new"), fake_embedder)
    assert assert_consistent(store) == {r.id for r in old}
    assert store.fingerprint(SOURCE) == "old"


def test_a_crash_while_removing_leaves_no_half_document(tmp_settings, fake_embedder, monkeypatch):
    store = IndexStore(tmp_settings)
    write(store, version(OLD, "old"), fake_embedder)
    after_step(store, monkeypatch, "collect")
    with pytest.raises(Crash):
        store.remove_document(SOURCE)
    monkeypatch.undo()
    del store
    reopened = IndexStore(tmp_settings)
    assert assert_consistent(reopened) == set() and reopened.documents() == []
    assert reopened.lexical_search("บรูไนดารุสซาลาม", 5) == {}


# ---- a real kill -9 during a real ingest ------------------------------------------------------
# A warm process (imports done, newmm's dictionary loaded: ~8 s on a busy machine) that forks one
# ingest per "run" line, so that each of the many kills costs only the ingest it interrupts.
ZYGOTE = """
import os, sys
sys.path[:0] = [{root!r}, {tests!r}]
from pathlib import Path
from conftest import FakeEmbedder
from ingest.pipeline import ingest_paths
from prachum.config import load_settings
from prachum.index.store import IndexStore
from prachum.thai.text import word_tokens

word_tokens("การประชุมคณะกรรมการ")
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        settings = load_settings({{"data_dir": {data!r}}}, use_files=False, use_env=False)
        store = IndexStore(settings)
        print("open", flush=True)
        ingest_paths([Path({docs!r})], settings, store, FakeEmbedder(), prune=True, progress=False)
        print("done", flush=True)
        os._exit(0)
    print("pid", pid, flush=True)
    print("exit", os.waitpid(pid, 0)[1], flush=True)
"""
LINES = ["การประชุมคณะกรรมการ SOMSWD ครั้งที่ {n} เมื่อวันที่ {d} ก.พ. ๒๕๖{y}",
         "นางจตุพร โรจนพานิช ผู้แทนกระทรวงการพัฒนาสังคมฯ เข้าร่วมประชุม ณ กรุงเทพมหานคร",
         "ที่ประชุมมีมติให้ สป.พม. จัดทำรายงานเสนอภายในเดือน มี.ค. {y}",
         "Thailand will host the ASEAN meeting on social welfare in {year}",
         "งบประมาณโครงการ {n} ล้านบาท ได้รับความเห็นชอบจากที่ประชุม"]


def thai_record(n: int, edit: int) -> str:
    """A small record; ``edit`` changes some of its sentences, so a re-ingest replaces chunks."""
    fields = {"n": n + edit, "d": 1 + (n + edit) % 28, "y": (n + edit) % 10, "year": 2015 + (n + edit) % 10}
    body = [line.format(**fields) for line in LINES[: 2 + (n + edit) % 4]]
    return f"รายงานการประชุม ครั้งที่ {n}\n\n" + "\n\n".join(body * (1 + n % 3)) + "\n"


def test_kill_9_at_random_moments_during_an_ingest(tmp_path):
    import contextlib
    import os
    import random
    import signal
    import sqlite3
    import subprocess
    import sys
    import time
    from pathlib import Path

    from chromadb.api.shared_system_client import SharedSystemClient

    from prachum.config import load_settings

    rng = random.Random(11)
    root = Path(__file__).resolve().parents[3]
    docs, data = tmp_path / "docs", tmp_path / "data"
    docs.mkdir()
    edits = dict.fromkeys(range(24), 0)
    for n in edits:
        (docs / f"record-{n:03}.txt").write_text(thai_record(n, 0), encoding="utf-8")
    script = tmp_path / "zygote.py"
    script.write_text(ZYGOTE.format(root=str(root), tests=str(root / "tests"), data=str(data), docs=str(docs)))
    settings = load_settings({"data_dir": data}, use_files=False, use_env=False)
    zygote = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)

    def run(kill: bool) -> bool:
        zygote.stdin.write("run\n")
        zygote.stdin.flush()
        lines = [zygote.stdout.readline() for _ in range(2)]
        assert lines[0].startswith("pid ") and lines[1] == "open\n", lines
        pid = int(lines[0].split()[1])
        if kill:  # once the child has published its first document, at a random moment of its writes
            first = generation()
            deadline = time.monotonic() + 60
            while generation() == first and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 1.5))
            with contextlib.suppress(ProcessLookupError):  # it may have finished first: a run that completed
                os.kill(pid, signal.SIGKILL)
        rest = []
        while not (rest and rest[-1].startswith("exit")):
            rest.append(zygote.stdout.readline())
        assert kill or rest == ["done\n", "exit 0\n"], rest
        return "done\n" in rest

    def generation() -> str:
        with sqlite3.connect(settings.catalog_path) as conn:
            return conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]

    def check() -> IndexStore:
        SharedSystemClient.clear_system_cache()  # an embedded Chroma in this process would not see the child's
        store = IndexStore(settings)
        live = assert_consistent(store)
        for doc in store.documents():  # one version per document, whole
            ids = store.chunk_ids(doc.source)
            positions = sorted(meta["position"] for _, meta in store.chunks(ids).values())
            assert positions == list(range(doc.chunks)), doc.source
        assert live == {i for d in store.documents() for i in store.chunk_ids(d.source)}
        return store

    try:
        kills = completed = 0
        while kills < 10:
            for n in rng.sample(sorted(edits), 6):  # some records change between runs; one is deleted, one comes back
                edits[n] += 1
                (docs / f"record-{n:03}.txt").write_text(thai_record(n, edits[n]), encoding="utf-8")
            gone = docs / f"record-{rng.randrange(24):03}.txt"
            gone.unlink(missing_ok=True)
            completed += run(kill=True)
            kills += 1
            check()._lexical.close()
            gone.write_text(thai_record(int(gone.stem[-3:]), 99), encoding="utf-8")
        assert completed < kills  # most kills must land inside the ingest, or the test tests nothing
        assert run(kill=False)
        store = check()
        from ingest.pipeline import fingerprint

        from conftest import FakeEmbedder

        expected = {str(p.resolve()): fingerprint(p.read_bytes(), settings, FakeEmbedder.name) for p in docs.iterdir()}
        assert store.fingerprints() == expected
    finally:
        zygote.kill()
        zygote.wait(timeout=30)
