"""The Blocks app: a header with the language switch, the chat, meetings and documents tabs, and the API.

Each tab is built by its own function. Where it creates a component whose look depends
on the language or on the indexed documents, it registers how to redraw it in a
:class:`Redraws` table; the language switch and the refresh after an upload or removal
return ``{component: update}`` for every entry of their table, so the outputs and the
updates come from one place and cannot fall out of order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import gradio as gr

from app.service import UPLOAD_TYPES, Service
from app.ui.api import ANSWER_CONCURRENCY, register_api
from app.ui.chat import chat_turn
from app.ui.errors import form_filters, shown_errors, ui_error
from app.ui.i18n import LANGUAGES, t
from app.ui.meetings import meetings_tab
from app.ui.render import (Exchange, answerer_name, doc_choices, docs_table, example_questions, render_evidence,
                           render_header, render_messages, render_results)
from prachum.config import ANSWERERS
from prachum.index.store import DocumentRecord
from prachum.types import display_source
from rag.engine import Prachum

ASK_OPTIONS = dict(concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer", api_visibility="private",
                   show_progress="hidden")
INDEX_OPTIONS = dict(concurrency_limit=1, concurrency_id="index", api_visibility="private")


@dataclass
class View:
    """What a redraw depends on: the language, the indexed documents, this session's turns and answerer."""

    lang: str
    docs: list[DocumentRecord]
    state: list[Exchange] = field(default_factory=list)
    answerer: str = ""


Redraw = Callable[[View], Any]


@dataclass
class Redraws:
    """How to redraw components: one table for a language switch, one for a change of the documents."""

    lang: dict[Any, Redraw] = field(default_factory=dict)
    docs: dict[Any, Redraw] = field(default_factory=dict)

    @staticmethod
    def apply(table: dict[Any, Redraw], view: View) -> dict[Any, Any]:
        return {component: redraw(view) for component, redraw in table.items()}


def relabel(key: str, **more: Redraw) -> Redraw:
    """An update of a component's label (and of ``more`` properties) for the view's language."""
    return lambda v: gr.update(label=t(v.lang, key), **{name: f(v) for name, f in more.items()})


def retext(key: str) -> Redraw:
    """An update of a button's text for the view's language."""
    return lambda v: gr.update(value=t(v.lang, key))


def chat_placeholder(v: View) -> str:
    return t(v.lang, "chat_placeholder" if v.docs else "chat_empty_index")


def choices(v: View) -> list[tuple[str, str]]:
    return doc_choices(v.docs, v.lang)


