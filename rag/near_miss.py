"""Near misses: questions on topic that the records cannot answer, and what we say instead.

The records are close to such a question, so retrieval and the gate let it through; what
gives it away is a specific thing it names or asks for that the evidence lacks: a numbered
meeting never mentioned ("SOMSWD ครั้งที่ 20"), a person the records do not know, an amount
of money, the date of a meeting mentioned only in passing, the holder of a position no one
in the evidence holds, the end of a meeting whose records give only its start. Each is
refused with what was looked for, while the nearest evidence is still shown.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Sequence

from prachum.meetings import names_match
from prachum.slots import SlotSpan, recognise
from prachum.slots.editions import ORDINALS, EditionMention, edition_mentions, mentions
from prachum.types import Passage
from rag.offtopic import unwritten
from rag.question import MEETING_TYPES, POSITION_EN, Asked

UNIT_EN = {"คน": "people", "ประเทศ": "countries", "ครั้ง": "times", "โครงการ": "projects", "หัวข้อ": "topics",
           "ฉบับ": "documents", "วัน": "days", "บาท": "baht"}

LOOKED_FOR = {
    "money": ("จำนวนเงิน (งบประมาณหรือค่าใช้จ่าย)", "an amount of money (a budget or a cost)"),
    "rate": ("อัตรา (เช่น อัตราแลกเปลี่ยนหรือร้อยละ)", "a rate (such as an exchange rate or a percentage)"),
}


# slots whose absence, for a meeting the records only mention, is a near miss rather than a gap
LOOKED_FOR_SLOT = {"date": ("วันที่จัด", "its date"), "time": ("เวลา", "its time"), "place": ("สถานที่จัด", "its venue"),
                   "person": ("ชื่อบุคคล", "the person asked about")}


_ENGLISH_PERSON = re.compile(r"\b(?:Mr|Ms|Mrs|Miss|Dr)\.?\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)")


# Finds the texts of the records' chunks that best match a few words: the whole index, not only
# the passages retrieved for the question (an English question may miss the one naming the edition).
Corpus = Callable[[str], Sequence[str]]


def unknown_edition(question: str, passages: Sequence[Passage], corpus: Corpus | None = None) -> EditionMention | None:
    """A numbered meeting the question names that the records never mention ("SOMSWD ครั้งที่ 20" when
    they hold the 16th and 17th): the records are on topic but cannot answer."""
    texts = [f"{p.title}\n{p.text}" for p in passages]
    for mention in edition_mentions(question):
        if any(mentions(t, mention) for t in texts):
            continue
        if corpus is None or not any(mentions(t, mention) for t in corpus(edition_query(mention))):
            return mention
    return None


def edition_query(mention: EditionMention) -> str:
    """Words that find a mention of the edition however it is written ("ครั้งที่ 16", "16th", "Sixteenth")."""
    words = [*mention.names, str(mention.edition), _ordinal(mention.edition)]
    if mention.edition <= len(ORDINALS):
        words.append(ORDINALS[mention.edition - 1])
    return " ".join(words)


def unknown_person(question: str, passages: Sequence[Passage]) -> str | None:
    """A person the question names in English ("Ms. Kanokwan Srisuk") whom no passage names in any
    script: asked about someone the records do not know, we say so instead of answering about another."""
    asked = [m.group(0) for m in _ENGLISH_PERSON.finditer(question)]
    if not asked:
        return None
    known = [str(getattr(p.value, "name", "")) for passage in passages for p in _people(passage.text)]
    return next((name for name in asked if not any(names_match(name, k) for k in known if k)), None)


@lru_cache(maxsize=512)
def _people(text: str) -> tuple[SlotSpan, ...]:
    return tuple(recognise(text, ["person"]))


def edition_refusal(mention: EditionMention, lang: str) -> str:
    name = mention.names[0] if mention.names else ""
    if lang == "en":
        return f"The records do not mention the {_ordinal(mention.edition)} {name}.".replace("  ", " ")
    return f"ไม่พบข้อมูลการประชุม {name} ครั้งที่ {mention.edition} ในบันทึกการประชุม".replace("  ", " ")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def mentioned_only(question: str, passages: Sequence[Passage]) -> EditionMention | None:
    """A numbered meeting the question names that the passages mention only in passing: no record
    is about it (its title does not name it), so what they say of their own meeting is not its answer."""
    for mention in edition_mentions(question):
        if not any(mentions(p.title, mention) for p in passages):
            return mention
    return None


# "X คืออะไร", "X หมายถึงอะไร", "what is X?": a question that asks what something is
_DEFINE_TH = re.compile(r"^\s*(?P<x>.+?)\s*(?:คือ|หมายถึง|แปลว่า|มีความหมายว่า)\s*(?:อะไร|อย่างไร)?\s*[?？]?\s*$")
_DEFINE_EN = re.compile(r"^\s*what (?:is|are|was|were|does) (?:an? |the )?(?P<x>.+?)(?: mean)?\s*\??\s*$", re.I)


def undefined_term(question: str, passages: Sequence[Passage]) -> str | None:
    """What a definition question asks about, when no passage writes it: "เฮโมโกลบิน คืออะไร" over
    meeting records. The records cannot define a term they never use, however close the passages."""
    match = _DEFINE_TH.match(question) or _DEFINE_EN.match(question)
    if match is None:
        return None
    term = match.group("x").strip()
    if match.re is _DEFINE_EN and (len(term.split()) > 3 or re.search(r"\b(?:of|in|at|for|on|by|from|did|was)\b", term)):
        return None  # "what was the theme of the 16th SOCCOM": a question about a meeting, not a definition
    return term if unwritten(term, passages) else None


def term_refusal(term: str, lang: str) -> str:
    return f"The records do not mention {term}." if lang == "en" else f"ไม่พบคำว่า {term} ในบันทึกการประชุม"


def position_refusal(asked: Asked) -> str:
    if asked.lang == "en":
        return f"The records do not name the {POSITION_EN.get(str(asked.position), asked.position)} asked about."
    return f"ไม่พบชื่อผู้ดำรงตำแหน่ง{asked.position}ที่ถามถึงในบันทึกการประชุม"


def slot_refusal(slot: str, mention: EditionMention, lang: str) -> str:
    thai, english = LOOKED_FOR_SLOT[slot]
    name = mention.names[0] if mention.names else ""
    if lang == "en":
        return f"The records mention the {_ordinal(mention.edition)} {name} but do not give {english}."
    return f"บันทึกกล่าวถึงการประชุม {name} ครั้งที่ {mention.edition} แต่ไม่พบ{thai}ของการประชุมนี้"


def acronym_refusal(slot: str, acronym: str, lang: str) -> str:
    thai, english = LOOKED_FOR_SLOT[slot]
    if lang == "en":
        return f"The records mention {acronym} but do not give {english}."
    return f"บันทึกกล่าวถึง {acronym} แต่ไม่พบ{thai}ที่ถามถึง"


def type_refusal(slot: str, asked: Asked) -> str:
    """The records hold no date (time, venue) of the kind of meeting asked about: a summit, a workshop."""
    thai, english = LOOKED_FOR_SLOT.get(slot, LOOKED_FOR_SLOT["date"])
    if asked.lang == "en":
        return f"The records do not give {english.replace('its ', 'the ')} of the {' '.join(asked.meeting_types)} asked about."
    kinds = "".join(MEETING_TYPES[kind][0] for kind in asked.meeting_types)
    return f"ไม่พบ{thai}ของการประชุม{kinds}ที่ถามถึงในบันทึกการประชุม"


def near_miss(asked: Asked, question: str) -> str:
    """What we say when the records are close to the question but hold no answer of the asked kind."""
    if asked.specific:
        thai, english = LOOKED_FOR[asked.specific]
    else:  # a count of a named unit: "กี่คน", "how many people"
        unit = asked.unit or ""
        thai, english = f"จำนวน{unit}", f"the number of {UNIT_EN.get(unit, unit)}"
    about = " ".join(asked.acronyms)
    if asked.lang == "en":
        return f"The records do not give {english}" + (f" for {about}." if about else ".")
    return f"ไม่พบข้อมูล{thai}" + (f"ของ {about} " if about else "") + "ในบันทึกการประชุม"


def ending_refusal(lang: str) -> str:
    return "The records do not say when it ended." if lang == "en" else "ไม่พบเวลาสิ้นสุดในบันทึกการประชุม"


def stranger_refusal(name: str, lang: str) -> str:
    return f"The records do not mention {name}." if lang == "en" else f"ไม่พบชื่อ {name} ในบันทึกการประชุม"
