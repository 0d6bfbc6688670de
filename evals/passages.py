"""How retrieved passages and citations appear in a report: file names, ranks, one-line snippets.

Shared by the seed evaluation and the answer benchmarks, so that both reports show
a passage the same way and count several chunks of one record as one document.
"""
from __future__ import annotations

from typing import Any, Iterable

SNIPPET_CHARS = 120
SHOWN_PASSAGES = 5


def file_name(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]


def unique_sources(sources: Iterable[str]) -> list[str]:
    """Sources in rank order, each document once (several chunks of one record are one hit)."""
    return list(dict.fromkeys(sources))


def snippet(text: str, chars: int = SNIPPET_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= chars else flat[:chars] + "…"


def shown_passage(rank: int, source: str, text: str, score: float) -> dict[str, Any]:
    return {"rank": rank, "source": file_name(source), "score": round(float(score), 4), "text": snippet(text)}
