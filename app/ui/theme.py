"""The look: a Gradio theme with system and bundled fonts only (nothing fetched), Thai fonts first for
Thai glyphs, and the page's own CSS and JavaScript, read from ``static/`` when the app is built."""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import gradio as gr

STATIC = Path(__file__).resolve().parent / "static"
MAX_UPLOAD = "100mb"
THAI_FONTS = ["Noto Sans Thai", "Sarabun", "Leelawadee UI", "Thonburi", "Waree", "Loma", "Garuda", "Tahoma"]
META = '<meta name="description" content="Prachum: cited answers from Thai meeting records, offline">'


def make_theme() -> gr.themes.Base:
    return gr.themes.Default(
        primary_hue="indigo", secondary_hue="amber", neutral_hue="slate", radius_size="md",
        font=[gr.themes.LocalFont("Source Sans Pro"), *THAI_FONTS, "ui-sans-serif", "system-ui", "sans-serif"],
        font_mono=[gr.themes.LocalFont("IBM Plex Mono"), "ui-monospace", "monospace"],
    )


@cache
def css() -> str:
    return (STATIC / "style.css").read_text(encoding="utf-8")


@cache
def head() -> str:
    """The page's <head> additions: its description and the script that links [n] to evidence cards."""
    return f"\n{META}\n<script>\n{(STATIC / 'app.js').read_text(encoding='utf-8')}</script>\n"


def launch_options() -> dict[str, Any]:
    """Look and offline behaviour, given to Blocks.launch (Gradio 6 takes them there)."""
    return {"theme": make_theme(), "css": css(), "head": head(), "footer_links": ["api"], "ssr_mode": False,
            "max_file_size": MAX_UPLOAD}
