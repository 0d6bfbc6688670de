"""People: honorific + name (+ surname) (+ the position that follows).

"นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ ได้รับมอบหมาย..."
is one person span up to the verb. Honorifics must be words of their own: "นายกรัฐมนตรี",
"นายจ้าง", "นางพยาบาล" start with นาย/นาง but newmm reads them as one word, so they are
positions or nouns, not people. A name is followed by a surname, a position, a verb or
the end of a clause; anything else ("นางได้กล่าว") is not read as a name.
"""
from __future__ import annotations

import re

from prachum.thai.gazetteer import find_organisations
from prachum.slots.base import THAI, THAI_LETTER, Person, SlotSpan, non_overlapping, span, starts_word, word_starts

# Thai honorifics, longest first so "นางสาว" wins over "นาง" (and "ผู้ช่วยศาสตราจารย์" over the position "ผู้ช่วย")
_TITLES = sorted((
    "นาย", "นาง", "นางสาว", "นายแพทย์", "แพทย์หญิง", "ทันตแพทย์", "ทันตแพทย์หญิง", "คุณหญิง", "ท่านผู้หญิง",
    "หม่อมราชวงศ์", "หม่อมหลวง", "หม่อมเจ้า", "ศาสตราจารย์", "รองศาสตราจารย์", "ผู้ช่วยศาสตราจารย์", "ว่าที่ร้อยตรี",
    "ว่าที่ร้อยตรีหญิง", "พันตำรวจเอก", "พลตำรวจเอก", "พลเอก", "พลโท", "พลตรี", "พันเอก", "พันโท", "พันตรี",
), key=len, reverse=True)
_DOTTED = sorted((
    "ดร.", "ศ.", "รศ.", "ผศ.", "นพ.", "พญ.", "ทพ.", "ทพญ.", "ภก.", "ภญ.", "ม.ร.ว.", "ม.ล.", "ม.จ.", "น.ส.",
    "ว่าที่ ร.ต.", "ว่าที่ร.ต.", "พล.อ.อ.", "พล.ร.อ.", "พล.ต.อ.", "พล.ต.ท.", "พล.ต.ต.", "พล.อ.", "พล.ท.", "พล.ต.",
    "พ.ต.อ.", "พ.ต.ท.", "พ.ต.ต.", "พ.อ.", "พ.ท.", "พ.ต.", "ร.ต.อ.", "ร.อ.", "ร.ท.", "ร.ต.", "น.อ.", "จ.ส.อ.",
), key=len, reverse=True)
_TITLE_RE = re.compile(
    rf"(?<![{THAI_LETTER}.])(?:{'|'.join(re.escape(t) for t in _DOTTED)})(?:\s?(?:{'|'.join(re.escape(t) for t in _DOTTED)}))*"
    rf"|(?:{'|'.join(_TITLES)})(?:\s?(?:{'|'.join(re.escape(t) for t in _DOTTED)}))?"
)
_ATTACHED = re.compile("[\u0e30-\u0e3a\u0e45\u0e47-\u0e4e]")

