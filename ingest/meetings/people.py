"""Who took part in the record's meeting, with position as of that meeting, and in what role.

The sentence that says someone attended names the delegation in a fixed order: the lead
("นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวง..."), whoever assigned them ("ได้รับมอบหมายจาก
นางพัชรี อารยะกุล ปลัดกระทรวง..."), the role they hold ("ให้ปฏิบัติหน้าที่หัวหน้าเจ้าหน้าที่
อาวุโส... (SOCA Leader of Thailand)"), then "พร้อมด้วย" and those accompanying, then the verb
("เข้าร่วมการประชุม..." or "เป็นประธานเปิด..."). Roles are read from those markers only; a
person named elsewhere gets a role only from a verb of their own ("กล่าวเปิด").
Positions are the recogniser's (prachum.slots.people), so they are as written that day.
"""
from __future__ import annotations

import re

from ingest.meetings.details import line_of
from ingest.meetings.group import Draft
from prachum.meetings import Attendance, name_key
from prachum.slots import people as find_people
from prachum.slots.base import Person, SlotSpan
from prachum.thai.gazetteer import find_organisations

_ASSIGNED_BY = re.compile(r"มอบหมาย(?:จาก)?\s*$")
_WITH = re.compile(r"พร้อมด้วย|พร้อมกับ|together with|accompanied by")
_LEADER = re.compile(r"Leader|หัวหน้าเจ้าหน้าที่อาวุโส|ผู้แทนหัวหน้า|ผู้นำ")
_HEAD = re.compile(r"หัวหน้าคณะผู้แทน|หัวหน้าคณะ|[Hh]ead of (?:the )?[Dd]elegation")
_SENTENCE_WORD = re.compile(r"(?:^|\s)(?:ทั้งนี้|นอกจากนี้|ต่อมา|จากนั้น|ในโอกาสนี้|อย่างไรก็ตาม)\s"
                            r"|(?<=[ก-๙])ว่า(?!ด้วย|จ้าง|การ|ง|ที่)")
_HAVING = re.compile(r"โดยมี|ซึ่งมี|with")
_JOINED = re.compile(r"เข้าร่วม|ร่วมประชุม|attend")
_CHAIR = re.compile(r"เป็นประธาน(?:การประชุม|ในการประชุม|ที่ประชุม)|[Cc]haired")
_OPENED_LATER = re.compile(r"[^\n]{0,60}?(?:เป็นประธาน(?:ใน)?(?:พิธี)?(?:การ)?เปิด|กล่าว(?:ถ้อยแถลง)?เปิด)")
_ROLE_VERB = re.compile(r"เป็นประธาน|กล่าว(?:ถ้อยแถลง)?เปิด|นำเสนอ|บรรยาย|วิทยากร|กล่าวถ้อยแถลง|กล่าวสุนทรพจน์")
# the person's own verb, right after their name and position ("นาย ก ผู้อำนวยการ... ได้นำเสนอ")
_OWN_VERB = r"\s?(?:ฯ\s?)?(?:ยัง)?(?:ได้)?(?:ร่วม)?"
_PRESENTED_LATER = re.compile(rf"{_OWN_VERB}(?:นำเสนอ|บรรยาย|เป็นวิทยากร)")
_SPOKE_LATER = re.compile(rf"{_OWN_VERB}กล่าว(?:ถ้อยแถลง|สุนทรพจน์)")
_CHAIR_LATER = re.compile(r"[^\n]{0,60}?เป็นประธาน(?:การประชุม|ในการประชุม|ที่ประชุม)")
_LATER = (("opened", _OPENED_LATER), ("chair", _CHAIR_LATER), ("presented", _PRESENTED_LATER),
          ("spoke", _SPOKE_LATER))


def _full(p: Person) -> bool:
    """A name with a surname: a given name alone ("นางนภา") may be anyone's."""
    return len(p.name.split()) >= 2


def organisation(position: str | None) -> str | None:
    """The body a position belongs to ("ผู้อำนวยการกองการต่างประเทศ" -> "กองการต่างประเทศ")."""
    if not position:
        return None
    found = [f for f in find_organisations(position) if not f.entry.standalone]
    return found[-1].canonical if found else None


def _attendance(d: Draft, s: SlotSpan, role: str) -> Attendance:
    p: Person = s.value  # type: ignore[assignment]
    return Attendance(meeting="", name=p.name, honorific=p.honorific or None, name_key=name_key(p.name),
                      position=p.position, organisation=organisation(p.position), role=role,
                      start=s.start, end=s.end)


