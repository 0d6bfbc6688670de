"""The tantivy lexical index: Thai tokens survive, writes are staged and atomic, filters run in the engine."""
from __future__ import annotations

import math
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from prachum.index.lexical import LexicalDoc, LexicalIndex, analyse
from prachum.thai.text import word_tokens
from prachum.types import Filters

REPO = Path(__file__).resolve().parents[3]

DOCS = [
    LexicalDoc("c1", "soccom.txt", "การประชุม SOCCOM ครั้งที่ 16 จัดขึ้นที่กรุงเทพมหานคร เมื่อวันที่ 8 ก.พ. 2564",
               20210208, ("SOCCOM",)),
    LexicalDoc("c2", "soca.txt", "ผู้แทนประเทศไทยเข้าร่วมการประชุม SOCA Retreat ที่จังหวัดเชียงใหม่", 0, ("SOCA",)),
    LexicalDoc("c3", "flood.txt", "น้ำท่วมใหญ่ปี ๒๕๕๔ ทำให้เศรษฐกิจเสียหาย ไม้ล้มทับบ้านเรือน", 20111001, ()),
    LexicalDoc("c4", "soca.txt", "ที่ประชุมเห็นชอบแผนงานด้านสังคมและวัฒนธรรม ประจำปี 2565", 20220115, ("SOCA", "ASEAN")),
]


def make(path: Path, docs=DOCS) -> LexicalIndex:
    index = LexicalIndex(path, 0.6, 0.75)
    index.add(docs)
    index.commit()
    return index


@pytest.fixture
def index(tmp_path: Path) -> LexicalIndex:
    return make(tmp_path / "lexical")


def test_thai_vowels_and_tone_marks_stay_inside_their_word(index: LexicalIndex) -> None:
    # tantivy's default tokenizer cuts at combining marks (น้ำ -> น, ...); ours must keep the word whole
    assert "น้ำท่วม" in word_tokens(DOCS[2].text) or "น้ำ" in word_tokens(DOCS[2].text)
    word = "น้ำท่วม" if "น้ำท่วม" in word_tokens(DOCS[2].text) else "น้ำ"
    unseen = math.log(1 + (4 + 0.5) / 0.5)
    assert index.idf(word) < unseen
    assert index.idf("น") == pytest.approx(unseen)
    assert next(iter(index.search("น้ำท่วมใหญ่", 3))) == "c3"


def test_long_thai_words_and_spaces_inside_tokens_are_kept(tmp_path: Path) -> None:
    long = "กรุงเทพมหานครอมรรัตนโกสินทร์"  # longer than the 40 bytes tantivy's default tokenizer drops
    words, grams = analyse([long, "a b"])
    assert words == [long, "a_b"]
    assert grams[0] == "กรุ" and all(len(g) == 3 and " " not in g for g in grams)
    index = LexicalIndex(tmp_path / "lex", 0.6, 0.75)
    index.add_words([(LexicalDoc("w1", "x.txt", "", 0, ()), [long, "a b", "ประชุม"]),
                     (LexicalDoc("w2", "y.txt", "", 0, ()), ["ประชุม"])])
    index.commit()
    unseen = math.log(1 + (2 + 0.5) / 0.5)
    assert index.idf(long) < unseen and index.idf("a b") < unseen


def test_best_match_first_and_scores_positive(index: LexicalIndex) -> None:
    found = index.search("การประชุม SOCCOM จัดขึ้นที่ไหน", 10)
    assert next(iter(found)) == "c1"
    assert all(score > 0 for score in found.values())
    assert list(found.values()) == sorted(found.values(), reverse=True)


def test_thai_digits_and_english_case_match_the_search_form(index: LexicalIndex) -> None:
    assert next(iter(index.search("น้ำท่วมปี 2554", 5))) == "c3"  # indexed from ๒๕๕๔
    assert next(iter(index.search("ประชุม soccom ๘ ก.พ. ๒๕๖๔", 5))) == "c1"


def test_k_limits_and_include_gets_exact_scores(index: LexicalIndex) -> None:
    full = index.search("การประชุม ที่ประชุม", 10)
    top = index.search("การประชุม ที่ประชุม", 1, include=list(full) + ["c3", "missing"])
    assert len([i for i, s in top.items() if s > 0]) == len(full)
    for chunk_id, score in full.items():
        assert top[chunk_id] == pytest.approx(score)
    assert top["c3"] == 0.0 and top["missing"] == 0.0


def test_empty_question_scores_include_as_zero(index: LexicalIndex) -> None:
    assert index.search("   ", 5, include=["c1"]) == {"c1": 0.0}


