"""Hybrid retrieval for Thai: dense e5 vectors from Chroma fused with BM25 over newmm words.

BM25 is strong on Thai once words are segmented (names, acronyms, numbers match
exactly); the dense side finds paraphrases and carries English questions over to
Thai records. Fusion and its weight were chosen on XQuAD-th and iApp (rag/fusion.py).
Filters narrow both sides identically, and a question that names a period
("ในเดือนสิงหาคม 2564", "in February 2021") narrows by date on its own.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from prachum.config import Settings
from prachum.index.store import IndexStore
from prachum.models import SupportsEmbedding
from prachum.thai.dates import time_range
from prachum.thai.glossary import bridged
from prachum.thai.text import search_form
from prachum.types import Filters, Passage
from rag.fusion import fuse, ranked

# A question naming one day is widened by a few days: news items are often dated the day
# after the meeting they report ("9 ก.พ." for a meeting on "8 ก.พ.").
DAY_SLACK = timedelta(days=3)


@dataclass
class Retrieval:
    query: str
    passages: list[Passage]
    filters: Filters
    question_period: tuple[date, date] | None = None
    query_vector: np.ndarray | None = None


class HybridSearch:
    """The retrieval algorithm over an IndexStore: what the chain, the CLI, the UI and the evaluation run."""

    def __init__(self, store: IndexStore, embedder: SupportsEmbedding, settings: Settings) -> None:
        self.store = store
        self.embedder = embedder
        self.fusion = settings.fusion
        self.dense_weight = settings.dense_weight
        self.candidates = settings.candidates

    def search(self, query: str, k: int, filters: Filters = Filters(), *, use_question_period: bool = True) -> Retrieval:
        period = time_range(query) if use_question_period else None
        if period and not (filters.since or filters.until):
            since, until = period
            if since == until:
                since, until = since - DAY_SLACK, until + DAY_SLACK
            filters = replace(filters, since=since, until=until)
        depth = max(self.candidates, k)
        self.store.refresh()  # another process (an ingest beside this server) may have written
        query_vector = self.embedder.embed_query(search_form(query))
        dense = self.store.dense_search(query_vector, depth, filters.chroma_where())
        # dense candidates carry their exact BM25 score too (0 is information, not absence); an English
        # question is searched with the Thai words of its vocabulary beside its own (prachum/thai/glossary.py)
        lexical = self.store.lexical_search(bridged(query), depth, filters, include=dense)
        fused = ranked(fuse(self.fusion, dense, lexical, self.dense_weight), k)
        found = self.store.chunks([i for i, _ in fused])
        passages = []
        for chunk_id, score in fused:
            if chunk_id not in found:
                continue
            text, meta = found[chunk_id]
            passages.append(Passage(
                id=chunk_id, text=text, source=meta["source"], title=meta["title"], date=meta["date"],
                score=score, dense=dense.get(chunk_id, 0.0), lexical=lexical.get(chunk_id, 0.0),
                metadata=meta,
            ))
        return Retrieval(query=query, passages=passages, filters=filters, question_period=period,
                         query_vector=query_vector)
