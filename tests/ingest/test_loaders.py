import codecs
import sys
import unicodedata
from pathlib import Path

import pytest

from ingest.loaders import SUPPORTED_SUFFIXES, LoadError, load_text, repair_thai

sys.path.insert(0, str(Path(__file__).parent))
import thai_docs  # noqa: E402  (helper module beside this test)

SEEDS = sorted((Path(__file__).parents[2] / "seeds").glob("*.txt"))
THAI_MIXED = "การประชุม SOCA ครั้งที่ ๑๖ เมื่อวันที่ ๘ ก.พ. ๖๔ (8 February 2021) น้ำ ปู่ ฟ้า\nบรรทัดที่สอง 2563"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.fixture(scope="module")
def thai_font() -> Path:
    font = thai_docs.thai_font_path()
    if font is None:
        pytest.skip("no Thai TrueType font on this machine (Debian: apt-get install fonts-thai-tlwg)")
    return font


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}


# --- plain text and encodings ---------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "cp874", "tis-620"])
def test_txt_encodings(tmp_path, encoding):
    if encoding == "utf-16-le-bom":
        data = codecs.BOM_UTF16_LE + THAI_MIXED.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + THAI_MIXED.encode("utf-16-be")
    else:
        data = THAI_MIXED.encode(encoding)
    path = tmp_path / "record.txt"
    path.write_bytes(data)
    assert load_text(path) == THAI_MIXED


def test_md_and_crlf_and_upper_suffix(tmp_path):
    path = tmp_path / "NOTES.MD"
    path.write_bytes("# หัวข้อ ๑\r\n\r\nเนื้อหา SOMSWD+3\r\n".encode("utf-8"))
    assert load_text(path) == "# หัวข้อ ๑\n\nเนื้อหา SOMSWD+3"


def test_decomposed_input_comes_out_nfc(tmp_path):
    path = tmp_path / "nfd.txt"
    path.write_text(unicodedata.normalize("NFD", "café และ น้ำ"), encoding="utf-8")
    assert load_text(path) == "café และ น้ำ"


