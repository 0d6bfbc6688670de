"""The catalog on its own: staged rows stay invisible, publishing is one transaction, facts go with it."""
from __future__ import annotations

from datetime import date

import pytest

from prachum.index import meeting_tables
from prachum.index.catalog import Catalog, ChunkRecord, document_row
from prachum.meetings import Attendance, Meeting, RecordFacts

SOURCE = "/r/soca-2564.txt"


def chunk(i: int, text: str, fp: str = "fp1") -> ChunkRecord:
    return ChunkRecord(id=f"{fp}-{i}", text=text, indexed_text=f"SOCA Retreat\n{text}", source=SOURCE,
                       title="SOCA Retreat", date=date(2021, 2, 8), acronyms=("SOCA", "ASEAN"), position=i,
                       start=10 * i, end=10 * i + len(text), fingerprint=fp, source_url="https://example.go.th/1")


def facts(name: str) -> RecordFacts:
    meeting = Meeting(key="soca-1", name_th="การประชุม SOCA", acronym="SOCA", first_date=date(2021, 2, 8),
                      last_date=date(2021, 2, 8))
    return RecordFacts(SOURCE, (meeting,), (Attendance(meeting="soca-1", name=name, honorific="นาง"),))


def publish(catalog: Catalog, chunks: list[ChunkRecord], **kw) -> list[str]:
    rows = [c.row() for c in chunks]
    catalog.stage(rows)
    return catalog.publish(SOURCE, rows, document_row(chunks), writer="1234", **kw)


