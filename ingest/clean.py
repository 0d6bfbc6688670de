"""Strip what a web page wrapped around the record, keep the record's own wording.

Seeds and scraped pages carry share buttons, plug-in credits, portal breadcrumbs
glued to the title, the title repeated by the page template and a "ที่มา : URL"
credit line. Left in, they would be chunked, embedded and cited as if they were
content. The source URL is worth keeping, so it is returned rather than dropped.
Display wording is kept (Thai digits stay Thai); the search form comes later.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from prachum.thai.text import normalize_text


@dataclass
class Cleaned:
    text: str
    source_url: str | None


# every horizontal space we meet in Thai web text, collapsed to one ASCII space
_SPACE_RUN = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_EXTRA_ZERO_WIDTH = re.compile("[\u180e\u2061-\u2064\u206a-\u206f]")

# a line made only of share/social buttons ("Share", "แชร์", "Facebook Twitter Line")
_SHARE_WORDS = frozenset(
    "share shares แชร์ แบ่งปัน tweet facebook twitter x line email e-mail print พิมพ์ "
    "copy link คัดลอกลิงก์ whatsapp telegram linkedin pinterest messenger".split()
)
_SHARE_SEPARATORS = re.compile(r"[\s|/·•,:]+")
_SHARE_PHRASES = re.compile(
    r"(powered by ultimatelysocial|sharing icons powered by|^share (this|on)\b|^แชร์(ข่าว)?(นี้)?ไปยัง)",
    re.IGNORECASE,
)
# portal breadcrumbs glued before the headline: "รัฐบาลไทย-ข่าวทำเนียบรัฐบาล-พม. ร่วมประชุม..."
_PORTAL_NAMES = r"(?:รัฐบาลไทย|ข่าวทำเนียบรัฐบาล|ทำเนียบรัฐบาล|ข่าวรัฐบาล|สำนักโฆษก)"
_PORTAL_PREFIX = re.compile(rf"^{_PORTAL_NAMES}(?:\s*[-–|]\s*{_PORTAL_NAMES})*\s*[-–|]\s*(?=\S)")
# a credit line that is only a URL: "ที่มา : https://..." (the URL is the document's source)
_SOURCE_LINE = re.compile(
    r"^(?:ที่มา|แหล่งที่มา|แหล่งข่าว|อ้างอิง|source|from)\s*[:：]?\s*(https?://\S+)\s*$", re.IGNORECASE
)
# page templates put breadcrumbs and repeated headlines only in the opening lines
_TITLE_WINDOW = 10


def _is_share_line(line: str) -> bool:
    if _SHARE_PHRASES.search(line):
        return True
    words = [w for w in _SHARE_SEPARATORS.split(line.lower()) if w]
    return bool(words) and len(words) <= 6 and all(w in _SHARE_WORDS for w in words)


def _normalise_line(line: str) -> str:
    line = _EXTRA_ZERO_WIDTH.sub("", line)
    line = _SPACE_RUN.sub(" ", line)
    # per line: pythainlp's normaliser would otherwise merge blank lines (paragraphs)
    return normalize_text(line).strip() if line.strip() else ""


def clean_document(raw: str) -> Cleaned:
    """Normalised text without web boilerplate, paragraphs kept, plus the source URL if credited."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    source_url: str | None = None
    kept: list[str] = []
    opening: list[str] = []  # the first non-blank lines, to spot a repeated headline
    for raw_line in raw.split("\n"):
        line = _normalise_line(raw_line)
        if not line:
            kept.append("")
            continue
        match = _SOURCE_LINE.match(line)
        if match:
            source_url = source_url or match.group(1)
            continue
        if _is_share_line(line):
            continue
        if len(opening) < _TITLE_WINDOW:
            line = _PORTAL_PREFIX.sub("", line)
            if line in opening:
                continue
            opening.append(line)
        kept.append(line)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    return Cleaned(text=text, source_url=source_url)
