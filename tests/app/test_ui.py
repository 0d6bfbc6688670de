"""The chat UI: HTML pieces, the chat turn, document management, locking, and the API over a real server.

Fast tests run the UI's functions on a real seed index (fake embedder); the
@pytest.mark.server tests start the Gradio app on a free loopback port and use
gradio_client exactly as a programmatic user would.
"""
from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import gradio as gr
import pytest

from app.ui import (
    TEXT,
    Exchange,
    Library,
    ReadWriteLock,
    UiError,
    _check_port,
    chat_turn,
    example_questions,
    excerpt,
    highlight,
    link_markers,
    make_filters,
    make_theme,
    render_answer,
    render_evidence,
    render_results,
    safe_upload_name,
    show_date,
    streaming_text,
)
from ingest.pipeline import FileResult
from prachum.index.store import DocumentRecord
from prachum.types import Retrieved
from rag.engine import Prachum
from rag.prompts import REFUSAL
from prachum.types import Filters
from tests.app.conftest import build_seed_engine, slow_fake_chat
from tests.conftest import SEEDS

SOCA_Q = "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat"
OFF_TOPIC_Q = "ราคาทองคำวันนี้เท่าไร"

THAI_MINUTES = """# การประชุมคณะกรรมการพัฒนาระบบสารสนเทศ ครั้งที่ ๒/๒๕๖๗

เมื่อวันที่ ๑๔ มีนาคม ๒๕๖๗ เวลา ๐๙.๓๐ น. ณ ห้องประชุมชั้น ๓ นายสมชาย ใจดี ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ
เป็นประธานการประชุมคณะกรรมการพัฒนาระบบสารสนเทศ (ICTC)

ที่ประชุมมีมติให้จัดซื้อเครื่องแม่ข่ายใหม่ จำนวน ๒ เครื่อง ภายในเดือนมิ.ย. 67 ตามที่ ก.พ. เสนอ
"""


# ---- HTML pieces ---------------------------------------------------------------------------------
def test_highlight_escapes_and_marks_thai_spans():
    text = "ที่ประชุม <b>ลับ</b> มีมติเมื่อ ๘ ก.พ. ๖๔ ให้ดำเนินการ"
    start = text.index("๘ ก.พ. ๖๔")
    out = highlight(text, [(start, start + len("๘ ก.พ. ๖๔"))])
    assert "<b>" not in out and "&lt;b&gt;ลับ&lt;/b&gt;" in out
    assert "<mark>๘ ก.พ. ๖๔</mark>" in out


def test_highlight_merges_overlaps_and_clamps():
    text = "การประชุม SOCA Retreat ครั้งแรก"
    out = highlight(text, [(0, 9), (5, 14), (20, 999), (7, 3)])
    assert out.count("<mark>") == 2
    assert out.startswith("<mark>การประชุม SOCA</mark> Retre")
    assert out.endswith("<mark>at ครั้งแรก</mark>")


def test_excerpt_keeps_the_highlight_and_shortens_long_passages():
    filler = "ประชาคมสังคมและวัฒนธรรมอาเซียน " * 60
    key = "นางจตุพร โรจนพานิช เป็นผู้แทนประเทศไทย เมื่อ 8 ก.พ. 64"
    text = filler + key + " " + filler
    start = text.index(key)
    shown, shortened = excerpt(text, [(start, start + len(key))])
    assert shortened and shown.startswith("… ") and shown.endswith(" …")
    assert f"<mark>{key}</mark>" in shown
    assert len(shown) < len(text)
    short, cut = excerpt(key, [(0, 8)])
    assert not cut and short.startswith("<mark>นางจตุพร</mark>")


def test_link_markers_link_only_real_citations():
    out = link_markers("ประชุมเมื่อ 8 ก.พ. 64 [1] และ <script>x</script> [3]", turn=2, numbers={1, 2})
    assert '<a class="cite-ref" href="#cite-2-1"' in out
    assert "[3]" in out and "#cite-2-3" not in out
    assert "<script>" not in out


def test_streaming_text_hides_unchecked_markers():
    assert streaming_text("นางจตุพร โรจนพานิช [1] เป็นประธาน [") == "นางจตุพร โรจนพานิช เป็นประธาน"
    assert streaming_text("Brunei hosted it [2") == "Brunei hosted it"
    assert streaming_text("NOT_F") == "" and streaming_text("NOT_FOUND") == ""
    assert streaming_text("N") == ""  # could be the start of NOT_FOUND: wait for more
    assert streaming_text("นางนภา") == "นางนภา"


