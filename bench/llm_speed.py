"""How fast the local answer model reads prompts and writes answers on this CPU.

Measures, for a RAG-sized prompt (~1.5k tokens: a fixed system prompt, seed-record
passages, a question) on ``--threads`` threads, the median of ``--repeats`` runs of:

- cold: a system prompt never seen before (a fresh nonce in its first line), so
  llama.cpp reads the whole prompt;
- warm: the same system prompt as the call before it, but other passages and another
  question, so only the system prompt comes from the KV cache. This is the steady state
  of a Prachum session.

Prompt tokens/s and generated tokens/s come from llama.cpp's own timings; time to first
token is wall time from the call to the first streamed text. Writes
bench/results/llm_speed.json.

    python bench/llm_speed.py [--threads 2] [--repeats 3] [--max-tokens 64]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_core.messages import HumanMessage, SystemMessage  # noqa: E402

from prachum.config import load_settings  # noqa: E402
from rag.llm import DEFAULT_N_CTX, LocalLlamaChat  # noqa: E402
from prachum.models.llm_setup import QWEN25_CODER_1_5B, ensure_llm_model  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"

# Long on purpose: the answerer's real instructions are of this size, and the longer the
# fixed part, the more the KV cache saves.
SYSTEM = """You are Prachum, an assistant that answers questions about Thai government meeting records.
คุณคือประชุม ผู้ช่วยตอบคำถามจากบันทึกการประชุมของหน่วยงานราชการไทย
Rules:
1. Use only the numbered passages in the context. Never add facts from memory.
2. Answer in the language of the question: a Thai question gets a Thai answer, an English question an English answer.
3. Keep names, positions, organisations and dates exactly as written in the passages, including Thai digits and Buddhist-era years (พ.ศ.).
4. After each fact, cite the passage number in square brackets, e.g. [1] or [2][3].
5. If the passages do not contain the answer, say so in one sentence: "ไม่พบข้อมูลในบันทึกการประชุม" or "The records do not say."
6. Be brief: one to three sentences, no preamble, no repetition of the question.
ตอบให้กระชับ อ้างอิงหมายเลขข้อความทุกครั้ง และห้ามเดาข้อมูลที่ไม่มีในบริบท"""

QUESTIONS = [
    "ใครเป็นผู้แทนประเทศไทยในการประชุมครั้งนี้",
    "การประชุมจัดขึ้นเมื่อใดและที่ไหน",
    "What was the main topic of the meeting?",
    "ที่ประชุมมีมติหรือข้อเสนอแนะอะไรบ้าง",
]


def _passages(offset: int, chars: int) -> str:
    """Numbered passages cut from the seed records; ``offset`` varies them between calls."""
    text = " ".join(p.read_text(encoding="utf-8").strip() for p in sorted((ROOT / "seeds").glob("*.txt")))
    start = (offset * 997) % max(len(text) - chars, 1)
    window = text[start:start + chars]
    size = len(window) // 4
    return "\n\n".join(f"[{i + 1}] {window[i * size:(i + 1) * size]}" for i in range(4))


def _messages(system: str, offset: int, chars: int) -> list:
    question = QUESTIONS[offset % len(QUESTIONS)]
    return [SystemMessage(system), HumanMessage(f"Context:\n{_passages(offset, chars)}\n\nQuestion: {question}")]


def _timed_stream(chat: LocalLlamaChat, messages: list) -> dict:
    start = time.perf_counter()
    first = None
    text = []
    timings: dict = {}
    for chunk in chat.stream(messages):
        if chunk.content and first is None:
            first = time.perf_counter() - start
        text.append(chunk.content)
        timings = chunk.response_metadata.get("timings") or timings
    total = time.perf_counter() - start
    return {
        "ttft_s": first if first is not None else total,
        "total_s": total,
        "prompt_tokens": timings.get("cache_n", 0) + timings.get("prompt_n", 0),
        "cached_tokens": timings.get("cache_n", 0),
        "read_tokens": timings.get("prompt_n", 0),
        "prompt_tok_s": timings.get("prompt_per_second", 0.0),
        "generated_tokens": timings.get("predicted_n", 0),
        "gen_tok_s": timings.get("predicted_per_second", 0.0),
        "answer": "".join(text)[:200],
    }


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--context-chars", type=int, default=2400, help="characters of passages (~1.5k prompt tokens)")
    parser.add_argument("--out", type=Path, default=RESULTS / "llm_speed.json")
    args = parser.parse_args()

    path = ensure_llm_model(load_settings())
    chat = LocalLlamaChat(model_path=str(path), n_threads=args.threads, max_tokens=args.max_tokens)
    load_start = time.perf_counter()
    chat.load()
    load_s = time.perf_counter() - load_start
    load_before = os.getloadavg()

    cold, warm = [], []
    for i in range(args.repeats):
        system = f"[session {uuid.uuid4().hex}]\n{SYSTEM}"  # never cached before
        cold.append(_timed_stream(chat, _messages(system, 2 * i, args.context_chars)))
        warm.append(_timed_stream(chat, _messages(system, 2 * i + 1, args.context_chars)))
        print(f"run {i + 1}: cold ttft {cold[-1]['ttft_s']:.2f}s, warm ttft {warm[-1]['ttft_s']:.2f}s", file=sys.stderr)

    rows = {}
    for name, runs in (("cold", cold), ("warm", warm)):
        rows[name] = {key: _median(runs, key) for key in
                      ("ttft_s", "total_s", "prompt_tokens", "cached_tokens", "read_tokens",
                       "prompt_tok_s", "generated_tokens", "gen_tok_s")}
    import xllamacpp

    result = {
        "model": QWEN25_CODER_1_5B.filename,
        "model_sha256": QWEN25_CODER_1_5B.sha256 if path.name == QWEN25_CODER_1_5B.filename else None,
        "runtime": f"xllamacpp {xllamacpp.__version__}",
        "cpu_features": xllamacpp.get_system_info().strip(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus",
        "threads": args.threads,
        "n_ctx": DEFAULT_N_CTX,
        "max_tokens": args.max_tokens,
        "repeats": args.repeats,
        "load_s": load_s,
        "load_average_before_after": [load_before, os.getloadavg()],
        "median": rows,
        "runs": {"cold": cold, "warm": warm},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")

    print(f"\nlocal LLM speed, {args.threads} threads, median of {args.repeats} (model load {load_s:.1f}s)")
    print(f"{'':6} {'TTFT s':>7} {'total s':>8} {'prompt tok':>10} {'cached':>7} {'read':>5} {'read tok/s':>10} {'gen tok':>7} {'gen tok/s':>9}")
    for name, row in rows.items():
        print(f"{name:6} {row['ttft_s']:7.2f} {row['total_s']:8.2f} {row['prompt_tokens']:10.0f} {row['cached_tokens']:7.0f} "
              f"{row['read_tokens']:5.0f} {row['prompt_tok_s']:10.1f} {row['generated_tokens']:7.0f} {row['gen_tok_s']:9.1f}")
    saved = rows["cold"]["ttft_s"] - rows["warm"]["ttft_s"]
    print(f"warm saves {saved:.2f}s of time to first token ({saved / rows['cold']['ttft_s']:.0%}); "
          f"load average before/after {load_before[0]:.1f}/{os.getloadavg()[0]:.1f}")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
