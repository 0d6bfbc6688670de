"""Slot recognisers: the spans of evidence sentences that short answers are built from.

The answerer does not write its answer; it composes it from spans recognised here
("นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวง... · 8 กุมภาพันธ์ 2564") and cites the sentence each
came from. So every recogniser is conservative, precision first: a wrong span becomes a
wrong answer stated as fact, while a missed span only makes the answerer fall back to
quoting the sentence. When a rule is unsure (a name with no surname and no verb after
it, a list without its closing "และ" item, an English long form that does not spell its
acronym) it reports nothing.

Spans are offsets into the text given, never normalised: ``text[start:end] == span.text``.
``value`` is the normalised reading:

- person: Person(honorific, name, position)      - date: datetime.date, or (first, last) for a range
- year: the Common-Era year (int), from "ปี 2557", "พ.ศ. ๒๕๕๙", "in 2016"; (first, last) for "2021-2025"
- time: datetime.time, or (first, last)           - place: Place(mode, name)
- number: (float, unit) with Thai units ("คน", "ประเทศ", "%", "ครั้งที่", "ordinal")
- country / organisation: the canonical Thai name (prachum.thai.gazetteer)
- expansion: (acronym, long form)                 - list: tuple of item strings
- title: Title(thai, english), a quoted theme or topic with its other-language form
- month: (month, CE year or None), a month written by name
- named: Title(thai, english), a report, meeting, project or fund by the name the record gives it
"""
from __future__ import annotations

from typing import Callable, Iterable

from prachum.slots.base import SLOT_KINDS, Person, Place, SlotSpan
from prachum.slots.lists import enumerations
from prachum.slots.named import named
from prachum.slots.names import countries, expansion_of, expansions, organisations
from prachum.slots.numbers import numbers
from prachum.slots.people import people
from prachum.slots.places import places
from prachum.slots.titles import Title, titles
from prachum.slots.when import dates, months, times, years

RECOGNISERS: dict[str, Callable[[str], list[SlotSpan]]] = {
    "person": people, "date": dates, "year": years, "time": times, "place": places, "number": numbers,
    "organisation": organisations, "country": countries, "expansion": expansions, "list": enumerations, "title": titles, "month": months,
    "named": named,
}


def recognise(text: str, kinds: Iterable[str] | None = None) -> list[SlotSpan]:
    """Spans of the given kinds (all when None) in ``text``: in text order, non-overlapping within a kind."""
    wanted = SLOT_KINDS if kinds is None else tuple(kinds)
    unknown = [k for k in wanted if k not in RECOGNISERS]
    if unknown:
        raise ValueError(f"unknown slot kinds {unknown}; known: {SLOT_KINDS}")
    if not text:
        return []
    found = [s for kind in dict.fromkeys(wanted) for s in RECOGNISERS[kind](text)]
    return sorted(found, key=lambda s: (s.start, s.end, SLOT_KINDS.index(s.kind)))


__all__ = [
    "SLOT_KINDS", "Person", "Place", "SlotSpan", "recognise", "expansion_of", "people", "dates", "times", "places",
    "numbers", "organisations", "countries", "expansions", "enumerations", "titles", "Title", "months", "named",
]
