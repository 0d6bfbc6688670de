"""The local LLM as a constrained extractor and phraser: what it is shown, what it may write, what we keep.

A 1.5B model on two cores reads ~20-50 prompt tokens a second and writes ~8-15, paraphrases names
and dates wrongly when it writes freely, and spends ~30 tokens copying a Thai name. So it gets a
small, exact job: a few numbered evidence sentences and, when the question asks for slots the
recognisers (prachum.slots) fill, lettered options (the extractive answer's facts, else every
accepted span). A llama.cpp grammar lets it write only

    {"f":"AB","a":"{A} represented Thailand on {B}."}      options: it picks letters
    {"f":[[2,"<exact words of sentence 2>"]],"a":"..."}     no options: it copies short spans

with ``"a"``, a template sentence, for English questions only (a Thai answer is the facts, as
the extractive answerer writes them). A copied span must stand in the sentence it names after
the same normalisation (search_form, spacing ignored), else it is dropped. The template's {A}/{1}
are filled with the verified facts in the reader's form ("8 February 2021"); a template stating a
date, number or name the evidence lacks, in the wrong language, cut off, or naming a dropped fact
gives way to the facts themselves, in one English sentence for an English reader (prompts.facts_text).
The older ``{"facts":[{"s":1,"text":...}],"answer":...}`` shape is still read.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Sequence

from prachum.slots import SlotSpan, recognise
from prachum.thai.dates import find_dates, format_date
from prachum.thai.text import named, search_form
from prachum.types import Citation, Fact, Passage
from rag.compose import FILLERS, _accepts, display
from rag.evidence import Sentence, asked_kinds
from rag.prompts import (EVIDENCE_TOKENS, MAX_FACT_CHARS, Line, cuts_a_word, english_person, evidence_lines, facts_text,
                         format_lines, format_options, grammar, json_schema, tokens_estimate, whole_words, window)
from rag.question import Asked

MAX_KEPT = 6
MAX_OPTIONS = 8
MAX_PER_SLOT = 4  # options offered per slot (a plural slot: MAX_PER_SLOT + 2)
OPTION_CHARS = 60
PHRASE_CHARS = 160  # of each sentence shown when the model only phrases the short answer's facts
LETTERS = "ABCDEFGH"
_MANY = ("person", "country", "organisation", "host")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LATIN = re.compile(r"[A-Za-z]")
_SPACE = re.compile(r"\s+")
_PLACEHOLDER = re.compile(r"\{([A-H1-9])\}")
_DIGITS = re.compile(r"\d+")
_GLOSS = re.compile(r"\s*\(([A-Za-z][^()\u0e00-\u0e7f]{2,})\)")  # an English name in brackets after a Thai one
_STR = r'"((?:[^"\\]|\\.)*)"'
_SPAN = re.compile(r'\[\s*(\d+)\s*,\s*' + _STR + r'\s*\]|\{\s*"s"\s*:\s*(\d+)\s*,\s*"text"\s*:\s*' + _STR + r'\s*\}')
_PICKS = re.compile(r'"f"\s*:\s*"([A-H]*)')
_ANSWER = re.compile(r'"(?:a|answer)"\s*:\s*' + _STR[:-1] + '"?')
# What a fact span recognised as one of these kinds answers; the first found names the fact's kind.
_KINDS = ("date", "person", "time", "place", "number", "country", "organisation", "expansion", "year")
_WHEN_KINDS = ("date", "year", "time")  # copied only when the question asks when


@dataclass(frozen=True)
class Option:
    """A recognised span that could fill slot ``slot``, offered to the model under ``letter``."""
    letter: str
    slot: str
    line: Line
    span: SlotSpan
    many: bool = False  # the question asks for several of this slot ("ประเทศใดบ้าง")
    given: bool = False  # one of the extractive answer's facts: offered alone, so not a choice

    @property
    def label(self) -> str:
        """What the model reads: a person by name only (the position stays in the answer), long spans cut."""
        value: Any = self.span.value
        text = self.span.text
        if self.span.kind == "person" and getattr(value, "name", None):
            text = value.honorific + (" " if _LATIN.search(value.honorific) else "") + value.name
        text = _SPACE.sub(" ", text).strip()
        return text if len(text) <= OPTION_CHARS else text[:OPTION_CHARS].rstrip() + "…"


def options(lines: Sequence[Line], asked: Asked, question: str, anchors: Sequence[str] = (),
            lang: str | None = None) -> list[Option]:
    """For each slot asked, in the order asked, the spans of the lines that could fill it (those the
    extractive answer chose first), lettered A, B, ...; none when no slot can be filled. Choosing a
    letter is a job a 1.5B model does well and fast; copying a Thai name is neither."""
    lang = lang or asked.lang
    stated = {d.date for d in find_dates(search_form(question))}  # "dated 9 February 2021": not the answer
    out: list[Option] = []
    for slot in asked.slots:
        kinds = FILLERS.get(slot, ()) + (("date",) if slot in ("year", "month") else ())
        found: dict[str, tuple[Line, SlotSpan]] = {}
        for line in lines if kinds else ():
            for span in recognise(line.shown, kinds):
                label = Option("", slot, line, span).label
                if span.kind in ("country", "organisation") and isinstance(span.value, str) and span.value:
                    label = span.value  # "ประเทศญี่ปุ่น" and "Japan" are one country
                day = span.value[0] if isinstance(span.value, tuple) else span.value
                if not span.text.strip() or not _accepts(slot, span, asked, question) or (span.kind == "date" and day in stated):
                    continue
                earlier = found.get(label)  # one name, once: the extractive answer's span, else the fullest
                if earlier is None or (_is_anchor(span, lang, anchors), len(span.text)) > (
                        _is_anchor(earlier[1], lang, anchors), len(earlier[1].text)):
                    found[label] = (line, span)
        anchored = {lb for lb, (_, span) in found.items() if _is_anchor(span, lang, anchors)}
        for label in [lb for lb in found if any(lb != other and lb in other for other in found)]:
            # "นางจตุพร" alone is "นางจตุพร โรจนพานิช": one stays, the extractive answer's own if either is
            gone = [o for o in found if o != label and label in o and o not in anchored] if label in anchored else [label]
            found = {lb: f for lb, f in found.items() if lb not in gone}
        # The extractive answer's facts, when it found some for this slot, are the only options: its rules
        # (the meeting named, the cue words, the other facts' record) choose better than a 1.5B model does.
        chosen = [f for f in found.values() if _is_anchor(f[1], lang, anchors)]
        room = min(MAX_PER_SLOT + (2 if asked.plural else 0), MAX_OPTIONS - len(out))
        out += [Option(LETTERS[len(out) + i], slot, line, span, asked.plural and slot in _MANY, bool(chosen))
                for i, (line, span) in enumerate((chosen or list(found.values()))[:room])]
    return out


def _is_anchor(span: SlotSpan, lang: str, anchors: Sequence[str]) -> bool:
    return display(span, lang) in anchors or span.text.strip() in anchors


@dataclass
class Extraction:
    """What the model wrote, as far as readable: facts as (sentence number, text), each one's template key."""

    facts: list[tuple[int, str]]
    answer: str
    wellformed: bool
    keys: list[str] = field(default_factory=list)
    picked: list[Option] = field(default_factory=list)


