"""Turn a document file into plain text, whatever its format or encoding.

Thai records reach us as web pages, Word files, PDFs and old TIS-620 text files.
Everything past this module works on one canonical string (NFC, ``\\n`` line ends,
Thai marks in logical order), so every format-specific quirk is dealt with here.
Failures a user can fix (wrong format, scanned PDF, password) raise
:class:`LoadError` whose message says what is wrong and what to do.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile
from pathlib import Path

from prachum.errors import LoadError

SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm", ".pdf", ".docx"})
# Bigger files are refused before they are read: far past any meeting record, and a
# file this size would take hours to embed. A .docx is a zip, so its unpacked size counts.
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNZIPPED_BYTES = 4 * MAX_FILE_BYTES


class EmptyDocumentError(LoadError):
    """The file holds no text at all (empty, blanks, or only markup); not damage."""


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{size / 1024:.1f} KB"


def check_size(path: Path, size: int) -> None:
    """Refuse a file over MAX_FILE_BYTES before reading it."""
    if size > MAX_FILE_BYTES:
        raise LoadError(f"{path.name} is {_mb(size)}; Prachum reads files up to {_mb(MAX_FILE_BYTES)}; split it into parts")


# --- Thai repair ---------------------------------------------------------------
# PDF producers and legacy shapers draw Thai marks with Private Use Area glyphs
# (shifted-down/left tone marks, consonants without descender), and their text
# layers often keep those code points. Windows and Mac PUA -> standard Thai.
_THAI_PUA = {
    0xF700: "\u0e10", 0xF701: "\u0e34", 0xF702: "\u0e35", 0xF703: "\u0e36", 0xF704: "\u0e37",
    0xF705: "\u0e48", 0xF706: "\u0e49", 0xF707: "\u0e4a", 0xF708: "\u0e4b", 0xF709: "\u0e4c",
    0xF70A: "\u0e48", 0xF70B: "\u0e49", 0xF70C: "\u0e4a", 0xF70D: "\u0e4b", 0xF70E: "\u0e4c",
    0xF70F: "\u0e0d", 0xF710: "\u0e31", 0xF711: "\u0e4d", 0xF712: "\u0e47", 0xF713: "\u0e48",
    0xF714: "\u0e49", 0xF715: "\u0e4a", 0xF716: "\u0e4b", 0xF717: "\u0e4c", 0xF718: "\u0e38",
    0xF719: "\u0e39", 0xF71A: "\u0e3a",
    0xF884: "\u0e31", 0xF885: "\u0e34", 0xF886: "\u0e35", 0xF887: "\u0e36", 0xF888: "\u0e37",
    0xF889: "\u0e47", 0xF88A: "\u0e48", 0xF88B: "\u0e48", 0xF88C: "\u0e48", 0xF88D: "\u0e49",
    0xF88E: "\u0e49", 0xF88F: "\u0e49", 0xF890: "\u0e4a", 0xF891: "\u0e4a", 0xF892: "\u0e4a",
    0xF893: "\u0e4b", 0xF894: "\u0e4b", 0xF895: "\u0e4b", 0xF896: "\u0e4c", 0xF897: "\u0e4c",
    0xF898: "\u0e4c", 0xF899: "\u0e4d", 0xF89A: "\u0e0d", 0xF89B: "\u0e38", 0xF89C: "\u0e39",
    0xF89D: "\u0e3a", 0xF89E: "\u0e10",
}
_THAI_CONSONANT = "\u0e01-\u0e2e"
_THAI_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_LEADING_VOWELS = "\u0e40-\u0e44"
# a mark run stranded before its consonant: at the start, after a non-Thai character,
# or after a leading vowel (เ่ก -> เก่). Valid Thai never has a mark there.
_STRANDED_MARKS = re.compile(
    f"(^|[^{_THAI_CONSONANT}{_THAI_MARKS}{_LEADING_VOWELS}]|[{_LEADING_VOWELS}])"
    f"([{_THAI_MARKS}]+)([{_THAI_CONSONANT}])",
    re.MULTILINE,
)
# nikhahit + (tone) + sara aa is how shapers draw sara am; tone before vowel is wrong order
_SARA_AM_SPLIT = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
_TONE_BEFORE_VOWEL = re.compile("([\u0e48-\u0e4c]+)([\u0e31\u0e34-\u0e3a\u0e47\u0e4d])")
# Latin ligatures and full-width forms from PDFs; NFKC is not applied to everything
# because it would split Thai sara am (U+0E33) into nikhahit + sara aa.
_PRESENTATION_FORMS = re.compile("[\ufb00-\ufb06\uff01-\uff5e]")


def repair_thai(text: str) -> str:
    """Undo what PDF text layers and legacy shapers do to Thai, then NFC.

    Idempotent and a no-op on well-formed Thai, so it is safe for every format.
    """
    text = text.translate(_THAI_PUA)
    text = _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = _STRANDED_MARKS.sub(r"\1\3\2", text)
    text = _TONE_BEFORE_VOWEL.sub(r"\2\1", text)
    text = _SARA_AM_SPLIT.sub("\\1\u0e33", text)
    text = text.replace("\u0e40\u0e40", "\u0e41")  # two sara e drawn for sara ae
    return unicodedata.normalize("NFC", text)


def _tidy(text: str) -> str:
    """Common output form: ``\\n`` line ends, Thai repaired, no trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\u2028", "\n")
    text = repair_thai(text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


# --- bytes -> str ----------------------------------------------------------------
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    return len(_CONTROL.findall(text)) / len(text) < 0.01


_THAI_CHAR = re.compile("[\u0e01-\u0e5b]")
_MARK_AFTER_NON_THAI = re.compile(f"(?:^|[^\u0e01-\u0e5b])[{_THAI_MARKS}]", re.MULTILINE)


_UTF16_TEXT = re.compile("[\t\n\r\x20-\x7e\u00a0-\u00ff\u0e01-\u0e5b\u2010-\u203a\ufeff]")


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark (Windows "Unicode" without BOM), if it reads as text."""
    if len(data) < 4 or len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(_UTF16_TEXT.findall(text)) >= 0.95 * len(text) and _looks_like_text(text):
            return text
    return None


def _looks_thai(text: str) -> bool:
    """Whether a cp874 decoding reads as Thai rather than as mis-decoded Latin-1.

    Latin-1 accents land on Thai vowel and tone marks in cp874 (é -> ้), so real
    Thai is told apart by its marks sitting on Thai letters.
    """
    non_ascii = sum(1 for c in text if ord(c) > 127)
    thai = len(_THAI_CHAR.findall(text))
    if not thai or thai / non_ascii < 0.8:
        return False
    return len(_MARK_AFTER_NON_THAI.findall(text)) <= 0.02 * thai


def decode_bytes(data: bytes, name: str = "file") -> str:
    """Decode text bytes: BOM, then strict UTF-8, then Thai cp874/TIS-620, then a detector.

    Strict UTF-8 first because it almost never decodes other encodings by accident;
    cp874 next because legacy Thai files are the common non-UTF-8 case here and
    generic detectors often call them Latin-1 or Cyrillic.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise LoadError(f"{name} starts with a {encoding} byte-order mark but is not valid {encoding}; re-save it as UTF-8") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _looks_like_text(text):
            return text
        utf16 = _bomless_utf16(data)  # ASCII and Thai in UTF-16 are also valid UTF-8 (with NULs)
        if utf16 is not None:
            return utf16
        raise LoadError(f"{name} looks like a binary file, not text; convert it to .txt, .pdf or .docx first")
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        return utf16
    try:
        text = data.decode("cp874")  # a superset of TIS-620
    except UnicodeDecodeError:
        pass
    else:
        if _looks_thai(text) and _looks_like_text(text):
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding and best.chaos < 0.3:
        text = str(best)
        if _looks_like_text(text):
            return text
    if not _looks_like_text(data.decode("latin-1")):  # control bytes no text encoding uses
        raise LoadError(f"{name} looks like a binary file, not text; convert it to .txt, .pdf or .docx first")
    raise LoadError(f"cannot tell the text encoding of {name}; re-save it as UTF-8")


# --- formats -----------------------------------------------------------------------
def _load_plain(path: Path) -> str:
    return decode_bytes(path.read_bytes(), path.name)


# not "form": ASP.NET pages wrap the whole body in one
_DROP_TAGS = ("script", "style", "noscript", "template", "nav", "iframe", "svg", "button", "head")
_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd details dialog div dl dt fieldset figcaption figure footer "
    "h1 h2 h3 h4 h5 h6 header hr main ol p pre section summary table ul caption".split()
)
# one line each inside their block (a table or a list stays one paragraph)
_LINE_TAGS = frozenset({"tr", "li"})
_CELL_TAGS = frozenset({"td", "th"})
_WS = re.compile(r"[ \t\r\n\f\u00a0]+")
_BR = "\u2029"  # stands for <br> until blocks are joined


