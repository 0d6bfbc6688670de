"""Hybrid retrieval for Thai: dense e5 vectors from Chroma fused with BM25 over newmm words.

BM25 is strong on Thai once words are segmented (names, acronyms, numbers match
exactly); the dense side finds paraphrases and carries English questions over to
Thai records. Fusion and its weight were chosen on XQuAD-th and iApp (rag/fusion.py).
Filters narrow both sides identically, and a question that names a period
("ในเดือนสิงหาคม 2564", "in February 2021") narrows by date on its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Protocol

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from ingest.dates import time_range
from ingest.store import IndexStore, LexicalEntry
from ingest.thai import search_form
from rag.bm25 import BM25Index, query_terms
from rag.fusion import DEFAULT_CANDIDATES, DEFAULT_DENSE_WEIGHT, fuse, ranked


class QueryEmbedder(Protocol):
    def embed_query(self, text: str) -> np.ndarray: ...


# A question naming one day is widened by a few days: news items are often dated the day
# after the meeting they report ("9 ก.พ." for a meeting on "8 ก.พ.").
DAY_SLACK = timedelta(days=3)


def _ord(day: date) -> int:
    return int(day.strftime("%Y%m%d"))


@dataclass(frozen=True)
class Filters:
    """What a user narrowed the search to. Undated records are kept by date filters: unknown is not 'outside'."""

    since: date | None = None
    until: date | None = None
    sources: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.since or self.until or self.sources or self.acronyms)

    def accepts(self, entry: LexicalEntry) -> bool:
        if self.sources and entry.source not in self.sources:
            return False
        if self.acronyms and not set(self.acronyms) & set(entry.acronyms):
            return False
        if entry.date_ord:
            if self.since and entry.date_ord < _ord(self.since):
                return False
            if self.until and entry.date_ord > _ord(self.until):
                return False
        return True

    def chroma_where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.acronyms:
            ors = [{f"acr:{a}": True} for a in self.acronyms]
            clauses.append(ors[0] if len(ors) == 1 else {"$or": ors})
        if self.since or self.until:
            bounds: list[dict[str, Any]] = []
            if self.since:
                bounds.append({"date_ord": {"$gte": _ord(self.since)}})
            if self.until:
                bounds.append({"date_ord": {"$lte": _ord(self.until)}})
            dated = bounds[0] if len(bounds) == 1 else {"$and": bounds}
            clauses.append({"$or": [{"date_ord": 0}, dated]})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass
class Passage:
    """A retrieved chunk, with the scores that put it where it is."""

    id: str
    text: str
    source: str
    title: str
    date: str
    score: float
    dense: float
    lexical: float
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Retrieval:
    query: str
    passages: list[Passage]
    filters: Filters
    question_period: tuple[date, date] | None = None
    query_vector: np.ndarray | None = None


class HybridSearch:
    """The retrieval algorithm over an IndexStore, independent of LangChain."""

    def __init__(self, store: IndexStore, embedder: QueryEmbedder, *, fusion: str = "zscore",
                 dense_weight: float = DEFAULT_DENSE_WEIGHT, candidates: int = DEFAULT_CANDIDATES) -> None:
        self.store = store
        self.embedder = embedder
        self.fusion = fusion
        self.dense_weight = dense_weight
        self.candidates = candidates
        self._bm25: BM25Index | None = None
        self._bm25_version = -1

    def bm25(self) -> BM25Index:
        """The in-memory BM25 index, rebuilt only when the store has changed."""
        if self._bm25 is None or self._bm25_version != self.store.version:
            index = BM25Index()
            index.add_many((i, e.tokens) for i, e in self.store.lexical.items())
            self._bm25, self._bm25_version = index, self.store.version
        return self._bm25

    def search(self, query: str, k: int, filters: Filters = Filters(), *, use_question_period: bool = True) -> Retrieval:
        period = time_range(query) if use_question_period else None
        if period and not (filters.since or filters.until):
            since, until = period
            if since == until:
                since, until = since - DAY_SLACK, until + DAY_SLACK
            filters = replace(filters, since=since, until=until)
        depth = max(self.candidates, k)
        lexical_all = self.bm25().scores(query_terms(query))
        lexical = dict(ranked({i: s for i, s in lexical_all.items()
                               if s > 0 and filters.accepts(self.store.lexical[i])}, depth))
        query_vector = self.embedder.embed_query(search_form(query))
        dense = self.store.dense_search(query_vector, depth, filters.chroma_where())
        # dense candidates carry their exact BM25 score too (0 is information, not absence)
        lexical.update({i: lexical_all.get(i, 0.0) for i in dense if i not in lexical})
        fused = ranked(fuse(self.fusion, dense, lexical, self.dense_weight), k)
        found = self.store.chunks([i for i, _ in fused])
        passages = []
        for chunk_id, score in fused:
            if chunk_id not in found:
                continue
            text, meta = found[chunk_id]
            passages.append(Passage(
                id=chunk_id, text=text, source=meta["source"], title=meta["title"], date=meta["date"],
                score=score, dense=dense.get(chunk_id, 0.0), lexical=lexical_all.get(chunk_id, 0.0),
                metadata=meta,
            ))
        return Retrieval(query=query, passages=passages, filters=filters, question_period=period,
                         query_vector=query_vector)


class HybridRetriever(BaseRetriever):
    """LangChain face of :class:`HybridSearch`, so the chain is plain LCEL runnables."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    search: HybridSearch
    k: int = 5
    filters: Filters = Filters()

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        result = self.search.search(query, self.k, self.filters)
        return [
            Document(page_content=p.text, id=p.id,
                     metadata={**p.metadata, "score": p.score, "dense": p.dense, "lexical": p.lexical})
            for p in result.passages
        ]