def _unescape(raw: str) -> str:
    try:
        return json.loads(f'"{raw}"')
    except ValueError:
        return raw.replace('\\"', '"')


def parse(reply: str, opts: Sequence[Option] = ()) -> Extraction:
    """The reply as JSON; failing that (a cut-off or malformed reply), the facts and answer that can
    still be read from it. Letters name the options ``opts``. Nothing is invented: what cannot be
    read is left out."""
    try:
        data = json.loads(reply)
        written = data.get("f", data.get("facts"))
        if isinstance(written, str):
            return _picked(written, opts, str(data.get("a", "")), True)
        facts = [(int(f["s"]), str(f["text"])) if isinstance(f, dict) else (int(f[0]), str(f[1])) for f in written]
        return Extraction(facts, str(data.get("a", data.get("answer", ""))), True, [str(k) for k in range(1, len(facts) + 1)])
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        pass
    found = _ANSWER.search(reply)
    answer = _unescape(found.group(1)) if found else ""
    letters = _PICKS.search(reply)
    if letters and opts:
        return _picked(letters.group(1), opts, answer, False)
    facts = [(int(m.group(1) or m.group(3)), _unescape(m.group(2) if m.group(1) else m.group(4))) for m in _SPAN.finditer(reply)]
    return Extraction(facts, answer, False, [str(k) for k in range(1, len(facts) + 1)])


