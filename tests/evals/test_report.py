"""Report rendering: terminal table, Markdown failure details, JSON contents and file names."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import evals.report
from evals.answer_bench import AnswerBenchReport, BenchAnswer, OODAnswer, OODReport
from evals.benchmarks import RetrievalMetrics, RetrievalReport
from evals.facts_file import FactItem
from evals.followups import FollowupItem, FollowupResult
from evals.report import flat_metrics, main, write_reports
from evals.report_console import render_table, text_table
from evals.report_markdown import md_table, render_markdown
from evals.run import EvalRun
from evals.seed_scoring import AnswerResult, SeedItemResult
from evals.seeds import SeedReport
from prachum.config import load_settings

SOMSWD = "000_e91d83dd3f878e86.txt"
LONG_PASSAGE = ("วันที่ 24 กันยายน 2563 เวลา 09.00 – 14.00 น. ณ ห้องประชุมชั้น 8 อาคารกรมพัฒนาสังคมและสวัสดิการ "
                "นางสาววิมลรัตน์ รัชชุกูล ผู้อำนวยการกองการต่างประเทศ เข้าร่วมการประชุม SOMSWD+3 ครั้งที่ ๑๕ "
                "ผ่านระบบการประชุมทางไกล ซึ่งสาธารณรัฐฟิลิปปินส์เป็นประธาน")


def seed_item(qid: str, answerable: bool) -> FactItem:
    return FactItem(qid, "การประชุม SOMSWD+3 ครั้งที่ 15 จัดขึ้นเมื่อไร" if answerable else "งบประมาณของ SOCA ปี ๒๕๖๔ เท่าไร",
                    "th", answerable, (("24 กันยายน 2563", "24 September 2020"),) if answerable else (),
                    "จัดขึ้นวันที่ 24 กันยายน 2563" if answerable else "ไม่พบข้อมูลนี้ในบันทึกการประชุม",
                    frozenset({SOMSWD}) if answerable else frozenset(), "when" if answerable else "unanswerable")


def answer(answerer: str, text: str, refused: bool, passed_facts: bool | None, cites=()) -> AnswerResult:
    return AnswerResult(
        answerer=answerer, answer=text, refused=refused,
        fact_recall=None if passed_facts is None else float(passed_facts),
        all_facts=passed_facts, token_f1=None if passed_facts is None else 0.4,
        citation_precision=1.0 if cites else 0.0,
        missing_facts=[] if passed_facts in (None, True) else ["24 กันยายน 2563"],
        citations=[{"n": i, "source": s, "text": "…"} for i, s in enumerate(cites, start=1)],
        timings_ms={"retrieve": 20.0, "first_token": 900.0, "total": 1500.0}, fallback=False,
    )


def retrieved() -> list[dict]:
    return [{"rank": 1, "source": SOMSWD, "score": 1.98, "text": LONG_PASSAGE[:120] + "…"},
            {"rank": 2, "source": "002_d332b30e73633e87.txt", "score": 0.67, "text": "พส. ผสานความร่วมมือ 20 ส.ค. 61"}]


@pytest.fixture
def payload() -> dict:
    ok = SeedItemResult(seed_item("q001", True), [SOMSWD], retrieved(), 11.0, True, True, 1.0)
    ok.answers["extractive"] = answer("extractive", "วันที่ ๒๔ กันยายน ๒๕๖๓ [1]", False, True, [SOMSWD])
    ok.answers["local"] = answer("local", "ไม่พบข้อมูลนี้ในบันทึกการประชุม", True, False)
    bad = SeedItemResult(seed_item("q082", False), [SOMSWD], retrieved(), 9.0)
    bad.answers["extractive"] = answer("extractive", "งบประมาณตามที่ประชุม ก.พ. 64 [1]", False, None, [SOMSWD])
    bad.answers["local"] = answer("local", "ไม่พบข้อมูลนี้ในบันทึกการประชุม", True, None)
    seeds = SeedReport(("extractive", "local"), [ok, bad], documents=5, chunks=43, index_seconds=12.5)

    xq = AnswerBenchReport("xquad-th", "extractive", 13, contexts=240, chunks=260, index_seconds=30.0)
    xq.results = [
        BenchAnswer("q-a", "ใครเป็นผู้ก่อตั้ง", ["นายเอ"], "xq00001", "ผู้ก่อตั้งคือนายเอ", False, False, True, 0.5,
                    True, 1, True, False, retrieved(), ["xq00001"], {"retrieve": 30.0, "total": 80.0, "first_token": 80.0}),
        BenchAnswer("q-b", "เกิดขึ้นในปี ค.ศ. 1990 ที่ไหน", ["กรุงเทพ"], "xq00007", "ไม่พบข้อมูลนี้", True, False, False,
                    0.0, False, None, False, True, retrieved(), [], {"retrieve": 25.0, "total": 60.0, "first_token": 60.0}),
    ]
    ood = OODReport("mrtydi-th", "extractive", [
        OODAnswer("1", "เฮโมโกลบิน คืออะไร?", True, "", {"coverage": 0.1, "dense": 0.7, "score": 0.1}, ""),
        OODAnswer("2", "SOCA | ย่อมาจากอะไร", False, "SOCA คือ ...", {"coverage": 0.6, "dense": 0.8, "score": 0.6}, SOMSWD),
    ])
    retrieval = RetrievalReport("xquad-th", 1190, 240, {"bm25_index_s": 0.8, "dense_index_s": 41.0},
                                {"bm25": RetrievalMetrics(0.93, 0.98, 0.99, 0.95, 1190),
                                 "dense": RetrievalMetrics(0.7, 0.88, 0.92, 0.78, 1190),
                                 "hybrid": RetrievalMetrics(0.94, 0.99, 0.995, 0.96, 1190)})
    settings = load_settings({"data_dir": "/tmp/not-used", "openai_api_key": "secret-key"}, use_files=False, use_env=False)
    run = EvalRun(settings, ("extractive", "local"), ("xquad", "ood"), None, embedder="fake-e5",
                  created="2026-01-02T03:04:05", seconds=321.0, seeds=seeds, retrieval={"xquad-th": retrieval},
                  answers={"xquad-th": {"extractive": xq}}, ood=ood)
    return run.to_json()


def test_json_is_serialisable_and_keeps_no_secret(payload: dict):
    text = json.dumps(payload, ensure_ascii=False)
    assert "secret-key" not in text and "/tmp/not-used" not in text
    again = json.loads(text)
    assert again["seeds"]["metrics"]["extractive"]["fact_recall"] == 1.0
    assert again["seeds"]["items"][1]["answers"]["extractive"]["passed"] is False
    assert again["answers"]["xquad-th"]["extractive"]["metrics"]["contains_gold"] == 0.5
    assert again["ood"]["metrics"] == {"n": 2, "refused": 1, "refusal_rate": 0.5, "answered": 1}


def test_flat_metrics_paths(payload: dict):
    flat = flat_metrics(payload)
    assert flat["seeds.retrieval.hit_at_1"] == 1.0
    assert flat["seeds.extractive.refusal_recall"] == 0.0 and flat["seeds.local.refusal_recall"] == 1.0
    assert flat["seeds.local.latency_ms.first_token.p50"] == 900.0
    assert flat["retrieval.xquad-th.hybrid.mrr_10"] == 0.96
    assert flat["answers.xquad-th.extractive.gold_retrieved"] == 0.5
    assert flat["ood.refusal_rate"] == 0.5
    assert all(isinstance(v, float) for v in flat.values())


def test_terminal_table(payload: dict):
    table = render_table(payload)
    assert "Seed facts: 2 questions over 5 records (43 chunks" in table
    assert "hit@1 100.0%" in table
    ext = next(line for line in table.splitlines() if line.startswith("extractive"))
    assert "100.0" in ext and "1/2" in ext and "1,500" in ext
    assert "failed (extractive): q082" in table and "failed (local): q001 q082" not in table
    assert "failed (local): q001" in table
    assert "xquad-th" in table and "hybrid" in table and "94.0" in table and "41.8" in table
    assert "refused 50.0% (1/2)" in table


def test_markdown_failure_shows_expected_got_and_retrieved(payload: dict):
    md = render_markdown(payload)
    assert md.startswith("# Prachum evaluation, 2026-01-02T03:04:05")
    assert "### Failures: extractive (1)" in md and "### Failures: local (1)" in md
    local_part = md.split("### Failures: local")[1].split("## Retrieval benchmarks")[0]
    # the refused answerable question: expected facts and sources, what came back, the passages
    assert "#### q001 (th, when): refused" in local_part
    assert "24 กันยายน 2563 / 24 September 2020" in local_part and SOMSWD in local_part
    assert "(refused) ไม่พบข้อมูลนี้ในบันทึกการประชุม" in local_part
    assert f"1. `{SOMSWD}` (1.980): {LONG_PASSAGE[:120]}…" in local_part
    assert "2. `002_d332b30e73633e87.txt` (0.670): พส. ผสานความร่วมมือ 20 ส.ค. 61" in local_part
    # the unanswerable question answered anyway
    ext_part = md.split("### Failures: extractive")[1].split("### Failures: local")[0]
    assert "#### q082 (th, unanswerable): answered instead of refusing" in ext_part
    assert "งบประมาณตามที่ประชุม ก.พ. 64" in ext_part and "a refusal" in ext_part


def test_markdown_benchmark_sections(payload: dict):
    md = render_markdown(payload)
    assert "| xquad-th | 1190 | 240 | hybrid | 94.0 | 99.0 | 99.5 | 96.0 | 41.8 |" in md
    assert "### Failures: xquad-th, extractive (1," in md
    assert "#### q-b" in md and "gold context `xq00007` not in the top 10" in md
    assert "narrowed by a date in the question" in md
    assert "### Answered anyway (1)" in md
    assert "SOCA \\| ย่อมาจากอะไร" in md  # a pipe in a question does not break the table


def test_write_reports_json_and_markdown(payload: dict, tmp_path: Path, capsys: pytest.CaptureFixture):
    first = write_reports(payload, tmp_path / "reports")
    second = write_reports(dict(payload), tmp_path / "reports")
    assert first["json"].name == "eval-20260102-030405.json" and first["markdown"].suffix == ".md"
    assert second["json"].name == "eval-20260102-030405-2.json"
    saved = json.loads(first["json"].read_text(encoding="utf-8"))
    assert saved["paths"]["markdown"] == str(first["markdown"])
    assert "#### q082" in first["markdown"].read_text(encoding="utf-8")
    assert main([str(first["json"])]) == 0
    assert "Seed facts" in capsys.readouterr().out


def test_tables_align_thai_text():
    table = text_table(["name", "value"], [["ประชุม", "1.0"], ["SOCA", "12.5"]])
    lines = table.splitlines()
    assert lines[2].endswith(" 1.0") and lines[3].endswith("12.5")
    assert md_table(["a", "b"], [["ก.พ. 64", "1.0"]]).splitlines()[1] == "|---|---:|"



# --- answer form, breakdown and follow-ups (issue #9) ----------------------------------------------
def en_seed_item(qid: str) -> FactItem:
    return FactItem(qid, "When was the 15th SOMSWD+3 held?", "en", True, (("24 กันยายน 2563", "24 September 2020"),),
                    "On 24 September 2020.", frozenset({SOMSWD}), "when")


def formed(answerer: str, text: str, refused: bool, passed: bool | None, **form) -> AnswerResult:
    result = answer(answerer, text, refused, passed, [SOMSWD] if not refused else ())
    for key, value in form.items():
        setattr(result, key, value)
    return result


@pytest.fixture
def form_payload() -> dict:
    th = SeedItemResult(seed_item("q001", True), [SOMSWD], retrieved(), 11.0, True, True, 1.0)
    th.answers["extractive"] = formed("extractive", "๒๔ กันยายน ๒๕๖๓ [1]", False, True, length=16, fact_first=True,
                                      language="th", language_match=True, date_form=True)
    en = SeedItemResult(en_seed_item("q099"), [SOMSWD], retrieved(), 10.0, True, True, 1.0)
    en.answers["extractive"] = formed("extractive", "ผ่านระบบการประชุมทางไกล [1] · 24 ก.ย. 63 [1]", False, False,
                                      length=40, fact_first=False, language="th", language_match=False,
                                      date_form=False)
    pair = FollowupItem("f006", "en", "Who represented Thailand at the SOCA Retreat?", "What was her position at the time?",
                        (("ผู้ช่วยปลัดกระทรวง", "Assistant Permanent Secretary"),), "Assistant Permanent Secretary.",
                        frozenset({"003_f9ff260f397ac10e.txt"}))
    followup = FollowupResult(pair, "extractive", "นางจตุพร โรจนพานิช [1]", False, "ไม่พบข้อมูลนี้ในบันทึกการประชุม", True,
                              "What was her position at the time?", 0.0, False, ["ผู้ช่วยปลัดกระทรวง"], False, [],
                              {"total": 30.0})
    seeds = SeedReport(("extractive",), [th, en], documents=5, chunks=43, index_seconds=12.5, followups=[followup])
    settings = load_settings({"data_dir": "/tmp/not-used"}, use_files=False, use_env=False)
    return EvalRun(settings, ("extractive",), (), None, embedder="fake-e5", created="2026-01-02T03:04:05",
                   seconds=12.0, seeds=seeds).to_json()


def test_headline_form_numbers_in_json_and_flat_metrics(form_payload: dict):
    m = form_payload["seeds"]["metrics"]["extractive"]
    assert m["answer_length_median"] == 28.0 and m["fact_first_rate"] == 0.5
    assert m["language_match_rate"] == 0.5 and m["date_form_rate"] == 0.5 and m["dated_answers"] == 2
    assert m["by_lang"]["en"]["language_match_rate"] == 0.0 and m["by_lang"]["th"]["fact_first_rate"] == 1.0
    assert m["by_kind"]["when"]["n"] == 2
    flat = flat_metrics(form_payload)
    assert flat["seeds.extractive.by_lang.en.answer_length_median"] == 40.0
    assert flat["seeds.followups.extractive.fact_recall"] == 0.0
    assert flat["seeds.followups.extractive.by_lang.en.refused"] == 1.0
    json.dumps(form_payload, ensure_ascii=False)


def test_terminal_table_shows_the_form_columns_and_followups(form_payload: dict):
    table = render_table(form_payload)
    for column in ("fact first %", "median chars", "lang match %", "date form %"):
        assert column in table, column
    ext = next(line for line in table.splitlines() if line.startswith("extractive"))
    assert " 28 " in ext and "50.0" in ext
    assert "extractive, en questions (1): fact recall 0.0%, fact first 0.0%, answered in en 0.0%" in table
    assert "Follow-ups: 1 pairs" in table and "failed follow-ups (extractive): f006" in table


def test_markdown_breakdown_and_followup_sections(form_payload: dict):
    md = render_markdown(form_payload)
    assert "### Answers by question kind and by language" in md
    assert "#### extractive, by kind" in md and "#### extractive, by language" in md
    assert "| en | 1 | 1 | 0.0 | 0.0 | 100.0 | 40 | 0.0 | 0.0 | 0.0 | 1 | 100.0 | 100.0 |" in md
    assert "## Follow-ups" in md and "### Follow-up failures: extractive (1)" in md
    part = md.split("### Follow-up failures: extractive")[1]
    assert "#### f006 (en): refused" in part
    assert "- **first answer:** นางจตุพร โรจนพานิช [1]" in part
    assert "What was her position at the time?" in part and "Assistant Permanent Secretary" in part


def test_old_reports_without_form_numbers_still_render(payload: dict):
    for name in ("answer_length_median", "fact_first_rate", "language_match_rate", "date_form_rate"):
        for answerer in ("extractive", "local"):
            payload["seeds"]["metrics"][answerer].pop(name)
            payload["seeds"]["metrics"][answerer].pop("by_kind", None)
            payload["seeds"]["metrics"][answerer].pop("by_lang", None)
    payload["seeds"].pop("followups")
    assert "Seed facts" in render_table(payload) and "## Follow-ups" not in render_markdown(payload)


def test_evals_report_still_exports_the_renderers():
    """run.py and `python -m evals.report` reach both renderings through evals.report."""
    assert (evals.report.render_table, evals.report.text_table) == (render_table, text_table)
    assert (evals.report.render_markdown, evals.report.md_table) == (render_markdown, md_table)
    assert set(evals.report.__all__) <= set(vars(evals.report))