POSITION_HEADS = tuple(sorted((
    "รัฐมนตรี", "รมว.", "รมช.", "รองนายกรัฐมนตรี", "นายกรัฐมนตรี", "นายกเทศมนตรี", "นายกสมาคม", "ปลัด", "รองปลัด",
    "ผู้ช่วยปลัด", "ผู้ช่วยรัฐมนตรี", "ผู้ช่วยเลขาธิการ", "ผู้ช่วยผู้อำนวยการ", "ผู้ช่วย", "อธิบดี", "รองอธิบดี",
    "ผู้อำนวยการ", "รองผู้อำนวยการ", "ผอ.", "เลขาธิการ", "รองเลขาธิการ", "เลขานุการ", "ผู้แทน", "ประธาน", "รองประธาน",
    "เอกอัครราชทูต", "อัครราชทูต", "อุปทูต", "กงสุล", "หัวหน้า", "รองหัวหน้า", "ผู้ตรวจราชการ", "ผู้เชี่ยวชาญ",
    "รักษาการ", "ที่ปรึกษา", "ผู้ว่าราชการ", "รองผู้ว่าราชการ", "นายอำเภอ", "ผู้บัญชาการ", "ผู้บริหาร", "ผู้จัดการ",
    "ผู้ว่าการ", "คณบดี", "อธิการบดี", "รองอธิการบดี", "โฆษก", "รองโฆษก", "ผู้ประสานงาน", "นักวิชาการ",
    "นักสังคมสงเคราะห์", "นักพัฒนาสังคม", "นักวิเคราะห์", "นักการทูต", "เจ้าหน้าที่", "สมาชิกสภา", "กรรมการ",
    "อนุกรรมการ", "ผู้พิพากษา", "อัยการ", "ผู้กำกับ", "ผู้บังคับการ",
), key=len, reverse=True))
ORG_HEADS = ("กรม", "กระทรวง", "กอง", "สำนัก", "ศูนย์", "สถาบัน", "มหาวิทยาลัย", "องค์การ", "องค์กร", "สถานเอกอัครราชทูต",
             "สถานกงสุล", "จังหวัด", "ประจำ", "แห่ง", "การเคหะ", "ธนาคาร", "สมาคม", "มูลนิธิ", "คณะ", "ฝ่าย", "กลุ่มงาน")
# words that end a name or a position: verbs (as prefixes) and function words (as whole newmm words)
VERBS = tuple(sorted((
    "กล่าว", "เน้น", "เปิดเผย", "เปิด", "มอบหมาย", "มอบ", "รายงาน", "เข้าร่วม", "เข้า", "ร่วมกับ", "ร่วมประชุม", "ร่วมงาน",
    "ร่วมเป็น", "แถลง", "ระบุ", "เสนอ", "ชี้แจง", "ชี้", "เดินทาง", "อธิบาย", "กำชับ", "สั่งการ", "ประชุม", "หารือ", "ย้ำ",
    "แสดง", "ต้อนรับ", "ขอบคุณ", "แจ้ง", "เผย", "สรุป", "อภิปราย", "บรรยาย", "ปาฐกถา", "ทำหน้าที่", "ปฏิบัติหน้าที่",
    "ในฐานะ", "ในนาม", "ในการ", "ในโอกาส", "ในที่", "ในช่วง", "ในวัน", "พร้อม", "ได้", "เป็น", "ซึ่ง", "ทั้งนี้",
    "นอกจากนี้", "ดังกล่าว", "วันที่", "เวลา", "เมื่อ", "โดย", "เพื่อ", "ตลอดจน", "รวมถึง", "รวมทั้ง", "ได้แก่",
), key=len, reverse=True))
FUNCTION_WORDS = frozenset((
    "ได้", "เป็น", "จะ", "ยัง", "ให้", "ก็", "จึง", "เคย", "ซึ่ง", "ที่", "และ", "ว่า", "ไม่", "ต่อ", "กับ", "ของ", "ใน",
    "จาก", "โดย", "เพื่อ", "หรือ", "แต่", "ท่าน", "เอง", "ตน", "ทั้ง", "นี้", "นั้น", "ณ", "แก่", "คือ", "อยู่", "สำหรับ",
    "ถึง", "ตาม", "มา", "ไป", "มี", "รับ", "พบ", "ลง", "นำ", "ช่วย", "ขอ", "ตอบ", "ถือ", "กัน", "แล้ว", "เอา",
))
SOFT = ("และ", "หรือ", "เพื่อ", "ของ", "ต่อ", "ใน", "จาก", "แก่", "ที่", "สำหรับ", "ประจำ")
_NOT_STOP = ("ที่ปรึกษา", "ประจำ", "ต่างประเทศ")  # start like a stop word but continue a position
_SURNAME_PREFIX = re.compile(r"ณ\s(?:อยุธยา|นคร|สงขลา|ระนอง|ป้อมเพชร|ถลาง|บางช้าง|มโนรม|พัทลุง)")
_THAI_RUN = re.compile(rf"[{THAI}]+")
MAX_POSITION = 160

