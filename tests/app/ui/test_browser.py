"""The chat UI in a real browser: Debian's Chromium driven by Playwright, against a real server.

The fast browser test uses the fake embedder and a fake LLM that streams slowly, so
it can check that the evidence is on screen while the answer is still being written.
The model tiers run the same steps on the real models and report how long a user
waits for the first citation and for the whole answer (printed, never asserted).
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Iterator

import pytest

from tests.app.conftest import build_seed_engine, free_port
from tests.conftest import ROOT, SEEDS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOT = ROOT / "docs" / "screenshot.png"
SCREENSHOT_PHONE = ROOT / "docs" / "screenshot-phone.png"
PHONE = (390, 844)
SOCA_Q = "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat และจัดขึ้นเมื่อไร"
EN_SOCA_Q = "Who represented Thailand at the SOCA Retreat and when was it?"
OFF_TOPIC_Q = "ราคาทองคำวันนี้เท่าไร"
THAI_FONTS = {"Noto Sans Thai", "Sarabun", "Leelawadee UI", "Thonburi", "Waree", "Loma", "Garuda", "Tahoma"}
MINUTES = """การประชุมคณะกรรมการพัฒนาระบบสารสนเทศ ครั้งที่ ๒/๒๕๖๗

เมื่อวันที่ ๑๔ มีนาคม ๒๕๖๗ เวลา ๐๙.๓๐ น. ณ ห้องประชุมชั้น ๓ นายสมชาย ใจดี ผู้อำนวยการศูนย์เทคโนโลยีสารสนเทศ
เป็นประธานการประชุม ที่ประชุมมีมติให้จัดซื้อเครื่องแม่ข่ายใหม่ จำนวน ๒ เครื่อง ภายในเดือน มิ.ย. 67
"""

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.is_file():
        pytest.skip("Debian's Chromium is missing: apt-get install -y chromium fonts-thai-tlwg")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def serve(engine) -> tuple[str, object]:  # type: ignore[no-untyped-def]
    from app.ui import start

    port = free_port()
    return f"http://127.0.0.1:{port}/", start(engine, host="127.0.0.1", port=port)


class Visit:
    """One browser tab on the app, recording every request it makes."""

    def __init__(self, browser, url: str, width: int = 1440, height: int = 1000) -> None:  # type: ignore[no-untyped-def]
        self.url = url
        self.page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url)
        self.page.wait_for_selector("#question textarea")

    def choose_answerer(self, label: str) -> None:
        self.page.click(f"#answerer label:has-text('{label}')")

    def ask(self, question: str, timeout_s: float = 60) -> dict[str, float | bool]:
        """Type a question, press Enter; seconds until the first citation card and the checked answer."""
        page = self.page
        answers_before = page.locator("#chat .answer, #chat .refusal").count()
        page.locator("#question textarea").press_sequentially(question, delay=3)
        t0 = time.perf_counter()
        page.press("#question textarea", "Enter")
        page.wait_for_function(
            "q => { const e = document.querySelector('#evidence-panel .ev-question');"
            " return e && e.textContent === q && document.querySelector('#evidence-panel li.cite, #evidence-panel .ev-notice'); }",
            arg=question, timeout=timeout_s * 1000, polling=20)
        first_evidence = time.perf_counter() - t0
        still_writing = page.locator("#chat .answer, #chat .refusal").count() == answers_before
        page.wait_for_function(
            f"() => document.querySelectorAll('#chat .answer, #chat .refusal').length > {answers_before}"
            " || document.querySelector('#chat .ui-error, .toast-body')", timeout=timeout_s * 1000, polling=20)
        answered = time.perf_counter() - t0
        problems = page.locator("#chat .ui-error, .toast-body")
        assert problems.count() == 0, f"the UI showed an error: {problems.first.inner_text()}"
        return {"first_citation_s": first_evidence, "answer_s": answered, "evidence_before_answer": still_writing}

    def fonts_of(self, selector: str) -> list[dict]:
        """The fonts Chromium really used to draw ``selector`` (DevTools protocol)."""
        cdp = self.page.context.new_cdp_session(self.page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]

    def external_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(self.url.rstrip("/")) and not u.startswith(("data:", "blob:"))]

    def close(self) -> None:
        self.page.close()


def check_answer_and_citations(page) -> None:  # type: ignore[no-untyped-def]
    """Every [n] in the last answer links to a card with a title, a date, a source and a highlighted sentence."""
    answer = page.locator("#chat .answer").last
    links = answer.locator("a.cite-ref")
    assert links.count() >= 1, "the answer must cite its evidence"
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href")
        assert target and target.startswith("#cite-")
        card = page.locator(f"#evidence-panel li{target}")
        assert card.count() == 1, f"{target} has no evidence card"
        assert card.locator(".cite-title").inner_text().strip()
        assert "วันที่ประชุม" in card.locator(".cite-meta").inner_text() or "Meeting date" in card.locator(".cite-meta").inner_text()
        marks = card.locator(".cite-text mark")
        assert marks.count() >= 1, f"{target} highlights no supporting sentence"
        assert marks.first.inner_text().strip() in card.locator(".cite-text").first.inner_text()
    links.first.click()
    first = page.locator(f"#evidence-panel li{links.first.get_attribute('href')}")
    page.wait_for_function("e => e.classList.contains('flash')", arg=first.element_handle(), timeout=3000)


def check_short_answer_first(page) -> None:  # type: ignore[no-untyped-def]
    """The last answer opens with the short answer; its supporting sentence is beneath, highlighted."""
    bubble = page.locator("#chat .message-row, #chat .message").last
    short = page.locator("#chat .short-answer").last
    support = page.locator("#chat li.support").last
    assert short.is_visible() and short.inner_text().strip(), "the short answer is shown"
    assert support.is_visible() and support.locator("mark").inner_text().strip(), "its sentence is highlighted"
    assert short.evaluate("(s, t) => !!(s.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING)",
                          support.element_handle()), "the short answer comes before its supporting sentence"
    assert short.bounding_box()["y"] < support.bounding_box()["y"]
    assert bubble.inner_text().strip().startswith(short.inner_text().strip()[:8])


def check_layout(page) -> None:  # type: ignore[no-untyped-def]
    """No sideways scrolling; the header's title keeps its width and nothing in the header overlaps."""
    width = page.evaluate("innerWidth")
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways: {scroll} px content in a {width} px window"
    title = page.locator(".brand-name").bounding_box()
    line = page.locator(".brand-name").evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    assert title["height"] < 1.6 * line, "the title wraps"
    if width < 720:
        assert title["width"] >= 0.6 * width, f"the title is squeezed into {title['width']:.0f} of {width} px"
    boxes = page.evaluate("""() => [...document.querySelectorAll(
        '.brand-name, .brand-tagline, .brand-stats span, #lang-switch label')].map(e => e.getBoundingClientRect())
        .map(r => ({x: r.x, y: r.y, width: r.width, height: r.height}))""")  # at one moment: the page may scroll
    for i, a in enumerate(boxes):
        assert a["x"] >= 0 and a["x"] + a["width"] <= width + 1, f"header item {i} sticks out of the window"
        for j, b in enumerate(boxes[i + 1:], start=i + 1):
            apart = (a["x"] + a["width"] <= b["x"] + 1 or b["x"] + b["width"] <= a["x"] + 1
                     or a["y"] + a["height"] <= b["y"] + 1 or b["y"] + b["height"] <= a["y"] + 1)
            assert apart, f"header items {i} and {j} overlap: {a} {b}"


