"""Where a record names a meeting: its Thai name, English name, acronym and edition.

Thai news names a meeting as "การประชุม<name> ครั้งที่ ๑๖ (<English name>: 16th SOCCOM)",
"การประชุม SOMSWD ครั้งที่ 16", or in a headline "ร่วมประชุม<name> (SOCA Retreat)". A
phrase that starts "การประชุม" is only kept as a named meeting when something marks it as
one (an edition, an English name or acronym, an attendance verb before it, or a kind of
meeting that is a proper name: a summit, a ministerial meeting); "เป็นการประชุมระดับ
เจ้าหน้าที่อาวุโส" describes a meeting and names none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from prachum.slots.base import closing_paren
from prachum.slots.base import words
from prachum.thai.text import to_arabic_digits

_DIGITS = r"[0-9๐-๙]+"
_ACR = r"[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*(?:\s?\+\s?\d+)?"
_ORDINAL_NUM = re.compile(r"^(\d+)(?:st|nd|rd|th)\s+", re.I)
_ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_ORDINAL_WORD = re.compile(
    rf"^(?:(?P<tens>{'|'.join(_TENS)})[-\s])?(?P<unit>{'|'.join(_ORDINAL_WORDS)})\s+", re.I)
# the start of a meeting phrase; what comes before decides whether it is a name at all
_START = re.compile(r"(?:โครงการ|การจัด|การ|ร่วม)?ประชุม")
# "ที่ประชุม" (the meeting, as a body), "ห้องประชุม", "ระบบการประชุมทางไกล", "ประธานการประชุม X" (a role)
_NOT_BEFORE = re.compile(r"(?:ที่|ห้อง|ระบบ|กำหนดการ|(?<!เป็น)ประธาน|เข้า)$")
_NOT_AFTER = re.compile(r"\s*(?:ดังกล่าว|ครั้งนี้|ครั้งแรก|นี้|ทางไกล|ออนไลน์|อื่น|แต่ละ|หารือ|เมื่อ|ได้|จะ|ว่า)")
_ATTEND = re.compile(r"(?:(?P<attend>เข้าร่วม|ร่วม)|(?P<open>ประธานเปิด|ประธานในพิธีเปิด|ประธานการเปิด|กล่าวเปิด)"
                     r"|(?P<chair>เป็นประธาน)|(?P<held>(?<![ก-๙])(?:ได้)?จัด(?:ให้มี)?))\s*$")
_PROPER_KIND = re.compile(r"สุดยอด|ระดับรัฐมนตรี|รัฐมนตรี.{0,40}อาเซียน|Summit")
_EDITION = re.compile(rf"\s?ครั้ง(?:ที่)?\s?(?P<n>{_DIGITS})(?:/{_DIGITS})?")  # "ครั้งที่ ๑/๒๕๖๖": the first of 2566
_MORE_EDITION = re.compile(rf"\s?และ\s?ครั้ง(?:ที่)?\s?(?P<n>{_DIGITS})")
_LATIN_PHRASE = re.compile(r"\s(?P<p>[A-Za-z0-9][A-Za-z0-9\-+&,.:'’ ]{3,200}?)\s?(?=\(|[ก-๙]|\n|$)")
_LATIN_NAME = re.compile(rf"\s(?P<ord>\d+(?:st|nd|rd|th)\s+)?(?P<acr>{_ACR}(?:\s(?:[A-Z][a-z]+|Plus\sThree)){{0,2}})"
                         r"(?=\s|$|\()")
# words that end a Thai meeting name (newmm words); "และ" ends it only before another meeting or edition
_STOP_WORDS = frozenset((
    "ซึ่ง", "ผ่าน", "ณ", "เมื่อ", "จัดขึ้น", "ที่", "มี", "มีมติ", "ได้", "เป็น", "จะ", "ภายใต้", "ประจำปี", "ในปี",
    "เวลา", "วันที่", "ทั้งนี้", "โดย", "นอกจากนี้", "ให้", "ต่อ", "กับ", "เพื่อ", "ว่า", "ดังกล่าว", "เข้าร่วม",
    "ครั้งที่", "ร่วมกับ", "จาก", "เกี่ยวกับ", "ตาม", "แล้ว", "นี้", "ประกอบด้วย",
))
# words that end a name only before a date or a clause: "ระหว่างวันที่" (not "ความร่วมมือระหว่างผู้ปฏิบัติงาน"),
# "ในภาคเช้า", "ในปี" (not "ในอาเซียน", "ในการดำเนินการ")
_STOP_BEFORE = {
    "ระหว่าง": re.compile(r"\s?(?:วัน|เดือน|\d|[๐-๙])"),
    "จัด": re.compile(r"(?:ขึ้น|โดย|ที่|ให้|การประชุม)"),
    "ครั้ง": re.compile(r"\s?(?:ที่|\d|[๐-๙])"),
    "ใน": re.compile(r"\s?(?:ปี|วัน|ภาค|ช่วง|เดือน|ระหว่าง|นาม|ฐานะ|โอกาส|ระบบ|รูปแบบ|หัวข้อ)"),
}
_STOP_CHARS = "(\n“\"”,:;"
MAX_NAME = 230
_MODE_ONLY = re.compile(r"(?:via\s)?(?:[Vv]ideo\s?[Cc]onference|[Tt]eleconference|[Oo]nline|[Vv]irtual(?: [Mm]eeting)?|"
                        r"[Hh]ybrid|VDO Conference|Zoom|Webex)")
_MEETING_WORD = re.compile(r"\b(?:Meetings?|Conference|Forum|Summit|Retreat|Workshop|Dialogue|Session|Committee|Council|"
                           r"Symposium|Seminar|Consultation|Group|Partnership|Assembly|Congress|Roundtable|Convention|"
                           r"Task\s?Force|Commission|Board|Caucus|Exchange|Programme|Program|Training)\b", re.I)


@dataclass(frozen=True)
class Mention:
    start: int  # where the phrase starts ("การประชุม...")
    end: int  # after the edition / parenthesis
    name_th: str | None
    name_en: str | None
    acronym: str | None
    edition: int | None
    attended: bool  # preceded by an attendance or opening verb, or a headline's "ร่วมประชุม"
    verb: str = ""  # "attend", "open", "chair", "held" or "headline": how the record says it took part


def ordinal(text: str) -> tuple[int | None, str]:
    """The edition an English name starts with ("16th", "Sixteenth") and the rest of the name."""
    m = _ORDINAL_NUM.match(text)
    if m:
        return int(m.group(1)), text[m.end():]
    m = _ORDINAL_WORD.match(text)
    if m:
        return _TENS.get((m.group("tens") or "").lower(), 0) + _ORDINAL_WORDS.index(m.group("unit").lower()) + 1, \
            text[m.end():]
    return None, text


def _number(raw: str) -> int:
    return int(to_arabic_digits(raw))


def _acronym_form(raw: str) -> tuple[int | None, str | None]:
    """(edition, acronym) when ``raw`` is an acronym with at most two words after it ("17th SOMSWD", "SOCA Retreat")."""
    edition, rest = ordinal(raw.strip())
    if re.fullmatch(rf"(?:[A-Z][A-Za-z]+[-\s]){{0,2}}{_ACR}(?:\s(?:[A-Z][a-z]+|Plus\sThree)){{0,1}}", rest) \
            and re.match(r"[A-Z]{2}", rest) and re.search(r"[A-Z]{3}", rest):  # also "ASEAN-Japan HLOM"
        rest = re.sub(r"\s(?:Meetings?|Conference)$", "", rest)  # "ACWC Meeting" is ACWC; "SOCA Retreat" stays
        return edition, re.sub(r"\s?\+\s?", "+", rest)
    return edition, None


def parse_parenthesis(content: str) -> tuple[str | None, str | None, int | None]:
    """(name_en, acronym, edition) from "(15th ASEAN ... Plus Three – SOMSWD+3)" and its kin."""
    content = " ".join(content.split())
    if len(re.findall(r"[A-Za-z]", content)) < len(content) * 0.5:
        return None, None, None
    split = re.match(r"^(?P<en>.+?)\s*(?:\s[–—-]\s|:\s)\s*(?P<tail>[^:–—]+)$", content)
    if split:
        tail_edition, acronym = _acronym_form(split.group("tail"))
        if acronym:
            edition, name = ordinal(split.group("en"))
            return name, acronym, edition or tail_edition
    edition, acronym = _acronym_form(content)
    if acronym:
        return None, acronym, edition
    if _MODE_ONLY.fullmatch(content) or not _MEETING_WORD.search(content):
        return None, None, None  # "(Video Conference)" is how, not what; a title without a meeting word is a topic
    edition, name = ordinal(content)
    inner = re.search(rf"\((?P<acr>{_ACR})\)\s(?P<word>[A-Z][a-z]+)$", name)  # "... (SOCA) Retreat"
    acronym = f"{inner.group('acr')} {inner.group('word')}" if inner else None
    if len(name.split()) < 2:
        return None, None, None
    return name, acronym, edition


def _thai_name_end(text: str, at: int) -> int:
    """Where a Thai meeting name that continues at ``at`` ends (a stop word, a bracket, a line end)."""
    limit = min(len(text), at + MAX_NAME)
    pos = at
    for token in words(text[at:limit]):
        if token in _STOP_WORDS or any(c in token for c in _STOP_CHARS):
            break
        if token in _STOP_BEFORE and _STOP_BEFORE[token].match(text, pos + len(token)):
            break
        if token == "และ" and re.match(r"\s?(?:การ(?:จัด)?ประชุม|ครั้ง|ประเทศ)", text[pos + len(token):]):
            break
        if re.fullmatch(_DIGITS, token.strip()) or re.match(r"[A-Za-z]", token):
            break
        pos += len(token)
    return pos


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t":
        end -= 1
    return end


def _mention_at(text: str, m: re.Match[str]) -> Mention | None:
    before = text[max(0, m.start() - 20):m.start()]
    if m.group() == "ประชุม" or _NOT_BEFORE.search(before):
        return None
    if m.group().startswith("ร่วม") and not re.search(r"(?:^|\s)$", before):
        return None  # "ร่วมประชุม" only as a headline's verb ("พม. ร่วมประชุม...")
    after = m.end()
    if _NOT_AFTER.match(text, after) and not _LATIN_NAME.match(text, after):
        return None
    name_en = acronym = None
    edition = None
    latin = _LATIN_NAME.match(text, after)
    phrase = _LATIN_PHRASE.match(text, after)
    if phrase and len(phrase.group("p").split()) >= 3 and _MEETING_WORD.search(phrase.group("p")) \
            and (not latin or latin.end() < phrase.end()):
        # "การประชุม ASEAN-Japan High Level Officials Meeting on Caring Societies (...)": an English name
        edition, name_en = ordinal(phrase.group("p").strip())
        name_th, end = None, phrase.end()
    elif latin:
        edition = int(re.match(r"\d+", latin.group("ord")).group()) if latin.group("ord") else None
        acronym = re.sub(r"\s?\+\s?", "+", latin.group("acr"))
        name_th, end = text[m.start():latin.start("acr")] + acronym, latin.end()
    else:
        name_end = _trim_end(text, after, _thai_name_end(text, after))
        thai = text[m.start():name_end]
        name_th = ("การ" + thai[len("ร่วม"):]) if thai.startswith("ร่วม") else thai
        end = name_end
        if name_end - after < 4:
            return None
    ed = _EDITION.match(text, end)
    editions = []
    if ed:
        edition, end = _number(ed.group("n")), ed.end()
        more = _MORE_EDITION.match(text, end)
        while more:
            editions.append(_number(more.group("n")))
            end = more.end()
            more = _MORE_EDITION.match(text, end)
    paren_at = re.compile(r"\s?\(").match(text, end)
    if paren_at:
        close = closing_paren(text, paren_at.end() - 1, within_line=True)
        if close:
            en, acr, en_edition = parse_parenthesis(text[paren_at.end():close])
            if en or acr:
                name_en, acronym = en or name_en, acr or acronym
                edition = edition or en_edition
                end = close + 1
    verb_m = _ATTEND.search(before)
    verb = "headline" if m.group().startswith("ร่วม") else (verb_m.lastgroup or "") if verb_m else ""
    attended = verb in ("attend", "open", "chair", "headline")
    marked = edition or acronym or name_en or verb or (name_th and _PROPER_KIND.search(name_th))
    if not marked:
        return None
    first = Mention(m.start(), end, name_th, name_en, acronym, edition, attended, verb)
    if editions:  # "ครั้งที่ 3 และครั้ง4": one meeting per edition
        return first, *[Mention(m.start(), end, name_th, name_en, None, e, attended, verb) for e in editions]
    return first


def find_mentions(text: str) -> list[Mention]:
    """Named meetings in ``text``, in order; a phrase naming several editions gives one each."""
    found: list[Mention] = []
    for m in _START.finditer(text):
        if found and m.start() < found[-1].end:
            continue
        got = _mention_at(text, m)
        if got is None:
            continue
        got = got if isinstance(got, tuple) else (got,)
        last = found[-1] if found else None
        if last and last.attended and last.verb != "headline" and not got[0].verb \
                and _JOINED.fullmatch(text[last.end:m.start()]):
            # "เข้าร่วมการประชุม A ... และการประชุม B": B was attended too
            got = tuple(replace(g, attended=True, verb=last.verb) for g in got)
        found.extend(got)
    return found


_JOINED = re.compile(r"\s?(?:และ|รวมทั้ง|ตลอดจน)\s?")
_UNNAMED = re.compile(r"(?P<attend>เข้าร่วม|ร่วม)(?:การ)?ประชุม(?:ดังกล่าว|ครั้งนี้|นี้)"
                      r"|(?P<open>ประธาน(?:ใน)?(?:พิธี)?เปิด)(?:การ)?ประชุม(?:ดังกล่าว|ครั้งนี้|นี้)")


def unnamed_attendance(text: str) -> Mention | None:
    """ "เข้าร่วมการประชุมดังกล่าว": where a record says its meeting was attended without naming it again."""
    m = _UNNAMED.search(text)
    if not m:
        return None
    at = m.end(m.lastgroup)
    return Mention(at, m.end(), None, None, None, None, True, m.lastgroup or "attend")