def _picked(letters: str, opts: Sequence[Option], answer: str, wellformed: bool) -> Extraction:
    by_letter = {o.letter: o for o in opts}
    picked = [by_letter[c] for c in dict.fromkeys(letters) if c in by_letter]
    return Extraction([(o.line.n, o.span.text) for o in picked], answer, wellformed, [o.letter for o in picked], picked)


def _squash(text: str) -> str:
    return _SPACE.sub("", search_form(text)).lower()


@dataclass(frozen=True)
class Verified:
    """A fact that is a span of sentence ``line``: its kind and the form the reader sees."""
    line: Line
    text: str
    kind: str
    shown: str


def _person_form(span: SlotSpan, text: str, lang: str) -> str:
    """An English reader gets the Thai name with the Thai position quoted; a Thai reader the span."""
    value: Any = span.value
    return english_person(value) if lang == "en" and _THAI.search(text) and getattr(value, "position", None) else text


def _reader_form(text: str, lang: str) -> tuple[str, str]:
    """(kind, shown) for a copied span: dates and years in the reader's form, English names and
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
    if person is not None:
        return kind, _person_form(person, shown, lang)
    return kind, f"“{shown}”"


def _named_by(text: str, question: str) -> bool:
    """A copied span the question itself names answers nothing: "4IR" for "4IR ย่อมาจากอะไร", the bare
    name "นางจตุพร โรจนพานิช" for "นางจตุพรเข้าร่วมในฐานะใด" (with her position it may be the answer)."""
    asked = _squash(question)
    if not asked or _squash(text) in asked:
        return bool(asked)
    person = next((s for s in recognise(text, ("person",)) if s.start <= 1 and s.end >= len(text.rstrip()) - 1), None)
    value: Any = person.value if person is not None else None
    given = (getattr(value, "name", "") or "").split()
    return bool(given) and not getattr(value, "position", None) and _squash(given[0]) in asked


def _whole_person(text: str, line: Line) -> str:
    """A copied name cut before the position the sentence gives with it, made whole again: the position
    stays in the answer, as it does for a picked option ("นางจตุพร โรจนพานิช" -> "... ผู้ช่วยปลัดกระทรวง...")."""
    key = _squash(text)
    for span in recognise(line.shown, ("person",)):
        whole = span.text.strip()
        if getattr(span.value, "position", None) and _squash(whole).startswith(key) and len(whole) > len(text):
            return whole
    return text


def verify(extraction: Extraction, lines: Sequence[Line], lang: str, question: str = "") -> list[Verified | None]:
    """One entry per fact the model wrote: the verified fact, or None for a span that is not in the
    sentence it names or that only repeats what ``question`` names (the template's {k} must still
    point at the k-th fact written)."""
    by_n = {line.n: line for line in lines}
    out: list[Verified | None] = []
    seen: set[str] = set()
    for i, (n, text) in enumerate(extraction.facts[:MAX_KEPT]):
        line = by_n.get(n)
        text = text.strip().strip(",;:")
        key = _squash(text)
        if line is None or not key or (key not in _squash(line.shown) and key not in _squash(line.sentence.text)):
            out.append(None)
            continue
        option = extraction.picked[i] if i < len(extraction.picked) else None
        if option is None and len(text) >= MAX_FACT_CHARS - 1 and cuts_a_word(text, line.shown):
            text = whole_words(text, line.shown)  # stopped by the grammar's length, not a slip: kept to its last word
        if any(key in earlier for earlier in seen) or (option is None and (_named_by(text, question) or
                                                                          cuts_a_word(text, line.shown))):
            out.append(None)  # "นางจตุพร" after "นางจตุพร โรจนพานิช ..." adds nothing; nor does the question's own word
            continue
        seen.add(key)
        if option is None:
            text = _whole_person(text, line)
            kind, shown = _reader_form(text, lang)
            if shown != text and _squash(shown.strip("“”")) in _squash(question):  # "ญี่ปุ่น" shown as the
                out.append(None)  # question's own "Japan": the question's word again, in the reader's form
                continue
            if kind in _WHEN_KINDS and question and "when" not in asked_kinds(question):
                out.append(None)  # a date copied for "to which meeting": nobody asked when
                continue
        else:  # a picked option: shown as the extractive answer shows it, a person with the position
            kind = "person" if option.span.kind == "person" else option.slot
            shown = _person_form(option.span, text, lang) if kind == "person" else display(option.span, lang)
            shown = f"“{shown}”" if lang == "en" and kind != "person" and _THAI.search(shown) else shown  # quoted Thai
        at = line.shown.find(text) + len(text) if lang == "en" and kind != "person" and _THAI.search(shown) else 0
        if at >= len(text) and (gloss := _GLOSS.match(line.shown, at)):  # "มหาวิทยาลัยเคมบริดจ์ (University
            shown = f"{gloss.group(1).strip()} ({shown})"  # of Cambridge)": the record's own English, then its Thai
        out.append(Verified(line, text, kind, shown))
    return out


class FactReader:
    """Reads the reply as it streams and hands over each fact the moment it is written and verified."""

    def __init__(self, lines: Sequence[Line], lang: str, opts: Sequence[Option] = (), question: str = "") -> None:
        self.lines, self.lang, self.opts, self.text, self.reported = list(lines), lang, list(opts), "", 0
        self.question = question

    def feed(self, piece: str) -> list[Verified]:
        self.text += piece
        written = parse(self.text, self.opts)
        if len(written.facts) <= self.reported:
            return []
        fresh = verify(written, self.lines, self.lang, self.question)[self.reported:]
        self.reported = len(written.facts)
        return [v for v in fresh if v is not None]


@dataclass
class Reply:
    """The model's reply read, checked and ready to settle."""
    raw: str
    extraction: Extraction
    facts: list[Verified | None]
    lines: list[Line]
    passages: list[Passage] = field(default_factory=list)
    question: str = ""  # what the template may restate besides the evidence
    given: bool = False  # the model was not asked: the reply is the extractive answer's facts

    kept = property(lambda self: [f for f in self.facts if f is not None])


