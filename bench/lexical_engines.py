"""Lexical engines at archive scale: today's dict BM25, tantivy (prachum.index.lexical), SQLite FTS5.

    python -m bench.lexical_engines                                  # 10k and 100k chunks, every engine
    python -m bench.lexical_engines --sizes 10000 100000 1000000     # 1M: tantivy only (see --upto)
    python -m bench.lexical_engines --quality                        # XQuAD-th and iApp test, alone + hybrid

Speed: synthetic Thai chunks, real benchmark sentences (XQuAD-th, iApp train and test)
reshuffled into ~700-character chunks, ten to a document. Each sentence is cut by newmm
once and a chunk's words are its sentences' words, so that 1M chunks can be built in
minutes; what newmm costs per chunk is measured on its own (``tokenise``) and is the
same for every engine. Each engine and size runs in fresh processes: one builds the
index (engine time only: rate in chunks/s), another opens it (open = constructor + first
search; the dict BM25 has no index on disk, so its "open" is the rebuild from stored
words, as the old store did), asks 200 benchmark questions (k 50 plus 50 random ids to
score, the retriever's shape) and adds twenty 10-chunk documents one commit each.
Memory is that process's resident set after all that (peak in ``rss_peak_mb``).

The machine these numbers come from may be shared: search is reported as wall time and
as the CPU time of the searching process (``search_cpu_*``, time.process_time), which
other processes' load hardly changes, and the median time of one fsync (``fsync_ms``)
is measured beside the commit times, which are mostly fsyncs.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evals.bench_data import load_iapp, load_xquad_th
from prachum.index.lexical import LexicalDoc

RESULTS = Path(__file__).resolve().parent / "results"
CHUNK_CHARS = 700
DOC_CHUNKS = 10
QUESTIONS = 200
SLOW_QUESTIONS = 50  # for FTS5 and the dict BM25, whose searches take seconds
SLOWEST_QUESTIONS = 10  # for them beyond 10k chunks (FTS5: ~6 s a search at 10k on this machine)
INCLUDE = 50
K = 50
ADDS = 20
BATCH = 10_000  # chunks a commit while building
SEED = 11
# the slow engines are not run beyond these sizes (issue #11 measured the dict index at 100k: 1.6 s a search)
UPTO = {"bm25": 10_000, "fts5": 100_000, "tantivy": 1_000_000}



def _sentences() -> tuple[list[str], list[str]]:
    from prachum.thai.sentences import split_sentences

    texts: dict[str, None] = {}
    for bench in (load_xquad_th(), load_iapp(), load_iapp(split="train")):
        texts.update(dict.fromkeys(bench.contexts.values()))
    sentences = []
    for text in texts:
        for span in split_sentences(text, min_chars=0):
            s = " ".join(text[span.start:span.end].split())
            if len(s) >= 20:
                sentences.append(s)
    questions = [q.text for q in load_xquad_th().questions]
    return list(dict.fromkeys(sentences)), questions


def corpus_words(cache: Path) -> tuple[list[str], list[list[str]], list[str]]:
    """Every sentence, its newmm words (cut once, remembered in ``cache``) and the questions."""
    from prachum.thai.text import search_form, word_tokens

    saved = cache / "sentences.json"
    if saved.is_file():
        data = json.loads(saved.read_text(encoding="utf-8"))
        return data["sentences"], data["words"], data["questions"]
    sentences, questions = _sentences()
    sentences = [search_form(s) for s in sentences]
    words = [word_tokens(s) for s in sentences]
    cache.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps({"sentences": sentences, "words": words, "questions": questions},
                                ensure_ascii=False), encoding="utf-8")
    return sentences, words, questions


def synthetic(n: int, sentences: list[str], words: list[list[str]], seed: int = SEED, prefix: str = "c",
              start: int = 0) -> list[tuple[LexicalDoc, list[str]]]:
    """Chunks start..start+n of ~700 characters of reshuffled sentences, ten to a document, a third undated."""
    rng = random.Random(seed * 1_000_003 + start)
    out = []
    for i in range(start, start + n):
        text, toks = [], []
        size = 0
        while size < CHUNK_CHARS:
            j = rng.randrange(len(sentences))
            text.append(sentences[j])
            toks.extend(words[j])
            size += len(sentences[j]) + 1
        doc = i // DOC_CHUNKS
        date_ord = 0 if doc % 3 == 0 else 20000101 + (doc % 25) * 10000 + (doc % 12) * 100 + doc % 28
        out.append((LexicalDoc(f"{prefix}{i:07d}", f"doc{doc:06d}.txt", " ".join(text), date_ord,
                               ("SOCA",) if doc % 7 == 0 else ()), toks))
    return out


def make_engine(name: str, path: Path):
    from bench.lexical_adapters import ENGINES

    return ENGINES[name](path)


def rss_mb() -> tuple[float, float]:
    status = Path("/proc/self/status").read_text()
    now = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return now / 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def work_build(engine: str, n: int, folder: Path, cache: Path) -> dict:
    sentences, words, _ = corpus_words(cache)
    index = make_engine(engine, folder)
    built = 0.0
    folder.mkdir(parents=True, exist_ok=True)
    for at in range(0, n, BATCH):  # made batch by batch: 1M chunks at once would need ~3 GB
        chunks = synthetic(min(BATCH, n - at), sentences, words, start=at)
        start = time.perf_counter()
        index.add(chunks)
        index.commit()
        built += time.perf_counter() - start
        if engine == "bm25":  # no files of its own: keep the words, as lexical.json did
            with (folder / "words.jsonl").open("a", encoding="utf-8") as f:
                for doc, toks in chunks:
                    f.write(json.dumps([doc.id, toks], ensure_ascii=False) + "\n")
    if hasattr(index, "index") and hasattr(index.index, "close"):
        start = time.perf_counter()
        index.index.close()  # waits for the last merges, which a live index would run in the background
        built += time.perf_counter() - start
    disk = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return {"index_s": round(built, 2), "index_rate": round(n / built), "disk_mb": round(disk / 2**20, 1)}


def work_probe(engine: str, n: int, folder: Path, cache: Path) -> dict:
    from bench.lexical_adapters import ENGINES
    from prachum.thai.text import word_tokens

    sentences, words, questions = corpus_words(cache)
    rng = random.Random(SEED + 1)
    many = QUESTIONS if engine == "tantivy" else SLOW_QUESTIONS if n <= 10_000 else SLOWEST_QUESTIONS
    asked = rng.sample(questions, min(many, len(questions)))
    includes = [[f"c{rng.randrange(n):07d}" for _ in range(INCLUDE)] for _ in asked]
    new_docs = synthetic(ADDS * DOC_CHUNKS, sentences, words, seed=SEED + 2, prefix="new")
    word_tokens("ทดสอบ")  # newmm's dictionary is loaded once per process, whatever the engine: not timed
    assert ENGINES
    start = time.perf_counter()
    index = make_engine(engine, folder)
    if engine == "bm25":
        with (folder / "words.jsonl").open(encoding="utf-8") as f:
            index.index.add_many(tuple(json.loads(line)) for line in f)
    index.search(asked[0], K, include=includes[0])
    opened = time.perf_counter() - start
    times, cpu = [], []
    for q, inc in zip(asked, includes):
        t, c = time.perf_counter(), time.process_time()
        index.search(q, K, include=inc)
        times.append(1000 * (time.perf_counter() - t))
        cpu.append(1000 * (time.process_time() - c))
    adds, adds_cpu = [], []
    for i in range(ADDS):
        t, c = time.perf_counter(), time.process_time()
        index.add(new_docs[i * DOC_CHUNKS:(i + 1) * DOC_CHUNKS])
        index.commit()
        adds.append(1000 * (time.perf_counter() - t))
        adds_cpu.append(1000 * (time.process_time() - c))
    now, peak = rss_mb()
    return {"open_s": round(opened, 3), "search_p50_ms": round(pct(times, 50), 1),
            "search_p95_ms": round(pct(times, 95), 1), "search_cpu_p50_ms": round(pct(cpu, 50), 1),
            "search_cpu_p95_ms": round(pct(cpu, 95), 1), "add_doc_ms": round(statistics.median(adds), 1),
            "add_doc_p95_ms": round(pct(adds, 95), 1), "add_doc_cpu_ms": round(statistics.median(adds_cpu), 1), "rss_mb": round(now), "rss_peak_mb": round(peak)}


def tokenise_rate(cache: Path, n: int = 500) -> dict:
    """What newmm costs per chunk (ingest pays it once per chunk, whatever the engine)."""
    from prachum.thai.text import word_tokens

    sentences, words, _ = corpus_words(cache)
    chunks = synthetic(n, sentences, words, seed=SEED + 3, prefix="t")
    start = time.perf_counter()
    for doc, _ in chunks:
        word_tokens(doc.text)
    took = time.perf_counter() - start
    return {"tokenise_ms_per_chunk": round(1000 * took / n, 2), "tokenise_chunks_per_s": round(n / took),
            "fsync_ms": fsync_ms(cache)}


def fsync_ms(folder: Path, times: int = 20) -> float:
    """The disk's cost of one durable write: a commit of any engine pays a few of them."""
    import os

    took = []
    probe = folder / "fsync.probe"
    for _ in range(times):
        start = time.perf_counter()
        with probe.open("wb") as f:
            f.write(b"x" * 4096)
            f.flush()
            os.fsync(f.fileno())
        took.append(1000 * (time.perf_counter() - start))
    probe.unlink()
    return round(statistics.median(took), 1)