def _load_html(path: Path) -> str:
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.dammit import EncodingDetector

    data = path.read_bytes()
    if not data.strip():
        raise EmptyDocumentError(f"{path.name} is empty")
    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    markup: str | bytes = data if declared or data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else decode_bytes(data, path.name)
    soup = BeautifulSoup(markup, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    root = soup.body or soup

    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        lines = (_WS.sub(" ", part).strip() for part in "".join(current).split(_BR))
        block = "\n".join(line for line in lines if line)
        if block:
            blocks.append(block)
        current.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # skip comments, doctype, CDATA
                    current.append(str(child))
            elif isinstance(child, Tag):
                name = child.name
                if name == "br":
                    current.append(_BR)
                elif name in _CELL_TAGS:
                    if "".join(current).rsplit(_BR, 1)[-1].strip():
                        current.append(" | ")
                    walk(child)
                elif name in _LINE_TAGS:
                    current.append(_BR)
                    walk(child)
                    current.append(_BR)
                elif name in _BLOCK_TAGS:
                    flush()
                    walk(child)
                    flush()
                else:
                    walk(child)

    try:
        walk(root)
    except RecursionError:
        raise LoadError(f"{path.name} nests its HTML tags too deeply to read; save the page again from a browser") from None
    flush()
    paragraphs = blocks
    if title and root.find("h1") is None and (not paragraphs or paragraphs[0] != title):
        paragraphs.insert(0, title)
    return "\n\n".join(paragraphs)


def _load_pdf(path: Path) -> str:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(path)  # tries the empty password itself: AES needs 'cryptography' here already
        if reader.is_encrypted:
            unlocked = reader.decrypt("")
            if unlocked == PasswordType.NOT_DECRYPTED:
                raise LoadError(f"{path.name} is password-protected; save a copy without the password and add that")
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except DependencyError as exc:
        raise LoadError(
            f"{path.name} is an AES-encrypted PDF and opening it needs the 'cryptography' package; "
            "install it (pip install cryptography) or save an unprotected copy and add that"
        ) from exc
    except FileNotDecryptedError as exc:
        raise LoadError(f"{path.name} is password-protected; save a copy without the password and add that") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, IndexError, AssertionError, RecursionError) as exc:
        raise LoadError(f"{path.name} is not a readable PDF (damaged, or not a PDF at all): {exc}") from exc
    if not reader.pages:
        raise LoadError(f"{path.name} has no pages")
    text = "\n\n".join(_tidy(p) for p in pages if p.strip())
    if not text.strip():
        raise LoadError(
            f"{path.name} has no text layer (a scanned image?); run OCR on it first, "
            "e.g. `ocrmypdf -l tha+eng in.pdf out.pdf`, and add the OCR'd copy"
        )
    return text