def show_last_answer(page) -> None:  # type: ignore[no-untyped-def]
    """Scroll the page to its top and the conversation to the last question, so its answer's first line
    (the short answer) shows beneath it."""
    page.wait_for_timeout(800)  # let the chat settle after a resize: it scrolls itself to the bottom
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate("""() => { const e = [...document.querySelectorAll('#chat .user-row')].pop()
                                  || [...document.querySelectorAll('#chat .short-answer, #chat .answer')].pop();
                 let box = e.parentElement;
                 while (box && !(box.scrollHeight > box.clientHeight && /auto|scroll/.test(getComputedStyle(box).overflowY)))
                   box = box.parentElement;
                 if (box) box.scrollTop += e.getBoundingClientRect().top - box.getBoundingClientRect().top - 34; }""")
    page.wait_for_timeout(300)


def report(label: str, times: dict) -> None:
    print(f"\n[{label}] first citation shown after {times['first_citation_s']:.2f} s; "
          f"full answer after {times['answer_s']:.2f} s")


# ---- fast tier: fake embedder, fake streaming LLM --------------------------------------------------
@pytest.fixture(scope="module")
def fake_app(tmp_path_factory) -> Iterator[str]:
    engine = build_seed_engine(tmp_path_factory.mktemp("browser-index"), chat_delay=0.12)
    url, demo = serve(engine)
    try:
        yield url
    finally:
        demo.close()


