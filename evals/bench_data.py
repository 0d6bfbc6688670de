"""The external Thai QA benchmarks as retrieval tasks: unique contexts and the questions about them.

Data nobody on this project wrote (shared/benchmarks beside the clone, see its README):
XQuAD-th, iApp Wiki QA (test split, optionally with the train contexts as
distractors) and the Mr. TyDi questions used as off-topic questions.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from prachum.errors import EvalError

REPO_ROOT = Path(__file__).resolve().parents[1]
# shared/ sits beside the clone, on developers' machines and in CI alike.
BENCHMARKS_DIR = REPO_ROOT.parent / "shared" / "benchmarks"
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


__all__ = [
    "BENCHMARKS_DIR", "BenchmarkDataError", "Benchmark", "Question", "OODQuestion",
    "load_xquad_th", "load_iapp", "load_ood_questions",
]
