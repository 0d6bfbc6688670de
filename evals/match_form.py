"""The one match form every metric compares in, and fact lookup in it.

Thai answers to the same question vary in surface form far more than English
ones: Thai or Arabic digits, "8 ก.พ. 64" or "8 ก.พ.64", spaces that Thai writers
put or leave out between words. Every comparison of the evaluation therefore goes
through one match form (`normalize_for_match`) so that a metric measures *what*
was said, not how it was typed. Matching stays strict where it matters: a number
never matches inside a longer number ("ครั้งที่ 1" is not found in "ครั้งที่ 16").

Kept apart from the metrics because all three kinds of them (answer text,
citations, answer form) look facts up the same way here.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from prachum.thai.text import normalize_text, to_arabic_digits

_THAI = "\u0e00-\u0e7f"
# Spaces next to a Thai character, or after a Thai abbreviation's final dot ("ก.พ. 64"),
# carry no meaning in Thai script: writers put them in or leave them out at will.
_SPACE_NEAR_THAI = re.compile(rf"(?<=[{_THAI}])\s+|\s+(?=[{_THAI}])|(?<=[{_THAI}]\.)\s+")
_DASHES = re.compile("[\u2010-\u2015\u2212]")
_SPACED_RANGE = re.compile(r"(?<=\d)\s*-\s*(?=\d)")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
# Shared with the metrics: runs of whitespace, and what may surround an answer or a sentence.
WHITESPACE = re.compile(r"\s+")
_ASCII_ALNUM = "0-9a-z"
EDGE_PUNCT = " \t\n.,;:!?\"'()[]{}<>«»“”‘’"


def normalize_for_match(text: str) -> str:
    """One comparable form for answers, facts and passages.

    NFC + Thai vowel order + no zero-width characters (shared with indexing),
    Thai digits to Arabic, casefold, one kind of dash and quote, single spaces,
    and no spaces around Thai characters, so "๘ ก.พ. ๖๔" == "8 ก.พ.64".
    """
    text = to_arabic_digits(normalize_text(text)).casefold()
    text = _DASHES.sub("-", text.translate(_QUOTES))
    text = WHITESPACE.sub(" ", text).strip()
    text = _SPACED_RANGE.sub("-", text)
    return _SPACE_NEAR_THAI.sub("", text)


def _pattern(form: str) -> re.Pattern[str] | None:
    """A search pattern for an already normalised form, guarded where a false hit is likely.

    A form starting with a Latin letter or digit must start a word ("ADO" is not in
    "CADO", "15" is not in "2015"); a form ending in a digit must end the number
    ("ครั้งที่ 1" is not in "ครั้งที่ 16"); a form ending in a Latin letter must end
    the word, give or take a plural "s"/"es" ("platform" finds "platforms", "ADO"
    does not find "ADOPTED"). Thai has no word boundaries, so Thai edges are
    left unguarded.
    """
    if not form:
        return None
    head = rf"(?<![{_ASCII_ALNUM}])" if re.match(rf"[{_ASCII_ALNUM}]", form[0]) else ""
    if form[-1].isdigit():
        tail = r"(?![0-9])"
    elif re.match("[a-z]", form[-1]):
        tail = r"(?=(?:e?s)?(?![a-z]))"
    else:
        tail = ""
    return re.compile(head + re.escape(form) + tail)


def contains_form(normalized_text: str, form: str) -> bool:
    pattern = _pattern(normalize_for_match(form))
    return bool(pattern and pattern.search(normalized_text))


def fact_found(normalized_text: str, forms: Iterable[str]) -> bool:
    return any(contains_form(normalized_text, form) for form in forms)
