"""The terminal summary of an evaluation run: plain-text tables aligned for Thai.

Short enough to read after a run: one table per part, and only the ids of failed
questions; the full failure details are in the Markdown report.
"""
from __future__ import annotations

import unicodedata
from typing import Any, Iterable, Mapping, Sequence

from evals.report_rows import (
    ANSWER_HEADERS,
    FOLLOWUP_HEADERS,
    RETRIEVAL_HEADERS,
    SEED_HEADERS,
    answer_rows,
    followup_rows,
    language_lines,
    ood_line,
    retrieval_rows,
    seed_heading,
    seed_retrieval_line,
    seed_rows,
)

FAILED_IDS_SHOWN = 30


def _width(text: str) -> int:
    """Columns a string takes on a terminal: Thai combining marks take none."""
    return sum(0 if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn" else 1 for ch in text)


def text_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    rows = [list(map(str, r)) for r in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        first = cells[0] + " " * (widths[0] - _width(cells[0]))
        rest = [" " * (w - _width(c)) + c for c, w in zip(cells[1:], widths[1:])]
        return "  ".join([first, *rest]).rstrip()

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def render_table(payload: Mapping[str, Any]) -> str:
    """The terminal summary: one table per part, then where the full reports are."""
    parts: list[str] = [f"Prachum evaluation {payload['created']} (embedder {payload.get('embedder', '?')}, "
                        f"k={payload['settings'].get('k')}, {payload['seconds']:.0f} s)"]
    seeds = payload.get("seeds")
    if seeds:
        parts += ["", seed_heading(seeds), seed_retrieval_line(seeds)]
        if seeds["answerers"]:
            parts.append(text_table(SEED_HEADERS, seed_rows(seeds)))
            lines = language_lines(seeds)
            if lines:
                parts += ["by language:", *lines]
        if followup_rows(seeds):
            parts += [f"Follow-ups: {len(seeds['followups']) // max(1, len(seeds['answerers']))} pairs "
                      "(the second answer scored)", text_table(FOLLOWUP_HEADERS, followup_rows(seeds))]
        for answerer in seeds["answerers"]:
            failed = [i["id"] for i in seeds["items"] if not i["answers"][answerer]["passed"]]
            if failed:
                more = f" … (+{len(failed) - FAILED_IDS_SHOWN}, see the Markdown report)" \
                    if len(failed) > FAILED_IDS_SHOWN else ""
                parts.append(f"failed ({answerer}): {' '.join(failed[:FAILED_IDS_SHOWN])}{more}")
            failed = [i["id"] for i in seeds.get("followups") or () if i["answerer"] == answerer and not i["passed"]]
            if failed:
                parts.append(f"failed follow-ups ({answerer}): {' '.join(failed)}")
    if payload.get("retrieval"):
        parts += ["", "Retrieval benchmarks (own context among all unique contexts)",
                  text_table(RETRIEVAL_HEADERS, retrieval_rows(payload["retrieval"]))]
    if payload.get("answers"):
        parts += ["", "Answer benchmarks (gold paragraph retrieved by the system, not given)",
                  text_table(ANSWER_HEADERS, answer_rows(payload["answers"]))]
    if payload.get("ood"):
        parts += ["", ood_line(payload["ood"])]
    paths = payload.get("paths") or {}
    if paths:
        parts += ["", "reports: " + ", ".join(str(p) for p in paths.values())]
    return "\n".join(parts)
