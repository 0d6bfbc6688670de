"""The answering pipeline: retrieve (with follow-up rewriting) -> gate -> compose -> settle.

One :class:`Prachum` per process holds the loaded models and the index; the CLI,
the chat UI and the evaluation all go through :meth:`Prachum.stream`, so they
behave identically. ``stream`` yields the retrieved evidence before the answer is
written, then tokens, then the final, citation-checked answer.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Generator, Iterator, Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable

from prachum.config import Settings
from prachum.index.store import IndexStore
from prachum.models import SupportsEmbedding
from prachum.types import (
    Answer,
    Citation,
    CitedAnswer,
    Done,
    Event,
    EvidenceStrength,
    Fact,
    Filters,
    Passage,
    Retrieved,
    Token,
)
from rag.answer import extractive_answer, select_context
from rag.cite import attach_citations
from rag.evidence import Sentence, SentenceVectors, score_sentences
from rag.followup import Turn, rewrite
from rag.gate import check_question, evidence_strength, is_strong, missing_specifics, should_answer
from rag.prompts import PROMPT, REFUSAL, format_context, is_decline
from rag.question import analyse, question_language
from rag.retriever import HybridSearch, Retrieval


@dataclass
class Prachum:
    settings: Settings
    store: IndexStore
    embedder: SupportsEmbedding
    chat_models: dict[str, BaseChatModel] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.search = HybridSearch(self.store, self.embedder, self.settings)
        self._model_lock = threading.Lock()
        self.sentence_vectors = SentenceVectors(self.embedder)

    @classmethod
    def open(cls, settings: Settings, embedder: SupportsEmbedding | None = None) -> "Prachum":
        """The engine over the index in ``settings.data_dir``; the real embedder unless one is given."""
        if embedder is None:
            from prachum.models.embedder import load_embedder

            embedder = load_embedder(settings)
        return cls(settings, IndexStore(settings, embedder), embedder)

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
        return self.store.bm25.idf(term)

    # ------------------------------------------------------------------------------------
    def stream(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters = Filters(),
        answerer: str | None = None,
        k: int | None = None,
    ) -> Iterator[Event]:
        """The stages in order: retrieve, gate, compose, settle.

        Yields :class:`Retrieved` as soon as the evidence is known (the UI shows it
        at once), then :class:`Token` pieces, then one :class:`Done` with the answer.
        """
        check_question(question, self.settings.max_question_chars)
        run = _Run(question, answerer or self.settings.llm, time.perf_counter())
        chat = self.chat_model(run.answerer)
        retrieval = self.retrieve(run, history, filters, k or self.settings.k, chat)
        if not self.gate(run, retrieval):
            yield Retrieved([], refused=True)
            yield run.done(REFUSAL[run.lang], [], refused=True)
            return
        sentences = score_sentences(run.standalone, retrieval.passages, self.idf, self.sentence_vectors,
                                    retrieval.query_vector)
        preview = extractive_answer(run.standalone, retrieval.passages, sentences, analyse(run.standalone))
        yield Retrieved(preview.citations, refused=preview.refused, short=preview.text)
        if chat is None or preview.refused:  # a near miss needs no LLM: the asked kind of fact is not there
            yield Token(preview.text)
            yield run.done(preview.text, preview.citations, refused=preview.refused, facts=preview.facts)
            return
        reply = yield from self.compose(run, chat, retrieval.passages, facts_first(preview, retrieval.passages, sentences))
        yield self.settle(run, reply, preview)

    def retrieve(self, run: "_Run", history: Sequence[Turn], filters: Filters, k: int,
                 chat: BaseChatModel | None) -> Retrieval:
        """Rewrite a follow-up into a stand-alone question, then search the index."""
        run.standalone = rewrite(run.question, history, chat)
        retrieval = self.search.search(run.standalone, k, filters)
        run.strength = evidence_strength(run.standalone, retrieval.passages, self.idf)
        run.mark_retrieved()
        return retrieval

    def gate(self, run: "_Run", retrieval: Retrieval) -> bool:
        """Answer only when the evidence is strong enough and holds what the question names."""
        assert run.strength is not None
        return should_answer(run.strength, self.settings.min_score, self.settings.strong_score) and not missing_specifics(
            run.standalone, retrieval.passages)

    def compose(self, run: "_Run", chat: BaseChatModel, passages: Sequence[Passage],
                sentences: Sequence[Sentence]) -> Generator[Event, None, tuple[str, list[Passage]]]:
        """Stream the LLM's answer from the best sentences; returns the reply and the passages it saw."""
        blocks = select_context(passages, sentences, self.settings.context_tokens)
        shown = [passages[i] for i, _ in blocks]
        context = format_context([(n, passages[i].title, passages[i].date, text)
                                  for n, (i, text) in enumerate(blocks, start=1)])
        chain: Runnable = PROMPT | chat | StrOutputParser()
        parts: list[str] = []
        for piece in chain.stream({"context": context, "question": run.question}):
            if not parts:
                run.mark_first_token()
            parts.append(piece)
            yield Token(piece)
        return "".join(parts).strip(), shown

    def settle(self, run: "_Run", reply: tuple[str, list[Passage]], preview: CitedAnswer) -> Done:
        """Check the LLM's citations; fall back to the extractive answer where it cannot be trusted."""
        text, shown = reply
        assert run.strength is not None
        if not text or is_decline(text):
            # The small model declines too readily: with strong evidence we answer extractively;
            # with evidence that only passed the gate, its refusal is believed.
            if is_strong(run.strength, self.settings.strong_score):
                return run.done(preview.text, preview.citations, refused=False, fallback=True, facts=preview.facts)
            return run.done(REFUSAL[run.lang], [], refused=True)
        cited = attach_citations(text, shown, self.embedder)
        if not cited.citations:
            return run.done(preview.text, preview.citations, refused=False, fallback=True, facts=preview.facts)
        return run.done(cited.text, cited.citations, refused=False, facts=renumber(preview, cited.citations))

    def ask(self, question: str, history: Sequence[Turn] = (), filters: Filters = Filters(),
            answerer: str | None = None, k: int | None = None) -> Answer:
        for event in self.stream(question, history, filters, answerer, k):
            if isinstance(event, Done):
                return event.answer
        raise RuntimeError("the answer stream ended without an answer")