def _docx_table_lines(table, seen: set) -> list[str]:  # type: ignore[no-untyped-def,type-arg]
    lines: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            if cell._tc in seen:  # merged cells come back once per grid column
                continue
            seen.add(cell._tc)  # the element itself: an id() could be reused once freed
            parts = _docx_blocks(cell.iter_inner_content(), seen)
            text = " ".join(" ".join(parts).split())
            if text:
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines


def _docx_blocks(items, seen: set) -> list[str]:  # type: ignore[no-untyped-def,type-arg]
    from docx.table import Table

    out: list[str] = []
    for item in items:
        if isinstance(item, Table):
            rows = _docx_table_lines(item, seen)
            if rows:
                out.append("\n".join(rows))
        else:
            text = item.text
            if text.strip():
                out.append(text)
    return out


def _load_docx(path: Path) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNZIPPED_BYTES:
            raise LoadError(f"{path.name} unpacks to {_mb(unpacked)} (a zip bomb?); Prachum reads .docx files "
                            f"up to {_mb(MAX_UNZIPPED_BYTES)} unpacked")
        document = docx.Document(str(path))
        # paragraphs and tables in the order they appear in the body
        blocks = _docx_blocks(document.iter_inner_content(), set())
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(
            f"{path.name} is not a readable .docx (damaged, or an old .doc renamed); "
            "open it in Word or LibreOffice and save it as .docx"
        ) from exc
    # vertical tabs and soft line breaks come through as \n or \v inside a paragraph
    return "\n\n".join(b.replace("\v", "\n") for b in blocks)


_VISIBLE = re.compile(r"[^\s\u200b\u200c\u200d\u2060\ufeff\u00ad]")

_LOADERS = {
    ".txt": _load_plain,
    ".md": _load_plain,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
    ".docx": _load_docx,
}


def load_text(path: Path) -> str:
    """The document's text: NFC, ``\\n`` line ends, Thai marks repaired, paragraphs kept."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise LoadError(f"{path.name}: unsupported file type '{suffix or '(none)'}'; Prachum reads {kinds}")
    if not path.exists():
        raise LoadError(f"{path}: file not found")
    if not path.is_file():
        raise LoadError(f"{path.name} is not a regular file (a folder, pipe or device?)")
    size = path.stat().st_size
    if size == 0:
        raise EmptyDocumentError(f"{path.name} is empty")
    check_size(path, size)
    try:
        text = _tidy(_LOADERS[suffix](path))
    except PermissionError as exc:
        raise LoadError(f"{path.name}: no permission to read it") from exc
    except MemoryError:
        raise LoadError(f"{path.name} is too large to read into memory") from None
    if not _VISIBLE.search(text):
        raise EmptyDocumentError(f"{path.name} contains no text (only blanks or markup)")
    return text


__all__ = ["SUPPORTED_SUFFIXES", "MAX_FILE_BYTES", "EmptyDocumentError", "LoadError", "load_text",
           "decode_bytes", "repair_thai"]