def run_worker(args: list[str], timeout: float) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.lexical_engines", "--worker", *args],
                         capture_output=True, text=True, timeout=timeout, check=False, cwd=Path(__file__).resolve().parents[1])
    if out.returncode:
        raise RuntimeError(f"worker {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(rows: list[dict]) -> str:
    cols = [("engine", "engine"), ("chunks", "chunks"), ("index_rate", "index chunks/s"), ("disk_mb", "disk MB"),
            ("open_s", "open s"), ("search_p50_ms", "search p50 ms"), ("search_p95_ms", "search p95 ms"),
            ("search_cpu_p50_ms", "CPU p50 ms"), ("search_cpu_p95_ms", "CPU p95 ms"),
            ("add_doc_ms", "add 10-chunk doc ms (p50)"), ("add_doc_p95_ms", "add p95 ms"), ("add_doc_cpu_ms", "add CPU ms"), ("rss_mb", "RSS MB")]
    lines = ["| " + " | ".join(h for _, h in cols) + " |", "|---" * len(cols) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(f"{r[k]:,}" if isinstance(r.get(k), int) else str(r.get(k, "-"))
                                       for k, _ in cols) + " |")
    return "\n".join(lines)


def speed(sizes: list[int], engines: list[str], out: Path, workdir: Path) -> None:
    cache = workdir / "cache"
    corpus_words(cache)
    report: dict = {"tokenise": run_worker(["tokenise", "tantivy", "0", str(workdir), str(cache)], 900),
                    "rows": []}
    if out.is_file():  # rows of other engines and sizes are kept: a run can add to an earlier one
        keep = {(e, n) for e in engines for n in sizes}
        report["rows"] = [r for r in json.loads(out.read_text(encoding="utf-8"))["rows"]
                          if (r["engine"], r["chunks"]) not in keep]
    print(f"newmm: {report['tokenise']}", file=sys.stderr, flush=True)
    for n in sizes:
        for engine in engines:
            if n > UPTO[engine]:
                continue
            folder = workdir / f"{engine}-{n}"
            shutil.rmtree(folder, ignore_errors=True)
            row = {"engine": engine, "chunks": n}
            row.update(run_worker(["build", engine, str(n), str(folder), str(cache)], 7200))
            row.update(run_worker(["probe", engine, str(n), str(folder), str(cache)], 7200))
            shutil.rmtree(folder, ignore_errors=True)
            report["rows"].append(row)
            report["rows"].sort(key=lambda r: (r["chunks"], r["engine"]))
            print(row, file=sys.stderr, flush=True)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(table(report["rows"]))
    print(f"\nnewmm alone: {report['tokenise']['tokenise_ms_per_chunk']} ms a chunk "
          f"({report['tokenise']['tokenise_chunks_per_s']} chunks/s), paid once per chunk at ingest by every engine")
    print(f"wrote {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--engines", nargs="+", default=["tantivy", "fts5", "bm25"], choices=sorted(UPTO))
    parser.add_argument("--json", type=Path, default=RESULTS / "lexical_engines.json")
    parser.add_argument("--workdir", type=Path, default=None, help="where the indexes are built (default: a temp dir)")
    parser.add_argument("--quality", action="store_true", help="retrieval quality instead of speed")
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, engine, n, folder, cache = args.worker
        fn = {"build": work_build, "probe": work_probe}.get(kind)
        result = tokenise_rate(Path(cache)) if kind == "tokenise" else fn(engine, int(n), Path(folder), Path(cache))
        print(json.dumps(result))
        return
    if args.quality:
        from bench.lexical_quality import main as quality

        quality(args.json.with_name("lexical_quality.json"))
        return
    if args.workdir:
        speed(args.sizes, args.engines, args.json, args.workdir)
        return
    with tempfile.TemporaryDirectory(prefix="prachum-lexbench-") as tmp:
        speed(args.sizes, args.engines, args.json, Path(tmp))


if __name__ == "__main__":
    main()
