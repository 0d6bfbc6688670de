"""The sentence vectors ingest keeps beside the catalog: what a question reads instead of encoding."""
from __future__ import annotations

import sqlite3

import numpy as np

from prachum.index.sentence_cache import SentenceVectorCache, sentence_spans, sentence_texts

TEXT = ("การประชุม SOCA Retreat จัดขึ้นเมื่อวันที่ ๘ ก.พ. ๖๔ ผ่านระบบการประชุมทางไกล\n"
        "นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวง เป็นผู้แทนประเทศไทย (SOCA Leader) ในปี 2021")


def catalog(tmp_path, *ids: str):
    path = tmp_path / "catalog.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE IF NOT EXISTS chunks (id TEXT PRIMARY KEY)")
    conn.executemany("INSERT OR IGNORE INTO chunks VALUES (?)", [(i,) for i in ids])
    conn.commit()
    return path


def vectors(n: int, dim: int = 8) -> np.ndarray:
    v = np.random.default_rng(n).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_spans_and_texts_follow_the_thai_sentence_split():
    spans = sentence_spans(TEXT)
    assert len(spans) == 2 and TEXT[spans[1][0]:spans[1][1]].startswith("นางจตุพร")
    texts = sentence_texts(TEXT)
    assert len(texts) == 2 and "2564" not in texts[0] and "๘" not in texts[0]  # the search form: Arabic digits
    assert "8" in texts[0]


def test_kept_vectors_come_back_by_chunk_and_span_in_float16(tmp_path):
    kept = SentenceVectorCache(catalog(tmp_path, "c1"))
    spans, v = sentence_spans(TEXT), vectors(2)
    kept.put([("c1", spans, v)])
    got = kept.get(["c1", "missing"], 8)
    assert list(got) == ["c1"] and list(got["c1"]) == spans
    assert np.allclose(np.stack(list(got["c1"].values())), v, atol=1e-3)
    assert kept.get(["c1"], 16) == {}  # another model's size: not these


def test_a_reader_of_an_index_from_before_finds_nothing_and_writes_nothing(tmp_path):
    path = catalog(tmp_path, "c1")
    assert SentenceVectorCache(path).get(["c1"], 8) == {}
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "sentence_vectors" not in tables


def test_prune_drops_only_the_rows_of_chunks_that_left(tmp_path):
    path = catalog(tmp_path, "kept")
    cache = SentenceVectorCache(path)
    cache.put([("kept", [(0, 5)], vectors(1)), ("gone", [(0, 5), (6, 9)], vectors(2)),
               ("empty", [], np.zeros((0, 8), np.float32))])  # a chunk without a sentence keeps no row
    assert cache.count() == 2
    assert cache.prune() == 1
    assert set(cache.get(["kept", "gone"], 8)) == {"kept"}
