"""English words of meeting records and the Thai words the records write them with.

The records are Thai; many questions are English. e5 carries an English question to
the right record, but not to the right sentence of it: "Which report was launched in
the afternoon session?" shares no word with "ในภาคบ่าย เป็นการเปิดตัวรายงาน...", and
every sentence of the record scores alike. This glossary is the bridge for the lexical
side: an English question is searched with the Thai words of its vocabulary beside its
own (names, acronyms and numbers still match as written).

It holds the general vocabulary of government meeting records (sessions, roles,
actions, documents, the social-development field), never names of one record's
people or meetings; names are matched through romanisation (prachum.meetings).
Several Thai words per entry: a record may write any of them.
"""
from __future__ import annotations

import re
from functools import lru_cache

GLOSSARY: dict[str, tuple[str, ...]] = {
    # parts of a meeting and of a day
    "morning": ("ช่วงเช้า", "ภาคเช้า"), "afternoon": ("ช่วงบ่าย", "ภาคบ่าย"), "evening": ("ช่วงเย็น", "ภาคค่ำ"),
    "session": ("ช่วง", "ภาค", "สมัย"), "opening": ("พิธีเปิด", "เปิด"), "closing": ("พิธีปิด", "ปิด"),
    "ceremony": ("พิธี",), "end": ("ช่วงท้าย", "สิ้นสุด"), "beginning": ("ช่วงแรก", "เริ่ม"),
    "agenda": ("วาระ",), "item": ("วาระ", "ประเด็น"), "side": ("ฝ่าย",), "day": ("วัน",), "year": ("ปี",),
    "month": ("เดือน",), "week": ("สัปดาห์",), "time": ("เวลา",), "date": ("วันที่",), "first": ("ครั้งแรก", "แรก"),
    "next": ("ครั้งต่อไป", "ถัดไป"), "previous": ("ครั้งที่ผ่านมา",), "last": ("ครั้งล่าสุด", "ล่าสุด"),
    "annual": ("ประจำปี",), "online": ("ออนไลน์", "ทางไกล"), "virtual": ("ทางไกล", "ออนไลน์"),
    "video": ("ทางไกล",), "videoconference": ("ทางไกล",), "remotely": ("ทางไกล",),
    # kinds of meeting
    "meeting": ("การประชุม", "ประชุม"), "conference": ("การประชุม", "ประชุม"), "workshop": ("ประชุมเชิงปฏิบัติการ",),
    "seminar": ("สัมมนา",), "forum": ("เวที",), "summit": ("การประชุมสุดยอด", "สุดยอด"), "retreat": ("ไม่เป็นทางการ",),
    "dialogue": ("การหารือ", "หารือ"), "consultation": ("การหารือ", "หารือ"), "training": ("ฝึกอบรม", "อบรม"),
    "course": ("หลักสูตร",), "study": ("ศึกษา", "การศึกษา"), "visit": ("ศึกษาดูงาน", "เยือน"),
    "exchange": ("แลกเปลี่ยน",), "knowledge": ("ความรู้", "เรียนรู้"), "ministerial": ("ระดับรัฐมนตรี", "รัฐมนตรี"),
    "senior": ("อาวุโส",), "officials": ("เจ้าหน้าที่",), "official": ("เจ้าหน้าที่",), "coordinating": ("ประสานงาน",),
    "partnership": ("หุ้นส่วน", "ความร่วมมือ"), "consortium": ("ภาคีความร่วมมือ", "ภาคี"), "network": ("เครือข่าย",),
    "committee": ("คณะกรรมการ",), "council": ("คณะมนตรี", "สภา"), "community": ("ประชาคม", "ชุมชน"),
    "pillar": ("เสาหลัก",), "body": ("องค์กร",), "bodies": ("องค์กร",), "sectoral": ("เฉพาะสาขา",),
    # roles
    "host": ("เจ้าภาพ",), "co-host": ("เจ้าภาพร่วม", "ร่วมกับ"), "chair": ("ประธาน",), "chairman": ("ประธาน",),
    "chairmanship": ("ประธาน",), "chairperson": ("ประธาน",), "vice": ("รอง",), "deputy": ("รอง",),
    "representative": ("ผู้แทน",), "represent": ("ผู้แทน", "ในนาม"), "delegation": ("คณะผู้แทน",),
    "delegate": ("ผู้แทน",), "leader": ("หัวหน้า", "ผู้นำ"), "head": ("หัวหน้า",), "capacity": ("ในฐานะ",),
    "behalf": ("ในนาม",), "role": ("บทบาท",), "position": ("ตำแหน่ง",), "participant": ("ผู้เข้าร่วม",),
    "attendee": ("ผู้เข้าร่วม",), "speaker": ("วิทยากร", "ผู้บรรยาย"), "researcher": ("นักวิจัย", "คณะวิจัย"),
    "expert": ("ผู้เชี่ยวชาญ",), "staff": ("เจ้าหน้าที่",), "minister": ("รัฐมนตรี",), "secretary": ("เลขาธิการ", "ปลัด"),
    "permanent": ("ปลัด",), "director": ("ผู้อำนวยการ", "อธิบดี"), "director-general": ("อธิบดี",),
    "inspector-general": ("ผู้ตรวจราชการ",), "inspector": ("ผู้ตรวจราชการ",), "assistant": ("ผู้ช่วย",),
    "acting": ("รักษาการ",), "ambassador": ("เอกอัครราชทูต",), "advisor": ("ที่ปรึกษา",), "adviser": ("ที่ปรึกษา",),
    "assigned": ("ได้รับมอบหมาย", "มอบหมาย"), "assign": ("มอบหมาย",), "task": ("มอบหมาย",), "tasked": ("มอบหมาย",),
    # bodies
    "ministry": ("กระทรวง",), "department": ("กรม",), "division": ("กอง",), "office": ("สำนักงาน", "สำนัก"),
    "bureau": ("สำนัก",), "centre": ("ศูนย์",), "center": ("ศูนย์",), "institute": ("สถาบัน",),
    "university": ("มหาวิทยาลัย",), "secretariat": ("สำนักเลขาธิการ",), "government": ("รัฐบาล", "ภาครัฐ"),
    "agency": ("หน่วยงาน",), "organisation": ("องค์กร", "หน่วยงาน"), "organization": ("องค์กร", "หน่วยงาน"),
    "country": ("ประเทศ",), "member": ("สมาชิก",), "region": ("ภูมิภาค",), "regional": ("ภูมิภาค",),
    "international": ("ระหว่างประเทศ", "นานาชาติ"), "foreign": ("ต่างประเทศ",), "affairs": ("การต่างประเทศ",),
    "civil": ("ภาคประชาสังคม",), "society": ("สังคม",), "private": ("ภาคเอกชน", "เอกชน"), "sector": ("ภาค",),
    "stakeholder": ("ภาคส่วน", "ผู้มีส่วนได้ส่วนเสีย"), "partner": ("หุ้นส่วน", "ภาคี"),
    "hotel": ("โรงแรม",), "room": ("ห้อง", "ห้องประชุม"), "building": ("อาคาร",), "floor": ("ชั้น",), "city": ("เมือง",),
    # actions
    "open": ("เปิด",), "opened": ("เปิด",), "close": ("ปิด",), "organise": ("จัด",), "organize": ("จัด",),
    "hold": ("จัด",), "held": ("จัด", "จัดขึ้น"), "attend": ("เข้าร่วม",), "join": ("เข้าร่วม", "ร่วม"),
    "participate": ("เข้าร่วม", "ร่วม"), "present": ("นำเสนอ",), "presentation": ("นำเสนอ",), "report": ("รายงาน",),
    "launch": ("เปิดตัว",), "propose": ("เสนอ",), "proposal": ("ข้อเสนอ", "เสนอ"), "suggest": ("เสนอ",),
    "adopt": ("รับรอง",), "endorse": ("รับรอง", "เห็นชอบ"), "approve": ("เห็นชอบ", "อนุมัติ"), "agree": ("เห็นชอบ", "ตกลง"),
    "sign": ("ลงนาม",), "discuss": ("หารือ", "อภิปราย"), "debate": ("อภิปราย",), "review": ("ทบทวน",),
    "welcome": ("ยินดี", "ต้อนรับ"), "thank": ("ขอบคุณ",), "congratulate": ("แสดงความยินดี",), "note": ("รับทราบ",),
    "inform": ("แจ้ง", "รายงาน"), "announce": ("ประกาศ",), "statement": ("ถ้อยแถลง",),
    "speech": ("สุนทรพจน์", "กล่าว"), "address": ("กล่าว", "ถ้อยแถลง"), "deliver": ("กล่าว",), "say": ("กล่าว",),
    "emphasise": ("เน้นย้ำ", "เน้น"), "emphasize": ("เน้นย้ำ", "เน้น"), "stress": ("เน้นย้ำ",),
    "support": ("สนับสนุน",), "sponsor": ("สนับสนุน",), "finance": ("งบประมาณ", "สนับสนุน"), "fund": ("กองทุน", "สนับสนุน"),
    "cooperate": ("ร่วมมือ",), "cooperation": ("ความร่วมมือ",), "collaborate": ("ร่วมมือ",),
    "collaboration": ("ความร่วมมือ",), "establish": ("จัดตั้ง",), "set": ("จัดตั้ง",), "create": ("จัดตั้ง", "สร้าง"),
    "develop": ("พัฒนา",), "implement": ("ดำเนินการ", "ขับเคลื่อน"), "drive": ("ขับเคลื่อน",), "promote": ("ส่งเสริม",),
    "strengthen": ("เสริมสร้าง", "เสริม"), "protect": ("คุ้มครอง",), "prevent": ("ป้องกัน",), "include": ("บรรจุ", "รวม"),
    "reveal": ("สะท้อน", "เผย"), "show": ("สะท้อน", "แสดง"), "engage": ("มีส่วนร่วม",), "consist": ("ประกอบด้วย",),
    "cover": ("ครอบคลุม",), "publish": ("เผยแพร่",), "result": ("ผล", "ผลการ"), "outcome": ("ผลลัพธ์",),
    "summary": ("สรุป",), "progress": ("ความคืบหน้า",), "update": ("ความคืบหน้า",),
    # documents
    "document": ("เอกสาร",), "declaration": ("ปฏิญญา",), "plan": ("แผน",), "action": ("ปฏิบัติการ",),
    "framework": ("กรอบ",), "guideline": ("แนวทาง",), "agreement": ("ข้อตกลง", "ความตกลง"), "roadmap": ("แผนงาน",),
    "programme": ("แผนงาน", "โครงการ"), "program": ("แผนงาน", "โครงการ"), "project": ("โครงการ",),
    "recommendation": ("ข้อเสนอแนะ",), "resolution": ("มติ",), "theme": ("หัวข้อ", "แนวคิด"), "topic": ("หัวข้อ", "ประเด็น"),
    "issue": ("ประเด็น",), "priority": ("ประเด็นสำคัญ",), "law": ("กฎหมาย",), "legal": ("กฎหมาย",),
    "comparative": ("เปรียบเทียบ",), "research": ("วิจัย",), "outlook": ("แนวโน้ม",), "trend": ("แนวโน้ม",),
    "award": ("รางวัล",), "budget": ("งบประมาณ",), "cost": ("ค่าใช้จ่าย",), "money": ("เงิน",),
    # the field
    "social": ("สังคม",), "welfare": ("สวัสดิการ",), "development": ("การพัฒนา", "พัฒนา"), "human": ("มนุษย์",),
    "security": ("ความมั่นคง",), "work": ("งาน",), "worker": ("ผู้ปฏิบัติงาน",), "practitioner": ("ผู้ปฏิบัติงาน",),
    "educator": ("นักการศึกษา",), "education": ("การศึกษา",), "culture": ("วัฒนธรรม",), "cultural": ("วัฒนธรรม",),
    "child": ("เด็ก",), "children": ("เด็ก",), "youth": ("เยาวชน",), "woman": ("สตรี",), "women": ("สตรี",),
    "family": ("ครอบครัว",), "elderly": ("ผู้สูงอายุ",), "older": ("ผู้สูงอายุ",), "ageing": ("สูงวัย", "ผู้สูงอายุ"),
    "aging": ("สูงวัย", "ผู้สูงอายุ"), "disability": ("คนพิการ", "พิการ"), "disabilities": ("คนพิการ", "พิการ"),
    "vulnerable": ("เปราะบาง",), "poverty": ("ความยากจน",), "inequality": ("ความเหลื่อมล้ำ",),
    "migration": ("การย้ายถิ่น", "โยกย้ายถิ่นฐาน"), "migrant": ("แรงงานข้ามชาติ", "ย้ายถิ่น"),
    "trafficking": ("ค้ามนุษย์",), "exploitation": ("แสวงหาประโยชน์", "แสวงประโยชน์"), "abuse": ("ล่วงละเมิด",),
    "rights": ("สิทธิ",), "protection": ("การคุ้มครอง", "คุ้มครอง"), "prevention": ("การป้องกัน", "ป้องกัน"),
    "pandemic": ("การแพร่ระบาด", "โรคระบาด"), "covid": ("โควิด", "โรคติดเชื้อไวรัสโคโรนา"), "covid-19": ("โควิด",),
    "recovery": ("การฟื้นฟู", "ฟื้นฟู"), "resilience": ("ภูมิคุ้มกัน", "ความยืดหยุ่น"), "disaster": ("ภัยพิบัติ",),
    "climate": ("สภาพภูมิอากาศ",), "change": ("การเปลี่ยนแปลง",), "demographic": ("ประชากร",), "health": ("สุขภาพ",),
    "identity": ("อัตลักษณ์",), "environment": ("สิ่งแวดล้อม", "สภาพแวดล้อม"), "livelihood": ("ความเป็นอยู่",),
    "digital": ("ดิจิทัล",), "technology": ("เทคโนโลยี",), "industrial": ("อุตสาหกรรม",), "revolution": ("ปฏิวัติ",),
    "driver": ("ปัจจัยขับเคลื่อน", "ขับเคลื่อน"), "volunteer": ("อาสาสมัคร",), "safety": ("คุ้มครอง",),
    "net": ("ตาข่าย",), "universal": ("อารยสถาปัตย์",), "design": ("ออกแบบ",), "infrastructure": ("โครงสร้างพื้นฐาน",),
    "group": ("กลุ่ม",), "self-help": ("ช่วยเหลือตนเอง",), "standard": ("มาตรฐาน",), "teaching": ("การเรียนการสอน",),
}
_LATIN = re.compile(r"[A-Za-z]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_WORD = re.compile(r"[a-z][a-z\-]*[a-z]|[a-z]")
_SUFFIXES = ("'s", "ies", "es", "s", "ed", "d", "ing")


@lru_cache(maxsize=4096)
def _entry(word: str) -> tuple[str, ...]:
    """The Thai words of one English word, trying it as written and then without a common ending."""
    if word in GLOSSARY:
        return GLOSSARY[word]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            for form in (stem, stem + "e", stem + "y"):
                if form in GLOSSARY:
                    return GLOSSARY[form]
    return ()


def thai_words(text: str) -> list[str]:
    """The Thai words for the English vocabulary of ``text``, once each, in the order they are asked."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    found = [thai for word in words for thai in _entry(word)]
    return list(dict.fromkeys(found))


def bridged(question: str) -> str:
    """The question with the Thai words of its English vocabulary after it: what the lexical side searches.

    Only an English question is bridged: a Thai question already holds the Thai words, and its English
    names ("asean summit จัดที่ไหน") should match as written, not pull in every "ประชุม".
    """
    if len(_LATIN.findall(question)) <= 2 * len(_THAI.findall(question)):  # as rag.question reads a language
        return question
    extra = thai_words(question)
    return f"{question} {' '.join(extra)}" if extra else question
