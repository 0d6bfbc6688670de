"""Serving the UI: check the port, load what the first question would wait for, launch Gradio."""
from __future__ import annotations

import socket

import gradio as gr

from app.service import Service
from app.ui.api import ANSWER_CONCURRENCY
from app.ui.build import build_ui
from app.ui.theme import launch_options
from prachum.errors import UiError
from rag.engine import Prachum


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError as exc:
            raise UiError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another port with --port "
                          "or stop whatever is using it") from None


def warm_up(lib: Service) -> None:
    """Load what the first question would otherwise wait for: the default LLM, if set up.

    (BM25 is built when the index opens, and the CLI loads the embedder before serving.)
    """
    if lib.settings.llm == "extractive" or not lib.answerer_ready(lib.settings.llm):
        return
    lib.engine.chat_model(lib.settings.llm)


def start(engine: Prachum | Service, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None,
          open_browser: bool = False) -> gr.Blocks:
    """Serve the UI in the background and return the running app (``.close()`` stops it)."""
    lib = engine if isinstance(engine, Service) else Service(engine)
    _check_port(host, port)
    warm_up(lib)
    demo = build_ui(lib)
    demo.queue(default_concurrency_limit=ANSWER_CONCURRENCY, max_size=100)
    demo.launch(server_name=host, server_port=port, auth=auth, inbrowser=open_browser, prevent_thread_lock=True,
                quiet=True, show_error=False, **launch_options())
    return demo


def launch(engine: Prachum | Service, host: str = "127.0.0.1", port: int = 7860,
           auth: tuple[str, str] | None = None, open_browser: bool = False) -> None:
    """Serve the UI until interrupted (Ctrl-C). Loopback only unless ``host`` says otherwise."""
    demo = start(engine, host, port, auth, open_browser)
    print(f"Prachum is running at http://{'[' + host + ']' if ':' in host else host}:{port}  (Ctrl-C to stop)",
          flush=True)
    demo.block_thread()
