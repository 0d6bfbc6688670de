"""Metrics of where an answer comes from: retrieval hits and MRR, citation precision, refusals.

Pure functions, no model. They judge sources and decisions rather than wording:
whether the expected record was retrieved, whether what was cited is from it and
states a fact, and whether refusing was right.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from evals.match_form import fact_found, normalize_for_match


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
        if not facts or any(fact_found(normalize_for_match(str(citation["text"])), forms) for forms in facts):
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
