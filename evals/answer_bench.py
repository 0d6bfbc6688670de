"""End-to-end answer quality on data nobody on this project wrote, and refusals of off-topic questions.

XQuAD-th: the benchmark's unique contexts are ingested as ordinary documents into
a real, temporary Prachum index, and each sampled question goes through the whole
engine. The gold paragraph is *not* handed to the answerer: it has to be
retrieved first, so the numbers describe what a user would get. Since a
generated answer wraps the gold span in a sentence, contains-gold is reported
beside exact match.

Mr. TyDi (``ood``): Wikipedia questions asked of the meeting records; all of
them should be refused.
"""
from __future__ import annotations

import json
import random
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from evals.answer_metrics import contains_gold, exact_match, token_f1
from evals.benchmarks import BENCHMARKS_DIR, Benchmark, BenchmarkDataError, OODQuestion, Question
from evals.passages import SHOWN_PASSAGES, file_name, shown_passage, snippet, unique_sources
from evals.seeds import RETRIEVAL_K, warm_up
from evals.stats import latency_summary

SAMPLE_SIZE = 100
SAMPLE_SEED = 13


def sample_questions(bench: Benchmark, n: int = SAMPLE_SIZE, seed: int = SAMPLE_SEED) -> list[Question]:
    """A fixed random sample: the same ``seed`` gives the same questions in the same order.

    A smaller ``n`` with the same seed is not a prefix of a larger one (that is how
    random.sample works), so use ``sample[:m]`` of the full sample for a quick run.
    """
    questions = list(bench.questions)
    return random.Random(seed).sample(questions, min(n, len(questions)))


def load_xquad_answers(root: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Gold answer texts by question id (evals.benchmarks keeps only questions and contexts)."""
    path = (root or BENCHMARKS_DIR) / "xquad" / "xquad.th.json"
    if not path.is_file():
        raise BenchmarkDataError(f"benchmark file {path} not found; the external benchmarks are expected in "
                                 "shared/benchmarks beside the repository")
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        str(qa["id"]): tuple(a["text"] for a in qa["answers"])
        for article in data["data"] for paragraph in article["paragraphs"] for qa in paragraph["qas"]
    }


def write_contexts(bench: Benchmark, folder: Path) -> dict[str, Path]:
    """One .txt document per unique context, named by context id, so a source names its context."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for cid, text in bench.contexts.items():
        path = folder / f"{cid}.txt"
        path.write_text(text, encoding="utf-8")
        paths[cid] = path
    return paths


def index_contexts(engine: Any, bench: Benchmark, folder: Path, *, progress: bool = False) -> Any:
    """Ingest the contexts into ``engine``'s index exactly as a user's documents would be."""
    from ingest.pipeline import ingest_paths

    write_contexts(bench, folder)
    report = ingest_paths([folder], engine.settings, engine.store, engine.embedder, progress=progress)
    failed = [r for r in report.results if r.status == "failed"]
    if failed:
        reasons = "; ".join(f"{r.path.name}: {r.reason}" for r in failed[:5])
        raise RuntimeError(f"{len(failed)} benchmark context(s) could not be ingested: {reasons}")
    return report


# --- XQuAD answers -----------------------------------------------------------------------------
@dataclass
class BenchAnswer:
    qid: str
    question: str
    golds: list[str]
    gold_context: str
    answer: str
    refused: bool
    exact_match: bool
    contains_gold: bool
    token_f1: float
    gold_retrieved: bool  # the gold context among the k passages the answerer was given
    gold_rank: int | None  # document rank of the gold context within the first RETRIEVAL_K chunks
    gold_cited: bool
    period_filter: bool  # the question named a period, so retrieval was narrowed by date
    retrieved: list[dict[str, Any]]
    citations: list[str]
    timings_ms: dict[str, float]
    fallback: bool = False

    @property
    def passed(self) -> bool:
        return self.contains_gold


@dataclass
class AnswerBenchReport:
    benchmark: str
    answerer: str
    seed: int
    results: list[BenchAnswer] = field(default_factory=list)
    contexts: int = 0
    chunks: int = 0
    index_seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        r = self.results
        n = len(r)

        def share(values: list[bool]) -> float:
            return sum(values) / n if n else 0.0

        return {
            "n": n,
            "exact_match": share([x.exact_match for x in r]),
            "contains_gold": share([x.contains_gold for x in r]),
            "token_f1": statistics.fmean([x.token_f1 for x in r]) if r else 0.0,
            "gold_retrieved": share([x.gold_retrieved for x in r]),
            "gold_cited": share([x.gold_cited for x in r]),
            "refused": share([x.refused for x in r]),
            "period_filtered": share([x.period_filter for x in r]),
            "latency_ms": {key: latency_summary([x.timings_ms[t] for x in r if t in x.timings_ms])
                           for key, t in (("retrieval", "retrieve"), ("first_token", "first_token"),
                                          ("total", "total"))},
        }

    def failures(self) -> list[BenchAnswer]:
        return [x for x in self.results if not x.passed]

    def to_json(self) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark, "answerer": self.answerer, "seed": self.seed,
            "contexts": self.contexts, "chunks": self.chunks, "index_seconds": round(self.index_seconds, 2),
            "metrics": self.summary(), "items": [{**asdict(x), "passed": x.passed} for x in self.results],
        }


