"""The chat UI (Gradio): Thai first, evidence beside every answer, documents managed in the browser.

Everything goes through one :class:`app.service.Service` around one
:class:`~rag.engine.Prachum`, so models are loaded once and the UI answers exactly like
``prachum ask``. Each browser session keeps its own conversation in a ``gr.State``;
Gradio's queue runs several sessions at once, and the service's read-write lock lets
many questions retrieve together while an upload or removal changes the index alone.

The evidence panel is filled as soon as retrieval finishes, before the language model
has written a word: on a 2-core laptop the answer takes seconds, the passages do not.
At the same moment the answer bubble opens with the verified short answer (the facts
asked for, each with its [n]) and its supporting sentences quoted beneath; the local
LLM's wording streams in below it and, once checked, stays there.

The modules, by job: ``build`` (the Blocks, one function per tab), ``chat`` (one turn of
the conversation), ``render`` (HTML), ``i18n`` (Thai and English words), ``errors`` (user
errors as messages), ``api`` (/ask and /sources), ``theme`` (look; CSS and JS live in
``static/``) and ``serve`` (launching).
"""
from __future__ import annotations

from prachum import offline as _offline  # noqa: F401  (first: before any module here imports gradio)
from app.ui.api import api_ask
from app.ui.build import build_ui
from app.ui.chat import ChatUpdate, chat_turn
from app.ui.errors import form_filters
from app.ui.i18n import TEXT, t
from app.ui.render import (Exchange, example_questions, excerpt, highlight, link_markers, render_answer,
                           render_evidence, render_results, show_date, streaming_text)
from app.ui.serve import _check_port, launch, start, warm_up
from app.ui.theme import launch_options, make_theme

__all__ = ["build_ui", "launch", "start", "warm_up", "launch_options", "make_theme", "api_ask", "chat_turn",
           "ChatUpdate", "Exchange", "form_filters", "TEXT", "t", "example_questions", "excerpt", "highlight",
           "link_markers", "render_answer", "render_evidence", "render_results", "show_date", "streaming_text",
           "_check_port"]
