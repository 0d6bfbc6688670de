"""Places: venues after "ณ" (or "ที่" + a venue word), remote meetings ("ผ่านระบบการประชุมทางไกล
(Video Conference)"), and English "in Bangkok", "at the ... Hotel", "via video conference".

A venue runs over the space-separated parts of an address ("ห้องประชุม ชั้น 2 กระทรวง พม.
สะพานขาว ถนนกรุงเกษม กรุงเทพฯ") while each part looks like one, and stops at a person, a
verb or a date: Thai news often glues the next clause on without punctuation.
"""
from __future__ import annotations

import re

from prachum.thai.gazetteer import find_countries, find_organisations
from prachum.slots.base import THAI, Place, SlotSpan, non_overlapping, span, word_starts
from prachum.slots.people import VERBS, title_at
from prachum.slots.when import dates, times

PLACE_HEADS = ("ห้อง", "ชั้น", "อาคาร", "ตึก", "โรงแรม", "ถนน", "ถ.", "ซอย", "แขวง", "เขต", "ตำบล", "อำเภอ", "จังหวัด",
               "กรุง", "เมือง", "ประเทศ", "ศูนย์", "สำนักงาน", "กระทรวง", "กรม", "มหาวิทยาลัย", "ทำเนียบ", "สถาน", "หอประชุม",
               "เกาะ", "นคร", "รัฐ", "เลขที่", "หมู่ที่", "สาธารณรัฐ", "ราชอาณาจักร", "สโมสร", "ค่าย", "วิทยาลัย", "โรงเรียน",
               "สนาม", "พระราชวัง", "ศาลากลาง", "อุทยาน", "รีสอร์ท", "รีสอร์ต", "ทำเนียบรัฐบาล")
_NOT_PLACE = ("วันที่", "เวลา", "ปัจจุบัน", "ขณะ", "ตอน", "สิ้น", "ที่นี้", "ที่นี่", "โอกาส", "บัดนี้", "ที่ประชุม", "ที่สุด")
_MARKER = re.compile(rf"(?<![{THAI}])ณ\s*|(?<![\u0e48-\u0e4b])ที่\s*(?=(?:ห้องประชุม|โรงแรม|อาคาร|จังหวัด|กรุง|ศูนย์ประชุม|"
                     rf"ทำเนียบรัฐบาล|เมือง|สาธารณรัฐ|ราชอาณาจักร|หอประชุม|ประเทศ))")
# "ที่" is also "that"/"which": a venue after it only follows a verb of holding or going
_HELD = re.compile(r"(?:จัดขึ้น|จัด|ประชุม|เยือน|เดินทางไป|ดูงาน|สัมมนา|ขึ้น|อบรม)\s*$")
_NUMBERED = ("ชั้น", "เลขที่", "ห้อง", "ซอย", "หมู่ที่", "อาคาร")
_CHUNK = re.compile(r"[^\s(),:;“”\"]+")
_ABBR = re.compile(rf"[{THAI}]+\.(?:[{THAI}]+\.)*|[{THAI}]+ฯ")
_REMOTE_KEYS = (r"(?:การ)?(?:ประชุม)?(?:ทางไกล|ออนไลน์|วีดิทัศน์ทางไกล|วีดิทัศน์|วิดีโอ\s?คอนเฟอเรนซ์|อิเล็กทรอนิกส์)"
                r"|\s?(?:Video Conference|VDO Conference|Zoom(?: Meeting)?|Microsoft Teams|Webex|Cisco Webex)")
_REMOTE = re.compile(
    rf"ผ่าน(?:ระบบ|ช่องทาง|ทาง)?\s?(?:{_REMOTE_KEYS})(?:\s?\((?:[A-Za-z ]*(?:Conference|Zoom|Online|Virtual|Teams|Webex)"
    rf"[A-Za-z ]*|ออนไลน์)\))?"
    rf"|(?:ใน|ด้วย)รูปแบบ(?:การประชุม)?(?:ออนไลน์|ทางไกล|ผสมผสาน|ไฮบริด)"
    rf"|(?i:via\s+(?:video\s?conferenc(?:e|ing)|teleconferenc(?:e|ing)|zoom|(?:an\s+)?online\s+platform|webex|"
    rf"microsoft\s+teams)|in\s+(?:a\s+)?virtual\s+format)"
)
CITIES = ("Bangkok", "Jakarta", "Manila", "Hanoi", "Ha Noi", "Kuala Lumpur", "Singapore", "Vientiane", "Phnom Penh",
          "Yangon", "Nay Pyi Taw", "Naypyidaw", "Bandar Seri Begawan", "Beijing", "Tokyo", "Seoul", "Dili", "Siem Reap",
          "Chiang Mai", "Bali", "Da Nang", "Cebu", "Penang", "Luang Prabang", "Putrajaya", "Ho Chi Minh City",
          "New Delhi", "Canberra", "Geneva", "New York")
