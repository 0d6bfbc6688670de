"""Thai text forms shared by indexing and querying.

What is indexed and what is asked must pass through the same functions, or a
question written with Thai digits would never match a record written with Arabic
ones. Everything here is cheap and deterministic (newmm, never `longest`).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pythainlp.tokenize import word_tokenize
from pythainlp.util import normalize as thai_normalize

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_PUNCT_ONLY = re.compile(r"^[\W_]+$", re.UNICODE)
_NAMED = re.compile(r"(?:ประเทศ|สาธารณรัฐ|นางสาว|นาง|นาย)\s?([\u0e00-\u0e7f]{2,})")


def to_arabic_digits(text: str) -> str:
    return text.translate(THAI_DIGITS)


def normalize_text(text: str) -> str:
    """Canonical Unicode form for display: NFC, Thai vowel/tone order fixed, no zero-width characters."""
    text = unicodedata.normalize("NFC", text)
    text = ZERO_WIDTH.sub("", text)
    return thai_normalize(text)


def search_form(text: str) -> str:
    """The form that is embedded and tokenised: normalised, Arabic digits, single spaces."""
    text = to_arabic_digits(normalize_text(text))
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def _tokens_cached(text: str) -> tuple[str, ...]:
    words = word_tokenize(text, engine="newmm", keep_whitespace=False)
    return tuple(w.lower() for w in words if w.strip() and not _PUNCT_ONLY.match(w))


def word_tokens(text: str) -> list[str]:
    """newmm word tokens of the search form, lower-cased, without spaces and punctuation (for BM25)."""
    return list(_tokens_cached(search_form(text)))


def named(claim: str) -> list[str]:
    """The first word after a person or country marker: the names a claim commits to."""
    names = []
    for match in _NAMED.finditer(claim):
        words = word_tokens(match.group(1))
        if words:
            # newmm splits some names ("สมชาย" -> "สม", "ชาย"): a too-short first word takes the next
            name = words[0] if len(words[0]) > 2 or len(words) == 1 else words[0] + words[1]
            if not name.startswith(("ใด", "ไหน", "อะไร")):  # "ประเทศใด" asks, it does not name
                names.append(name)
    return names
