"""What a meeting proposed, agreed, decided, adopted or announced.

Outcomes are clauses around a verb of decision ("มีมติ", "เห็นชอบ", "รับรอง"), proposal
("เสนอให้", "ขอบรรจุ") or announcement ("จะจัดขึ้น", "จะเป็นเจ้าภาพ", "ครั้งต่อไป"). Verbs
of presenting ("นำเสนอ"), purposes ("เพื่อเสนอ", "วัตถุประสงค์...เพื่อ") and plans written
as "จะมีการเสนอ" are not outcomes. An outcome belongs to the meeting named just before it
in its clause ("ในการประชุมระดับรัฐมนตรี... มีมติเห็นชอบ"), else to the record's own meeting.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.meetings.details import line_of
from ingest.meetings.group import Draft

_KINDS = (
    ("decision", re.compile(r"มีมติ|ลงมติ|[Dd]ecided")),
    ("adopted", re.compile(r"(?:ให้การ|ได้|ร่วมกัน)รับรอง|รับรอง(?:เอกสาร|ปฏิญญา|แถลงการณ์|แผน|ร่าง)|ลงนาม|"
                           r"\b(?:adopted|endorsed|signed)\b")),
    ("agreement", re.compile(r"(?:ให้ความ|ได้|ร่วมกัน|ที่ประชุม)?เห็นชอบ|ตกลงร่วมกัน|เห็นพ้อง|\bagreed\b")),
    ("proposal", re.compile(r"(?<!นำ)เสนอให้|ขอบรรจุ|(?<!นำ)(?<=ได้)เสนอ|\bproposed\b")),
    ("next_meeting", re.compile(r"จะ(?:มีการ)?จัดขึ้น|จะเป็นเจ้าภาพ|ครั้ง(?:ต่อไป|ถัดไป)|\bnext meeting\b")),
)
_NOT_OUTCOME = re.compile(r"(?:เพื่อ|วัตถุประสงค์[^\s]*|จะมีการ|จะได้|กำหนดให้มีการ|ให้|ไม่)\s?$")
_NEW_SUBJECT = r"และ\s?(?=ประเทศ|ที่ประชุม|รัฐมนตรี|นาย|นาง|ผู้แทน|ทั้งนี้)"
_START = re.compile(rf"(?:^|\s)(?:ทั้งนี้|นอกจากนี้|ในโอกาสนี้|โดยที่ประชุม|ที่ประชุม|ซึ่ง|ว่า|{_NEW_SUBJECT})\s?|\n"
                    r"|(?<=[ก-๙])ว่า(?!ด้วย|จ้าง|การ|ง|ที่)")  # "แจ้งว่า..." (not "ว่าด้วย", "รัฐมนตรีว่าการ")
# a clause ends at a new sentence word, or at "และ" that opens a new subject ("... และประเทศไทยจะเป็นเจ้าภาพ")
_END = re.compile(r"\s(?:นอกจากนี้|ทั้งนี้|โดยอาจ|อย่างไรก็ตาม|ในโอกาสนี้)|\n"
                  rf"|\s(?={_NEW_SUBJECT})")
_OTHER_BODY = re.compile(r"คณะรัฐมนตรี|ครม\.|รัฐบาล|รัฐสภา|ศาล|พระราชบัญญัติ|กฎหมาย")
BACK, FORWARD = 160, 260


@dataclass(frozen=True)
class Found:
    kind: str
    start: int  # the clause
    end: int
    trigger: int
    drafts: tuple[Draft, ...]


def _clause(text: str, at: int) -> tuple[int, int]:
    line = line_of(text, at)
    back = max(line[0], at - BACK)
    starts = [m.end() for m in _START.finditer(text, back, at)]
    if starts:
        start = max(starts)
    elif back == line[0]:
        start = back
    else:  # no clause word in reach: start at a word boundary, not inside one
        space = text.find(" ", back, at)
        start = space + 1 if space >= 0 else back
    end_m = _END.search(text, at, min(line[1], at + FORWARD))
    end = end_m.start() if end_m else min(line[1], at + FORWARD)
    return start, end


def _owner(text: str, drafts: list[Draft], start: int, trigger: int) -> tuple[tuple[Draft, ...], int, int]:
    """The meetings the outcome belongs to, and the span of the mention naming them (or -1, -1)."""
    line = line_of(text, trigger)
    near = [(m.start, m.end, d) for d in drafts for m in d.mentions if line[0] <= m.start and m.end <= trigger
            and m.start >= start - 120]
    if near:
        last = max(s for s, _, _ in near)
        return tuple(d for s, _, d in near if s == last), last, max(e for s, e, _ in near if s == last)
    return tuple(d for d in drafts if d.main), -1, -1


def _announced(drafts: list[Draft], after: int, end: int) -> tuple[Draft, ...]:
    near = [(m.start, d) for d in drafts for m in d.mentions if after <= m.start <= min(end, after + 20)]
    if not near:
        return ()
    first = min(s for s, _ in near)
    return tuple(d for s, d in near if s == first)


def find(text: str, drafts: list[Draft]) -> list[Found]:
    """Outcome clauses, in order; one per clause (a decision that also agrees is a decision)."""
    found: list[Found] = []
    for kind, pattern in _KINDS:
        for m in pattern.finditer(text):
            if _NOT_OUTCOME.search(text[max(0, m.start() - 25):m.start()]):
                continue
            if _OTHER_BODY.search(text, max(0, m.start() - 40), m.start()):
                continue  # "คณะรัฐมนตรีได้เห็นชอบ...": another body's decision, not the meeting's
            start, end = _clause(text, m.start())
            if any(f.start <= m.start() < f.end for f in found):
                continue
            owners, named_at, named_end = _owner(text, drafts, start, m.start())
            announced = _announced(drafts, m.end(), end) if kind == "next_meeting" else ()
            if announced:  # "ไทยจะเป็นเจ้าภาพจัดการประชุม X ครั้งที่ 13": X is the meeting announced
                owners, named_at = announced, -1
            if kind == "next_meeting" and named_at >= 0:
                start = min(start, named_at)  # the meeting announced is part of what is announced
            elif named_at >= start:
                start = named_end  # "ในการประชุม X มีมติ...": the outcome is what follows the name
            if owners:
                found.append(Found(kind, start, end, m.start(), owners))
    return sorted(found, key=lambda f: f.start)
