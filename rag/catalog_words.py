"""The words of catalog answers, in Thai and English, and how a meeting, a person and a role are written."""
from __future__ import annotations

from prachum.meetings import Attendance, Meeting

WORDS: dict[str, dict[str, str]] = {
    "th": {
        "no_date": "ไม่ระบุวันที่",
        "head": "ผู้แทนไทย: {who}",
        "unsupported": "— บันทึกการประชุมไม่ได้ระบุ{what} จึงตอบจากบันทึกไม่ได้",
        "unsupported_note": "(บันทึกการประชุมไม่ได้ระบุ{what})",
        "attr_budget": "งบประมาณหรือค่าใช้จ่าย",
        "attr_participants": "จำนวนผู้เข้าร่วมประชุม",
        "attr_rate": "อัตราหรือร้อยละ",
        "attr_weather": "สภาพอากาศ",
        "no_person": "— ไม่พบชื่อ {who} ในบันทึกทั้งหมด {n} ฉบับ",
        "the_person": "บุคคลที่ถาม",
        "no_acronym": "— ไม่พบการประชุม {what} ในบันทึกทั้งหมด {n} ฉบับ",
        "none": "— จากบันทึกทั้งหมด {n} ฉบับ ไม่พบการประชุมที่ตรงกับคำถาม{scope}",
        "found": "จากบันทึกทั้งหมด {n} ฉบับ พบ {k} การประชุม{scope}",
        "found_person": "จากบันทึกทั้งหมด {n} ฉบับ พบ {who} ในการประชุม {k} ครั้ง{scope}",
        "in_period": " ในช่วง {period}",
        "latest": "จากบันทึกทั้งหมด {n} ฉบับ การประชุมล่าสุด{scope}คือ {label} เมื่อ {when}",
        "earliest": "จากบันทึกทั้งหมด {n} ฉบับ การประชุมแรกสุด{scope}คือ {label} เมื่อ {when}",
        "of_person": "ที่{who}เข้าร่วม",
        "mentioned": "บันทึกยังกล่าวถึงการประชุมอื่นในช่วงเดียวกัน (ไม่ได้นับรวม):",
        "roles_head": "จากบันทึกทั้งหมด {n} ฉบับ พบ {who} ในการประชุม {k} ครั้ง ตำแหน่งตามลำดับเวลา:",
        "roles_change": "ตำแหน่งเปลี่ยนจาก {a} ({d1}) เป็น {b} ({d2})",
        "roles_same": "ดำรงตำแหน่งเดียวกันทุกครั้ง: {a}",
        "holders": "จากบันทึกทั้งหมด {n} ฉบับ ผู้ที่ทำหน้าที่นี้ ({k} การประชุม):",
        "compare_first": "{a} จัดขึ้นก่อน {b} {days} วัน",
        "compare_same": "ทั้งสองการประชุมจัดขึ้นวันเดียวกัน",
        "compare_missing": "ไม่พบ {what} ในบันทึก",
        "compare_head": "จากบันทึกทั้งหมด {n} ฉบับ:",
        "rank_people": "จากบันทึกทั้งหมด {n} ฉบับ ผู้ที่เข้าร่วมการประชุมมากที่สุด ({k} ครั้ง): {who}",
        "longest": "จากบันทึกทั้งหมด {n} ฉบับ การประชุมที่ยาวที่สุด ({days} วัน):",
        "rank_unknown": "— บันทึกการประชุมไม่มีข้อมูลที่ใช้จัดอันดับนี้",
        "days": "{k} วัน",
    },
    "en": {
        "no_date": "undated",
        "head": "Thai delegate: {who}",
        "unsupported": "The records do not give the {what}, so the catalog cannot answer this.",
        "unsupported_note": "(The records do not give the {what}.)",
        "attr_budget": "budget or costs",
        "attr_participants": "number of participants",
        "attr_rate": "rates or percentages",
        "attr_weather": "weather",
        "no_person": "None of the {n} records names {who}.",
        "the_person": "the person asked about",
        "no_acronym": "None of the {n} records holds a {what} meeting.",
        "none": "Of {n} records, none holds a meeting that matches{scope}.",
        "found": "Of {n} records, {k} {meetings} {match}{scope}.",
        "found_person": "Of {n} records, {who} is recorded at {k} {meetings}{scope}.",
        "in_period": " in {period}",
        "latest": "Of {n} records, the latest meeting{scope} is {label}, on {when}.",
        "earliest": "Of {n} records, the earliest meeting{scope} is {label}, on {when}.",
        "of_person": " {who} attended",
        "mentioned": "The records also mention other meetings in that period (not counted):",
        "roles_head": "Of {n} records, {who} is recorded at {k} {meetings}; positions in date order:",
        "roles_change": "The position changed from {a} ({d1}) to {b} ({d2}).",
        "roles_same": "The same position every time: {a}",
        "holders": "Of {n} records, this role was held at {k} {meetings} by:",
        "compare_first": "{a} came first, {days} days before {b}.",
        "compare_same": "Both meetings were held on the same day.",
        "compare_missing": "{what} is not in the records.",
        "compare_head": "Of {n} records:",
        "rank_people": "Of {n} records, the person at the most meetings ({k}): {who}",
        "longest": "Of {n} records, the longest meeting ({days} days):",
        "rank_unknown": "The records hold nothing to rank meetings by in this way.",
        "days": "{k} days",
    },
}

