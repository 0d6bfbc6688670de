"""The lexical engines compared by bench/lexical_engines.py, behind one small interface.

* ``bm25``: today's pure-Python dict index (prachum.index.bm25.BM25Index, k1 0.6, b 0.75);
* ``tantivy``: prachum.index.lexical.LexicalIndex, the candidate (``grams_boost`` varies the query shape);
* ``fts5``: SQLite FTS5 with its bm25() over the same pre-tokenised words and 3-grams
  (two columns, the ``ascii`` tokenizer: every non-ASCII character is part of a token,
  so Thai marks stay inside their word, as the tokens are already cut).

Every engine gets the same words (newmm, cut once by the caller) and answers
``search(question, k, include)`` as the product's store does: the k best matches plus
the exact score of each ``include`` id.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from prachum.index.bm25 import BM25Index, query_terms
from prachum.index.lexical import LexicalDoc, LexicalIndex, analyse


class Engine(Protocol):
    name: str

    def add(self, items: Sequence[tuple[LexicalDoc, Sequence[str]]]) -> None: ...
    def commit(self) -> None: ...
    def search(self, question: str, k: int, include: Iterable[str] = ()) -> dict[str, float]: ...


class OldBM25:
    """Today's index; lives in memory, so "open" means rebuilding it from the stored words."""

    def __init__(self, path: Path, k1: float = 0.6, b: float = 0.75) -> None:
        self.name = "bm25 (today)"
        self.index = BM25Index(k1, b)

    def add(self, items: Sequence[tuple[LexicalDoc, Sequence[str]]]) -> None:
        for doc, words in items:
            self.index.add(doc.id, list(words))

    def commit(self) -> None:
        pass

    def search(self, question: str, k: int, include: Iterable[str] = ()) -> dict[str, float]:
        return self.index.candidates(query_terms(question), k, include)


class Tantivy:
    """``exact``: tantivy picks candidates, our BM25 (k1 0.6) ranks them; otherwise tantivy's own BM25."""

    def __init__(self, path: Path, exact: bool = True, grams_boost: float = 1.0) -> None:
        self.name = "tantivy, our BM25 on its candidates" if exact else "tantivy's own BM25"
        if grams_boost != 1.0:
            self.name += f", 3-grams x{grams_boost:g}"
        self.index = LexicalIndex(path, 0.6, 0.75, exact=exact, grams_boost=grams_boost)

    def add(self, items: Sequence[tuple[LexicalDoc, Sequence[str]]]) -> None:
        self.index.add_words(items)

    def commit(self) -> None:
        self.index.commit()

    def search(self, question: str, k: int, include: Iterable[str] = ()) -> dict[str, float]:
        return self.index.search(question, k, include=include)


def _fts_quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class Fts5:
    """FTS5 over two columns; bm25() is negated (FTS5 ranks better matches lower)."""

    def __init__(self, path: Path, grams_weight: float = 1.0) -> None:
        self.name = "fts5" if grams_weight == 1.0 else f"fts5 grams x{grams_weight:g}"
        self.grams_weight = grams_weight
        path.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path / "fts.sqlite", check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS ids(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE)")
        self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(words, grams, tokenize='ascii')")

    def add(self, items: Sequence[tuple[LexicalDoc, Sequence[str]]]) -> None:
        for doc, words in items:
            terms, grams = analyse(words)
            # the ascii tokenizer splits at ASCII punctuation too; the query is cut the same way
            cur = self.db.execute("INSERT OR REPLACE INTO ids(id) VALUES (?)", (doc.id,))
            self.db.execute("INSERT INTO fts(rowid, words, grams) VALUES (?, ?, ?)",
                            (cur.lastrowid, " ".join(terms), " ".join(grams)))

    def commit(self) -> None:
        self.db.commit()

    def _match(self, question: str) -> str:
        terms, grams = analyse(query_terms(question))
        parts = [f"words:{_fts_quote(t)}" for t in dict.fromkeys(terms)]
        parts += [f"grams:{_fts_quote(g)}" for g in dict.fromkeys(grams)]
        return " OR ".join(parts)

    def search(self, question: str, k: int, include: Iterable[str] = ()) -> dict[str, float]:
        match = self._match(question)
        wanted = list(dict.fromkeys(include))
        if not match:
            return dict.fromkeys(wanted, 0.0)
        rank = f"bm25(fts, 1.0, {self.grams_weight})"
        rows = self.db.execute(
            f"SELECT ids.id, -{rank} AS s FROM fts JOIN ids ON ids.rowid = fts.rowid "
            f"WHERE fts MATCH ? ORDER BY {rank} LIMIT ?", (match, k)).fetchall()
        out = {i: s for i, s in rows if s > 0}
        rest = [i for i in wanted if i not in out]
        if rest:
            marks = ",".join("?" * len(rest))
            found = dict(self.db.execute(
                f"SELECT ids.id, -{rank} FROM fts JOIN ids ON ids.rowid = fts.rowid "
                f"WHERE fts MATCH ? AND fts.rowid IN (SELECT rowid FROM ids WHERE id IN ({marks}))",
                (match, *rest)).fetchall())
            out.update({i: max(0.0, found.get(i, 0.0)) for i in rest})
        return out


ENGINES = {
    "bm25": OldBM25,
    "tantivy": Tantivy,
    "fts5": Fts5,
}
