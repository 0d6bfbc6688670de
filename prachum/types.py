"""The data that flows between the stages: passages, citations, answers, filters, stream events.

Defined here, below every stage, so that a later stage never has to import an
earlier one just to name what it receives (the gate and the citation checker both
take :class:`Passage`; the CLI, the UI and the evaluation all read :class:`Answer`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from prachum.errors import FilterError


class Filterable(Protocol):
    """What a filter needs to know about a chunk (the lexical index keeps exactly this)."""

    source: str
    date_ord: int
    acronyms: list[str]


def _ord(day: date) -> int:
    return int(day.strftime("%Y%m%d"))


@dataclass(frozen=True)
class Filters:
    """What a user narrowed the search to. Undated records are kept by date filters: unknown is not 'outside'."""

    since: date | None = None
    until: date | None = None
    sources: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise FilterError(f"since {self.since} is after until {self.until}, so no record can match", "range")

    @property
    def empty(self) -> bool:
        return not (self.since or self.until or self.sources or self.acronyms)

    def accepts(self, entry: Filterable) -> bool:
        if self.sources and entry.source not in self.sources:
            return False
        if self.acronyms and not set(self.acronyms) & set(entry.acronyms):
            return False
        if entry.date_ord:
            if self.since and entry.date_ord < _ord(self.since):
                return False
            if self.until and entry.date_ord > _ord(self.until):
                return False
        return True

    def chroma_where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.acronyms:
            ors = [{f"acr:{a}": True} for a in self.acronyms]
            clauses.append(ors[0] if len(ors) == 1 else {"$or": ors})
        if self.since or self.until:
            bounds: list[dict[str, Any]] = []
            if self.since:
                bounds.append({"date_ord": {"$gte": _ord(self.since)}})
            if self.until:
                bounds.append({"date_ord": {"$lte": _ord(self.until)}})
            dated = bounds[0] if len(bounds) == 1 else {"$and": bounds}
            clauses.append({"$or": [{"date_ord": 0}, dated]})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass
class Passage:
    """A retrieved chunk, with the scores that put it where it is."""

    id: str
    text: str
    source: str
    title: str
    date: str
    score: float
    dense: float
    lexical: float
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EvidenceStrength:
    coverage: float
    dense: float
    score: float

    def as_dict(self) -> dict[str, float]:
        return {"coverage": round(self.coverage, 4), "dense": round(self.dense, 4), "score": round(self.score, 4)}


@dataclass
class Citation:
    n: int
    passage: Passage
    highlights: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Fact:
    """One fact of a short answer: its text as shown (dates in the reader's form), what kind of
    fact it is (person, date, place, number ...) and the citation it stands in."""

    text: str
    kind: str
    n: int

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "kind": self.kind, "n": self.n}


@dataclass
class CitedAnswer:
    text: str
    citations: list[Citation]
    facts: list[Fact] = field(default_factory=list)
    refused: bool = False  # the records were searched and do not hold what was asked (a near miss)


def display_source(source: str, cwd: Path | None = None) -> str:
    """A document's path as ingested, relative to the current folder when it is inside it."""
    try:
        return str(Path(source).relative_to(cwd or Path.cwd()))
    except ValueError:
        return source


def citation_json(c: Citation) -> dict[str, Any]:
    p = c.passage
    return {
        "n": c.n, "source": display_source(p.source), "title": p.title, "date": p.date or None,
        "text": p.text, "score": round(float(p.score), 4),
        "highlights": [list(h) for h in c.highlights],
    }


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    citations: list[Citation]
    timings_ms: dict[str, float]
    answerer: str
    standalone_question: str = ""
    evidence: EvidenceStrength | None = None
    fallback: bool = False
    facts: list[Fact] = field(default_factory=list)
    route: str = "passages"  # "catalog" when answered across records from the meeting catalog (rag/route.py)
    rows: list[dict[str, Any]] = field(default_factory=list)  # the catalog rows a catalog answer was built from

    def to_json(self) -> dict[str, Any]:
        """The `prachum ask --json` contract: other tools rely on these keys (``route`` and, for catalog
        answers, ``rows`` came last)."""
        out: dict[str, Any] = {
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [citation_json(c) for c in self.citations],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "facts": [f.to_json() for f in self.facts],
            "route": self.route,
        }
        if self.route == "catalog":
            out["rows"] = self.rows
        return out


@dataclass
class Retrieved:
    """Evidence found, before the answer is written: shown at once by the UI."""

    citations: list[Citation]
    refused: bool
    short: str = ""  # the verified short answer, shown while an LLM still writes its own


@dataclass
class Token:
    text: str


@dataclass
class Done:
    answer: Answer


Event = Retrieved | Token | Done
