"""Answer-quality and retrieval metrics for Prachum: pure functions, no model.

Thai answers to the same question vary in surface form far more than English
ones: Thai or Arabic digits, "8 ก.พ. 64" or "8 ก.พ.64", spaces that Thai writers
put or leave out between words. Every comparison here therefore goes through one
match form (`normalize_for_match`) so that a metric measures *what* was said,
not how it was typed. Matching stays strict where it matters: a number never
matches inside a longer number ("ครั้งที่ 1" is not found in "ครั้งที่ 16").
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from pythainlp.tokenize import word_tokenize

from prachum.thai.dates import BE_OFFSET, THAI_MONTH_NAMES, find_dates
from prachum.thai.text import normalize_text, to_arabic_digits

_THAI = "\u0e00-\u0e7f"
# Spaces next to a Thai character, or after a Thai abbreviation's final dot ("ก.พ. 64"),
# carry no meaning in Thai script: writers put them in or leave them out at will.
_SPACE_NEAR_THAI = re.compile(rf"(?<=[{_THAI}])\s+|\s+(?=[{_THAI}])|(?<=[{_THAI}]\.)\s+")
_DASHES = re.compile("[\u2010-\u2015\u2212]")
_SPACED_RANGE = re.compile(r"(?<=\d)\s*-\s*(?=\d)")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
_WHITESPACE = re.compile(r"\s+")
_PUNCT_ONLY = re.compile(r"^[\W_]+$", re.UNICODE)
_ASCII_ALNUM = "0-9a-z"
_EDGE_PUNCT = " \t\n.,;:!?\"'()[]{}<>«»“”‘’"
_TOKEN_EDGE_PUNCT = "\"'()[]{}<>«»,;:!?"


def normalize_for_match(text: str) -> str:
    """One comparable form for answers, facts and passages.

    NFC + Thai vowel order + no zero-width characters (shared with indexing),
    Thai digits to Arabic, casefold, one kind of dash and quote, single spaces,
    and no spaces around Thai characters, so "๘ ก.พ. ๖๔" == "8 ก.พ.64".
    """
    text = to_arabic_digits(normalize_text(text)).casefold()
    text = _DASHES.sub("-", text.translate(_QUOTES))
    text = _WHITESPACE.sub(" ", text).strip()
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


def _contains_form(normalized_text: str, form: str) -> bool:
    pattern = _pattern(normalize_for_match(form))
    return bool(pattern and pattern.search(normalized_text))


def _fact_found(normalized_text: str, forms: Iterable[str]) -> bool:
    return any(_contains_form(normalized_text, form) for form in forms)


def fact_recall(answer: str, facts: Sequence[Sequence[str]]) -> float:
    """Share of facts of which at least one acceptable surface form occurs in the answer.

    An item with no facts (an unanswerable question) has nothing to recall and
    scores 1.0, as `all()` of nothing is true; report recall over answerable items only.
    """
    if not facts:
        return 1.0
    text = normalize_for_match(answer)
    return sum(_fact_found(text, forms) for forms in facts) / len(facts)


def all_facts_present(answer: str, facts: Sequence[Sequence[str]]) -> bool:
    """True when every fact has at least one of its forms in the answer (the pass criterion)."""
    text = normalize_for_match(answer)
    return all(_fact_found(text, forms) for forms in facts)


def match_tokens(text: str) -> list[str]:
    """newmm words of the match form, without whitespace and punctuation tokens."""
    words = word_tokenize(normalize_for_match(text), engine="newmm", keep_whitespace=False)
    words = (w.strip().strip(_TOKEN_EDGE_PUNCT) for w in words)
    return [w for w in words if w and not _PUNCT_ONLY.match(w)]


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style bag-of-words F1 over Thai word tokens.

    Whitespace tokens would make a whole Thai sentence one token, so newmm words
    are the unit. Two empty texts agree (1.0); one empty text shares nothing (0.0).
    """
    pred, ref = match_tokens(prediction), match_tokens(reference)
    if not pred or not ref:
        return float(pred == ref)
    overlap = sum((Counter(pred) & Counter(ref)).values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / len(pred), overlap / len(ref)
    return 2 * precision * recall / (precision + recall)


def source_matches(source: str, expected: set[str] | frozenset[str]) -> bool:
    """A retrieved or cited source counts when it, or its file name, is expected.

    Retrievers report paths ("/data/seeds/003_x.txt"), the facts file names files.
    """
    if source in expected:
        return True
    name = source.replace("\\", "/").rsplit("/", 1)[-1]
    return name in expected


def _check_retrieval_args(expected: set[str] | frozenset[str], k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if not expected:
        raise ValueError("no expected sources: retrieval metrics are only defined for answerable items")


def hit_at(ranked_sources: Sequence[str], expected: set[str] | frozenset[str], k: int) -> bool:
    """True when an expected source is among the first k retrieved."""
    _check_retrieval_args(expected, k)
    return any(source_matches(s, expected) for s in ranked_sources[:k])


def mrr_at(ranked_sources: Sequence[str], expected: set[str] | frozenset[str], k: int = 10) -> float:
    """Reciprocal rank of the first expected source within the first k, else 0.

    Ranks are positions in the list given: pass one entry per retrieved chunk
    for chunk-level MRR, or de-duplicate first for document-level MRR.
    """
    _check_retrieval_args(expected, k)
    for rank, source in enumerate(ranked_sources[:k], start=1):
        if source_matches(source, expected):
            return 1.0 / rank
    return 0.0


def citation_precision(
    citations: Sequence[Mapping[str, str]],
    expected_sources: set[str] | frozenset[str],
    facts: Sequence[Sequence[str]],
) -> float:
    """Share of cited passages that come from an expected source and state a fact.

    A citation is a mapping with at least "source" (a path ending in the file
    name) and "text". Conventions, chosen so that neither silence nor noise pays:
    - no citations and nothing expected (a correct refusal): 1.0;
    - no citations although sources were expected: 0.0, else never citing
      would maximise precision;
    - citations when nothing was expected: each is wrong, so 0.0;
    - an item with expected sources but no facts checks the source only.
    """
    if not citations:
        return 0.0 if expected_sources else 1.0
    good = 0
    for citation in citations:
        if not source_matches(str(citation["source"]), expected_sources):
            continue
        if not facts or any(_fact_found(normalize_for_match(str(citation["text"])), forms) for forms in facts):
            good += 1
    return good / len(citations)


def refusal_scores(items: Iterable[tuple[bool, bool]]) -> dict[str, float | int]:
    """Refusal precision and recall, with refusing as the positive class.

    `items` holds (answerable, refused) per question. With no refusals made,
    precision is 1.0 if none were needed and 0.0 otherwise; with nothing to
    refuse, recall is 1.0.
    """
    tp = fp = fn = tn = 0
    for answerable, refused in items:
        if refused and not answerable:
            tp += 1
        elif refused:
            fp += 1
        elif not answerable:
            fn += 1
        else:
            tn += 1
    if tp + fp:
        precision = tp / (tp + fp)
    else:
        precision = 0.0 if fn else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "correct_refusals": tp,
        "wrong_refusals": fp,
        "missed_refusals": fn,
        "answered": tn,
        "answerable": fp + tn,
        "unanswerable": tp + fn,
        "total": tp + fp + fn + tn,
    }


def _answer_form(text: str) -> str:
    return normalize_for_match(text).strip(_EDGE_PUNCT)


def _check_golds(golds: Sequence[str]) -> list[str]:
    forms = [f for f in (_answer_form(g) for g in golds) if f]
    if not forms:
        raise ValueError("no non-empty gold answers given")
    return forms


def exact_match(prediction: str, golds: Sequence[str]) -> bool:
    """True when the prediction equals some gold answer in match form (edge punctuation ignored)."""
    pred = _answer_form(prediction)
    return pred in _check_golds(golds)


def contains_gold(prediction: str, golds: Sequence[str]) -> bool:
    """True when some gold answer occurs in the prediction (numbers not inside longer numbers).

    Generative answers wrap the span in a sentence, so exact match undercounts them.
    """
    text = normalize_for_match(prediction)
    return any(_contains_form(text, gold) for gold in _check_golds(golds))


# --- the form of an answer (issue #9: short, exact, the fact first, in the question's language) ----------
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
    return _WHITESPACE.sub(" ", _MARKER.sub(" ", answer)).strip()


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
    return [s.strip() for s in sentences if s.strip(_EDGE_PUNCT)]


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
    return _fact_found(normalize_for_match(first_sentence(answer)), facts[0])


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
