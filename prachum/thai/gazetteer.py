"""Countries and organisations by name: a maintained table, and lookups over Thai and English text.

Records name the same body many ways: "สาธารณรัฐประชาชนจีน", "ประเทศจีน", "จีน", "China";
"กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", "กระทรวง พม.", "พม.", "MSDHS". Each entry has
one canonical Thai name (what answers compare), an English name (what English readers see)
and its other forms. Thai is written without spaces between words, so lookups match
anywhere, longest form first, but never inside a syllable ("ลาว" is not in "ลาวัณย์",
"ลาวา") and abbreviations never inside longer ones ("สป." is not in "สปป.").

To add a body, add a row; keep abbreviations that are ambiguous across ministries out
(กองการต่างประเทศ has none: "กต." is the Ministry of Foreign Affairs).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_THAI_LETTER = "\u0e01-\u0e2e"
_LEADING_VOWEL = "\u0e40-\u0e44"
_ATTACHED = "\u0e30-\u0e3a\u0e45\u0e47-\u0e4e"  # vowels and marks that belong to the syllable before


@dataclass(frozen=True)
class Entry:
    kind: str  # "country" or "organisation"
    thai: str  # canonical Thai name
    english: str
    forms: tuple[str, ...] = ()  # other Thai and English names
    abbreviations: tuple[str, ...] = ()  # "พม.", "MSDHS"
    thai_government: bool = False  # a Thai ministry or department ("กระทรวงวัฒนธรรม" of Thailand, not Brunei's)
    standalone: bool = False  # only as a word of its own ("อาเซียน" alone, not in "ประชาคม...อาเซียน")


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    text: str
    entry: Entry

    @property
    def canonical(self) -> str:
        return self.entry.thai


def _c(thai: str, english: str, *forms: str, abbr: tuple[str, ...] = ()) -> Entry:
    return Entry("country", thai, english, forms, abbr)


def _o(thai: str, english: str, *forms: str, abbr: tuple[str, ...] = (), gov: bool = False,
       standalone: bool = False) -> Entry:
    return Entry("organisation", thai, english, forms, abbr, gov, standalone)


COUNTRIES: tuple[Entry, ...] = (
    # the ten ASEAN members and Timor-Leste
    _c("บรูไนดารุสซาลาม", "Brunei Darussalam", "เนการาบรูไนดารุสซาลาม", "บรูไน", "Brunei Darussalam", "Brunei",
       "Negara Brunei Darussalam"),
    _c("กัมพูชา", "Cambodia", "ราชอาณาจักรกัมพูชา", "Cambodia", "Kingdom of Cambodia"),
    _c("อินโดนีเซีย", "Indonesia", "สาธารณรัฐอินโดนีเซีย", "Indonesia", "Republic of Indonesia"),
    _c("ลาว", "Lao PDR", "สาธารณรัฐประชาธิปไตยประชาชนลาว", "สปป. ลาว", "สปป.ลาว", "สปป ลาว", "Lao PDR", "Laos",
       "Lao People's Democratic Republic"),
    _c("มาเลเซีย", "Malaysia", "Malaysia"),
    _c("เมียนมา", "Myanmar", "สาธารณรัฐแห่งสหภาพเมียนมา", "เมียนมาร์", "พม่า", "Myanmar", "Burma"),
    _c("ฟิลิปปินส์", "Philippines", "สาธารณรัฐฟิลิปปินส์", "the Philippines", "Philippines",
       "Republic of the Philippines"),
    _c("สิงคโปร์", "Singapore", "สาธารณรัฐสิงคโปร์", "Singapore", "Republic of Singapore"),
    _c("ไทย", "Thailand", "ราชอาณาจักรไทย", "Thailand", "Kingdom of Thailand"),
    _c("เวียดนาม", "Viet Nam", "สาธารณรัฐสังคมนิยมเวียดนาม", "Viet Nam", "Vietnam", "Socialist Republic of Viet Nam"),
    _c("ติมอร์-เลสเต", "Timor-Leste", "ติมอร์ตะวันออก", "ติมอร์เลสเต", "สาธารณรัฐประชาธิปไตยติมอร์-เลสเต", "Timor-Leste",
       "East Timor"),
    # the Plus Three
    _c("จีน", "China", "สาธารณรัฐประชาชนจีน", "China", "People's Republic of China", abbr=("PRC",)),
    _c("ญี่ปุ่น", "Japan", "Japan"),
    _c("เกาหลีใต้", "Republic of Korea", "สาธารณรัฐเกาหลี", "เกาหลี", "Republic of Korea", "South Korea", "Korea",
       abbr=("ROK",)),
    _c("เกาหลีเหนือ", "Democratic People's Republic of Korea", "สาธารณรัฐประชาธิปไตยประชาชนเกาหลี", "North Korea",
       "Democratic People's Republic of Korea", abbr=("DPRK",)),
    # other dialogue partners that meetings of this kind name
    _c("อินเดีย", "India", "สาธารณรัฐอินเดีย", "India"),
    _c("ออสเตรเลีย", "Australia", "เครือรัฐออสเตรเลีย", "Australia"),
    _c("นิวซีแลนด์", "New Zealand", "New Zealand"),
    _c("สหรัฐอเมริกา", "United States", "สหรัฐฯ", "อเมริกา", "United States of America", "United States",
       abbr=("USA",)),
    _c("รัสเซีย", "Russia", "สหพันธรัฐรัสเซีย", "Russian Federation", "Russia"),
    _c("แคนาดา", "Canada", "Canada"),
    _c("สหราชอาณาจักร", "United Kingdom", "อังกฤษ", "United Kingdom", abbr=("UK",)),
)

_MSDHS = "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์"
ORGANISATIONS: tuple[Entry, ...] = (
    # ASEAN
    _o("อาเซียน", "ASEAN", "สมาคมประชาชาติแห่งเอเชียตะวันออกเฉียงใต้", "ASEAN", "Association of Southeast Asian Nations",
       standalone=True),
    _o("สำนักเลขาธิการอาเซียน", "ASEAN Secretariat", "ASEAN Secretariat", "the ASEAN Secretariat"),
    _o("อาเซียนบวกสาม", "ASEAN Plus Three", "อาเซียน+3", "อาเซียน +3", "ASEAN Plus Three", "ASEAN+3", "ASEAN +3"),
    _o("ประชาคมสังคมและวัฒนธรรมอาเซียน", "ASEAN Socio-Cultural Community", "ASEAN Socio-Cultural Community",
       abbr=("ASCC",)),
    _o("ประชาคมการเมืองและความมั่นคงอาเซียน", "ASEAN Political-Security Community",
       "ASEAN Political-Security Community", abbr=("APSC",)),
    _o("ประชาคมเศรษฐกิจอาเซียน", "ASEAN Economic Community", "ASEAN Economic Community", abbr=("AEC",)),
    _o("คณะกรรมการผู้แทนถาวรประจำอาเซียน", "Committee of Permanent Representatives to ASEAN",
       "Committee of Permanent Representatives to ASEAN"),
    _o("ศูนย์ฝึกอบรมอาเซียนด้านสังคมสงเคราะห์และสวัสดิการสังคม", "ASEAN Training Centre for Social Work and Social Welfare",
       "ASEAN Training Centre for Social Work and Social Welfare", abbr=("ATCSW",)),
    # the Thai government: ministries
    _o("สำนักนายกรัฐมนตรี", "Office of the Prime Minister", "Office of the Prime Minister", abbr=("นร.",), gov=True),
    _o("กระทรวงกลาโหม", "Ministry of Defence", "Ministry of Defence", abbr=("กห.",), gov=True),
    _o("กระทรวงการคลัง", "Ministry of Finance", "Ministry of Finance", abbr=("กค.",), gov=True),
    _o("กระทรวงการต่างประเทศ", "Ministry of Foreign Affairs", "Ministry of Foreign Affairs", abbr=("กต.", "MFA"),
       gov=True),
    _o("กระทรวงการท่องเที่ยวและกีฬา", "Ministry of Tourism and Sports", "Ministry of Tourism and Sports",
       abbr=("กก.",), gov=True),
    _o(_MSDHS, "Ministry of Social Development and Human Security", "กระทรวง พม.", "กระทรวงพม.",
       "Ministry of Social Development and Human Security", abbr=("พม.", "MSDHS"), gov=True),
    _o("กระทรวงการอุดมศึกษา วิทยาศาสตร์ วิจัยและนวัตกรรม", "Ministry of Higher Education, Science, Research and Innovation",
       "กระทรวงการอุดมศึกษาฯ", "กระทรวง อว.", abbr=("อว.", "MHESI"), gov=True),
    _o("กระทรวงเกษตรและสหกรณ์", "Ministry of Agriculture and Cooperatives", "Ministry of Agriculture and Cooperatives",
       abbr=("กษ.",), gov=True),
    _o("กระทรวงคมนาคม", "Ministry of Transport", "Ministry of Transport", abbr=("คค.",), gov=True),
    _o("กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม", "Ministry of Digital Economy and Society",
       "Ministry of Digital Economy and Society", abbr=("ดศ.", "MDES"), gov=True),
    _o("กระทรวงทรัพยากรธรรมชาติและสิ่งแวดล้อม", "Ministry of Natural Resources and Environment",
       "Ministry of Natural Resources and Environment", abbr=("ทส.",), gov=True),
    _o("กระทรวงพลังงาน", "Ministry of Energy", "Ministry of Energy", abbr=("พน.",), gov=True),
    _o("กระทรวงพาณิชย์", "Ministry of Commerce", "Ministry of Commerce", abbr=("พณ.",), gov=True),
    _o("กระทรวงมหาดไทย", "Ministry of Interior", "Ministry of Interior", abbr=("มท.",), gov=True),
    _o("กระทรวงยุติธรรม", "Ministry of Justice", "Ministry of Justice", abbr=("ยธ.",), gov=True),
    _o("กระทรวงแรงงาน", "Ministry of Labour", "Ministry of Labour", abbr=("รง.",), gov=True),
    _o("กระทรวงวัฒนธรรม", "Ministry of Culture", "Ministry of Culture", abbr=("วธ.",), gov=True),
    _o("กระทรวงศึกษาธิการ", "Ministry of Education", "Ministry of Education", abbr=("ศธ.",), gov=True),
    _o("กระทรวงสาธารณสุข", "Ministry of Public Health", "Ministry of Public Health", abbr=("สธ.",), gov=True),
    _o("กระทรวงอุตสาหกรรม", "Ministry of Industry", "Ministry of Industry", abbr=("อก.",), gov=True),
    # the Ministry of Social Development and Human Security: departments and agencies
    _o("สำนักงานปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", "Office of the Permanent Secretary (MSDHS)",
       "สำนักงานปลัดกระทรวง พม.", abbr=("สป.พม.", "สป. พม."), gov=True),
    _o("สำนักงานปลัดกระทรวง", "Office of the Permanent Secretary", abbr=("สป.",), gov=True),
    _o("กรมพัฒนาสังคมและสวัสดิการ", "Department of Social Development and Welfare",
       "Department of Social Development and Welfare", abbr=("พส.", "DSDW"), gov=True),
    _o("กรมกิจการเด็กและเยาวชน", "Department of Children and Youth", "Department of Children and Youth",
       abbr=("ดย.", "DCY"), gov=True),
    _o("กรมกิจการสตรีและสถาบันครอบครัว", "Department of Women's Affairs and Family Development",
       "Department of Women's Affairs and Family Development", abbr=("สค.", "DWF"), gov=True),
    _o("กรมกิจการผู้สูงอายุ", "Department of Older Persons", "Department of Older Persons", abbr=("ผส.", "DOP"),
       gov=True),
    _o("กรมส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ", "Department of Empowerment of Persons with Disabilities",
       "Department of Empowerment of Persons with Disabilities", abbr=("พก.", "DEP"), gov=True),
    _o("การเคหะแห่งชาติ", "National Housing Authority", "National Housing Authority", abbr=("กคช.",), gov=True),
    _o("สถาบันพัฒนาองค์กรชุมชน", "Community Organizations Development Institute",
       "Community Organizations Development Institute", abbr=("พอช.", "CODI"), gov=True),
    _o("สำนักงานธนานุเคราะห์", "Government Pawnshop Office", abbr=("สธน.",), gov=True),
    _o("สำนักงานคณะกรรมการส่งเสริมการจัดสวัสดิการสังคมแห่งชาติ", "Office of the National Social Welfare Promotion Commission",
       gov=True),
    _o("กองการต่างประเทศ", "Foreign Affairs Division", "Foreign Affairs Division", gov=True),
    # other Thai departments and offices these records name
    _o("กรมอาเซียน", "Department of ASEAN Affairs", "Department of ASEAN Affairs", gov=True),
    _o("กรมองค์การระหว่างประเทศ", "Department of International Organizations",
       "Department of International Organizations", gov=True),
    _o("กรมความร่วมมือระหว่างประเทศ", "Thailand International Cooperation Agency",
       "Thailand International Cooperation Agency", abbr=("TICA",), gov=True),
    _o("กรมการปกครอง", "Department of Provincial Administration", abbr=("ปค.",), gov=True),
    _o("กรมการพัฒนาชุมชน", "Community Development Department", abbr=("พช.",), gov=True),
    _o("กรมส่งเสริมการปกครองท้องถิ่น", "Department of Local Administration", abbr=("สถ.",), gov=True),
    _o("กรมควบคุมโรค", "Department of Disease Control", "Department of Disease Control", gov=True),
    _o("กรมอนามัย", "Department of Health", gov=True),
    _o("กรมสุขภาพจิต", "Department of Mental Health", "Department of Mental Health", gov=True),
    _o("กรมการจัดหางาน", "Department of Employment", "Department of Employment", abbr=("กกจ.",), gov=True),
    _o("กรมสวัสดิการและคุ้มครองแรงงาน", "Department of Labour Protection and Welfare", abbr=("กสร.",), gov=True),
    _o("กรมพินิจและคุ้มครองเด็กและเยาวชน", "Department of Juvenile Observation and Protection", abbr=("พพ.",),
       gov=True),
    _o("กรมคุ้มครองสิทธิและเสรีภาพ", "Rights and Liberties Protection Department", abbr=("คส.",), gov=True),
    _o("สำนักงานสภาพัฒนาการเศรษฐกิจและสังคมแห่งชาติ", "Office of the National Economic and Social Development Council",
       abbr=("สศช.", "NESDC"), gov=True),
    _o("สำนักงานสถิติแห่งชาติ", "National Statistical Office", "National Statistical Office", abbr=("สสช.",),
       gov=True),
    _o("สำนักงานตำรวจแห่งชาติ", "Royal Thai Police", "Royal Thai Police", abbr=("ตร.",), gov=True),
    # international organisations
    _o("องค์การสหประชาชาติ", "United Nations", "สหประชาชาติ", "United Nations", abbr=("UN",)),
    _o("กองทุนเพื่อเด็กแห่งสหประชาชาติ", "UNICEF", "องค์การยูนิเซฟ", "ยูนิเซฟ", abbr=("UNICEF",)),
    _o("โครงการพัฒนาแห่งสหประชาชาติ", "United Nations Development Programme", abbr=("UNDP",)),
    _o("กองทุนประชากรแห่งสหประชาชาติ", "United Nations Population Fund", abbr=("UNFPA",)),
    _o("องค์กรสหประชาชาติเพื่อความเท่าเทียมระหว่างเพศและเพิ่มพลังของผู้หญิง", "UN Women", "UN Women"),
    _o("คณะกรรมาธิการเศรษฐกิจและสังคมแห่งสหประชาชาติสำหรับเอเชียและแปซิฟิก",
       "United Nations Economic and Social Commission for Asia and the Pacific", abbr=("ESCAP", "UNESCAP")),
    _o("องค์การแรงงานระหว่างประเทศ", "International Labour Organization", "International Labour Organization",
       abbr=("ILO",)),
    _o("องค์การอนามัยโลก", "World Health Organization", "World Health Organization"),
    _o("ธนาคารโลก", "World Bank", "World Bank"),
    _o("ธนาคารพัฒนาเอเชีย", "Asian Development Bank", "Asian Development Bank", abbr=("ADB",)),
    _o("องค์กรความร่วมมือระหว่างประเทศของญี่ปุ่น", "Japan International Cooperation Agency",
       "Japan International Cooperation Agency", "ไจก้า", abbr=("JICA",)),
)
ENTRIES: tuple[Entry, ...] = COUNTRIES + ORGANISATIONS

# where what follows a Thai ministry's name stops describing it
_CLAUSE = re.compile(r"\s(?:ซึ่ง|โดย|ได้|เป็น|ใน|ที่|เพื่อ|ร่วม|กับ|และประเทศ)|[()\n:]")


def _forms(entry: Entry) -> list[str]:
    forms = [entry.thai, *entry.forms, *entry.abbreviations]
    if entry.kind == "country":
        forms += [f"ประเทศ {form}" for form in [entry.thai, *entry.forms] if _is_thai(form) and "ประเทศ" not in form]
    return forms


def _is_thai(form: str) -> bool:
    return bool(re.match(rf"[{_THAI_LETTER}{_LEADING_VOWEL}]", form))


def _pattern(form: str) -> str:
    body = re.escape(form).replace(r"\ ", r"\s?")
    if _is_thai(form):
        abbreviation = bool(re.fullmatch(rf"[{_THAI_LETTER}.]{{2,8}}", form.replace(" ", "")))
        before = rf"(?<![{_LEADING_VOWEL}])" + (rf"(?<![{_THAI_LETTER}.])" if abbreviation else "")
        after = rf"(?![{_THAI_LETTER}]\.)" if form.endswith(".") else rf"(?![{_ATTACHED}])"
        return before + body + after
    return rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])"


@lru_cache(maxsize=2)
def _compiled(kind: str) -> tuple[re.Pattern[str], dict[str, Entry]]:
    by_form: dict[str, Entry] = {}
    for entry in ENTRIES:
        if entry.kind == kind:
            for form in _forms(entry):
                by_form.setdefault(_key(form), entry)
    ordered = sorted(by_form, key=len, reverse=True)
    forms = {}
    for entry in ENTRIES:
        if entry.kind == kind:
            for form in _forms(entry):
                forms.setdefault(_key(form), form)
    return re.compile("|".join(_pattern(forms[k]) for k in ordered)), by_form


def _key(form: str) -> str:
    return re.sub(r"\s+", "", form)


def _standalone_ok(text: str, start: int, end: int) -> bool:
    """A standalone name ("อาเซียน", "ASEAN") counts only as a word of its own, not inside a longer name."""
    before, after = text[max(0, start - 3):start], text[end:end + 2]
    if re.match(r"[A-Za-z]", text[start:end]):
        return not re.match(r"\s+[A-Z]|[-+]", text[end:end + 3])
    glued_before = bool(re.search(rf"[{_THAI_LETTER}\u0e30-\u0e4e]$", before))
    function_word = bool(re.search(r"(?:ของ|กับ|และ|แก่|ต่อ|ใน|จาก|ทั่ว)$", text[max(0, start - 6):start]))
    return (not glued_before or function_word) and not re.match(rf"[{_THAI_LETTER}+]", after)


def _foreign_ministry(text: str, found: Found) -> bool:
    """ "กระทรวงวัฒนธรรม เยาวชน และการกีฬา เนการาบรูไนดารุสซาลาม" is Brunei's ministry, not Thailand's."""
    tail = text[found.end:found.end + 60]
    cut = _CLAUSE.search(tail)
    tail = tail[:cut.start()] if cut else tail
    return any(f.entry.thai != "ไทย" for f in _scan(tail, "country"))


def _scan(text: str, kind: str) -> list[Found]:
    pattern, by_form = _compiled(kind)
    found = []
    for m in pattern.finditer(text):
        entry = by_form[_key(m.group())]
        if entry.standalone and not _standalone_ok(text, m.start(), m.end()):
            continue
        if re.search(r"\d\s*$", text[max(0, m.start() - 3):m.start()]) and m.group().endswith("."):
            continue  # "20 สค. 64" is a date, not a department
        found.append(Found(m.start(), m.end(), m.group(), entry))
    return found


def find_countries(text: str) -> list[Found]:
    """Every country named in ``text``, in order, longest form first, non-overlapping."""
    return _scan(text, "country")


def find_organisations(text: str) -> list[Found]:
    """Every organisation named in ``text`` (ASEAN bodies, Thai ministries and departments, UN agencies)."""
    return [f for f in _scan(text, "organisation")
            if not (f.entry.thai_government and f.entry.thai.startswith("กระทรวง") and _foreign_ministry(text, f))]


def lookup(name: str) -> Entry | None:
    """The entry a name (any form, with or without "ประเทศ", any spacing) refers to."""
    key = _key(name.strip())
    for kind in ("country", "organisation"):
        entry = _compiled(kind)[1].get(key)
        if entry:
            return entry
    return None


def canonical_name(name: str) -> str | None:
    entry = lookup(name)
    return entry.thai if entry else None


def english_name(name: str) -> str | None:
    """The English name of a body given by any of its names ("สปป. ลาว" -> "Lao PDR")."""
    entry = lookup(name)
    return entry.english if entry else None
