"""A named person's position or capacity: "What was Akkapong Srisubat's position ...?",
"นางจตุพร ... ในฐานะใด".

The answer is not a person (the question names them) but what stands beside their name
in a sentence about them: the position the people recogniser reads after the name
("รักษาการในตำแหน่งผู้เชี่ยวชาญเฉพาะด้านการพัฒนาสังคม"), or the capacity after "ในฐานะ" /
"ในนาม" ("ในนาม SOCA Leader ประเทศไทย"). Names are matched across scripts and honorifics
(prachum.meetings.names_match), so an English question finds a Thai record's person.
"""
from __future__ import annotations

import re
from functools import lru_cache

from prachum.meetings import names_match
from prachum.slots import SlotSpan, recognise

# capitalised words that are not a person's name even when they stand in one's place
_NOT_NAMES = frozenset("""what which who whom whose when where why how was were is are did does do the of in at on for
to and as by from with his her their thailand thai asean ministry department meeting conference retreat forum
summit workshop secretariat inspector-general director-general permanent secretary minister mr ms mrs miss dr
""".split())
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[\s-][A-Z][a-z]+){0,2}\b")
_POSSESSIVE = re.compile(r"['’]s\b")
# after "ในฐานะ"/"ในนาม": up to a bracketed English form's end, or to the next clause word
_THAI_CAPACITY = re.compile(r"ในฐานะ|ในนาม|ปฏิบัติหน้าที่")  # "as" alone is too common to mark a capacity without a name
_CAPACITY = re.compile(rf"(?:{_THAI_CAPACITY.pattern}|\bas\b)\s*")
_CLAUSE_END = re.compile(r"\s(?:เกี่ยวกับ|ได้|โดย|ซึ่ง|และ|พร้อม|ณ|เพื่อ|ต่อ|ให้|เมื่อ|ผ่าน)|[,;]|$")
MAX_CAPACITY = 140


@lru_cache(maxsize=256)  # compose asks it of every person span it weighs
def asked_people(question: str) -> tuple[str, ...]:
    """The people a question names: Thai names as the recogniser reads them, English names as runs of
    capitalised words that are not question words or bodies ("Akkapong Srisubat's" -> Akkapong Srisubat)."""
    thai = [str(getattr(s.value, "name", "")) for s in recognise(question, ["person"])]
    english = []
    for match in _CAPITALISED.finditer(_POSSESSIVE.sub("", question)):
        words = [w for w in re.split(r"[\s-]", match.group()) if w.lower() not in _NOT_NAMES]
        if words and len(words) == len(re.split(r"[\s-]", match.group())):
            english.append(" ".join(words))
    return tuple(dict.fromkeys(n for n in thai + english if n))


def _is_named(span: SlotSpan, people: tuple[str, ...]) -> bool:
    name = str(getattr(span.value, "name", ""))
    return bool(name) and any(names_match(asked, name) or names_match(name, asked) for asked in people)


def _capacity_after(text: str, start: int, within: int = 200) -> tuple[int, int] | None:
    match = _CAPACITY.search(text, start)
    if match is None or match.start() - start > within:
        return None
    begin = match.end()
    bracket = text.find("(", begin, begin + MAX_CAPACITY)
    if bracket >= 0:
        close = text.find(")", bracket)
        if 0 <= close - begin <= MAX_CAPACITY + 80:
            return begin, close + 1
    end = _CLAUSE_END.search(text, begin + 2)
    stop = min(end.start() if end else len(text), begin + MAX_CAPACITY)
    return (begin, stop) if stop - begin >= 3 else None


def _role(text: str, start: int, end: int) -> SlotSpan:
    return SlotSpan("role", start, end, text[start:end], text[start:end].strip())


def role_spans(text: str, people: tuple[str, ...], capacity: bool) -> list[SlotSpan]:
    """The named person's capacity (``capacity``) or position in ``text``; nothing when the sentence
    does not name them."""
    if not people:  # "what did Thailand present, and in what capacity": the capacity the sentence gives
        where = _capacity_after(text, 0, within=len(text)) if capacity and _THAI_CAPACITY.search(text) else None
        return [_role(text, *where)] if where else []
    named = [s for s in recognise(text, ["person"]) if _is_named(s, people)]
    found = []
    for person in named:
        if capacity:
            where = _capacity_after(text, person.start)
            if where is not None:
                found.append(_role(text, *where))
        else:
            position = getattr(person.value, "position", None)
            at = text.find(position, person.start, person.end) if position else -1
            if position and at >= 0:
                found.append(SlotSpan("role", at, at + len(position), position, position))
    return found[:1]
