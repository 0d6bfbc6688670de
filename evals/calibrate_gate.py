"""Calibrate the refusal gate on real data, never by feel.

Unanswerable: the Mr. TyDi Thai Wikipedia questions over the seed index (the records
cannot answer them) plus the hand-written unanswerable seed questions. Answerable:
the hand-written answerable seed questions. Prints both score distributions and the
threshold that refuses the most unanswerable questions while answering every
answerable one, with a safety margin.

    python -m evals.calibrate_gate
"""
from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

from prachum.config import Settings, load_settings
from prachum.types import EvidenceStrength
from rag.engine import Prachum
from rag.gate import evidence_strength, should_answer

ROOT = Path(__file__).resolve().parent.parent
MARGIN = 0.002  # the threshold sits this far below the weakest answerable question


def strengths(engine: Prachum, questions: list[str], dump: Path | None = None) -> list[EvidenceStrength]:
    out, rows = [], []
    for q in questions:
        passages = engine.search.search(q, engine.settings.k).passages
        strength = evidence_strength(q, passages, engine.idf)
        out.append(strength)
        rows.append({"question": q, **strength.as_dict()})
    if dump:
        dump.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return out


def refused(found: list[EvidenceStrength], threshold: float, strong: float) -> int:
    """How many the gate refuses: below the threshold, or no question word in the evidence and e5 unsure."""
    return sum(not should_answer(s, threshold, strong) for s in found)


def calibrate(settings: Settings) -> dict:
    from evals.benchmarks import load_ood_questions
    from ingest.pipeline import ingest_paths

    engine = Prachum.open(settings)
    ingest_paths([ROOT / "seeds"], settings, engine.store, engine.embedder, progress=False)
    facts = [json.loads(line) for line in (ROOT / "evals" / "facts.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    answerable = strengths(engine, [f["question"] for f in facts if f["answerable"]], out / "gate_answerable.jsonl")
    unanswerable = strengths(engine, [f["question"] for f in facts if not f["answerable"]], out / "gate_unanswerable.jsonl")
    ood = strengths(engine, [q.text for q in load_ood_questions()], out / "gate_ood.jsonl")
    threshold = round(min(s.score for s in answerable) - MARGIN, 3)
    strong = settings.strong_score
    ood_scores = [s.score for s in ood]
    return {
        "threshold": threshold,
        "answerable": {"n": len(answerable), "min": min(s.score for s in answerable),
                       "median": statistics.median(s.score for s in answerable)},
        "unanswerable_seed": {"n": len(unanswerable), "refused": refused(unanswerable, threshold, strong)},
        "ood_mrtydi": {"n": len(ood), "refused": refused(ood, threshold, strong),
                       "median": statistics.median(ood_scores), "max": max(ood_scores)},
        "answerable_refused": refused(answerable, threshold, strong),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"data_dir": tmp, "llm": "extractive", "min_score": 0.0})
        print(json.dumps(calibrate(settings), indent=2))


if __name__ == "__main__":
    main()