_EN_TITLE = (r"(?:H\.\s?E\.\s+)?(?:(?:Assoc\.|Asst\.)\s?Prof\.|Prof\.|Mrs\.?|Mr\.?|Ms\.?|Miss|Dr\.?|Dato'?\s?Sri|"
             r"Dato'?|Datuk|Tan\s+Sri|Sir)(?:\s+(?:Dr\.?|Mr\.?|Ms\.?|Mrs\.?))?")
_EN_POSITION = ("Minister", "Deputy", "Permanent", "Secretary", "Director", "Director-General", "Ambassador", "Head",
                "Chair", "Chairperson", "Chairman", "Vice", "President", "Senior", "Executive", "Representative",
                "Assistant", "Inspector", "Advisor", "Adviser", "Governor", "Under-Secretary", "Undersecretary",
                "Chief", "Leader", "Commissioner", "Acting", "Officer", "Spokesperson")
_EN_WORD = r"[A-Z][a-zA-Z'’\-]+"
_EN_PERSON = re.compile(
    rf"(?<![A-Za-z])(?P<title>{_EN_TITLE})\s+(?P<name>(?!(?:{'|'.join(_EN_POSITION)})\b){_EN_WORD}"
    rf"(?:\s+(?:bin|binti|van|de|da|al)?\s*(?!(?:{'|'.join(_EN_POSITION)})\b){_EN_WORD}){{0,4}})"
    rf"(?:,\s+(?P<position>(?:{'|'.join(_EN_POSITION)})\b(?:[\s-]+(?:{_EN_WORD}|of|the|and|for|on|to|&)){{0,14}}))?"
)


def _starts_any(text: str, at: int, words: tuple[str, ...]) -> str | None:
    return next((w for w in words if text.startswith(w, at)), None)


def _stop(text: str, at: int) -> str | None:
    """The verb or function word written at ``at`` (a word start), if any."""
    if _starts_any(text, at, _NOT_STOP):
        return None
    verb = _starts_any(text, at, VERBS)
    if verb:
        return verb
    first = next((w for w in word_starts(text, at, min(len(text), at + 30))[1:2]), at)
    word = text[at:first]
    return word if word in FUNCTION_WORDS else None


def _is_stop(text: str, at: int) -> bool:
    return _stop(text, at) is not None


def _title_ok(text: str, start: int, title: str) -> bool:
    """The honorific is a word of its own here (not the start of "นายกรัฐมนตรี" or "ค่านายหน้า")."""
    end = start + len(title)
    if end >= len(text) or _ATTACHED.match(text[end]):
        return False
    word = next((t for t in _TITLES if title.startswith(t)), None)
    if word is None:
        return True  # dotted titles ("ดร.", "พล.อ.") are unambiguous after the look-behind
    if start and re.match(rf"[{THAI}]", text[start - 1]) and \
            start not in word_starts(text, max(0, start - 30), min(len(text), start + 40)):
        return False
    return starts_word(text, start, word)


def _name_end(text: str, at: int) -> int | None:
    """End of a Thai given name or surname starting at ``at``, or None if no name starts there."""
    m = _THAI_RUN.match(text, at)
    if not m or _is_stop(text, at) or _starts_any(text, at, POSITION_HEADS) or _TITLE_RE.match(text, at):
        return None
    end = m.end()
    for cut in word_starts(text, at, end)[1:-1]:  # a glued position or verb: "รัชชุกูลผู้อำนวยการ"
        if _starts_any(text, cut, POSITION_HEADS) or _TITLE_RE.match(text, cut) or text.startswith("กล่าว", cut):
            end = cut
            break
    if text[end - 1] == "ฯ":
        end -= 1
    return end if 2 <= end - at <= 25 and not re.search(r"[ๆ\u0e50-\u0e59]", text[at:end]) else None


