"""Countries and organisations (from the gazetteer) and acronym expansions.

An expansion is what a record writes next to an acronym: "(Senior Officials Meeting on
Social Welfare and Development: SOMSWD)", "ASEAN Development Outlook (ADO)",
"รางวัลด้านสวัสดิการสังคม...แห่งอาเซียน (AOSWADA)". An English long form must spell the
acronym (Schwartz & Hearst: its letters in order, the first at a word start), or it is
not reported; a Thai long form must start with a name word (การประชุม, กรม, แผน, ...).
"""
from __future__ import annotations

import re

from prachum.thai.gazetteer import find_countries, find_organisations
from prachum.slots.base import THAI, SlotSpan, non_overlapping, span, word_start, word_starts

_ORD = r"(?:\d{1,3}(?:st|nd|rd|th)\s+)"
_ACR = r"(?:[0-9]?[A-Z][A-Za-z0-9&\-]*[A-Z0-9](?:\s?\+\s?3)?)"
_LONG_EN = r"[A-Za-z0-9][^()\n:–—]*?(?:\([^()\n]*\)[^()\n:–—]*?)?"
_IN_PARENS = re.compile(rf"\((?P<long>{_LONG_EN})\s*(?::|\s[-–—]|\s?[–—])\s*{_ORD}?(?P<acr>{_ACR})\s*\)")
_ACR_ONLY = re.compile(rf"\(\s*{_ORD}?(?P<acr>{_ACR})\s*\)")
_ACR_THEN_LONG = re.compile(rf"(?<![A-Za-z0-9])(?P<acr>{_ACR})\s?\((?P<long>[^()\n]{{4,160}})\)")
_SAYS = re.compile(rf"(?<![A-Za-z0-9])(?P<acr>{_ACR})\s*\(?\s*(?:ย่อมาจาก|มาจาก|(?i:stands for|short for))\s*"
                   rf"(?P<long>[A-Za-z][A-Za-z\-’' ]+[A-Za-z]|[{THAI}]+)")
_ORDINAL_WORDS = re.compile(r"^(?:(?:the|The)\s+)?(?:\d{1,3}(?:st|nd|rd|th)|First|Second|Third|Fourth|Fifth|Sixth|"
                            r"Seventh|Eighth|Ninth|Tenth|Eleventh|Twelfth|Thirteenth|Fourteenth|Fifteenth|Sixteenth|"
                            r"Seventeenth|Eighteenth|Nineteenth|Twentieth)\s+|^(?:the|The)\s+")
THAI_NAME_HEADS = ("การประชุม", "ประชุม", "คณะ", "กรม", "กระทรวง", "สำนักงาน", "สำนัก", "ศูนย์", "แผน", "ปฏิญญา", "กรอบ",
                   "รายงาน", "โครงการ", "ยุทธศาสตร์", "องค์การ", "องค์กร", "รางวัล", "กองทุน", "เครือข่าย", "สถาบัน",
                   "ความตกลง", "ข้อตกลง", "ประชาคม", "สมาคม", "การปฏิวัติ", "กลไก", "เวที", "บันทึก", "แนวทาง", "สภา",
                   "ธนาคาร", "มูลนิธิ", "ภาคี", "หน่วยงาน", "ระบบ", "ปฏิญญา", "อนุสัญญา", "คณะกรรมการ")
_CLAUSE = ("เกี่ยวกับ", "ถึง", "ว่า", "โดย", "ซึ่ง", "เป็น", "ได้", "ให้", "เรื่อง", "คือ", "ได้แก่", "ประกอบด้วย", "ดังกล่าว",
           "ระหว่าง", "จัด", "เข้าร่วม", "ร่วม", "เสนอ", "มอบ", "ภายใต้", "สำหรับ")


def countries(text: str) -> list[SlotSpan]:
    """Countries named in ``text``; value is the canonical Thai name ("สาธารณรัฐประชาชนจีน" -> "จีน")."""
    return [span("country", text, f.start, f.end, f.canonical) for f in find_countries(text)]


