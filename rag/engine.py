"""The answering pipeline: rewrite -> retrieve -> gate -> evidence -> answer -> cite.

One :class:`Prachum` per process holds the loaded models and the index; the CLI,
the chat UI and the evaluation all go through :meth:`Prachum.stream`, so they
behave identically. ``stream`` yields the retrieved evidence before the answer is
written, then tokens, then the final, citation-checked answer.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable

from ingest.settings import Settings
from ingest.store import IndexStore
from rag.answer import extractive_answer, select_context
from rag.cite import Citation, attach_citations
from rag.evidence import SentenceVectors, score_sentences
from rag.followup import Turn, rewrite
from rag.gate import EvidenceStrength, evidence_strength, is_strong, missing_specifics, should_answer
from rag.prompts import PROMPT, REFUSAL, format_context, is_decline, question_language
from rag.retriever import Filters, HybridSearch


def display_source(source: str, cwd: Path | None = None) -> str:
    """A document's path as ingested, relative to the current folder when it is inside it."""
    try:
        return str(Path(source).relative_to(cwd or Path.cwd()))
    except ValueError:
        return source


def citation_json(c: Citation) -> dict[str, Any]:
    p = c.passage
    return {
        "n": c.n, "source": display_source(p.source), "title": p.title, "date": p.date or None,
        "text": p.text, "score": round(float(p.score), 4),
        "highlights": [list(h) for h in c.highlights],
    }


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    citations: list[Citation]
    timings_ms: dict[str, float]
    answerer: str
    standalone_question: str = ""
    evidence: EvidenceStrength | None = None
    fallback: bool = False

    def to_json(self) -> dict[str, Any]:
        """The `prachum ask --json` contract: other tools rely on these keys."""
        return {
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [citation_json(c) for c in self.citations],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }


@dataclass
class Retrieved:
    """Evidence found, before the answer is written: shown at once by the UI."""

    citations: list[Citation]
    refused: bool


@dataclass
class Token:
    text: str


@dataclass
class Done:
    answer: Answer


Event = Retrieved | Token | Done


@dataclass
class Prachum:
    settings: Settings
    store: IndexStore
    embedder: Any
    chat_models: dict[str, BaseChatModel] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.search = HybridSearch(self.store, self.embedder, fusion=self.settings.fusion,
                                   dense_weight=self.settings.dense_weight)
        self._model_lock = threading.Lock()
        self.sentence_vectors = SentenceVectors(self.embedder)

    @classmethod
    def open(cls, settings: Settings) -> "Prachum":
        from ingest.models import ChromaEmbedder, get_embedder

        embedder = get_embedder(settings)
        return cls(settings, IndexStore(settings, embedding_function=ChromaEmbedder(settings)), embedder)

    def chat_model(self, answerer: str) -> BaseChatModel | None:
        """The LLM behind an answerer, loaded once; None for the extractive answerer."""
        if answerer == "extractive":
            return None
        with self._model_lock:
            if answerer not in self.chat_models:
                from rag.llm import make_chat_model

                self.chat_models[answerer] = make_chat_model(self.settings.replace(llm=answerer))
        return self.chat_models[answerer]

    def idf(self, term: str) -> float:
        return self.search.bm25().idf(term)

    # ------------------------------------------------------------------------------------
    def stream(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters = Filters(),
        answerer: str | None = None,
        k: int | None = None,
    ) -> Iterator[Event]:
        answerer = answerer or self.settings.llm
        k = k or self.settings.k
        lang = question_language(question)
        t0 = time.perf_counter()
        chat = self.chat_model(answerer)
        standalone = rewrite(question, history, chat)
        retrieval = self.search.search(standalone, k, filters)
        passages = retrieval.passages
        strength = evidence_strength(standalone, passages, self.idf)
        t_retrieved = time.perf_counter()
        timings = {"retrieve": (t_retrieved - t0) * 1000}

        def done(text: str, citations: list[Citation], refused: bool, fallback: bool = False) -> Done:
            end = time.perf_counter()
            timings["generate"] = (end - t_retrieved) * 1000
            timings["total"] = (end - t0) * 1000
            timings.setdefault("first_token", timings["total"])
            return Done(Answer(question, text, refused, citations, timings, answerer, standalone,
                               strength, fallback))

        if not should_answer(strength, self.settings.min_score) or missing_specifics(standalone, passages):
            yield Retrieved([], refused=True)
            yield done(REFUSAL[lang], [], refused=True)
            return

        sentences = score_sentences(standalone, passages, self.idf, self.sentence_vectors, retrieval.query_vector)
        preview = extractive_answer(standalone, passages, sentences)
        yield Retrieved(preview.citations, refused=False)

        if chat is None:
            yield Token(preview.text)
            yield done(preview.text, preview.citations, refused=False)
            return

        blocks = select_context(passages, sentences, self.settings.context_tokens)
        context_passages = [passages[i] for i, _ in blocks]
        context = format_context([(n, passages[i].title, passages[i].date, text)
                                  for n, (i, text) in enumerate(blocks, start=1)])
        chain: Runnable = PROMPT | chat | StrOutputParser()
        parts: list[str] = []
        for piece in chain.stream({"context": context, "question": question}):
            if not parts:
                timings["first_token"] = (time.perf_counter() - t0) * 1000
            parts.append(piece)
            yield Token(piece)
        reply = "".join(parts).strip()
        if not reply or is_decline(reply):
            # The small model declines too readily: with strong evidence we answer extractively;
            # with evidence that only passed the gate, its refusal is believed.
            if is_strong(strength):
                yield done(preview.text, preview.citations, refused=False, fallback=True)
            else:
                yield done(REFUSAL[lang], [], refused=True)
            return
        cited = attach_citations(reply, context_passages, self.embedder)
        if not cited.citations:
            yield done(preview.text, preview.citations, refused=False, fallback=True)
            return
        yield done(cited.text, cited.citations, refused=False)

    def ask(self, question: str, history: Sequence[Turn] = (), filters: Filters = Filters(),
            answerer: str | None = None, k: int | None = None) -> Answer:
        for event in self.stream(question, history, filters, answerer, k):
            if isinstance(event, Done):
                return event.answer
        raise RuntimeError("the answer stream ended without an answer")
