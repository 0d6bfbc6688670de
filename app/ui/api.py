"""The programmatic API beside the UI: /ask and /sources, the same JSON as `prachum ask --json` and
`prachum sources --json`. User mistakes become messages that say what to change."""
from __future__ import annotations

from typing import Sequence

import gradio as gr

from app.service import Service, document_json
from app.ui.errors import form_filters, shown_errors, ui_error
from app.ui.i18n import t
from prachum.config import ANSWERERS

ANSWER_CONCURRENCY = 4  # sessions answered at once; the local LLM itself serializes on its own lock


def api_ask(lib: Service, question: str, since: str = "", until: str = "", sources: Sequence[str] | None = None,
            answerer: str = "", k: int = 0, history: Sequence[Sequence[str]] | None = None) -> dict:
    """The /ask endpoint; user mistakes become gr.Error with a message saying what to change."""
    question = (question or "").strip()
    if not question:
        raise ui_error("question is empty")
    answerer = answerer or lib.settings.llm
    if answerer not in ANSWERERS:
        raise ui_error(f"answerer must be one of {', '.join(ANSWERERS)}, got {answerer!r}")
    if not lib.answerer_ready(answerer):
        raise ui_error(t("en", "no_local"))
    k = int(k or 0)
    if k and not 1 <= k <= 50:
        raise ui_error(f"k must be between 1 and 50, got {k}")
    with shown_errors("en"):
        source_ids = lib.resolve_sources(list(sources or []))
    filters = form_filters("en", since, until, source_ids)
    turns = []
    for pair in history or []:
        if len(pair) != 2:
            raise ui_error("history must be a list of [question, answer] pairs")
        turns.append((str(pair[0]), str(pair[1])))
    if lib.is_empty():
        raise ui_error(t("en", "empty_index"))
    with shown_errors("en"):
        return lib.ask(question, turns, filters, answerer, k or None).to_json()


def register_api(lib: Service) -> None:
    """Add the named endpoints to the Blocks being built (the UI's own events stay private)."""

    def ask(question: str, since: str = "", until: str = "", sources: list[str] | None = None,
            answerer: str = "", k: int = 0, history: list[list[str]] | None = None) -> dict:
        """Answer a question from the records; the same JSON as `prachum ask --json`.

        since/until: ISO (2021-01-01) or Thai dates (1 ม.ค. 64); sources: documents as listed by
        /sources; answerer: local, extractive or openai (default from settings); k: passages (default
        from settings); history: earlier [question, answer] pairs, for follow-up questions.
        """
        return api_ask(lib, question, since, until, sources, answerer, k, history)

    def sources() -> list[dict]:
        """Indexed documents, the same JSON objects as `prachum sources --json`."""
        return [document_json(d) for d in lib.documents(newest_first=True)]

    gr.api(ask, api_name="ask", concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer")
    gr.api(sources, api_name="sources")
