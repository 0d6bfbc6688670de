"""Numbers with their units: "130 คน", "๕ ประเทศ", "10 ล้านบาท", "2.5%", "ร้อยละ 25", "ครั้งที่ ๑๖", "16th".

A number alone is not a fact (is "19" a count, a year, a virus?), so only numbers with a
unit are reported, and never the digits of a date, a time or a year ("ปี 2564", "พ.ศ. 2563").
Units are written in their Thai form (English "people" is "คน") so a question's unit finds them.
"""
from __future__ import annotations

import re

from prachum.slots.base import DIGITS, THAI, SlotSpan, non_overlapping, number, span, word_starts
from prachum.slots.when import dates, times

_NUM = r"(?P<num>[0-9\u0e50-\u0e59]{1,3}(?:,[0-9\u0e50-\u0e59]{3})+(?:\.[0-9\u0e50-\u0e59]+)?|[0-9\u0e50-\u0e59]+(?:\.[0-9\u0e50-\u0e59]+)?)"
_QUALIFIER = r"(?:(?<!งบ)(?:ประมาณ|ราว|เกือบ|กว่า|มากกว่า|ไม่น้อยกว่า|ไม่เกิน|อย่างน้อย|(?i:about|approximately|around|over|more than|nearly|almost|at least))\s*)?"
# Thai units (classifiers), longest first; a unit must be whole newmm words ("ราย" is not "รายงาน")
THAI_UNITS = tuple(sorted((
    "คน", "ล้านคน", "แสนคน", "หมื่นคน", "พันคน", "ราย", "ท่าน", "ประเทศ", "องค์กร", "หน่วยงาน", "โครงการ", "ฉบับ", "ครั้ง", "วัน", "เดือน", "สัปดาห์", "ปี",
    "ชั่วโมง", "นาที", "บาท", "ล้านบาท", "พันล้านบาท", "แสนบาท", "หมื่นบาท", "ล้าน", "ดอลลาร์สหรัฐ", "ดอลลาร์", "ยูโร",
    "เยน", "หยวน", "เปอร์เซ็นต์", "แห่ง", "ครอบครัว", "ครัวเรือน", "เรื่อง", "ประเด็น", "ประการ", "ข้อ", "หัวข้อ", "กิจกรรม",
    "ด้าน", "สาขา", "กลุ่ม", "ชุมชน", "จังหวัด", "อำเภอ", "เครือข่าย", "ทุน", "รางวัล", "คณะ", "รุ่น", "หลักสูตร", "แผน",
    "มาตรการ", "ยุทธศาสตร์", "เสาหลัก", "ภาษา", "เมือง", "ศูนย์", "สถาบัน", "แผนงาน", "ภูมิภาค", "ชาติ",
), key=len, reverse=True))
# units that may begin a longer word: "10 ประเทศสมาชิก", "130 คนพิการ"
_LOOSE = ("ประเทศ", "คน", "ล้าน", "ครั้ง", "หน่วยงาน", "องค์กร")
EN_UNITS = {
    "people": "คน", "persons": "คน", "participants": "คน", "delegates": "คน", "attendees": "คน",
    "countries": "ประเทศ", "member states": "ประเทศ", "ASEAN member states": "ประเทศ", "ASEAN countries": "ประเทศ", "projects": "โครงการ", "documents": "ฉบับ",
    "days": "วัน", "months": "เดือน", "years": "ปี", "times": "ครั้ง", "topics": "หัวข้อ", "organisations": "องค์กร",
    "organizations": "องค์กร", "baht": "บาท", "million baht": "ล้านบาท", "US dollars": "ดอลลาร์สหรัฐ", "USD": "ดอลลาร์สหรัฐ",
    "percent": "%", "per cent": "%",
}
_EN_LOWER = {k.lower(): v for k, v in EN_UNITS.items()}
_THAI_AMOUNT = re.compile(rf"{_QUALIFIER}{_NUM}\s?(?P<unit>%|{'|'.join(THAI_UNITS)})")
_EN_AMOUNT = re.compile(
    rf"(?<![A-Za-z$]){_QUALIFIER}{_NUM}\s?(?P<unit>%|(?i:{'|'.join(sorted(EN_UNITS, key=len, reverse=True))})\b)")
_PERCENT = re.compile(rf"(?:ร้อยละ|(?i:percent(?:age)? of))\s?{_NUM}")
_ORDINAL = re.compile(rf"(?P<unit>ครั้งที่|ฉบับที่|รุ่นที่|ระยะที่|ลำดับที่|อันดับที่|ปีที่|ข้อที่)\s?{_NUM}(?![0-9\u0e50-\u0e59.])")
_EN_ORDINAL = re.compile(r"(?<![A-Za-z0-9])(?P<num>\d{1,3})(?:st|nd|rd|th)(?![A-Za-z])")
_YEAR_BEFORE = re.compile(r"(?:ปี|พ\.\s?ศ\.|ค\.\s?ศ\.|ปีงบประมาณ|(?i:in|year))\s*$")
_GLUED = re.compile(r"[A-Za-z][-‐]?$|\+\s?$")
_YEAR_RANGE = re.compile(r"[0-9\u0e50-\u0e59]{4}\s*(?:[-–—]|ถึง|และ)\s*$")  # "พ.ศ. 2557 – 2558 ประเทศไทย"  # "COVID-19", "G20", "4IR" are names


def _unit_ok(text: str, start: int, unit: str) -> bool:
    if not re.match(rf"[{THAI}]", unit):
        return True
    end = start + len(unit)
    if end >= len(text) or not re.match(rf"[{THAI}]", text[end]):
        return True
    return end in word_starts(text, start, min(len(text), start + len(unit) + 25)) or unit in _LOOSE


def numbers(text: str) -> list[SlotSpan]:
    """Amounts with units, editions ("ครั้งที่ 16" -> (16.0, "ครั้งที่")) and ordinals ("16th" -> (16.0, "ordinal"))."""
    taken = [(s.start, s.end) for s in dates(text) + times(text)]
    found = []

    def add(m: re.Match[str], unit: str) -> None:
        start, end = m.start(), m.end()
        if any(a < end and start < b for a, b in taken):
            return
        if _YEAR_BEFORE.search(text[max(0, m.start("num") - 14):m.start("num")]) and not text[:start].endswith("ร้อยละ"):
            return
        if _GLUED.search(text[max(0, m.start("num") - 2):m.start("num")]):
            return
        if len(m.group("num")) == 4 and _YEAR_RANGE.search(text[max(0, m.start("num") - 12):m.start("num")]):
            return
        found.append(span("number", text, start, end, (number(m.group("num")), unit)))

    for m in _THAI_AMOUNT.finditer(text):
        if _unit_ok(text, m.start("unit"), m.group("unit")):
            unit = "%" if m.group("unit") in ("%", "เปอร์เซ็นต์") else m.group("unit")
            add(m, unit)
    for m in _EN_AMOUNT.finditer(text):
        add(m, "%" if m.group("unit") == "%" else _EN_LOWER[m.group("unit").lower()])
    for m in _PERCENT.finditer(text):
        add(m, "%")
    for m in _ORDINAL.finditer(text):
        add(m, m.group("unit"))
    for m in _EN_ORDINAL.finditer(text):
        add(m, "ordinal")
    return non_overlapping(found)


__all__ = ["numbers", "DIGITS"]
