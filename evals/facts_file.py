"""The seed facts file (evals/facts.jsonl): its items, how it is read, and even subsets of it.

Each line is one hand-written question about the five seed records, with the facts a
correct answer states. A line that cannot be read stops the evaluation with its
path and line number, since a silently skipped question would change every rate.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

from prachum.errors import EvalError

FACTS_PATH = Path(__file__).resolve().parent / "facts.jsonl"

T = TypeVar("T")


class FactsFileError(EvalError):
    """evals/facts.jsonl, evals/followups.jsonl (or the file given) cannot be used; the message names the line."""


@dataclass(frozen=True)
class FactItem:
    """One hand-written question: the facts a correct answer states and the records that hold them."""

    id: str
    question: str
    lang: str
    answerable: bool
    facts: tuple[tuple[str, ...], ...]
    reference: str
    sources: frozenset[str]
    kind: str


def read_items(path: Path, what: str, build: Callable[[dict[str, Any]], T]) -> list[T]:
    """``build`` of every non-blank JSON line of ``path``; a line it cannot build raises `FactsFileError`.

    Shared by the facts and the follow-ups file, so both report a bad line the same way.
    """
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(build(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise FactsFileError(f"{path}:{number}: not {what} ({exc})") from None
    return items


def fact_forms(raw: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    """The "facts" of a line: per fact, its acceptable surface forms."""
    return tuple(tuple(forms) for forms in raw["facts"])


def _fact_item(raw: dict[str, Any]) -> FactItem:
    return FactItem(
        id=raw["id"], question=raw["question"], lang=raw["lang"], answerable=bool(raw["answerable"]),
        facts=fact_forms(raw), reference=raw["reference"], sources=frozenset(raw["sources"]), kind=raw["kind"],
    )


def load_facts(path: Path = FACTS_PATH) -> list[FactItem]:
    return read_items(path, "a facts item", _fact_item)


def spread(items: Sequence[T], limit: int | None) -> list[T]:
    """``limit`` items evenly spaced over ``items`` (all of them when limit is None or large enough).

    The facts file is ordered by record, with the unanswerable questions last, so
    an evenly spaced subset still asks about every record and includes refusals,
    where the first ``limit`` items would ask about one record only.
    """
    if limit is None or limit >= len(items):
        return list(items)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    return [items[(i * len(items)) // limit] for i in range(limit)]
