"""Metrics of an answer's form (issue #9): its length, the fact first, its language, its dates.

An answer should be short, state the asked fact in its first sentence, be in the
question's language and write dates as the reader does. Pure functions, no model.
What an answer says is measured by `evals.answer_metrics`; these measure how it
says it, so a correct answer in the wrong language or with the record's
abbreviated dates still shows up.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from evals.match_form import EDGE_PUNCT, WHITESPACE, fact_found, normalize_for_match
from prachum.thai.dates import BE_OFFSET, THAI_MONTH_NAMES, find_dates
from prachum.thai.text import normalize_text, to_arabic_digits

# Citation markers as the engine writes them: [1], [1, 2], [1-3].
_MARKER = re.compile(r"\[\s*\d+(?:\s*[,\u2013-]\s*\d+)*\s*\]")
_URL = re.compile(r"https?://\S+")
_BLOCK_BREAK = re.compile(r"\[\s*\d+(?:\s*[,\u2013-]\s*\d+)*\s*\]|\u00b7|\n")
_SENTENCE_STOP = re.compile(r"(?<=[.!?])\s+")
# Words before a dot that do not end a sentence: titles, "No.", and Thai abbreviations ("ดร.", "น.").
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "no", "st", "vs", "e.g", "i.e", "h.e", "ดร"}
_QUOTED = re.compile(r"\u201c[^\u201d]*\u201d|\"[^\"]*\"|\u00ab[^\u00bb]*\u00bb|\u2018[^\u2019]*\u2019|\([^()]*\)")
# An acronym: two or more capitals, with digits, "+", "&" or "-" inside ("SOCA", "SOMSWD+3", "GO-NGO", "4IR").
_ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z][A-Z0-9&+\-]*[A-Z0-9+](?![a-z])")
# A personal name after a title, in either script ("Ms. Jatuporn Rojanapanich", "นางจตุพร โรจนพานิช").
_LATIN_NAME = re.compile(r"(?<![A-Za-z])(?:Mr|Mrs|Ms|Miss|Dr|Prof|H\.E)\.?\s+[A-Z][a-z]+(?:[\s-]+[A-Z][a-z]+){0,2}")
_THAI_NAME = re.compile(rf"(?:นางสาว|นาง|นาย|ดร\.)\s?[\u0e01-\u0e4e]+(?:\s[\u0e01-\u0e4e]+)?")
_THAI_LETTER = re.compile(r"[\u0e01-\u0e4e]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")
_DATE_WORD = re.compile(r"[A-Za-z]+(?:\.[A-Za-z]+)*\.?|[\u0e01-\u0e4e]+(?:\.[\u0e01-\u0e4e]+)*\.?")
_DATE_FILLERS = {"th": {"เดือน", "ปี", "พ.ศ.", "ถึง", "และ"},
                 "en": {"of", "to", "and", "until", "st", "nd", "rd", "th", "ad", "a.d.", "ce", "c.e."}}


def without_markers(answer: str) -> str:
    """The answer's words as a reader sees them: no citation markers, single spaces."""
    return WHITESPACE.sub(" ", _MARKER.sub(" ", answer)).strip()


def answer_length(answer: str) -> int:
    """Characters of the answer without its citation markers ("[1]") and repeated whitespace.

    Characters are code points of the NFC text, so a Thai vowel or tone mark counts
    as one, as it does in every editor's character count.
    """
    return len(normalize_text(without_markers(answer)))


def _abbreviation_before(text: str, dot: int) -> bool:
    """Whether the word ending at ``text[dot] == "."`` is an abbreviation, not a sentence end.

    "ก.พ.", "พ.ศ.", "A.D." (a dot inside the word), a single letter ("น." after a time),
    and titles ("Ms.", "Dr.", "ดร.") do not end a sentence; a number or a word does.
    """
    start = dot
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:dot].casefold().lstrip("\"'“‘(")
    if not word or word.isdigit():
        return False
    return "." in word or (len(word) == 1 and word.isalpha()) or word in _TITLES


def split_sentences(answer: str) -> list[str]:
    """The answer's sentences, in order, without empty pieces.

    A sentence ends at a citation marker ("[1]"), at "·" (the engine joins facts with it),
    at a line break, and at ". ", "? " or "! " unless the dot closes an abbreviation
    ("8 ก.พ. 64", "Ms. Jatuporn", "09.00 น. นาง...").
    """
    sentences = []
    for block in _BLOCK_BREAK.split(answer):
        start = 0
        for stop in _SENTENCE_STOP.finditer(block):
            end = stop.start()
            if block[end - 1] == "." and _abbreviation_before(block, end - 1):
                continue
            sentences.append(block[start:end])
            start = stop.end()
        sentences.append(block[start:])
    return [s.strip() for s in sentences if s.strip(EDGE_PUNCT)]


