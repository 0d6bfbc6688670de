"""Every evaluation metric under one import: pure functions, no model.

The metrics live by what they judge, each in its own module:
- `evals.match_form`: the one match form every comparison goes through (Thai digits,
  abbreviations and optional spaces do not count), and fact lookup in it;
- `evals.answer_metrics`: what an answer says (fact recall, token F1, exact match, contains-gold);
- `evals.retrieval_metrics`: where it comes from (hit@k, MRR, citation precision, refusals);
- `evals.form_metrics`: how it says it (length, the fact first, language, date form; issue #9).

This module only re-exports them, so ``from evals.metrics import ...`` keeps working
for callers that want any metric without knowing which module holds it.
"""
from __future__ import annotations

from evals.answer_metrics import (
    all_facts_present,
    contains_gold,
    exact_match,
    fact_recall,
    match_tokens,
    token_f1,
)
from evals.form_metrics import (
    ENGLISH_MONTHS,
    answer_language,
    answer_length,
    date_form_ok,
    fact_in_first_sentence,
    first_sentence,
    has_dates,
    language_matches,
    split_sentences,
    without_markers,
)
from evals.match_form import normalize_for_match
from evals.retrieval_metrics import citation_precision, hit_at, mrr_at, refusal_scores, source_matches

__all__ = [
    "normalize_for_match",
    "fact_recall", "all_facts_present", "match_tokens", "token_f1", "exact_match", "contains_gold",
    "source_matches", "hit_at", "mrr_at", "citation_precision", "refusal_scores",
    "ENGLISH_MONTHS", "without_markers", "answer_length", "split_sentences", "first_sentence",
    "fact_in_first_sentence", "answer_language", "language_matches", "date_form_ok", "has_dates",
]
