"""Hostile and careless questions, through the real `prachum` CLI over a seed index (fake vectors).

Each case asserts the exit code, a specific message, no traceback, and that asking changed nothing.
The files side of the same suite is tests/test_bad_input_files.py; the UI and /ask API side is in
tests/app. The one case whose refusal depends on e5 itself (a line of SQL) runs with the real model.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from app.cli import cli
from tests.conftest import SEEDS, FakeEmbedder


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seed index built once through the CLI; the tests only read it."""
    folder = tmp_path_factory.mktemp("bad-questions")
    shutil.copytree(SEEDS, folder / "seeds")
    result = ask_cli(folder / "data", "ingest", str(folder / "seeds"))
    assert result.exit_code == 0, result.output
    return folder / "data"


def ask_cli(data: Path, *args: str) -> Result:
    from rag.engine import Prachum

    obj = {"open_engine": lambda settings: Prachum.open(settings.replace(min_score=0.3), FakeEmbedder())}
    return CliRunner().invoke(cli, ["--data-dir", str(data), *args], obj=obj, catch_exceptions=True)


def index_files(data: Path) -> dict[str, object]:
    """What the index holds: the catalog's rows (SQLite may touch its files on a mere read) and the
    other files' modification times."""
    import sqlite3

    with sqlite3.connect(data / "catalog.sqlite") as conn:
        rows = {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("documents", "chunks", "garbage", "meetings")}
        rows["generation"] = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    files = {str(p.relative_to(data)): p.stat().st_mtime_ns for p in sorted(data.rglob("*"))
             if p.is_file() and not p.name.startswith("catalog.sqlite")}
    return {"catalog": rows, **files}


CASES = {
    "empty": ([""], "give either a QUESTION or --questions FILE"),
    "spaces": (["   "], "the question is empty"),
    "tabs and newlines": (["\t\n \n"], "the question is empty"),
    "emoji": (["🤔🔥💯🇹🇭"], "no words to search for"),
    "punctuation": (["?!.,;:()"], "no words to search for"),
    "thai signs only": (["๏ ๚ ๛"], "no words to search for"),
    "zero-width only": (["\u200b\u200c\u2060"], "the question is empty"),
    "over-long": (["ใครเป็นผู้แทนประเทศไทย " * 400], "the limit is 500 (setting max_question_chars)"),
    "since after until": (["SOCA Retreat จัดเมื่อไร", "--since", "31 ธ.ค. 64", "--until", "1 ม.ค. 64"],
                          "--since 31 ธ.ค. 64 is after --until 1 ม.ค. 64"),
    "unknown source": (["SOCA Retreat จัดเมื่อไร", "--source", "ไม่มีไฟล์นี้.txt"], "not in the index"),
    "bad date": (["SOCA Retreat จัดเมื่อไร", "--since", "๓๒ ก.พ. ๖๔"], "is not a date"),
}


@pytest.mark.parametrize("name", CASES)
def test_a_question_that_cannot_be_searched_gets_a_message_and_changes_nothing(name, data_dir):
    args, message = CASES[name]
    before = index_files(data_dir)
    result = ask_cli(data_dir, "ask", "--llm", "extractive", "--json", *args)
    assert result.exit_code != 0, result.output
    assert message in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert index_files(data_dir) == before


def test_a_good_question_still_gets_an_answer(data_dir):
    result = ask_cli(data_dir, "ask", "--llm", "extractive", "--json", "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert not answer["refused"] and answer["citations"]


@pytest.mark.model
@pytest.mark.parametrize("question", ["'; DROP TABLE embeddings; --", "SELECT * FROM users WHERE 1=1"])
def test_sql_is_refused_by_the_real_gate(question, model_settings, tmp_path):
    """Words, but none of them in the records: e5 alone finds something 'similar' to anything."""
    from ingest.pipeline import ingest_paths
    from rag.engine import Prachum

    engine = Prachum.open(model_settings.replace(data_dir=tmp_path / "data", llm="extractive"))
    ingest_paths([SEEDS], engine.settings, engine.store, engine.embedder, progress=False)
    answer = engine.ask(question)
    assert answer.refused and not answer.citations
