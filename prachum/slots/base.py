"""The span type every recogniser returns, and the Thai word helpers they share."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pythainlp.tokenize import word_tokenize

SLOT_KINDS = ("person", "date", "year", "time", "place", "number", "organisation", "country", "expansion", "list", "title", "month", "named")

THAI_LETTER = "\u0e01-\u0e2e"
THAI = "\u0e01-\u0e4f"
THAI_DIGIT = "\u0e50-\u0e59"
DIGIT = rf"[0-9{THAI_DIGIT}]"


@dataclass(frozen=True)
class SlotSpan:
    """A recognised fact: ``text == source[start:end]`` exactly; ``value`` is its normalised reading."""

    kind: str
    start: int
    end: int
    text: str
    value: object = None


@dataclass(frozen=True)
class Person:
    honorific: str  # "นาง", "ดร.", "Mr." -- as written
    name: str  # given name and surname, without honorific ("จตุพร โรจนพานิช"); may be the given name only
    position: str | None = None  # "ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"


@dataclass(frozen=True)
class Place:
    mode: str  # "venue" (a room, a building, a city) or "remote" (a video conference)
    name: str  # the place without its marker ("ณ", "ที่", "in"); for remote, the system as written


def span(kind: str, text: str, start: int, end: int, value: object = None) -> SlotSpan:
    return SlotSpan(kind, start, end, text[start:end], value)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``/``end`` moved inwards past spaces and dangling punctuation."""
    while start < end and text[start] in " \t\u00a0":
        start += 1
    while end > start and text[end - 1] in " \t\u00a0,;:-–—":
        end -= 1
    return start, end


@lru_cache(maxsize=8192)
def _tokens(piece: str) -> tuple[str, ...]:
    return tuple(word_tokenize(piece, engine="newmm", keep_whitespace=True))


def word_starts(text: str, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets (into ``text``) where newmm words of ``text[start:end]`` begin, plus the end offset."""
    end = len(text) if end is None else end
    offsets, at = [], start
    for token in _tokens(text[start:end]):
        offsets.append(at)
        at += len(token)
    offsets.append(end)
    return offsets


def word_start(text: str, at: int) -> bool:
    """Whether a newmm word begins at ``at``; where it ends is not asked, since newmm splits some
    names oddly ("เปิดตัวรายงานการ" -> เปิดตัว|ราย|งานการ)."""
    return at == 0 or at in word_starts(text, max(0, at - 30), min(len(text), at + 30))


def words(text: str) -> tuple[str, ...]:
    return _tokens(text)


def starts_word(text: str, at: int, word: str, window: int = 40) -> bool:
    """Whether ``word`` is written at ``at`` as whole newmm words (not the start of a longer word)."""
    if not text.startswith(word, at):
        return False
    chunk_end = at + max(window, len(word) + 12)
    return at + len(word) in word_starts(text, at, min(len(text), chunk_end))


def non_overlapping(spans: list[SlotSpan]) -> list[SlotSpan]:
    """In text order; where two overlap, the earlier (then the longer) wins."""
    kept: list[SlotSpan] = []
    for s in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if not kept or s.start >= kept[-1].end:
            kept.append(s)
    return kept


def closing_paren(text: str, open_at: int, *, within_line: bool = False) -> int | None:
    """Where the bracket opened at ``open_at`` closes (nested brackets counted), looking 400 characters
    ahead; None when it does not (or, ``within_line``, not before the line ends)."""
    depth = 0
    for i in range(open_at, min(len(text), open_at + 400)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
        elif within_line and text[i] == "\n":
            return None
    return None


def balanced(piece: str) -> bool:
    return piece.count("(") == piece.count(")") and piece.count("“") == piece.count("”")


DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def number(raw: str) -> float:
    return float(raw.translate(DIGITS).replace(",", ""))


CHUNK = re.compile(r"\S+")
