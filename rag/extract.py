"""The local LLM as a constrained extractor and phraser: what it is shown, what it may write, what we keep.

A 1.5B model on two cores reads ~50 prompt tokens a second and paraphrases names and
dates wrongly when it writes freely. So it gets a small, exact job: a handful of numbered
evidence sentences (a few hundred tokens), and a grammar that lets it write only

    {"facts":[{"s":1,"text":"<exact words of sentence 1>"}, ...],"answer":"{1} ... {2} ..."}

Each fact must be a substring of the sentence it names after the same normalisation
(prachum.thai.text.search_form, spacing ignored); a fact that is not is dropped. The answer
sentence is a template: the facts stand in it as {1}, {2}, and we fill them in with the
verified spans in the reader's form (dates as "8 กุมภาพันธ์ 2564" / "8 February 2021"), so
the model never copies a fact twice and cannot misquote one in its phrasing. A template
that states a date, number or name the evidence does not hold, is in the wrong language,
or names a dropped fact is replaced by the verified facts themselves.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Sequence

from prachum.slots import recognise
from prachum.thai.dates import find_dates, format_date
from prachum.thai.text import named, search_form
from prachum.types import Citation, Fact, Passage
from rag.compose import FILLERS, display
from rag.evidence import Sentence
from rag.prompts import expand_dates

MAX_FACTS = 3  # per slot when a question asks for several of one kind
MAX_KEPT = 6
MAX_CANDIDATES = 6  # recognised spans offered per sentence
MAX_SENTENCES = 5  # the grammar numbers sentences with one digit
MAX_FACT_CHARS = 90
MAX_ANSWER_CHARS = 120
MAX_SENTENCE_CHARS = 280  # a longer sentence is cut to a window around the short answer's fact
EVIDENCE_TOKENS = 240  # what the model reads per question, on top of the cached system prompt
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LATIN = re.compile(r"[A-Za-z]")
_SPACE = re.compile(r"\s+")
_PLACEHOLDER = re.compile(r"\{(\d)\}")
_DIGITS = re.compile(r"\d+")
_FACT = re.compile(r'\{\s*"s"\s*:\s*(\d+)\s*,\s*"text"\s*:\s*"((?:[^"\\]|\\.)*)"\s*\}')
_ANSWER = re.compile(r'"answer"\s*:\s*"((?:[^"\\]|\\.)*)"?')
# What a fact span recognised as one of these kinds answers; the first found names the fact's kind.
_KINDS = ("date", "person", "time", "place", "number", "country", "organisation", "expansion", "year")


def tokens_estimate(text: str) -> int:
    """Qwen2.5 tokens, measured on the seed records: ~1.9 Thai characters a token, ~4 Latin ones."""
    thai = len(_THAI.findall(text))
    return int(thai / 1.9) + (len(text) - thai) // 4 + 1


@dataclass(frozen=True)
class Line:
    """One evidence sentence as the model sees it: number ``n`` (from 1), the text shown (dates
    written out in full, maybe cut to a window), and where it stands."""

    n: int
    shown: str
    sentence: Sentence


def _window(text: str, anchors: Sequence[str]) -> str:
    if len(text) <= MAX_SENTENCE_CHARS:
        return text
    at = next((i for a in anchors if a and (i := text.find(a)) >= 0), 0)
    start = max(0, min(at - MAX_SENTENCE_CHARS // 3, len(text) - MAX_SENTENCE_CHARS))
    cut = text[start:start + MAX_SENTENCE_CHARS]
    if start > 0 and " " in cut[:30]:
        cut = cut[cut.index(" ") + 1:]  # start on a word: Thai is spaced between phrases
    return cut


def evidence_lines(sentences: Sequence[Sentence], anchors: Sequence[str] = (),
                   budget: int = EVIDENCE_TOKENS) -> list[Line]:
    """The best sentences (given best first) within ``budget`` tokens, numbered in that order.
    The first always goes in; ``anchors`` (the short answer's facts) place the window of a long one."""
    lines: list[Line] = []
    used = 0
    for s in sentences:
        shown = _window(expand_dates(s.text), [expand_dates(a) for a in anchors])
        cost = tokens_estimate(shown) + 4
        if lines and used + cost > budget:
            continue
        lines.append(Line(len(lines) + 1, shown, s))
        used += cost
        if len(lines) == MAX_SENTENCES:
            break
    return lines


def format_lines(lines: Sequence[Line]) -> str:
    return "\n".join(f"[{line.n}] {line.shown}" for line in lines)


@dataclass(frozen=True)
class Choices:
    """The recognised spans (prachum.slots) that could fill one slot the question asks for, per line."""

    slot: str
    by_line: dict[int, tuple[str, ...]]
    many: bool = False  # "ใครบ้าง", "which countries": up to MAX_FACTS of them


def candidates(lines: Sequence[Line], slots: Sequence[str], plural: bool = False) -> list[Choices]:
    """For each slot asked, in the order asked, the spans of the lines that could fill it. With
    these the grammar makes the model choose, slot by slot, among real spans: choosing is a job a
    1.5B model does well, copying a Thai name character for character is not."""
    out = []
    for slot in slots:
        kinds = FILLERS.get(slot, ()) + (("date",) if slot == "year" else ())
        by_line: dict[int, tuple[str, ...]] = {}
        for line in lines if kinds else ():
            texts = [t.text.strip() for t in recognise(line.shown, kinds)]
            texts = [t for t in dict.fromkeys(texts) if t and '"' not in t and "\\" not in t and len(t) <= MAX_FACT_CHARS]
            if texts:
                by_line[line.n] = tuple(texts[:MAX_CANDIDATES])
        if by_line:
            out.append(Choices(slot, by_line, plural and slot in ("person", "country", "organisation", "host")))
    return out


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def grammar(n_lines: int, choices: Sequence[Choices] = ()) -> str:
    """GBNF for the reply: no free whitespace (every token counts on two cores), sentence numbers
    that exist, bounded strings; an empty fact list means "not answered". With ``choices`` the facts
    are one span per slot asked (several for a plural one), each a recognised span of its sentence;
    without, up to MAX_FACTS free spans, checked afterwards."""
    last = max(1, min(n_lines, MAX_SENTENCES))
    rules = [r'root ::= "{\"facts\":[" facts? "],\"answer\":\"" answer "\"}"']
    if choices:
        order = []
        for i, choice in enumerate(choices, start=1):
            alternatives = [r'"{\"s\":' + str(n) + r',\"text\":\"" (' + " | ".join(_literal(t) for t in texts) + r') "\"}"'
                            for n, texts in sorted(choice.by_line.items()) if n <= last]
            rules.append(f"slot{i} ::= " + " | ".join(alternatives))
            order.append(f"slot{i}" + f' ("," slot{i})?' * (MAX_FACTS - 1) if choice.many else f"slot{i}")
        rules.append('facts ::= ' + ' "," '.join(order))
    else:
        rules.append("facts ::= fact" + ' ("," fact)?' * (MAX_FACTS - 1))
        rules.append(r'fact ::= "{\"s\":" [1-' + str(last) + r'] ",\"text\":\"" char{1,' + str(MAX_FACT_CHARS) + r'} "\"}"')
    rules += ["answer ::= char{0," + str(MAX_ANSWER_CHARS) + "}", r'char ::= [^"\\\x00-\x1f]']
    return "\n".join(rules)


def json_schema(n_lines: int) -> dict:
    """The same contract as :func:`grammar`, for servers that take a JSON schema instead."""
    return {
        "type": "object",
        "properties": {
            "facts": {"type": "array", "maxItems": MAX_FACTS, "items": {
                "type": "object",
                "properties": {"s": {"type": "integer", "minimum": 1, "maximum": max(1, n_lines)},
                               "text": {"type": "string", "minLength": 1, "maxLength": MAX_FACT_CHARS}},
                "required": ["s", "text"]}},
            "answer": {"type": "string", "maxLength": MAX_ANSWER_CHARS},
        },
        "required": ["facts", "answer"],
    }


@dataclass
class Extraction:
    """What the model wrote, read as far as it is readable."""

    facts: list[tuple[int, str]]
    answer: str
    wellformed: bool


def _unescape(raw: str) -> str:
    try:
        return json.loads(f'"{raw}"')
    except ValueError:
        return raw.replace('\\"', '"')


def parse(reply: str) -> Extraction:
    """The reply as JSON; failing that (a cut-off or malformed reply), the facts and answer that can
    still be read from it. Nothing is invented: what cannot be read is left out."""
    try:
        data = json.loads(reply)
        facts = [(int(f["s"]), str(f["text"])) for f in data["facts"] if isinstance(f, dict)]
        return Extraction(facts, str(data.get("answer", "")), True)
    except (ValueError, KeyError, TypeError):
        pass
    facts = [(int(m.group(1)), _unescape(m.group(2))) for m in _FACT.finditer(reply)]
    found = _ANSWER.search(reply)
    return Extraction(facts, _unescape(found.group(1)) if found else "", False)


def _squash(text: str) -> str:
    return _SPACE.sub("", search_form(text)).lower()


@dataclass(frozen=True)
class Verified:
    """A fact that is a span of sentence ``line``: its kind and the form the reader sees."""

    line: Line
    text: str
    kind: str
    shown: str


def _reader_form(text: str, lang: str) -> tuple[str, str]:
    """(kind, shown) for a verified span: dates and years in the reader's form, English names and
    units for English readers, Thai positions and quotations marked as quoted in an English answer."""
    spans = recognise(text, _KINDS)
    kind = next((k for k in _KINDS for s in spans if s.kind == k), "text")
    whole = next((s for s in spans if s.end - s.start >= 0.6 * len(text) and s.kind != "person"), None)
    shown = text
    if whole is not None:  # the span is one recognised fact: shown as the extractive answer shows it
        kind, shown = whole.kind, display(whole, lang)
    for found in reversed(find_dates(shown) if whole is None else ()):
        shown = shown[:found.start] + format_date(found.date, found.last, lang) + shown[found.end:]
    if lang != "en" or not _THAI.search(shown):
        return kind, shown
    person = next((s for s in spans if s.kind == "person" and s.start <= 1), None)
    value = getattr(person, "value", None)
    if value is not None and getattr(value, "position", None):
        return kind, f"{value.honorific}{value.name} (“{value.position}”)"
    if person is not None:
        return kind, shown
    return kind, f"“{shown}”"


def verify(extraction: Extraction, lines: Sequence[Line], lang: str) -> list[Verified | None]:
    """One entry per fact the model wrote: the verified fact, or None for a span that is not in the
    sentence it names (the template's {k} must still point at the k-th fact written)."""
    by_n = {line.n: line for line in lines}
    out: list[Verified | None] = []
    seen: set[str] = set()
    for n, text in extraction.facts[:MAX_KEPT]:
        line = by_n.get(n)
        text = text.strip().strip(",;:")
        key = _squash(text)
        if line is None or not key or (key not in _squash(line.shown) and key not in _squash(line.sentence.text)):
            out.append(None)
            continue
        if any(key in earlier for earlier in seen):  # "นางจตุพร" after "นางจตุพร โรจนพานิช ..." adds nothing
            out.append(None)
            continue
        seen.add(key)
        kind, shown = _reader_form(text, lang)
        out.append(Verified(line, text, kind, shown))
    return out


class FactReader:
    """Reads the reply as it streams and hands over each fact the moment it is written and verified."""

    def __init__(self, lines: Sequence[Line], lang: str) -> None:
        self.lines, self.lang = list(lines), lang
        self.text = ""
        self.reported = 0

    def feed(self, piece: str) -> list[Verified]:
        self.text += piece
        written = [(int(m.group(1)), _unescape(m.group(2))) for m in _FACT.finditer(self.text)]
        if len(written) <= self.reported:
            return []
        checked = verify(Extraction(written, "", False), self.lines, self.lang)
        fresh = [v for v in checked[self.reported:] if v is not None]
        self.reported = len(written)
        return fresh


@dataclass
class Reply:
    """The model's reply read, checked and ready to settle."""

    raw: str
    extraction: Extraction
    facts: list[Verified | None]
    lines: list[Line]
    passages: list[Passage] = field(default_factory=list)

    @property
    def kept(self) -> list[Verified]:
        return [f for f in self.facts if f is not None]


def read_reply(raw: str, lines: Sequence[Line], passages: Sequence[Passage], lang: str) -> Reply:
    extraction = parse(raw.strip())
    return Reply(raw, extraction, verify(extraction, lines, lang), list(lines), list(passages))


def _template_ok(template: str, facts: Sequence[Verified | None], evidence: str, lang: str) -> bool:
    """The phrasing adds no fact of its own, names only verified facts, and is in the reader's language."""
    used = [int(k) for k in _PLACEHOLDER.findall(template)]
    if not used or any(k < 1 or k > len(facts) or facts[k - 1] is None for k in used):
        return False
    words = _PLACEHOLDER.sub(" ", template)
    form = search_form(evidence)
    if any(d.date not in {e.date for e in find_dates(form)} for d in find_dates(search_form(words))):
        return False
    if any(n not in _DIGITS.findall(form) for n in _DIGITS.findall(search_form(words))):
        return False
    if any(name not in form for name in named(words)):
        return False
    thai, latin = len(_THAI.findall(words)), len(_LATIN.findall(words))
    return latin > thai if lang == "en" else thai >= latin


def answer(reply: Reply, lang: str) -> tuple[str, list[Citation], list[Fact]] | None:
    """The checked answer: the model's sentence with the verified facts filled in, or, when the
    sentence cannot be trusted, the verified facts themselves; None when no fact survived."""
    kept = reply.kept
    if not kept:
        return None
    numbers: dict[int, int] = {}
    highlights: dict[int, list[tuple[int, int]]] = {}
    for f in kept:
        s = f.line.sentence
        numbers.setdefault(s.passage, len(numbers) + 1)
        if (s.start, s.end) not in highlights.setdefault(s.passage, []):
            highlights[s.passage].append((s.start, s.end))
    facts = [Fact(f.shown, f.kind, numbers[f.line.sentence.passage]) for f in kept]
    citations = [Citation(n, reply.passages[i], sorted(highlights[i])) for i, n in numbers.items()]
    template = reply.extraction.answer.strip()
    evidence = " ".join(line.shown for line in reply.lines) + " " + " ".join(line.sentence.text for line in reply.lines)
    if _template_ok(template, reply.facts, evidence, lang):
        text = _PLACEHOLDER.sub(lambda m: reply.facts[int(m.group(1)) - 1].shown, template)  # type: ignore[union-attr]
        used = {int(k) for k in _PLACEHOLDER.findall(template)}
        left = [f.shown for k, f in enumerate(reply.facts, start=1) if f is not None and k not in used]
        if left:  # a verified fact the sentence forgot still belongs to the answer
            text = text.rstrip(". ") + " (" + "; ".join(left) + ")"
        cited = "".join(f"[{n}]" for n in sorted(set(numbers.values())))
        return f"{text.rstrip()} {cited}", citations, facts
    text = " · ".join(f"{f.text} [{f.n}]" for f in facts)
    if lang == "en" and _THAI.search(text):
        text += " (quoted in Thai from the record)"
    return text, citations, facts