def test_bad_dates_are_user_errors_in_the_ui_language():
    with pytest.raises(gr.Error, match="ไม่ใช่วันที่"):
        make_filters("th", "เมื่อวาน", "", [])
    with pytest.raises(gr.Error, match="not a date"):
        make_filters("en", "", "soon", [])
    with pytest.raises(gr.Error, match="หลังวันที่สิ้นสุด"):
        make_filters("th", "1 ม.ค. 65", "1 ม.ค. 64", [])
    f = make_filters("th", "1 ม.ค. ๒๕๖๔", "2021-12-31", ["a.txt"])
    assert f == Filters(since=date(2021, 1, 1), until=date(2021, 12, 31), sources=("a.txt",))


def test_dates_shown_in_buddhist_era_for_thai():
    assert show_date("2021-02-08", "th") == "8 กุมภาพันธ์ 2564"
    assert show_date("2021-02-08", "en") == "8 February 2021"
    assert show_date("", "th") == "ไม่ระบุวันที่"


def test_every_label_is_translated():
    assert set(TEXT["th"]) == set(TEXT["en"])
    assert all(TEXT["th"][k] for k in TEXT["th"])


def _citation(n: int, text: str, spans: list[tuple[int, int]]) -> dict:
    return {"n": n, "source": "seeds/003.txt", "title": "SOCA Retreat (ก.พ. 64)", "date": "2021-02-08",
            "text": text, "score": 1.0, "highlights": [list(s) for s in spans]}


def test_evidence_panel_shows_numbered_cards_with_highlights():
    text = "เมื่อวันที่ 8 ก.พ. 64 นางจตุพร โรจนพานิช เข้าร่วมประชุม"
    ex = Exchange(SOCA_Q, status="done", answer="นางจตุพร โรจนพานิช เข้าร่วมประชุม [1]",
                  citations=[_citation(1, text, [(19, len(text))])])
    out = render_evidence([ex], "th")
    assert "id='cite-1-1'" in out
    assert "วันที่ประชุม: 8 กุมภาพันธ์ 2564" in out
    assert f"<mark>{text[19:]}</mark>" in out
    assert "seeds/003.txt" in out
    answer = render_answer(ex, 1, "th")
    assert 'href="#cite-1-1"' in answer


def test_evidence_panel_keeps_earlier_turns_reachable():
    first = Exchange("ก", status="done", answer="x [1]", citations=[_citation(1, "ข้อความแรก", [(0, 4)])])
    second = Exchange("ข", status="writing", citations=[_citation(1, "ข้อความที่สอง", [(0, 4)])])
    out = render_evidence([first, second], "en")
    assert "id='cite-2-1'" in out and "id='cite-1-1'" in out
    assert "<details class='ev-earlier'>" in out
    assert "writing the answer" in out


def test_refusal_looks_like_a_refusal_not_an_error():
    ex = Exchange(OFF_TOPIC_Q, status="done", refused=True, answer=REFUSAL["th"])
    answer = render_answer(ex, 1, "th")
    assert "class='refusal'" in answer and "ui-error" not in answer
    assert REFUSAL["th"] in answer
    panel = render_evidence([ex], "th")
    assert "ev-notice" in panel and "ไม่พบข้อความที่ตอบคำถามนี้ได้" in panel


def test_upload_results_say_what_happened_per_file():
    out = render_results([
        FileResult(Path("/u/บันทึก.md"), "added", chunks=3, title="การประชุม ครั้งที่ ๒"),
        FileResult(Path("/u/same.txt"), "unchanged"),
        FileResult(Path("/u/broken.pdf"), "failed", reason="not a readable PDF"),
    ], "th")
    assert "เพิ่มแล้ว" in out and "3 ข้อความ" in out and "ไม่เปลี่ยนแปลง" in out
    assert "ไม่สำเร็จ" in out and "not a readable PDF" in out


def test_upload_names_stay_inside_the_upload_folder():
    assert safe_upload_name("../../etc/passwd") == "passwd"
    assert safe_upload_name("C:\\docs\\รายงาน ก.พ. 64.pdf") == "รายงาน ก.พ. 64.pdf"
    assert safe_upload_name(".hidden.md") == "hidden.md"
    assert safe_upload_name("") == "document"


def test_examples_come_from_the_indexed_records(seed_engine):
    docs = seed_engine.store.documents()
    examples = example_questions(docs)
    assert any("SOCA Retreat" in q for q in examples)
    assert len(examples) >= 3
    other = [DocumentRecord("x.md", "การประชุม ICTC", "2024-03-14", ["ICTC"], "fp", "")]
    assert example_questions(other) == ["การประชุม ICTC จัดขึ้นเมื่อไร และมีผู้แทนประเทศไทยคือใคร"]
    assert example_questions([]) == []


def test_theme_uses_no_web_fonts():
    theme = make_theme()
    assert not [s for s in theme._stylesheets if "//" in s]
    assert "fonts.googleapis" not in theme._get_theme_css()


