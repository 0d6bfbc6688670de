"""Sentence- and paragraph-aware chunking for Thai, sized in embedder tokens.

Thai has no spaces between words and no sentence-final full stop, so a character
or whitespace splitter cuts words in half. We split lines into sentences with
pythainlp's CRF model (crfcut), pack whole sentences into chunks that fit the
embedder's token budget, and only when a single sentence is too long do we cut it,
at newmm word boundaries. Chunks keep character offsets into the cleaned text so
the UI can highlight the passage in its document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from pythainlp.tokenize import sent_tokenize, word_tokenize

TokenCounter = Callable[[str], int]

# crfcut treats "." as a sentence end, which breaks Thai abbreviations (ก.พ., พม., ศปก.)
# and decimal times (09.00 น.). Thai does not end sentences with "." so we hide dots from it.
_DOT_STANDIN = "\ue000"
# crfcut cuts Thai at most spaces, often mid-clause ("... ได้รับมอบหมายจาก" | "นางพัชรี ...").
# Pieces shorter than this are joined with the next one in the same line, so a unit
# reads as a statement (a date with its people, a name with its title).
MIN_SENTENCE_CHARS = 160
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Span:
    """A piece of the cleaned text: [start, end) offsets and the paragraph it belongs to."""

    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class Chunk:
    index: int
    start: int
    end: int
    text: str


def split_sentences(text: str, min_chars: int = MIN_SENTENCE_CHARS) -> list[Span]:
    """Sentences of ``text`` with offsets; every line is its own paragraph."""
    spans: list[Span] = []
    for paragraph, line in enumerate(_LINE.finditer(text)):
        if not line.group().strip():
            continue
        hidden = line.group().replace(".", _DOT_STANDIN)
        cursor = 0
        for sentence in sent_tokenize(hidden, engine="crfcut"):
            found = hidden.find(sentence, cursor)
            if found < 0:  # crfcut may alter whitespace; fall back to sequential cursor
                found = cursor
            begin, end = found, found + len(sentence)
            cursor = end
            piece = hidden[begin:end]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece.rstrip())
            if trail > lead:
                span = Span(line.start() + begin + lead, line.start() + begin + trail, paragraph)
                last = spans[-1] if spans else None
                if last and last.paragraph == paragraph and last.end - last.start < min_chars:
                    span = Span(last.start, span.end, paragraph)
                    spans.pop()
                spans.append(span)
        # a short last piece belongs to the sentence before it
        if len(spans) > 1 and spans[-1].paragraph == spans[-2].paragraph == paragraph \
                and spans[-1].end - spans[-1].start < min_chars:
            tail = spans.pop()
            spans[-1] = Span(spans[-1].start, tail.end, paragraph)
    return spans


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
    return [p for p in pieces if text[p.start:p.end].strip()]


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
        chunks.append(Chunk(len(chunks), current[0].start, current[-1].end,
                            text[current[0].start:current[-1].end]))

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
