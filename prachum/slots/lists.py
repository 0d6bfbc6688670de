"""Enumerations: "ได้แก่ ก ข และ ค", "ประกอบด้วย ...", "1) ... 2) ...", "(1) ... (2) ...", "๑. ... ๒. ...".

Thai separates list items with spaces and introduces the last with "และ"/"หรือ"; the
list ends with that item. Without a closing "และ" item we cannot tell a list from a
clause, so nothing is reported. Numbered items must count up from 1; a count before
the list ("๔ ประการ ได้แก่ ...") must agree with the items found.
"""
from __future__ import annotations

import re

from prachum.slots.base import THAI, SlotSpan, number, span

_INTRO = re.compile(r"(?:ได้แก่|ประกอบด้วย|อาทิ|(?:ดัง|มี)ต่อไปนี้|ดังนี้|(?i:including|namely|as follows|consisting of)):?\s*")
_COUNT = re.compile(r"(?<![0-9\u0e50-\u0e59.,])(?P<n>[0-9\u0e50-\u0e59]{1,2})\s?[\u0e01-\u0e4f]{1,12}\s*$")
_ITEM_MARK = r"(?:(?<=\s)|(?<=^)|(?<=\n))(?:\((?P<p>[0-9\u0e50-\u0e59]{1,2})\)|(?P<b>[0-9\u0e50-\u0e59]{1,2})[.)](?![0-9\u0e50-\u0e59]))\s*"
_MARK = re.compile(_ITEM_MARK, re.M)
_CONNECTOR = re.compile(r"^(?:และ|หรือ|รวมถึง|รวมทั้ง|ตลอดจน|(?i:and|or))\s*")
_LAST = re.compile(r"(?:และ|หรือ|(?i:and|or)\b)")
_END = re.compile(r"\s(?=(?:เพื่อ|ซึ่ง|โดย|ทั้งนี้|นอกจากนี้|ภายใต้|ผ่าน|ใน(?:การ|ปี|ระหว่าง)|รวมจำนวน|จำนวน|ที่ผ่านมา)(?![\u0e01-\u0e2e]?ๆ))|\n")
_GLOSS = re.compile(r"\s?\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)")
MAX_ITEM = 250


def _numbered(text: str, at: int) -> tuple[list[tuple[int, int]], int] | None:
    """Items "1) ... 2) ..." starting at ``at``: their (start, end) and the list's end."""
    marks = []
    for m in _MARK.finditer(text, at):
        n = int((m.group("p") or m.group("b")).translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")))
        if n != len(marks) + 1:
            if not marks:
                return None
            break
        if marks and m.start() - marks[-1][1] > MAX_ITEM:
            break
        marks.append((m.start(), m.end()))
        if len(marks) == 1 and m.start() - at > 3:
            return None  # the list does not start right after its introduction
    if len(marks) < 2:
        return None
    items = []
    for (_, begin), nxt in zip(marks, marks[1:] + [None]):
        if nxt:
            end = nxt[0]
        else:
            stop = _END.search(text, begin)
            end = stop.start() if stop else len(text)
            if end - begin > MAX_ITEM:
                return None
        items.append((begin, end))
    return items, items[-1][1]


def _spaced(text: str, at: int) -> tuple[list[tuple[int, int]], int] | None:
    """Items separated by spaces, the last introduced by "และ"/"หรือ" ("and"/"or" with commas in English)."""
    items, cursor = [], at
    while cursor < len(text) and len(items) < 15:
        m = re.compile(r"[A-Za-z][A-Za-z0-9+\-’' ]*[A-Za-z0-9]|[^\s(),]+").match(text, cursor)
        if not m:
            return None
        end = m.end()
        if _CONNECTOR.fullmatch(text[cursor:end] + " ") and text[end:end + 1] == " ":
            m = re.compile(r"[A-Za-z][A-Za-z0-9+\-’' ]*[A-Za-z0-9]|[^\s(),]+").match(text, end + 1)
            end = m.end() if m else end  # "และ Workshop on ...": the connector stands apart from its item
        edition = re.compile(r" [0-9\u0e50-\u0e59]{1,3}(?![0-9\u0e50-\u0e59])").match(text, end)
        if edition and text[:end].endswith("ที่"):
            end = edition.end()  # "การปฏิวัติอุตสาหกรรมครั้งที่ ๔"
        inner = re.search(r"\s(?:and|or)\s", text[cursor:end]) if items and re.match(r"[A-Za-z]", text[cursor]) else None
        if inner:  # "health, education and social welfare": the last two items in one run of English
            items.append((cursor, cursor + inner.start()))
            return items + [(cursor + inner.start() + 1, end)], end
        bare = text[cursor:end]
        gloss = _GLOSS.match(text, end)
        end = gloss.end() if gloss else end
        last = bool(_LAST.match(text[cursor:end])) and bool(items)
        if re.search(r"[“”\"':]", bare) or end - cursor > MAX_ITEM:
            return None
        items.append((cursor, end))
        if last:
            return items, end
        sep = re.compile(r"\s*,\s*|\s+").match(text, end)
        if not sep or text[end:sep.end()].count("\n"):
            return None
        cursor = sep.end()
    return None


def _clean_items(text: str, items: list[tuple[int, int]]) -> tuple[str, ...]:
    out = []
    for start, end in items:
        item = _CONNECTOR.sub("", text[start:end].strip()).strip(" ,;")
        item = re.sub(r"\s+(?:และ|หรือ|(?i:and|or))$", "", item)
        out.append(item)
    return tuple(out)


def enumerations(text: str) -> list[SlotSpan]:
    """Lists of items after an introduction ("ได้แก่", "ประกอบด้วย", "including") or numbered from 1."""
    found: list[SlotSpan] = []
    for m in _INTRO.finditer(text):
        at = m.end()
        parsed = _numbered(text, at) or _spaced(text, at)
        if not parsed:
            continue
        items = _clean_items(text, parsed[0])
        if any(len(i) < 2 or not re.search(rf"[{THAI}A-Za-z]", i) for i in items):
            continue
        count = _COUNT.search(text[max(0, m.start() - 20):m.start()])
        if count and int(number(count.group("n"))) != len(items):
            continue
        found.append(span("list", text, parsed[0][0][0], parsed[1], items))
    kept: list[SlotSpan] = []
    for s in found:
        if not kept or s.start >= kept[-1].end:
            kept.append(s)
    return kept