def test_a_taken_port_is_a_clear_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        with pytest.raises(UiError, match="--port"):
            _check_port("127.0.0.1", s.getsockname()[1])


# ---- locking -------------------------------------------------------------------------------------
def test_readers_share_and_writers_wait():
    lock = ReadWriteLock()
    order: list[str] = []
    with lock.reading():
        with lock.reading():  # a second reader does not wait
            order.append("two readers")
        writer = threading.Thread(target=lambda: (lock.writing().__enter__(), order.append("writer")))
        writer.start()
        time.sleep(0.1)
        assert order == ["two readers"]  # the writer waits for the reader
    writer.join(2)
    assert order == ["two readers", "writer"]


def test_waiting_writer_goes_before_new_readers():
    lock = ReadWriteLock()
    order: list[str] = []
    first = lock.reading()
    first.__enter__()

    def write() -> None:
        with lock.writing():
            order.append("write")

    def read() -> None:
        with lock.reading():
            order.append("read")

    w = threading.Thread(target=write)
    w.start()
    time.sleep(0.1)
    r = threading.Thread(target=read)
    r.start()
    time.sleep(0.1)
    assert order == []
    first.__exit__(None, None, None)
    w.join(2)
    r.join(2)
    assert order == ["write", "read"]


def test_index_is_unlocked_while_the_llm_writes(tmp_path):
    engine = build_seed_engine(tmp_path / "data")
    engine.chat_models["local"] = slow_fake_chat(delay=0.05)
    lib = Library(engine)
    events = lib.stream(SOCA_Q, answerer="local")
    assert isinstance(next(events), Retrieved)
    got_write = threading.Event()

    def write() -> None:
        with lib.lock.writing():
            got_write.set()

    threading.Thread(target=write).start()
    assert got_write.wait(2), "a writer must not wait for the LLM to finish"
    rest = list(events)
    assert len(rest) > 3  # the answer was still streaming


# ---- the chat turn -------------------------------------------------------------------------------
def test_chat_turn_shows_evidence_before_the_answer_is_written(seed_engine):
    engine = Prachum(seed_engine.settings, seed_engine.store, seed_engine.embedder,
                     chat_models={"local": slow_fake_chat(delay=0.01)})
    steps, statuses = [], []
    for step in chat_turn(Library(engine), SOCA_Q, [], "th", "local", 5):
        steps.append(step)
        statuses.append(step.state[-1].status)  # the state is updated in place: look at it as it comes
    first, retrieved, final = steps[0], steps[1], steps[-1]
    assert first.messages[0]["content"] == SOCA_Q and "กำลังค้นหา" in first.evidence
    assert "<li class='cite'" in retrieved.evidence  # evidence shown ...
    assert statuses[:2] == ["searching", "writing"]  # ... while the answer is not written yet
    streamed = [s for s in steps[2:-1] if s.evidence is None]
    assert streamed, "tokens are streamed one update at a time"
    ex = final.state[-1]
    assert ex.status == "done" and not ex.refused and ex.citations
    assert 'class="cite-ref" href="#cite-1-1"' in final.messages[-1]["content"]
    for c in ex.citations:
        assert f"id='cite-1-{c['n']}'" in final.evidence
        for start, end in c["highlights"]:
            assert 0 <= start < end <= len(c["text"])


def test_chat_turn_refuses_off_topic_questions(seed_engine):
    final = list(chat_turn(Library(seed_engine), OFF_TOPIC_Q, [], "th", "extractive", 5))[-1]
    ex = final.state[-1]
    assert ex.refused and ex.status == "done" and ex.answer == REFUSAL["th"]
    assert "class='refusal'" in final.messages[-1]["content"]


def test_follow_ups_get_the_conversation_as_history(seed_engine):
    seen: list[list] = []

    class Recording(Library):
        def stream(self, question, history=(), filters=Filters(), answerer=None, k=None):
            seen.append(list(history))
            return super().stream(question, history, filters, answerer, k)

    lib = Recording(seed_engine)
    state = list(chat_turn(lib, SOCA_Q, [], "th", "extractive", 5))[-1].state
    state = list(chat_turn(lib, "เขาดำรงตำแหน่งอะไร", state, "th", "extractive", 5))[-1].state
    assert seen[0] == []
    assert seen[1] == [(SOCA_Q, state[0].answer)]
    assert len(state) == 2 and state[1].status == "done"


def test_chat_turn_applies_date_filters(seed_engine):
    filters = make_filters("th", "1 ม.ค. ๒๕๖๔", "31 ธ.ค. 64", [])
    ex = list(chat_turn(Library(seed_engine), "การประชุมอาเซียนด้านสังคม", [], "th", "extractive", 5, filters))[-1].state[-1]
    assert ex.citations
    assert all("2021-01-01" <= c["date"] <= "2021-12-31" for c in ex.citations)


