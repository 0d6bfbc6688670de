"""The evaluation runner: seed facts, external benchmarks, reports and the quality gate.

Every index the evaluation needs is built in a temporary folder of its own, so
an evaluation never reads or changes the user's index, and the seed numbers
always describe a fresh ingest of seeds/ with the current code and settings.

    python -m evals.run                              # seed facts, extractive + local LLM
    python -m evals.run -b xquad -b iapp -b ood      # plus the external benchmarks
    python -m evals.run --tier extractive            # what the CI quality gate runs; prints the
                                                     # measured values in thresholds.toml form
"""
from __future__ import annotations

import tempfile
import time
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import click

from evals.answer_bench import (
    AnswerBenchReport,
    OODReport,
    ask_benchmark,
    ask_ood,
    index_contexts,
    load_xquad_answers,
    sample_questions,
)
from evals.benchmarks import RetrievalReport, load_iapp, load_ood_questions, load_xquad_th, run_retrieval
from evals.cross_metrics import CROSS_PATH, cross_table, evaluate_cross, load_cross
from evals.report import flat_metrics, render_table, write_reports
from evals.seeds import (
    FACTS_PATH,
    FOLLOWUPS_PATH,
    SEEDS_DIR,
    SeedReport,
    evaluate_seeds,
    load_facts,
    load_followups,
    spread,
)
from prachum.config import ANSWERERS, Settings
from prachum.errors import EvalError

BENCHMARKS = ("xquad", "iapp", "ood")
THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.toml"
DEFAULT_OUT = Path("evals/reports")


EngineOpener = Callable[[Settings], Any]


def open_product_engine(settings: Settings) -> Any:
    """The real engine (real embedder) over ``settings.data_dir``."""
    from rag.engine import Prachum

    return Prachum.open(settings)


# --- the run -----------------------------------------------------------------------------------
@dataclass
class EvalRun:
    """Everything one evaluation measured, and where it was written."""

    settings: Settings
    answerers: tuple[str, ...]
    benchmarks: tuple[str, ...]
    limit: int | None
    embedder: str = ""
    created: str = ""
    seconds: float = 0.0
    seeds: SeedReport | None = None
    retrieval: dict[str, RetrievalReport] = field(default_factory=dict)
    answers: dict[str, dict[str, AnswerBenchReport]] = field(default_factory=dict)
    ood: OODReport | None = None
    paths: dict[str, Path] = field(default_factory=dict)
    cross: dict[str, Any] = field(default_factory=dict)  # answerer -> evals.cross_metrics.CrossReport

    def to_json(self) -> dict[str, Any]:
        settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in self.settings.as_dict().items()
                    if k not in ("openai_api_key", "data_dir")}
        return {
            "created": self.created,
            "seconds": round(self.seconds, 1),
            "embedder": self.embedder,
            "answerers": list(self.answerers),
            "benchmarks": list(self.benchmarks),
            "limit": self.limit,
            "settings": settings,
            "seeds": self.seeds.to_json() if self.seeds else None,
            "retrieval": {name: retrieval_json(r) for name, r in self.retrieval.items()},
            "answers": {b: {a: r.to_json() for a, r in by.items()} for b, by in self.answers.items()},
            "ood": self.ood.to_json() if self.ood else None,
            "paths": {k: str(v) for k, v in self.paths.items()},
            "cross": {a: r.to_json() for a, r in self.cross.items()},
        }

    def metrics(self) -> dict[str, float]:
        """Every number under its dotted path, as evals/thresholds.toml names them."""
        return flat_metrics(self.to_json())

    def table(self) -> str:
        return render_table(self.to_json())


def retrieval_json(report: RetrievalReport) -> dict[str, Any]:
    return {
        "benchmark": report.benchmark, "n_questions": report.n_questions, "n_contexts": report.n_contexts,
        "timings": {k: round(v, 2) for k, v in report.timings.items()},
        "results": {name: asdict(m) for name, m in report.results.items()},
    }


