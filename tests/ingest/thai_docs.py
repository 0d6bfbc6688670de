"""Make real Thai PDF and DOCX files for loader tests (a helper module, not a conftest).

The PDF side needs a Thai TrueType font; Debian's fonts-thai-tlwg provides several.
``legacy_shape`` reproduces what old PDF producers put in the text layer (Thai marks
as Private Use Area glyphs, sara am split into nikhahit + sara aa), so the loader's
repair is tested on the text real files carry, not on text we made up to pass.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

PREFERRED_FONTS = ("Garuda", "Loma", "Norasi", "Waree", "Sarabun", "Laksaman", "Kinnari", "TlwgTypo")
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")


def thai_font_path() -> Path | None:
    """A Thai .ttf on this machine (reportlab cannot embed CFF .otf), or None."""
    candidates: list[Path] = []
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", ":lang=th", "file"], capture_output=True, text=True, check=False).stdout
        candidates += [Path(line.split(":")[0].strip()) for line in out.splitlines() if line.strip()]
    for folder in FONT_DIRS:
        if folder.is_dir():
            candidates += [p for p in folder.rglob("*.ttf") if any(n.lower() in p.name.lower() for n in PREFERRED_FONTS)]
    ttfs = [p for p in dict.fromkeys(candidates) if p.suffix.lower() == ".ttf" and p.is_file()]
    for name in PREFERRED_FONTS:  # a regular (upright, not bold) face first
        for p in ttfs:
            if p.stem.lower() == name.lower():
                return p
    return ttfs[0] if ttfs else None


# --- what a legacy (PUA) Thai shaper emits ---------------------------------------------
_SHIFT_DOWN = {"\u0e48": "\uf70a", "\u0e49": "\uf70b", "\u0e4a": "\uf70c", "\u0e4b": "\uf70d", "\u0e4c": "\uf70e",
               "\u0e38": "\uf718", "\u0e39": "\uf719", "\u0e3a": "\uf71a"}
_SHIFT_DOWN_LEFT = {"\u0e48": "\uf705", "\u0e49": "\uf706", "\u0e4a": "\uf707", "\u0e4b": "\uf708", "\u0e4c": "\uf709"}
_SHIFT_LEFT = {"\u0e48": "\uf713", "\u0e49": "\uf714", "\u0e4a": "\uf715", "\u0e4b": "\uf716", "\u0e4c": "\uf717",
               "\u0e31": "\uf710", "\u0e34": "\uf701", "\u0e35": "\uf702", "\u0e36": "\uf703", "\u0e37": "\uf704",
               "\u0e47": "\uf712", "\u0e4d": "\uf711"}
_NO_DESCENDER = {"\u0e0d": "\uf70f", "\u0e10": "\uf700"}
_ABOVE_VOWELS = set("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47\u0e4d")
_BELOW_VOWELS = set("\u0e38\u0e39\u0e3a")
_TONES = set("\u0e48\u0e49\u0e4a\u0e4b\u0e4c")
_ASCENDERS = set("\u0e1b\u0e1d\u0e1f")


def legacy_shape(text: str) -> str:
    """Glyph sequence of HarfBuzz's Thai PUA fallback (hb-ot-shaper-thai), as code points."""
    # sara am -> nikhahit + sara aa, nikhahit moved before the tone mark
    chars: list[str] = []
    for ch in text:
        if ch == "\u0e33":
            i = len(chars)
            while i > 0 and chars[i - 1] in _TONES:
                i -= 1
            chars.insert(i, "\u0e4d")
            chars.append("\u0e32")
        else:
            chars.append(ch)
    out = list(chars)
    base = -1
    saw_above = False
    for i, ch in enumerate(chars):
        if ch in _ABOVE_VOWELS:
            if base >= 0 and chars[base] in _ASCENDERS:
                out[i] = _SHIFT_LEFT[ch]
            saw_above = True
        elif ch in _TONES:
            if base < 0:
                continue
            if chars[base] in _ASCENDERS:
                out[i] = (_SHIFT_LEFT if saw_above else _SHIFT_DOWN_LEFT)[ch]
            elif not saw_above:
                out[i] = _SHIFT_DOWN[ch]
        elif ch in _BELOW_VOWELS:
            if base >= 0 and chars[base] in _NO_DESCENDER:
                out[base] = _NO_DESCENDER[chars[base]]
        else:
            base = i if "\u0e01" <= ch <= "\u0e2e" else -1
            saw_above = False
    return "".join(out)