# bodies the gazetteer does not know, read by their head noun: "มหาวิทยาลัยเคมบริดจ์",
# "กระทรวงวัฒนธรรม เยาวชน และการกีฬา" (a name of listed parts ends with "และ" and the last one)
ORG_HEADS = ("มหาวิทยาลัย", "สำนักงาน", "กระทรวง", "สถาบัน")
_COUNTRY_AFTER = re.compile(r"\s{0,2}(?:(?:ของ)?(?:ประเทศ)?)")
_HEADED = re.compile(rf"(?:{'|'.join(ORG_HEADS)})[ก-๙]{{2,}}(?:(?:\s[ก-๙]+){{1,3}}\sและ[ก-๙]+)?")


def organisations(text: str) -> list[SlotSpan]:
    """Organisations named in ``text``; value is the canonical Thai name ("พม." -> "กระทรวงการพัฒนาสังคม..."),
    or the name as written for a body read by its head noun."""
    known = [span("organisation", text, f.start, f.end, f.canonical) for f in find_organisations(text)]
    headed = [span("organisation", text, m.start(), m.end(), m.group()) for m in _HEADED.finditer(text)
              if not any(k.start <= m.start() < k.end or m.start() <= k.start < m.end() for k in known)
              and word_start(text, m.start())]
    return [_with_country(s, text) for s in sorted(known + headed, key=lambda s: s.start)]


def _with_country(body: SlotSpan, text: str) -> SlotSpan:
    """A ministry written with its country right after it is that country's ministry, and is named so:
    "กระทรวงวัฒนธรรม เยาวชน และการกีฬา เนการาบรูไนดารุสซาลาม" (Brunei's, not Thailand's)."""
    if not body.text.startswith("กระทรวง"):
        return body
    after = _COUNTRY_AFTER.match(text, body.end)
    country = next((c for c in find_countries(text[after.end():after.end() + 40]) if c.start == 0), None) if after else None
    if country is None or country.entry.thai == "ไทย":  # a Thai ministry keeps its own name (and English)
        return body
    end = after.end() + country.end
    return span("organisation", text, body.start, end, text[body.start:end])