def chat_tab(lib: Service, lang: gr.Radio, exchanges: gr.State, first: View, redraws: Redraws) -> gr.Radio:
    """The conversation on the left, the evidence of the latest answer on the right, options below.

    Returns the answerer choice, which the language switch keeps.
    """
    settings = lib.settings

    def answerer_choices(v: View) -> list[tuple[str, str]]:
        return [(answerer_name(v.lang, a), a) for a in ANSWERERS]

    def answerer_info(v: View) -> str:
        local = "✓" if lib.answerer_ready("local") else "—"
        return t(v.lang, "answerer_info", local=local, openai=f"{settings.openai_model} @ {settings.openai_base_url}")

    lang0, docs0 = first.lang, first.docs
    with gr.Tab(t(lang0, "tab_chat"), id="chat") as tab:
        with gr.Row(equal_height=False):
            with gr.Column(scale=6):
                chatbot = gr.Chatbot(
                    label=t(lang0, "chatbot"), height=600, elem_id="chat", placeholder=chat_placeholder(first),
                    examples=[{"text": q} for q in example_questions(docs0)],
                    buttons=["copy"], feedback_options=None, latex_delimiters=[], group_consecutive_messages=False,
                )
                with gr.Row(equal_height=True, elem_id="ask-row"):
                    question = gr.Textbox(show_label=False, placeholder=t(lang0, "question_placeholder"), scale=8,
                                          container=False, autofocus=True, elem_id="question", max_lines=4)
                    send = gr.Button(t(lang0, "send"), variant="primary", scale=1, min_width=90, elem_id="send")
                    clear = gr.Button(t(lang0, "clear"), variant="secondary", scale=0, min_width=110, elem_id="clear")
                with gr.Row(equal_height=True):
                    answerer = gr.Radio(answerer_choices(first), value=settings.llm, label=t(lang0, "answerer"),
                                        info=answerer_info(first), scale=3, elem_id="answerer")
                    k = gr.Slider(1, 20, value=min(settings.k, 20), step=1, label=t(lang0, "k"), scale=2, elem_id="k")
                with gr.Accordion(t(lang0, "filters"), open=False, elem_id="filters") as filters_box:
                    with gr.Row():
                        since = gr.Textbox(label=t(lang0, "since"), placeholder=t(lang0, "date_placeholder"),
                                           elem_id="since")
                        until = gr.Textbox(label=t(lang0, "until"), placeholder=t(lang0, "date_placeholder"),
                                           elem_id="until")
                    doc_filter = gr.Dropdown(choices(first), value=[], multiselect=True, label=t(lang0, "doc_filter"),
                                             info=t(lang0, "doc_filter_info"), elem_id="doc-filter")
            with gr.Column(scale=5):
                evidence = gr.HTML(render_evidence([], lang0), elem_id="evidence-panel")

    date_placeholder = lambda v: t(v.lang, "date_placeholder")  # noqa: E731
    redraws.lang.update({
        tab: relabel("tab_chat"),
        chatbot: relabel("chatbot", value=lambda v: render_messages(v.state, v.lang), placeholder=chat_placeholder),
        question: lambda v: gr.update(placeholder=t(v.lang, "question_placeholder")),
        send: retext("send"),
        clear: retext("clear"),
        answerer: relabel("answerer", info=answerer_info, choices=answerer_choices, value=lambda v: v.answerer),
        k: relabel("k"),
        filters_box: relabel("filters"),
        since: relabel("since", placeholder=date_placeholder),
        until: relabel("until", placeholder=date_placeholder),
        doc_filter: relabel("doc_filter", info=lambda v: t(v.lang, "doc_filter_info"), choices=choices),
        evidence: lambda v: render_evidence(v.state, v.lang),
    })
    redraws.docs.update({
        doc_filter: lambda v: gr.update(choices=choices(v)),
        chatbot: lambda v: gr.update(examples=[{"text": q} for q in example_questions(v.docs)],
                                     placeholder=chat_placeholder(v)),
    })

    def on_ask(text: str, state: list[Exchange], lang_: str, answerer_: str, k_: float, since_: str,
               until_: str, sources_: list[str]) -> Iterator[dict]:
        if not (text or "").strip():
            yield {exchanges: state}
            return
        filters = form_filters(lang_, since_, until_, sources_)
        with shown_errors(lang_):
            for i, step in enumerate(chat_turn(lib, text, state, lang_, answerer_, int(k_), filters)):
                update = {chatbot: step.messages, exchanges: step.state}
                if step.evidence is not None:
                    update[evidence] = step.evidence
                if i == 0:
                    update[question] = ""
                yield update

    ask_inputs = [question, exchanges, lang, answerer, k, since, until, doc_filter]
    ask_outputs = [chatbot, evidence, question, exchanges]
    question.submit(on_ask, ask_inputs, ask_outputs, **ASK_OPTIONS)
    send.click(on_ask, ask_inputs, ask_outputs, **ASK_OPTIONS)

    def pick_example(evt: gr.SelectData) -> str:
        return evt.value["text"]

    chatbot.example_select(pick_example, None, question, api_visibility="private") \
        .then(on_ask, ask_inputs, ask_outputs, **ASK_OPTIONS)

    def on_clear(lang_: str) -> dict:
        return {chatbot: [], evidence: render_evidence([], lang_), question: "", exchanges: []}

    clear.click(on_clear, [lang], ask_outputs, api_visibility="private")
    chatbot.clear(on_clear, [lang], ask_outputs, api_visibility="private")
    return answerer


