"""The rows and summary lines of an evaluation report, shared by its two renderings.

The terminal table (`evals.report_console`) and the Markdown report
(`evals.report_markdown`) show the same numbers under the same headers: building
the rows once here keeps the two from drifting apart. Everything reads the run's
JSON payload, never live objects. Rates are shown as percentages with one decimal,
durations and lengths as whole numbers, and "–" where a measure does not apply.
"""
from __future__ import annotations

from typing import Any, Mapping


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _chars(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


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
    """Rows of a by-kind or by-language breakdown (`evals.seed_scoring.form_summary` per group)."""
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
