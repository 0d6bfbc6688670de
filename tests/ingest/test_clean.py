import unicodedata
from pathlib import Path

import pytest

from ingest.clean import Cleaned, clean_document

SEEDS = Path(__file__).parents[2] / "seeds"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


HEADLINE_003 = (
    "พม. ร่วมประชุมเจ้าหน้าที่อาวุโสสำหรับคณะมนตรีประชาคมสังคมและวัฒนธรรมอาเซียนอย่างไม่เป็นทางการ "
    "(SOCA Retreat) ผ่านระบบทางไกล (Video Conference)"
)


def test_seed_003_portal_prefix_repeated_title_and_source():
    cleaned = clean_document(seed("003"))
    assert isinstance(cleaned, Cleaned)
    assert cleaned.source_url == "https://www.thaigov.go.th/news/contents/details/38994"
    lines = cleaned.text.split("\n")
    assert lines[0] == HEADLINE_003
    assert cleaned.text.count(HEADLINE_003) == 1
    assert "รัฐบาลไทย" not in cleaned.text and "ที่มา" not in cleaned.text and "https://" not in cleaned.text
    assert lines[1] == "" and lines[2] == "วันอังคารที่ 9 กุมภาพันธ์ 2564"
    assert lines[3].startswith("เมื่อวันที่ 8 ก.พ. 64 เวลา 09.00 น. นางจตุพร")  # double space collapsed
    assert cleaned.text.endswith("เพื่อเสนอต่อการประชุมสุดยอดอาเซียน ในปี 2564")


def test_seed_000_share_button_removed():
    cleaned = clean_document(seed("000"))
    assert cleaned.source_url is None
    assert cleaned.text.endswith("ประจำปี พ.ศ. 2563")
    assert "Share" not in cleaned.text
    assert "\u00a0" not in cleaned.text and "  " not in cleaned.text
    assert cleaned.text.count("\n\n") == 3  # its four paragraphs survive


def test_seed_001_plugin_credit_removed_thai_digits_kept():
    cleaned = clean_document(seed("001"))
    assert "UltimatelySocial" not in cleaned.text
    assert cleaned.text.endswith("แลกเปลี่ยนความคิดเห็นกับประเทศคู่เจรจา")
    assert "เมื่อวันที่ ๑๕ มีนาคม ๒๕๖๔" in cleaned.text  # display wording: Thai digits stay


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seeds_keep_their_wording(prefix):
    raw = seed(prefix)
    cleaned = clean_document(raw).text
    assert cleaned == unicodedata.normalize("NFC", cleaned)
    assert not any(line != line.strip() for line in cleaned.split("\n"))
    # every body word survives: only boilerplate lines go
    body = [line for line in raw.split("\n") if len(line) > 200]
    for line in body:
        assert " ".join(line.split()) in cleaned


def test_unicode_and_thai_normalisation():
    raw = (
        unicodedata.normalize("NFD", "café")
        + " การ\u200bประชุม\u00a0\u00a0 SOCA\u200d ๒๕๖๔   \n"
        + "กี\u0e48 \u0e48ครั้ง น\u0e4d\u0e49\u0e32\t\tเเปลก   "
    )
    assert clean_document(raw).text == "café การประชุม SOCA ๒๕๖๔\nกี่ ครั้ง น้ำ แปลก"


def test_paragraphs_and_lines_kept_blank_runs_collapsed():
    raw = "\n\nหัวข้อ\n\n\n\nย่อหน้าหนึ่ง บรรทัดหนึ่ง\nบรรทัดสอง\n \n\t\nย่อหน้าสอง 8 Feb 2021\n\n"
    assert clean_document(raw).text == "หัวข้อ\n\nย่อหน้าหนึ่ง บรรทัดหนึ่ง\nบรรทัดสอง\n\nย่อหน้าสอง 8 Feb 2021"


@pytest.mark.parametrize(
    "button",
    ["Share", "แชร์", "  share ", "Facebook Twitter Line", "Share | Tweet | Email", "Social media & sharing icons powered by UltimatelySocial"],
)
def test_share_lines_removed(button):
    assert clean_document(f"เนื้อหา ๑\n{button}\nเนื้อหา ๒").text == "เนื้อหา ๑\nเนื้อหา ๒"


def test_share_words_inside_sentences_kept():
    raw = "Share of the budget rose to 10%\nผู้แทนแชร์ประสบการณ์ด้านสวัสดิการสังคม\nLINE Official Account ของกรม"
    assert clean_document(raw).text == raw


def test_source_line_variants():
    assert clean_document("ข่าว\nที่มา: https://example.go.th/a?b=1\n").source_url == "https://example.go.th/a?b=1"
    cleaned = clean_document("ข่าว\n\nแหล่งที่มา : http://x.th/1\nที่มา : http://y.th/2")
    assert cleaned.source_url == "http://x.th/1" and cleaned.text == "ข่าว"
    credit = clean_document("ข่าว\nที่มา : กองการต่างประเทศ กรมพัฒนาสังคมและสวัสดิการ")
    assert credit.source_url is None and credit.text.endswith("ที่มา : กองการต่างประเทศ กรมพัฒนาสังคมและสวัสดิการ")


def test_repeated_lines_only_dropped_near_the_top():
    opening = "หัวข้อข่าว SOMSWD\nหัวข้อข่าว SOMSWD\nเนื้อหา"
    assert clean_document(opening).text == "หัวข้อข่าว SOMSWD\nเนื้อหา"
    body = "\n".join(["หัวข้อ"] + [f"ย่อหน้าที่ {i}" for i in range(12)] + ["ทั้งนี้", "ทั้งนี้"])
    assert clean_document(body).text.endswith("ทั้งนี้\nทั้งนี้")


def test_portal_prefix_only_on_opening_lines():
    raw = "ทำเนียบรัฐบาล – นายกรัฐมนตรีเปิดการประชุม ๒๕๖๔\nเนื้อหา"
    assert clean_document(raw).text == "นายกรัฐมนตรีเปิดการประชุม ๒๕๖๔\nเนื้อหา"


def test_empty_input():
    assert clean_document("") == Cleaned(text="", source_url=None)
    assert clean_document("Share\n\n\u200b") == Cleaned(text="", source_url=None)
