"""Mentions of the same meeting gathered into one draft; which meetings the record is about.

A record names its meeting several times (headline, dateline, "การประชุม 16th SOCCOM")
and refers to other meetings ("ที่ประชุมได้รับฟังสรุปผลการประชุม SOMSWD ครั้งที่ 16").
Mentions merge when their acronyms agree, or their Thai names and editions agree, and
never when their editions differ. The meeting someone attended or opened is the record's
own; the rest are kept as mentioned meetings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ingest.meetings.names import Mention
from prachum.meetings import meeting_name_key

OPENING = 400  # a headline meeting counts as the record's own when nothing was attended


@dataclass
class Draft:
    mentions: list[Mention] = field(default_factory=list)
    name_th: str | None = None
    name_en: str | None = None
    acronym: str | None = None
    edition: int | None = None
    first_date: date | None = None
    last_date: date | None = None
    time: str | None = None
    venue: str | None = None
    mode: str | None = None
    host: str | None = None
    chair: str | None = None
    asean_chair: str | None = None
    main: bool = False

    @property
    def anchor(self) -> Mention:
        """The mention that best places the meeting: where someone attended or opened it, else the first."""
        return next((m for m in self.mentions if m.verb in ("attend", "open", "chair")),
                    next((m for m in self.mentions if m.attended), self.mentions[0]))

    def add(self, m: Mention) -> None:
        self.mentions.append(m)
        if m.name_th and _thai_letters(m.name_th) > _thai_letters(self.name_th):
            self.name_th = m.name_th  # "การประชุมเจ้าหน้าที่อาวุโส..." over "การประชุม SOMSWD"
        if m.name_en and (not self.name_en or len(m.name_en) > len(self.name_en)):
            self.name_en = m.name_en
        self.acronym = self.acronym or m.acronym
        self.edition = self.edition or m.edition
        self.main = self.main or m.attended


def _thai_letters(name: str | None) -> int:
    return len(re.findall("[\u0e01-\u0e2e]", name or ""))


def thai_key(name: str | None) -> str:
    """A Thai meeting name compared loosely: no spaces, "การจัดประชุม"/"ร่วมประชุม" read as "การประชุม"."""
    return meeting_name_key(name)


def _same(d: Draft, m: Mention, drafts: list[Draft]) -> bool:
    if d.edition is not None and m.edition is not None and d.edition != m.edition:
        return False
    if d.acronym and m.acronym:
        return d.acronym.lower() == m.acronym.lower()
    if d.name_en and m.name_en and d.name_en.lower() == m.name_en.lower():
        return True
    # "การประชุม SOMSWD ครั้งที่ 16" and "การประชุมเจ้าหน้าที่อาวุโส...ครั้งที่ 16": one has only the acronym,
    # the other only the Thai name; the same edition joins them when no other meeting has it
    if d.edition is not None and d.edition == m.edition and bool(d.acronym) != bool(m.acronym):
        rivals = [o for o in drafts if o is not d and o.edition == m.edition]
        return not rivals
    if d.name_th and m.name_th:
        return thai_key(d.name_th) == thai_key(m.name_th) and d.edition == m.edition
    return False


def group(mentions: list[Mention]) -> list[Draft]:
    drafts: list[Draft] = []
    for m in mentions:
        target = next((d for d in drafts if _same(d, m, drafts)), None)
        if target is None:
            target = Draft()
            drafts.append(target)
        target.add(m)
    if drafts and not any(d.main for d in drafts):  # "กรม... จัดการประชุม..." in the opening: the record's own
        opening = [d for d in drafts if d.mentions[0].start < OPENING]
        if opening:
            opening[0].main = True
    return drafts