def test_staged_chunks_are_invisible_until_published(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite")
    old = [chunk(0, "เมื่อวันที่ ๘ ก.พ. ๖๔"), chunk(1, "นางจตุพร โรจนพานิช")]
    rows = [c.row() for c in old]
    assert catalog.stage(rows) == set()
    assert catalog.pending_ids() == ["fp1-0", "fp1-1"]
    assert catalog.chunks(["fp1-0"]) == {} and catalog.live_count() == 0 and catalog.fingerprint(SOURCE) is None
    assert catalog.publish(SOURCE, rows, document_row(old), writer="1234") == []
    assert catalog.generation() == (1, "1234")
    text, meta = catalog.chunks(["fp1-1"])["fp1-1"]
    assert text == "นางจตุพร โรจนพานิช"
    assert meta == {"source": SOURCE, "title": "SOCA Retreat", "date": "2021-02-08", "date_ord": 20210208,
                    "acronyms": "SOCA,ASEAN", "position": 1, "start": 10, "end": 28, "fingerprint": "fp1",
                    "indexed_text": "SOCA Retreat\nนางจตุพร โรจนพานิช", "source_url": "https://example.go.th/1",
                    "acr:SOCA": True, "acr:ASEAN": True}
    [doc] = catalog.documents()
    assert (doc.chunks, doc.acronyms, doc.fingerprint) == (2, ["SOCA", "ASEAN"], "fp1")


def test_publishing_a_new_version_moves_the_old_chunks_to_garbage(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite")
    publish(catalog, [chunk(0, "หนึ่ง"), chunk(1, "สอง"), chunk(2, "สาม")])
    # the new version keeps chunk 0 (same id: already live, left alone by stage) and drops the rest
    new = [chunk(0, "หนึ่ง"), chunk(5, "สี่", fp="fp2")]
    assert catalog.stage([c.row() for c in new]) == {"fp1-0"}
    stale = catalog.publish(SOURCE, [c.row() for c in new], document_row(new))
    assert sorted(stale) == ["fp1-1", "fp1-2"] and sorted(catalog.garbage_ids()) == stale
    assert catalog.live_ids() == {"fp1-0", "fp2-5"} and catalog.chunk_ids(SOURCE) == ["fp1-0", "fp2-5"]
    assert catalog.fingerprints() == {SOURCE: "fp1"}  # the document row comes from the first new chunk
    catalog.drop(stale, pending_only=False)
    assert catalog.garbage_ids() == [] and catalog.generation()[0] == 2
    # removal: every live chunk to garbage, the document row gone
    assert sorted(catalog.publish(SOURCE, [], None)) == ["fp1-0", "fp2-5"]
    assert catalog.documents() == [] and catalog.live_count() == 0


def test_a_failed_publish_changes_nothing(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite")
    publish(catalog, [chunk(0, "หนึ่ง")])
    new = [chunk(1, "สอง", fp="fp2")]
    catalog.stage([c.row() for c in new])
    with pytest.raises(AttributeError):  # facts that cannot be written: the whole step rolls back
        catalog.publish(SOURCE, [c.row() for c in new], document_row(new), facts=object())
    assert catalog.live_ids() == {"fp1-0"} and catalog.pending_ids() == ["fp2-1"]
    assert catalog.fingerprint(SOURCE) == "fp1" and catalog.generation()[0] == 1


def test_meeting_facts_are_written_and_removed_with_the_document(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite")
    publish(catalog, [chunk(0, "นางจตุพร โรจนพานิช")], facts=facts("จตุพร โรจนพานิช"))
    assert [a.name for a in meeting_tables.facts_for(catalog.conn, SOURCE).attendance] == ["จตุพร โรจนพานิช"]
    publish(catalog, [chunk(0, "นางจตุพร โรจนพานิช")])  # no facts given: the stored ones stay
    assert len(meeting_tables.facts_for(catalog.conn, SOURCE).meetings) == 1
    publish(catalog, [chunk(0, "นางวิมลรัตน์ รัชชุกูล", fp="fp2")], facts=facts("วิมลรัตน์ รัชชุกูล"))
    assert [a.name for a in meeting_tables.facts_for(catalog.conn, SOURCE).attendance] == ["วิมลรัตน์ รัชชุกูล"]
    catalog.publish(SOURCE, [], None)
    assert meeting_tables.facts_for(catalog.conn, SOURCE) == RecordFacts(SOURCE)


def test_a_second_connection_reads_while_a_write_is_open(tmp_path):
    """WAL: a reader (another process's catalog) is not blocked by the writer's transaction."""
    writer, reader = Catalog(tmp_path / "catalog.sqlite"), Catalog(tmp_path / "catalog.sqlite")
    publish(writer, [chunk(0, "หนึ่ง")])
    with writer.transaction() as conn:
        conn.execute("DELETE FROM documents")
        assert reader.fingerprints() == {SOURCE: "fp1"}  # the committed state, without waiting
    assert reader.fingerprints() == {}
    assert writer.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_lookups_by_id_use_the_primary_key_not_a_scan_of_every_live_chunk(tmp_path):
    """With ``state = ?`` beside ``id IN (...)`` SQLite chose the state index and read every live
    chunk: 40 ms a search at 10,000 chunks, growing with the archive."""
    catalog = Catalog(tmp_path / "catalog.sqlite")
    publish(catalog, [chunk(i, f"วาระที่ {i} ก.พ. ๖๔") for i in range(30)])
    seen: list[str] = []
    conn = catalog.conn
    conn.set_trace_callback(seen.append)
    assert len(catalog.chunks(["fp1-3", "fp1-7"])) == 2 and len(catalog.lexical_rows(["fp1-3"])) == 1
    conn.set_trace_callback(None)
    lookups = [sql for sql in seen if sql.lstrip().upper().startswith("SELECT") and " IN (" in sql]
    assert len(lookups) == 2
    for sql in lookups:
        plan = " ".join(str(row[-1]) for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "chunks_state" not in plan and "(id=?)" in plan, plan


def test_publishing_several_documents_is_one_change(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite")
    first = [chunk(0, "การประชุม SOMSWD ครั้งที่ ๑")]
    other = [ChunkRecord(id="b-0", text="Thailand chairs ASEAN", indexed_text="Thailand chairs ASEAN", source="/r/b.txt",
                         title="ข", date=None, acronyms=(), position=0, start=0, end=21, fingerprint="fb")]
    catalog.stage([c.row() for c in first + other])
    before = catalog.generation()[0]
    stale = catalog.publish_many([(SOURCE, [first[0].row()], document_row(first), facts("นางจตุพร")),
                                  ("/r/b.txt", [other[0].row()], document_row(other), None)], writer="h:1")
    assert stale == [] and catalog.generation() == (before + 1, "h:1")
    assert sorted(catalog.fingerprints()) == ["/r/b.txt", SOURCE] and catalog.live_count() == 2
