"""The scale-out path end to end: vectors in a real Chroma server, catalog and lexical index on local disk."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from prachum.index.store import IndexStore

pytestmark = pytest.mark.server
SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    if chroma is None:
        pytest.skip("the chroma CLI (from the chromadb package) is not installed")
    port = free_port()
    server = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"chroma run did not start: {server.stderr.read().decode()[-1000:]}")
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_ingest_ask_and_remove_through_a_chroma_server(chroma_server, tmp_settings, fake_embedder):
    from ingest.pipeline import ingest_paths
    from rag.retriever import HybridSearch

    settings = tmp_settings.replace(chroma_url=chroma_server)
    store = IndexStore(settings)
    report = ingest_paths([SEEDS], settings, store, fake_embedder, progress=False)
    seeds = sorted(str(p.resolve()) for p in SEEDS.glob("*.txt"))
    assert sorted(r.status for r in report.results) == ["added"] * len(seeds)
    # the vectors are in the server; the catalog and the lexical index on this disk, no local Chroma
    assert store.collection.count() == store.count() > len(seeds)
    assert settings.catalog_path.is_file() and settings.lexical_dir.is_dir() and not settings.chroma_dir.exists()
    assert store.catalog.live_ids() == store.chroma_ids() == store._lexical.ids()

    search = HybridSearch(store, fake_embedder, settings)
    passages = search.search("การประชุม SOMSWD ครั้งที่ ๑๖ จัดขึ้นที่ใด", 5).passages
    assert passages and all(p.source in seeds for p in passages)
    assert any(p.dense > 0 for p in passages) and any(p.lexical > 0 for p in passages)

    gone = passages[0].source
    assert store.remove_document(gone) > 0
    assert gone not in {p.source for p in search.search("การประชุม SOMSWD ครั้งที่ ๑๖ จัดขึ้นที่ใด", 10).passages}
    assert store.catalog.live_ids() == store.chroma_ids() == store._lexical.ids()

    # another program opening the same folder and server sees the same index
    again = IndexStore(settings)
    assert {d.source for d in again.documents()} == set(seeds) - {gone}
    assert again.fingerprints().keys() == {d.source for d in again.documents()}