def make_pdf(path: Path, pages: list[list[str]], font: Path, *, legacy: bool = False) -> Path:
    """A PDF with one text line per list item, one list per page."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    name = f"Thai-{font.stem}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(font)))
    pdf = canvas.Canvas(str(path))
    for lines in pages:
        pdf.setFont(name, 13)
        y = 800
        for line in lines:
            pdf.drawString(40, y, legacy_shape(line) if legacy else line)
            y -= 22
        pdf.showPage()
    pdf.save()
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF that only draws shapes: what a scan without OCR looks like to a text extractor."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    pdf.rect(50, 50, 400, 600, fill=1)
    pdf.showPage()
    pdf.save()
    return path


def make_encrypted_pdf(source: Path, path: Path, password: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None, after_table: list[str] | None = None) -> Path:
    """A DOCX with paragraphs, then an optional table, then more paragraphs."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    for text in after_table or []:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def make_latin_pdf(path: Path, lines: list[str]) -> Path:
    """A one-page PDF in Helvetica: no Thai font needed, for tests about the container, not the script."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    y = 800
    for line in lines:
        pdf.drawString(40, y, line)
        y -= 22
    pdf.showPage()
    pdf.save()
    return path


# A real AES-256 (R6) PDF with an empty user password and the text below, made once with
# pypdf + cryptography: `PdfWriter.encrypt("", "owner", algorithm="AES-256")`, stored so the test
# reads exactly the file that once stopped a whole ingest run.
AES256_PDF_TEXT = "SOCA meeting minutes AES256 secret"
AES256_PDF_B64 = (
    "JVBERi0xLjMKJeLjz9MKMSAwIG9iago8PAovUHJvZHVjZXIgPDExOTJlMmEwZTE5ZTRhOGYzZmI1YTg3ZTFhNjI2NmJiNzQ3Njgx"
    "MWM0N2FjZjJiZWM0YzAyN2IwNWQwZDFjNDU+Cj4+CmVuZG9iagoyIDAgb2JqCjw8Ci9UeXBlIC9QYWdlcwovQ291bnQgMQovS2lk"
    "cyBbIDQgMCBSIF0KPj4KZW5kb2JqCjMgMCBvYmoKPDwKL1R5cGUgL0NhdGFsb2cKL1BhZ2VzIDIgMCBSCj4+CmVuZG9iago0IDAg"
    "b2JqCjw8Ci9UeXBlIC9QYWdlCi9SZXNvdXJjZXMgPDwKL0ZvbnQgPDwKL0YxIDUgMCBSCj4+Cj4+Ci9NZWRpYUJveCBbIDAuMCAw"
    "LjAgMjAwIDEwMCBdCi9QYXJlbnQgMiAwIFIKL0NvbnRlbnRzIDYgMCBSCj4+CmVuZG9iago1IDAgb2JqCjw8Ci9UeXBlIC9Gb250"
    "Ci9TdWJ0eXBlIC9UeXBlMQovQmFzZUZvbnQgL0hlbHZldGljYQo+PgplbmRvYmoKNiAwIG9iago8PAovTGVuZ3RoIDk2Cj4+CnN0"
    "cmVhbQp4BejXc5dr98+BYU1ZmUpUcL7BwX/puKHKGQosaQsiMXElfiTGbqz52JU/gf5ZcGOtZZPBKDcd4FWX2eJ6mh+rXDfP9jOh"
    "+T+Uqs0AC0DISYg0wHkoNXwFXAiuY5Y/BNIKZW5kc3RyZWFtCmVuZG9iago3IDAgb2JqCjw8Ci9WIDUKL1IgNgovTGVuZ3RoIDI1"
    "NgovUCA0Mjk0OTY3MjkyCi9GaWx0ZXIgL1N0YW5kYXJkCi9PIDw3ZDhiMzFkYWZiMmFkYTU3NTdmODc0OGViNTkzY2Q1ODJmNTZm"
    "N2ViOTZiNGQ4N2Q3NTVlM2ZjN2M5NmU0MjQxYTgwNTA0N2M0ZDNlNDgwODIxYjAzZmUyNmI3YTI0NmE+Ci9VIDwwNGViZDQzYjlm"
    "ODRkY2JkOGZiMGJjYzk2ZWI1ZWUxOTBlZjBjODgzMGJlMDc4MjRhMDQ4OGEzN2IyZmE4ZGRiYTQ3NjlhZTNiOThkNWQxYjk2NmY3"
    "NDJiNWJkNjQyM2I+Ci9DRiA8PAovU3RkQ0YgPDwKL0F1dGhFdmVudCAvRG9jT3BlbgovQ0ZNIC9BRVNWMwovTGVuZ3RoIDMyCj4+"
    "Cj4+Ci9TdG1GIC9TdGRDRgovU3RyRiAvU3RkQ0YKL09FIDxjZGM4ZjYzNDM3ZDJlMGQyNTdhYWE3MGE2MjNlYWJlMTYyMGU1OTY5"
    "ZDY1NTAyM2U1ZDY5NWNiYzUyYmM4ZTY1PgovVUUgPGU2NmQ2ZWUzN2U5OTY0NDExZTAzZmRiNjgwMDc0MDYwYjdjMmIyNzkxMWFl"
    "MmJhY2UwNWJjZTE5NDFiNjAyYTQ+Ci9QZXJtcyA8NTc2YTE0MzY0ZGNkMzliZDAyMjc5OWU3M2M3NTAxMmE+Cj4+CmVuZG9iagp4"
    "cmVmCjAgOAowMDAwMDAwMDAwIDY1NTM1IGYgCjAwMDAwMDAwMTUgMDAwMDAgbiAKMDAwMDAwMDExMyAwMDAwMCBuIAowMDAwMDAw"
    "MTcyIDAwMDAwIG4gCjAwMDAwMDAyMjEgMDAwMDAgbiAKMDAwMDAwMDM1MyAwMDAwMCBuIAowMDAwMDAwNDIzIDAwMDAwIG4gCjAw"
    "MDAwMDA1NjkgMDAwMDAgbiAKdHJhaWxlcgo8PAovU2l6ZSA4Ci9Sb290IDMgMCBSCi9JbmZvIDEgMCBSCi9JRCBbIDw4OGJkNzk5"
    "ZjI5NjM3ZTA3YWExMTk3NGM1MWQzYzk2Mj4gPDg4YmQ3OTlmMjk2MzdlMDdhYTExOTc0YzUxZDNjOTYyPiBdCi9FbmNyeXB0IDcg"
    "MCBSCj4+CnN0YXJ0eHJlZgoxMTI0CiUlRU9GCg=="
)


def make_aes256_pdf(path: Path) -> Path:
    import base64

    path.write_bytes(base64.b64decode(AES256_PDF_B64))
    return path