def test_thai_question_streams_with_evidence_first(browser, fake_app, tmp_path):
    visit = Visit(browser, fake_app)
    page = visit.page
    examples = page.locator("#chat button.example, #chat .example").count()
    assert examples >= 3, "example questions from the seed records are offered"
    visit.choose_answerer("LLM ในเครื่อง")
    times = visit.ask(SOCA_Q)
    report("fake models", times)
    # a Thai question whose facts the short answer already holds does not wait for the model
    # (rag/extract.plan): its evidence and answer come together
    check_answer_and_citations(page)
    soca = page.locator("#evidence-panel li.cite", has_text="SOCA Retreat").first
    assert "8 กุมภาพันธ์ 2564" in soca.inner_text() and "seeds/003_f9ff260f397ac10e.txt" in soca.inner_text()

    thai = [f for f in visit.fonts_of("#chat .answer") if f["familyName"] in THAI_FONTS]
    assert thai and thai[0]["glyphCount"] > 0 and not thai[0]["isCustomFont"], "Thai is drawn with a local Thai font"

    times = visit.ask(EN_SOCA_Q)
    assert times["evidence_before_answer"], "while the model writes an English answer, the evidence is already shown"

    times = visit.ask(OFF_TOPIC_Q)
    refusal = page.locator("#chat .refusal").last
    assert "ไม่พบข้อมูลนี้ในบันทึกการประชุม" in refusal.inner_text()
    assert page.locator("#evidence-panel .ev-notice").count() == 1
    assert page.locator(".toast-body").count() == 0, "a refusal is not an error"

    shot = tmp_path / "chat.png"
    page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")

    page.click("#chat button[aria-label='Clear']")  # the chat's own clear button also forgets the evidence
    page.wait_for_function("() => !document.querySelector('#chat .message')"
                           " && document.querySelector('#evidence-panel .ev-empty')", timeout=10000)

    page.click("#lang-switch label:has-text('English')")
    page.wait_for_selector("button[role=tab]:has-text('Documents')")
    assert page.locator("#send").inner_text().strip() == "Ask"
    assert "Evidence" in page.locator("#evidence-panel").inner_text()
    assert visit.external_requests() == [], "the page must load nothing from the internet"
    visit.close()


@pytest.mark.parametrize("width, height", [(1280, 900), PHONE], ids=["desktop", "phone"])
def test_short_answer_first_at_desktop_and_phone_widths(browser, fake_app, tmp_path, width, height):
    visit = Visit(browser, fake_app, width, height)
    page = visit.page
    check_layout(page)
    visit.choose_answerer("LLM ในเครื่อง")
    # an English question, so that the model has a sentence to write after the short answer
    page.locator("#question textarea").press_sequentially(EN_SOCA_Q, delay=3)
    # the page itself notes whether the short answer was ever on screen before the model's answer, so a
    # slow machine that polls late cannot miss the moment
    page.evaluate("""() => { window.shortFirst = false; const chat = document.querySelector('#chat');
        new MutationObserver(() => { if (chat.querySelector('.short-answer') && !chat.querySelector('.answer'))
            window.shortFirst = true; }).observe(chat, {childList: true, subtree: true, characterData: true}); }""")
    page.press("#question textarea", "Enter")
    page.wait_for_selector("#chat .short-answer", timeout=30000)
    page.wait_for_selector("#chat .llm-answer", timeout=30000)
    page.wait_for_selector("#chat .answer", timeout=60000)
    assert page.evaluate("window.shortFirst"), "the short answer is shown while the model still writes"
    check_short_answer_first(page)
    assert page.locator("#chat .llm-answer .answer").count() == 1, "the model's checked wording follows"
    check_answer_and_citations(page)
    check_layout(page)
    page.mouse.move(0, 0)
    show_last_answer(page)
    page.screenshot(path=str(tmp_path / f"short-{width}.png"))
    assert visit.external_requests() == []
    visit.close()


