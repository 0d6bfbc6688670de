"""The `prachum` command line: user-facing behaviour, errors as one clear line, the JSON contract."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import cli
from rag.engine import Prachum
from tests.conftest import SEEDS, FakeEmbedder


@pytest.fixture
def fake_models(monkeypatch: pytest.MonkeyPatch) -> dict:
    """The CLI's context with an engine opener that uses the fake embedder: fast, no model load.

    Handed to the CLI as ``obj`` (see `run`), the way the CLI documents its injection point.
    """
    embedder = FakeEmbedder()
    monkeypatch.setenv("PRACHUM_MIN_SCORE", "0.3")  # the gate is calibrated for e5, not for hashed words
    return {"open_engine": lambda settings: Prachum.open(settings, embedder)}


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRACHUM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PRACHUM_CONFIG", raising=False)
    runner = CliRunner()
    obj = request.getfixturevalue("fake_models") if "fake_models" in request.fixturenames else {}

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), input=input, obj=dict(obj), catch_exceptions=False)

    return invoke


def copy_seeds(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def test_ingest_sources_and_idempotent_reingest(run, fake_models, tmp_path):
    copy_seeds(tmp_path)
    first = run("ingest", "seeds")
    assert first.exit_code == 0, first.output
    assert "5 added" in first.output
    assert "added     seeds/003_f9ff260f397ac10e.txt" in first.output
    listed = run("sources")
    for day in ("2020-09-24", "2021-03-15", "2018-08-20", "2021-02-08", "2021-08-26"):
        assert day in listed.output
    assert "5 documents" in listed.output
    again = run("ingest", "seeds")
    assert "0 added, 0 updated, 5 unchanged, 0 failed" in again.output


def test_changed_file_is_updated_and_pruned_file_removed(run, fake_models, tmp_path):
    seeds = copy_seeds(tmp_path)
    run("ingest", "seeds")
    doc = seeds / "002_d332b30e73633e87.txt"
    doc.write_text(doc.read_text(encoding="utf-8") + "\nเพิ่มเติม: มีผู้เข้าร่วม ๕๐ คน\n", encoding="utf-8")
    (seeds / "004_3bbcc50efedd5578.txt").unlink()
    result = run("ingest", "--prune", "seeds")
    assert "1 updated" in result.output and "4 unchanged" not in result.output
    assert "removed" in result.output
    docs = [json.loads(line) for line in run("sources", "--json").output.splitlines()]
    assert len(docs) == 4
    assert not any(d["source"].endswith("004_3bbcc50efedd5578.txt") for d in docs)


def test_bad_files_are_reported_by_name_and_the_rest_go_in(run, fake_models, tmp_path):
    (tmp_path / "good.txt").write_text("การประชุมคณะกรรมการ เมื่อวันที่ ๑ ม.ค. ๒๕๖๕", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    result = run("ingest", "good.txt", "empty.txt", "image.png", "missing.pdf")
    assert result.exit_code == 0
    assert "1 added" in result.output and "3 failed" in result.output
    assert "image.png" in result.output and "unsupported file type .png" in result.output
    assert "missing.pdf" in result.output and "no such file" in result.output
    assert "Traceback" not in result.output


def test_only_failures_exit_nonzero_and_change_nothing(run, fake_models, tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    result = run("ingest", "broken.pdf")
    assert result.exit_code == 1
    assert "broken.pdf" in result.output
    assert "no documents indexed yet" in run("sources").output


def test_user_errors_are_one_line_not_tracebacks(run, fake_models, tmp_path, monkeypatch):
    monkeypatch.setenv("PRACHUM_K", "many")
    result = run("sources")
    assert result.exit_code == 1
    assert "Error: setting 'k' expects int" in result.output
    monkeypatch.delenv("PRACHUM_K")
    empty = run("ask", "ใครเป็นประธาน", "--llm", "extractive")
    assert empty.exit_code == 1 and "the index is empty" in empty.output
    copy_seeds(tmp_path)
    run("ingest", "seeds")
    bad_date = run("ask", "ใครเป็นประธาน", "--llm", "extractive", "--since", "เมื่อวาน")
    assert bad_date.exit_code == 2 and "not a date" in bad_date.output
    both = run("ask", "q", "--questions", "-", input="q\n")
    assert both.exit_code == 2


def test_ask_json_contract(run, fake_models, tmp_path):
    copy_seeds(tmp_path)
    run("ingest", "seeds")
    result = run("ask", "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat", "--llm", "extractive", "--json")
    data = json.loads(result.output)
    assert set(data) == {"question", "answer", "refused", "citations", "timings_ms", "facts", "route"}
    assert data["facts"] and {"text", "kind", "n"} == set(data["facts"][0])
    assert data["facts"][0]["kind"] == "person" and data["facts"][0]["text"] in data["answer"]
    assert set(data["timings_ms"]) >= {"retrieve", "generate", "total"}
    assert data["refused"] is False and data["citations"]
    first = data["citations"][0]
    assert set(first) >= {"n", "source", "title", "date", "text", "score"}
    assert first["n"] == 1
    assert first["source"] == "seeds/003_f9ff260f397ac10e.txt"
    assert first["date"] == "2021-02-08"


def test_ask_questions_file_prints_one_json_per_line_in_order(run, fake_models, tmp_path):
    copy_seeds(tmp_path)
    run("ingest", "seeds")
    questions = ["การประชุม SOCCOM ครั้งที่ ๑๖ จัดขึ้นเมื่อไร", "SOCA Retreat จัดขึ้นที่ไหน"]
    (tmp_path / "q.txt").write_text("\n".join(questions) + "\n\n", encoding="utf-8")
    result = run("ask", "--questions", "q.txt", "--json", "--llm", "extractive")
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["question"] for line in lines] == questions


def test_human_output_marks_the_supporting_sentence(run, fake_models, tmp_path):
    copy_seeds(tmp_path)
    run("ingest", "seeds")
    result = run("ask", "การประชุม SOCCOM ครั้งที่ ๑๖ จัดขึ้นเมื่อไร", "--llm", "extractive")
    assert "[1]" in result.output
    assert "»" in result.output and "«" in result.output
    assert "  seeds/0" in result.output  # the cited source, as a path relative to here


def test_remove_a_document(run, fake_models, tmp_path):
    copy_seeds(tmp_path)
    run("ingest", "seeds")
    assert "removed seeds/002_d332b30e73633e87.txt" in run("remove", "seeds/002_d332b30e73633e87.txt").output
    missing = run("remove", "seeds/002_d332b30e73633e87.txt")
    assert missing.exit_code == 1 and "is not in the index" in missing.output


def test_a_date_range_that_ends_before_it_starts_is_an_error(run, fake_models, tmp_path):
    copy_seeds(tmp_path)
    run("ingest", "seeds")
    result = run("ask", "ใครเป็นประธาน", "--llm", "extractive", "--since", "1 ม.ค. 65", "--until", "2021-01-01")
    assert result.exit_code == 2
    assert "--since 1 ม.ค. 65 is after --until 2021-01-01" in result.output
    assert "Traceback" not in result.output


def test_a_source_that_is_not_indexed_is_an_error(run, fake_models, tmp_path):
    copy_seeds(tmp_path)
    run("ingest", "seeds")
    result = run("ask", "SOCA Retreat จัดขึ้นที่ไหน", "--llm", "extractive", "--source", "seeds/nothing.txt")
    assert result.exit_code == 2
    assert "'seeds/nothing.txt' is not in the index" in result.output and "prachum sources" in result.output
    one = run("ask", "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat", "--llm", "extractive", "--json",
              "--source", "seeds/003_f9ff260f397ac10e.txt")
    assert one.exit_code == 0, one.output
    data = json.loads(one.output)
    assert {c["source"] for c in data["citations"]} == {"seeds/003_f9ff260f397ac10e.txt"}


def test_listing_and_removing_never_load_the_embedding_model(run, tmp_path, monkeypatch):
    """No opener injected: the real one opens the index, and the ~15 s model load is not needed to list."""
    def no_model(settings):
        raise AssertionError("the embedding model was loaded")

    monkeypatch.setattr("prachum.models.embedder.load_embedder", no_model)
    assert "no documents indexed yet" in run("sources").output
    missing = run("remove", "seeds/002_d332b30e73633e87.txt")
    assert missing.exit_code == 1 and "is not in the index" in missing.output


def test_serve_honours_auth_on_loopback_and_says_so(run, fake_models, tmp_path, monkeypatch):
    served: dict = {}
    monkeypatch.setattr("app.ui.launch", lambda lib, **kwargs: served.update(kwargs, lib=lib))
    monkeypatch.setenv("PRACHUM_UI_AUTH", "somchai:secret")
    result = run("serve", "--llm", "extractive", "--port", "7999")
    assert result.exit_code == 0, result.output
    assert served["auth"] == ("somchai", "secret") and served["host"] == "127.0.0.1"
    assert "asks for a login as 'somchai'" in result.output and "secret" not in result.output
    monkeypatch.delenv("PRACHUM_UI_AUTH")
    bad = run("serve", "--auth", "nopassword")
    assert bad.exit_code == 2 and "user:password" in bad.output


# ---------------------------------------------------------------- real model and real Chroma server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path):
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.server
@pytest.mark.model
def test_server_mode_goes_through_chroma_http(run, tmp_path, chroma_server, monkeypatch):
    copy_seeds(tmp_path)
    monkeypatch.setenv("PRACHUM_CHROMA_URL", chroma_server)
    assert "5 added" in run("ingest", "seeds").output
    assert "5 unchanged" in run("ingest", "seeds").output
    # the data lives in the server: a fresh client (and no local chroma folder) sees it
    assert not (tmp_path / "data" / "chroma").exists()
    import chromadb

    host, port = chroma_server.rsplit(":", 1)
    client = chromadb.HttpClient(host="127.0.0.1", port=int(port))
    assert client.get_collection("prachum").count() >= 5
    data = json.loads(run("ask", "Who represented Thailand at the SOCA Retreat?", "--llm", "extractive", "--json").output)
    assert data["citations"][0]["source"] == "seeds/003_f9ff260f397ac10e.txt"


@pytest.mark.model
def test_real_model_end_to_end_thai_and_english(run, tmp_path):
    copy_seeds(tmp_path)
    assert "5 added" in run("ingest", "seeds").output
    thai = json.loads(run("ask", "การประชุม SOCCOM ครั้งที่ ๑๖ จัดขึ้นเมื่อไร", "--llm", "extractive", "--json").output)
    assert not thai["refused"]
    assert "15 มีนาคม 2564" in thai["answer"]  # the record's "๑๕ มีนาคม ๒๕๖๔" in the reader's form
    assert thai["citations"][0]["source"] == "seeds/001_e3f30d82e82d8486.txt"
    off_topic = json.loads(run("ask", "จังหวัดมหาสารคาม อยู่ภาคใดของไทย", "--llm", "extractive", "--json").output)
    assert off_topic["refused"] and off_topic["citations"] == []
    assert off_topic["answer"] == "ไม่พบข้อมูลนี้ในบันทึกการประชุม"
    english_refusal = json.loads(run("ask", "What is the capital of Peru?", "--llm", "extractive", "--json").output)
    assert english_refusal["refused"] and english_refusal["answer"] == "Not found in the meeting records."
