"""HTML of the UI: answers with linked [n] markers, evidence cards with highlighted sentences, documents.

Everything a user typed or a record contains is escaped here; the builder only places it.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Sequence

from app.ui.i18n import t
from ingest.pipeline import FileResult
from prachum.config import ANSWERERS
from prachum.index.store import DocumentRecord
from prachum.thai.dates import format_thai_date
from prachum.types import Filters, display_source
from rag.cite import MARKER

_PARTIAL_MARKER = re.compile(r"\s?\[\d{0,2}$")  # a marker the LLM has not finished writing

# Questions about the seed records; shown when the documents they ask about are indexed.
SEED_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("SOCA", "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat และจัดขึ้นเมื่อไร"),
    ("SOMSWD+3", "การประชุม SOMSWD+3 ครั้งที่ 15 จัดขึ้นวันที่เท่าไร"),
    ("SOCCOM", "การประชุม 16th SOCCOM จัดภายใต้การเป็นประธานอาเซียนของประเทศใด"),
    ("AOSWADA", "AOSWADA คือรางวัลอะไร"),
    ("SOMSWD", "Which country organised the 16th SOMSWD and related meetings in 2020?"),
)


@dataclass
class Exchange:
    """One question and its answer as a session remembers it."""

    question: str
    status: str = "searching"  # searching | writing | done | error
    streamed: str = ""
    answer: str = ""
    short: str = ""  # the verified short answer, shown first from the moment the evidence is known
    support: list[dict[str, Any]] = field(default_factory=list)  # citations whose highlights back ``short``
    refused: bool = False
    fallback: bool = False
    citations: list[dict[str, Any]] = field(default_factory=list)
    answerer: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)
    filters: Filters = Filters()
    error: str = ""


def show_date(iso: str | None, lang: str) -> str:
    """A meeting date as people read it: Buddhist era in Thai, "8 February 2021" in English."""
    if not iso:
        return t(lang, "no_date")
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return format_thai_date(day) if lang == "th" else f"{day.day} {day:%B} {day.year}"


def highlight(text: str, spans: Sequence[Sequence[int]]) -> str:
    """``text`` escaped, with each (start, end) span wrapped in <mark>; overlapping spans merged."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, int(s)), min(len(text), int(e))) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def cite_id(turn: int, n: int) -> str:
    return f"cite-{turn}-{n}"


def link_markers(answer: str, turn: int, numbers: set[int]) -> str:
    """The answer escaped, each valid [n] made a link to its evidence card."""
    def link(m: re.Match) -> str:
        n = int(m.group(1))
        if n not in numbers:
            return m.group(0)
        space = m.group(0)[:m.start(1) - m.start() - 1]  # the marker pattern takes the space before it
        return f'{space}<a class="cite-ref" href="#{cite_id(turn, n)}" title="[{n}]">[{n}]</a>'

    return MARKER.sub(link, html.escape(answer, quote=False))


def streaming_text(raw: str) -> str:
    """What the LLM has written so far, without its unchecked [n] markers (they are replaced when done)
    and without the NOT_FOUND signal of a declining model (the checked answer replaces it)."""
    text = _PARTIAL_MARKER.sub("", MARKER.sub("", raw)).strip()
    return "" if "NOT_FOUND".startswith(text[:9]) or text.startswith("NOT_FOUND") else text


def answerer_name(lang: str, answerer: str) -> str:
    return t(lang, f"answerer_{answerer}") if answerer in ANSWERERS else answerer


def _plain(text: str) -> str:
    return " ".join(MARKER.sub(" ", text).split())


def render_support(ex: Exchange, turn: int, lang: str, label: str) -> str:
    """The sentences behind the short answer, quoted, each with its [n] and the record's title and date.
    A sentence the short answer already quotes word for word (the extractive answer) is not repeated."""
    said, seen, items = _plain(ex.short), set(), []
    numbers = set() if ex.refused else {c["n"] for c in ex.citations}  # a near miss has no evidence cards
    for c in ex.support:
        where = html.escape(f"{c.get('title') or c['source']} · {show_date(c.get('date'), lang)}")
        ref = (f'<a class="cite-ref" href="#{cite_id(turn, c["n"])}" title="[{c["n"]}]">[{c["n"]}]</a>'
               if c["n"] in numbers else f"<span class='cite-no'>[{c['n']}]</span>")
        for start, end in sorted(c.get("highlights", [])):
            sentence = " ".join(c["text"][int(start):int(end)].split())
            if not sentence or sentence in seen or sentence in said:
                continue
            seen.add(sentence)
            items.append(f"<li class='support'><div class='support-text'>"
                         f"<mark>{html.escape(sentence)}</mark></div><div class='support-src'>{ref} {where}</div></li>")
    if not items:
        return ""
    return f"<div class='supports'><div class='supports-label'>{label}</div><ul>{''.join(items[:6])}</ul></div>"