def test_latin1_is_not_mistaken_for_thai(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Réunion des délégués à Genève, café crème".encode("latin-1"))
    text = load_text(path)
    assert not any("\u0e00" <= c <= "\u0e7f" for c in text)
    assert text.startswith("R") and "Gen" in text


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seeds_load_unchanged(seed):
    original = seed.read_text(encoding="utf-8")
    assert load_text(seed) == "\n".join(line.rstrip() for line in original.split("\n")).strip("\n")


# --- errors -------------------------------------------------------------------------------
def test_unsupported_suffix(tmp_path):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(LoadError, match=r"unsupported file type '\.xlsx'.*\.docx"):
        load_text(path)


def test_missing_file(tmp_path):
    with pytest.raises(LoadError, match="not found"):
        load_text(tmp_path / "nope.txt")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(LoadError, match="is empty"):
        load_text(path)


def test_whitespace_only_file(tmp_path):
    path = tmp_path / "blank.md"
    path.write_text(" \n\n\u200b \n", encoding="utf-8")
    with pytest.raises(LoadError, match="no text"):
        load_text(path)


def test_binary_file(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    with pytest.raises(LoadError, match="binary|encoding"):
        load_text(path)


def test_undecodable_file(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes((i * 97 + 13) % 256 for i in range(4000)))
    with pytest.raises(LoadError, match="binary|encoding"):
        load_text(path)


# --- HTML ---------------------------------------------------------------------------------
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>ข่าว พม.</title>
<style>p { color: red }</style><script>var share = "แชร์";</script></head>
<body><nav><a href="/">หน้าแรก</a> <a href="/news">ข่าว</a></nav>
<div class="content"><h1>การประชุม SOCA ครั้งที่ ๑๖</h1>
<p>เมื่อวันที่ ๑๕ มีนาคม ๒๕๖๔ <b>นางจตุพร</b>   เข้าร่วม<br>การประชุม (16th SOCCOM)</p>
<!-- a comment --><table><tr><th>วันที่</th><th>การประชุม</th></tr>
<tr><td>8 ก.พ. 64</td><td>SOCA Retreat</td></tr></table>
<ul><li>ข้อหนึ่ง</li><li>ข้อสอง</li></ul></div></body></html>"""


def test_html_text_only_with_paragraph_lines(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    assert load_text(path) == (
        "การประชุม SOCA ครั้งที่ ๑๖\n\n"
        "เมื่อวันที่ ๑๕ มีนาคม ๒๕๖๔ นางจตุพร เข้าร่วม\nการประชุม (16th SOCCOM)\n\n"
        "วันที่ | การประชุม\n8 ก.พ. 64 | SOCA Retreat\n\n"
        "ข้อหนึ่ง\nข้อสอง"
    )


def test_html_title_used_when_no_h1_and_legacy_encoding(tmp_path):
    path = tmp_path / "old.htm"
    html = "<html><head><title>ประชุม SOMSWD ๒๕๖๓</title></head><body><p>ย่อหน้าแรก</p><p>ย่อหน้าที่สอง</p></body></html>"
    path.write_bytes(html.encode("cp874"))  # no charset declared: the bytes must be recognised as Thai
    assert load_text(path) == "ประชุม SOMSWD ๒๕๖๓\n\nย่อหน้าแรก\n\nย่อหน้าที่สอง"


def test_html_declared_tis620(tmp_path):
    path = tmp_path / "declared.html"
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=tis-620"></head><body><h1>หัวข้อ</h1><p>เนื้อหา ๑</p></body></html>'
    path.write_bytes(html.encode("tis-620"))
    assert load_text(path) == "หัวข้อ\n\nเนื้อหา ๑"


# --- PDF ----------------------------------------------------------------------------------
PDF_PAGE_1 = [
    "การประชุมประสานงานประชาคมสังคมและวัฒนธรรมอาเซียน ครั้งที่ ๑๖ (16th SOCCOM)",
    "เมื่อวันที่ ๑๕ มีนาคม ๒๕๖๔ เวลา ๐๘.๓๐ – ๑๗.๐๐ น. ณ ห้องประชุม ศปก.",
    "ผู้ช่วยปลัดกระทรวง น้ำท่วม ปู่ ป่า ฝั่ง ฟื้นฟู ญาติ ฐูป กำหนด ที่นั่ง ชื่อ ปิ่น ฟ้า กุ้ง",
    "Meeting of 8 February 2021 - SOMSWD+3 and GO-NGO Forum",
]
PDF_PAGE_2 = ["หน้าที่ ๒ สรุปผลการประชุม 2564"]
PDF_TEXT = nfc("\n".join(PDF_PAGE_1) + "\n\n" + "\n".join(PDF_PAGE_2))


def test_pdf_thai_text_round_trip(tmp_path, thai_font):
    path = thai_docs.make_pdf(tmp_path / "record.pdf", [PDF_PAGE_1, PDF_PAGE_2], thai_font)
    assert load_text(path) == PDF_TEXT


def test_pdf_legacy_pua_and_split_sara_am_are_repaired(tmp_path, thai_font):
    path = thai_docs.make_pdf(tmp_path / "legacy.pdf", [PDF_PAGE_1, PDF_PAGE_2], thai_font, legacy=True)
    from pypdf import PdfReader

    raw = PdfReader(path).pages[0].extract_text()
    assert any(0xF700 <= ord(c) <= 0xF71A for c in raw) and "\u0e4d\u0e32" in raw  # what the file really holds
    assert load_text(path) == PDF_TEXT


def test_pdf_password_protected(tmp_path, thai_font):
    plain = thai_docs.make_pdf(tmp_path / "plain.pdf", [PDF_PAGE_2], thai_font)
    locked = thai_docs.make_encrypted_pdf(plain, tmp_path / "locked.pdf", "secret")
    with pytest.raises(LoadError, match="password-protected"):
        load_text(locked)


def test_pdf_with_owner_password_only_is_read(tmp_path, thai_font):
    plain = thai_docs.make_pdf(tmp_path / "plain.pdf", [PDF_PAGE_2], thai_font)
    restricted = thai_docs.make_encrypted_pdf(plain, tmp_path / "restricted.pdf", "")
    assert load_text(restricted) == nfc(PDF_PAGE_2[0])


def test_pdf_scanned_without_text_layer(tmp_path):
    path = thai_docs.make_scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(LoadError, match="no text layer.*OCR"):
        load_text(path)


@pytest.mark.parametrize("content", [b"%PDF-1.4\n1 0 obj garbage\n" * 20, b"this is not a pdf at all"])
def test_pdf_corrupt(tmp_path, content):
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(LoadError, match="not a readable PDF"):
        load_text(path)


# --- DOCX ---------------------------------------------------------------------------------
def test_docx_paragraphs_and_tables_in_order(tmp_path):
    path = thai_docs.make_docx(
        tmp_path / "record.docx",
        ["การประชุม SOCA ครั้งที่ ๑๖", "เมื่อวันที่ ๘ ก.พ. ๖๔ นางจตุพร เข้าร่วมประชุม (Video Conference)"],
        table=[["วันที่", "การประชุม"], ["๒๔ กันยายน ๒๕๖๓", "SOMSWD+3"], ["21-22 กันยายน 2563", "GO-NGO Forum"]],
        after_table=["ที่ประชุมรับทราบ น้ำ ปู่ ฟ้า"],
    )
    assert load_text(path) == nfc(
        "การประชุม SOCA ครั้งที่ ๑๖\n\n"
        "เมื่อวันที่ ๘ ก.พ. ๖๔ นางจตุพร เข้าร่วมประชุม (Video Conference)\n\n"
        "วันที่ | การประชุม\n๒๔ กันยายน ๒๕๖๓ | SOMSWD+3\n21-22 กันยายน 2563 | GO-NGO Forum\n\n"
        "ที่ประชุมรับทราบ น้ำ ปู่ ฟ้า"
    )


def test_docx_merged_cells_read_once(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "หัวข้อรวม"
    table.cell(0, 2).text = "ค"
    for col, value in enumerate(["ก", "ข", "ง"]):
        table.cell(1, col).text = value
    path = tmp_path / "merged.docx"
    document.save(str(path))
    assert load_text(path) == "หัวข้อรวม | ค\nก | ข | ง"


@pytest.mark.parametrize("content", [b"not a zip file", b"PK\x03\x04 truncated"])
def test_docx_corrupt(tmp_path, content):
    path = tmp_path / "broken.docx"
    path.write_bytes(content)
    with pytest.raises(LoadError, match="not a readable .docx"):
        load_text(path)


# --- Thai repair --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "broken, fixed",
    [
        ("น\uf70bา", "น้า"),  # shifted-down mai tho (Windows PUA)
        ("ป\uf701\uf713น", "ปิ่น"),  # shifted-left sara i + mai ek
        ("\uf700ูป", "ฐูป"),  # tho than without its tail
        ("ป\uf88cา", "ป่า"),  # Mac PUA
        ("น\u0e4d\u0e49\u0e32", "น้ำ"),  # sara am drawn as nikhahit + sara aa
        ("ก\u0e48\u0e35", "กี่"),  # tone mark before the vowel
        ("\u0e48กา", "ก่า"),  # mark emitted before its consonant
        ("เ\u0e49กา", "เก้า"),  # mark between a leading vowel and its consonant
        ("เเปลก", "แปลก"),
        ("\ufb01nal ＳＯＣＡ", "final SOCA"),  # ligature and full-width letters
    ],
)
def test_repair_thai(broken, fixed):
    assert repair_thai(broken) == fixed


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_repair_thai_leaves_good_text_alone(seed):
    text = seed.read_text(encoding="utf-8")
    assert repair_thai(text) == text