def test_filters_run_inside_the_engine(index: LexicalIndex) -> None:
    q = "การประชุม ประชุม SOCA SOCCOM น้ำท่วม"
    assert set(index.search(q, 10, Filters(sources=("soca.txt",)))) == {"c2", "c4"}
    assert set(index.search(q, 10, Filters(acronyms=("SOCCOM", "ASEAN")))) == {"c1", "c4"}
    # undated chunks (date_ord 0) pass date filters: unknown is not "outside"
    assert set(index.search(q, 10, Filters(since=date(2021, 1, 1)))) == {"c1", "c2", "c4"}
    assert set(index.search(q, 10, Filters(until=date(2021, 12, 31)))) == {"c1", "c2", "c3"}
    assert set(index.search(q, 10, Filters(since=date(2022, 1, 1), until=date(2022, 1, 31)))) == {"c2", "c4"}
    assert set(index.search(q, 10, Filters(sources=("soca.txt",), since=date(2022, 1, 1)))) == {"c2", "c4"}
    # a filtered search scores exactly as an unfiltered one
    plain = index.search(q, 10)
    for chunk_id, score in index.search(q, 10, Filters(sources=("soca.txt",))).items():
        assert score == pytest.approx(plain[chunk_id])


def test_writes_are_staged_until_commit(tmp_path: Path) -> None:
    index = make(tmp_path / "lex", DOCS[:2])
    index.add([DOCS[2]])
    index.delete(["c1"])
    assert index.count() == 2 and index.ids() == {"c1", "c2"}
    index.commit()
    assert index.ids() == {"c2", "c3"}
    index.add([DOCS[3]])
    index.rollback()
    assert index.ids() == {"c2", "c3"}
    index.commit()  # nothing staged: a no-op
    assert index.count() == 2


def test_adding_an_id_again_replaces_it(index: LexicalIndex) -> None:
    index.add([LexicalDoc("c3", "flood.txt", "ภัยแล้ง ๒๕๖๔", 20210301, ())])
    index.commit()
    assert index.count() == 4
    assert "c3" not in index.search("น้ำท่วม", 5)
    assert next(iter(index.search("ภัยแล้ง", 5))) == "c3"


def test_deleting_unknown_ids_is_harmless(index: LexicalIndex) -> None:
    index.delete(["nope", "c2"])
    index.delete([])
    index.commit()
    assert index.ids() == {"c1", "c3", "c4"}


def test_idf_is_lucenes(index: LexicalIndex) -> None:
    word = word_tokens("เชียงใหม่")[0]
    n = sum(word in word_tokens(d.text) for d in DOCS)
    assert n >= 1
    assert index.idf(word) == pytest.approx(math.log(1 + (4 - n + 0.5) / (n + 0.5)))


def test_reopen_keeps_the_commit_and_another_reader_sees_new_ones(tmp_path: Path) -> None:
    path = tmp_path / "lex"
    writer = make(path, DOCS[:2])
    reader = LexicalIndex(path, 0.6, 0.75)
    assert reader.ids() == {"c1", "c2"}
    writer.add(DOCS[2:])
    writer.commit()
    assert reader.count() == 2  # a snapshot until told to reload
    reader.reload()
    assert reader.count() == 4 and "c3" in reader.search("น้ำท่วม", 3)


CRASH = """
import os, sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from prachum.index.lexical import LexicalDoc, LexicalIndex
index = LexicalIndex(Path({path!r}), 0.6, 0.75)
index.add([LexicalDoc("x%d" % i, "big.txt", "บันทึกการประชุม ครั้งที่ %d" % i, 0, ()) for i in range(2000)])
index.delete(["c1"])
os._exit(9)  # dies with the writes staged, never committed
"""


def test_a_crash_before_commit_leaves_the_previous_state(tmp_path: Path) -> None:
    path = tmp_path / "lex"
    make(path, DOCS[:2]).close()
    result = subprocess.run([sys.executable, "-c", CRASH.format(repo=str(REPO), path=str(path))], check=False)
    assert result.returncode == 9
    index = LexicalIndex(path, 0.6, 0.75)
    assert index.ids() == {"c1", "c2"}
    index.add(DOCS[2:])  # and the writer's lock was not left behind
    index.commit()
    assert index.count() == 4


def test_searches_run_while_one_writer_commits(index: LexicalIndex) -> None:
    errors: list[BaseException] = []
    stop = threading.Event()

    def ask() -> None:
        try:
            while not stop.is_set():
                assert "c1" in index.search("การประชุม SOCCOM", 5, include=["c3"])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(5):
        index.add([LexicalDoc(f"n{i}", "new.txt", f"วาระที่ {i} การประชุมคณะทำงาน", 0, ())])
        index.commit()
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert index.count() == 9