class _Indexes:
    """The temporary indexes of one run, each built on first use and shared by the parts that need it."""

    def __init__(self, settings: Settings, root: Path, open_engine: EngineOpener, progress: bool) -> None:
        self.settings, self.root, self.open_engine, self.progress = settings, root, open_engine, progress
        self._engines: dict[str, Any] = {}
        self.reports: dict[str, Any] = {}

    def _open(self, name: str) -> Any:
        if name not in self._engines:
            # chroma_url None: a Chroma server would be shared state, the point is a private index
            settings = self.settings.replace(data_dir=self.root / name, chroma_url=None)
            self._engines[name] = self.open_engine(settings)
        return self._engines[name]

    def seeds(self, seeds_dir: Path) -> Any:
        if "seeds" not in self.reports:
            from ingest.pipeline import ingest_paths

            engine = self._open("seeds")
            report = ingest_paths([seeds_dir], engine.settings, engine.store, engine.embedder,
                                  progress=self.progress)
            failed = [r for r in report.results if r.status == "failed"]
            if failed or not report.count("added"):
                why = "; ".join(f"{r.path.name}: {r.reason}" for r in failed) or "no documents found"
                raise EvalError(f"could not index the seed records in {seeds_dir}: {why}")
            self.reports["seeds"] = report
        return self._engines["seeds"]

    def benchmark(self, name: str, bench: Any) -> Any:
        if name not in self.reports:
            engine = self._open(name)
            self.reports[name] = index_contexts(engine, bench, self.root / f"{name}-docs", progress=self.progress)
        return self._engines[name]

    def opened(self) -> bool:
        return bool(self._engines)

    def embedder(self) -> Any:
        return (next(iter(self._engines.values())) if self._engines else self._open("embedder")).embedder