def _position_end(text: str, at: int, protected: list[tuple[int, int]]) -> int:
    """End of the position that starts at ``at`` (a position head): up to a verb, a clause or a new item."""
    end, cursor = at, at
    while cursor < len(text) and cursor - at < MAX_POSITION:
        m = re.compile(rf"[^\s(),:;“”\"]+").match(text, cursor)
        if not m:
            break
        chunk_end = m.end()
        cut = chunk_end
        for w in word_starts(text, cursor, chunk_end)[1:-1]:
            if any(a < w < b for a, b in protected):
                continue
            if _TITLE_RE.match(text, w) and _title_ok(text, w, _TITLE_RE.match(text, w).group()):
                cut = w
                break
            stop = _stop(text, w)
            if stop:
                follows = w + len(stop)
                if stop not in SOFT or _starts_any(text, follows, POSITION_HEADS) or _TITLE_RE.match(text, follows) \
                        or _is_stop(text, follows):
                    cut = w
                    break
        end = cut
        if cut < chunk_end:
            break
        nxt = re.compile(r"[ \t]+").match(text, chunk_end)
        if not nxt:
            break
        follow = nxt.end()
        if not (_starts_any(text, follow, ORG_HEADS) or any(a == follow for a, _ in protected)) or \
                _starts_any(text, follow, ("กรรมการ", "คณะผู้แทน")):
            break
        cursor = follow
    if end < len(text) and text[end] == "ฯ":
        end += 1
    return end


def _thai_people(text: str) -> list[SlotSpan]:
    found = []
    protected = [(f.start, f.end) for f in find_organisations(text)]
    for m in _TITLE_RE.finditer(text):
        title, start = m.group(), m.start()
        while title and not _title_ok(text, start, title):  # "นางสาวิตรี" is นาง + สาวิตรี
            shorter = [t for t in _TITLES if title.startswith(t) and len(t) < len(title)]
            title = shorter[0] if shorter else ""
        if not title:
            continue
        at = start + len(title)
        at += 1 if text[at:at + 1] == " " and (title.endswith(".") or len(title) > 6) else 0
        given_end = _name_end(text, at)
        if given_end is None:
            continue
        end = name_end = given_end
        after = given_end + 1 if text[given_end:given_end + 1] == "ฯ" else given_end
        surname = _SURNAME_PREFIX.match(text, after + 1) if text[after:after + 1] == " " else None
        if surname:
            end = name_end = surname.end()
        elif text[after:after + 1] == " " and after == given_end:
            surname_end = _name_end(text, after + 1)
            if surname_end:
                end = name_end = surname_end
        gap = re.compile(r"[ \t]?").match(text, end).end()
        if text[end:end + 1] != "ฯ" and _starts_any(text, gap, POSITION_HEADS) and not _is_stop(text, gap):
            end = _position_end(text, gap, protected)
            position = text[gap:end]
        else:
            position = None
            if end == given_end and not (end >= len(text) or text[end] in " \t\n,.)ฯ”\"" or _is_stop(text, end)):
                continue  # a given name glued to something we cannot read
        name = text[at:name_end]
        found.append(span("person", text, start, end, Person(title.strip(), name, position)))
    return found


def _english_people(text: str) -> list[SlotSpan]:
    found = []
    for m in _EN_PERSON.finditer(text):
        position = m.group("position")
        if position:
            position = re.sub(r"(?:\s+(?:of|the|and|for|on|to|&))+$", "", position)
        end = m.start("position") + len(position) if position else m.end("name")
        found.append(span("person", text, m.start(), end, Person(m.group("title"), m.group("name"), position)))
    return found


def people(text: str) -> list[SlotSpan]:
    """People named in ``text`` (Thai and English honorifics), with the position that follows them."""
    return non_overlapping(_thai_people(text) + _english_people(text))


def title_at(text: str, at: int) -> bool:
    """Whether a person's honorific is written at ``at`` (a person starts there)."""
    m = _TITLE_RE.match(text, at)
    return bool(m) and _title_ok(text, at, m.group())