def test_upload_and_remove_a_document(browser, fake_app, tmp_path):
    doc = tmp_path / "บันทึกการประชุม ๒-๒๕๖๗.txt"
    doc.write_text(MINUTES, encoding="utf-8")
    broken = tmp_path / "damaged.pdf"
    broken.write_bytes(b"this is not a PDF")
    visit = Visit(browser, fake_app)
    page = visit.page
    page.click("button[role=tab]:has-text('เอกสาร')")
    page.set_input_files("#upload input[type=file]", [str(doc), str(broken)])
    page.wait_for_selector("#upload .file-preview, #upload table", timeout=10000)
    page.click("#add")
    page.wait_for_selector("#upload-results table.results", timeout=60000)
    rows = page.locator("#upload-results tr")
    assert rows.count() == 2
    assert "เพิ่มแล้ว" in rows.nth(0).inner_text() and doc.name in rows.nth(0).inner_text()
    assert "ไม่สำเร็จ" in rows.nth(1).inner_text() and "PDF" in rows.nth(1).inner_text()
    page.wait_for_function("() => document.querySelector('#docs-table').innerText.includes('คณะกรรมการพัฒนาระบบสารสนเทศ')",
                           timeout=10000)
    assert "14 มีนาคม 2567" in page.locator("#docs-table").inner_text()
    page.screenshot(path=str(tmp_path / "documents.png"), full_page=True)

    page.click("button[role=tab]:has-text('ถาม-ตอบ')")
    visit.choose_answerer("ยกประโยคจากเอกสาร")
    visit.ask("นายสมชาย ใจดี เป็นประธานการประชุมใด")
    assert page.locator("#evidence-panel li.cite", has_text="คณะกรรมการพัฒนาระบบสารสนเทศ").count() >= 1

    page.click("button[role=tab]:has-text('เอกสาร')")
    page.click("#remove-pick input")
    page.click("#remove-pick li[data-testid=dropdown-option]:has-text('คณะกรรมการพัฒนาระบบสารสนเทศ')")
    page.click("#remove")
    page.wait_for_function("() => document.querySelector('#remove-result').innerText.includes('ลบ')", timeout=10000)
    page.wait_for_function("() => !document.querySelector('#docs-table').innerText.includes('คณะกรรมการพัฒนาระบบสารสนเทศ')",
                           timeout=10000)
    assert visit.external_requests() == []
    visit.close()


MEETINGS_SHOT = ROOT / "docs" / "screenshot-meetings.png"
MEETINGS_SHOT_PHONE = ROOT / "docs" / "screenshot-meetings-phone.png"
CROSS_Q = "นางจตุพร โรจนพานิช เข้าร่วมการประชุมใดบ้าง"


