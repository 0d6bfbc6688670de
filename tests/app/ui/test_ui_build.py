"""The Blocks app as built: every event updates exactly the components it declares, in both languages."""
from __future__ import annotations

import gradio as gr
import pytest

from app.service import Service
from app.ui import build_ui
from prachum.errors import StoreError


def events(demo: gr.Blocks, trigger_elem: str, event: str):
    """The functions wired to ``event`` of the component with ``elem_id``."""
    found = []
    for fn in demo.fns.values():
        for block, name in fn.targets:
            component = demo.blocks.get(block)
            if name == event and getattr(component, "elem_id", None) == trigger_elem:
                found.append(fn)
    return found


def test_the_language_switch_redraws_every_output(seed_engine):
    demo = build_ui(seed_engine)
    (switch,) = events(demo, "lang-switch", "change")
    assert len(switch.outputs) == 26  # 20 + the Meetings tab: tab, intro, timeline, card, person, person view
    for lang in ("en", "th"):
        updates = switch.fn(lang, [], "extractive")
        assert set(updates) == set(switch.outputs)
    english = switch.fn("en", [], "extractive")
    send = next(c for c in switch.outputs if getattr(c, "elem_id", None) == "send")
    assert english[send]["value"] == "Ask"
    chatbot = next(c for c in switch.outputs if getattr(c, "elem_id", None) == "chat")
    assert english[chatbot]["label"] == "Conversation"


def test_adding_and_removing_redraw_the_same_components_as_loading(seed_engine):
    demo = build_ui(seed_engine)
    (load,) = [fn for fn in demo.fns.values() if any(name == "load" for _, name in fn.targets)]
    (add,) = events(demo, "add", "click")
    (remove,) = events(demo, "remove", "click")
    refreshed = set(load.fn("en"))
    assert refreshed == set(load.outputs) and len(refreshed) == 8  # 5 + the Meetings tab: intro, timeline, person
    assert refreshed < set(add.outputs) and refreshed < set(remove.outputs)


def test_an_index_error_is_a_message_not_a_crash(seed_engine):
    class Broken(Service):
        def remove(self, source: str) -> int:
            raise StoreError("cannot write the index: the disk is full")

    demo = build_ui(Broken(seed_engine))
    (remove,) = events(demo, "remove", "click")
    with pytest.raises(gr.Error, match="disk is full"):
        remove.fn("seeds/003_f9ff260f397ac10e.txt", "en")
