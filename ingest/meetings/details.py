"""When, where and how a meeting was held, who hosted and chaired it.

Thai meeting news opens with a dateline ("เมื่อวันที่ ๑๕ มีนาคม ๒๕๖๔ เวลา ๐๘.๓๐ – ๑๗.๐๐ น. ณ
ห้องประชุม...") in the paragraph that names the meeting attended, so the record's own
meeting takes its date, time and venue from that paragraph. A mentioned meeting takes a
date only when one follows its name in the same clause ("...ครั้งที่ 16 ซึ่งจัดขึ้นระหว่าง
วันที่ 21-22 กันยายน 2563"). Hosts are read from "จัดโดย X", "X เป็นเจ้าภาพ" and "X ได้จัด
<meeting>"; a chair from "ในฐานะประธานการประชุม"; the year's ASEAN chair from "ประธานอาเซียน".
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, time

from ingest.meetings.group import Draft
from prachum.slots import people as find_people
from prachum.slots import recognise
from prachum.slots.base import Place
from prachum.thai.gazetteer import find_countries, find_organisations

# a remote meeting; "ออนไลน์" alone is often a topic ("เด็กในสื่อออนไลน์"), so only as a way of meeting
REMOTE = re.compile(r"ผ่านระบบ|ทางไกล|[Vv]ideo\s?[Cc]onference|[Vv]ideoconference|(?:ประชุม|รูปแบบ|แบบ|ทาง)ออนไลน์"
                    r"|\b[Oo]nline (?:meeting|format)|[Vv]irtual(?:ly| meeting| format)|Zoom|Webex|Microsoft Teams")
_BOUNDARY = re.compile(r"โดย(?!เฉพาะ)|ซึ่ง|ทั้งนี้|นอกจากนี้|ว่า\s|ครั้งนี้|ดังกล่าว|\)|,|\n|ในฐานะ|ภายใต้")
_HOST_AFTER = re.compile(r"(?:จัดโดย|organi[sz]ed by|hosted by)\s*")
_HOST_BEFORE = re.compile(r"(?:ได้)?(?:ร่วมกัน)?(?:จะ)?เป็นเจ้าภาพ")
_HELD_BY = re.compile(r"(?:\s|ได้)จัด(?:ให้มี)?\s?(?=โครงการ|การประชุม|ประชุม)")
_SEGMENT_END = re.compile(r"\s(?:ในฐานะ|ซึ่ง|เมื่อ|ณ|ผ่าน|ระหว่าง|ใน(?:ปี|วันที่))|[,\n(]")
_CHAIR_AS = re.compile(r"\s*ในฐานะประธาน(?P<what>การประชุม|อาเซียน)")
_CHAIRED_BY = re.compile(r"(?:เป็น|ทำหน้าที่)ประธาน(?:การประชุม|ที่ประชุม|ของการประชุม)|\bchaired\b")
_ASEAN_CHAIR = re.compile(r"(?:ภายใต้|ใน)การเป็นประธานอาเซียนของ(?:ประเทศ)?")
_PART_OF = re.compile(r"ดังกล่าว\s?(?:เป็น)?ส่วนหนึ่งของ")
_MENTION_DATE = re.compile(r"^\s?(?:ซึ่ง)?(?:ได้)?(?:จะ)?(?:จัดขึ้น|จัด|มีขึ้น)?\s?(?:ระหว่าง|เมื่อ|ใน)?\s?วัน(?:ที่)?\s?")
_AND_NEXT = re.compile(r"^\s?และ\s?$")


def line_of(text: str, at: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, len(text) if end < 0 else end


def _entities(text: str, start: int, end: int) -> list[str]:
    """Countries and organisations in text[start:end], canonical, in order (a body inside a longer one once)."""
    piece = text[start:end]
    found = sorted(find_countries(piece) + find_organisations(piece), key=lambda f: (f.start, -f.end))
    names, last_end = [], -1
    for f in found:
        if f.start < last_end:
            continue
        if f.entry.standalone and len(found) > 1:
            continue  # "อาเซียน" beside a named body is part of the description
        last_end = f.end
        names.append(f.canonical)
    return list(dict.fromkeys(names))


def _clock(t: object) -> str:
    def one(v: time) -> str:
        return f"{v.hour:02d}.{v.minute:02d}"

    return f"{one(t[0])}-{one(t[1])}" if isinstance(t, tuple) else one(t)  # type: ignore[index,arg-type]


def _owner_before(drafts: list[Draft], at: int, line: tuple[int, int]) -> list[Draft]:
    """The meeting named closest before ``at`` in the same line, else the record's own meetings."""
    best: tuple[int, list[Draft]] | None = None
    for d in drafts:
        for m in d.mentions:
            if line[0] <= m.start and m.end <= at and (best is None or m.start > best[0]):
                best = (m.start, [d])
            elif best and m.start == best[0] and d not in best[1]:
                best[1].append(d)
    return best[1] if best else [d for d in drafts if d.main]


