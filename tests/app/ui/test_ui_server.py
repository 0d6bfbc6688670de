"""The UI served for real on a loopback port, used through gradio_client as a programmatic user would."""
from __future__ import annotations

import json
import re
import socket
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.ui import _check_port
from prachum.errors import UiError
from rag.prompts import REFUSAL
from tests.app.conftest import OFF_TOPIC_Q, SOCA_Q
from tests.conftest import SEEDS


def test_a_taken_port_is_a_clear_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        with pytest.raises(UiError, match="--port"):
            _check_port("127.0.0.1", s.getsockname()[1])


@pytest.fixture(scope="module")
def client(ui_server):
    from gradio_client import Client

    url, _ = ui_server
    return Client(url, verbose=False)


CONTRACT_KEYS = {"question", "answer", "refused", "citations", "timings_ms", "facts", "route"}  # "route" came last
CITATION_KEYS = {"n", "source", "title", "date", "text", "score", "highlights"}


def _without_timings(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k != "timings_ms"}


@pytest.mark.server
def test_only_the_named_endpoints_are_public(client):
    api = client.view_api(return_format="dict", print_info=False)
    assert set(api["named_endpoints"]) == {"/ask", "/sources"}
    assert not api["unnamed_endpoints"]


@pytest.mark.server
def test_ask_returns_the_cli_json_contract(client, ui_server):
    _, engine = ui_server
    got = client.predict(SOCA_Q, api_name="/ask")
    assert set(got) == CONTRACT_KEYS
    assert not got["refused"] and got["citations"]
    for c in got["citations"]:
        assert set(c) == CITATION_KEYS
        assert all(0 <= s < e <= len(c["text"]) for s, e in c["highlights"])
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", got["answer"])}
    assert numbers and numbers <= {c["n"] for c in got["citations"]}
    assert all(set(f) == {"text", "kind", "n"} and f["n"] in {c["n"] for c in got["citations"]} for f in got["facts"])
    expected = engine.ask(SOCA_Q, answerer="extractive").to_json()  # what `prachum ask --json` prints
    assert _without_timings(got) == json.loads(json.dumps(_without_timings(expected)))


@pytest.mark.server
def test_ask_refuses_off_topic_questions(client):
    got = client.predict(OFF_TOPIC_Q, api_name="/ask")
    assert got["refused"] and got["citations"] == [] and got["answer"] == REFUSAL["th"]


@pytest.mark.server
def test_ask_with_thai_date_filters(client):
    since = client.predict("การประชุมอาเซียน", since="1 ม.ค. ๒๕๖๔", api_name="/ask")
    assert since["citations"] and all(c["date"] >= "2021-01-01" for c in since["citations"])
    until = client.predict("การประชุมอาเซียน", until="31 ธ.ค. 63", api_name="/ask")
    assert until["citations"] and all(c["date"] <= "2020-12-31" for c in until["citations"])


@pytest.mark.server
def test_ask_within_one_document_and_with_the_llm(client):
    got = client.predict(SOCA_Q, sources=["seeds/003_f9ff260f397ac10e.txt"], answerer="local", k=3,
                         api_name="/ask")
    assert got["citations"]
    assert {c["source"] for c in got["citations"]} == {"seeds/003_f9ff260f397ac10e.txt"}


@pytest.mark.server
def test_ask_english_question(client):
    english = client.predict("Which country hosted the SOCA Retreat in February 2021?", api_name="/ask")
    assert set(english) == CONTRACT_KEYS
    assert english["question"] == "Which country hosted the SOCA Retreat in February 2021?"


@pytest.mark.server
def test_ask_passes_the_history_for_follow_ups(client, ui_server, monkeypatch):
    _, engine = ui_server
    seen: list[tuple] = []
    real_stream = engine.stream

    def recording(question, history=(), *args, **kwargs):
        seen.append((question, list(history)))
        return real_stream(question, history, *args, **kwargs)

    monkeypatch.setattr(engine, "stream", recording)
    follow = client.predict("เขาดำรงตำแหน่งอะไร", history=[[SOCA_Q, "นางจตุพร โรจนพานิช [1]"]], api_name="/ask")
    assert set(follow) == CONTRACT_KEYS and follow["question"] == "เขาดำรงตำแหน่งอะไร"
    assert seen == [("เขาดำรงตำแหน่งอะไร", [(SOCA_Q, "นางจตุพร โรจนพานิช [1]")])]
    with pytest.raises(Exception, match="pairs"):
        client.predict("เขาดำรงตำแหน่งอะไร", history=[["only a question"]], api_name="/ask")


@pytest.mark.server
def test_ask_user_errors_are_messages(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="not a date"):
        client.predict(SOCA_Q, since="เมื่อวาน", api_name="/ask")
    with pytest.raises(AppError, match="/sources endpoint"):
        client.predict(SOCA_Q, sources=["ไม่มี.pdf"], api_name="/ask")
    with pytest.raises(AppError, match="answerer must be one of"):
        client.predict(SOCA_Q, answerer="gpt-9", api_name="/ask")


@pytest.mark.server
def test_sources_endpoint_lists_the_records(client):
    docs = client.predict(api_name="/sources")
    assert len(docs) == 5
    assert {d["source"] for d in docs} == {f"seeds/{p.name}" for p in SEEDS.glob("*.txt")}
    soca = next(d for d in docs if "SOCA Retreat" in d["title"])
    assert soca["date"] == "2021-02-08" and soca["chunks"] == 2 and "SOCA" in soca["acronyms"]


@pytest.mark.server
def test_several_users_get_their_own_answers(ui_server):
    from gradio_client import Client

    url, _ = ui_server
    questions = [SOCA_Q, OFF_TOPIC_Q, "การประชุม SOMSWD+3 ครั้งที่ 15 จัดขึ้นวันที่เท่าไร", "AOSWADA คือรางวัลอะไร"]

    def ask(q: str) -> dict:
        return Client(url, verbose=False).predict(q, answerer="local", api_name="/ask")

    with ThreadPoolExecutor(len(questions)) as pool:
        answers = list(pool.map(ask, questions))
    assert [a["question"] for a in answers] == questions
    assert answers[1]["refused"] and not answers[0]["refused"]


@pytest.mark.server
def test_served_page_loads_nothing_from_the_internet(ui_server):
    url, _ = ui_server
    page = urllib.request.urlopen(url, timeout=10).read().decode("utf-8")
    loaded = re.findall(r"<(?:script|link|img|iframe)\b[^>]*?(?:src|href)=[\"']([^\"']+)", page)
    assert loaded, "the page should reference its own assets"
    assert not [u for u in loaded if re.match(r"(https?:)?//", u) and "127.0.0.1" not in u]
    assert "fonts.googleapis" not in page and "googletagmanager" not in page
    config = json.loads(urllib.request.urlopen(url + "config", timeout=10).read())
    assert config.get("analytics_enabled") is False
    css = urllib.request.urlopen(url + "theme.css", timeout=10).read().decode("utf-8")
    assert "@import" not in css and not re.search(r"url\((['\"]?)https?://", css)
