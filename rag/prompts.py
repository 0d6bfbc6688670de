"""What the LLM is shown, and how its replies are read.

The system prompts are fixed so their KV cache is reused across questions: only the
evidence and the question are read anew. Evidence is given as numbered sentences in
normalised form (Arabic digits, dates written out in full) because the 1.5B model
misreads "8 ก.พ. 64" but not "8 กุมภาพันธ์ 2564".

``extract_prompt()`` is what answers today (rag/extract: the model picks lettered options, or
copies short spans, and an English question gets a template sentence). ``free_prompt()``, the
free answer, and ``span_prompt()``, the span-copying extractor, are what it replaced; they are
kept for bench/llm_speed's baselines. The ChatPromptTemplates are built on first use, so the
extractive answerer, which imports this module for ``REFUSAL``, never imports LangChain; the
old constant names (``EXTRACT_PROMPT``, ``PROMPT``, ``SPAN_PROMPT``) still work, through the
module's ``__getattr__``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Sequence

from prachum.thai.dates import find_dates, format_date
from prachum.thai.text import search_form
from prachum.types import CitedAnswer, Fact
from rag.evidence import Sentence

if TYPE_CHECKING:
    from langchain_core.prompts import ChatPromptTemplate

MAX_SENTENCES = 5  # the grammar numbers sentences with one digit
MAX_SENTENCE_CHARS = 280  # a longer sentence is cut to a window around the short answer's fact
EVIDENCE_TOKENS = 240  # what the model reads per question, on top of the cached system prompt
MAX_FACTS = 3  # per slot when a question asks for several of one kind; copied spans in all
MAX_FACT_CHARS = 90
MAX_ANSWER_CHARS = 110
_THAI = re.compile(r"[\u0e00-\u0e7f]")

REFUSAL = {
    "th": "ไม่พบข้อมูลนี้ในบันทึกการประชุม",
    "en": "Not found in the meeting records.",
}

SYSTEM_PROMPT = (
    "You answer questions about Thai government meeting records using ONLY the numbered passages given.\n"
    "Rules:\n"
    "- Answer in the language of the question (Thai question: Thai answer; English question: English answer).\n"
    "- Be short: one to three sentences with the facts asked for (names with titles, dates, places, numbers).\n"
    "- After each sentence put the number of the passage it comes from in square brackets, like [1] or [2].\n"
    "- Copy names, dates and numbers exactly as the passages give them. Do not add facts that are not in the passages.\n"
    "- If the passages do not contain the answer, reply exactly: NOT_FOUND"
)

# The span-copying extractor's system prompt (what answered until the lettered options): kept with
# span_prompt() for bench/llm_speed's baseline, and so its reply shape stays documented.
SPAN_SYSTEM = (
    "Answer the question from the numbered sentences, as JSON. \"facts\": the words of the sentences that "
    "answer it, copied exactly, each with its sentence number \"s\". \"answer\": one short sentence in the "
    "language of the question, with {1}, {2} standing for the facts. If no sentence answers, "
    "facts is [] and answer is \"\".\n"
    "Example:\n[1] เมื่อวันที่ 3 มีนาคม 2564 นายสมชาย ใจดี อธิบดีกรมกิจการผู้สูงอายุ เป็นประธานการประชุม ณ ห้องประชุม 1\n"
    "Question: Who chaired the meeting and when?\n"
    '{"facts":[{"s":1,"text":"นายสมชาย ใจดี อธิบดีกรมกิจการผู้สูงอายุ"},{"s":1,"text":"3 มีนาคม 2564"}],'
    '"answer":"{1} chaired the meeting on {2}."}\n'
    "Example:\n[1] ที่ประชุมมีผู้เข้าร่วม 45 คน\n[2] การประชุมจัดขึ้นที่กรุงเทพมหานคร\n"
    "Question: การประชุมจัดขึ้นที่ไหน\n"
    '{"facts":[{"s":2,"text":"กรุงเทพมหานคร"}],"answer":"การประชุมจัดขึ้นที่{1}"}'
)

# Cached after the first question, so its two worked examples cost nothing per question; they show
# the 1.5B model what a letter, a copied span and "{A}" mean better than any rule does. Choosing a
# letter is one generated token where copying a Thai name is thirty (rag/extract).
EXTRACT_SYSTEM = (
    "Answer the question from the numbered sentences, as JSON. If options are given, \"f\" is the letters "
    "of the options that answer it, in the order asked; else \"f\" lists [sentence number, the words of "
    "that sentence that answer it, copied exactly]. \"f\" is empty if no sentence answers. For an English "
    "question, \"a\" is one short English sentence with {A} (or {1}) standing for each fact.\n"
    "Example:\n[1] เมื่อวันที่ 3 มีนาคม 2564 นายสมชาย ใจดี อธิบดีกรมกิจการผู้สูงอายุ เป็นประธานการประชุม "
    "โดยมีนายสมศักดิ์ มั่นคง เป็นผู้ดำเนินรายการ\n"
    "Question: Who chaired the meeting and when?\nOptions:\nA. นายสมชาย ใจดี\nB. นายสมศักดิ์ มั่นคง\nC. 3 มีนาคม 2564\n"
    '{"f":"AC","a":"{A} chaired the meeting on {C}."}\n'
    "Example:\n[1] ที่ประชุมมีผู้เข้าร่วม 45 คน\n[2] ที่ประชุมเห็นชอบให้จัดทำแผนงานด้านผู้สูงอายุ ณ กรุงเทพมหานคร\n"
    "Question: ที่ประชุมเห็นชอบเรื่องอะไร\n"
    '{"f":[[2,"ให้จัดทำแผนงานด้านผู้สูงอายุ"]]}'
)
EXTRACT_HUMAN = "{sentences}\nQuestion: {question}{options}"


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


@lru_cache(maxsize=None)
def extract_prompt() -> "ChatPromptTemplate":
    """The extractor's prompt (inputs ``sentences``, ``question``, ``options``), built on first use."""
    from langchain_core.prompts import ChatPromptTemplate

    return ChatPromptTemplate.from_messages([("system", _escaped(EXTRACT_SYSTEM)), ("human", EXTRACT_HUMAN)])


