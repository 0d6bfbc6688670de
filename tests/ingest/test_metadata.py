from datetime import date
from pathlib import Path

import pytest

from ingest.clean import Cleaned, clean_document
from ingest.loaders import load_text
from ingest.metadata import TITLE_MAX, DocMeta, SidecarError, extract_metadata, find_acronyms

SEEDS = Path(__file__).parents[2] / "seeds"

EXPECTED = {
    "000": (
        "การประชุมเจ้าหน้าที่อาวุโสอาเซียนบวกสามด้านสวัสดิการสังคมและการพัฒนา ครั้งที่ 15 (SOMSWD+3)",
        date(2020, 9, 24),
        ["SOMSWD", "SOMSWD+3", "GO-NGO", "ATCSW"],
        None,
    ),
    "001": (
        "การประชุมประสานงานประชาคมสังคมและวัฒนธรรมอาเซียน ครั้งที่ ๑๖ (16th SOCCOM)",
        date(2021, 3, 15),
        ["SOCCOM", "SOCA", "ACRF", "SOMSWD", "ADO", "ASCC"],
        None,
    ),
    "002": ("พส. ผสานความร่วมมือด้านสังคมสงเคราะห์สู่ระดับภูมิภาคอาเซียน", date(2018, 8, 20), [], None),
    "003": (
        "พม. ร่วมประชุมเจ้าหน้าที่อาวุโสสำหรับคณะมนตรีประชาคมสังคมและวัฒนธรรมอาเซียนอย่างไม่เป็นทางการ (SOCA Retreat)…",
        date(2021, 2, 8),
        ["SOCA"],
        "https://www.thaigov.go.th/news/contents/details/38994",
    ),
    "004": (
        "การประชุมภาคีหุ้นส่วนว่าด้วยความก้าวหน้าในการดำเนินการของอาเซียนเรื่องวัฒนธรรมแห่งการป้องกัน",
        date(2021, 8, 26),
        ["SOCA", "SOMSWD", "COP", "AOSWADA"],
        None,
    ),
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_seed_metadata(prefix):
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    meta = extract_metadata(clean_document(load_text(path)), path)
    assert isinstance(meta, DocMeta)
    assert (meta.title, meta.date, meta.acronyms, meta.source_url) == EXPECTED[prefix]
    assert len(meta.title) <= TITLE_MAX


@pytest.mark.parametrize(
    "text, expected",
    [
        ("การประชุม 16th SOCCOM และ SOCA Leader กับ SOMSWD+3 และ ASEAN +3", ["SOCCOM", "SOCA", "SOMSWD+3"]),
        ("GO-NGO Forum, AMMSWD, SOMSWD + 3, SOMSWD", ["GO-NGO", "AMMSWD", "SOMSWD+3", "SOMSWD"]),
        ("Post-COVID recovery for PWDs and NGOs in ASEAN-Japan", []),
        ("SOMSWD III meeting, 4IR, UN and EU", ["SOMSWD"]),
        ("ประชุม ASCC ครั้งที่ ๑ และ ASCC อีกครั้ง", ["ASCC"]),
    ],
)
def test_find_acronyms(text, expected):
    assert find_acronyms(text) == expected


def test_headline_that_is_short_is_kept_verbatim(tmp_path):
    cleaned = Cleaned("ผลการประชุม SOCA ครั้งที่ ๒๕\n\nวันที่ 8 ก.พ. 64 ที่ประชุมได้หารือ", None)
    meta = extract_metadata(cleaned, tmp_path / "a.txt")
    assert meta.title == "ผลการประชุม SOCA ครั้งที่ ๒๕"
    assert meta.date == date(2021, 2, 8)


def test_first_line_starting_with_a_date_is_not_a_title(tmp_path):
    cleaned = Cleaned(
        "วันที่ ๑๕ มีนาคม ๒๕๖๔ ผู้แทนไทยเข้าร่วมการประชุมรัฐมนตรีอาเซียนด้านสวัสดิการสังคม ครั้งที่ ๑๑ "
        "(11th ASEAN Ministerial Meeting on Social Welfare and Development: AMMSWD) ผ่านระบบการประชุมทางไกล\nต่อ",
        None,
    )
    meta = extract_metadata(cleaned, tmp_path / "a.txt")
    assert meta.title == "การประชุมรัฐมนตรีอาเซียนด้านสวัสดิการสังคม ครั้งที่ ๑๑ (AMMSWD)"
    assert meta.date == date(2021, 3, 15)
    assert meta.acronyms == ["AMMSWD"]


@pytest.mark.parametrize(
    "first",
    ["วันที่ 8 ก.พ. 64 ผู้แทนไทยเข้าร่วมการประชุม SOCA Retreat", "วันจันทร์ที่ ๘ ก.พ. ๖๔ ผู้แทนไทยเข้าร่วมการประชุม SOCA Retreat",
     "เมื่อวันที่ 8 ก.พ. 64 ผู้แทนไทยเข้าร่วมการประชุม SOCA Retreat", "On 8 February 2021 Thailand joined การประชุม SOCA Retreat"],
)
def test_short_dateline_is_not_a_headline(tmp_path, first):
    meta = extract_metadata(Cleaned(f"{first}\nเนื้อหาต่อ", None), tmp_path / "a.txt")
    assert meta.title == "การประชุม SOCA Retreat"
    assert meta.date == date(2021, 2, 8)


def test_long_title_is_trimmed_at_a_word(tmp_path):
    name = "การประชุมเชิงปฏิบัติการ" + "ว่าด้วยความร่วมมือด้านการพัฒนาสังคมและสวัสดิการ" * 4
    cleaned = Cleaned(f"วันที่ 1 มกราคม 2564 เข้าร่วม{name} ณ กรุงเทพ", None)
    title = extract_metadata(cleaned, tmp_path / "a.txt").title
    assert len(title) <= TITLE_MAX and title.endswith("…")
    assert name.startswith(title[:-1])


def test_no_meeting_and_no_text_fall_back(tmp_path):
    assert extract_metadata(Cleaned("", None), tmp_path / "บันทึก-2564.txt").title == "บันทึก-2564"
    only = extract_metadata(Cleaned("บันทึกสั้น ๆ ไม่มีวันที่", None), tmp_path / "x.txt")
    assert (only.title, only.date, only.acronyms) == ("บันทึกสั้น ๆ ไม่มีวันที่", None, [])


def test_sidecar_overrides_title_and_date(tmp_path):
    (tmp_path / "sources.toml").write_text(
        '["scan.pdf"]\ntitle = "หนังสือเชิญประชุม SOCA"\ndate = 2021-02-08\n\n'
        '["other.pdf"]\ndate = "2020-09-24"\nsource_url = "https://example.go.th/x"\n',
        encoding="utf-8",
    )
    cleaned = Cleaned("เรียน ผู้อำนวยการ\nขอเชิญเข้าร่วมการประชุม SOCA", None)
    scan = extract_metadata(cleaned, tmp_path / "scan.pdf")
    assert (scan.title, scan.date, scan.acronyms) == ("หนังสือเชิญประชุม SOCA", date(2021, 2, 8), ["SOCA"])
    other = extract_metadata(cleaned, tmp_path / "other.pdf")
    assert other.date == date(2020, 9, 24) and other.source_url == "https://example.go.th/x"
    assert other.title == "เรียน ผู้อำนวยการ"
    assert extract_metadata(cleaned, tmp_path / "unlisted.pdf").date is None


@pytest.mark.parametrize(
    "content, message",
    [
        ('["a.txt"\ntitle = ', "not valid TOML"),
        ('["a.txt"]\ndate = "8 ก.พ. 64"\n', "YYYY-MM-DD"),
        ('["a.txt"]\nauthor = "x"\n', "unknown keys"),
        ('"a.txt" = "title"\n', "must be a table"),
    ],
)
def test_bad_sidecar_says_what_is_wrong(tmp_path, content, message):
    (tmp_path / "sources.toml").write_text(content, encoding="utf-8")
    with pytest.raises(SidecarError, match=message):
        extract_metadata(Cleaned("ข้อความ", None), tmp_path / "a.txt")


def test_markdown_heading_is_the_title_without_its_hashes(tmp_path):
    from ingest.clean import clean_document
    from ingest.metadata import extract_metadata

    doc = tmp_path / "minutes.md"
    meta = extract_metadata(clean_document("# การประชุมคณะกรรมการ ครั้งที่ ๓/๒๕๖๗\n\nเมื่อวันที่ ๑๔ มีนาคม ๒๕๖๗ ที่ประชุมมีมติ"), doc)
    assert meta.title == "การประชุมคณะกรรมการ ครั้งที่ ๓/๒๕๖๗"
