"""Sentence-level evidence: what kind of fact is asked for, and which sentences hold it."""
from __future__ import annotations

import numpy as np

from prachum.index.sentence_cache import SentenceVectorCache, sentence_spans, sentence_texts
from prachum.thai.text import search_form
from prachum.types import Passage
from rag.evidence import SentenceVectors, asked_kinds, score_sentences, sentence_kinds, split_passage
from tests.conftest import FakeEmbedder

SOCA_TEXT = (
    "ประเทศบรูไนดารุสซาลามเป็นเจ้าภาพจัดการประชุม SOCA Retreat ซึ่งเป็นการจัดประชุมครั้งแรกของประชาคมสังคมและวัฒนธรรมอาเซียน "
    "ภายใต้การเป็นประธานอาเซียนของบรูไนดารุสซาลาม โดยมีผู้แทนจากประเทศสมาชิกอาเซียนเข้าร่วมทั้งสิ้นสิบประเทศ\n"
    "เมื่อวันที่ ๘ ก.พ. ๖๔ เวลา 09.00 น. นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ "
    "เข้าร่วมการประชุมผ่านระบบการประชุมทางไกล ณ ห้องประชุมกระทรวง ในนาม SOCA Leader ประเทศไทย"
)
SOCA = Passage(id="soca", text=SOCA_TEXT, source="/r/soca.txt", title="SOCA Retreat", date="2021-02-08",
               score=1.0, dense=0.9, lexical=2.0)


def test_asked_kinds_in_thai_and_english():
    assert asked_kinds("การประชุมจัดขึ้นเมื่อไร") == {"when"}
    assert asked_kinds("ใครเป็นผู้แทนประเทศไทย และจัดขึ้นเมื่อใด") == {"who", "when"}
    assert asked_kinds("มีผู้เข้าร่วมกี่คน") == {"how_many"}
    assert asked_kinds("Where was the SOCA Retreat held?") == {"where"}
    assert asked_kinds("การประชุมมีวาระอะไร") == set()


def test_sentence_kinds_read_thai_dates_people_and_places():
    kinds = sentence_kinds("เมื่อวันที่ ๘ ก.พ. ๖๔ นางจตุพร โรจนพานิช เข้าร่วม ณ ห้องประชุมกระทรวง")
    assert {"when", "who", "where", "how_many"} <= kinds
    assert sentence_kinds("ที่ประชุมรับทราบรายงานความก้าวหน้า") == frozenset()


def test_sentences_keep_their_offsets_in_the_passage():
    sentences = split_passage(0, SOCA)
    assert len(sentences) == 2
    for s in sentences:
        assert SOCA.text[s.start:s.end] == s.text


def test_the_sentence_with_the_asked_kind_and_words_comes_first():
    question = "นางจตุพร โรจนพานิช เข้าร่วมการประชุม SOCA Retreat เมื่อไร"
    ranked = score_sentences(question, [SOCA], lambda term: 1.0, None)
    assert "นางจตุพร" in ranked[0].text and "when" in ranked[0].kinds
    assert ranked[0].score > ranked[1].score


def test_sentence_vectors_are_embedded_once_per_chunk_sentence():
    class Counting(FakeEmbedder):
        calls = 0

        def embed_passages(self, texts, progress=False):  # type: ignore[override]
            Counting.calls += len(texts)
            return super().embed_passages(texts)

    vectors = SentenceVectors(Counting())
    sentences = split_passage(0, SOCA)
    first = vectors.get([SOCA], sentences, FakeEmbedder.dim)
    again = vectors.get([SOCA], sentences, FakeEmbedder.dim)
    assert Counting.calls == 2 and np.allclose(first, again)


def test_sentence_vectors_kept_at_ingest_are_read_not_encoded(tmp_path):
    """A question over chunks ingest kept vectors for encodes nothing (#9: 20 people at once)."""
    class Refusing(FakeEmbedder):
        def embed_passages(self, texts, progress=False):  # type: ignore[override]
            raise AssertionError(f"encoded {len(texts)} sentences that were kept")

    import sqlite3

    path = tmp_path / "catalog.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE chunks (id TEXT PRIMARY KEY)")
    kept = SentenceVectorCache(path)
    spans = sentence_spans(SOCA.text)
    stored = FakeEmbedder().embed_passages(sentence_texts(SOCA.text))
    kept.put([(SOCA.id, spans, stored)])
    got = SentenceVectors(Refusing(), kept).get([SOCA], split_passage(0, SOCA), FakeEmbedder.dim)
    assert np.allclose(got, stored, atol=1e-3)  # float16 in the catalog


def test_sentences_missing_from_the_catalog_are_encoded(tmp_path):
    import sqlite3

    path = tmp_path / "catalog.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE chunks (id TEXT PRIMARY KEY)")
    other = Passage(id="other", text="การประชุม ๒๕๖๔ ครั้งที่ ๑ จัดขึ้น ณ กรุงเทพมหานคร", source="/r/o.txt", title="o",
                    date="", score=1.0, dense=0.5, lexical=1.0)
    kept = SentenceVectorCache(path)
    kept.put([(SOCA.id, sentence_spans(SOCA.text), FakeEmbedder().embed_passages(sentence_texts(SOCA.text)))])
    sentences = split_passage(0, SOCA) + split_passage(1, other)
    got = SentenceVectors(FakeEmbedder(), kept).get([SOCA, other], sentences, FakeEmbedder.dim)
    assert got.shape == (len(sentences), FakeEmbedder.dim)
    assert np.allclose(got[-1], FakeEmbedder().embed_passages([search_form(sentences[-1].text)])[0])