@lru_cache(maxsize=None)
def span_prompt() -> "ChatPromptTemplate":
    """The span-copying extractor's prompt (inputs ``sentences``, ``question``): a bench baseline."""
    from langchain_core.prompts import ChatPromptTemplate

    return ChatPromptTemplate.from_messages([("system", _escaped(SPAN_SYSTEM)),
                                             ("human", "{sentences}\nQuestion: {question}")])


@lru_cache(maxsize=None)
def free_prompt() -> "ChatPromptTemplate":
    """The free answer's prompt (inputs ``context``, ``question``): a bench baseline."""
    from langchain_core.prompts import ChatPromptTemplate

    return ChatPromptTemplate.from_messages([
        ("system", SYSTEM_PROMPT),
        ("human", "Passages:\n{context}\n\nQuestion: {question}\nAnswer:"),
    ])


_LAZY = {"EXTRACT_PROMPT": extract_prompt, "SPAN_PROMPT": span_prompt, "PROMPT": free_prompt}


def __getattr__(name: str) -> Any:
    """``from rag.prompts import EXTRACT_PROMPT`` still works, and imports LangChain only then."""
    if name in _LAZY:
        return _LAZY[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_DECLINES = re.compile(
    r"NOT_FOUND|ไม่พบ|ไม่มีข้อมูล|ไม่ได้ระบุ|ไม่ได้กล่าวถึง|ไม่สามารถ|not found|do(?:es)? not (?:say|mention|contain|specify|provide)|"
    r"no information|cannot (?:find|answer|determine)|not (?:mentioned|specified|provided)",
    re.I,
)


def expand_dates(text: str) -> str:
    """Write every date out in full Thai form so the model cannot misread abbreviations."""
    form = search_form(text)
    out, last = [], 0
    for found in find_dates(form):
        out.append(form[last:found.start])
        out.append(format_date(found.date, found.last, "th"))  # a range stays a range: "21-22 กันยายน 2563"
        last = found.end
    out.append(form[last:])
    return "".join(out)


def format_context(blocks: Sequence[tuple[int, str, str, str]]) -> str:
    """``blocks`` are (number, title, date, text); one block per passage, numbered from 1."""
    lines = []
    for n, title, day, text in blocks:
        header = f"[{n}] {title}" + (f" ({day})" if day else "")
        lines.append(f"{header}\n{expand_dates(text)}")
    return "\n\n".join(lines)


def is_decline(reply: str) -> bool:
    """The model said it cannot answer (in any of the ways it tends to)."""
    return bool(_DECLINES.search(reply[:200]))


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


def window(text: str, anchors: Sequence[str], limit: int = MAX_SENTENCE_CHARS) -> str:
    """``text`` cut to ``limit`` characters around the first of ``anchors`` it holds."""
    if len(text) <= limit:
        return text
    at = next((i for a in anchors if a and (i := text.find(a)) >= 0), 0)
    start = max(0, min(at - limit // 3, len(text) - limit))
    cut = text[start:start + limit]
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
        shown = window(expand_dates(s.text), [expand_dates(a) for a in anchors])
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


def cuts_a_word(span: str, sentence: str) -> bool:
    """Whether a copied ``span`` ends inside a Thai word of ``sentence`` ("...วัฒนธรรมอา" of "อาเซียน"):
    a slip of the model, not a fact. newmm decides where words end (its compounds are too coarse to
    judge where a span starts: "ประชุมสุดยอด" of "การประชุมสุดยอด" is fine); a span not found as
    written (spacing differs) is not judged here."""
    at = sentence.find(span)
    edges = [i for i in (at + len(span),) if at >= 0 and 0 < i < len(sentence)
             and _THAI.match(sentence[i - 1]) and _THAI.match(sentence[i])]
    if not edges:
        return False
    bounds = {0, *_word_ends(sentence)}
    return any(i not in bounds for i in edges)


def whole_words(span: str, sentence: str) -> str:
    """``span`` cut back to the last word it holds whole in ``sentence`` (newmm words), or as it is."""
    at = sentence.find(span)
    if at < 0:
        return span
    last = max((end for end in _word_ends(sentence[at:]) if end <= len(span)), default=0)
    return sentence[at:at + last].strip() or span


def _word_ends(text: str) -> list[int]:
    """Where each newmm word of ``text`` ends (spaces are words too, so the offsets are the text's)."""
    from pythainlp.tokenize import word_tokenize

    ends, end = [], 0
    for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
        end += len(token)
        ends.append(end)
    return ends


def format_options(opts: Sequence[Any]) -> str:
    """rag/extract's lettered options, as the model reads them."""
    return "\nOptions:\n" + "\n".join(f"{o.letter}. {o.label}" for o in opts) if opts else ""


def grammar(n_lines: int, opts: Sequence[Any] = (), lang: str = "th") -> str:
    """GBNF for the reply: no free whitespace (every token counts on two cores), only the letters
    offered (one per slot asked, up to MAX_FACTS for a plural one, slots in the order asked) or
    spans of sentences that exist, bounded strings, a template sentence for English questions only.
    An empty "f" means "not answered"."""
    last = max(1, min(n_lines, MAX_SENTENCES))
    tail = r' ",\"a\":\"" answer "\""' if lang == "en" else ""
    rules = []
    if opts:
        rules.append(r'root ::= "{\"f\":\"" picks? "\""' + tail + r' "}"')
        order = []
        for i, slot in enumerate(dict.fromkeys(o.slot for o in opts), start=1):
            mine = [o for o in opts if o.slot == slot]
            given = all(o.given for o in mine)  # the extractive answer's facts: all of them, in its order
            rules.append(f"slot{i} ::= " + ('"' + "".join(o.letter for o in mine) + '"' if given
                                             else " | ".join(f'"{o.letter}"' for o in mine)))
            order.append(f"slot{i}" + f" slot{i}?" * (MAX_FACTS - 1) if mine[0].many and not given else f"slot{i}")
        rules.append("picks ::= " + " ".join(order))
    else:
        rules.append(r'root ::= "{\"f\":[" spans? "]"' + tail + r' "}"')
        rules.append("spans ::= span" + ' ("," span)?' * (MAX_FACTS - 1))
        rules.append(r'span ::= "[" [1-' + str(last) + r'] ",\"" char{1,' + str(MAX_FACT_CHARS) + r'} "\"]"')
    rules += ["answer ::= char{0," + str(MAX_ANSWER_CHARS) + "}", r'char ::= [^"\\\x00-\x1f]']
    return "\n".join(rules)


def json_schema(n_lines: int, opts: Sequence[Any] = ()) -> dict:
    """The same contract as :func:`grammar`, for servers that take a JSON schema instead."""
    span = {"type": "array", "prefixItems": [{"type": "integer", "minimum": 1, "maximum": max(1, n_lines)},
                                             {"type": "string", "minLength": 1, "maxLength": MAX_FACT_CHARS}]}
    picks = {"type": "string", "pattern": "^[" + "".join(o.letter for o in opts) + "]*$"}
    return {"type": "object",
            "properties": {"f": picks if opts else {"type": "array", "maxItems": MAX_FACTS, "items": span},
                           "a": {"type": "string", "maxLength": MAX_ANSWER_CHARS}},
            "required": ["f"]}


# The English words an answer of Thai facts stands in, by the kind of its first fact: the facts stay
# the record's own words (a Thai name, a quoted Thai place), the sentence around them is English.
_LEADS = {"person": "It was", "organisation": "It was", "country": "It was", "host": "It was",
          "place": "At", "date": "On", "time": "At", "month": "In", "year": "In"}
QUOTED_NOTE = " (quoted in Thai from the record)"
_WORD = re.compile(r"[A-Za-z]*[a-z][A-Za-z]*\s+[A-Za-z]")  # English words, not an acronym ("ASEAN Development")
_RUN = re.compile(r"[A-Za-z][A-Za-z0-9&+\-.:,' ]*[A-Za-z0-9]")  # a run of English words within Thai
_MARKED = re.compile(r"([^\[\]]+?)\s*(\[\d+\])")  # a part of an answer and its citation marker


def english_form(fact: Fact) -> str:
    """A Thai fact as an English answer shows it: a person as name and quoted position
    (“นางจตุพร โรจนพานิช (“ผู้ช่วยปลัดกระทรวง...”)”), anything else quoted; a fact already in that
    form, or with no Thai, as it is."""
    text = fact.text.strip()
    if not _THAI.search(text) or text.startswith("“") or "(“" in text:
        return text
    if fact.kind == "person":
        from prachum.slots import recognise  # the recognisers load their word lists on first use

        person = next((s for s in recognise(text, ("person",)) if s.start <= 1 and s.end >= len(text) - 2), None)
        value: Any = person.value if person is not None else None
        if getattr(value, "name", None):
            return english_person(value)
    return quote(text)


def english_person(value: Any) -> str:
    """A recognised person (prachum.slots) as an English answer shows them: the Thai name, and the
    Thai position quoted after it ("นางจตุพร โรจนพานิช (“ผู้ช่วยปลัดกระทรวง...”)")."""
    name = value.honorific + value.name
    return f"{name} (“{value.position}”)" if getattr(value, "position", None) else name


def quote(text: str) -> str:
    """``text`` in quotation marks, the quotation marks it holds turned to single ones (“... ‘COP’ ...”)."""
    return "“" + text.strip().replace("“", "‘").replace("”", "’") + "”"


def facts_text(facts: Sequence[Fact], lang: str) -> str:
    """The facts alone, each with its citation. For an English reader, when any fact is Thai, one
    English sentence around them ("At “ห้องกิ่งทอง โรงแรมเอเชีย” [1]"), the Thai quoted and said to
    be quoted: a list of Thai words is no English answer. Facts of one kind are joined with "and",
    a fact of another kind follows a comma with its own lead ("..., on 8 February 2021 [1]")."""
    english = [run for f in facts for run in _RUN.findall(f.text) if _WORD.search(run)]
    if lang == "th" and sum(len(run) for run in english) > sum(len(_THAI.findall(f.text)) for f in facts):
        # the mirror case: a Thai answer whose facts are mostly the record's English words quotes them
        # in Thai words ("ย่อมาจาก “ASEAN Development Outlook” [1]", "กองทุน “ASEAN-Japan Fund ...”")
        lead = "" if any(_THAI.search(f.text) for f in facts) else "ย่อมาจาก " if facts[0].kind == "expansion" else "คือ "
        return lead + " · ".join(f"{_RUN.sub(lambda m: quote(m.group(0)) if _WORD.search(m.group(0)) else m.group(0), f.text)} [{f.n}]"
                                 for f in facts)
    if lang != "en" or not any(_THAI.search(f.text) for f in facts):
        return " · ".join(f"{f.text} [{f.n}]" for f in facts)
    parts: list[str] = []
    for i, f in enumerate(facts):
        lead, shown = _LEADS.get(f.kind, "The record says"), english_form(f)
        if i == 0:
            parts.append(f"{lead} {shown} [{f.n}]")
        elif f.kind == facts[i - 1].kind:
            parts.append(f" and {shown} [{f.n}]")
        else:
            parts.append(f", {lead.lower() if f.kind in _LEADS else 'and'} {shown} [{f.n}]")
    return "".join(parts) + QUOTED_NOTE


def short_answer(short: CitedAnswer, lang: str) -> str:
    """The extractive short answer where it stands for the model's (nothing to add, or a reply that
    failed): its Thai facts in one English sentence for an English reader (prompts.facts_text)."""
    if lang == "th" and short.facts and not short.refused:
        return facts_text(short.facts, lang)
    if lang != "en" or short.refused or not _THAI.search(short.text):
        return short.text
    if short.facts:
        return facts_text(short.facts, lang)
    # the record's best sentences: quoted, each before its marker, after English words that say so
    return "The record says: " + " ".join(f"{quote(part)} {n}" for part, n in _MARKED.findall(short.text))
