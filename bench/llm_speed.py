"""How fast the local LLM answers: today's constrained extractor against the free answer it replaced.

Both are run in the same process, on the same questions and the same retrieved evidence
(seed records indexed into a scratch folder), alternating question by question so that
load from other processes on a shared machine hits both alike:

- ``free``: the old prompt (rag.prompts.PROMPT): ~600 tokens of passages, a free answer;
- ``extract``: rag.engine's path (rag.extract): the few best sentences (``context_tokens``),
  a grammar-constrained JSON reply of spans and a template sentence.

The model is warm (its system prompts read once before timing). For each question it
records the prompt's token count (llama.cpp's own: cached + read), time to first token
(free: the first streamed text; extract: the first verified fact, which is what the
engine streams) and the whole answer, and prints medians. Writes bench/results/llm_speed.json.

    python bench/llm_speed.py [--threads 2] [--questions 6]
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from prachum.config import load_settings  # noqa: E402
from prachum.models.llm_setup import ensure_llm_model  # noqa: E402
from rag.answer import extractive_answer, select_context  # noqa: E402
from rag.engine import Prachum, facts_first  # noqa: E402
from rag.evidence import score_sentences  # noqa: E402
from rag.extract import FactReader, candidates, evidence_lines, format_lines, grammar, read_reply  # noqa: E402
from rag.extract import answer as checked_answer  # noqa: E402
from rag.llm import LocalLlamaChat  # noqa: E402
from rag.prompts import EXTRACT_PROMPT, EXTRACT_SYSTEM, PROMPT, SYSTEM_PROMPT, format_context  # noqa: E402
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


def _evidence(engine: Prachum, question: str) -> tuple:
    retrieval = engine.search.search(question, engine.settings.k)
    sentences = score_sentences(question, retrieval.passages, engine.idf, engine.sentence_vectors, retrieval.query_vector)
    preview = extractive_answer(question, retrieval.passages, sentences, analyse(question))
    return retrieval.passages, facts_first(preview, retrieval.passages, sentences), preview


def _run_free(chat: LocalLlamaChat, question: str, passages, sentences, budget: int) -> dict:
    blocks = select_context(passages, sentences, budget)
    context = format_context([(n, passages[i].title, passages[i].date, text) for n, (i, text) in enumerate(blocks, start=1)])
    messages = PROMPT.format_messages(context=context, question=question)
    start, first, parts, timings = time.perf_counter(), None, [], {}
    for chunk in chat.stream(messages):
        if chunk.content and first is None:
            first = time.perf_counter() - start
        parts.append(chunk.content)
        timings = chunk.response_metadata.get("timings") or timings
    total = time.perf_counter() - start
    return _row(timings, first or total, total, "".join(parts))


def _run_extract(chat: LocalLlamaChat, question: str, passages, sentences, preview, budget: int) -> dict:
    lines = evidence_lines(sentences, [f.text for f in preview.facts], budget)
    asked = analyse(question)
    rules = grammar(len(lines), candidates(lines, asked.slots, asked.plural))
    messages = EXTRACT_PROMPT.format_messages(sentences=format_lines(lines), question=question)
    reader = FactReader(lines, question_language(question))
    start, first, parts, timings = time.perf_counter(), None, [], {}
    for chunk in chat.stream(messages, grammar=rules):
        parts.append(chunk.content)
        if reader.feed(chunk.content) and first is None:
            first = time.perf_counter() - start
        timings = chunk.response_metadata.get("timings") or timings
    total = time.perf_counter() - start
    reply = read_reply("".join(parts), lines, passages, question_language(question))
    checked = checked_answer(reply, question_language(question))
    return _row(timings, first or total, total, checked[0] if checked else "(fallback) " + preview.text)


def _row(timings: dict, ttft: float, total: float, answer: str) -> dict:
    return {
        "ttft_s": ttft, "total_s": total,
        "prompt_tokens": timings.get("cache_n", 0) + timings.get("prompt_n", 0),
        "read_tokens": timings.get("prompt_n", 0),
        "prompt_tok_s": timings.get("prompt_per_second", 0.0),
        "generated_tokens": timings.get("predicted_n", 0),
        "gen_tok_s": timings.get("predicted_per_second", 0.0),
        "answer": answer[:240],
    }


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--questions", type=int, default=len(QUESTIONS))
    parser.add_argument("--free-budget", type=int, default=600, help="context_tokens of the old prompt")
    parser.add_argument("--out", type=Path, default=RESULTS / "llm_speed.json")
    args = parser.parse_args()

    settings = load_settings()
    chat = LocalLlamaChat(model_path=str(ensure_llm_model(settings)), n_threads=args.threads,
                          max_tokens=settings.max_new_tokens, verbosity=0)
    with tempfile.TemporaryDirectory(prefix="prachum-llm-speed-") as tmp:
        engine = Prachum.open(settings.replace(data_dir=Path(tmp), chroma_url=None))
        from ingest.pipeline import ingest_paths

        ingest_paths([ROOT / "seeds"], engine.settings, engine.store, engine.embedder)
        evidence = [(q, *_evidence(engine, q)) for q in QUESTIONS[:args.questions]]
    load_start = time.perf_counter()
    chat.load()
    load_s = time.perf_counter() - load_start
    chat.warm_up(SYSTEM_PROMPT)
    chat.warm_up(EXTRACT_SYSTEM)  # both system prompts stay in llama.cpp's host-RAM prompt cache
    load_before = os.getloadavg()

    runs: dict[str, list[dict]] = {"free": [], "extract": []}
    for question, passages, sentences, preview in evidence:
        runs["free"].append(_run_free(chat, question, passages, sentences, args.free_budget))
        runs["extract"].append(_run_extract(chat, question, passages, sentences, preview, settings.context_tokens))
        print(f"{question[:50]}: free ttft {runs['free'][-1]['ttft_s']:.1f}s / total {runs['free'][-1]['total_s']:.1f}s, "
              f"extract ttft {runs['extract'][-1]['ttft_s']:.1f}s / total {runs['extract'][-1]['total_s']:.1f}s",
              file=sys.stderr)
    keys = ("ttft_s", "total_s", "prompt_tokens", "read_tokens", "prompt_tok_s", "generated_tokens", "gen_tok_s")
    rows = {name: {key: _median(r, key) for key in keys} for name, r in runs.items()}
    ratio = {key: rows["extract"][key] / rows["free"][key] for key in ("ttft_s", "total_s", "prompt_tokens", "generated_tokens")
             if rows["free"][key]}
    import xllamacpp

    result = {
        "runtime": f"xllamacpp {xllamacpp.__version__}", "model": Path(chat.model_path).name,
        "threads": args.threads, "questions": len(evidence), "context_tokens": settings.context_tokens,
        "free_budget": args.free_budget, "load_s": load_s,
        "load_average_before_after": [load_before, os.getloadavg()],
        "median": rows, "extract_over_free": ratio, "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")

    print(f"\nlocal LLM, {args.threads} threads, warm, median of {len(evidence)} questions "
          f"(load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after)")
    print(f"{'':8} {'TTFT s':>7} {'total s':>8} {'prompt tok':>10} {'read':>5} {'read tok/s':>10} {'gen tok':>7} {'gen tok/s':>9}")
    for name, row in rows.items():
        print(f"{name:8} {row['ttft_s']:7.2f} {row['total_s']:8.2f} {row['prompt_tokens']:10.0f} {row['read_tokens']:5.0f} "
              f"{row['prompt_tok_s']:10.1f} {row['generated_tokens']:7.0f} {row['gen_tok_s']:9.1f}")
    print("extract / free: " + ", ".join(f"{k} {v:.2f}" for k, v in ratio.items()))
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
