"""Summary statistics of an evaluation: latency percentiles and means or rates that tolerate empty groups.

A group can be empty (a subset without unanswerable items, a kind with no dated
answer), so each summary says what it returns for nothing instead of raising.
"""
from __future__ import annotations

import statistics
from typing import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: a value that was actually measured, not an interpolation."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def latency_summary(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "mean": 0.0}
    return {"p50": round(statistics.median(values), 1), "p95": round(percentile(values, 95), 1),
            "mean": round(statistics.fmean(values), 1)}


def mean_or_zero(values: Sequence[float]) -> float:
    """The mean, 0.0 for no values."""
    return statistics.fmean(values) if values else 0.0


def share_true(values: Sequence[bool | None]) -> float | None:
    """Share of True among the values that apply (None: not applicable); None when none apply."""
    applicable = [bool(v) for v in values if v is not None]
    return statistics.fmean(applicable) if applicable else None


def median_or_none(values: Sequence[float]) -> float | None:
    """The median, None for no values."""
    return float(statistics.median(values)) if values else None
