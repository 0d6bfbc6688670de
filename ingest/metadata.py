"""What a record is called, when its meeting was, and which bodies it names.

Citations need a readable title, time filters need the meeting date, and ASEAN
questions name bodies by acronym ("SOCA", "SOMSWD+3"), so each record carries
them. Everything is read from the cleaned text; a ``sources.toml`` beside the
documents can override title/date/source_url per file name for records whose text
does not say (e.g. a scanned letter without a dateline)::

    ["minutes-2564-02.pdf"]
    title = "SOCA Retreat"
    date = 2021-02-08
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pythainlp.tokenize import word_tokenize

from ingest.clean import Cleaned
from prachum.errors import SidecarError
from prachum.slots.base import closing_paren
from prachum.thai.dates import find_dates, meeting_date

SIDECAR_NAME = "sources.toml"
TITLE_MAX = 120
HEADLINE_MAX = 250  # a first line longer than this is a paragraph, not a headline



@dataclass
class DocMeta:
    title: str
    date: date | None
    acronyms: list[str]
    source_url: str | None


# --- acronyms -------------------------------------------------------------------------
# 3+ capitals, hyphen-joined parts (GO-NGO), an optional "+3", an optional ordinal before
# ("16th SOCCOM"); possessive so "NGOs" is not read as "NGO" minus a letter.
_ACRONYM = re.compile(
    r"(?<![A-Za-z0-9])(?:\d+(?:st|nd|rd|th)\s+)?"
    r"(?P<acr>[A-Z][A-Z0-9]*+(?:-[A-Z][A-Z0-9]*+)*+)(?P<plus>\s?\+\s?\d+)?(?![A-Za-z0-9])"
)
# capitalised words that are not names of meetings or bodies
_NOT_ACRONYMS = frozenset({"ASEAN", "COVID", "SARS", "MERS", "PDF", "URL", "HTTP", "HTTPS", "WWW", "THE", "AND", "FOR", "OF"})
_ROMAN = re.compile(r"^[IVXLCDM]+$")


def find_acronyms(text: str) -> list[str]:
    """Acronyms of meetings and bodies, unique, in order of first mention."""
    seen: dict[str, None] = {}
    for m in _ACRONYM.finditer(text):
        acr = m.group("acr")
        if sum(c.isupper() for c in acr) < 3 or acr in _NOT_ACRONYMS or _ROMAN.match(acr):
            continue
        plus = re.sub(r"\s", "", m.group("plus") or "")
        seen.setdefault(acr + plus, None)
    return list(seen)


# --- title ------------------------------------------------------------------------------
# the meeting the record is about is the one someone attended ("เข้าร่วมการประชุม...");
# a "ประธานการประชุม..." before it is a role, not the meeting
_ATTENDED = re.compile(r"(?:เข้าร่วม|ร่วม)(?=การประชุม)")
_MEETING = re.compile(r"(?<!ประธาน)การประชุม(?!ดังกล่าว|ครั้งนี้|นี้|ทางไกล|ออนไลน์)")
_NAME_STOP = re.compile(r"\s(?:ผ่านระบบ|ณ\s|ซึ่ง|โดย|เมื่อ|ระหว่าง|จัดขึ้น|และการประชุม)|\n")


def _meeting_title(text: str) -> str | None:
    """'การประชุม... ครั้งที่ N (ACRONYM)' for the first meeting the record reports on."""
    attended = _ATTENDED.search(text)
    start = attended.end() if attended else None
    if start is None:
        found = _MEETING.search(text)
        if not found:
            return None
        start = found.start()
    stop = _NAME_STOP.search(text, start)
    paren = text.find("(", start)
    end = stop.start() if stop else min(len(text), start + 300)
    acronym = ""
    if paren != -1 and paren < end:
        close = closing_paren(text, paren)
        inside = text[paren + 1 : close] if close else ""
        found_acronyms = list(_ACRONYM.finditer(inside))
        usable = [m for m in found_acronyms if m.group("acr") not in _NOT_ACRONYMS and sum(c.isupper() for c in m.group("acr")) >= 3]
        if usable:
            acronym = re.sub(r"\s(?=\+)|(?<=\+)\s", "", usable[-1].group(0).strip())
        end = paren
    name = " ".join(text[start:end].split())
    return f"{name} ({acronym})" if acronym else name


def _trim(title: str, limit: int = TITLE_MAX) -> str:
    """Cut at a word boundary (Thai has no spaces between words, so ask newmm)."""
    if len(title) <= limit:
        return title
    cut = title.rfind(" ", 0, limit)
    if cut < limit // 2:
        words = word_tokenize(title[: limit + 20], engine="newmm", keep_whitespace=True)
        kept, size = [], 0
        for w in words:
            if size + len(w) > limit - 1:
                break
            kept.append(w)
            size += len(w)
        return "".join(kept).rstrip() + "…"
    return title[:cut].rstrip(" ,:;-–(") + "…"


_DATE_LEAD = re.compile(r"(?:เมื่อ)?\s*(?:วัน\S{0,10}?ที่|(?i:on|[a-z]+day,?))?\s*")


def _headline(text: str) -> str | None:
    lines = text.split("\n")
    first = lines[0].strip().lstrip("#").strip() if lines else ""  # a Markdown heading is a headline
    rest = "\n".join(lines[1:]).strip()
    if not first or not rest or len(first) > HEADLINE_MAX:
        return None
    dates = find_dates(first)
    if dates and dates[0].start <= _DATE_LEAD.match(first).end():
        return None  # a dateline opening the body, not a headline
    return first


def _title(text: str, path: Path) -> str:
    """At most TITLE_MAX characters, so citations stay one line or two."""
    headline = _headline(text)
    if headline:
        if len(headline) <= TITLE_MAX:
            return headline
        # a long headline that names the meeting: keep the name and its acronym
        return _trim(_meeting_title(headline) or headline)
    meeting = _meeting_title(text)
    if meeting:
        return _trim(meeting)
    first = text.strip().split("\n", 1)[0].strip()
    return _trim(first) if first else path.stem


# --- sidecar ------------------------------------------------------------------------------
def _sidecar(path: Path) -> dict[str, Any]:
    sidecar = path.parent / SIDECAR_NAME
    if not sidecar.is_file():
        return {}
    try:
        table = tomllib.loads(sidecar.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SidecarError(f"{sidecar} is not valid TOML: {exc}") from exc
    entry = table.get(path.name, {})
    if not isinstance(entry, dict):
        raise SidecarError(f'{sidecar}: ["{path.name}"] must be a table with title/date/source_url keys')
    unknown = set(entry) - {"title", "date", "source_url"}
    if unknown:
        raise SidecarError(f'{sidecar}: ["{path.name}"] has unknown keys {sorted(unknown)}; use title, date, source_url')
    if "date" in entry:
        value = entry["date"]
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError as exc:
                raise SidecarError(f'{sidecar}: ["{path.name}"] date must be YYYY-MM-DD (Christian era), got {value!r}') from exc
        if not isinstance(value, date):
            raise SidecarError(f'{sidecar}: ["{path.name}"] date must be a date like 2021-02-08')
        entry["date"] = value if type(value) is date else value.date()  # a datetime keeps its day
    return entry


def extract_metadata(cleaned: Cleaned, path: Path) -> DocMeta:
    """Title, meeting date, acronyms and source URL of one cleaned record."""
    path = Path(path)
    override = _sidecar(path)
    text = cleaned.text
    return DocMeta(
        title=str(override.get("title") or _title(text, path)),
        date=override.get("date") or meeting_date(text),
        acronyms=find_acronyms(text),
        source_url=override.get("source_url") or cleaned.source_url,
    )
