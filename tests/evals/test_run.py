"""The runner end to end over fakes: private indexes, every part, reports, thresholds, sampling."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from evals.answer_bench import context_of, load_xquad_answers, sample_questions
from evals.benchmarks import BENCHMARKS_DIR, Benchmark, Question, load_xquad_th
from evals.run import (
    EvalError,
    EvalRun,
    Tier,
    check_thresholds,
    command,
    load_thresholds,
    run,
    tier_values,
)
from prachum.config import Settings, load_settings
from prachum.index.store import IndexStore
from rag.engine import Prachum
from tests.conftest import FakeEmbedder

# The local LLM answers in the extractor's JSON (rag/extract.py): spans of the numbered evidence lines
FAKE_LLM_ANSWER = ('{"facts":[' + ",".join(f'{{"s":{n},"text":"บรูไนดารุสซาลาม"}}' for n in range(1, 6)) +
                   '],"answer":"{1}"}')

CONTEXTS = [
    ("มหาวิทยาลัยเชียงใหม่ก่อตั้งเมื่อวันที่ ๑๘ มกราคม พ.ศ. ๒๕๐๗ เป็นมหาวิทยาลัยแห่งแรกในภูมิภาคเหนือของประเทศไทย "
     "ตั้งอยู่ที่อำเภอเมืองเชียงใหม่ มีนักศึกษาประมาณ 35,000 คน",
     [("q1", "มหาวิทยาลัยเชียงใหม่ก่อตั้งเมื่อใด", "๑๘ มกราคม พ.ศ. ๒๕๐๗"),
      ("q2", "มหาวิทยาลัยเชียงใหม่มีนักศึกษาประมาณกี่คน", "35,000 คน")]),
    ("แม่น้ำเจ้าพระยาเกิดจากการบรรจบกันของแม่น้ำปิงและแม่น้ำน่านที่จังหวัดนครสวรรค์ ไหลผ่านกรุงเทพมหานคร "
     "ก่อนลงสู่อ่าวไทยที่จังหวัดสมุทรปราการ ความยาวประมาณ 372 กิโลเมตร",
     [("q3", "แม่น้ำเจ้าพระยาเกิดจากการบรรจบกันของแม่น้ำใด", "แม่น้ำปิงและแม่น้ำน่าน"),
      ("q4", "How long is the Chao Phraya river (แม่น้ำเจ้าพระยา)?", "372 กิโลเมตร")]),
    ("การแข่งขันกีฬาซีเกมส์ครั้งที่ 24 จัดขึ้นที่จังหวัดนครราชสีมา ในเดือนธันวาคม พ.ศ. 2550 (ธ.ค. 50) "
     "ประเทศไทยได้เหรียญทองมากที่สุด",
     [("q5", "ซีเกมส์ครั้งที่ 24 จัดขึ้นที่จังหวัดใด", "นครราชสีมา")]),
]


def write_benchmarks(root: Path) -> Path:
    """A tiny copy of shared/benchmarks with the same layout and formats."""
    (root / "xquad").mkdir(parents=True)
    paragraphs = [{"context": "\ufeff" + text,
                   "qas": [{"id": qid, "question": q, "answers": [{"text": a, "answer_start": 0}]} for qid, q, a in qas]}
                  for text, qas in CONTEXTS]
    (root / "xquad" / "xquad.th.json").write_text(
        json.dumps({"data": [{"title": "ทดสอบ", "paragraphs": paragraphs}]}, ensure_ascii=False), encoding="utf-8")
    (root / "iapp_wiki_qa").mkdir()
    for split, rows in (("test", CONTEXTS[:2]), ("train", CONTEXTS[2:])):
        lines = [json.dumps({"question_id": qid, "question": q, "context": text}, ensure_ascii=False)
                 for text, qas in rows for qid, q, _ in qas]
        (root / "iapp_wiki_qa" / f"{split}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "ood_questions").mkdir()
    (root / "ood_questions" / "topics.mrtydi-v1.1-th.test.txt").write_text(
        "1\tเฮโมโกลบิน คืออะไร?\n2\tโตเกียวเป็นเมืองหลวงของประเทศใด\n3\tดาวอังคารมีดวงจันทร์กี่ดวง\n"
        "4\tพระเจ้าตากสินครองราชย์เมื่อ พ.ศ. ๒๓๑๐ ใช่หรือไม่\n", encoding="utf-8")
    return root


class CountingFakeChat(GenericFakeChatModel):
    """The fake LLM, counting the times it is asked (its spans may be rejected: the check is real)."""

    calls: int = 0

    def _stream(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        self.calls += 1
        yield from super()._stream(*args, **kwargs)


class FakeOpener:
    """Opens engines like Prachum.open, with the fake embedder and a fake "local" LLM; remembers the settings."""

    def __init__(self) -> None:
        self.opened: list[Settings] = []
        self.chats: list[CountingFakeChat] = []

    def __call__(self, settings: Settings) -> Prachum:
        self.opened.append(settings)
        chat = CountingFakeChat(messages=itertools.cycle([AIMessage(content=FAKE_LLM_ANSWER)]))
        self.chats.append(chat)
        return Prachum(settings, IndexStore(settings), FakeEmbedder(), chat_models={"local": chat})


def user_settings(tmp: Path) -> Settings:
    return load_settings({"data_dir": tmp / "user-index", "min_score": 0.3, "llm": "extractive",
                          "chroma_url": "http://127.0.0.1:9"}, use_files=False, use_env=False)


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[EvalRun, FakeOpener, Path]:
    tmp = tmp_path_factory.mktemp("eval-run")
    opener = FakeOpener()
    result = run(user_settings(tmp), answerers=("extractive", "local"), benchmarks=("xquad", "iapp", "ood"),
                 limit=3, out_dir=tmp / "reports", progress=False, open_engine=opener,
                 benchmarks_root=write_benchmarks(tmp / "benchmarks"))
    return result, opener, tmp


def test_run_uses_private_indexes_never_the_users(full_run):
    result, opener, tmp = full_run
    assert not (tmp / "user-index").exists()
    assert opener.opened, "no engine was opened"
    for settings in opener.opened:
        assert settings.chroma_url is None
        assert settings.data_dir.name in {"seeds", "xquad", "embedder"}
        assert not settings.data_dir.exists(), "temporary index left behind"
    # one index per corpus, shared by the parts that need it (seeds and ood use the same)
    assert sorted(s.data_dir.name for s in opener.opened) == ["seeds", "xquad"]


def test_seed_part(full_run):
    result, opener, _ = full_run
    seeds = result.seeds
    assert seeds is not None and seeds.documents == 5 and seeds.chunks > 5 and seeds.limit == 3
    assert len(seeds.items) == 3 and all(set(r.answers) == {"extractive", "local"} for r in seeds.items)
    local = [r.answers["local"] for r in seeds.items]
    assert sum(chat.calls for chat in opener.chats) > 0, "the fake LLM was not used"
    assert any(not a.refused for a in local)
    metrics = result.metrics()
    for answerer in ("extractive", "local"):
        for name in ("fact_recall", "all_facts_accuracy", "token_f1", "citation_precision", "refusal_precision",
                     "refusal_recall", "latency_ms.retrieval.p50", "latency_ms.first_token.p50", "latency_ms.total.p95"):
            assert 0.0 <= metrics[f"seeds.{answerer}.{name}"], name
    assert {"seeds.retrieval.hit_at_1", "seeds.retrieval.hit_at_5", "seeds.retrieval.mrr_at_10"} <= set(metrics)


def test_seed_part_measures_answer_form_and_asks_followups(full_run):
    result, _, _ = full_run
    seeds = result.seeds
    # limit 3 questions: one follow-up pair (two questions) per answerer
    assert sorted(r.answerer for r in seeds.followups) == ["extractive", "local"]
    metrics = result.metrics()
    for answerer in ("extractive", "local"):
        assert metrics[f"seeds.followups.{answerer}.n"] == 1.0
        assert 0.0 <= metrics[f"seeds.{answerer}.language_match_rate"] <= 1.0
        assert f"seeds.{answerer}.dated_answers" in metrics
        kinds = {r.item.kind for r in seeds.items}
        assert kinds <= set(seeds.metrics()[answerer]["by_kind"])
    md = result.paths["markdown"].read_text(encoding="utf-8")
    assert "## Follow-ups" in md and "#### extractive, by language" in md
    assert "median chars" in result.table()


def test_benchmark_parts(full_run):
    result, _, _ = full_run
    assert set(result.retrieval) == {"xquad-th", "iapp-test", "iapp-test+train"}
    assert set(result.retrieval["xquad-th"].results) == {"bm25", "dense", "hybrid"}
    assert result.retrieval["iapp-test+train"].n_contexts == 3
    xq = result.answers["xquad-th"]
    assert set(xq) == {"extractive", "local"}
    assert len(xq["extractive"].results) == 3 and xq["extractive"].contexts == 3
    for item in xq["extractive"].results:
        assert item.gold_context.startswith("xq") and item.golds
        assert all(p["source"].startswith("xq") for p in item.retrieved)
    assert 0.0 <= xq["extractive"].summary()["gold_retrieved"] <= 1.0
    assert result.ood is not None and len(result.ood.results) == 3
    assert result.metrics()["ood.n"] == 3.0


def test_reports_written_and_table(full_run):
    result, _, tmp = full_run
    assert set(result.paths) == {"json", "markdown"}
    saved = json.loads(result.paths["json"].read_text(encoding="utf-8"))
    assert saved["limit"] == 3 and saved["embedder"] == "fake-hash-embedder"
    assert len(saved["seeds"]["items"]) == 3
    md = result.paths["markdown"].read_text(encoding="utf-8")
    assert "## Retrieval benchmarks" in md and "## Out of domain" in md
    table = result.table()
    for part in ("Seed facts", "iapp-test+train", "xquad-th", "out of domain", str(result.paths["json"])):
        assert part in table


def test_thresholds_file_names_only_metrics_the_runner_produces(full_run):
    result, _, _ = full_run
    tiers = load_thresholds()
    assert set(tiers) >= {"extractive", "llm"}
    assert tiers["extractive"].answerers == ("extractive",) and tiers["extractive"].limit is None
    assert tiers["llm"].answerers == ("local",) and tiers["llm"].limit == 12
    measured = set(result.metrics())
    for tier in tiers.values():
        assert tier.minimums and set(tier.minimums) <= measured, set(tier.minimums) - measured
    assert '"seeds.extractive.fact_recall" = ' in tier_values(result, tiers["extractive"])


def test_run_rejects_unknown_parts(tmp_path: Path):
    with pytest.raises(EvalError, match="unknown answerer"):
        run(user_settings(tmp_path), answerers=("gpt",), out_dir=None, open_engine=FakeOpener())
    with pytest.raises(EvalError, match="unknown benchmark"):
        run(user_settings(tmp_path), benchmarks=("squad",), out_dir=None, open_engine=FakeOpener())
    with pytest.raises(EvalError, match="limit"):
        run(user_settings(tmp_path), limit=0, out_dir=None, open_engine=FakeOpener())


def test_cli_unknown_tier_is_a_clear_error():
    """`prachum eval` is a plug-in command; the `prachum` group shows its errors as one line."""
    from app.cli import cli

    outcome = CliRunner().invoke(cli, ["eval", "--tier", "nope", "--quiet"])
    assert outcome.exit_code == 1 and "Error: no tier 'nope'" in outcome.output
    assert "Traceback" not in outcome.output


# --- thresholds ---------------------------------------------------------------------------------
def test_check_thresholds_reports_a_drop():
    tier = Tier("t", ("extractive",), None, (), {"seeds.extractive.fact_recall": 0.8, "seeds.retrieval.hit_at_5": 0.9})
    assert check_thresholds({"seeds.extractive.fact_recall": 0.85, "seeds.retrieval.hit_at_5": 0.9}, tier) == []
    violations = check_thresholds({"seeds.extractive.fact_recall": 0.612, "seeds.retrieval.hit_at_5": 0.95}, tier)
    assert violations == ["seeds.extractive.fact_recall: 0.612 < minimum 0.800"]


def test_check_thresholds_never_passes_by_measuring_nothing():
    assert check_thresholds({"seeds.local.fact_recall": 0.9}, {"seeds.extractive.fact_recall": 0.5}) == [
        "seeds.extractive.fact_recall: not measured in this run (minimum 0.500)"]
    assert check_thresholds({"seeds.local.fact_recall": 0.9}, {}) != []


def test_load_thresholds_rejects_a_bad_file(tmp_path: Path):
    bad = tmp_path / "thresholds.toml"
    bad.write_text('[quick]\nanswerers = ["extractive"]\n', encoding="utf-8")
    with pytest.raises(EvalError, match=r"\[quick.min\]"):
        load_thresholds(bad)
    bad.write_text('[quick]\nanswerers = ["gpt"]\n[quick.min]\n"seeds.gpt.fact_recall" = 0.5\n', encoding="utf-8")
    with pytest.raises(EvalError, match="unknown answerer"):
        load_thresholds(bad)
    bad.write_text('[quick.min]\n"seeds.retrieval.hit_at_1" = "high"\n', encoding="utf-8")
    with pytest.raises(EvalError, match="numbers"):
        load_thresholds(bad)


# --- sampling -------------------------------------------------------------------------------------
def synthetic_benchmark(n: int) -> Benchmark:
    return Benchmark("synthetic", {"c0": "บริบท"}, tuple(Question(f"q{i}", f"คำถามที่ ๑{i}", "c0") for i in range(n)))


def test_sample_is_fixed_by_the_seed():
    bench = synthetic_benchmark(1190)
    first, again = sample_questions(bench), sample_questions(bench)
    assert len(first) == 100 and first == again and len({q.qid for q in first}) == 100
    assert sample_questions(bench, seed=14) != first
    assert len(sample_questions(synthetic_benchmark(40))) == 40


@pytest.mark.skipif(not BENCHMARKS_DIR.is_dir(), reason=f"external benchmarks not found at {BENCHMARKS_DIR}")
def test_xquad_sample_is_the_same_100_questions():
    sample = sample_questions(load_xquad_th())
    assert len(sample) == 100
    assert [q.qid for q in sample[:3]] == ["5726414e271a42140099d7e7", "5726847f708984140094c8ae",
                                           "5725dc1638643c19005ace01"]
    answers = load_xquad_answers()
    assert all(answers[q.qid] for q in sample)


def test_context_of_source_path():
    assert context_of("/tmp/prachum-eval-x/xquad-docs/xq00012.txt") == "xq00012"
