"""Named things: a report, a meeting, a project, a plan or a fund, by the name the record gives it.

"ในภาคบ่าย เป็นการเปิดตัวรายงานการวิเคราะห์แนวโน้มการพัฒนาของอาเซียน (The ASEAN Development
Outlook: ADO)" names a report: the Thai head noun (รายงาน), the Thai name after it, and the
English name in brackets. "Which report was launched?" is answered by that span, in the
record's own English for an English reader.

Precision first: a name is read only where the record marks where it ends, by an English
form in brackets or written straight after the head noun ("รายงาน ASEAN Development
Outlook"); a Thai name with nothing after it has no visible end, so it is not read.
"""
from __future__ import annotations

import re

from prachum.slots.base import SlotSpan, closing_paren, span, word_start
from prachum.slots.titles import Title

# what a question calls the thing -> the Thai head nouns a record names it with
HEADS: dict[str, tuple[str, ...]] = {
    "report": ("รายงาน",),
    "meeting": ("การประชุม", "ประชุม"), "conference": ("การประชุม", "ประชุม"), "workshop": ("การประชุม", "ประชุม"),
    "forum": ("เวที", "การประชุม"), "summit": ("การประชุมสุดยอด",),
    "project": ("โครงการ",), "programme": ("แผนงาน", "โครงการ"), "program": ("แผนงาน", "โครงการ"),
    "plan": ("แผน",), "document": ("เอกสาร", "ปฏิญญา", "แถลงการณ์", "แผน"), "declaration": ("ปฏิญญา",),
    "statement": ("แถลงการณ์", "ถ้อยแถลง"), "framework": ("กรอบ",), "guideline": ("แนวทาง",),
    "fund": ("กองทุน",), "award": ("รางวัล",), "network": ("เครือข่าย",), "centre": ("ศูนย์",), "center": ("ศูนย์",),
    "study": ("การศึกษา", "โครงการศึกษา"), "event": ("การประชุม", "กิจกรรม", "งาน"), "initiative": ("โครงการ", "ข้อริเริ่ม"),
}
_ALL_HEADS = tuple(sorted({h for heads in HEADS.values() for h in heads}, key=len, reverse=True))
_HEAD = re.compile("|".join(re.escape(h) for h in _ALL_HEADS))
_LATIN = re.compile(r"[A-Za-z]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
# "(SOMSWD Vice Chair)", "(SOCA Leader of Thailand)": a person's role in a meeting, not a meeting's name
_ROLE_NAME = re.compile(r"\b(?:chair|vice[- ]chair|chairman|chairperson|leader|president|secretary|director|member|"
                        r"representative|head|delegate|focal point)s?\b(?: of [A-Z][\w ]*)?$", re.I)
_GENERIC = re.compile(r"^(?:via |by )?(?:video|tele|web|online|virtual)[ -]?conferenc", re.I)  # a way of meeting, not a name
MAX_THAI_NAME = 160  # characters between the head noun and its English form
# an English name written straight after the head noun: capitalised words, "of/on/for/the/and" between
_ENGLISH_AFTER = re.compile(r"\s?((?:The |the )?[A-Z][\w\-+&]*(?:[ \-](?:[A-Z0-9][\w\-+&:]*|of|on|for|the|and|in|to))*)"
                            r"(\s?ครั้งที่\s?[0-9๐-๙]{1,3})?")


def _named_at(text: str, at: int, head: str) -> SlotSpan | None:
    after = at + len(head)
    latin = _ENGLISH_AFTER.match(text, after)
    if latin and (len(latin.group(1).split()) >= 2 or latin.group(1).isupper() and len(latin.group(1)) >= 3):
        end = latin.end(2) if latin.group(2) else latin.end(1)  # "SOMSWD ครั้งที่ 16": the edition is in the name
        return span("named", text, at, end, Title(None, text[latin.start(1):end].strip()))
    open_at = text.find("(", after, after + MAX_THAI_NAME + 1)
    if open_at < 0:
        return None
    thai = text[at:open_at]
    if "“" in thai or ")" in thai:
        return None  # a quoted title is the title recogniser's; a closed bracket means another name stood between
    close = closing_paren(text, open_at, within_line=True)
    if close is None:
        return None
    end = close + 1
    english = text[open_at + 1:end - 1].strip()
    if not _LATIN.search(english) or _THAI.search(english) or len(english.split()) < 2 or _GENERIC.match(english) \
            or _ROLE_NAME.search(english):
        return None  # "(พม.)", "(SOCA)": an abbreviation, not a name
    return span("named", text, at, end, Title(thai.strip(), english))


def named(text: str) -> list[SlotSpan]:
    """Every named thing of ``text``, in text order; a name inside another ("การประชุม" within a
    report's name) is left to the outer one."""
    found: list[SlotSpan] = []
    for match in _HEAD.finditer(text):
        if found and match.start() < found[-1].end:
            continue
        if not word_start(text, match.start()):
            continue  # "ประชุม" inside "การประชุม" is the outer word's
        hit = _named_at(text, match.start(), match.group())
        if hit is not None:
            found.append(hit)
    return found


def heads_for(noun: str) -> tuple[str, ...]:
    """The Thai head nouns of what a question calls the thing ("reports" -> รายงาน)."""
    noun = noun.lower()
    for form in (noun, noun.rstrip("s"), noun[:-2] if noun.endswith("es") else noun):
        if form in HEADS:
            return HEADS[form]
    return ()
