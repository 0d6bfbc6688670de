"""One question in a conversation, as the chat shows it: question, evidence with the verified short answer,
the LLM's streamed wording, checked answer."""
from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from app.service import Service
from app.ui.errors import ui_error, ui_message
from app.ui.i18n import t
from app.ui.render import Exchange, render_evidence, render_messages
from prachum.errors import PrachumError
from prachum.types import Done, Filters, Retrieved, Token, citation_json
from rag.cite import MARKER


@dataclass
class ChatUpdate:
    """One refresh of the chat: the messages, the evidence panel (None: unchanged) and the session state."""

    messages: list[dict[str, str]]
    evidence: str | None
    state: list[Exchange]


def settle(ex: Exchange, final: list[dict[str, Any]]) -> None:
    """Take the checked answer's citations. When the LLM wrote the answer, the short answer kept above it
    is renumbered to them: a passage both cite is one card (its highlights joined), a passage only the
    short answer cites becomes one more card, so every [n] on screen has its evidence."""
    if ex.refused or not ex.short or ex.answer.strip() == ex.short.strip():
        ex.citations = ex.support = final
        return
    cards = [dict(c, highlights=[list(h) for h in c["highlights"]]) for c in final]
    same = {(c["source"], c["text"]): c for c in cards}
    numbers: dict[int, int] = {}
    for c in ex.support:
        card = same.get((c["source"], c["text"]))
        if card is None:
            card = dict(c, n=max((d["n"] for d in cards), default=0) + 1, highlights=[])
            cards.append(card)
            same[(c["source"], c["text"])] = card
        card["highlights"] += [list(h) for h in c["highlights"] if list(h) not in card["highlights"]]
        numbers[c["n"]] = card["n"]

    def renumber(m: re.Match) -> str:
        n = numbers.get(int(m.group(1)))
        return m.group(0).replace(f"[{m.group(1)}]", f"[{n}]") if n else ""

    ex.short = MARKER.sub(renumber, ex.short)
    ex.support = [dict(c, n=numbers[c["n"]]) for c in ex.support]
    ex.citations = cards


def chat_turn(lib: Service, question: str, state: Sequence[Exchange], lang: str, answerer: str, k: int,
              filters: Filters = Filters()) -> Iterator[ChatUpdate]:
    """Ask one question in a conversation: the question at once; the evidence and the verified short answer
    (with its supporting sentences) when retrieval is done; the LLM's wording as it is written; then the
    checked answer with linked citations.

    Earlier answered turns are the history, so follow-ups ("เขาดำรงตำแหน่งอะไร") are understood.
    """
    question = question.strip()
    if not lib.answerer_ready(answerer):
        raise ui_error(t(lang, "no_local"))
    if lib.is_empty():
        raise ui_error(t(lang, "empty_index"))
    history = [(e.question, e.answer) for e in state if e.status == "done"]
    ex = Exchange(question, filters=filters, answerer=answerer)
    turns = [*state, ex]
    yield ChatUpdate(render_messages(turns, lang), render_evidence(turns, lang), turns)
    try:
        for event in lib.stream(question, history, filters, answerer, k):
            if isinstance(event, Retrieved):
                ex.citations = [citation_json(c) for c in event.citations]
                ex.refused, ex.status, ex.short, ex.support = event.refused, "writing", event.short, ex.citations
                yield ChatUpdate(render_messages(turns, lang), render_evidence(turns, lang), turns)
            elif isinstance(event, Token):
                ex.streamed += event.text
                yield ChatUpdate(render_messages(turns, lang), None, turns)
            elif isinstance(event, Done):
                a = event.answer
                ex.answer, ex.refused, ex.fallback = a.answer, a.refused, a.fallback
                settle(ex, [citation_json(c) for c in a.citations])
                ex.timings_ms, ex.answerer, ex.status = dict(a.timings_ms), a.answerer, "done"
    except PrachumError as exc:  # the user can fix it: say how, in this answer's place
        ex.status, ex.error = "error", ui_message(exc, lang)
    except Exception as exc:  # noqa: BLE001  -- a model or server failure ends this answer, not the app
        traceback.print_exc()
        ex.status, ex.error = "error", str(exc) or type(exc).__name__
    if ex.status not in ("done", "error"):
        ex.status, ex.error = "error", "the answer stream ended without an answer"
    yield ChatUpdate(render_messages(turns, lang), render_evidence(turns, lang), turns)