def _lead_role(text: str, s: SlotSpan, until: int, verb: str, leads: int, together: bool) -> str:
    tail = text[s.end:until]
    if verb == "open":
        return "opened"
    if verb == "chair":
        return "chair"
    if _LEADER.search(tail):
        return "leader"
    if _HEAD.search(tail):
        return "head"
    if _CHAIR.search(tail):
        return "chair"
    if leads == 1 and together:
        return "head"  # the one named before "พร้อมด้วย" leads the delegation
    return "attended"


def delegation(text: str, d: Draft) -> list[Attendance]:
    """The people of the sentence in which ``d`` was attended or opened, with their roles."""
    anchor = d.anchor
    if anchor.verb not in ("attend", "open", "chair"):
        return []
    line = line_of(text, anchor.start)
    # the delegation sentence starts after the last sentence word before the verb ("ทั้งนี้", "ต่อมา", "กล่าวว่า")
    breaks = [m.end() for m in _SENTENCE_WORD.finditer(text, line[0], anchor.start)]
    begin = max(breaks) if breaks else line[0]
    spans = [s for s in find_people(text[begin:anchor.start])]
    spans = [SlotSpan(s.kind, s.start + begin, s.end + begin, s.text, s.value) for s in spans]
    spans = [s for s in spans if _full(s.value)]  # type: ignore[arg-type]
    together = _WITH.search(text, begin, anchor.start)
    split = together.start() if together else anchor.start
    found: list[Attendance] = []
    leads = [s for s in spans if s.start < split and not _ASSIGNED_BY.search(text[max(0, s.start - 20):s.start])]
    for i, s in enumerate(spans):
        nxt = spans[i + 1].start if i + 1 < len(spans) else anchor.start
        if _ASSIGNED_BY.search(text[max(0, s.start - 20):s.start]):
            role = "assigned_by"
        elif s.start >= split:
            role = "accompanied"
        else:
            lead_end = split if s is leads[-1] else nxt
            role = _lead_role(text, s, lead_end, anchor.verb, len(leads), bool(together))
        found.append(_attendance(d, s, role))
    return found + _with_them(text, d, line)


def _with_them(text: str, d: Draft, line: tuple[int, int]) -> list[Attendance]:
    """"<chair> เป็นประธานการประชุม X โดยมี <people> เข้าร่วม(ประชุม)": the people after "โดยมี"."""
    anchor = d.anchor
    if anchor.verb not in ("chair", "open"):
        return []
    having = _HAVING.search(text, anchor.end, line[1])
    if not having:
        return []
    verb = _JOINED.search(text, having.end(), line[1])
    end = verb.start() if verb else line[1]
    spans = [SlotSpan(s.kind, s.start + having.end(), s.end + having.end(), s.text, s.value)
             for s in find_people(text[having.end():end])]
    return [_attendance(d, s, "attended") for s in spans if _full(s.value)]  # type: ignore[arg-type]


def _owner(drafts: list[Draft], at: int) -> Draft:
    """The record's meeting named last before ``at`` (else its first): who a later sentence is about."""
    own = [d for d in drafts if d.main]
    before = [(m.start, d) for d in own for m in d.mentions if m.start < at]
    return max(before, key=lambda pair: pair[0])[1] if before else own[0]


def later_roles(text: str, drafts: list[Draft], known: set[str]) -> list[tuple[Draft, Attendance]]:
    """People outside the delegation sentence who opened, chaired, presented or spoke at the record's meeting."""
    found: list[tuple[Draft, Attendance]] = []
    if not any(d.main for d in drafts):
        return found
    lines = sorted({line_of(text, m.start()) for m in _ROLE_VERB.finditer(text)})
    spans = [SlotSpan(s.kind, s.start + a, s.end + a, s.text, s.value) for a, b in lines
             for s in find_people(text[a:b])]
    for i, s in enumerate(spans):
        p: Person = s.value  # type: ignore[assignment]
        if not _full(p) or name_key(p.name) in known:
            continue
        stop = spans[i + 1].start if i + 1 < len(spans) else len(text)  # the verb must be this person's
        role = next((r for r, pattern in _LATER if pattern.match(text[:stop], s.end)), None)
        if role:
            d = _owner(drafts, s.start)
            found.append((d, _attendance(d, s, role)))
            known.add(name_key(p.name))
    return found
