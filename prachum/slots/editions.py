"""Meeting editions: which numbered meeting a text names ("SOMSWD ครั้งที่ 16", "16th SOCCOM",
"ครั้งที่ 15 (SOMSWD+3)", "Second ASCC Partnership Conference").

Why a recogniser of its own: an edition is what tells the 16th SOMSWD from the 15th SOMSWD+3
in the same sentence, and a question about an edition the records never mention ("SOMSWD
ครั้งที่ 20") must be refused, not answered from its neighbour. So an edition is bound to
the meeting name written next to it, in the three ways Thai records write it: the name
before "ครั้งที่ N", the English ordinal before the name, or the name in the brackets that
follow "ครั้งที่ N". Offsets are into the text given (Thai digits are read as Arabic ones,
which keeps every offset).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from prachum.thai.gazetteer import lookup
from prachum.thai.text import to_arabic_digits, word_tokens

ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
            "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth",
            "Eighteenth", "Nineteenth", "Twentieth")
_ORDINAL_VALUE = {word: n for n, word in enumerate(ORDINALS, start=1)}
# "ครั้งที่ 16" (Thai order: the name stands before) and "16th" / "Sixteenth" (English order: after)
_THAI_EDITION = re.compile(r"ครั้ง(?:ที่)?\s*(\d{1,3})(?!\d)")  # "ครั้ง4" is a typo records make
_ENGLISH_EDITION = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\b|\b(" + "|".join(ORDINALS) + r")\b")
_ACRONYM = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Za-z0-9\-]*[A-Z0-9])(?:\s?\+\s?(\d))?(?![A-Za-z0-9+])")
BEFORE = 30  # characters before "ครั้งที่ N" in which its name stands
AFTER = 40  # characters after "16th" in which its name stands
BRACKET = 160  # longest bracketed English name after "ครั้งที่ N"
_JOINED = re.compile(r"\s*(?:และ|หรือ|ถึง|,|-|–|and|or|to)\s*")


@dataclass(frozen=True)
class EditionMention:
    edition: int
    names: tuple[str, ...]  # meeting acronyms bound to it ("SOMSWD+3"); a Thai name word when none
    start: int
    end: int


def acronyms(text: str) -> list[str]:
    """Meeting acronyms in a text, "+3" kept attached ("SOMSWD + 3" -> "SOMSWD+3"); bodies such as
    ASEAN, which the gazetteer knows, are not meetings."""
    found = []
    for match in _ACRONYM.finditer(text):
        name = match.group(1) + (f"+{match.group(2)}" if match.group(2) else "")
        if lookup(match.group(1)) is None and name not in found:
            found.append(name)
    return found


def _bracket_after(text: str, end: int) -> str:
    """The bracketed text right after position ``end`` ("ครั้งที่ 15 (SOMSWD+3)"), or ''."""
    rest = text[end:end + BRACKET + 3]
    match = re.match(r"\s*\(([^()]*)\)", rest)
    return match.group(1) if match else ""


def _thai_name_word(before: str) -> tuple[str, ...]:
    """The last long word of a Thai meeting name ("...ด้านสวัสดิการสังคมและการพัฒนา ครั้งที่ 17")."""
    words = [w for w in word_tokens(before[-BEFORE:]) if len(w) > 3 and not w.isdigit()]
    return (words[-1],) if words else ()


def edition_mentions(text: str) -> list[EditionMention]:
    """Every numbered meeting in ``text``, with the names bound to its number."""
    form = to_arabic_digits(text)
    found: list[EditionMention] = []
    previous: EditionMention | None = None
    for match in _THAI_EDITION.finditer(form):
        if previous and _JOINED.fullmatch(form[previous.end:match.start()]):
            names = list(previous.names)  # "ครั้งที่ 3 และครั้งที่ 4": one name, two editions
        else:
            before = form[max(0, match.start() - BEFORE):match.start()]
            names = acronyms(before)[-1:] + acronyms(_bracket_after(form, match.end()))
            if not names:
                names = list(_thai_name_word(form[:match.start()]))
        previous = EditionMention(int(match.group(1)), tuple(dict.fromkeys(names)), match.start(), match.end())
        found.append(previous)
    for match in _ENGLISH_EDITION.finditer(form):
        number = int(match.group(1)) if match.group(1) else _ORDINAL_VALUE[match.group(2)]
        after = form[match.end():match.end() + AFTER]
        names = acronyms(after)[:1] or _english_name(after)
        if names:
            found.append(EditionMention(number, tuple(names), match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)


def _english_name(after: str) -> list[str]:
    """The capitalised words after an English ordinal ("Second ASCC Partnership Conference")."""
    match = re.match(r"\s*((?:[A-Z][A-Za-z\-]*\s?){2,5})", after)
    return [match.group(1).strip()] if match else []


def _same(name: str, other: str) -> bool:
    squash = lambda s: s.replace(" ", "").upper()  # noqa: E731
    return squash(name) == squash(other)


def _matches(mention: EditionMention, wanted: EditionMention, text: str) -> bool:
    if mention.edition != wanted.edition:
        return False
    if not wanted.names or any(_same(a, b) for a in wanted.names for b in mention.names):
        return True
    thai = [n for n in wanted.names if not n.isascii()]
    return any(n in text[max(0, mention.start - 2 * BEFORE):mention.start] for n in thai)


def mentions(text: str, wanted: EditionMention) -> bool:
    """Whether ``text`` names the meeting ``wanted`` with the same number (SOMSWD is not SOMSWD+3)."""
    return any(_matches(m, wanted, text) for m in edition_mentions(text))


def clause_of(text: str, wanted: EditionMention) -> tuple[int, int] | None:
    """Where ``text`` speaks of ``wanted``: from its mention to the next other numbered meeting (or the end).

    What a record says of a meeting it only mentions follows the mention ("การประชุม SOMSWD
    ครั้งที่ 16 ซึ่งจัดขึ้นระหว่างวันที่ 21-22 กันยายน 2563"); what stands before is its own meeting's.
    """
    found = edition_mentions(text)
    for i, mention in enumerate(found):
        if _matches(mention, wanted, text):
            later = [m.start for m in found[i + 1:] if not _matches(m, wanted, text)]
            return mention.start, (later[0] if later else len(text))
    return None
