"""A small real index (embedded Chroma, fake vectors) over the seed records, for the fast rag tier."""
from __future__ import annotations

import pytest

from ingest.pipeline import ingest_paths
from prachum.index.store import IndexStore
from tests.conftest import SEEDS, FakeEmbedder


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory):
    from prachum.config import load_settings

    settings = load_settings({"data_dir": tmp_path_factory.mktemp("seed-index"), "min_score": 0.3,
                              "llm": "extractive"}, use_files=False, use_env=False)
    embedder = FakeEmbedder()
    store = IndexStore(settings)
    report = ingest_paths([SEEDS], settings, store, embedder, progress=False)
    assert report.count("added") == 5
    return settings, store, embedder
