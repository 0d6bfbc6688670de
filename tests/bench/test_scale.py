"""bench/scale.py: the synthetic archive looks like the records, and a tiny run writes the JSON the README quotes."""
from __future__ import annotations

import json
import re

import pytest

from bench.scale import CHUNK_CHARS, PER_DOC, documents, main, questions, sentence_pool, table
from evals.bench_data import BENCHMARKS_DIR

pytestmark = pytest.mark.skipif(not BENCHMARKS_DIR.is_dir(), reason=f"external benchmarks not found at {BENCHMARKS_DIR}")
KEYS = {"chunks", "open_s", "search_p50_ms", "search_p95_ms", "add_doc_ms", "rss_mb", "build_s", "first_search_ms",
        "search_cpu_p50_ms", "questions", "answered", "remove_doc_ms", "catalog_mb", "lexical_mb", "chroma_mb"}


def test_synthetic_documents_are_thai_dated_records_of_ten_chunks():
    pool = sentence_pool()
    assert len(pool) > 10_000 and all(len(s) >= 40 for s in pool[:1000])
    (source, records, vectors), second = list(documents(7, 2, pool))
    assert len(records) == PER_DOC and vectors.shape == (PER_DOC, 384)
    assert abs(float((vectors ** 2).sum(axis=1).mean()) - 1.0) < 1e-5
    assert all(CHUNK_CHARS <= len(r.text) < CHUNK_CHARS + 700 for r in records)
    assert all(re.search("[ก-๙]", r.text) for r in records)
    first = records[0]
    assert first.source == source and first.date is not None and first.acronyms[0] in first.title
    assert first.indexed_text.startswith(first.title) and str(first.date.year) in first.indexed_text
    assert len({r.id for r in records}) == PER_DOC and second[0] != source
    assert [r.text for r in records] == [r.text for r in list(documents(7, 1, pool))[0][1]]  # reproducible


def test_questions_are_varied_and_some_name_a_meeting_period():
    asked = questions(200)
    assert len(asked) == 200 and len(set(asked)) >= 195
    assert sum(bool(re.search(r"SOCA|SOMSWD|SOCCOM|ICTC|ASEAN|ACMW|SOMRDPE|AMMSWD", q)) for q in asked) >= 20
    assert sum(bool(re.search("[ก-๙]", q)) for q in asked) >= 180


def test_a_tiny_run_writes_one_sane_object_per_size(tmp_path, capsys):
    out = tmp_path / "scale.json"
    assert main(["--chunks", "200", "--questions", "30", "--adds", "3", "--json", str(out), "--no-query-embedding"]) == 0
    (row,) = json.loads(out.read_text(encoding="utf-8"))
    assert KEYS <= set(row)
    assert row["chunks"] == 200 and row["documents"] == 20 and row["questions"] == 30
    assert 0 < row["open_s"] < 60 and 0 < row["search_p50_ms"] <= row["search_p95_ms"] <= row["search_max_ms"]
    assert row["answered"] >= 24  # every XQuAD/iApp question finds some passage; dated ones may not
    assert 0 < row["add_doc_ms"] < 60_000 and 50 < row["rss_mb"] < 4000
    assert row["catalog_mb"] > 0 and row["lexical_mb"] > 0 and row["chroma_mb"] > 0
    printed = capsys.readouterr().out
    assert printed.startswith("| chunks |") and "| 200 |" in printed


def test_the_table_shows_a_dash_for_what_was_not_measured():
    text = table([{"chunks": 1000, "open_s": 0.5}])
    assert text.splitlines()[2].startswith("| 1,000 | - | 0.50 |")


def test_a_stopped_build_is_resumed_where_it_stopped(tmp_path):
    """A 1M build takes an hour or more on a laptop: stopped, it goes on rather than starting again."""
    from bench.scale import build

    first = build(2 * PER_DOC, tmp_path / "index", progress=False, batch=1, sentence_words=True)
    assert first["chunks"] == 2 * PER_DOC and first["build_resumed_at"] == 0
    more = build(4 * PER_DOC, tmp_path / "index", progress=False, batch=1, sentence_words=True)
    assert more["chunks"] == 4 * PER_DOC and more["build_resumed_at"] == 2 and more["documents"] == 4
