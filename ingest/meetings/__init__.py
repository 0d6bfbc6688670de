"""Meeting facts of one record, read at ingest with Thai-aware rules: ``extract_facts``.

Precision first: a wrong fact in the catalog becomes a wrong answer to "which meetings did
she attend", while a missing one only leaves a question to the passages. So a meeting is
kept only when the record marks it as one (names.py), a person only with a surname and a
role read from the delegation sentence (people.py), an outcome only around a verb of
decision, proposal or announcement (outcomes.py). Every fact carries the span of the
sentence(s) it was read from, offsets into the cleaned text that chunks also index into.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ingest.meetings import details, outcomes, people
from ingest.meetings.group import Draft, group
from ingest.meetings.names import find_mentions, unnamed_attendance
from ingest.metadata import DocMeta
from prachum.meetings import Attendance, Meeting, Outcome, RecordFacts
from prachum.thai.sentences import split_sentences


class _Sentences:
    """Maps a fact's evidence [start, end) to the sentences that contain it.

    Sentences never cross a line (prachum.thai.sentences splits line by line), so only the
    lines holding facts are split: the same spans chunking finds, at a fraction of the cost.
    """

    def __init__(self, text: str, known: Sequence[tuple[int, int]] | None = None) -> None:
        self.text = text
        self.lines: dict[int, list[tuple[int, int]]] = {}
        for start, end in known or ():
            self.lines.setdefault(details.line_of(text, start)[0], []).append((start, end))

    def _line(self, at: int) -> list[tuple[int, int]]:
        start, end = details.line_of(self.text, at)
        if start not in self.lines:
            piece = self.text[start:end]
            self.lines[start] = [(start + s.start, start + s.end) for s in split_sentences(piece)] \
                if piece.strip() else []
        return self.lines[start]

    def cover(self, start: int, end: int) -> tuple[int, int]:
        first = next((s for s in self._line(start) if s[0] <= start < s[1]), None)
        last = next((s for s in self._line(max(start, end - 1)) if s[0] <= max(start, end - 1) < s[1]), None)
        return min(first[0] if first else start, start), max(last[1] if last else end, end)


def _meeting(key: str, d: Draft, span: tuple[int, int]) -> Meeting:
    return Meeting(key=key, name_th=d.name_th, name_en=d.name_en, acronym=d.acronym, edition=d.edition,
                   first_date=d.first_date, last_date=d.last_date, time=d.time, venue=d.venue, mode=d.mode,
                   host=d.host, chair=d.chair, asean_chair=d.asean_chair, mentioned=not d.main,
                   start=span[0], end=span[1])


def extract_facts(text: str, meta: DocMeta, source: str,
                  sentences: Sequence[tuple[int, int]] | None = None) -> RecordFacts:
    """Meetings, attendance and outcomes of one cleaned record (``ingest.clean.clean_document(...).text``).

    ``sentences`` may pass the [start, end) spans of ``split_sentences(text)`` when the caller
    already has them (chunking does), which saves splitting the fact lines again.
    """
    if not text.strip():
        return RecordFacts(source)
    drafts = group(find_mentions(text))
    if not drafts:
        return RecordFacts(source)
    own = [d for d in drafts if d.main]
    if len(own) == 1 and own[0].anchor.verb not in ("attend", "open", "chair"):
        # the headline names the meeting; the body says "เข้าร่วมการประชุมดังกล่าว" with the date and delegation
        unnamed = unnamed_attendance(text)
        if unnamed is not None:
            own[0].mentions.append(unnamed)
    details.fill(text, drafts, meta.date)
    spans = _Sentences(text, sentences)
    keys = {id(d): f"m{i + 1}" for i, d in enumerate(drafts)}
    meetings = tuple(_meeting(keys[id(d)], d, spans.cover(d.anchor.start, d.anchor.end)) for d in drafts)

    attendance: list[Attendance] = []
    seen: set[tuple[str, str]] = set()
    found = [(d, a) for d in drafts if d.main for a in people.delegation(text, d)]
    found += people.later_roles(text, drafts, {a.name_key for _, a in found})
    for d, a in found:
        if (keys[id(d)], a.name_key) in seen:
            continue
        seen.add((keys[id(d)], a.name_key))
        start, end = spans.cover(a.start, a.end)
        attendance.append(replace(a, meeting=keys[id(d)], start=start, end=end))

    results: list[Outcome] = []
    for f in outcomes.find(text, drafts):
        start, end = spans.cover(f.start, f.end)
        clause = " ".join(text[f.start:f.end].split())
        for d in f.drafts:
            results.append(Outcome(keys[id(d)], f.kind, clause, start, end))
    return RecordFacts(source, meetings, tuple(attendance), tuple(results))


__all__ = ["extract_facts"]