def _model_part(body: str, lang: str) -> str:
    return f"<div class='llm-answer'><div class='llm-label'>{t(lang, 'model_wording')}</div>{body}</div>"


def _same(a: str, b: str) -> bool:
    return _plain(a) == _plain(b)


def _writing(ex: Exchange, turn: int, lang: str) -> str:
    """Between the evidence and the checked answer: the short answer and its sentences at once,
    the LLM's words below them as it writes."""
    text = streaming_text(ex.streamed)
    if ex.refused and ex.short:
        return (f"<div class='short-answer refused'><b>{html.escape(ex.short)}</b></div>"
                + render_support(ex, turn, lang, t(lang, "nearest")))
    if not ex.short:
        if not text:
            return f"<span class='pending'>{t(lang, 'writing', n=len(ex.citations))}</span>"
        return html.escape(text, quote=False) + " <span class='cursor'>▍</span>"
    short = link_markers(ex.short, turn, {c["n"] for c in ex.citations})
    out = f"<div class='short-answer'>{short}</div>" + render_support(ex, turn, lang, t(lang, "supporting"))
    if ex.answerer == "extractive" or (text and _same(text, ex.short)):
        return out
    live = (f"<div class='llm-text'>{html.escape(text, quote=False)} <span class='cursor'>▍</span></div>" if text
            else f"<span class='pending'>{t(lang, 'model_writing')}</span>")
    return out + _model_part(live, lang)


def render_answer(ex: Exchange, turn: int, lang: str) -> str:
    """One answer bubble. Only a finished answer carries the ``answer`` (or ``refusal``) class."""
    if ex.status == "error":
        return f"<div class='ui-error'>{html.escape(t(lang, 'error', reason=ex.error))}</div>"
    if ex.status == "searching":
        return f"<span class='pending'>{t(lang, 'searching')}</span>"
    if ex.status == "writing":
        return _writing(ex, turn, lang)
    if ex.refused:
        near = render_support(ex, turn, lang, t(lang, "nearest")) if ex.support else ""
        hint = t(lang, "near_miss_hint" if near else "refusal_hint")
        return (f"<div class='refusal'><b>{html.escape(ex.answer)}</b>"
                f"<br><span class='hint'>{hint}</span></div>{near}")
    numbers = {c["n"] for c in ex.citations}
    body = link_markers(ex.answer, turn, numbers)
    if ex.short and _same(ex.short, ex.answer):  # the short answer is the answer: show it once
        body = (f"<div class='answer short-answer'>{body}</div>"
                + render_support(ex, turn, lang, t(lang, "supporting")))
    elif ex.short:  # the LLM's checked answer, below the short answer it rephrases
        body = (f"<div class='answer short-answer'>{link_markers(ex.short, turn, numbers)}</div>"
                + render_support(ex, turn, lang, t(lang, "supporting"))
                + _model_part(f"<div class='answer llm-text'>{body}</div>", lang))
    else:
        body = f"<div class='answer'>{body}</div>"
    notes = []
    if ex.fallback:
        notes.append(t(lang, "fallback_note"))
    if ex.timings_ms:
        notes.append(t(lang, "meta", answerer=answerer_name(lang, ex.answerer),
                       retrieve=f"{ex.timings_ms.get('retrieve', 0) / 1000:.1f}",
                       total=f"{ex.timings_ms.get('total', 0) / 1000:.1f}"))
    meta = "".join(f"<div class='answer-meta'>{html.escape(n)}</div>" for n in notes)
    return f"{body}{meta}"


def render_messages(exchanges: Sequence[Exchange], lang: str) -> list[dict[str, str]]:
    messages = []
    for turn, ex in enumerate(exchanges, start=1):
        messages.append({"role": "user", "content": html.escape(ex.question, quote=False)})
        messages.append({"role": "assistant", "content": render_answer(ex, turn, lang)})
    return messages


