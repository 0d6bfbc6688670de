"""Dates (via prachum.thai.dates) and clock times ("09.00 น.", "13.30 - 16.30 น.", "9:00 a.m.")."""
from __future__ import annotations

import re
from datetime import time

from prachum.thai.dates import ENGLISH_MONTH_NAMES, THAI_MONTH_NAMES, find_dates
from prachum.slots.base import DIGITS, SlotSpan, span

_D = "[0-9\u0e50-\u0e59]"
_CLOCK = (r"(?<![0-9\u0e50-\u0e59.:/])(?P<hN>D{1,2})\s?[.:]\s?(?P<mN>D{2})(?![0-9\u0e50-\u0e59]|\.[0-9])"
          .replace("D", _D))
_SUFFIX = r"(?:\s?(?:น\.|นาฬิกา|(?i:a\.\s?m\.|p\.\s?m\.|am\b|pm\b|hrs?\b|hours\b)))"
_TIME = re.compile(
    rf"(?P<lead>เวลา\s*|(?i:at\s+))?{_CLOCK.replace('N', '1')}(?P<suf1>{_SUFFIX})?"
    rf"(?:\s*(?:[-–—]|ถึง|(?i:to|until))\s*(?:เวลา\s*)?{_CLOCK.replace('N', '2')})?(?P<suf2>{_SUFFIX})?"
)


def dates(text: str) -> list[SlotSpan]:
    """Full dates (day, month, year; Thai or Arabic digits, BE or CE); a range has value (first, last)."""
    found = []
    for f in find_dates(text):
        last = getattr(f, "last", None)
        value = (f.date, last) if last and last != f.date else f.date
        found.append(span("date", text, f.start, f.end, value))
    return found


_YEAR = re.compile(r"(?:ปี\s*(?:พ\.\s?ศ\.\s*)?|พ\.\s?ศ\.\s*|ค\.\s?ศ\.\s*|(?i:\bin\s+|\byear\s+))"
                   r"(?P<year>[12๑๒][0-9๐-๙]{3})(?![0-9๐-๙])")


# "(2021-2025)", "พ.ศ. 2564 – 2568": two years joined by a dash are a period even without a year word
_YEAR_RANGE = re.compile(r"(?<![0-9๐-๙/.])(?P<first>[12๑๒][0-9๐-๙]{3})\s?[-–]\s?(?P<last>[12๑๒][0-9๐-๙]{3})(?![0-9๐-๙])")


def _ce(raw: str) -> int:
    year = int(raw.translate(DIGITS))
    return year - 543 if year > 2400 else year


def years(text: str) -> list[SlotSpan]:
    """Years a record states as years ("ปี 2557", "พ.ศ. ๒๕๕๙", "in 2016"); value is the CE year.

    Only after a year word: a bare four-digit number may be a count or a code. Years that are
    part of a full date are dates, not years.
    """
    inside = [(f.start, f.end) for f in find_dates(text)]
    found = []
    for m in _YEAR_RANGE.finditer(text):
        first, last = _ce(m.group("first")), _ce(m.group("last"))
        if 1900 <= first < last <= first + 50 and not any(a <= m.start() < b for a, b in inside):
            found.append(span("year", text, m.start(), m.end(), (first, last)))
            inside.append((m.start(), m.end()))
    for m in _YEAR.finditer(text):
        if any(a <= m.start("year") < b for a, b in inside):
            continue
        year = _ce(m.group("year"))
        if 1900 <= year <= 2200:
            found.append(span("year", text, m.start("year"), m.end("year"), year))
    return sorted(found, key=lambda s: s.start)


def _clock(hour: str, minute: str, suffix: str | None) -> time | None:
    h, m = int(hour.translate(DIGITS)), int(minute.translate(DIGITS))
    if suffix and re.search(r"p\.?\s?m", suffix, re.I) and h < 12:
        h += 12
    return time(h, m) if h < 24 and m < 60 else None


def times(text: str) -> list[SlotSpan]:
    """Clock times and ranges; a bare "09.00" counts only after "เวลา"/"at" or before "น."/"a.m."."""
    found = []
    for m in _TIME.finditer(text):
        suffix = m.group("suf2") or m.group("suf1")
        colon = ":" in text[m.start("h1"):m.end("m1")]
        if not (m.group("lead") or suffix or colon):
            continue  # "2.50" is a number, not ten to three
        first = _clock(m.group("h1"), m.group("m1"), m.group("suf1") or suffix)
        last = _clock(m.group("h2"), m.group("m2"), suffix) if m.group("h2") else None
        if first is None or (m.group("h2") and last is None):
            continue
        end = m.end()
        while text[end - 1] == " ":
            end -= 1
        value = (first, last) if last else first
        found.append(span("time", text, m.start("h1"), end, value))
    return sorted(found, key=lambda s: s.start)


_MONTH_NAMES = "|".join([*THAI_MONTH_NAMES[1:], *ENGLISH_MONTH_NAMES[1:]])
_MONTH = re.compile(rf"(?:เดือน\s*)?(?P<month>{_MONTH_NAMES})(?:\s*(?:พ\.\s?ศ\.\s*|ค\.\s?ศ\.\s*)?(?P<year>[12๑๒][0-9๐-๙]{{3}})(?![0-9๐-๙]))?")


def months(text: str) -> list[SlotSpan]:
    """Months written by name ("ในเดือนธันวาคม ศกนี้", "December 2021"); value is (month, CE year or None).

    For "จัดในเดือนใด": a record often gives only the month of a meeting still to come.
    """
    found = []
    for m in _MONTH.finditer(text):
        name = m.group("month")
        month = THAI_MONTH_NAMES.index(name) if name in THAI_MONTH_NAMES else ENGLISH_MONTH_NAMES.index(name)
        raw = int(m.group("year").translate(DIGITS)) if m.group("year") else None
        year = (raw - 543 if raw > 2400 else raw) if raw else None
        found.append(span("month", text, m.start(), m.end(), (month, year)))
    return found
