"""The Markdown report of an evaluation run: every table, and every failure written out in full.

What was expected, what came back, and which passages were retrieved, so a
regression can be diagnosed from the report without rerunning the evaluation.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping, Sequence

from evals.report_rows import (
    ANSWER_HEADERS,
    FOLLOWUP_HEADERS,
    GROUP_HEADERS,
    RETRIEVAL_HEADERS,
    SEED_HEADERS,
    answer_rows,
    followup_rows,
    group_rows,
    ood_line,
    retrieval_rows,
    seed_heading,
    seed_retrieval_line,
    seed_rows,
)

OOD_SHOWN = 50
_NUMBER = re.compile(r"^(?:–|[\d,.]+(?:/[\d,]+)?%?)$")


def md_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    rows = [list(map(str, r)) for r in rows]
    numeric = [bool(rows) and all(_NUMBER.match(r[i]) for r in rows) for i in range(len(headers))]
    lines = ["| " + " | ".join(map(cell, headers)) + " |",
             "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(map(cell, r)) + " |" for r in rows]
    return "\n".join(lines)


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
           "is in the reader's form, “8 กุมภาพันธ์ 2564” or “8 February 2021” (answers with a date; "
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