ROLE_WORDS = {
    "th": {"head": "หัวหน้าคณะผู้แทนไทย", "leader": "ผู้แทนประเทศไทย", "chair": "ประธาน", "vice_chair": "รองประธาน",
           "opened": "ประธานเปิด", "presented": "ผู้นำเสนอ", "spoke": "กล่าวถ้อยแถลง", "attended": "ผู้เข้าร่วม",
           "accompanied": "ร่วมคณะ", "assigned_by": "ผู้มอบหมาย"},
    "en": {"head": "head of the Thai delegation", "leader": "leader for Thailand", "chair": "chair",
           "vice_chair": "vice chair", "opened": "opened it", "presented": "presented", "spoke": "spoke",
           "attended": "attended", "accompanied": "in the delegation", "assigned_by": "assigned the delegate"},
}
_ORDINAL = {1: "st", 2: "nd", 3: "rd"}


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else _ORDINAL.get(n % 10, 'th')}"


def meeting_label(m: Meeting, lang: str) -> str:
    """A meeting as an answer names it: the Thai name with edition and acronym, or "16th SOCCOM (its English name)"."""
    edition = m.edition
    if lang == "en":
        short = " ".join(x for x in ((ordinal(edition) if edition else ""), m.acronym or "") if x)
        if m.acronym and m.name_en and m.acronym.lower() != m.name_en.lower():
            return f"{short} ({m.name_en})"
        if m.name_en:
            return f"{m.name_en} ({ordinal(edition)})" if edition and ordinal(edition) not in m.name_en else m.name_en
        if m.acronym:
            return short
        return f"{m.name_th or ''}{' ' + ordinal(edition) if edition else ''} (quoted in Thai from the record)".strip()
    name = m.name_th or m.name_en or m.acronym or "การประชุม"
    if edition and "ครั้งที่" not in name:
        name += f" ครั้งที่ {edition}"
    if m.acronym and m.acronym not in name:
        name += f" ({m.acronym})"
    return name


def short_label(m: Meeting, lang: str) -> str:
    """A meeting in a few words, for lines that name several: its acronym and edition, else its name cut short."""
    if m.acronym:
        if not m.edition:
            return m.acronym
        return f"{ordinal(m.edition)} {m.acronym}" if lang == "en" else f"{m.acronym} ครั้งที่ {m.edition}"
    name = meeting_label(m, lang)
    return name if len(name) <= 60 else name[:57].rsplit(" ", 1)[0] + "…"


def person_label(a: Attendance, lang: str) -> str:
    honorific = a.honorific or ""
    return f"{honorific}{a.name}" if not honorific.isascii() else f"{honorific} {a.name}".strip()


def role_label(a: Attendance, lang: str) -> str:
    role = ROLE_WORDS[lang].get(a.role, a.role)
    return f"{a.position} ({role})" if a.position else role