def test_a_failing_answerer_is_shown_not_raised(seed_engine):
    class Broken(Library):
        def stream(self, *args, **kwargs):
            raise ConnectionError("cannot reach http://127.0.0.1:11434/v1")
            yield  # pragma: no cover

    final = list(chat_turn(Broken(seed_engine), SOCA_Q, [], "en", "openai", 5))[-1]
    assert final.state[-1].status == "error"
    assert "ui-error" in final.messages[-1]["content"] and "11434" in final.messages[-1]["content"]


def test_missing_local_llm_is_a_clear_message(seed_engine, monkeypatch):
    lib = Library(Prachum(seed_engine.settings, seed_engine.store, seed_engine.embedder))
    monkeypatch.setattr("prachum.models.llm_setup.is_llm_model_ready", lambda settings: False)
    with pytest.raises(gr.Error, match="prachum models setup"):
        list(chat_turn(lib, SOCA_Q, [], "th", "local", 5))


# ---- documents -----------------------------------------------------------------------------------
def test_upload_add_unchanged_update_and_failures(fresh_engine, tmp_path):
    lib = Library(fresh_engine)
    uploads = tmp_path / "browser-temp"
    uploads.mkdir()
    doc = uploads / "บันทึกการประชุม ICTC.md"
    doc.write_text(THAI_MINUTES, encoding="utf-8")
    broken = uploads / "broken.pdf"
    broken.write_bytes(b"not a pdf at all")
    odd = uploads / "notes.xyz"
    odd.write_text("ข้อความ", encoding="utf-8")
    seen: list[tuple[int, int, str]] = []

    results = lib.add_files([doc, broken, odd], on_file=lambda i, n, name: seen.append((i, n, name)))
    assert [r.status for r in results] == ["added", "failed", "failed"]
    assert seen == [(0, 3, doc.name), (1, 3, "broken.pdf"), (2, 3, "notes.xyz")]
    assert results[0].chunks >= 1 and "ครั้งที่ ๒/๒๕๖๗" in results[0].title
    assert "PDF" in results[1].reason and "unsupported" in results[2].reason
    assert not (lib.upload_dir / "broken.pdf").exists()  # a failed file leaves nothing behind
    stored = lib.upload_dir / doc.name
    assert stored.read_text(encoding="utf-8") == THAI_MINUTES
    record = next(d for d in lib.documents() if d.source == str(stored))
    assert record.date == "2024-03-14"

    assert lib.add_files([doc])[0].status == "unchanged"
    doc.write_text(THAI_MINUTES + "\nที่ประชุมรับทราบรายงานผลการดำเนินงาน ไตรมาสที่ ๑\n", encoding="utf-8")
    assert lib.add_files([doc])[0].status == "updated"

    answer = lib.ask("นายสมชาย ใจดี ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ เป็นประธานการประชุมใด", answerer="extractive")
    assert not answer.refused
    assert answer.citations[0].passage.source == str(stored)


def test_remove_deletes_an_uploaded_copy_but_never_the_users_file(fresh_engine, tmp_path):
    lib = Library(fresh_engine)
    doc = tmp_path / "ประชุม.txt"
    doc.write_text(THAI_MINUTES, encoding="utf-8")
    lib.add_files([doc])
    stored = lib.upload_dir / doc.name
    assert lib.remove(str(stored)) >= 1 and not stored.exists()
    assert str(stored) not in {d.source for d in lib.documents()}

    seed = str(SEEDS.resolve() / "003_f9ff260f397ac10e.txt")
    assert lib.remove(seed) == 2
    assert Path(seed).is_file()  # ingested from the user's folder: the index forgets it, the file stays
    assert lib.remove(seed) == 0
    assert len(lib.documents()) == 4


def test_sources_are_resolved_by_display_or_file_name(seed_engine):
    lib = Library(seed_engine)
    full = str(SEEDS.resolve() / "003_f9ff260f397ac10e.txt")
    assert lib.resolve_sources(["seeds/003_f9ff260f397ac10e.txt"]) == (full,)
    assert lib.resolve_sources(["003_f9ff260f397ac10e.txt", full]) == (full,)
    with pytest.raises(ValueError, match="not in the index"):
        lib.resolve_sources(["รายงาน.pdf"])


# ---- the running server, through gradio_client ---------------------------------------------------
@pytest.fixture(scope="module")
def client(ui_server):
    from gradio_client import Client

    url, _ = ui_server
    return Client(url, verbose=False)


CONTRACT_KEYS = {"question", "answer", "refused", "citations", "timings_ms"}
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