ICON_DATE = ("<svg class='icon' viewBox='0 0 16 16' aria-hidden='true'><rect x='2' y='3' width='12' height='11' rx='2' "
             "fill='none' stroke='currentColor' stroke-width='1.4'/><path d='M2 6.5h12M5 1.5v3M11 1.5v3' "
             "stroke='currentColor' stroke-width='1.4'/></svg>")
ICON_FILE = ("<svg class='icon' viewBox='0 0 16 16' aria-hidden='true'><path d='M4 1.5h5l3.5 3.5v9.5h-8.5z' fill='none' "
             "stroke='currentColor' stroke-width='1.4' stroke-linejoin='round'/><path d='M9 1.5v3.5h3.5' fill='none' "
             "stroke='currentColor' stroke-width='1.4'/></svg>")
EXCERPT_CONTEXT = 220  # characters of context kept around the highlighted sentences of a long passage
EXCERPT_MIN = 650      # passages shorter than this are shown whole


def _snap(text: str, index: int, forward: bool) -> int:
    """Move a cut point to the nearest space or line break so no Thai word is cut in half."""
    window = text[index:index + 40] if forward else text[max(0, index - 40):index]
    spaces = [m.start() for m in re.finditer(r"\s", window)]
    if not spaces:
        return index
    return index + spaces[0] if forward else max(0, index - 40) + spaces[-1] + 1


def excerpt(text: str, spans: Sequence[Sequence[int]]) -> tuple[str, bool]:
    """The highlighted passage, shortened to the highlights and some context when it is long.

    Returns the HTML and whether it was shortened (the full passage is then offered too).
    """
    if len(text) <= EXCERPT_MIN:
        return highlight(text, spans), False
    starts = [int(s) for s, _ in spans] or [0]
    ends = [int(e) for _, e in spans] or [EXCERPT_MIN - EXCERPT_CONTEXT]
    lo = 0 if min(starts) <= EXCERPT_CONTEXT else _snap(text, min(starts) - EXCERPT_CONTEXT, forward=True)
    hi = len(text) if max(ends) + EXCERPT_CONTEXT >= len(text) else _snap(text, max(ends) + EXCERPT_CONTEXT, forward=False)
    if lo == 0 and hi == len(text):
        return highlight(text, spans), False
    inside = [(max(int(s), lo) - lo, min(int(e), hi) - lo) for s, e in spans if int(e) > lo and int(s) < hi]
    body = highlight(text[lo:hi], inside)
    return ("… " if lo else "") + body + (" …" if hi < len(text) else ""), True


def render_citation(c: dict[str, Any], turn: int, lang: str) -> str:
    spans = c.get("highlights", [])
    shown, shortened = excerpt(c["text"], spans)
    full = (f"<details class='cite-full'><summary>{t(lang, 'full_passage')}</summary>"
            f"<div class='cite-text'>{highlight(c['text'], spans)}</div></details>") if shortened else ""
    return (
        f"<li class='cite' id='{cite_id(turn, c['n'])}'>"
        f"<div class='cite-head'><span class='cite-n'>{c['n']}</span>"
        f"<span class='cite-title'>{html.escape(c['title'] or c['source'])}</span></div>"
        f"<div class='cite-meta'><span>{ICON_DATE} {t(lang, 'meeting_date')}: {html.escape(show_date(c.get('date'), lang))}</span>"
        f"<span>{ICON_FILE} {html.escape(c['source'])}</span></div>"
        f"<div class='cite-text'>{shown}</div>{full}"
        "</li>"
    )


def describe_filters(f: Filters, lang: str) -> str:
    parts = []
    if f.since:
        parts.append(t(lang, "filter_since", d=show_date(f.since.isoformat(), lang)))
    if f.until:
        parts.append(t(lang, "filter_until", d=show_date(f.until.isoformat(), lang)))
    if f.sources:
        parts.append(t(lang, "filter_docs", n=len(f.sources)))
    return f"<div class='ev-filters'>{t(lang, 'filters_used')}: {html.escape(' · '.join(parts))}</div>" if parts else ""