def test_exact_scores_are_todays_bm25(index: LexicalIndex) -> None:
    # k1 0.6 was chosen inside the hybrid; tantivy only picks the candidates, our formula ranks them
    from prachum.index.bm25 import BM25Index, query_terms

    old = BM25Index(0.6, 0.75)
    old.add_many((d.id, word_tokens(d.text)) for d in DOCS)
    question = "ที่ประชุม SOCA เห็นชอบแผนงานอะไรในปี ๒๕๖๕"
    expected = {i: s for i, s in old.scores(query_terms(question)).items() if s > 0}
    found = index.search(question, 10)
    assert found.keys() == expected.keys()
    for chunk_id, score in expected.items():
        assert found[chunk_id] == pytest.approx(score, rel=1e-9)


def test_tantivys_own_scoring_is_available(tmp_path: Path) -> None:
    own = LexicalIndex(tmp_path / "own", 0.6, 0.75, exact=False)
    own.add(DOCS)
    own.commit()
    exact = make(tmp_path / "exact")
    question = "การประชุม SOCCOM"
    assert next(iter(own.search(question, 3))) == next(iter(exact.search(question, 3))) == "c1"
    assert own.search(question, 3)["c1"] != pytest.approx(exact.search(question, 3)["c1"])


def test_grams_are_counted_like_char_ngrams_overlaps_included() -> None:
    from collections import Counter

    from prachum.index.bm25 import char_ngrams
    from prachum.index.lexical_score import gram_counts

    texts = ["นานานา", "aaaa", "ประชุมประชุม", "", "น้ำท่วมน้ำ"]
    grams = ["นาน", "aaa", "ประ", "xyz", "น้ำ", "ำท่"]
    counts = gram_counts(texts, grams)
    for row, text in enumerate(texts):
        expected = Counter(g[1:] for g in char_ngrams([text], 3))
        assert list(counts[row]) == [expected[g] for g in grams]
    assert counts[0][0] == 2 and counts[1][1] == 2 and counts[4][4] == 2


def test_an_index_of_another_layout_is_dropped_for_the_store_to_refill(tmp_path: Path) -> None:
    from prachum.index.lexical import LAYOUT_FILE

    path = tmp_path / "lex"
    make(path, DOCS).close()
    (path / LAYOUT_FILE).write_text("an older layout", encoding="utf-8")
    (path / "notes.txt").write_text("not tantivy's", encoding="utf-8")
    index = LexicalIndex(path, 0.6, 0.75)
    assert index.count() == 0
    assert (path / "notes.txt").is_file()
    index.add(DOCS[:1])
    index.commit()
    assert LexicalIndex(path, 0.6, 0.75).ids() == {"c1"}


def test_a_second_writer_gets_the_index_once_the_first_is_idle(tmp_path: Path) -> None:
    # an ingest beside a server: tantivy allows one writer per folder, kept only while writes come
    import time

    from prachum.index import lexical

    path = tmp_path / "lex"
    first = make(path, DOCS[:2])
    second = LexicalIndex(path, 0.6, 0.75)
    start = time.monotonic()
    second.add(DOCS[2:])
    second.commit()
    assert time.monotonic() - start < lexical.IDLE_RELEASE_S + 10
    first.reload()
    assert first.count() == 4
    second.close()
    first.delete(["c4"])  # the lock was let go at once
    first.commit()
    assert first.ids() == {"c1", "c2", "c3"}


def test_a_write_after_an_idle_release_waits_for_it_instead_of_failing(tmp_path: Path, monkeypatch) -> None:
    # seen building 1M chunks: the writer let go while idle was still merging when the next batch came
    import time

    from prachum.index import lexical

    monkeypatch.setattr(lexical, "IDLE_RELEASE_S", 0.05)
    monkeypatch.setattr(lexical, "LOCK_WAIT_S", 0.2)
    index = make(tmp_path / "lex", DOCS[:1])
    for i, doc in enumerate(DOCS[1:]):
        time.sleep(0.06 * (i % 2))  # now and then the release has begun when the next write comes
        index.add([doc])
        index.commit()
    assert index.count() == 4


def test_the_idle_release_is_quiet_when_the_index_folder_has_gone(tmp_path, monkeypatch):
    import shutil
    import threading

    import prachum.index.lexical as lexical

    monkeypatch.setattr(lexical, "IDLE_RELEASE_S", 0.05)
    raised: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))
    index = LexicalIndex(tmp_path / "lex", 0.6, 0.75)
    index.add([LexicalDoc("a", "/r/a.txt", "การประชุม SOMSWD ครั้งที่ ๑๖", 20200921, ("SOMSWD",))])
    index.commit()
    shutil.rmtree(tmp_path / "lex")  # a temporary index removed while its writer is still held
    time.sleep(0.5)
    assert raised == []
