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
