"""pythainlp's default dictionary as a flat WordTable: the same tokens as its Trie, built 3-4x faster.

A cold `prachum ask` used to spend 1.4 s building pythainlp's node-per-letter Trie on the first
word_tokenize. The table must answer newmm's one question (``prefixes``) exactly as the Trie
does, or every token, BM25 score and answer would shift.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import pythainlp.tokenize
from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie

from prachum.thai.text import WordTable, word_tokens

ROOT = Path(__file__).resolve().parents[3]
TEXTS = [
    "เมื่อวันที่ 8 ก.พ. 64 เวลา 09.00 น. นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์",
    "ที่ประชุมรัฐมนตรีอาเซียนด้านสวัสดิการสังคมครั้งที่ ๑๒ จัดขึ้นเมื่อวันที่ ๑๒ ตุลาคม ๒๕๖๔ ผ่านระบบการประชุมทางไกล",
    "พม. ร่วมประชุม SOCA Retreat ผ่านระบบ Video Conference (SOCA Leader of Thailand) ปี พ.ศ. ๒๕๖๔",
    "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat และจัดขึ้นเมื่อไร",
    "Who represented Thailand at the SOCA Retreat and when was it?",
    "งบประมาณ ๓,๕๐๐,๐๐๐ บาท สำหรับโครงการผู้สูงอายุ",
]


@pytest.fixture(scope="module")
def trie() -> Trie:
    return Trie(thai_words())  # pythainlp's own default, built the slow way once


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]


def test_pythainlps_default_dictionary_is_the_table():
    default = pythainlp.tokenize.word_dict_trie()
    assert isinstance(default, WordTable) and isinstance(default, Trie)
    assert pythainlp.tokenize.Trie is Trie  # the builder's name is put back


def test_the_table_answers_every_prefix_question_as_the_trie(trie):
    table = WordTable(thai_words())
    for text in TEXTS + seed_texts():
        for start in range(len(text)):
            assert table.prefixes(text, start) == trie.prefixes(text, start), (text[start:start + 20], start)


def test_tokens_are_the_tries(trie):
    for text in TEXTS + seed_texts():
        assert word_tokenize(text, engine="newmm") == word_tokenize(text, engine="newmm", custom_dict=trie)
    assert word_tokens(TEXTS[0])[:5] == ["เมื่อ", "วันที่", "8", "ก.พ.", "64"]


def test_the_default_table_holds_pythainlps_words(trie):
    default = pythainlp.tokenize.word_dict_trie()
    assert len(default) == len(trie) and set(default) == set(trie)
    assert "ประชุม" in default and "ประชุ" not in default and 5 not in default


def test_adding_and_removing_words_as_a_trie_does():
    words = ["ประชุม", "ประ", " การ ", "การประชุม", ""]
    table, trie = WordTable(words), Trie(words)
    text = "การประชุมจตุพรโรจนพานิช"
    for change in (lambda d: d.add(" จตุพร "), lambda d: d.add("จตุ"), lambda d: d.remove("การประชุม"),
                   lambda d: d.remove("ไม่มีคำนี้"), lambda d: d.remove("ประ")):
        change(table)
        change(trie)
        assert len(table) == len(trie) and set(table) == set(trie)
        assert [table.prefixes(text, i) for i in range(len(text))] == [trie.prefixes(text, i) for i in range(len(text))]
        assert [w in table for w in ("จตุพร", "การ", "ประ", "", "จ")] == [w in trie for w in ("จตุพร", "การ", "ประ", "", "จ")]


def test_a_fresh_process_tokenises_without_building_the_trie():
    code = ("import prachum.thai.text as t; "
            "import pythainlp.util.trie as pt; built = []; init = pt.Trie.__init__\n"
            "def spy(self, words): built.append(len(list(words))) if type(self) is pt.Trie else None; init(self, ())\n"
            "pt.Trie.__init__ = spy\n"
            "print(t.word_tokens('การประชุม SOCA Retreat เมื่อ ๘ ก.พ. ๖๔'), sum(built))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=True)
    tokens, built = out.stdout.strip().rsplit(" ", 1)
    assert tokens == "['การประชุม', 'soca', 'retreat', 'เมื่อ', '8', 'ก.พ.', '64']"
    assert built == "0"  # no word was put into a node-per-letter Trie
