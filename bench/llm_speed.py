"""How fast the local LLM answers: today's extractor (lettered options) against the designs it replaced.

All run in the same process, on the same questions and the same retrieved evidence (seed
records indexed into a scratch folder), alternating question by question so that load from
other processes on a shared machine hits them alike:

- ``pick`` (today, rag.extract.plan): the few best sentences, the recognised spans that could
  answer offered as lettered options; the model writes ``{"f":"AC"}`` (an English question
  adds ``"a"``, a template sentence), or copies short spans when nothing is recognised;
- ``span`` (the design before): the same sentences, the model copies each fact span (a grammar
  of recognised spans) into ``{"facts":[{"s":1,"text":...}],"answer":...}``, then a template
  in either language;
- ``free`` (with --free; the first design): ~600 tokens of passages, a free answer.

The model is warm (its system prompts read once before timing). For each question it records
the prompt's token count (llama.cpp's own: cached + read), time to first token (free: the
first streamed text; the extractors: the first verified fact, which is what the engine
streams) and the whole answer, and prints medians and ratios to ``span``. Writes
bench/results/llm_speed.json.

    python bench/llm_speed.py [--threads 2] [--questions 6] [--free]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from prachum.config import load_settings  # noqa: E402
from prachum.models.llm_setup import ensure_llm_model  # noqa: E402
from prachum.slots import recognise  # noqa: E402
from rag.answer import extractive_answer, select_context  # noqa: E402
from rag.compose import FILLERS  # noqa: E402
from rag.engine import Prachum, facts_first  # noqa: E402
from rag.evidence import score_sentences  # noqa: E402
from rag.extract import FactReader, Line, evidence_lines, format_lines, plan, read_reply  # noqa: E402
from rag.extract import answer as checked_answer  # noqa: E402
from rag.llm import LocalLlamaChat  # noqa: E402
from rag.prompts import EXTRACT_SYSTEM, SPAN_SYSTEM, SYSTEM_PROMPT, extract_prompt, format_context, free_prompt, span_prompt  # noqa: E402
from rag.question import analyse, question_language  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
QUESTIONS = [
    "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat และจัดขึ้นเมื่อไร",
    "Who represented Thailand at the SOCA Retreat and when was it held?",
    "ประเทศอาเซียนบวกสามที่เข้าร่วมการประชุม SOMSWD+3 ครั้งที่ 15 ได้แก่ประเทศใดบ้าง",
    "When was the 15th SOMSWD+3 meeting held?",
    "การประชุม SOCA Retreat ประเทศใดเป็นเจ้าภาพ",
    "Which country hosted the SOCA Retreat?",
]
DESIGNS = ("span", "pick")


def _evidence(engine: Prachum, question: str) -> tuple:
    retrieval = engine.search.search(question, engine.settings.k)
    sentences = score_sentences(question, retrieval.passages, engine.idf, engine.sentence_vectors, retrieval.query_vector)
    preview = extractive_answer(question, retrieval.passages, sentences, analyse(question))
    return retrieval.passages, facts_first(preview, retrieval.passages, sentences), preview


def _timed(stream, on_piece) -> tuple[float, float, str, dict]:  # type: ignore[no-untyped-def]
    start, first, parts, timings = time.perf_counter(), None, [], {}
    for chunk in stream:
        parts.append(chunk.content)
        if on_piece(chunk.content) and first is None:
            first = time.perf_counter() - start
        timings = chunk.response_metadata.get("timings") or timings
    total = time.perf_counter() - start
    return first or total, total, "".join(parts), timings


def _run_free(chat: LocalLlamaChat, question: str, passages, sentences, preview, budget: int) -> dict:
    blocks = select_context(passages, sentences, budget)
    context = format_context([(n, passages[i].title, passages[i].date, text) for n, (i, text) in enumerate(blocks, start=1)])
    messages = free_prompt().format_messages(context=context, question=question)
    ttft, total, raw, timings = _timed(chat.stream(messages), bool)
    return _row(timings, ttft, total, raw)


# --- the span-copying design, as it stood before the lettered options (its grammar kept here) ---
def _span_grammar(lines: Sequence[Line], slots: Sequence[str], plural: bool) -> str:
    def literal(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    rules = [r'root ::= "{\"facts\":[" facts? "],\"answer\":\"" answer "\"}"']
    order = []
    for slot in slots:
        kinds = FILLERS.get(slot, ()) + (("date",) if slot == "year" else ())
        alternatives = []
        for line in lines if kinds else ():
            texts = [t for t in dict.fromkeys(s.text.strip() for s in recognise(line.shown, kinds))
                     if t and '"' not in t and "\\" not in t and len(t) <= 90][:6]
            if texts:
                alternatives.append(r'"{\"s\":' + str(line.n) + r',\"text\":\"" (' + " | ".join(map(literal, texts)) + r') "\"}"')
        if alternatives:
            i = len(order) + 1
            rules.append(f"slot{i} ::= " + " | ".join(alternatives))
            many = plural and slot in ("person", "country", "organisation", "host")
            order.append(f"slot{i}" + f' ("," slot{i})?' * 2 if many else f"slot{i}")
    if order:
        rules.append('facts ::= ' + ' "," '.join(order))
    else:
        rules.append('facts ::= fact ("," fact)? ("," fact)?')
        rules.append(r'fact ::= "{\"s\":" [1-' + str(max(1, len(lines))) + r'] ",\"text\":\"" char{1,90} "\"}"')
    rules += ["answer ::= char{0,120}", r'char ::= [^"\\\x00-\x1f]']
    return "\n".join(rules)


def _run_span(chat: LocalLlamaChat, question: str, passages, sentences, preview, budget: int) -> dict:
    lang = question_language(question)
    lines = evidence_lines(sentences, [f.text for f in preview.facts], budget)
    asked = analyse(question)
    messages = span_prompt().format_messages(sentences=format_lines(lines), question=question)
    reader = FactReader(lines, lang)
    ttft, total, raw, timings = _timed(chat.stream(messages, grammar=_span_grammar(lines, asked.slots, asked.plural)),
                                       reader.feed)
    checked = checked_answer(read_reply(raw, lines, passages, lang), lang)
    return _row(timings, ttft, total, checked[0] if checked else "(fallback) " + preview.text)


def _run_pick(chat: LocalLlamaChat, question: str, passages, sentences, preview, budget: int) -> dict:
    lang = question_language(question)
    start = time.perf_counter()
    job = plan(question, analyse(question), sentences, [f.text for f in preview.facts], budget, lang)
    if job.given:  # as the engine does: a Thai answer that is all the short answer's facts asks no model
        total = time.perf_counter() - start
        return {**_row({}, total, total, preview.text), "asked_model": False}
    messages = extract_prompt().format_messages(**job.inputs)
    reader = job.reader()
    ttft, total, raw, timings = _timed(chat.stream(messages, grammar=job.grammar), reader.feed)
    checked = checked_answer(job.read(raw, passages), lang)
    return _row(timings, ttft, total, checked[0] if checked else "(fallback) " + preview.text)


RUNNERS = {"free": _run_free, "span": _run_span, "pick": _run_pick}


def _row(timings: dict, ttft: float, total: float, answer: str) -> dict:
    return {
        "ttft_s": ttft, "total_s": total,
        "prompt_tokens": timings.get("cache_n", 0) + timings.get("prompt_n", 0),
        "read_tokens": timings.get("prompt_n", 0),
        "prompt_tok_s": timings.get("prompt_per_second", 0.0),
        "generated_tokens": timings.get("predicted_n", 0),
        "gen_tok_s": timings.get("predicted_per_second", 0.0),
        "answer": answer[:240], "asked_model": True,
    }


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--questions", type=int, default=len(QUESTIONS))
    parser.add_argument("--free", action="store_true", help="also time the free answer (slow: ~600 prompt tokens)")
    parser.add_argument("--free-budget", type=int, default=600, help="context_tokens of the free prompt")
    parser.add_argument("--out", type=Path, default=RESULTS / "llm_speed.json")
    args = parser.parse_args()

    settings = load_settings()
    chat = LocalLlamaChat(model_path=str(ensure_llm_model(settings)), n_threads=args.threads,
                          max_tokens=settings.max_new_tokens, verbosity=0)
    with tempfile.TemporaryDirectory(prefix="prachum-llm-speed-") as tmp:
        engine = Prachum.open(settings.replace(data_dir=Path(tmp), chroma_url=None))
        from ingest.pipeline import ingest_paths

        ingest_paths([ROOT / "seeds"], engine.settings, engine.store, engine.embedder, progress=False)
        evidence = [(q, *_evidence(engine, q)) for q in QUESTIONS[:args.questions]]
    load_start = time.perf_counter()
    chat.load()
    load_s = time.perf_counter() - load_start
    designs = (("free",) if args.free else ()) + DESIGNS
    for system in ((SYSTEM_PROMPT,) if args.free else ()) + (SPAN_SYSTEM, EXTRACT_SYSTEM):
        chat.warm_up(system)  # every system prompt stays in llama.cpp's host-RAM prompt cache
    load_before = os.getloadavg()

    runs: dict[str, list[dict]] = {name: [] for name in designs}
    for question, passages, sentences, preview in evidence:
        budget = {"free": args.free_budget}
        for name in designs:
            runs[name].append(RUNNERS[name](chat, question, passages, sentences, preview,
                                            budget.get(name, settings.context_tokens)))
        print(f"{question[:50]}: " + ", ".join(f"{name} ttft {runs[name][-1]['ttft_s']:.1f}s / total "
                                              f"{runs[name][-1]['total_s']:.1f}s" for name in designs), file=sys.stderr)
    keys = ("ttft_s", "total_s", "prompt_tokens", "read_tokens", "prompt_tok_s", "generated_tokens", "gen_tok_s")
    rows = {name: {key: _median(r, key) for key in keys} for name, r in runs.items()}
    asked = [r for r in runs["pick"] if r["asked_model"]]
    if asked and len(asked) < len(runs["pick"]):  # the medians of the questions the model answered, too
        rows["pick*"] = {key: _median(asked, key) for key in keys}
        runs_asked = [i for i, r in enumerate(runs["pick"]) if r["asked_model"]]
        rows["span*"] = {key: _median([runs["span"][i] for i in runs_asked], key) for key in keys}
    ratios = {name: {key: rows[name][key] / rows[base][key] for key in ("ttft_s", "total_s", "read_tokens", "generated_tokens")
                     if rows[base][key]} for name, base in [(d, "span") for d in designs if d != "span"] + [("pick*", "span*")]
              if name in rows}
    import xllamacpp

    result = {
        "runtime": f"xllamacpp {xllamacpp.__version__}", "model": Path(chat.model_path).name,
        "threads": args.threads, "questions": len(evidence), "context_tokens": settings.context_tokens,
        "free_budget": args.free_budget if args.free else None, "load_s": load_s,
        "load_average_before_after": [load_before, os.getloadavg()],
        "median": rows, "over_span": ratios, "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")

    print("pick*, span*: the questions where today's design asks the model (a Thai answer that is all the "
          "short answer's facts does not)")
    print(f"\nlocal LLM, {args.threads} threads, warm, median of {len(evidence)} questions "
          f"(load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after)")
    print(f"{'':8} {'TTFT s':>7} {'total s':>8} {'prompt tok':>10} {'read':>5} {'read tok/s':>10} {'gen tok':>7} {'gen tok/s':>9}")
    for name, row in rows.items():
        print(f"{name:8} {row['ttft_s']:7.2f} {row['total_s']:8.2f} {row['prompt_tokens']:10.0f} {row['read_tokens']:5.0f} "
              f"{row['prompt_tok_s']:10.1f} {row['generated_tokens']:7.0f} {row['gen_tok_s']:9.1f}")
    for name, ratio in ratios.items():
        print(f"{name} / {'span*' if name.endswith('*') else 'span'}: " + ", ".join(f"{k} {v:.2f}" for k, v in ratio.items()))
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
