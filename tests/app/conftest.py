"""UI fixtures: an engine over the seed records (fake embedder), a slow streaming fake LLM, running servers.

The fake LLM sleeps between tokens so a test can see the evidence on screen while the
answer is still being written, which is the point of showing it early.
"""
from __future__ import annotations

import itertools
import socket
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGenerationChunk

from ingest.pipeline import ingest_paths
from prachum.config import Settings, load_settings
from prachum.index.store import IndexStore
from rag.engine import Prachum
from tests.conftest import SEEDS, FakeEmbedder

SOCA_Q = "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat"
OFF_TOPIC_Q = "ราคาทองคำวันนี้เท่าไร"
THAI_MINUTES = """# การประชุมคณะกรรมการพัฒนาระบบสารสนเทศ ครั้งที่ ๒/๒๕๖๗

เมื่อวันที่ ๑๔ มีนาคม ๒๕๖๗ เวลา ๐๙.๓๐ น. ณ ห้องประชุมชั้น ๓ นายสมชาย ใจดี ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ
เป็นประธานการประชุมคณะกรรมการพัฒนาระบบสารสนเทศ (ICTC)

ที่ประชุมมีมติให้จัดซื้อเครื่องแม่ข่ายใหม่ จำนวน ๒ เครื่อง ภายในเดือนมิ.ย. 67 ตามที่ ก.พ. เสนอ
"""

# What the fake LLM "writes": sentences of the SOCA Retreat record, so the citation check accepts them.
# The local LLM's reply contract (rag/extract): spans of the numbered sentences, then a template.
# Each span under several sentence numbers, so that with fake vectors (whatever order the
# sentences come in) the first that holds it is kept and the rest are dropped as repeats.
FAKE_ANSWER = ('{"facts":[' + ",".join(f'{{"s":{n},"text":"{span}"}}' for span in ("SOCA", "นางจตุพร") for n in (1, 2, 3)) +
               '],"answer":"{1}"}')


class SlowFakeChat(GenericFakeChatModel):
    """GenericFakeChatModel that waits ``delay`` seconds before each streamed piece, like a CPU LLM."""

    delay: float = 0.0

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for chunk in super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs):
            time.sleep(self.delay)
            yield chunk


def slow_fake_chat(delay: float = 0.0, answer: str = FAKE_ANSWER) -> SlowFakeChat:
    return SlowFakeChat(messages=itertools.cycle([AIMessage(content=answer)]), delay=delay)


def seed_settings(data_dir: Path, **changes: Any) -> Settings:
    return load_settings({"data_dir": data_dir, "min_score": 0.3, "llm": "extractive", **changes},
                         use_files=False, use_env=False)


def build_seed_engine(data_dir: Path, chat_delay: float = 0.0, **changes: Any) -> Prachum:
    """A real index of the five seed records (fake vectors) and an engine whose "local" LLM is the fake."""
    settings = seed_settings(data_dir, **changes)
    embedder = FakeEmbedder()
    store = IndexStore(settings)
    report = ingest_paths([SEEDS], settings, store, embedder, progress=False)
    assert report.count("added") + report.count("unchanged") == 5
    return Prachum(settings, store, embedder, chat_models={"local": slow_fake_chat(chat_delay)})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def seed_engine(tmp_path_factory: pytest.TempPathFactory) -> Prachum:
    """Shared, read-only: tests that change the index use their own engine."""
    return build_seed_engine(tmp_path_factory.mktemp("ui-seed-index"))


@pytest.fixture
def fresh_engine(tmp_path: Path) -> Prachum:
    """An engine with its own copy of the seed index, for tests that add or remove documents."""
    return build_seed_engine(tmp_path / "data")


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Prachum]]:
    """The real UI served on a free loopback port (extractive by default, fake local LLM available)."""
    from app.ui import start

    engine = build_seed_engine(tmp_path_factory.mktemp("ui-server-index"), chat_delay=0.05)
    port = free_port()
    demo = start(engine, host="127.0.0.1", port=port)
    try:
        yield f"http://127.0.0.1:{port}/", engine
    finally:
        demo.close()
