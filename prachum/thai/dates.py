"""Dates as Thai records and questions write them.

Thai documents count years in the Buddhist era (2563 = 2020), shorten them to two
digits after an abbreviated month ("8 ก.พ. 64"), write Thai digits ("๑๕ มีนาคม ๒๕๖๔"),
prefix weekdays ("วันจันทร์ที่ 20 สิงหาคม 2561") and give ranges by their first day.
Records get one meeting date; questions get the period they name, so retrieval
can filter by time. A bare number is never a year unless something says so
("ปี", "พ.ศ.", "in", a month name): "โคโรนา 2019" and "ครั้งที่ 16" are not periods.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from prachum.thai.text import search_form, to_arabic_digits

BE_OFFSET = 543
MIN_YEAR, MAX_YEAR = 1900, 2200  # CE years we accept as real dates
OPENING_CHARS = 1500  # where a record states when its meeting happened

_THAI_LETTER = "\u0e01-\u0e4e"


def _abbr(first: str, second: str) -> str:
    # "ก.พ.", "ก. พ.", "ก.พ" -- but not the start of a longer abbreviation like "ก.พ.ร."
    return rf"{first}\.\s?{second}(?>\.?)(?![.{_THAI_LETTER}])"


def _short(word: str) -> str:
    # colloquial "สิงหา", "ตุลา": only as a whole word ("ตุลาการ" is not October)
    return rf"{word}(?![{_THAI_LETTER}])"


_THAI_MONTH_FORMS: dict[int, tuple[str, ...]] = {
    1: ("มกราคม", _short("มกรา"), _abbr("ม", "ค")),
    2: ("กุมภาพันธ์", "กุมภาพันธ", _short("กุมภา"), _abbr("ก", "พ")),
    3: ("มีนาคม", _short("มีนา"), _abbr("มี", "ค")),
    4: ("เมษายน", _short("เมษา"), _abbr("เม", "ย")),
    5: ("พฤษภาคม", _short("พฤษภา"), _abbr("พ", "ค")),
    6: ("มิถุนายน", _short("มิถุนา"), _abbr("มิ", "ย")),
    7: ("กรกฎาคม", _short("กรกฎา"), _abbr("ก", "ค")),
    8: ("สิงหาคม", _short("สิงหา"), _abbr("ส", "ค")),
    9: ("กันยายน", _short("กันยา"), _abbr("ก", "ย")),
    10: ("ตุลาคม", _short("ตุลา"), _abbr("ต", "ค")),
    11: ("พฤศจิกายน", _short("พฤศจิกา"), _abbr("พ", "ย")),
    12: ("ธันวาคม", _short("ธันวา"), _abbr("ธ", "ค")),
}
_EN_MONTH_FORMS: dict[int, tuple[str, ...]] = {
    1: ("January", "Jan"), 2: ("February", "Feb"), 3: ("March", "Mar"), 4: ("April", "Apr"),
    5: ("May",), 6: ("June", "Jun"), 7: ("July", "Jul"), 8: ("August", "Aug"),
    9: ("September", "Sept", "Sep"), 10: ("October", "Oct"), 11: ("November", "Nov"), 12: ("December", "Dec"),
}


def _en(form: str) -> str:
    # "may" in lower case is a verb; other months match in any case
    body = "(?:May|MAY)" if form == "May" else f"(?i:{form})"
    dot = r"\.?" if len(form) <= 4 and form != "May" else ""  # "Feb." / "Sept."
    return rf"(?<![A-Za-z]){body}{dot}(?![A-Za-z])"


_THAI_MONTH_RE = {m: re.compile("|".join(forms)) for m, forms in _THAI_MONTH_FORMS.items()}
_EN_MONTH_RE = {m: re.compile("|".join(_en(f) for f in forms)) for m, forms in _EN_MONTH_FORMS.items()}
_THAI_MONTHS = "|".join(f for forms in _THAI_MONTH_FORMS.values() for f in sorted(forms, key=len, reverse=True))
_EN_MONTHS = "|".join(_en(f) for forms in _EN_MONTH_FORMS.values() for f in forms)
_MONTH = rf"(?:{_THAI_MONTHS}|{_EN_MONTHS})"

_BE_ERA = r"พ\.\s?ศ\.|(?<![A-Za-z])B\.?E\.?(?![A-Za-z])"
_CE_ERA = r"ค\.\s?ศ\.|(?<![A-Za-z])(?:A\.?D\.?|C\.?E\.?)(?![A-Za-z])"
_ERA = rf"(?P<era>{_BE_ERA}|{_CE_ERA})"
_YEAR_END = r"(?!\d)(?![.:]\d)"  # "8 ก.พ. 09.00 น." -- 09 is a time, not a year
_ORD = r"(?:st|nd|rd|th)?"
_DAY_NUM = rf"[0-3]?\d{_ORD}"
_WEEKDAY = r"(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)"
_RANGE_SEP = r"(?:[-–—]|ถึง|(?i:to|until))"
_LIST_SEP = r"(?:[-–—,]|ถึง|และ|(?i:to|and))"

# day [-day [และ day]] [เดือน] month [era] [year]; a "วันจันทร์ที่" before it is not part of the
# match, so a caller that rewrites the date keeps the words around it
_DAY_MONTH = re.compile(
    rf"(?<![\d.:/])(?P<day>[0-3]?\d){_ORD}"
    rf"(?P<more>(?:\s*{_RANGE_SEP}\s*{_DAY_NUM})(?:\s*{_LIST_SEP}\s*{_DAY_NUM})*)?"
    rf"\s*(?:เดือน\s*)?(?:of\s+)?(?P<month>{_MONTH})"
    rf"(?:\s*,?\s*(?:ปี\s*)?(?:{_ERA}\s*)?(?P<year>\d{{4}}|\d{{2}}){_YEAR_END})?"
)
# February 8, 2021 / Feb 8-9, 2021
_MONTH_DAY = re.compile(
    rf"(?P<month>{_EN_MONTHS})\s+(?P<day>[0-3]?\d){_ORD}"
    rf"(?P<more>(?:\s*[-–]\s*{_DAY_NUM}))?\s*,?\s+(?P<year>\d{{4}}){_YEAR_END}"
)
_NUMERIC = re.compile(
    r"(?<![\d/.])(?P<day>[0-3]?\d)/(?P<month>[01]?\d)/(?P<year>\d{4})(?![\d/])"
    r"|(?<![\d-])(?P<iy>\d{4})-(?P<im>[01]\d)-(?P<id>[0-3]\d)(?![\d-])"
)
# month [era] year, for periods named in questions
_MONTH_YEAR = re.compile(
    rf"(?:(?P<month1>{_MONTH})\s*{_RANGE_SEP}\s*)?(?P<month>{_MONTH})\s*,?\s*(?:ปี\s*)?(?:{_ERA}\s*)?(?P<year>\d{{4}}|\d{{2}}){_YEAR_END}"
)
# a year only counts when introduced: ปี / ปีงบประมาณ / พ.ศ. / ค.ศ. / in / year / during / the ("the 2018 workshop")
_YEAR = re.compile(
    rf"(?:(?P<fiscal>ปีงบประมาณ)|(?P<pi>ปี)|(?P<en>(?i:(?<![A-Za-z])(?:in|year|during|the)\s+(?:the\s+year\s+)?)))?"
    rf"\s*(?:{_ERA}\s*)?(?P<year>\d{{4}}|\d{{2}}){_YEAR_END}"
    rf"(?:\s*(?:[-–—]|ถึง|และ|(?i:to|and))\s*(?:(?P<era2>{_BE_ERA}|{_CE_ERA})\s*)?(?P<year2>\d{{4}}){_YEAR_END})?"
)
_BETWEEN_RANGE = re.compile(rf"\s*{_RANGE_SEP}\s*$")
_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True)
class FoundDate:
    date: date
    start: int
    end: int
    text: str
    last: date | None = None  # the last day of a range ("21-22 กันยายน 2563"); None for one day


@dataclass(frozen=True)
class _Found:
    first: date
    last: date
    start: int
    end: int


def _month_number(word: str) -> tuple[int, bool]:
    """(month, written in Thai) for a matched month word."""
    for number, pattern in _THAI_MONTH_RE.items():
        if pattern.fullmatch(word):
            return number, True
    for number, pattern in _EN_MONTH_RE.items():
        if pattern.fullmatch(word):
            return number, False
    raise ValueError(word)


def _resolve_year(raw: str, era: str | None, thai_month: bool) -> int | None:
    """CE year from what was written, or None when it cannot be a year we accept."""
    year = int(raw)
    buddhist = bool(era) and (era.startswith("พ") or era.upper().startswith("B"))
    christian = bool(era) and not buddhist
    if len(raw) == 2:
        # two-digit years are a Thai habit: "ก.พ. 64" is BE 2564
        if christian or not (thai_month or buddhist):
            return None
        year += 2500
        buddhist = True
    if buddhist or (not christian and year >= 2400):
        year -= BE_OFFSET
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _scan(text: str) -> list[_Found]:
    """All full dates (with ranges) in ``text``, in order, non-overlapping."""
    arabic = to_arabic_digits(text)  # same length: offsets stay valid for ``text``
    found: list[_Found] = []
    pending = None  # a day-month without year that may start a cross-month range
    for m in _DAY_MONTH.finditer(arabic):
        month, thai = _month_number(m.group("month"))
        day = int(m.group("day"))
        more = [int(n) for n in _NUMBERS.findall(m.group("more") or "")]
        year = _resolve_year(m.group("year"), m.group("era"), thai) if m.group("year") else None
        if year is None:
            pending = (m, month, day, more)
            continue
        first = _safe_date(year, month, day)
        last = _safe_date(year, month, max([day, *more])) or first
        start = m.start()
        if pending and _BETWEEN_RANGE.fullmatch(arabic[pending[0].end():m.start()]):
            # "30 ก.ค. - 2 ส.ค. 2564": the first part takes the year of the second
            p_month, p_day = pending[1], pending[2]
            p_year = year - 1 if p_month > month else year
            p_first = _safe_date(p_year, p_month, p_day)
            if p_first and first and p_first <= first:
                first, start = p_first, pending[0].start()
        pending = None
        if first:
            found.append(_Found(first, last or first, start, m.end()))
    for m in _MONTH_DAY.finditer(arabic):
        month, _ = _month_number(m.group("month"))
        year = _resolve_year(m.group("year"), None, False)
        day = int(m.group("day"))
        more = [int(n) for n in _NUMBERS.findall(m.group("more") or "")]
        first = _safe_date(year, month, day) if year else None
        if first and year:
            found.append(_Found(first, _safe_date(year, month, max([day, *more])) or first, m.start(), m.end()))
    for m in _NUMERIC.finditer(arabic):
        if m.group("iy"):
            y, mo, d = m.group("iy"), int(m.group("im")), int(m.group("id"))
        else:
            y, mo, d = m.group("year"), int(m.group("month")), int(m.group("day"))
        year = _resolve_year(y, None, False)
        first = _safe_date(year, mo, d) if year else None
        if first:
            found.append(_Found(first, first, m.start(), m.end()))
    return _non_overlapping(found)


def _non_overlapping(found: list[_Found]) -> list[_Found]:
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[_Found] = []
    for f in found:
        if not kept or f.start >= kept[-1].end:
            kept.append(f)
    return kept


def find_dates(text: str) -> list[FoundDate]:
    """Every full date in ``text`` (day, month and year); a range gives its first day."""
    return [FoundDate(f.first, f.start, f.end, text[f.start:f.end], f.last if f.last != f.first else None)
            for f in _scan(text)]


THAI_MONTH_NAMES = ("", "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
                    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")


def format_thai_date(day: date) -> str:
    """The unambiguous long Thai form, "8 กุมภาพันธ์ 2564" (Buddhist era, Arabic digits)."""
    return f"{day.day} {THAI_MONTH_NAMES[day.month]} {day.year + BE_OFFSET}"


ENGLISH_MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
                       "September", "October", "November", "December")


def format_date(first: date, last: date | None = None, lang: str = "th") -> str:
    """A date or a range in the reader's form: "8 กุมภาพันธ์ 2564", "21-22 September 2020".

    Thai readers get the Buddhist era, English readers the Common Era, whatever form
    the record used; a range within one month keeps the month once.
    """
    months, year = (THAI_MONTH_NAMES, BE_OFFSET) if lang == "th" else (ENGLISH_MONTH_NAMES, 0)
    if last is None or last == first:
        return f"{first.day} {months[first.month]} {first.year + year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}-{last.day} {months[first.month]} {first.year + year}"
    if first.year == last.year:
        return f"{first.day} {months[first.month]} - {last.day} {months[last.month]} {first.year + year}"
    return f"{format_date(first, None, lang)} - {format_date(last, None, lang)}"


def parse_thai_date(text: str) -> date | None:
    """The date one expression names ("๑๕ มีนาคม ๒๕๖๔", "8 ก.พ. 64", "February 8, 2021")."""
    found = _scan(text)
    return found[0].first if found else None


_WHEN = re.compile(rf"เมื่อ\s*(?:วัน{_WEEKDAY}?\s*(?:ที่)?\s*)?$")


def meeting_date(text: str) -> date | None:
    """When the meeting happened: the date after "เมื่อ(วันที่)" in the opening, else its first date.

    A news item is dated the day it was posted ("วันอังคารที่ 9 กุมภาพันธ์ 2564")
    and then says when the meeting was ("เมื่อวันที่ 8 ก.พ. 64"); the latter is what
    questions ask about. Dates deeper in the text are usually other events.
    """
    opening = text[:OPENING_CHARS]
    found = _scan(opening)
    for f in found:
        if _WHEN.search(opening[max(0, f.start - 30):f.start]):
            return f.first
    return found[0].first if found else None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _periods(question: str) -> list[tuple[date, date]]:
    arabic = to_arabic_digits(question)
    periods = [(f.first, f.last) for f in _scan(question)]
    for m in _MONTH_YEAR.finditer(arabic):
        month, thai = _month_number(m.group("month"))
        year = _resolve_year(m.group("year"), m.group("era"), thai)
        if year is None:
            continue
        first = date(year, month, 1)
        if m.group("month1"):
            month1, _ = _month_number(m.group("month1"))
            first = date(year - 1 if month1 > month else year, month1, 1)
        periods.append((first, _month_end(year, month)))
    for m in _YEAR.finditer(arabic):
        if not (m.group("fiscal") or m.group("pi") or m.group("era") or m.group("en")):
            continue
        raw = m.group("year")
        if len(raw) == 2 and not (m.group("pi") or m.group("fiscal") or m.group("era")):
            continue
        if len(raw) == 2 and m.group("pi") and re.search(r"\d\s*$", arabic[: m.start()]):
            continue  # "5 ปี 10 ประเทศ": a duration, then a count
        year = _resolve_year(raw, m.group("era"), thai_month=bool(m.group("pi") or m.group("fiscal")))
        if year is None:
            continue
        last_year = year
        if m.group("year2"):
            second = _resolve_year(m.group("year2"), m.group("era2") or m.group("era"), False)
            if second is not None and second >= year:
                last_year = second
        if m.group("fiscal"):
            # Thai government fiscal year N runs from 1 October of N-1 to 30 September of N
            periods.append((date(year - 1, 10, 1), date(last_year, 9, 30)))
        else:
            periods.append((date(year, 1, 1), date(last_year, 12, 31)))
    return periods


def time_range(question: str) -> tuple[date, date] | None:
    """The period a question names, as (first day, last day), or None if it names none.

    When it names several, the most specific ones win ("สิงหาคม 2564" over "ปี 2564"
    in the same question) and are joined into one span.
    """
    periods = set(_periods(question))
    if not periods:
        return None
    specific = [p for p in periods if not any(o != p and p[0] <= o[0] and o[1] <= p[1] for o in periods)]
    return min(p[0] for p in specific), max(p[1] for p in specific)


def parse_user_date(value: str | None) -> date | None:
    """A date a person typed (a CLI flag, a UI field): ISO (2021-02-08) or Thai ("8 ก.พ. 64",
    "๑๕ มีนาคม ๒๕๖๔"); None when empty. Raises ValueError for anything else."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        parsed = parse_thai_date(value)
    if parsed is None:
        raise ValueError(f"{value!r} is not a date")
    return parsed


def without_dates(text: str) -> str:
    """The search form with every date blanked out, so its numbers are not read as counts."""
    form = search_form(text)
    for found in find_dates(form):
        form = form[:found.start] + " " * (found.end - found.start) + form[found.end:]
    return form