def read_reply(raw: str, lines: Sequence[Line], passages: Sequence[Passage], lang: str,
               opts: Sequence[Option] = (), question: str = "") -> Reply:
    extraction = parse(raw.strip(), opts)
    return Reply(raw, extraction, verify(extraction, lines, lang, question), list(lines), list(passages), question)


def _template_ok(template: str, by_key: dict[str, Verified | None], evidence: str, lang: str) -> bool:
    """The phrasing adds no fact of its own, names only verified facts, and is in the reader's language."""
    used = _PLACEHOLDER.findall(template)
    if not used or any(by_key.get(k) is None for k in used):
        return False
    words = _PLACEHOLDER.sub(" ", template)
    form = search_form(evidence)
    if any(d.date not in {e.date for e in find_dates(form)} for d in find_dates(search_form(words))):
        return False
    numbers = set(_DIGITS.findall(form)) | {str(int(n) - 543) for n in _DIGITS.findall(form) if len(n) == 4}
    if any(n not in numbers for n in _DIGITS.findall(search_form(words))):  # "2018" for the record's 2561
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
    facts = list(dict.fromkeys(Fact(f.shown, f.kind, numbers[f.line.sentence.passage]) for f in kept))
    citations = [Citation(n, reply.passages[i], sorted(highlights[i])) for i, n in numbers.items()]
    template = reply.extraction.answer.strip()
    keys = reply.extraction.keys or [str(k) for k in range(1, len(reply.facts) + 1)]
    by_key = dict(zip(keys, reply.facts))
    if keys and keys[0] == "1":  # copied spans, yet the model wrote {A} as the prompt's example does
        template = re.sub(r"\{([A-H])\}", lambda m: "{" + str(LETTERS.index(m.group(1)) + 1) + "}", template)
    evidence = " ".join([reply.question] + [line.shown + " " + line.sentence.text for line in reply.lines])
    if reply.extraction.wellformed and _template_ok(template, by_key, evidence, lang):  # a cut-off one is not
        text = _PLACEHOLDER.sub(lambda m: by_key[m.group(1)].shown, template)  # type: ignore[union-attr]
        used = set(_PLACEHOLDER.findall(template))
        left = [f.shown for k, f in by_key.items() if f is not None and k not in used]
        if left:  # a verified fact the sentence forgot still belongs to the answer
            text = text.rstrip(". ") + " (" + "; ".join(left) + ")"
        cited = "".join(f"[{n}]" for n in sorted(set(numbers.values())))
        return f"{text.rstrip()} {cited}", citations, facts
    return facts_text(facts, lang), citations, facts