@dataclass
class _Run:
    """One question on its way through the stages, with the clock that times them."""

    question: str
    answerer: str
    started: float
    standalone: str = ""
    strength: EvidenceStrength | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return question_language(self.question)

    def _ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000

    def mark_retrieved(self) -> None:
        self.timings["retrieve"] = self._ms()

    def mark_first_token(self) -> None:
        self.timings["first_token"] = self._ms()

    def done(self, text: str, citations: list[Citation], refused: bool, fallback: bool = False,
             facts: Sequence[Fact] = ()) -> Done:
        total = self._ms()
        self.timings["generate"] = total - self.timings["retrieve"]
        self.timings["total"] = total
        self.timings.setdefault("first_token", total)
        return Done(Answer(self.question, text, refused, citations, self.timings, self.answerer,
                           self.standalone, self.strength, fallback, list(facts)))


def facts_first(short: CitedAnswer, passages: Sequence[Passage], sentences: Sequence[Sentence]) -> list[Sentence]:
    """The evidence sentences with those the short answer's facts stand in first, so the LLM's small
    context always holds them (the person beside the date, not a colleague named further on)."""
    if not short.facts:
        return list(sentences)
    marked = {(c.passage.id, start, end) for c in short.citations for start, end in c.highlights}
    return sorted(sentences, key=lambda s: (passages[s.passage].id, s.start, s.end) not in marked)


def renumber(short: CitedAnswer, citations: Sequence[Citation]) -> list[Fact]:
    """The short answer's facts under the citation numbers of another answer of the same evidence
    (the LLM's); a fact whose passage that answer does not cite is left out."""
    by_passage = {c.passage.id: c.n for c in citations}
    numbers = {c.n: by_passage.get(c.passage.id) for c in short.citations}
    return [Fact(f.text, f.kind, n) for f in short.facts if (n := numbers.get(f.n)) is not None]
