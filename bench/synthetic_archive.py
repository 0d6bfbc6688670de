"""The synthetic archive of bench/scale.py: Thai meeting-record chunks made of real Wikipedia sentences.

Sentences of the XQuAD-th and iApp contexts, reshuffled, about 700 characters a chunk, ten chunks a
document, titled and dated like meeting records, with fake unit vectors; and varied questions.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
from datetime import date, timedelta
from typing import Iterator, Sequence

import numpy as np

from evals.bench_data import BENCHMARKS_DIR

BENCHMARKS = BENCHMARKS_DIR
DIM = 384
CHUNK_CHARS = 700
PER_DOC = 10
SEED = 11
ACRONYMS = ("SOCA", "SOMSWD", "SOCCOM", "ICTC", "ASEAN", "ACMW", "SOMRDPE", "AMMSWD")
MEETING_QUESTIONS = (
    "การประชุม {a} ครั้งที่ {n} จัดขึ้นเมื่อไร",
    "ใครเป็นประธานการประชุม {a} ในเดือน{m} {y}",
    "ที่ประชุม {a} มีมติเรื่องใดเมื่อ {d} {m} {y}",
    "Who chaired the {a} meeting in {y_ad}?",
)
THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")


def contexts() -> list[str]:
    """Every distinct Thai Wikipedia context of XQuAD-th and iApp (train and test)."""
    out = []
    xquad = json.loads((BENCHMARKS / "xquad" / "xquad.th.json").read_text(encoding="utf-8"))
    out += [p["context"].lstrip("\ufeff") for a in xquad["data"] for p in a["paragraphs"]]
    for split in ("train", "test"):
        with open(BENCHMARKS / "iapp_wiki_qa" / f"{split}.jsonl", encoding="utf-8") as f:
            out += [json.loads(line)["context"] for line in f if line.strip()]
    return list(dict.fromkeys(out))


def sentence_pool() -> list[str]:
    """Space-separated pieces of the contexts, joined until each reads as a clause (>= 40 characters)."""
    pool = []
    for text in contexts():
        current = ""
        for piece in re.split(r"\s+", text):
            current = f"{current} {piece}".strip()
            if len(current) >= 40:
                pool.append(current)
                current = ""
    return pool


def questions(count: int, seed: int = SEED) -> list[str]:
    """XQuAD-th and iApp questions, and a tenth meeting questions that name an acronym and a period."""
    rng = random.Random(seed)
    xquad = json.loads((BENCHMARKS / "xquad" / "xquad.th.json").read_text(encoding="utf-8"))
    asked = [q["question"] for a in xquad["data"] for p in a["paragraphs"] for q in p["qas"]]
    with open(BENCHMARKS / "iapp_wiki_qa" / "test.jsonl", encoding="utf-8") as f:
        asked += [json.loads(line)["question"] for line in f if line.strip()]
    rng.shuffle(asked)
    meeting = count // 10
    out = asked[: count - meeting]
    for i in range(meeting):
        year = rng.randint(2555, 2567)
        out.append(MEETING_QUESTIONS[i % len(MEETING_QUESTIONS)].format(
            a=rng.choice(ACRONYMS), n=rng.randint(1, 30), m=rng.choice(THAI_MONTHS), y=year,
            d=rng.randint(1, 28), y_ad=year - 543))
    rng.shuffle(out)
    return out


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def documents(first: int, count: int, pool: Sequence[str], folder: str = "/archive") -> Iterator[tuple[str, list, np.ndarray]]:
    """Documents ``first`` .. ``first + count - 1``: (source, ten ChunkRecords, their vectors), as ingest makes them."""
    for n in range(first, first + count):
        yield synthetic(n, pool, folder)[:3]


def synthetic(n: int, pool: Sequence[str], folder: str = "/archive") -> tuple[str, list, np.ndarray, list[tuple[str, list[str]]]]:
    """Document ``n``, and each chunk's (search-form prefix, pool sentences) for :class:`SentenceWords`."""
    from ingest.metadata import DocMeta
    from ingest.pipeline import context_prefix
    from prachum.index.store import ChunkRecord
    from prachum.thai.text import search_form

    rng = random.Random(SEED * 1_000_003 + n)
    acronym = rng.choice(ACRONYMS)
    when = date(2012, 1, 1) + timedelta(days=rng.randrange(12 * 365))
    meta = DocMeta(f"การประชุม {acronym} ครั้งที่ {n % 40 + 1}/{when.year + 543}", when, [acronym], None)
    prefix = search_form(context_prefix(meta))
    source = f"{folder}/{when.year}/{acronym.lower()}-{n:07d}.txt"
    fingerprint = hashlib.sha256(source.encode()).hexdigest()[:32]
    records, pieces, offset = [], [], 0
    for position in range(PER_DOC):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < CHUNK_CHARS:
            parts.append(rng.choice(pool))
        text = " ".join(parts)
        indexed = prefix + search_form(text)
        records.append(ChunkRecord(
            id=hashlib.sha256(f"{source}\0{position}\0{indexed}".encode()).hexdigest()[:32], text=text,
            indexed_text=indexed, source=source, title=meta.title, date=when, acronyms=(acronym,),
            position=position, start=offset, end=offset + len(text), fingerprint=fingerprint))
        pieces.append((prefix, parts))
        offset += len(text) + 1
    return source, records, unit_vectors(np.random.default_rng(n), PER_DOC), pieces


class SentenceWords:
    """newmm words of a synthetic chunk from its sentences, each cut once (the 1M build: newmm over every
    chunk would take ~4 hours here). Not always newmm's cut of the whole chunk: a word can differ where
    two sentences meet (in ~1 chunk in 6), which changes no cost of the index."""

    def __init__(self) -> None:
        self.cache: dict[str, tuple[str, ...]] = {}

    def cut(self, text: str) -> tuple[str, ...]:
        from prachum.thai.text import search_form, word_tokens

        got = self.cache.get(text)
        if got is None:
            got = self.cache[text] = tuple(word_tokens(search_form(text)))
        return got

    def __call__(self, pieces: Sequence[tuple[str, list[str]]]) -> list[list[str]]:
        return [[*self.cut(prefix), *(w for part in parts for w in self.cut(part))] for prefix, parts in pieces]
