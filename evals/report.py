"""Writing an evaluation run: its numbers for the quality gate, and the JSON and Markdown files.

Everything renders from the run's JSON payload (``EvalRun.to_json()``), never from
live objects, so a saved JSON can be rendered again
(``python -m evals.report evals/reports/eval-....json``) and the Markdown always
says exactly what the JSON holds. Failures are written out in full: what was
expected, what came back, and which passages were retrieved, so a regression can
be diagnosed from the report without rerunning the evaluation.

The terminal table is rendered by `evals.report_console`, the Markdown by
`evals.report_markdown`, from rows built once in `evals.report_rows`; their
public names are re-exported here, so ``from evals.report import ...`` keeps working.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Mapping, Sequence

from evals.report_console import render_table, text_table
from evals.report_markdown import md_table, render_markdown


def flat_metrics(payload: Mapping[str, Any]) -> dict[str, float]:
    """Every number of the run under a dotted path, e.g. ``seeds.extractive.fact_recall``.

    These paths are what evals/thresholds.toml names.
    """
    out: dict[str, float] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[prefix] = float(value)

    seeds = payload.get("seeds")
    if seeds:
        walk("seeds", seeds["metrics"])
    for bench, report in (payload.get("retrieval") or {}).items():
        walk(f"retrieval.{bench}", report["results"])
        walk(f"retrieval.{bench}.timings", report.get("timings", {}))
    for bench, by_answerer in (payload.get("answers") or {}).items():
        for answerer, report in by_answerer.items():
            walk(f"answers.{bench}.{answerer}", report["metrics"])
    ood = payload.get("ood")
    if ood:
        walk("ood", ood["metrics"])
    return out


def report_stem(out_dir: Path, created: str) -> Path:
    """``eval-YYYYmmdd-HHMMSS`` in ``out_dir``, with a counter if two runs share a second."""
    base = "eval-" + created.replace("-", "").replace(":", "").replace("T", "-")[:15]
    stem, n = out_dir / base, 1
    while stem.with_suffix(".json").exists() or stem.with_suffix(".md").exists():
        n += 1
        stem = out_dir / f"{base}-{n}"
    return stem


def write_reports(payload: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    """Write JSON and Markdown side by side; the paths are recorded in the payload too."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = report_stem(out_dir, payload["created"])
    paths = {"json": stem.with_suffix(".json"), "markdown": stem.with_suffix(".md")}
    payload["paths"] = {k: str(v) for k, v in paths.items()}
    paths["json"].write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    paths["markdown"].write_text(render_markdown(payload), encoding="utf-8")
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Render a saved JSON report again: ``python -m evals.report REPORT.json [--markdown]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python -m evals.report REPORT.json [--markdown]", file=sys.stderr)
        return 2
    payload = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    print(render_markdown(payload) if "--markdown" in args else render_table(payload))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["flat_metrics", "text_table", "md_table", "render_table", "render_markdown", "write_reports",
           "report_stem", "main"]
