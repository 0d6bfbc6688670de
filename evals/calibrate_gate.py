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
from rag.engine import Prachum
from rag.gate import evidence_strength

ROOT = Path(__file__).resolve().parent.parent
MARGIN = 0.002  # the threshold sits this far below the weakest answerable question


def strengths(engine: Prachum, questions: list[str], dump: Path | None = None) -> list[float]:
    out, rows = [], []
    for q in questions:
        passages = engine.search.search(q, engine.settings.k).passages
        strength = evidence_strength(q, passages, engine.idf)
        out.append(strength.score)
        rows.append({"question": q, **strength.as_dict()})
    if dump:
        dump.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return out


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
    threshold = round(min(answerable) - MARGIN, 3)
    return {
        "threshold": threshold,
        "answerable": {"n": len(answerable), "min": min(answerable), "median": statistics.median(answerable)},
        "unanswerable_seed": {"n": len(unanswerable), "refused": sum(s < threshold for s in unanswerable)},
        "ood_mrtydi": {"n": len(ood), "refused": sum(s < threshold for s in ood),
                       "median": statistics.median(ood), "max": max(ood)},
        "answerable_refused": sum(s < threshold for s in answerable),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"data_dir": tmp, "llm": "extractive", "min_score": 0.0})
        print(json.dumps(calibrate(settings), indent=2))


if __name__ == "__main__":
    main()