def docs_tab(lib: Service, lang: gr.Radio, first: View, redraws: Redraws) -> Callable[[], None]:
    """The indexed documents; upload new ones, remove old ones.

    Returns ``connect``, to call when every tab is built: an upload or removal redraws them all.
    """
    lang0 = first.lang
    with gr.Tab(t(lang0, "tab_docs"), id="docs") as tab:
        title = gr.Markdown(t(lang0, "docs_title"))
        table = gr.Dataframe(value=docs_table(first.docs, lang0), interactive=False, wrap=True, elem_id="docs-table",
                             column_widths=["50%", "16%", "10%", "24%"])
        with gr.Row(equal_height=False):
            with gr.Column():
                upload = gr.File(label=t(lang0, "upload"), file_count="multiple", file_types=UPLOAD_TYPES,
                                 elem_id="upload", height=160)
                add = gr.Button(t(lang0, "add"), variant="primary", elem_id="add")
                results = gr.HTML(elem_id="upload-results")
            with gr.Column():
                to_remove = gr.Dropdown(choices(first), value=None, label=t(lang0, "remove_pick"), elem_id="remove-pick")
                remove = gr.Button(t(lang0, "remove"), variant="stop", elem_id="remove")
                removed = gr.Markdown(elem_id="remove-result")

    redraws.lang.update({
        tab: relabel("tab_docs"),
        title: lambda v: t(v.lang, "docs_title"),
        table: lambda v: gr.update(value=docs_table(v.docs, v.lang)),
        upload: relabel("upload"),
        add: retext("add"),
        to_remove: relabel("remove_pick", choices=choices),
        remove: retext("remove"),
    })
    redraws.docs.update({
        table: lambda v: gr.update(value=docs_table(v.docs, v.lang)),
        to_remove: lambda v: gr.update(choices=choices(v), value=None),
    })

    def on_add(files: list[str] | None, lang_: str, progress: gr.Progress = gr.Progress()) -> dict:
        if not files:
            raise ui_error(t(lang_, "no_files"))
        paths = [Path(f) for f in files]
        with shown_errors(lang_):
            out = lib.add_files(paths, lambda i, n, name: progress((i, n), desc=f"{t(lang_, 'adding')} {name}",
                                                                  unit="files"),
                                unsupported=t(lang_, "unsupported"))
        progress((len(paths), len(paths)))
        return {results: render_results(out, lang_), upload: None, **refreshed(lib, redraws, lang_)}

    def on_remove(source: str | None, lang_: str) -> dict:
        if not source:
            raise ui_error(t(lang_, "pick_first"))
        with shown_errors(lang_):
            title_ = next((d.title for d in lib.documents() if d.source == source), display_source(source))
            n = lib.remove(source)
        message = t(lang_, "removed", title=title_, n=n) if n else t(lang_, "not_indexed")
        return {removed: message, **refreshed(lib, redraws, lang_)}

    def connect() -> None:
        """Wire the events whose outputs are every redrawn component, once all tabs have registered theirs."""
        add.click(on_add, [upload, lang], [results, upload, *redraws.docs], **INDEX_OPTIONS)
        remove.click(on_remove, [to_remove, lang], [removed, *redraws.docs], **INDEX_OPTIONS)

    return connect


def refreshed(lib: Service, redraws: Redraws, lang: str) -> dict[Any, Any]:
    """Every component that shows the documents, redrawn from the index as it is now."""
    return Redraws.apply(redraws.docs, View(lang, lib.documents(newest_first=True)))


def build_ui(engine: Prachum | Service) -> gr.Blocks:
    """The whole app over an engine (or a service around one); Thai first."""
    lib = engine if isinstance(engine, Service) else Service(engine)
    first = View("th", lib.documents(newest_first=True))
    redraws = Redraws()
    with gr.Blocks(title="ประชุม · Prachum", analytics_enabled=False, delete_cache=(3600, 86400)) as demo:
        exchanges = gr.State([])
        with gr.Row(equal_height=True, elem_id="header"):
            header = gr.HTML(render_header(first.lang, first.docs), elem_id="brand", scale=5)
            lang = gr.Radio(LANGUAGES, value=first.lang, show_label=False, container=False, elem_id="lang-switch",
                            scale=0, min_width=190)
        redraws.lang[header] = redraws.docs[header] = lambda v: render_header(v.lang, v.docs)
        with gr.Tabs():
            answerer = chat_tab(lib, lang, exchanges, first, redraws)
            meetings_tab(lib, lang, first.lang, redraws.lang, redraws.docs)
            connect_docs = docs_tab(lib, lang, first, redraws)
        connect_docs()
        demo.load(lambda lang_: refreshed(lib, redraws, lang_), [lang], list(redraws.docs),
                  api_visibility="private", show_progress="hidden")

        def on_lang(lang_: str, state: list[Exchange], answerer_: str) -> dict:
            return Redraws.apply(redraws.lang, View(lang_, lib.documents(newest_first=True), state, answerer_))

        lang.change(on_lang, [lang, exchanges, answerer], list(redraws.lang), api_visibility="private",
                    show_progress="hidden")
        register_api(lib)
    return demo
