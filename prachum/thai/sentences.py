"""Sentence splitting for Thai, with offsets: the unit of chunks, evidence and citations.

Thai has no sentence-final full stop and crfcut (pythainlp's CRF model) cuts at
most spaces, so its pieces are merged into statements long enough to read alone.
Ingest packs these sentences into chunks; rag scores, quotes and cites them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pythainlp.tokenize import sent_tokenize

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


def strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``start``/``end`` moved inwards past the whitespace at the ends of ``text[start:end]``; None
    when it is only whitespace. A sentence never begins or ends with a space."""
    piece = text[start:end]
    lead, trail = len(piece) - len(piece.lstrip()), len(piece.rstrip())
    return (start + lead, start + trail) if trail > lead else None


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
            inner = strip_span(hidden, begin, end)
            if inner is not None:
                span = Span(line.start() + inner[0], line.start() + inner[1], paragraph)
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