def spells(acronym: str, long: str) -> bool:
    """Whether ``long`` can be abbreviated as ``acronym`` (Schwartz & Hearst, letters only)."""
    letters = [c.lower() for c in acronym if c.isalpha()]
    if len(letters) < 2 or len(long.split()) > 2 * len(letters) + 5:
        return False
    text = long.lower()
    i = len(text) - 1
    for n, c in enumerate(reversed(letters)):
        first = n == len(letters) - 1
        while i >= 0 and (text[i] != c or (first and i > 0 and text[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return False
        i -= 1
    return True


def key(acronym: str) -> str:
    """The comparable form of an acronym: "16th SOCCOM" -> "SOCCOM", "SOMSWD + 3" -> "SOMSWD+3"."""
    return re.sub(r"\s+", "", re.sub(rf"^{_ORD}", "", acronym.strip())).upper()


_MINOR = {"of", "for", "the", "and", "on", "in", "to", "a", "an", "&"}


def _initials(acronym: str, long: str) -> int:
    """How many of the acronym's letters are initials of the long form's words, in order (their LCS)."""
    letters = [c.lower() for c in acronym if c.isalpha()]
    initials = [w[0].lower() for w in re.split(r"[\s\-]+", long) if w and w.lower() not in _MINOR]
    table = [[0] * (len(initials) + 1) for _ in range(len(letters) + 1)]
    for i, a in enumerate(letters):
        for j, b in enumerate(initials):
            table[i + 1][j + 1] = table[i][j] + 1 if a == b else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


def _english_before(text: str, paren: int, acronym: str) -> tuple[int, int] | None:
    """The English long form just before "(" that spells ``acronym``: most initials, then fewest words."""
    end = paren
    while end and text[end - 1] == " ":
        end -= 1
    base = max(0, end - 200)
    words = list(re.finditer(r"[A-Za-z][\w’'\-]*", text[base:end]))
    if not words or words[-1].end() + base != end:
        return None
    best, best_score = None, 0
    first_letter = next(c for c in acronym if c.isalpha()).lower()
    for k in range(1, min(len(words), 2 * len(acronym) + 3) + 1):
        start = base + words[-k].start()
        between = text[start:end]
        if re.search(r"[^A-Za-z0-9\s’'\-&,]", between):
            break
        if between[0].lower() == first_letter and spells(acronym, between):
            score = _initials(acronym, between)
            if score > best_score:
                best, best_score = (start, end), score
    return best


def _thai_before(text: str, paren: int) -> tuple[int, int] | None:
    """The Thai name just before "(": from its name word ("การประชุม", "รางวัล") to the parenthesis."""
    end = paren
    while end and text[end - 1] == " ":
        end -= 1
    edition = re.search(r"\sครั้งที่\s?[0-9\u0e50-\u0e59]+$", text[max(0, end - 20):end])
    stem_end = end - len(edition.group()) if edition else end
    start = stem_end
    while start and re.match(rf"[{THAI}]", text[start - 1]):
        start -= 1
    starts = word_starts(text, start, stem_end)[:-1]
    clause = [w + len(next(c for c in _CLAUSE if text.startswith(c, w))) for w in starts if text.startswith(_CLAUSE, w)]
    begin = max(clause, default=start)
    head = next((w for w in starts if w >= begin and text.startswith(THAI_NAME_HEADS, w)), None)
    return (head, end) if head is not None and stem_end - head >= 6 else None


def _clean(text: str, start: int, end: int, acronym: str = "") -> tuple[int, int]:
    m = re.match(r"(?:the|The)\s+", text[start:end]) if acronym[:1].isdigit() else _ORDINAL_WORDS.match(text[start:end])
    start += m.end() if m else 0
    while end > start and text[end - 1] in " ,;":
        end -= 1
    return start, end


def expansions(text: str) -> list[SlotSpan]:
    """Acronyms with their long forms; value (acronym, long form), the span is the long form."""
    found = []
    for m in _IN_PARENS.finditer(text):
        acr = key(m.group("acr"))
        start, end = _clean(text, m.start("long"), m.start("long") + len(m.group("long").rstrip()), acr)
        if spells(acr, text[start:end]):
            found.append(span("expansion", text, start, end, (acr, text[start:end])))
    taken = [(s.start, s.end) for s in found]
    for m in _ACR_ONLY.finditer(text):
        acr = key(m.group("acr"))
        before = _english_before(text, m.start(), acr) or _thai_before(text, m.start())
        if before and not any(a <= before[0] < b for a, b in taken):
            start, end = _clean(text, *before)
            found.append(span("expansion", text, start, end, (acr, text[start:end])))
    for m in _ACR_THEN_LONG.finditer(text):
        acr, long = key(m.group("acr")), m.group("long").strip()
        english = re.match(r"[A-Za-z]", long) and spells(acr, long)
        thai = re.match(rf"[{THAI}]", long) and long.startswith(THAI_NAME_HEADS)
        if english or thai:
            start, end = _clean(text, m.start("long"), m.start("long") + len(m.group("long").rstrip()))
            found.append(span("expansion", text, start, end, (acr, text[start:end])))
    for m in _SAYS.finditer(text):
        found.append(span("expansion", text, m.start("long"), m.end("long"), (key(m.group("acr")), m.group("long"))))
    return non_overlapping(found)


def expansion_of(text: str, acronym: str) -> SlotSpan | None:
    """The long form ``text`` gives for ``acronym`` (English preferred), or None."""
    wanted = key(acronym)
    matches = [s for s in expansions(text) if isinstance(s.value, tuple) and s.value[0] == wanted]
    english = [s for s in matches if re.match(r"[A-Za-z]", s.text)]
    return (english or matches or [None])[0]