@dataclass
class Plan:
    """One question's extraction: what is shown, the prompt's inputs, the grammar, how replies are read."""

    lines: list[Line]
    opts: list[Option]
    inputs: dict[str, str]
    grammar: str
    schema: dict
    lang: str
    given: str | None = None  # the only reply the grammar allows: no need to ask the model

    def reader(self) -> FactReader:
        return FactReader(self.lines, self.lang, self.opts, self.inputs["question"])

    def read(self, raw: str, passages: Sequence[Passage]) -> Reply:
        reply = read_reply(raw, self.lines, passages, self.lang, self.opts, self.inputs["question"])
        reply.given = raw == self.given
        return reply


def plan(question: str, asked: Asked, sentences: Sequence[Sentence], anchors: Sequence[str] = (),
         budget: int = EVIDENCE_TOKENS, lang: str | None = None, standalone: str | None = None) -> Plan:
    """The extraction for ``question`` over the evidence ``sentences`` (best first); ``asked`` is the
    analysis of its stand-alone form ``standalone`` (a follow-up rewritten), ``anchors`` the
    extractive answer's facts, ``lang`` the reader's language."""
    lang = lang or asked.lang
    lines = evidence_lines(sentences, anchors, budget)
    opts = options(lines, asked, standalone or question, anchors, lang)
    shown = lines
    if opts and all(o.given for o in opts):  # the model only phrases: the words around the facts will do
        shown = [replace(line, shown=window(line.shown, [o.span.text for o in opts if o.line is line], PHRASE_CHARS))
                 for line in lines if any(o.line is line for o in opts)]
    inputs = {"sentences": format_lines(shown), "question": question, "options": format_options(opts)}
    # A Thai answer is its facts; when they are all the extractive answer's own, the model has nothing to add.
    given = '{"f":"' + "".join(o.letter for o in opts) + '"}' if opts and lang != "en" and all(o.given for o in opts) else None
    if any(not any(_is_anchor(o.span, lang, [a]) for o in opts) for a in anchors):
        given = '{"f":""}'  # a fact of the extractive answer the model cannot be shown (a cut sentence): it stands
    return Plan(lines, opts, inputs, grammar(len(lines), opts, lang), json_schema(len(lines), opts), lang, given)


# grammar, json_schema, format_options and tokens_estimate live in rag.prompts, and are still importable here
__all__ = ["Extraction", "FactReader", "Option", "Plan", "Reply", "Verified", "answer", "evidence_lines", "format_lines",
           "format_options", "grammar", "json_schema", "options", "parse", "plan", "read_reply", "tokens_estimate", "verify"]
