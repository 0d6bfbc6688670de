"""Titles: the quoted name of a theme, topic, plan or report, with its English form when the record
gives one ("ภายใต้หัวข้อ “มุ่งสู่การฟื้นตัว...” (Towards Post-COVID Recovery and Resilience in ASEAN)").

Why: "what was the theme" is answered by a title, which no other recogniser sees, and Thai
records often give the English title beside the Thai one, so an English question can be
answered in the record's own English.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from prachum.slots.base import SlotSpan, span

# a quoted title, then perhaps its other-language form in brackets or in quotes of its own
_TITLE = re.compile(r"[“\"]([^”\"\n]{4,240})[”\"](\s*(?:\(([^()\n]{4,240})\)|[“\"]([^”\"\n]{4,240})[”\"]))?")
_LATIN = re.compile(r"[A-Za-z]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")


@dataclass(frozen=True)
class Title:
    thai: str | None
    english: str | None

    def reads(self, lang: str) -> str:
        if lang == "en":
            return self.english or self.thai or ""
        return self.thai or self.english or ""


def _is_title(text: str) -> bool:
    """A title has words: not a quoted letter ("“C”") or a lone acronym ("“COP”")."""
    return len(text.strip()) >= 8 and (bool(_THAI.search(text)) or len(text.split()) >= 2)


def _language(text: str) -> str | None:
    if _THAI.search(text):
        return "th"
    return "en" if _LATIN.search(text) else None


def titles(text: str) -> list[SlotSpan]:
    found = []
    for match in _TITLE.finditer(text):
        first = match.group(1)
        if not _is_title(first):
            continue
        other = match.group(3) or match.group(4) or ""
        end = match.end() if other and _is_title(other) and _language(other) != _language(first) else match.end(1) + 1
        forms = {_language(first): first.strip()}
        if end == match.end():
            forms.setdefault(_language(other), other.strip())
        found.append(span("title", text, match.start(), end, Title(forms.get("th"), forms.get("en"))))
    return found
