"""The UI's HTML pieces: answers with linked markers, evidence cards, dates, labels, results, theme."""
from __future__ import annotations

from pathlib import Path

from app.ui import (
    TEXT,
    Exchange,
    example_questions,
    excerpt,
    highlight,
    link_markers,
    make_theme,
    render_answer,
    render_evidence,
    render_results,
    show_date,
    streaming_text,
)
from ingest.pipeline import FileResult
from prachum.index.store import DocumentRecord
from rag.prompts import REFUSAL
from tests.app.conftest import OFF_TOPIC_Q, SOCA_Q


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




def test_link_markers_keep_the_space_before_a_marker():
    out = link_markers("ประชุมเมื่อ 8 ก.พ. 64 [1]\nนางจตุพร [2]", turn=1, numbers={1, 2})
    assert out == ('ประชุมเมื่อ 8 ก.พ. 64 <a class="cite-ref" href="#cite-1-1" title="[1]">[1]</a>\n'
                   'นางจตุพร <a class="cite-ref" href="#cite-1-2" title="[2]">[2]</a>')


def test_static_files_are_the_page_css_and_script():
    from app.ui.theme import css, head, launch_options

    assert ".cite-text mark" in css() and "@import" not in css()
    assert head().count("<script>") == 1 and "scrollIntoView" in head() and "</script>" in head()
    assert launch_options()["css"] == css() and launch_options()["head"] == head()


# ---- the answer bubble: short answer first, its sentences beneath, the LLM's wording below ------------
SOCA_TEXT = ("เมื่อวันที่ 8 ก.พ. 64 เวลา 09.00 น. นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ "
             "เข้าร่วมการประชุม SOCA Retreat ผ่านระบบการประชุมทางไกล")
SHORT = "นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ [1] · 8 กุมภาพันธ์ 2564 [1]"


def _soca(**changes) -> Exchange:
    cite = _citation(1, SOCA_TEXT, [(0, len(SOCA_TEXT))])
    return Exchange(SOCA_Q, **{"status": "done", "short": SHORT, "answer": SHORT, "citations": [cite],
                               "support": [cite], "answerer": "extractive", **changes})


def test_short_answer_first_with_its_sentence_highlighted_beneath():
    out = render_answer(_soca(), 1, "th")
    assert out.count("class='answer short-answer'") == 1 and "llm-answer" not in out  # shown once
    assert out.index("นางจตุพร โรจนพานิช") < out.index("ประโยคที่สนับสนุนคำตอบ") < out.index(f"<mark>{SOCA_TEXT}</mark>")
    assert out.count('href="#cite-1-1"') == 3  # both facts and the quoted sentence link to the evidence card
    assert "SOCA Retreat (ก.พ. 64) · 8 กุมภาพันธ์ 2564" in out


def test_while_the_llm_writes_the_short_answer_stays_above_its_words():
    writing = render_answer(_soca(status="writing", answer="", answerer="local", streamed="นางจตุพร เป็นผู้แทน [1"), 1, "en")
    assert "class='answer" not in writing and "class='refusal'" not in writing  # not finished yet
    assert writing.index("short-answer") < writing.index("<mark>") < writing.index("The model's wording")
    assert "นางจตุพร เป็นผู้แทน <span class='cursor'>" in writing
    waiting = render_answer(_soca(status="writing", answer="", answerer="local"), 1, "th")
    assert "โมเดลกำลังเรียบเรียงคำตอบ" in waiting and "short-answer" in waiting
    extractive = render_answer(_soca(status="writing", answer="", streamed=SHORT), 1, "th")
    assert "llm-answer" not in extractive and extractive.count("นางจตุพร โรจนพานิช ผู้ช่วย") == 2  # answer + sentence


def test_the_llm_answer_is_shown_below_the_short_answer():
    llm = "นางจตุพร โรจนพานิช เป็นผู้แทนประเทศไทย [1]"
    out = render_answer(_soca(answer=llm, answerer="local", timings_ms={"retrieve": 300, "total": 9000}), 1, "th")
    assert out.index("answer short-answer") < out.index("<mark>") < out.index("คำตอบจากโมเดล") < out.index(llm[:20])
    assert "class='answer llm-text'" in out and "ผู้ตอบ: LLM ในเครื่อง" in out


def test_a_sentence_the_short_answer_quotes_is_not_repeated():
    sentence = SOCA_TEXT + " [1]"
    out = render_answer(_soca(short=sentence, answer=sentence), 1, "th")
    assert "supports" not in out and out.count("ผ่านระบบการประชุมทางไกล") == 1


def test_a_near_miss_refuses_and_shows_the_nearest_evidence():
    miss = "ไม่พบข้อมูลจำนวนเงิน (งบประมาณหรือค่าใช้จ่าย) ของ SOCA ในบันทึกการประชุม"
    ex = _soca(refused=True, short=miss, answer=miss)
    out = render_answer(ex, 1, "th")
    assert "class='refusal'" in out and "ui-error" not in out and miss in out
    assert out.index(miss) < out.index("หลักฐานที่ใกล้เคียงที่สุด") < out.index(f"<mark>{SOCA_TEXT}</mark>")
    assert "SOCA Retreat (ก.พ. 64) · 8 กุมภาพันธ์ 2564" in out and "[1]" in out
    assert "href=" not in out  # the evidence panel has no cards for a refusal: nothing to link to
    assert "ไม่มีข้อมูลที่ถาม" in out
    assert "ev-notice" in render_evidence([ex], "th")  # the panel says so, as for any refusal
    writing = render_answer(_soca(status="writing", refused=True, short=miss, answer=""), 1, "en")
    assert miss in writing and "Nearest evidence" in writing and "class='refusal'" not in writing
    plain = render_answer(Exchange(OFF_TOPIC_Q, status="done", refused=True, answer=REFUSAL["th"]), 1, "th")
    assert "หลักฐานที่ใกล้เคียงที่สุด" not in plain and TEXT["th"]["refusal_hint"] in plain