def _owner_after(drafts: list[Draft], at: int, within: int = 40) -> list[Draft]:
    starts = [(m.start, d) for d in drafts for m in d.mentions if at <= m.start <= at + within]
    if not starts:
        return []
    first = min(s for s, _ in starts)
    return [d for s, d in starts if s == first]


def _spans_in(text: str, line: tuple[int, int], kinds: list[str]) -> list:
    """Recognised spans of one line, with offsets into the whole text."""
    return [replace(s, start=s.start + line[0], end=s.end + line[0])
            for s in recognise(text[line[0]:line[1]], kinds)]


def _main_dates(text: str, drafts: list[Draft], meta_date: date | None, masked: str) -> None:
    for d in (d for d in drafts if d.main):
        line = line_of(text, d.anchor.start)
        spans = in_line = _spans_in(text, line, ["date", "time", "place"])
        dated = [s for s in in_line if s.kind == "date"]
        chosen = None
        if meta_date:
            chosen = next((s for s in dated if (s.value[0] if isinstance(s.value, tuple) else s.value) == meta_date),
                          None)
        chosen = chosen or (dated[0] if dated else None)
        if chosen is not None:
            first, last = chosen.value if isinstance(chosen.value, tuple) else (chosen.value, chosen.value)
            ranged = next((s for s in dated if isinstance(s.value, tuple) and s.value[0] == first), None)
            d.first_date, d.last_date = first, (ranged.value[1] if ranged else last)
            clock = next((s for s in spans if s.kind == "time"), None)
            d.time = _clock(clock.value) if clock else None
        elif meta_date and sum(o.main for o in drafts) == 1:
            d.first_date = d.last_date = meta_date  # the record's one meeting, dated in its dateline
        venue = next((s for s in in_line if s.kind == "place" and isinstance(s.value, Place)
                      and s.value.mode == "venue"), None)
        d.venue = venue.value.name if venue else None
        if REMOTE.search(masked, line[0], line[1]):
            d.mode = "video"
        elif d.venue and not REMOTE.search(masked):
            d.mode = "onsite"


def _mentioned_dates(text: str, drafts: list[Draft], masked: str) -> None:
    starts = sorted({m.start for d in drafts for m in d.mentions})
    lines = {line_of(text, m.start) for d in drafts for m in d.mentions}
    spans = [s for line in sorted(lines) for s in _spans_in(text, line, ["date"])]
    by_mention: dict[int, tuple[date, date]] = {}
    for d in drafts:
        for m in d.mentions:
            line_end = line_of(text, m.start)[1]
            stop = min([s for s in starts if s > m.start] + [line_end, m.end + 80])
            lead = _MENTION_DATE.match(text[m.end:stop])
            if not lead:
                continue
            found = next((s for s in spans if s.start == m.end + lead.end()), None)
            if found:
                by_mention[m.start] = found.value if isinstance(found.value, tuple) else (found.value, found.value)
    # "การประชุม A ครั้งที่ 15 และการประชุม B ครั้งที่ 16 ซึ่งจัดขึ้นระหว่างวันที่ ...": the date is both meetings'
    ends = {m.start: m.end for d in drafts for m in d.mentions}
    for a, b in zip(starts, starts[1:]):
        if b in by_mention and a not in by_mention and _AND_NEXT.match(text[ends[a]:b]):
            by_mention[a] = by_mention[b]
    for d in drafts:
        if d.main or d.first_date:
            continue
        got = next((by_mention[m.start] for m in d.mentions if m.start in by_mention), None)
        if got:
            d.first_date, d.last_date = got
        for m in d.mentions:
            stop = min([s for s in starts if s > m.start] + [line_of(text, m.start)[1]])
            if REMOTE.search(masked, m.end, stop):
                d.mode = "video"


