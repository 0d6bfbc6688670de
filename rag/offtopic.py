"""Off-topic questions that pass the strength gate: the records do not hold what they are about.

The dense gate (rag/gate.py) cannot tell "ชาวเปอร์เซียนเข้ามาในประเทศไทยเมื่อใด" from a question
about the records: e5 finds a meeting record "similar" to any question about Thailand, ASEAN or
a year. What gives such a question away is its own vocabulary. A question about the records
names things the records name (an acronym, a meeting, a ministry, a person); a general question
names things they never mention (เปอร์เซียน, สุลต่าน, CCTV). Two rules follow, neither of which
looks at how a question is phrased:

* **unsupported words**: most of the question's information is in words that neither the
  passages found nor the lexical index contain. A word's information is how rare it is in
  Thai at large (PyThaiNLP's Phupha word frequencies, from Common Crawl, shipped with the
  package): the words that ask ("เกิด", "ต้อง", "ย่อมาจาก", "ดำรงตำแหน่ง") are common and weigh
  little, so a paraphrase of an on-topic question still passes, while names and terms
  ("ฮกเกี้ยน", "เยื่อหุ้มสมอง", an acronym) weigh most. Presence is asked of the evidence and of
  the index's own document frequencies, so a word the records use anywhere counts as theirs.
* **undefined terms**: "X คืออะไร / หมายถึงอะไร / ย่อมาจากอะไร", "what is X": the records can
  answer only if they define X somewhere in the evidence, where X stands beside a parenthesis, a
  colon or a defining word ("(ASEAN Development Outlook: ADO)", "“C” หมายถึง Communications").
  A term they use in passing ("องค์กรภายนอก") or never use ("สสาร") is not answered.

Over the seed index, with rag/gate.off_topic_reason around them: Mr. TyDi Thai (1,190 Wikipedia
questions) answered 59 -> 18, no answerable seed question, follow-up or fresh paraphrase refused.
Words are weighed by general Thai, not by the index's idf, because the index is small (23 chunks
for the seeds): there, idf calls "ย่อ" as rare as "สุลต่าน". The index decides only presence.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

from prachum.index.bm25 import query_terms
from prachum.thai.text import search_form, word_tokens
from prachum.types import Passage

# Refuse when at least half of the question's information is in words the records lack. Over the
# seed index: answerable Thai seed questions reach 0.18 ("ทำหน้าที่", "ขณะนั้น", "ดำรงตำแหน่ง" of a
# question about SOCCOM), paraphrases written afresh 0.48 ("ความปกติใหม่" for the records'
# "ความปรกติใหม่"), so none would be refused even where e5 is unsure; 30 of the 58 Mr. TyDi
# questions that passed the dense gate reach 0.5-0.9 (and the definition rule refuses 11 more).
UNSUPPORTED_SHARE = 0.5
# Words that only ask for a yes or no; they stand in no answer (QUESTION_WORDS holds the rest).
YES_NO = frozenset({"ใช่", "ใช่ไหม", "ใช่มั้ย", "ไหม", "มั้ย", "หรือ", "เปล่า"})
# A token that can never be in the index: its idf is that of a word in no chunk.
_ABSENT = "\u0e00\u0e00"

_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LATIN = re.compile(r"[A-Za-z]")
_WORDLIKE = re.compile(r"[^\W\d_]", re.UNICODE)


@lru_cache(maxsize=1)
def _frequencies() -> tuple[dict[str, int], float]:
    """Phupha's word counts, read once (about 0.1 s, and only for a question in the gate's lower band)."""
    from pythainlp.corpus import corpus_path

    freqs: dict[str, int] = {}
    with open(Path(corpus_path()) / "phupha_word_freqs.txt", encoding="utf-8") as lines:
        for line in lines:
            word, _, count = line.rstrip("\n").partition("\t")
            if count.isdigit():
                freqs[word] = int(count)
    return freqs, float(sum(freqs.values()))


def information(word: str) -> float:
    """How much a word says in general Thai, -log of its Phupha frequency; unseen words (names,
    Latin acronyms, rare terms) say the most."""
    freqs, total = _frequencies()
    return math.log(total / (freqs.get(word, 0) + 1))


def _english(question: str) -> bool:
    return len(_LATIN.findall(question)) > 2 * len(_THAI.findall(question))


def content_words(question: str) -> list[str]:
    """The words a question's answer must be about: no question words, numbers or punctuation.

    Of an English question only its Thai words count: its English reaches the Thai records
    through the glossary and e5, not word for word, so an absent English word proves nothing.
    """
    english = _english(question)
    words = []
    for word in dict.fromkeys(query_terms(question)):
        if word in YES_NO or any(ch.isdigit() for ch in word) or not _WORDLIKE.search(word):
            continue
        if english and not _THAI.search(word):
            continue
        words.append(word)
    return words


def _flat(text: str) -> str:
    return search_form(text).replace(" ", "").lower()


def unsupported(question: str, passages: Sequence[Passage], idf: Callable[[str], float]) -> tuple[float, list[str]]:
    """The share of the question's information in words found neither in the passages (as written,
    so newmm's splitting does not matter) nor anywhere in the index, and those words."""
    words = content_words(question)
    if not words:
        return 0.0, []
    text = "\n".join(_flat(f"{p.title}\n{p.text}") for p in passages)
    absent = idf(_ABSENT)
    missing = [w for w in words if _flat(w) not in text and idf(w) >= absent - 1e-9]
    weights = {w: information(w) for w in words}
    total = sum(weights.values())
    return (sum(weights[w] for w in missing) / total if total else 0.0), missing