@pytest.mark.parametrize("width, height", [(1280, 900), PHONE], ids=["desktop", "phone"])
def test_meetings_tab_at_desktop_and_phone_widths(browser, fake_app, tmp_path, width, height):
    """The timeline, a meeting's card with its passages, the person view; and a cross-record answer with
    one evidence card per record. Screenshots of the tab go to docs/."""
    visit = Visit(browser, fake_app, width, height)
    page = visit.page
    visit.choose_answerer("ยกประโยคจากเอกสาร")
    visit.ask(CROSS_Q)
    answer = page.locator("#chat .answer").last.inner_text()
    assert answer.startswith("จากบันทึกทั้งหมด 5 ฉบับ พบ นางจตุพร โรจนพานิช ในการประชุม 3 ครั้ง")
    cards = page.locator("#evidence-panel li.cite")
    assert cards.count() == 3, "one evidence card per record"
    sources = {cards.nth(i).locator(".cite-meta").inner_text().split()[-1] for i in range(3)}
    assert len(sources) == 3
    check_layout(page)

    page.click("button[role=tab]:has-text('การประชุม')")
    timeline = page.locator("#meeting-timeline label")
    timeline.first.wait_for()
    assert timeline.count() == 5
    assert timeline.nth(0).inner_text().startswith("20-24 สิงหาคม 2561")
    timeline.filter(has_text="SOCA Retreat").click()
    page.wait_for_function("() => document.querySelector('#meeting-card .mcard-title')", timeout=10000)
    card = page.locator("#meeting-card")
    assert "8 กุมภาพันธ์ 2564" in card.inner_text() and "นางจตุพร โรจนพานิช" in card.inner_text()
    card.locator(".mcard-people details summary").first.click()
    mark = card.locator(".mcard-people details .cite-text mark").first
    assert mark.is_visible() and "จตุพร" in mark.inner_text()
    check_layout(page)

    page.click("#person-pick input")
    page.click("#person-pick li[data-testid=dropdown-option]:has-text('จตุพร')")
    page.wait_for_function("() => document.querySelector('#person-view .pview-list')", timeout=10000)
    view = page.locator("#person-view").inner_text()
    assert view.index("ผู้ช่วยปลัดกระทรวง") < view.index("ผู้ตรวจราชการกระทรวง")
    check_layout(page)
    page.evaluate("window.scrollTo(0, 0)")
    shot = MEETINGS_SHOT if width > PHONE[0] else MEETINGS_SHOT_PHONE
    page.screenshot(path=str(shot), full_page=width <= PHONE[0])
    print(f"screenshot: {shot}")
    assert visit.external_requests() == []
    visit.close()


# ---- model tiers: the real local LLM (and the real embedder) ----------------------------------------
def run_real(browser, engine, label: str, screenshot: Path | None,  # type: ignore[no-untyped-def]
             phone_screenshot: Path | None = None) -> None:
    url, demo = serve(engine)
    try:
        visit = Visit(browser, url)
        visit.choose_answerer("LLM ในเครื่อง")
        visit.ask("การประชุม SOMSWD+3 ครั้งที่ 15 จัดขึ้นวันที่เท่าไร", timeout_s=900)  # warm the prompt cache
        visit.page.click("#clear")
        visit.page.wait_for_function("() => !document.querySelector('#chat .message')", timeout=10000)
        times = visit.ask(SOCA_Q, timeout_s=900)
        report(label, times)
        visit.page.mouse.move(0, 0)
        show_last_answer(visit.page)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            visit.page.screenshot(path=str(screenshot))
            print(f"screenshot: {screenshot}")
        check_answer_and_citations(visit.page)
        check_short_answer_first(visit.page)
        check_layout(visit.page)
        if phone_screenshot is not None:
            visit.page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
            show_last_answer(visit.page)
            check_layout(visit.page)
            visit.page.screenshot(path=str(phone_screenshot))
            print(f"screenshot: {phone_screenshot}")
        assert visit.external_requests() == []
        visit.close()
    finally:
        demo.close()


@pytest.mark.llm
def test_local_llm_in_the_browser(browser, tmp_path, model_settings):
    """Real LLM, fake embedder: how long the local model makes a user wait on this machine."""
    engine = build_seed_engine(tmp_path / "data", model_dir=str(model_settings.model_dir), llm="local")
    engine.chat_models.pop("local")  # the real one, loaded once by the UI
    run_real(browser, engine, "local LLM, fake embedder", tmp_path / "local-llm.png")


@pytest.mark.model
@pytest.mark.llm
def test_real_models_in_the_browser(browser, tmp_path, model_settings):
    """The whole real stack as a user gets it; also refreshes docs/screenshot.png and docs/screenshot-phone.png."""
    from ingest.pipeline import ingest_paths
    from rag.engine import Prachum

    settings = model_settings.replace(data_dir=tmp_path / "data", llm="local")
    engine = Prachum.open(settings)
    report_ = ingest_paths([SEEDS], settings, engine.store, engine.embedder, progress=False)
    assert report_.count("added") == 5
    run_real(browser, engine, "real models", tmp_path / "real.png", tmp_path / "real-phone.png")
    shutil.copyfile(tmp_path / "real.png", SCREENSHOT)
    shutil.copyfile(tmp_path / "real-phone.png", SCREENSHOT_PHONE)