def _set_host(targets: list[Draft], names: list[str]) -> None:
    for d in targets:
        d.host = d.host or (", ".join(names) if names else None)


def _hosts(text: str, drafts: list[Draft]) -> None:
    for m in _HOST_AFTER.finditer(text):
        seg_end = _SEGMENT_END.search(text, m.end() + 1)
        end = seg_end.start() if seg_end else min(len(text), m.end() + 120)
        names = _entities(text, m.end(), end)
        if not names:
            continue
        targets = _owner_before(drafts, m.start(), line_of(text, m.start()))
        _set_host(targets, names)
        chair = _CHAIR_AS.match(text, end)
        for d in targets:
            if chair and chair.group("what") == "การประชุม":
                d.chair = d.chair or names[0]
            elif chair:
                d.asean_chair = d.asean_chair or names[-1]
    for m in list(_HOST_BEFORE.finditer(text)) + list(_HELD_BY.finditer(text)):
        line = line_of(text, m.start())
        cuts = [c.end() for c in _BOUNDARY.finditer(text, max(line[0], m.start() - 120), m.start())]
        start = max(cuts) if cuts and m.re is _HOST_BEFORE else max(line[0], m.start() - 120)
        if m.re is _HELD_BY:
            said = text.rfind("ว่า", line[0], m.start())
            start = max(start, said + 3) if said >= 0 else start
        names = _entities(text, start, m.start())
        if not names:
            continue
        if m.re is _HELD_BY:
            names = names[:1]
        after = re.match(r"(?:ใน[^\s]{0,20}\s?)?(?:ใน|จัด)?(?=(?:การ|โครงการ)(?:จัด)?ประชุม)", text[m.end():m.end() + 40])
        targets = _owner_after(drafts, m.end() + (after.end() if after else 0), 2) if after else []
        if not targets and m.re is _HELD_BY:
            targets = _owner_after(drafts, m.end(), 2)
        _set_host(targets or _owner_before(drafts, m.start(), line), names)


def _country_chairs(text: str, drafts: list[Draft]) -> None:
    """ "(โดยมี)ประเทศกัมพูชาเป็นประธานการประชุม": a country or body (not a person) in the chair."""
    for m in _CHAIRED_BY.finditer(text):
        line = line_of(text, m.start())
        cuts = [c.end() for c in _BOUNDARY.finditer(text, max(line[0], m.start() - 80), m.start())]
        start = max(cuts + [line[0], m.start() - 80])
        piece = text[start:m.start()]
        if find_people(piece):
            continue  # a person chairs: a role in the attendance, not the meeting's chair
        names = _entities(text, start, m.start())
        if names:
            for d in _owner_before(drafts, m.start(), line):
                d.chair = d.chair or names[0]


def _chairs(text: str, drafts: list[Draft]) -> None:
    _country_chairs(text, drafts)
    for m in _ASEAN_CHAIR.finditer(text):
        found = find_countries(text[m.end():m.end() + 40])
        if found and found[0].start == 0:
            for d in drafts:
                if d.main:
                    d.asean_chair = d.asean_chair or found[0].canonical
    for m in _PART_OF.finditer(text):
        whole = _owner_after(drafts, m.end(), 2)
        for d in (d for d in drafts if d.main):
            for w in whole:
                d.host, d.chair = d.host or w.host, d.chair or w.chair


def _masked(text: str, drafts: list[Draft]) -> str:
    """``text`` with meeting names blanked, so a name's own words ("...ในสื่อออนไลน์") are not read as a mode."""
    chars = list(text)
    for d in drafts:
        for m in d.mentions:
            chars[m.start:m.end] = " " * (m.end - m.start)
    return "".join(chars)


def fill(text: str, drafts: list[Draft], meta_date: date | None) -> None:
    """Set dates, time, venue, mode, host and chairs on ``drafts`` (in place)."""
    _main_dates(text, drafts, meta_date, _masked(text, drafts))
    _mentioned_dates(text, drafts, _masked(text, drafts))
    _hosts(text, drafts)
    _chairs(text, drafts)


__all__ = ["fill", "line_of", "REMOTE"]
