"""Sentence- and paragraph-aware chunking for Thai, sized in embedder tokens.

Thai has no spaces between words and no sentence-final full stop, so a character
or whitespace splitter cuts words in half. We split lines into sentences with
pythainlp's CRF model (crfcut), pack whole sentences into chunks that fit the
embedder's token budget, and only when a single sentence is too long do we cut it,
at newmm word boundaries. Chunks keep character offsets into the cleaned text so
the UI can highlight the passage in its document.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from pythainlp.tokenize import word_tokenize

from prachum.thai.sentences import Span, split_sentences, strip_span

TokenCounter = Callable[[str], int]


@dataclass(frozen=True)
class Chunk:
    index: int
    start: int
    end: int
    text: str
    # the sentences packed into it, as offsets into ``text``: the evidence step reads a chunk by
    # these, so ingest need not split it again (prachum.index.sentence_cache)
    sentences: tuple[tuple[int, int], ...] = ()


def _split_long(text: str, span: Span, fits: Callable[[str], bool]) -> list[Span]:
    """Cut one over-long sentence at word boundaries (newmm), never inside a Thai word."""
    words = word_tokenize(text[span.start:span.end], engine="newmm", keep_whitespace=True)
    pieces: list[Span] = []
    start = cursor = span.start
    for word in words:
        end = cursor + len(word)
        if cursor > start and not fits(text[start:end]):
            pieces.append(Span(start, cursor, span.paragraph))
            start = cursor
        cursor = end
    pieces.append(Span(start, span.end, span.paragraph))
    # a piece ends at a word, which may be a space: trimmed as split_sentences trims a sentence
    return [Span(*inner, p.paragraph) for p in pieces if (inner := strip_span(text, p.start, p.end)) is not None]


def chunk_text(
    text: str,
    count_tokens: TokenCounter,
    max_tokens: int,
    overlap_sentences: int = 1,
    prefix: str = "",
) -> list[Chunk]:
    """Pack sentences into chunks whose ``prefix + text`` fits ``max_tokens``.

    A new paragraph starts a new chunk once the current one is at least half full,
    so chunks follow the document's own structure where they can. Consecutive chunks
    share ``overlap_sentences`` sentences, so a fact split across a boundary is whole
    in at least one of them.
    """

    def fits(candidate: str) -> bool:
        return count_tokens(prefix + candidate) <= max_tokens

    units: list[Span] = []
    for span in split_sentences(text):
        units.extend([span] if fits(text[span.start:span.end]) else _split_long(text, span, fits))

    chunks: list[Chunk] = []
    current: list[Span] = []

    def emit() -> None:
        start = current[0].start
        chunks.append(Chunk(len(chunks), start, current[-1].end, text[start:current[-1].end],
                            tuple((u.start - start, u.end - start) for u in current)))

    for unit in units:
        if current:
            candidate = text[current[0].start:unit.end]
            new_paragraph = unit.paragraph != current[-1].paragraph
            half_full = count_tokens(prefix + text[current[0].start:current[-1].end]) * 2 >= max_tokens
            if not fits(candidate) or (new_paragraph and half_full):
                emit()
                keep = current[-overlap_sentences:] if overlap_sentences and not new_paragraph else []
                # the carried sentences must leave room for the new one
                while keep and not fits(text[keep[0].start:unit.end]):
                    keep = keep[1:]
                current = keep
        current.append(unit)
    if current:
        emit()
    return chunks