def first_sentence(answer: str) -> str:
    sentences = split_sentences(answer)
    return sentences[0] if sentences else ""


def fact_in_first_sentence(answer: str, facts: Sequence[Sequence[str]]) -> bool:
    """True when the first asked fact (any form of ``facts[0]``) is stated in the answer's first sentence.

    The fact first: a reader who stops after one sentence has what was asked. With no
    facts (an unanswerable item) there is nothing to put first: vacuously true, as in
    `all_facts_present`; report the rate over answerable items only.
    """
    if not facts:
        return True
    return fact_found(normalize_for_match(first_sentence(answer)), facts[0])


def _letters(text: str) -> tuple[int, int]:
    return len(_THAI_LETTER.findall(text)), len(_LATIN_LETTER.findall(text))


def answer_language(answer: str) -> str:
    """"th" or "en": the script the answer is written in; "" when it has no words of either.

    The rule, meant to be fair to an English answer that names Thai people and a Thai
    answer that names English titles: the language is the script of the answer's own
    words, so before counting letters we set aside
    - citation markers, links and digits (Thai digits are not letters either);
    - anything in quotes or parentheses ("the theme “สร้างเสริม...”", "Ms. Jatuporn
      (นางจตุพร โรจนพานิช)"): a quotation or a gloss is the record's language, not the answer's;
    - acronyms (SOCA, SOMSWD+3, 4IR), which Thai answers use as they are;
    - personal names after a title in either script ("นางจตุพร โรจนพานิช", "Ms. Jatuporn Rojanapanich").
    Then the script with more letters wins (a Thai letter is a consonant, vowel or mark,
    which makes a Thai word about as many letters as an English one); a tie is Thai.
    If nothing is left after setting aside (the answer is only a name or a quotation), the
    names and quotations count after all; acronyms and digits alone are no language ("").
    """
    base = _URL.sub(" ", _MARKER.sub(" ", normalize_text(answer)))
    own_words = _ACRONYM.sub(" ", _THAI_NAME.sub(" ", _LATIN_NAME.sub(" ", _QUOTED.sub(" ", base))))
    for text in (own_words, _ACRONYM.sub(" ", base)):
        thai, latin = _letters(text)
        if thai or latin:
            return "en" if latin > thai else "th"
    return ""


def language_matches(answer: str, lang: str) -> bool:
    """The answer is in the question's language (an answer of no language, "SOCA" or "2564", matches either)."""
    found = answer_language(answer)
    return found in ("", lang)


def _date_in_form(text: str, first_year: int, last_year: int, lang: str) -> bool:
    words = _DATE_WORD.findall(text)
    if lang == "th":
        months, offset, fillers = set(THAI_MONTH_NAMES[1:]), BE_OFFSET, _DATE_FILLERS["th"]
        month_words = [w for w in words if w in months]
        other = [w for w in words if w not in months and w not in fillers]
    else:
        months, offset, fillers = {m.casefold() for m in ENGLISH_MONTHS}, 0, _DATE_FILLERS["en"]
        month_words = [w for w in words if w.casefold() in months]
        other = [w for w in words if w.casefold() not in months and w.casefold() not in fillers]
    years = [int(y) for y in re.findall(r"(?<!\d)\d{4}(?!\d)", to_arabic_digits(text))]
    expected = {first_year + offset, last_year + offset}
    return bool(month_words) and not other and bool(years) and all(y in expected for y in years)


def date_form_ok(answer: str, lang: str) -> bool:
    """True when every date in the answer is written in the reader's form; an answer without dates passes.

    A Thai reader gets Thai month names in full and a four-digit Buddhist-era year
    ("8 กุมภาพันธ์ 2564", "21-22 กันยายน พ.ศ. 2563", Thai digits allowed); an English
    reader gets English month names in full and the Common-Era year ("8 February 2021",
    "February 8, 2021"). Abbreviated months ("8 ก.พ. 64", "8 Feb 2021"), the other
    language's months or era, and numeric dates ("2021-02-08", "8/2/2564") are the
    record's form, not the reader's, and fail. Dates are found by
    `prachum.thai.dates.find_dates` (full dates only: day, month and year).
    """
    if lang not in ("th", "en"):
        raise ValueError(f"lang must be 'th' or 'en', got {lang!r}")
    for found in find_dates(answer):
        last = found.last or found.date
        if not _date_in_form(found.text, found.date.year, last.year, lang):
            return False
    return True


def has_dates(answer: str) -> bool:
    return bool(find_dates(answer))