def context_of(source: str) -> str:
    """The context id of a retrieved source: the documents are named ``<context id>.txt``."""
    return file_name(source).rsplit(".", 1)[0]


def ask_benchmark(
    engine: Any,
    questions: Sequence[Question],
    answers: Mapping[str, Sequence[str]],
    answerer: str,
    *,
    benchmark: str = "xquad-th",
    seed: int = SAMPLE_SEED,
    k: int | None = None,
    progress: bool = False,
) -> AnswerBenchReport:
    """Ask each question of an index built by :func:`index_contexts` and score the answer."""
    from tqdm import tqdm

    k = k or engine.settings.k
    report = AnswerBenchReport(benchmark, answerer, seed)
    warm_up(engine, questions[0].text if questions else "", [answerer])
    for q in tqdm(questions, desc=f"{benchmark} answers ({answerer})", disable=not progress, leave=False):
        golds = [g for g in answers.get(q.qid, ()) if g.strip()]
        if not golds:
            raise ValueError(f"question {q.qid} has no gold answer")
        retrieval = engine.search.search(q.text, max(k, RETRIEVAL_K))
        ranked = unique_sources(context_of(p.source) for p in retrieval.passages)
        seen = {context_of(p.source) for p in retrieval.passages[:k]}
        answer = engine.ask(q.text, answerer=answerer, k=k)
        text = "" if answer.refused else answer.answer
        cited = [context_of(c.passage.source) for c in answer.citations]
        report.results.append(BenchAnswer(
            qid=q.qid, question=q.text, golds=golds, gold_context=q.context_id, answer=answer.answer,
            refused=answer.refused,
            exact_match=exact_match(text, golds) if text else False,
            contains_gold=contains_gold(text, golds) if text else False,
            token_f1=max(token_f1(text, g) for g in golds) if text else 0.0,
            gold_retrieved=q.context_id in seen,
            gold_rank=ranked.index(q.context_id) + 1 if q.context_id in ranked else None,
            gold_cited=q.context_id in cited,
            period_filter=retrieval.question_period is not None,
            retrieved=[shown_passage(i, p.source, p.text, p.score)
                       for i, p in enumerate(retrieval.passages[:SHOWN_PASSAGES], start=1)],
            citations=cited,
            timings_ms={key: round(float(v), 1) for key, v in answer.timings_ms.items()},
            fallback=bool(getattr(answer, "fallback", False)),
        ))
    return report


# --- out of domain -----------------------------------------------------------------------------
@dataclass
class OODAnswer:
    qid: str
    question: str
    refused: bool
    answer: str
    evidence: dict[str, float] | None
    top_source: str


@dataclass
class OODReport:
    benchmark: str
    answerer: str
    results: list[OODAnswer] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        n = len(self.results)
        refused = sum(r.refused for r in self.results)
        return {"n": n, "refused": refused, "refusal_rate": refused / n if n else 0.0,
                "answered": n - refused}

    def failures(self) -> list[OODAnswer]:
        """Off-topic questions that were answered anyway."""
        return [r for r in self.results if not r.refused]

    def to_json(self) -> dict[str, Any]:
        return {"benchmark": self.benchmark, "answerer": self.answerer, "seconds": round(self.seconds, 1),
                "metrics": self.summary(), "items": [asdict(r) for r in self.results]}


def ask_ood(engine: Any, questions: Sequence[OODQuestion], answerer: str = "extractive", *,
            progress: bool = False) -> OODReport:
    """Ask off-topic questions of the seed index; the gate runs before any LLM, so extractive is enough."""
    from tqdm import tqdm

    report = OODReport("mrtydi-th", answerer)
    warm_up(engine, questions[0].text if questions else "", [answerer])
    start = time.perf_counter()
    for q in tqdm(questions, desc="ood questions", disable=not progress, leave=False):
        answer = engine.ask(q.text, answerer=answerer)
        evidence = answer.evidence.as_dict() if getattr(answer, "evidence", None) is not None else None
        top = file_name(answer.citations[0].passage.source) if answer.citations else ""
        report.results.append(OODAnswer(q.qid, q.text, answer.refused,
                                        "" if answer.refused else snippet(answer.answer), evidence, top))
    report.seconds = time.perf_counter() - start
    return report


__all__ = [
    "SAMPLE_SIZE", "SAMPLE_SEED", "sample_questions", "load_xquad_answers", "write_contexts",
    "index_contexts", "context_of", "BenchAnswer", "AnswerBenchReport", "ask_benchmark",
    "OODAnswer", "OODReport", "ask_ood",
]