_EN_PLACE = re.compile(
    rf"(?<![A-Za-z])(?:in|at)\s+(?P<place>(?:the\s+)?(?:(?:[A-Z][\w'’&-]*\s+){{0,5}}(?:Hotel|Centre|Center|Hall|Room|"
    rf"Building|Palace|House|Resort)|{'|'.join(CITIES)})(?:,\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)?)"
)
MAX_PLACE = 150


def _part_ok(text: str, at: int, previous: str, protected: set[int]) -> bool:
    """Whether the chunk at ``at`` continues an address."""
    chunk = _CHUNK.match(text, at)
    if not chunk:
        return False
    word = chunk.group()
    if word.startswith(PLACE_HEADS) or at in protected or _ABBR.fullmatch(word):
        return True
    if re.fullmatch(r"[0-9\u0e50-\u0e59/]+", word):
        return previous.endswith(_NUMBERED) or previous.startswith(("ห้อง", "อาคาร", "ตึก"))
    return False


def _venue_end(text: str, at: int, limit: set[int], protected: set[int]) -> int:
    end, cursor, previous, bridged = at, at, "", False
    while cursor < len(text) and cursor - at < MAX_PLACE:
        chunk = _CHUNK.match(text, cursor)
        if not chunk or cursor in limit:
            break
        cut = chunk.end()
        for w in word_starts(text, cursor, chunk.end())[:-1]:
            if w in limit or (w > at and (title_at(text, w) or text.startswith(VERBS, w))) \
                    or (w == cursor and text.startswith(("และ", "หรือ", "โดย", "ซึ่ง", "เพื่อ"), w)):
                cut = w
                break
        if cut == cursor:
            break
        end = cut
        if cut < chunk.end():
            break
        previous = chunk.group()
        gap = re.compile(r"[ \t]+").match(text, chunk.end())
        if not gap:
            break
        nxt = gap.end()
        if _part_ok(text, nxt, previous, protected):
            cursor, bridged = nxt, False
            continue
        after = _CHUNK.match(text, nxt)
        if not bridged and after and re.match(rf"[{THAI}]", after.group()) \
                and not text.startswith(VERBS, nxt) and not title_at(text, nxt):
            gap2 = re.compile(r"[ \t]+").match(text, after.end())
            if gap2 and _part_ok(text, gap2.end(), "", protected) and not title_at(text, gap2.end()):
                cursor, bridged = nxt, True  # "สะพานขาว ถนนกรุงเกษม": a local name between two address parts
                continue
        break
    return end


def places(text: str) -> list[SlotSpan]:
    """Where a meeting happened: a venue (value Place("venue", name)) or a remote mode (Place("remote", ...))."""
    found = []
    limit = {i for s in dates(text) + times(text) for i in (s.start,)}
    protected = {f.start for f in find_organisations(text) + find_countries(text)}
    for m in _MARKER.finditer(text):
        at = m.end()
        if m.group().startswith("ที่") and (m.start() not in word_starts(text, max(0, m.start() - 20), at + 10)
                                           or not _HELD.search(text[max(0, m.start() - 15):m.start()])):
            continue
        if text.startswith(_NOT_PLACE, at) or text.startswith(VERBS, at) or title_at(text, at):
            continue
        if re.match(r"ณ\s(?:อยุธยา|นคร|สงขลา|ระนอง|ป้อมเพชร|ถลาง|บางช้าง|มโนรม)", text[m.start():]):
            continue  # a surname ("ณ อยุธยา"), not a place
        if not re.match(rf"[{THAI}A-Z]", text[at:at + 1]):
            continue
        end = _venue_end(text, at, limit, protected)
        if end - at >= 2:
            found.append(span("place", text, at, end, Place("venue", text[at:end])))
    for m in _REMOTE.finditer(text):
        name = re.sub(r"^(?:ผ่าน(?:ระบบ|ช่องทาง|ทาง)?|ใน|ด้วย|(?i:via|in))\s*", "", m.group())
        found.append(span("place", text, m.start(), m.end(), Place("remote", name)))
    for m in _EN_PLACE.finditer(text):
        found.append(span("place", text, m.start("place"), m.end("place"), Place("venue", m.group("place"))))
    return non_overlapping(found)
