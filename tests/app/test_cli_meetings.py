"""`prachum meetings`, `prachum people` and the `route`/`rows` keys of `prachum ask --json`."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from app.cli import cli
from app.cli_meetings import fit, width
from rag.engine import Prachum
from tests.conftest import SEEDS, FakeEmbedder


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    """The CLI over one ingest of the seed records (fake vectors), shared by the tests of this module."""
    root = tmp_path_factory.mktemp("cli-meetings")
    shutil.copytree(SEEDS, root / "seeds")
    embedder = FakeEmbedder()
    obj = {"open_engine": lambda settings: Prachum.open(settings, embedder)}
    runner = CliRunner()
    env = {"PRACHUM_DATA_DIR": str(root / "data"), "PRACHUM_MIN_SCORE": "0.3", "PRACHUM_CONFIG": None}

    def invoke(*args: str):
        return runner.invoke(cli, ["--data-dir", str(root / "data"), *args], obj=dict(obj), env=env,
                             catch_exceptions=False)

    assert invoke("ingest", str(root / "seeds")).exit_code == 0
    return invoke


def test_meetings_lists_every_record_meeting_oldest_first(run):
    out = run("meetings")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].split()[:3] == ["date", "meeting", "ed."]
    days = [line[:10] for line in lines[2:-1]]
    assert days == ["2018-08-20", "2020-09-24", "2021-02-08", "2021-03-15", "2021-08-26"]
    assert "นางจตุพร โรจนพานิช" in out.output and "SOMSWD+3" in out.output
    assert lines[-1] == "5 meetings"


def test_meetings_by_person_in_english_and_period_in_thai(run):
    out = run("meetings", "--person", "Ms. Wimonrat Ratchukul", "--since", "1 ม.ค. 64", "--json")
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert [r["date"] for r in rows] == ["2021-02-08", "2021-03-15"]
    assert {"date", "meeting", "edition", "host", "head", "record"} <= set(rows[0])
    assert rows[1]["edition"] == 16 and rows[1]["record"].endswith("001_e3f30d82e82d8486.txt")


def test_a_bad_date_is_one_error_line(run):
    out = CliRunner().invoke(cli, ["meetings", "--since", "เมื่อวาน"])
    assert out.exit_code == 2 and "is not a date" in out.output


def test_people_shows_positions_over_time(run):
    out = run("people", "นางจตุพร โรจนพานิช")
    assert out.exit_code == 0
    text = out.output
    assert "นางจตุพร โรจนพานิช  (3 meetings)" in text
    assert text.index("ผู้ช่วยปลัดกระทรวง") < text.index("ผู้ตรวจราชการกระทรวง")
    data = [json.loads(line) for line in run("people", "Jatuporn Rojanapanich", "--json").output.splitlines()]
    assert [a["date"] for a in data[0]["appearances"]] == ["2021-02-08", "2021-03-15", "2021-08-26"]


def test_an_unknown_person_is_one_error_line(run):
    out = run("people", "นายสมชาย ใจดี")
    assert out.exit_code == 1
    assert out.output.startswith("Error: no record names 'นายสมชาย ใจดี'") and "Traceback" not in out.output


def test_ask_json_has_the_route_and_the_catalog_rows(run):
    out = run("ask", "นางจตุพร โรจนพานิช เข้าร่วมการประชุมใดบ้าง", "--llm", "extractive", "--json")
    answer = json.loads(out.output)
    assert answer["route"] == "catalog" and not answer["refused"]
    assert {"question", "answer", "refused", "citations", "timings_ms", "facts"} <= set(answer)
    assert len(answer["rows"]) == 3 and len({c["source"] for c in answer["citations"]}) == 3
    assert answer["answer"].startswith("จากบันทึกทั้งหมด 5 ฉบับ พบ นางจตุพร โรจนพานิช ในการประชุม 3 ครั้ง")
    passage = json.loads(run("ask", "การประชุม SOCA Retreat จัดขึ้นเมื่อไร", "--llm", "extractive", "--json").output)
    assert passage["route"] == "passages" and "rows" not in passage


def test_terminal_columns_ignore_thai_marks():
    assert width("ประชุม") == 5  # ุ sits below and takes no column
    assert width(fit("การประชุมเจ้าหน้าที่อาวุโส", 8)) == 8