def _check_args(answerers: Sequence[str], benchmarks: Sequence[str], limit: int | None) -> None:
    unknown = [a for a in answerers if a not in ANSWERERS]
    if unknown:
        raise EvalError(f"unknown answerer(s) {', '.join(unknown)}; choose from {', '.join(ANSWERERS)}")
    unknown = [b for b in benchmarks if b not in BENCHMARKS]
    if unknown:
        raise EvalError(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    if limit is not None and limit < 1:
        raise EvalError(f"limit must be at least 1 (or left out for everything), got {limit}")


def run(
    settings: Settings,
    *,
    seeds: bool = True,
    answerers: Sequence[str] = ("extractive", "local"),
    benchmarks: Sequence[str] = (),
    limit: int | None = None,
    out_dir: Path | None = DEFAULT_OUT,
    progress: bool = True,
    open_engine: EngineOpener = open_product_engine,
    benchmarks_root: Path | None = None,
    facts_path: Path = FACTS_PATH,
    seeds_dir: Path = SEEDS_DIR,
    followups_path: Path | None = FOLLOWUPS_PATH,
    cross_path: Path | None = CROSS_PATH,
) -> EvalRun:
    """Run the chosen parts, write JSON + Markdown to ``out_dir`` (None: write nothing) and return the run.

    ``limit`` caps the questions of every answering part (an evenly spaced subset of
    the seed facts and of the OOD questions, the first ``limit`` of the fixed XQuAD
    sample); the retrieval benchmarks always use every question. ``open_engine``
    builds an engine over a settings' data_dir (tests pass one with a fake embedder).
    """
    answerers, benchmarks = tuple(dict.fromkeys(answerers)), tuple(dict.fromkeys(benchmarks))
    _check_args(answerers, benchmarks, limit)
    started = time.perf_counter()
    result = EvalRun(settings, answerers, benchmarks, limit,
                     created=datetime.now().isoformat(timespec="seconds"))
    with tempfile.TemporaryDirectory(prefix="prachum-eval-") as tmp:
        indexes = _Indexes(settings, Path(tmp), open_engine, progress)
        if seeds:
            engine = indexes.seeds(seeds_dir)
            items = spread(load_facts(facts_path), limit)
            # a follow-up pair asks two questions: a limit of n questions asks n // 2 pairs
            pairs = spread(load_followups(followups_path), max(1, limit // 2) if limit else None) \
                if followups_path else []
            result.seeds = evaluate_seeds(engine, items, answerers, k=settings.k, progress=progress,
                                          followups=pairs)
            ingest = indexes.reports["seeds"]
            result.seeds.documents = ingest.count("added")
            result.seeds.chunks = ingest.chunks
            result.seeds.index_seconds = ingest.seconds
            result.seeds.limit = limit
            if cross_path:  # questions across records (issue #10), on the same seed index
                result.cross = evaluate_cross(engine, spread(load_cross(cross_path), limit), answerers)
        cache = out_dir / "cache" if out_dir is not None else None
        if "xquad" in benchmarks:
            bench = load_xquad_th(benchmarks_root)
            result.retrieval[bench.name] = run_retrieval(bench, indexes.embedder(), settings,
                                                         indexes.root / f"retrieval-{bench.name}",
                                                         cache_dir=cache, progress=progress)
            if answerers:
                golds = load_xquad_answers(benchmarks_root)
                questions = sample_questions(bench)[:limit]
                engine = indexes.benchmark("xquad", bench)
                ingest = indexes.reports["xquad"]
                for answerer in answerers:
                    report = ask_benchmark(engine, questions, golds, answerer, benchmark=bench.name,
                                           k=settings.k, progress=progress)
                    report.contexts, report.chunks, report.index_seconds = len(bench.contexts), ingest.chunks, ingest.seconds
                    result.answers.setdefault(bench.name, {})[answerer] = report
        if "iapp" in benchmarks:
            for bench in (load_iapp(benchmarks_root), load_iapp(benchmarks_root, distractors=True)):
                result.retrieval[bench.name] = run_retrieval(bench, indexes.embedder(), settings,
                                                             indexes.root / f"retrieval-{bench.name}",
                                                             cache_dir=cache, progress=progress)
        if "ood" in benchmarks:
            questions = spread(load_ood_questions(benchmarks_root), limit)
            result.ood = ask_ood(indexes.seeds(seeds_dir), questions, "extractive", progress=progress)
        embedder = indexes.embedder() if indexes.opened() else None
        result.embedder = str(getattr(embedder, "name", type(embedder).__name__)) if embedder else ""
    result.seconds = time.perf_counter() - started
    if out_dir is not None:
        payload = result.to_json()
        result.paths = write_reports(payload, Path(out_dir))
    return result


# --- the quality gate --------------------------------------------------------------------------
@dataclass(frozen=True)
class Tier:
    """One gate configuration of thresholds.toml: what to run and the minimum of each metric."""

    name: str
    answerers: tuple[str, ...]
    limit: int | None
    benchmarks: tuple[str, ...]
    minimums: dict[str, float]


def load_thresholds(path: Path = THRESHOLDS_PATH) -> dict[str, Tier]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise EvalError(f"cannot read the thresholds file {path}: {exc}") from None
    tiers = {}
    for name, table in data.items():
        if isinstance(table, dict) and table.get("runner", "evals.run") != "evals.run":
            continue  # another module's gate ([catalog] is read by evals.catalog_metrics)
        if not isinstance(table, dict) or not isinstance(table.get("min"), dict):
            raise EvalError(f"{path}: [{name}] needs a [{name}.min] table of metric = minimum")
        bad = {k: v for k, v in table["min"].items() if isinstance(v, bool) or not isinstance(v, (int, float))}
        if bad:
            raise EvalError(f"{path}: [{name}.min] values must be numbers, got {bad}")
        limit = int(table.get("limit", 0)) or None
        tiers[name] = Tier(name, tuple(table.get("answerers", ())), limit, tuple(table.get("benchmarks", ())),
                           {k: float(v) for k, v in table["min"].items()})
        _check_args(tiers[name].answerers, tiers[name].benchmarks, limit)
    return tiers


def check_thresholds(run: EvalRun | Mapping[str, float], thresholds: Tier | Mapping[str, float]) -> list[str]:
    """The violations, one line each; empty means the run passes.

    A metric the thresholds name but the run did not measure is a violation too,
    so a gate can never pass by measuring nothing.
    """
    measured = run.metrics() if isinstance(run, EvalRun) else dict(run)
    minimums = thresholds.minimums if isinstance(thresholds, Tier) else dict(thresholds)
    if not minimums:
        return ["no thresholds given: nothing would be checked"]
    violations = []
    for metric, minimum in minimums.items():
        if metric not in measured:
            violations.append(f"{metric}: not measured in this run (minimum {minimum:.3f})")
        elif measured[metric] < minimum:
            violations.append(f"{metric}: {measured[metric]:.3f} < minimum {minimum:.3f}")
    return violations


def run_tier(settings: Settings, tier: Tier, *, out_dir: Path | None = DEFAULT_OUT, progress: bool = True,
             **kwargs: Any) -> EvalRun:
    return run(settings, seeds=True, answerers=tier.answerers, benchmarks=tier.benchmarks, limit=tier.limit,
               out_dir=out_dir, progress=progress, **kwargs)


def tier_values(run: EvalRun, tier: Tier) -> str:
    """The measured values of a tier's metrics as thresholds.toml lines, to set minimums from."""
    measured = run.metrics()
    lines = [f"[{tier.name}.min]"]
    for metric in tier.minimums:
        value = measured.get(metric)
        lines.append(f'"{metric}" = {value:.4f}' if value is not None else f'# "{metric}": not measured')
    return "\n".join(lines)


# --- command line ------------------------------------------------------------------------------
@click.command("eval")
@click.option("--benchmark", "-b", "benchmarks", multiple=True, type=click.Choice(BENCHMARKS),
              help="Also run an external benchmark (repeatable): xquad, iapp, ood.")
@click.option("--llm", "answerers", multiple=True, type=click.Choice(ANSWERERS),
              help="Answerer to evaluate (repeatable; default: extractive and local).")
@click.option("--seeds/--no-seeds", default=True, show_default=True, help="Evaluate the seed facts.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many questions per answering part.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Folder for the JSON and Markdown reports.")
@click.option("--tier", help="Run a gate tier of evals/thresholds.toml, print its measured values, "
                             "and exit 1 on violations.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.pass_context
def command(ctx: click.Context, benchmarks: tuple[str, ...], answerers: tuple[str, ...], seeds: bool,
            limit: int | None, out_dir: Path, tier: str | None, quiet: bool) -> None:
    """Measure retrieval, answers, refusals and latency; write reports to --out.

    \b
    Examples:
      prachum eval                          # seed facts, extractive and local LLM
      prachum eval --llm extractive -b ood  # quick, plus off-topic refusals
      prachum eval -b xquad -b iapp         # external Thai benchmarks too
    """
    from prachum.config import load_settings

    # Errors a user can cause are PrachumErrors: the `prachum` command shows them as one line.
    settings = load_settings(ctx.obj.get("settings") if isinstance(ctx.obj, dict) else None)
    if tier:
        tiers = load_thresholds()
        if tier not in tiers:
            raise EvalError(f"no tier {tier!r} in {THRESHOLDS_PATH}; tiers: {', '.join(tiers)}")
        result = run_tier(settings, tiers[tier], out_dir=out_dir, progress=not quiet)
    else:
        result = run(settings, seeds=seeds, answerers=answerers or ("extractive", "local"),
                     benchmarks=benchmarks, limit=limit, out_dir=out_dir, progress=not quiet)
    click.echo(result.table())
    click.echo(cross_table(result.cross))
    if tier:
        click.echo("\nmeasured values (set minimums a little below these):\n" + tier_values(result, tiers[tier]))
        violations = check_thresholds(result, tiers[tier])
        if violations:
            click.echo("\nthreshold violations:\n" + "\n".join(f"  {v}" for v in violations), err=True)
            ctx.exit(1)
        click.echo("\nall thresholds met")


if __name__ == "__main__":
    from prachum.errors import PrachumError

    try:
        command(standalone_mode=False)
    except PrachumError as exc:
        raise SystemExit(f"Error: {exc}") from None
    except click.ClickException as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None


__all__ = ["EvalRun", "EvalError", "Tier", "run", "run_tier", "load_thresholds", "check_thresholds",
           "tier_values", "open_product_engine", "command", "BENCHMARKS", "THRESHOLDS_PATH"]
