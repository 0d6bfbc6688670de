"""Questions across records (evals/cross_record.jsonl), scored for both answerers.

A single-passage answer fails these in a way fact recall alone hides: it names one of three
meetings and cites one record. So each question is scored on three things, through the
product's own engine: every expected fact stated (all facts), every record that holds one
cited (all required records), and, for the questions the records cannot answer, a refusal.
`prachum eval` prints them beside the seed facts; the minimums are the ``[cross_record]``
section of evals/thresholds.toml (a section `evals.run` does not read as a tier).

    python -m evals.cross_metrics            # extractive and local, over a fresh seed index
"""
from __future__ import annotations

import statistics
import time
import tomllib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evals.answer_metrics import all_facts_present
from evals.facts_file import FactItem, load_facts
from evals.match_form import fact_found, normalize_for_match
from evals.passages import file_name

CROSS_PATH = Path(__file__).resolve().parent / "cross_record.jsonl"
THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.toml"
DEFAULT_MINIMUMS = {"all_facts": 0.85, "records_cited": 0.85, "refusals": 4}


@dataclass
class CrossResult:
    id: str
    question: str
    answerable: bool
    answer: str
    route: str
    refused: bool
    all_facts: bool | None
    missing_facts: list[str]
    cited: list[str]
    missing_records: list[str]
    ms: float

    @property
    def passed(self) -> bool:
        if not self.answerable:
            return self.refused
        return bool(self.all_facts) and not self.missing_records and not self.refused


@dataclass
class CrossReport:
    """One answerer over the cross-record questions."""

    answerer: str
    results: list[CrossResult] = field(default_factory=list)

    def _answerable(self) -> list[CrossResult]:
        return [r for r in self.results if r.answerable]

    def metrics(self) -> dict[str, float]:
        answerable = self._answerable()
        refusable = [r for r in self.results if not r.answerable]
        times = [r.ms for r in self.results]
        return {
            "questions": len(self.results),
            "all_facts": sum(bool(r.all_facts) for r in answerable) / len(answerable) if answerable else 0.0,
            "records_cited": (sum(not r.missing_records for r in answerable) / len(answerable)) if answerable else 0.0,
            "refusals": sum(r.refused for r in refusable),
            "refusable": len(refusable),
            "false_refusals": sum(r.refused for r in answerable),
            "routed_to_catalog": sum(r.route == "catalog" for r in self.results) / len(self.results) if self.results else 0.0,
            "median_ms": statistics.median(times) if times else 0.0,
            "max_ms": max(times) if times else 0.0,
        }

    def to_json(self) -> dict[str, Any]:
        return {"answerer": self.answerer, "metrics": self.metrics(), "items": [asdict(r) for r in self.results]}


def load_cross(path: Path = CROSS_PATH) -> list[FactItem]:
    """The questions; the file has the seed facts' format (evals/facts_file.py)."""
    return load_facts(path)


def score(item: FactItem, answer: Any, ms: float) -> CrossResult:
    cited = sorted({file_name(c.passage.source) for c in answer.citations})
    text = normalize_for_match(answer.answer)
    missing = [forms[0] for forms in item.facts if not fact_found(text, forms)]
    return CrossResult(
        id=item.id, question=item.question, answerable=item.answerable, answer=answer.answer,
        route=getattr(answer, "route", "passages"), refused=answer.refused,
        all_facts=all_facts_present(answer.answer, item.facts) if item.answerable else None,
        missing_facts=missing, cited=cited, missing_records=sorted(set(item.sources) - set(cited)), ms=ms)


def evaluate_cross(engine: Any, items: Sequence[FactItem], answerers: Sequence[str],
                   progress: bool = False) -> dict[str, CrossReport]:
    """Ask every question with every answerer through ``engine`` (a :class:`rag.engine.Prachum`)."""
    reports = {}
    for answerer in answerers:
        report = CrossReport(answerer)
        for item in items:
            started = time.perf_counter()
            answer = engine.ask(item.question, answerer=answerer)
            report.results.append(score(item, answer, (time.perf_counter() - started) * 1000))
            if progress:
                print(f"  cross-record {answerer} {item.id}: {'ok' if report.results[-1].passed else 'MISS'}")
        reports[answerer] = report
    return reports


def load_minimums(path: Path = THRESHOLDS_PATH) -> dict[str, float]:
    """The ``[cross_record]`` minimums of thresholds.toml (the issue's targets when the section is absent)."""
    try:
        table = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("cross_record", {})
    except (OSError, tomllib.TOMLDecodeError):
        table = {}
    return {k: float(table.get(f"{k}_min", v)) for k, v in DEFAULT_MINIMUMS.items()}


def violations(reports: dict[str, CrossReport], minimums: dict[str, float] | None = None) -> list[str]:
    minimums = minimums or load_minimums()
    out = []
    for answerer, report in reports.items():
        measured = report.metrics()
        for metric, minimum in minimums.items():
            if measured[metric] < minimum:
                out.append(f"cross_record.{answerer}.{metric}: {measured[metric]:.3f} < minimum {minimum:.3f}")
    return out


def cross_table(reports: dict[str, CrossReport], minimums: dict[str, float] | None = None) -> str:
    """The terminal summary `prachum eval` prints under the seed facts."""
    if not reports:
        return ""
    minimums = minimums or load_minimums()
    lines = ["", f"Cross-record questions ({CROSS_PATH.name}): targets all facts ≥ {minimums['all_facts']:.0%}, "
             f"all required records cited ≥ {minimums['records_cited']:.0%}, refusals ≥ {minimums['refusals']:.0f}"]
    lines.append(f"{'answerer':12} {'all facts':>10} {'records cited':>14} {'refusals':>9} {'catalog':>8} "
                 f"{'median ms':>10} {'max ms':>8}")
    for answerer, report in reports.items():
        m = report.metrics()
        lines.append(f"{answerer:12} {m['all_facts']:>10.1%} {m['records_cited']:>14.1%} "
                     f"{int(m['refusals']):>5}/{int(m['refusable']):<3} {m['routed_to_catalog']:>8.0%} "
                     f"{m['median_ms']:>10.0f} {m['max_ms']:>8.0f}")
    misses = [f"  {a} {r.id}: missing {r.missing_facts or ''}{' records ' + str(r.missing_records) if r.missing_records else ''}"
              f"{' (refused)' if r.refused and r.answerable else ''}{' (answered)' if not r.answerable and not r.refused else ''}"
              for a, rep in reports.items() for r in rep.results if not r.passed]
    bad = violations(reports, minimums)
    lines += (["misses:", *misses] if misses else []) + (["below target:", *bad] if bad else ["all cross-record targets met"])
    return "\n".join(lines)


def main() -> None:  # pragma: no cover - a convenience over evals.run
    import tempfile

    from evals.run import open_product_engine
    from evals.seeds import SEEDS_DIR
    from ingest.pipeline import ingest_paths
    from prachum.config import load_settings

    with tempfile.TemporaryDirectory(prefix="prachum-cross-") as tmp:
        settings = load_settings().replace(data_dir=Path(tmp), chroma_url=None)
        engine = open_product_engine(settings)
        ingest_paths([SEEDS_DIR], settings, engine.store, engine.embedder, progress=False)
        reports = evaluate_cross(engine, load_cross(), ("extractive", "local"))
        print(cross_table(reports))
        raise SystemExit(1 if violations(reports) else 0)


if __name__ == "__main__":
    main()