# "X คืออะไร", "X หมายถึงอะไร", "X ย่อมาจากอะไร", "what is X", "what does X stand for / mean"
_DEFINE_TH = re.compile(r"^\s*(?P<x>.+?)\s*(?:คือ|หมายถึง|แปลว่า|มีความหมายว่า|ย่อมาจาก|ย่อว่า)\s*(?:อะไร|อย่างไร)?"
                        r"\s*(?:ครับ|คะ|ค่ะ)?\s*[?？]?\s*$")
_DEFINE_EN = re.compile(r"^\s*what (?:is|are) (?:an? |the )?(?P<x>[^?]+?)\s*\??\s*$"
                        r"|^\s*what (?:does|do) (?:an? |the )?(?P<y>[^?]+?) (?:stand for|mean)\s*\??\s*$", re.IGNORECASE)
# what stands right before or after a term the text defines: "(Sixteenth ...: 16th SOCCOM)", "ADO) ซึ่งเป็น",
# "“C” หมายถึง", "AOSWADA (ASEAN ...)"
_DEFINED_BEFORE = re.compile(r"[(:]\s*[^()]{0,12}$")
_DEFINED_AFTER = re.compile(r"^[\s”“\"'’)]*(?:[(:=]|คือ|หมายถึง|ย่อมาจาก|แปลว่า|ซึ่ง|ได้แก่)|^.{0,16}(?:หมายถึง|ย่อมาจาก|แปลว่า)")


def defined_term(question: str) -> str | None:
    """The term a definition question asks about ("สุลต่าน" of "สุลต่านหมายถึงอะไร"), else None."""
    match = _DEFINE_TH.match(question) if not _english(question) else _DEFINE_EN.match(question)
    if match is None:
        return None
    term = (match.group("x") if "x" in match.re.groupindex and match.group("x") else match.group("y") or "").strip()
    if _english(question) and (len(term.split()) > 4 or re.search(r"\b(?:of|in|at|for|on|by|from|did|was)\b", term, re.IGNORECASE)):
        return None  # "what is the theme of the 16th SOCCOM": about a meeting, not a definition
    if not _flat(term) or any(w in QUESTIONISH for w in word_tokens(term)):
        return None
    return term


# "ประเทศใดคืออะไร" is no definition: a question word inside the term asks something else
QUESTIONISH = frozenset({"อะไร", "ใคร", "ไหน", "ใด", "เท่าไร", "เท่าไหร่", "กี่", "เมื่อไร", "เมื่อไหร่", "อย่างไร"})


def undefined(question: str, passages: Sequence[Passage]) -> str | None:
    """The term a definition question asks about when no passage defines it (see the module)."""
    term = defined_term(question)
    if term is None:
        return None
    key, low_term = _flat(term), search_form(term).lower()
    used = False
    for p in passages:
        text = search_form(f"{p.title}\n{p.text}")
        low = text.lower()
        if key not in low.replace(" ", ""):
            continue
        if low_term not in low:
            return None  # written with other spacing: not judged
        used = True
        start = low.find(low_term)
        while start >= 0:
            end = start + len(low_term)
            if _DEFINED_BEFORE.search(text[max(0, start - 40):start]) or _DEFINED_AFTER.match(text[end:end + 24]):
                return None
            start = low.find(low_term, end)
    if used:
        return term  # the records use it, in passing, but never say what it is
    if _english(question):  # an English phrase may stand in the records in Thai: only an acronym must be found
        return term if re.fullmatch(r"[A-Z0-9][A-Z0-9+&\-]{1,15}", term) else None
    return term if unwritten(term, passages) else None


def unwritten(term: str, passages: Sequence[Passage]) -> bool:
    """Neither ``term`` nor two thirds of its words (newmm, two letters or more) stand in the passages:
    the records do not use it. rag/near_miss asks the same of a definition question's term."""
    text = "\n".join(_flat(f"{p.title}\n{p.text}") for p in passages)
    if _flat(term) in text:
        return False
    words = [w for w in word_tokens(term) if len(w) > 1]
    return not words or sum(_flat(w) in text for w in words) * 3 < len(words) * 2


def off_topic(question: str, passages: Sequence[Passage], idf: Callable[[str], float],
              share: float = UNSUPPORTED_SHARE) -> str | None:
    """Why the records cannot be about this question (a short reason for logs and tests), or None."""
    if defined_term(question) is not None:  # what it asks about is the term; the rest only asks
        term = undefined(question, passages)
        return None if term is None else f"undefined term: {term}"
    part, missing = unsupported(question, passages, idf)
    if part >= share:
        return f"unsupported words ({part:.2f}): {' '.join(missing)}"
    return None
