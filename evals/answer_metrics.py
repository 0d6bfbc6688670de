"""Metrics of what an answer says: fact recall, token F1, exact match and contains-gold.

Pure functions, no model. Every comparison is in the match form of
`evals.match_form`, so Thai digits, abbreviations and optional spaces do not
count against an answer.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from pythainlp.tokenize import word_tokenize

from evals.match_form import EDGE_PUNCT, contains_form, fact_found, normalize_for_match

_PUNCT_ONLY = re.compile(r"^[\W_]+$", re.UNICODE)
_TOKEN_EDGE_PUNCT = "\"'()[]{}<>«»,;:!?"


def fact_recall(answer: str, facts: Sequence[Sequence[str]]) -> float:
    """Share of facts of which at least one acceptable surface form occurs in the answer.

    An item with no facts (an unanswerable question) has nothing to recall and
    scores 1.0, as `all()` of nothing is true; report recall over answerable items only.
    """
    if not facts:
        return 1.0
    text = normalize_for_match(answer)
    return sum(fact_found(text, forms) for forms in facts) / len(facts)


def all_facts_present(answer: str, facts: Sequence[Sequence[str]]) -> bool:
    """True when every fact has at least one of its forms in the answer (the pass criterion)."""
    text = normalize_for_match(answer)
    return all(fact_found(text, forms) for forms in facts)


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


def _answer_form(text: str) -> str:
    return normalize_for_match(text).strip(EDGE_PUNCT)


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
    return any(contains_form(text, gold) for gold in _check_golds(golds))
