"""Many people asking at once: time to the verified short answer and to the full answer, per user.

The local LLM writes one answer at a time, so the fifth of five simultaneous users used to
wait for four whole answers before seeing anything. The short answer comes from the slot
path before any LLM runs (the ``Retrieved`` event), so it should reach every user within
about a second however many are waiting for the LLM's phrasing.

    python -m bench.concurrent_ask --users 20 --llm local --json bench/results/concurrent_ask.json
    python -m bench.concurrent_ask --users 20 --llm local --slots 2   # llama.cpp parallel slots

Prints a table (median and max seconds to the short answer and to the full answer) and
writes every user's timings as JSON. The index is the seed records in a temporary folder.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from prachum.config import load_settings  # noqa: E402
from prachum.types import Done, Retrieved  # noqa: E402

QUESTIONS = [
    "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat และจัดขึ้นเมื่อไร",
    "การประชุม SOCCOM ครั้งที่ ๑๖ จัดขึ้นเมื่อไร",
    "Who opened the 2018 ASEAN social work workshop in Bangkok?",
    "การประชุมในเดือนสิงหาคม 2564 มีผู้เข้าร่วมประมาณกี่คน",
    "SOCA ย่อมาจากอะไร",
]


def ask_one(engine, question: str, answerer: str, start: threading.Event, out: list[dict]) -> None:  # type: ignore[no-untyped-def]
    start.wait()
    t0 = time.perf_counter()
    row = {"question": question, "short_s": None, "full_s": None}
    for event in engine.stream(question, answerer=answerer):
        if isinstance(event, Retrieved) and row["short_s"] is None:
            row["short_s"] = time.perf_counter() - t0
            row["short"] = event.short
        elif isinstance(event, Done):
            row["full_s"] = time.perf_counter() - t0
            row["answer"] = event.answer.answer
    out.append(row)


def run(users: int, answerer: str, slots: int = 1) -> list[dict]:
    from ingest.pipeline import ingest_paths
    from rag.engine import Prachum

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"data_dir": tmp, "llm": answerer})
        engine = Prachum.open(settings)
        chat = engine.chat_model(answerer)
        if chat is not None and hasattr(chat, "n_parallel"):
            chat.n_parallel = slots  # read when the model loads, on the first question
        ingest_paths([ROOT / "seeds"], settings, engine.store, engine.embedder, progress=False)
        engine.ask(QUESTIONS[0], answerer=answerer)  # warm: models loaded, prompt cached
        start, out = threading.Event(), []
        threads = [threading.Thread(target=ask_one, args=(engine, QUESTIONS[i % len(QUESTIONS)], answerer, start, out))
                   for i in range(users)]
        for t in threads:
            t.start()
        start.set()
        for t in threads:
            t.join()
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--llm", default="local", choices=("local", "extractive"))
    parser.add_argument("--slots", type=int, default=1, help="llama.cpp parallel slots of the local LLM")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "concurrent_ask.json")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = run(args.users, args.llm, args.slots)
    wall = time.perf_counter() - started
    short = [r["short_s"] for r in rows]
    full = [r["full_s"] for r in rows]
    print(f"{args.users} users at once, answerer {args.llm}, {args.slots} slot(s), load average {os.getloadavg()[0]:.1f}")
    print(f"{'':22}{'median s':>10}{'max s':>10}")
    print(f"{'to the short answer':22}{statistics.median(short):>10.2f}{max(short):>10.2f}")
    print(f"{'to the full answer':22}{statistics.median(full):>10.2f}{max(full):>10.2f}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"users": args.users, "answerer": args.llm, "slots": args.slots, "wall_s": wall,
                                     "load_average": os.getloadavg(), "rows": rows}, ensure_ascii=False, indent=1),
                         encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
