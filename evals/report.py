"""Rendering an evaluation run: a terminal table, a Markdown report and a JSON file.

Everything renders from the run's JSON payload (``EvalRun.to_json()``), never from
live objects, so a saved JSON can be rendered again
(``python -m evals.report evals/reports/eval-....json``) and the Markdown always
says exactly what the JSON holds. Failures are written out in full: what was
expected, what came back, and which passages were retrieved, so a regression can
be diagnosed from the report without rerunning the evaluation.
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

OOD_SHOWN = 50
FAILED_IDS_SHOWN = 30
_NUMBER = re.compile(r"^(?:–|[\d,.]+(?:/[\d,]+)?%?)$")


# --- numbers -----------------------------------------------------------------------------------
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


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _chars(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


# --- tables ------------------------------------------------------------------------------------
def _width(text: str) -> int:
    """Columns a string takes on a terminal: Thai combining marks take none."""
    return sum(0 if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn" else 1 for ch in text)


def text_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    rows = [list(map(str, r)) for r in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        first = cells[0] + " " * (widths[0] - _width(cells[0]))
        rest = [" " * (w - _width(c)) + c for c, w in zip(cells[1:], widths[1:])]
        return "  ".join([first, *rest]).rstrip()

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def md_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    rows = [list(map(str, r)) for r in rows]
    numeric = [bool(rows) and all(_NUMBER.match(r[i]) for r in rows) for i in range(len(headers))]
    lines = ["| " + " | ".join(map(cell, headers)) + " |",
             "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(map(cell, r)) + " |" for r in rows]
    return "\n".join(lines)


SEED_HEADERS = ("answerer", "fact recall %", "all facts %", "token F1 %", "citation prec. %",
                "refusal P %", "refusal R %", "fact first %", "median chars", "lang match %", "date form %",
                "passed", "retrieval p50 ms", "first token p50 ms", "total p50 ms", "total p95 ms")
# One row per question kind or language: what an answer says and how it says it (issue #9).
GROUP_HEADERS = ("questions", "answerable", "fact recall %", "all facts %", "citation prec. %", "median chars",
                 "fact first %", "lang match %", "date form %", "dated", "refusal P %", "refusal R %")
FOLLOWUP_HEADERS = ("answerer", "pairs", "fact recall %", "all facts %", "lang match %", "refused", "passed")
RETRIEVAL_HEADERS = ("benchmark", "questions", "contexts", "method", "R@1 %", "R@5 %", "R@10 %", "MRR@10 %",
                     "index s")
ANSWER_HEADERS = ("benchmark", "answerer", "questions", "exact match %", "contains gold %", "token F1 %",
                  "gold retrieved %", "gold cited %", "refused %", "first token p50 ms", "total p50 ms")


def seed_rows(seeds: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for answerer in seeds["answerers"]:
        m = seeds["metrics"][answerer]
        lat = m["latency_ms"]
        rows.append([answerer, _pct(m["fact_recall"]), _pct(m["all_facts_accuracy"]), _pct(m["token_f1"]),
                     _pct(m["citation_precision"]), _pct(m["refusal_precision"]), _pct(m["refusal_recall"]),
                     _pct(m.get("fact_first_rate")), _chars(m.get("answer_length_median")),
                     _pct(m.get("language_match_rate")), _pct(m.get("date_form_rate")),
                     f"{m['passed']}/{m['n']}", _ms(lat["retrieval"]["p50"]), _ms(lat["first_token"]["p50"]),
                     _ms(lat["total"]["p50"]), _ms(lat["total"]["p95"])])
    return rows


def group_rows(groups: Mapping[str, Mapping[str, Any]]) -> list[list[str]]:
    """Rows of a by-kind or by-language breakdown (`evals.seeds.form_summary` per group)."""
    return [[name, str(g["n"]), str(g["answerable"]), _pct(g["fact_recall"]), _pct(g["all_facts_accuracy"]),
             _pct(g["citation_precision"]), _chars(g["answer_length_median"]), _pct(g["fact_first_rate"]),
             _pct(g["language_match_rate"]), _pct(g["date_form_rate"]), str(g["dated_answers"]),
             _pct(g["refusal_precision"]), _pct(g["refusal_recall"])] for name, g in groups.items()]


def followup_rows(seeds: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for answerer, m in ((seeds.get("metrics") or {}).get("followups") or {}).items():
        rows.append([answerer, str(m["n"]), _pct(m["fact_recall"]), _pct(m["all_facts_accuracy"]),
                     _pct(m["language_match_rate"]), str(m["refused"]), f"{m['passed']}/{m['n']}"])
        for lang, g in m.get("by_lang", {}).items():
            rows.append([f"  {lang}", str(g["n"]), _pct(g["fact_recall"]), _pct(g["all_facts_accuracy"]),
                         _pct(g["language_match_rate"]), str(g["refused"]), f"{g['passed']}/{g['n']}"])
    return rows


def language_lines(seeds: Mapping[str, Any]) -> list[str]:
    """One line per answerer and language: the measures the issue sets targets for."""
    lines = []
    for answerer in seeds["answerers"]:
        for lang, g in (seeds["metrics"][answerer].get("by_lang") or {}).items():
            lines.append(f"  {answerer}, {lang} questions ({g['n']}): fact recall {_pct(g['fact_recall'])}%, "
                         f"fact first {_pct(g['fact_first_rate'])}%, answered in {lang} "
                         f"{_pct(g['language_match_rate'])}%, median {_chars(g['answer_length_median'])} chars, "
                         f"dates in the reader's form {_pct(g['date_form_rate'])}% of {g['dated_answers']}")
    return lines


def seed_retrieval_line(seeds: Mapping[str, Any]) -> str:
    r = seeds["metrics"]["retrieval"]
    return (f"retrieval over {r['n']} answerable questions (documents, search k=10): "
            f"hit@1 {_pct(r['hit_at_1'])}%, hit@5 {_pct(r['hit_at_5'])}%, MRR@10 {_pct(r['mrr_at_10'])}%, "
            f"search p50 {_ms(r['latency_ms']['p50'])} ms")


def retrieval_rows(retrieval: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for bench, report in retrieval.items():
        for method, m in report["results"].items():
            index_s = report["timings"].get("dense_index_s" if method != "bm25" else "bm25_index_s", 0.0)
            if method == "hybrid":
                index_s = report["timings"].get("dense_index_s", 0.0) + report["timings"].get("bm25_index_s", 0.0)
            rows.append([bench, str(report["n_questions"]), str(report["n_contexts"]), method,
                         _pct(m["recall_1"]), _pct(m["recall_5"]), _pct(m["recall_10"]), _pct(m["mrr_10"]),
                         f"{index_s:.1f}"])
    return rows


def answer_rows(answers: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for bench, by_answerer in answers.items():
        for answerer, report in by_answerer.items():
            m = report["metrics"]
            rows.append([bench, answerer, str(m["n"]), _pct(m["exact_match"]), _pct(m["contains_gold"]),
                         _pct(m["token_f1"]), _pct(m["gold_retrieved"]), _pct(m["gold_cited"]),
                         _pct(m["refused"]), _ms(m["latency_ms"]["first_token"]["p50"]),
                         _ms(m["latency_ms"]["total"]["p50"])])
    return rows


def ood_line(ood: Mapping[str, Any]) -> str:
    m = ood["metrics"]
    return (f"out of domain ({ood['benchmark']}, {ood['answerer']}): refused {_pct(m['refusal_rate'])}% "
            f"({m['refused']}/{m['n']}); answered anyway: {m['answered']}")


def seed_heading(seeds: Mapping[str, Any]) -> str:
    n = len(seeds["items"])
    subset = f", evenly spaced subset (limit {seeds['limit']})" if seeds.get("limit") else ""
    return (f"Seed facts: {n} questions{subset} over {seeds['documents']} records "
            f"({seeds['chunks']} chunks, indexed in {seeds['index_seconds']:.1f} s)")


def render_table(payload: Mapping[str, Any]) -> str:
    """The terminal summary: one table per part, then where the full reports are."""
    parts: list[str] = [f"Prachum evaluation {payload['created']} (embedder {payload.get('embedder', '?')}, "
                        f"k={payload['settings'].get('k')}, {payload['seconds']:.0f} s)"]
    seeds = payload.get("seeds")
    if seeds:
        parts += ["", seed_heading(seeds), seed_retrieval_line(seeds)]
        if seeds["answerers"]:
            parts.append(text_table(SEED_HEADERS, seed_rows(seeds)))
            lines = language_lines(seeds)
            if lines:
                parts += ["by language:", *lines]
        if followup_rows(seeds):
            parts += [f"Follow-ups: {len(seeds['followups']) // max(1, len(seeds['answerers']))} pairs "
                      "(the second answer scored)", text_table(FOLLOWUP_HEADERS, followup_rows(seeds))]
        for answerer in seeds["answerers"]:
            failed = [i["id"] for i in seeds["items"] if not i["answers"][answerer]["passed"]]
            if failed:
                more = f" … (+{len(failed) - FAILED_IDS_SHOWN}, see the Markdown report)" \
                    if len(failed) > FAILED_IDS_SHOWN else ""
                parts.append(f"failed ({answerer}): {' '.join(failed[:FAILED_IDS_SHOWN])}{more}")
            failed = [i["id"] for i in seeds.get("followups") or () if i["answerer"] == answerer and not i["passed"]]
            if failed:
                parts.append(f"failed follow-ups ({answerer}): {' '.join(failed)}")
    if payload.get("retrieval"):
        parts += ["", "Retrieval benchmarks (own context among all unique contexts)",
                  text_table(RETRIEVAL_HEADERS, retrieval_rows(payload["retrieval"]))]
    if payload.get("answers"):
        parts += ["", "Answer benchmarks (gold paragraph retrieved by the system, not given)",
                  text_table(ANSWER_HEADERS, answer_rows(payload["answers"]))]
    if payload.get("ood"):
        parts += ["", ood_line(payload["ood"])]
    paths = payload.get("paths") or {}
    if paths:
        parts += ["", "reports: " + ", ".join(str(p) for p in paths.values())]
    return "\n".join(parts)


# --- Markdown ----------------------------------------------------------------------------------
def _quote(text: str) -> str:
    text = " ".join(str(text).split())
    return text.replace("`", "'") if text else "(empty)"


def _retrieved_lines(retrieved: Sequence[Mapping[str, Any]]) -> list[str]:
    if not retrieved:
        return ["  - (nothing retrieved)"]
    return [f"  {p['rank']}. `{p['source']}` ({p['score']:.3f}): {_quote(p['text'])}" for p in retrieved]


def seed_failure_md(item: Mapping[str, Any], answerer: str) -> list[str]:
    a = item["answers"][answerer]
    if item["answerable"]:
        facts = "; ".join(" / ".join(forms[:3]) for forms in item["expected_facts"])
        expected = f"facts: {facts} · sources: {', '.join(item['expected_sources'])}"
        verdict = "refused" if a["refused"] else f"missing: {'; '.join(a['missing_facts']) or '(none)'}"
    else:
        expected = "a refusal (the records do not say)"
        verdict = "answered instead of refusing"
    retrieval = ("" if item["hit_5"] is None else
                 f" · retrieval hit@5: {'yes' if item['hit_5'] else 'NO'}, ranked sources: "
                 f"{', '.join(item['ranked_sources'][:5]) or '(none)'}")
    if item.get("period"):
        retrieval += f" · retrieval narrowed to {item['period'][0]}..{item['period'][1]} by a date in the question"
    cited = ", ".join(f"[{c['n']}] {c['source']}" for c in a["citations"]) or "(none)"
    return [
        f"#### {item['id']} ({item['lang']}, {item['kind']}): {verdict}",
        f"- **question:** {_quote(item['question'])}",
        f"- **expected:** {_quote(expected)}",
        f"- **reference:** {_quote(item['reference'])}",
        f"- **got:** {'(refused) ' if a['refused'] else ''}{_quote(a['answer'])}",
        f"- **cited:** {cited}{' · fell back to the extractive answer' if a.get('fallback') else ''}"
        f"{retrieval}",
        "- **retrieved:**",
        *_retrieved_lines(item["retrieved"]),
        "",
    ]


def followup_failure_md(item: Mapping[str, Any]) -> list[str]:
    facts = "; ".join(" / ".join(forms[:3]) for forms in item["expected_facts"])
    verdict = "refused" if item["refused"] else f"missing: {'; '.join(item['missing_facts']) or '(none)'}"
    cited = ", ".join(f"[{c['n']}] {c['source']}" for c in item["citations"]) or "(none)"
    return [
        f"#### {item['id']} ({item['lang']}): {verdict}",
        f"- **question:** {_quote(item['question'])}",
        f"- **first answer:** {'(refused) ' if item['first_refused'] else ''}{_quote(item['first_answer'])}",
        f"- **follow-up:** {_quote(item['followup'])} · rewritten to: {_quote(item['standalone_question'])}",
        f"- **expected:** {_quote(f'facts: {facts} · sources: ' + ', '.join(item['expected_sources']))}",
        f"- **reference:** {_quote(item['reference'])}",
        f"- **got:** {'(refused) ' if item['refused'] else ''}{_quote(item['answer'])}",
        f"- **cited:** {cited}",
        "",
    ]


def seed_form_md(seeds: Mapping[str, Any]) -> list[str]:
    """The by-kind and by-language tables of every answerer, with what each column measures."""
    out = ["### Answers by question kind and by language", "",
           "Median chars: answer length without citation markers, over answers given (not refusals). "
           "Fact first: the first asked fact is in the first sentence (answerable questions). "
           "Lang match: the answer is in the question's language (every answer). Date form: every date "
           "is in the reader's form, "8 กุมภาพันธ์ 2564" or "8 February 2021" (answers with a date; "
           "dated = how many).", ""]
    for answerer in seeds["answerers"]:
        m = seeds["metrics"][answerer]
        for key, title in (("by_kind", "kind"), ("by_lang", "language")):
            if m.get(key):
                out += [f"#### {answerer}, by {title}", "", md_table((title, *GROUP_HEADERS), group_rows(m[key])), ""]
    return out


def bench_failure_md(item: Mapping[str, Any]) -> list[str]:
    rank = item["gold_rank"]
    where = f"gold context `{item['gold_context']}` at rank {rank}" if rank else \
        f"gold context `{item['gold_context']}` not in the top 10"
    if item.get("period_filter"):
        where += " (retrieval was narrowed by a date in the question)"
    return [
        f"#### {item['qid']}",
        f"- **question:** {_quote(item['question'])}",
        f"- **expected:** {' / '.join(_quote(g) for g in item['golds'])} · {where}",
        f"- **got:** {'(refused) ' if item['refused'] else ''}{_quote(item['answer'])}",
        f"- **cited:** {', '.join(item['citations']) or '(none)'} · token F1 {item['token_f1']:.2f}",
        "- **retrieved:**",
        *_retrieved_lines(item["retrieved"]),
        "",
    ]


def render_markdown(payload: Mapping[str, Any]) -> str:
    s = payload.get("settings", {})
    out = [
        f"# Prachum evaluation, {payload['created']}",
        "",
        f"Embedder `{payload.get('embedder', '?')}`; answerers {', '.join(payload['answerers']) or '(none)'}; "
        f"k={s.get('k')}, fusion {s.get('fusion')} (dense weight {s.get('dense_weight')}), "
        f"min_score {s.get('min_score')}, chunk_tokens {s.get('chunk_tokens')}; "
        f"limit {payload.get('limit') or 'none'}; {payload['seconds']:.0f} s in all.",
        "",
    ]
    seeds = payload.get("seeds")
    if seeds:
        out += [f"## {seed_heading(seeds)}", "", seed_retrieval_line(seeds) + ".", ""]
        if seeds["answerers"]:
            out += [md_table(SEED_HEADERS, seed_rows(seeds)), ""]
            out += seed_form_md(seeds)
        misses = [i for i in seeds["items"] if i["hit_5"] is False]
        if misses:
            out += ["### Retrieval misses (no expected record in the top 5)", ""]
            for item in misses:
                out += [f"- {item['id']}: {_quote(item['question'])} · expected "
                        f"{', '.join(item['expected_sources'])} · got {', '.join(item['ranked_sources'][:5]) or '(nothing)'}"
                        + (f" (narrowed to {item['period'][0]}..{item['period'][1]} by a date in the question)"
                           if item.get("period") else "")]
            out.append("")
        for answerer in seeds["answerers"]:
            failed = [i for i in seeds["items"] if not i["answers"][answerer]["passed"]]
            out += [f"### Failures: {answerer} ({len(failed)})", ""]
            if not failed:
                out += ["None.", ""]
            for item in failed:
                out += seed_failure_md(item, answerer)
        if seeds.get("followups"):
            out += ["## Follow-ups", "",
                    "Each pair asks a question, then a follow-up that refers back to it, with the first answer "
                    "as history; the follow-up's answer is scored against its facts.", "",
                    md_table(FOLLOWUP_HEADERS, followup_rows(seeds)), ""]
            for answerer in seeds["answerers"]:
                failed = [i for i in seeds["followups"] if i["answerer"] == answerer and not i["passed"]]
                out += [f"### Follow-up failures: {answerer} ({len(failed)})", ""]
                if not failed:
                    out += ["None.", ""]
                for item in failed:
                    out += followup_failure_md(item)
    if payload.get("retrieval"):
        out += ["## Retrieval benchmarks", "",
                "Each question must retrieve its own context among the benchmark's unique contexts "
                "(iapp-test+train adds the train contexts as distractors). Index time: BM25 tokenising, "
                "dense embedding, or both for the hybrid.", "",
                md_table(RETRIEVAL_HEADERS, retrieval_rows(payload["retrieval"])), ""]
    if payload.get("answers"):
        out += ["## Answer benchmarks", "",
                "The contexts are ingested as documents into a temporary index; each sampled question is "
                "asked through the engine, so the gold paragraph has to be retrieved first.", "",
                md_table(ANSWER_HEADERS, answer_rows(payload["answers"])), ""]
        for bench, by_answerer in payload["answers"].items():
            for answerer, report in by_answerer.items():
                failed = [i for i in report["items"] if not i["passed"]]
                out += [f"### Failures: {bench}, {answerer} ({len(failed)}, gold answer not in the answer)", ""]
                for item in failed:
                    out += bench_failure_md(item)
    ood = payload.get("ood")
    if ood:
        answered = [i for i in ood["items"] if not i["refused"]]
        out += ["## Out of domain", "", ood_line(ood) + ".", ""]
        if answered:
            shown = answered[:OOD_SHOWN]
            out += [f"### Answered anyway ({len(answered)}{f', first {OOD_SHOWN} shown' if len(answered) > OOD_SHOWN else ''})", "",
                    md_table(("qid", "question", "evidence score", "top cited", "answer"),
                             [[i["qid"], _quote(i["question"]),
                               f"{(i['evidence'] or {}).get('score', 0.0):.3f}", i["top_source"],
                               _quote(i["answer"])] for i in shown]), ""]
    return "\n".join(out).rstrip() + "\n"


# --- files -------------------------------------------------------------------------------------
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
