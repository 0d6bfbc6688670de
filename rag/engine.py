"""The answering pipeline: route -> retrieve (with follow-up rewriting) -> gate -> compose -> settle.

Questions across records (lists, counts, the latest meeting, a person's meetings) are answered
from the meeting catalog; everything else from the best passages.

One :class:`Prachum` per process holds the loaded models and the index; the CLI,
the chat UI and the evaluation all go through :meth:`Prachum.stream`, so they
behave identically. ``stream`` yields the retrieved evidence before the answer is
written, then tokens, then the final, citation-checked answer.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generator, Iterable, Iterator, Sequence

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
from rag.answer import extractive_answer
from rag.extract import Reply, plan
from rag.extract import answer as llm_answer
from rag.evidence import Sentence, SentenceVectors, score_sentences
from rag.llm_thread import on_llm_thread, short_answers
from rag.followup import Turn, refers_back, resolve, rewrite
from rag.gate import check_question, evidence_strength, is_strong, missing_specifics, off_topic_reason, should_answer
from rag.prompts import REFUSAL, is_decline, short_answer
from rag.question import analyse, question_language
from rag.retriever import HybridSearch, Retrieval
from rag.route import Route, route

if TYPE_CHECKING:  # langchain is imported with the first LLM: an extractive answer never loads it (#9)
    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import Runnable

    from rag.catalog_answer import CatalogAnswer


@dataclass
class Prachum:
    settings: Settings
    store: IndexStore
    embedder: SupportsEmbedding
    chat_models: dict[str, BaseChatModel] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.search = HybridSearch(self.store, self.embedder, self.settings)
        self._model_lock = threading.Lock()
        self.sentence_vectors = SentenceVectors(self.embedder, self.store.sentences)

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
        return self.store.idf(term)

    def corpus(self, words: str, k: int = 20) -> list[str]:
        """The texts (with their record's title) of the chunks that best match ``words``, from the whole index."""
        found = self.store.chunks(list(self.store.lexical_search(words, k)))
        return [f"{meta.get('title', '')}\n{text}" for text, meta in found.values()]

    # ------------------------------------------------------------------------------------
    def stream(
        self,
        question: str,
        history: Sequence[Turn] = (),
        filters: Filters = Filters(),
        answerer: str | None = None,
        k: int | None = None,
    ) -> Iterator[Event]:
        """The stages in order: route (the catalog answers across records), retrieve, gate, compose, settle.

        Yields :class:`Retrieved` as soon as the evidence is known (the UI shows it
        at once), then :class:`Token` pieces, then one :class:`Done` with the answer.
        """
        check_question(question, self.settings.max_question_chars)
        run = _Run(question, answerer or self.settings.llm, time.perf_counter())
        # --- questions across records (lists, counts, latest, a person's meetings): the catalog (#10)
        routed = self.route(run, history)
        found = self.answer_from_catalog(run, routed, filters) if routed.catalog else None
        if found is not None and not found.defer:
            yield from self.catalog_events(run, found)
            return
        # --- everything else: the passages
        chat = self.chat_model(run.answerer)
        with short_answers:  # the local model waits meanwhile (rag/llm_thread)
            retrieval = self.retrieve(run, history, filters, k or self.settings.k, chat)
            passed = self.gate(run, retrieval)
            if passed:
                sentences = score_sentences(run.standalone, retrieval.passages, self.idf, self.sentence_vectors,
                                            retrieval.query_vector)
                preview = extractive_answer(run.standalone, retrieval.passages, sentences, analyse(run.standalone),
                                            self.corpus)
        if not passed:
            yield Retrieved([], refused=True)
            yield run.done(REFUSAL[run.lang], [], refused=True)
            return
        yield Retrieved(preview.citations, refused=preview.refused, short=preview.text)
        if chat is None or preview.refused:  # a near miss needs no LLM: the asked kind of fact is not there
            yield Token(preview.text)
            yield run.done(preview.text, preview.citations, refused=preview.refused, facts=preview.facts)
            return
        reply = yield from self.compose(run, chat, retrieval.passages, facts_first(preview, retrieval.passages, sentences),
                                        [f.text for f in preview.facts])
        yield self.settle(run, reply, preview)

    def route(self, run: "_Run", history: Sequence[Turn]) -> Route:
        """Catalog or passages (rag/route.py); a follow-up is routed as the question it stands for."""
        run.standalone = run.question
        if refers_back(run.question, history):  # "ตำแหน่งของเธอเปลี่ยนไปอย่างไร": the person the last answer named
            run.standalone = resolve(run.question, history) or run.question
        return route(run.standalone)

    def answer_from_catalog(self, run: "_Run", routed: Route, filters: Filters) -> "CatalogAnswer":
        """Every matching meeting from the catalog, each cited (rag/catalog_answer.py)."""
        from rag.catalog_answer import answer_from_catalog

        return answer_from_catalog(run.standalone, routed, self.store, filters)

    def catalog_events(self, run: "_Run", found: "CatalogAnswer") -> Iterator[Event]:
        """The catalog's answer as stream events: the same for every answerer, since its facts and counts
        must come from the catalog, not from a model's wording."""
        run.mark_retrieved()
        yield Retrieved(found.citations, refused=found.refused, short=found.text)
        yield Token(found.text)
        done = run.done(found.text, found.citations, refused=found.refused, facts=found.facts)
        done.answer.route, done.answer.rows = "catalog", found.rows
        yield done

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
            run.standalone, retrieval.passages) and off_topic_reason(
            run.standalone, retrieval.passages, run.strength, self.idf, self.settings.min_score,
            self.settings.strong_score) is None

    def compose(self, run: "_Run", chat: BaseChatModel, passages: Sequence[Passage],
                sentences: Sequence[Sentence], anchors: Sequence[str] = ()) -> Generator[Event, None, Reply]:
        """Have the LLM pick the facts from the few best sentences (rag/extract), streaming each fact
        the moment it is written and verified; returns the whole reply, read and checked."""
        from langchain_core.output_parsers import StrOutputParser

        from rag.llm import constrained  # rag.llm is loaded with the first chat model, not at import
        from rag.prompts import extract_prompt

        job = plan(run.question, analyse(run.standalone), sentences, anchors, self.settings.context_tokens,
                   run.lang, run.standalone)
        chain: Runnable = extract_prompt() | constrained(chat, job.grammar, job.schema) | StrOutputParser()
        reader = job.reader()
        parts: list[str] = []
        if job.given:  # nothing for the model to add
            pieces: Iterable[str] = [job.given]
        elif run.answerer == "local":  # in this process: behind the other questions' short answers (rag/llm_thread)
            pieces = on_llm_thread(lambda: chain.stream(job.inputs))
        else:
            pieces = chain.stream(job.inputs)
        for piece in pieces:
            parts.append(piece)
            for fact in reader.feed(piece):
                if "first_token" not in run.timings:
                    run.mark_first_token()
                    yield Token(fact.shown)
                else:
                    yield Token(" · " + fact.shown)
        return job.read("".join(parts), passages)

    def settle(self, run: "_Run", reply: Reply, preview: CitedAnswer) -> Done:
        """The verified facts, phrased; the extractive answer when none survived and the evidence is
        strong; a refusal when the model found nothing in evidence that only passed the gate."""
        assert run.strength is not None
        if reply.given:  # the model was not asked (rag/extract.plan): the verified short answer is the answer,
            # not a fallback (the UI would say the model's answer was unsupported)
            return run.done(short_answer(preview, run.lang), preview.citations, refused=False, facts=preview.facts)
        checked = llm_answer(reply, run.lang)
        if checked is None:
            # "facts": [] (or, from a server that ignored the grammar, a written decline) is the model
            # saying the sentences do not answer: believed only when the evidence merely passed the gate.
            declined = not reply.extraction.facts and (reply.extraction.wellformed or is_decline(reply.raw))
            if declined and not is_strong(run.strength, self.settings.strong_score):
                return run.done(REFUSAL[run.lang], [], refused=True)
            return run.done(short_answer(preview, run.lang), preview.citations, refused=False, fallback=True, facts=preview.facts)
        text, citations, facts = checked
        return run.done(text, citations, refused=False, facts=facts)

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