def _evidence_body(ex: Exchange, turn: int, lang: str) -> str:
    if ex.status == "searching":
        return f"<div class='ev-status pending'>{t(lang, 'evidence_searching')}</div>"
    if ex.status == "error":
        return f"<div class='ev-notice'>{t(lang, 'evidence_error')}</div>"
    if ex.refused or not ex.citations:
        return (f"<div class='ev-notice'><b>{t(lang, 'evidence_refused')}</b><br>"
                f"<span class='hint'>{t(lang, 'evidence_refused_hint')}</span></div>")
    head = (t(lang, "evidence_preview", n=len(ex.citations)) if ex.status == "writing"
            else t(lang, "evidence_final", n=len(ex.citations)))
    cls = "ev-status pending" if ex.status == "writing" else "ev-status"
    cards = "".join(render_citation(c, turn, lang) for c in ex.citations)
    return f"<div class='{cls}'>{head}</div>{describe_filters(ex.filters, lang)}<ol class='cites'>{cards}</ol>"


def render_evidence(exchanges: Sequence[Exchange], lang: str) -> str:
    """The latest answer's evidence; earlier answers' evidence folded below, so old [n] links still land."""
    title = f"<div class='ev-title'>{t(lang, 'evidence')}</div>"
    if not exchanges:
        return f"<div class='evidence'>{title}<div class='ev-empty'>{t(lang, 'evidence_empty')}</div></div>"
    last = len(exchanges)
    parts = [title, f"<div class='ev-question'>{html.escape(exchanges[-1].question)}</div>",
             _evidence_body(exchanges[-1], last, lang)]
    for turn in range(last - 1, 0, -1):
        ex = exchanges[turn - 1]
        if not ex.citations:
            continue
        parts.append(f"<details class='ev-earlier'><summary>{t(lang, 'earlier')}: {html.escape(ex.question)}</summary>"
                     f"<ol class='cites'>{''.join(render_citation(c, turn, lang) for c in ex.citations)}</ol></details>")
    return f"<div class='evidence'>{''.join(parts)}</div>"


STATUS_CLASS = {"added": "ok", "updated": "ok", "unchanged": "same", "failed": "bad", "removed": "same"}


def render_results(results: Sequence[FileResult], lang: str) -> str:
    rows = []
    for r in results:
        detail = r.reason or (t(lang, "result_chunks", n=r.chunks) if r.chunks else "")
        rows.append(
            f"<tr class='res-{STATUS_CLASS.get(r.status, 'same')}'><td class='res-status'>{t(lang, 'status_' + r.status) if r.status in ('added', 'updated', 'unchanged', 'failed') else r.status}</td>"
            f"<td class='res-name'>{html.escape(r.path.name)}<div class='res-title'>{html.escape(r.title)}</div></td>"
            f"<td class='res-detail'>{html.escape(detail)}</td></tr>"
        )
    return f"<table class='results'>{''.join(rows)}</table>" if rows else ""


def render_header(lang: str, docs: Sequence[DocumentRecord]) -> str:
    stats = t(lang, "index_stats", docs=len(docs), chunks=sum(d.chunks for d in docs))
    return (
        "<div class='brand'><div class='brand-mark'>ป</div><div>"
        f"<div class='brand-name'>{t(lang, 'brand')} <span class='brand-sub'>{'Prachum' if lang == 'th' else 'ประชุม'}</span></div>"
        f"<div class='brand-tagline'>{t(lang, 'tagline')}</div></div>"
        f"<div class='brand-stats'><span>{stats}</span><span class='offline'>{t(lang, 'offline')}</span></div></div>"
    )


def example_questions(docs: Sequence[DocumentRecord]) -> list[str]:
    """Questions about the records that are indexed: the seed questions if their meetings are there,
    otherwise one per meeting acronym of the newest records."""
    acronyms = [a for d in docs for a in d.acronyms]
    known = set(acronyms)
    chosen = [q for needs, q in SEED_EXAMPLES if needs in known]
    if chosen:
        return chosen[:4]
    return [f"การประชุม {a} จัดขึ้นเมื่อไร และมีผู้แทนประเทศไทยคือใคร" for a in dict.fromkeys(acronyms)][:3]


def docs_table(docs: Sequence[DocumentRecord], lang: str) -> dict[str, Any]:
    headers = [t(lang, k) for k in ("col_title", "col_date", "col_chunks", "col_source")]
    rows = [[d.title, show_date(d.date, lang), d.chunks, display_source(d.source)]
            for d in docs]
    return {"headers": headers, "data": rows or [["", "", "", ""]]}


def doc_choices(docs: Sequence[DocumentRecord], lang: str) -> list[tuple[str, str]]:
    return [(f"{d.title[:80]} · {show_date(d.date, lang)}", d.source) for d in docs]

