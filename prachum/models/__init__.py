"""The local models, assembled offline from pinned PyPI wheels: the embedder and the LLM file.

:class:`SupportsEmbedding` is the one embedder protocol: ingest embeds passages and
counts tokens with it, retrieval embeds the question, evidence and citations embed
sentences. The real :class:`prachum.models.embedder.Embedder` and the tests' fake
both satisfy it.
"""
from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np


class SupportsEmbedding(Protocol):
    name: str

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...
