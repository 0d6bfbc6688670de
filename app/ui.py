"""The chat UI (Gradio): Thai first, evidence beside every answer, documents managed in the browser.

Everything goes through one :class:`~rag.engine.Prachum`, so models are loaded once
and the UI answers exactly like ``prachum ask``. Each browser session keeps its own
conversation in a ``gr.State``; Gradio's queue runs several sessions at once. The
index is shared, so a read-write lock lets many questions retrieve together while an
upload or removal waits for them and then changes the index alone.

The evidence panel is filled as soon as retrieval finishes, before the language model
has written a word: on a 2-core laptop the answer takes seconds, the passages do not.
"""
from __future__ import annotations

from prachum.errors import UiError
import html
import re
import socket
import threading
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import gradio as gr

from prachum import offline as _offline  # noqa: F401  (before gradio reads its analytics switch)
from prachum.thai.dates import format_thai_date, parse_user_date
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.pipeline import FileResult, ingest_paths
from prachum.config import ANSWERERS
from prachum.index.store import DocumentRecord
from prachum.types import Answer, Done, Event, Filters, Retrieved, Token, citation_json, display_source
from rag.engine import Prachum

UPLOAD_TYPES = sorted(s for s in SUPPORTED_SUFFIXES if s != ".htm")
MAX_UPLOAD = "100mb"
ANSWER_CONCURRENCY = 4  # sessions answered at once; the local LLM itself serializes on its own lock

# ---------------------------------------------------------------------------------------------
# Words on screen. Thai is the default; the English switch swaps every label.

TEXT: dict[str, dict[str, str]] = {
    "th": {
        "brand": "ประชุม",
        "tagline": "ถามคำถามจากบันทึกการประชุม ได้คำตอบสั้น ๆ พร้อมแหล่งอ้างอิงที่ตรวจสอบได้",
        "index_stats": "{docs} เอกสาร · {chunks} ข้อความ",
        "offline": "ทำงานในเครื่อง ไม่ส่งข้อมูลออก",
        "tab_chat": "ถาม-ตอบ",
        "tab_docs": "เอกสาร",
        "chatbot": "บทสนทนา",
        "chat_placeholder": "<div class='chat-intro'><h3>ถามเรื่องการประชุมได้เลย</h3>"
                            "<p>ทุกคำตอบมีเลขอ้างอิง เช่น [1] ที่ชี้ไปยังข้อความต้นฉบับทางขวา</p></div>",
        "chat_empty_index": "<div class='chat-intro'><h3>ยังไม่มีเอกสารในคลัง</h3>"
                            "<p>เพิ่มบันทึกการประชุมได้ที่แท็บ “เอกสาร”</p></div>",
        "question": "คำถาม",
        "question_placeholder": "พิมพ์คำถามภาษาไทยหรืออังกฤษ แล้วกด Enter",
        "send": "ถาม",
        "clear": "เริ่มใหม่",
        "answerer": "ผู้เขียนคำตอบ",
        "answerer_local": "LLM ในเครื่อง",
        "answerer_extractive": "ยกประโยคจากเอกสาร",
        "answerer_openai": "เซิร์ฟเวอร์แบบ OpenAI",
        "answerer_info": "LLM ในเครื่อง: {local} · OpenAI: {openai}",
        "k": "จำนวนข้อความที่ค้น (k)",
        "filters": "ตัวกรอง: ช่วงวันที่และเอกสาร",
        "since": "ตั้งแต่วันที่",
        "until": "ถึงวันที่",
        "date_placeholder": "เช่น 1 ม.ค. 64 หรือ 2021-01-01",
        "doc_filter": "ค้นเฉพาะเอกสาร",
        "doc_filter_info": "เว้นว่างไว้เพื่อค้นทุกเอกสาร",
        "evidence": "หลักฐาน",
        "evidence_empty": "ข้อความที่ใช้ตอบจะแสดงที่นี่ทันทีที่ค้นพบ พร้อมไฮไลต์ประโยคที่สนับสนุนคำตอบ",
        "evidence_searching": "กำลังค้นหาข้อความที่เกี่ยวข้อง…",
        "evidence_preview": "พบ {n} ข้อความ · กำลังเขียนคำตอบ…",
        "evidence_final": "แหล่งอ้างอิงของคำตอบ ({n})",
        "evidence_refused": "ไม่พบข้อความที่ตอบคำถามนี้ได้",
        "evidence_refused_hint": "ลองใช้คำอื่น ขยายช่วงวันที่ หรือเพิ่มเอกสารที่เกี่ยวข้อง",
        "evidence_error": "ตอบคำถามนี้ไม่สำเร็จ",
        "earlier": "คำถามก่อนหน้า",
        "meeting_date": "วันที่ประชุม",
        "no_date": "ไม่ระบุวันที่",
        "source": "ไฟล์",
        "full_passage": "ดูข้อความเต็ม",
        "filters_used": "ตัวกรอง",
        "filter_since": "ตั้งแต่ {d}",
        "filter_until": "ถึง {d}",
        "filter_docs": "{n} เอกสาร",
        "searching": "กำลังค้นหา…",
        "writing": "พบหลักฐาน {n} ข้อความ · กำลังเขียนคำตอบ…",
        "checking": "กำลังตรวจสอบการอ้างอิง…",
        "refusal_hint": "ในเอกสารไม่มีข้อความที่สนับสนุนคำตอบได้เพียงพอ จึงไม่ตอบเพื่อไม่ให้ข้อมูลผิด",
        "fallback_note": "LLM ตอบไม่ได้ตามหลักฐาน จึงยกประโยคจากเอกสารมาตอบแทน",
        "meta": "ผู้ตอบ: {answerer} · ค้นคืน {retrieve} วินาที · ทั้งหมด {total} วินาที",
        "error": "เกิดข้อผิดพลาด: {reason}",
        "bad_date": "“{value}” ไม่ใช่วันที่: ใช้รูปแบบ 2021-02-08 หรือ 8 ก.พ. 64",
        "bad_range": "วันที่เริ่มต้นอยู่หลังวันที่สิ้นสุด",
        "no_local": "ยังไม่ได้ติดตั้ง LLM ในเครื่อง: รัน `prachum models setup` หรือเลือกผู้เขียนคำตอบแบบอื่น",
        "empty_index": "ยังไม่มีเอกสารในคลัง: เพิ่มเอกสารที่แท็บ “เอกสาร” ก่อน",
        "docs_title": "### เอกสารในคลัง",
        "docs_empty": "ยังไม่มีเอกสาร",
        "col_title": "ชื่อเรื่อง",
        "col_date": "วันที่ประชุม",
        "col_chunks": "จำนวนข้อความ",
        "col_source": "ไฟล์",
        "upload": "อัปโหลดเอกสาร (" + " ".join(UPLOAD_TYPES) + ")",
        "add": "เพิ่มเข้าคลังเอกสาร",
        "no_files": "เลือกไฟล์ก่อน",
        "remove_pick": "เลือกเอกสารที่จะลบ",
        "remove": "ลบออกจากคลัง",
        "removed": "ลบ “{title}” แล้ว ({n} ข้อความ)",
        "not_indexed": "ไม่มีเอกสารนี้ในคลัง",
        "pick_first": "เลือกเอกสารก่อน",
        "status_added": "เพิ่มแล้ว",
        "status_updated": "ปรับปรุงแล้ว",
        "status_unchanged": "ไม่เปลี่ยนแปลง",
        "status_failed": "ไม่สำเร็จ",
        "result_chunks": "{n} ข้อความ",
        "adding": "กำลังเพิ่ม",
        "unsupported": "ไม่รองรับไฟล์ชนิด {suffix}; รองรับ {supported}",
    },
    "en": {
        "brand": "Prachum",
        "tagline": "Ask questions about meeting records; get short answers with citations you can check",
        "index_stats": "{docs} documents · {chunks} passages",
        "offline": "runs locally, nothing leaves this machine",
        "tab_chat": "Ask",
        "tab_docs": "Documents",
        "chatbot": "Conversation",
        "chat_placeholder": "<div class='chat-intro'><h3>Ask about the meetings</h3>"
                            "<p>Every answer carries numbered citations like [1] that point to the source passages on the right</p></div>",
        "chat_empty_index": "<div class='chat-intro'><h3>No documents yet</h3>"
                            "<p>Add meeting records in the “Documents” tab</p></div>",
        "question": "Question",
        "question_placeholder": "Type a question in Thai or English and press Enter",
        "send": "Ask",
        "clear": "Start over",
        "answerer": "Answer written by",
        "answerer_local": "Local LLM",
        "answerer_extractive": "Extract sentences",
        "answerer_openai": "OpenAI-compatible server",
        "answerer_info": "local LLM: {local} · OpenAI: {openai}",
        "k": "Passages to retrieve (k)",
        "filters": "Filters: date range and documents",
        "since": "From",
        "until": "Until",
        "date_placeholder": "e.g. 2021-01-01 or 1 ม.ค. 64",
        "doc_filter": "Only these documents",
        "doc_filter_info": "leave empty to search every document",
        "evidence": "Evidence",
        "evidence_empty": "The passages used for the answer appear here as soon as they are found, with the supporting sentences highlighted",
        "evidence_searching": "Searching the records…",
        "evidence_preview": "{n} passages found · writing the answer…",
        "evidence_final": "Sources of the answer ({n})",
        "evidence_refused": "No passage answers this question",
        "evidence_refused_hint": "Try other words, a wider date range, or add the relevant records",
        "evidence_error": "This question could not be answered",
        "earlier": "Earlier question",
        "meeting_date": "Meeting date",
        "no_date": "no date",
        "source": "File",
        "full_passage": "Show the whole passage",
        "filters_used": "Filters",
        "filter_since": "from {d}",
        "filter_until": "until {d}",
        "filter_docs": "{n} documents",
        "searching": "Searching…",
        "writing": "{n} passages found · writing the answer…",
        "checking": "Checking the citations…",
        "refusal_hint": "The records contain nothing that supports an answer, so Prachum does not guess",
        "fallback_note": "The LLM's answer was not supported by the evidence, so these sentences are quoted from the records instead",
        "meta": "answered by: {answerer} · retrieval {retrieve} s · total {total} s",
        "error": "Something went wrong: {reason}",
        "bad_date": "“{value}” is not a date: use 2021-02-08 or 8 ก.พ. 64",
        "bad_range": "The start date is after the end date",
        "no_local": "The local LLM is not set up: run `prachum models setup`, or choose another answerer",
        "empty_index": "No documents are indexed yet: add some in the “Documents” tab first",
        "docs_title": "### Indexed documents",
        "docs_empty": "No documents yet",
        "col_title": "Title",
        "col_date": "Meeting date",
        "col_chunks": "Passages",
        "col_source": "File",
        "upload": "Upload documents (" + " ".join(UPLOAD_TYPES) + ")",
        "add": "Add to the index",
        "no_files": "Choose files first",
        "remove_pick": "Document to remove",
        "remove": "Remove from the index",
        "removed": "Removed “{title}” ({n} passages)",
        "not_indexed": "That document is not in the index",
        "pick_first": "Choose a document first",
        "status_added": "added",
        "status_updated": "updated",
        "status_unchanged": "unchanged",
        "status_failed": "failed",
        "result_chunks": "{n} passage(s)",
        "adding": "Adding",
        "unsupported": "unsupported file type {suffix}; supported: {supported}",
    },
}
LANGUAGES = (("ไทย", "th"), ("English", "en"))

# Questions about the seed records; shown when the documents they ask about are indexed.
SEED_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("SOCA", "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat และจัดขึ้นเมื่อไร"),
    ("SOMSWD+3", "การประชุม SOMSWD+3 ครั้งที่ 15 จัดขึ้นวันที่เท่าไร"),
    ("SOCCOM", "การประชุม 16th SOCCOM จัดภายใต้การเป็นประธานอาเซียนของประเทศใด"),
    ("AOSWADA", "AOSWADA คือรางวัลอะไร"),
    ("SOMSWD", "Which country organised the 16th SOMSWD and related meetings in 2020?"),
)


def t(lang: str, key: str, **values: Any) -> str:
    text = TEXT.get(lang, TEXT["th"])[key]
    return text.format(**values) if values else text



# ---------------------------------------------------------------------------------------------
# Shared index access: many readers, one writer.

class ReadWriteLock:
    """Questions read the index together; an upload or removal waits for them and then runs alone.

    Writers are preferred once waiting, so a stream of questions cannot starve an upload.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


def safe_upload_name(name: str) -> str:
    """A file name that stays inside the upload folder (Thai letters kept)."""
    base = Path(name.replace("\\", "/")).name.strip().lstrip(".")
    base = re.sub(r"[\x00-\x1f/:*?\"<>|]", "_", base)
    return base or "document"


class Library:
    """What the UI does to the engine and the index, safe to call from many sessions at once.

    Uploaded files are copied into ``data_dir/uploads`` so the index never points at
    Gradio's temporary files, which are deleted; re-uploading a file of the same name
    replaces that document.
    """

    def __init__(self, engine: Prachum, upload_dir: Path | None = None) -> None:
        self.engine = engine
        self.settings = engine.settings
        self.lock = ReadWriteLock()
        self.upload_dir = Path(upload_dir or engine.settings.data_dir / "uploads")

    # ---- questions -----------------------------------------------------------------------
    def answerer_ready(self, answerer: str) -> bool:
        """False only for a local LLM that is neither loaded nor set up (setting it up downloads 1.1 GB)."""
        if answerer != "local" or answerer in self.engine.chat_models:
            return True
        from prachum.models.llm_setup import is_llm_model_ready

        return is_llm_model_ready(self.settings)

    def stream(self, question: str, history: Sequence[tuple[str, str]] = (), filters: Filters = Filters(),
               answerer: str | None = None, k: int | None = None) -> Iterator[Event]:
        """The engine's events; the index is read-locked only until retrieval is done."""
        events = self.engine.stream(question, list(history), filters, answerer, k)
        with self.lock.reading():
            first = next(events)  # rewrite + retrieval + gate: everything that reads the index
        yield first
        yield from events

    def ask(self, question: str, history: Sequence[tuple[str, str]] = (), filters: Filters = Filters(),
            answerer: str | None = None, k: int | None = None) -> Answer:
        for event in self.stream(question, history, filters, answerer, k):
            if isinstance(event, Done):
                return event.answer
        raise RuntimeError("the answer stream ended without an answer")

    # ---- documents -----------------------------------------------------------------------
    def documents(self) -> list[DocumentRecord]:
        with self.lock.reading():
            docs = self.engine.store.documents()
        return sorted(docs, key=lambda d: (d.date or "0000", d.title), reverse=True)

    def resolve_sources(self, names: Sequence[str]) -> tuple[str, ...]:
        """Indexed sources for names given as stored, as displayed, or as a bare file name."""
        docs = [d.source for d in self.documents()]
        out = []
        for name in names:
            matches = [s for s in docs if name in (s, display_source(s))]
            if not matches:
                matches = [s for s in docs if Path(s).name == name]
            if not matches:
                resolved = str(Path(name).resolve())
                matches = [s for s in docs if s == resolved]
            if len(matches) != 1:
                raise ValueError(f"{name!r} is not in the index" if not matches
                                 else f"{name!r} matches several documents; give its full path")
            out.append(matches[0])
        return tuple(dict.fromkeys(out))

    def add_files(self, files: Sequence[Path], on_file: Callable[[int, int, str], None] | None = None,
                  lang: str = "en") -> list[FileResult]:
        """Copy each upload into the upload folder and ingest it; one result per file, in order."""
        results = []
        for i, upload in enumerate(files):
            name = safe_upload_name(Path(upload).name)
            if on_file:
                on_file(i, len(files), name)
            results.append(self._add_one(Path(upload), name, lang))
        return results

    def _add_one(self, upload: Path, name: str, lang: str) -> FileResult:
        target = self.upload_dir / name
        suffix = target.suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            return FileResult(target, "failed", reason=t(lang, "unsupported", suffix=suffix or "(none)",
                                                          supported=" ".join(UPLOAD_TYPES)))
        try:
            data = upload.read_bytes()
        except OSError as exc:
            return FileResult(target, "failed", reason=f"cannot read the upload: {exc.strerror}")
        with self.lock.writing():
            self.upload_dir.mkdir(parents=True, exist_ok=True)
            previous = target.read_bytes() if target.is_file() else None
            target.write_bytes(data)
            try:
                report = ingest_paths([target], self.settings, self.engine.store, self.engine.embedder,
                                      progress=False)
                result = report.results[0] if report.results else FileResult(target, "failed", reason="nothing was read")
            except Exception:
                self._restore(target, previous)
                raise
            if result.status == "failed":
                self._restore(target, previous)
        return result

    @staticmethod
    def _restore(target: Path, previous: bytes | None) -> None:
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(previous)

    def remove(self, source: str) -> int:
        """Remove a document from the index; an uploaded copy is deleted with it."""
        with self.lock.writing():
            removed = self.engine.store.remove_document(source)
            path = Path(source)
            if removed and path.parent.resolve() == self.upload_dir.resolve():
                path.unlink(missing_ok=True)
        return removed


# ---------------------------------------------------------------------------------------------
# One question and its answer as a session remembers it.

@dataclass
class Exchange:
    question: str
    status: str = "searching"  # searching | writing | done | error
    streamed: str = ""
    answer: str = ""
    refused: bool = False
    fallback: bool = False
    citations: list[dict[str, Any]] = field(default_factory=list)
    answerer: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)
    filters: Filters = Filters()
    error: str = ""


def make_filters(lang: str, since: str | None, until: str | None, sources: Sequence[str] | None) -> Filters:
    """Filters from the form; raises gr.Error with a message in the UI language."""
    days = []
    for value in (since, until):
        try:
            days.append(parse_user_date(value))
        except ValueError:
            raise gr.Error(t(lang, "bad_date", value=value), print_exception=False) from None
    if days[0] and days[1] and days[0] > days[1]:
        raise gr.Error(t(lang, "bad_range"), print_exception=False)
    return Filters(since=days[0], until=days[1], sources=tuple(sources or ()))


def show_date(iso: str | None, lang: str) -> str:
    if not iso:
        return t(lang, "no_date")
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return format_thai_date(day) if lang == "th" else f"{day.day} {day:%B} {day.year}"


# ---------------------------------------------------------------------------------------------
# HTML: answers with linked markers, evidence cards with highlighted sentences.

_MARKER = re.compile(r"\[(\d{1,2})\]")
_SPACED_MARKER = re.compile(r"\s?\[\d{1,2}\]")
_PARTIAL_MARKER = re.compile(r"\s?\[\d{0,2}$")


def highlight(text: str, spans: Sequence[Sequence[int]]) -> str:
    """``text`` escaped, with each (start, end) span wrapped in <mark>; overlapping spans merged."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, int(s)), min(len(text), int(e))) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def cite_id(turn: int, n: int) -> str:
    return f"cite-{turn}-{n}"


def link_markers(answer: str, turn: int, numbers: set[int]) -> str:
    """The answer escaped, each valid [n] made a link to its evidence card."""
    def link(m: re.Match) -> str:
        n = int(m.group(1))
        if n not in numbers:
            return m.group(0)
        return f'<a class="cite-ref" href="#{cite_id(turn, n)}" title="[{n}]">[{n}]</a>'

    return _MARKER.sub(link, html.escape(answer, quote=False))


def streaming_text(raw: str) -> str:
    """What the LLM has written so far, without its unchecked [n] markers (they are replaced when done)
    and without the NOT_FOUND signal of a declining model (the checked answer replaces it)."""
    text = _PARTIAL_MARKER.sub("", _SPACED_MARKER.sub("", raw)).strip()
    return "" if "NOT_FOUND".startswith(text[:9]) or text.startswith("NOT_FOUND") else text


def answerer_name(lang: str, answerer: str) -> str:
    return t(lang, f"answerer_{answerer}") if answerer in ANSWERERS else answerer


def render_answer(ex: Exchange, turn: int, lang: str) -> str:
    if ex.status == "error":
        return f"<div class='ui-error'>{html.escape(t(lang, 'error', reason=ex.error))}</div>"
    if ex.status == "searching":
        return f"<span class='pending'>{t(lang, 'searching')}</span>"
    if ex.status == "writing":
        text = streaming_text(ex.streamed)
        if not text:
            return f"<span class='pending'>{t(lang, 'writing', n=len(ex.citations))}</span>"
        return html.escape(text, quote=False) + " <span class='cursor'>▍</span>"
    if ex.refused:
        return (f"<div class='refusal'><b>{html.escape(ex.answer)}</b>"
                f"<br><span class='hint'>{t(lang, 'refusal_hint')}</span></div>")
    body = link_markers(ex.answer, turn, {c["n"] for c in ex.citations})
    notes = []
    if ex.fallback:
        notes.append(t(lang, "fallback_note"))
    if ex.timings_ms:
        notes.append(t(lang, "meta", answerer=answerer_name(lang, ex.answerer),
                       retrieve=f"{ex.timings_ms.get('retrieve', 0) / 1000:.1f}",
                       total=f"{ex.timings_ms.get('total', 0) / 1000:.1f}"))
    meta = "".join(f"<div class='answer-meta'>{html.escape(n)}</div>" for n in notes)
    return f"<div class='answer'>{body}</div>{meta}"


def render_messages(exchanges: Sequence[Exchange], lang: str) -> list[dict[str, str]]:
    messages = []
    for turn, ex in enumerate(exchanges, start=1):
        messages.append({"role": "user", "content": html.escape(ex.question, quote=False)})
        messages.append({"role": "assistant", "content": render_answer(ex, turn, lang)})
    return messages


ICON_DATE = ("<svg class='icon' viewBox='0 0 16 16' aria-hidden='true'><rect x='2' y='3' width='12' height='11' rx='2' "
             "fill='none' stroke='currentColor' stroke-width='1.4'/><path d='M2 6.5h12M5 1.5v3M11 1.5v3' "
             "stroke='currentColor' stroke-width='1.4'/></svg>")
ICON_FILE = ("<svg class='icon' viewBox='0 0 16 16' aria-hidden='true'><path d='M4 1.5h5l3.5 3.5v9.5h-8.5z' fill='none' "
             "stroke='currentColor' stroke-width='1.4' stroke-linejoin='round'/><path d='M9 1.5v3.5h3.5' fill='none' "
             "stroke='currentColor' stroke-width='1.4'/></svg>")
EXCERPT_CONTEXT = 220  # characters of context kept around the highlighted sentences of a long passage
EXCERPT_MIN = 650      # passages shorter than this are shown whole


def _snap(text: str, index: int, forward: bool) -> int:
    """Move a cut point to the nearest space or line break so no Thai word is cut in half."""
    window = text[index:index + 40] if forward else text[max(0, index - 40):index]
    spaces = [m.start() for m in re.finditer(r"\s", window)]
    if not spaces:
        return index
    return index + spaces[0] if forward else max(0, index - 40) + spaces[-1] + 1


def excerpt(text: str, spans: Sequence[Sequence[int]]) -> tuple[str, bool]:
    """The highlighted passage, shortened to the highlights and some context when it is long.

    Returns the HTML and whether it was shortened (the full passage is then offered too).
    """
    if len(text) <= EXCERPT_MIN:
        return highlight(text, spans), False
    starts = [int(s) for s, _ in spans] or [0]
    ends = [int(e) for _, e in spans] or [EXCERPT_MIN - EXCERPT_CONTEXT]
    lo = 0 if min(starts) <= EXCERPT_CONTEXT else _snap(text, min(starts) - EXCERPT_CONTEXT, forward=True)
    hi = len(text) if max(ends) + EXCERPT_CONTEXT >= len(text) else _snap(text, max(ends) + EXCERPT_CONTEXT, forward=False)
    if lo == 0 and hi == len(text):
        return highlight(text, spans), False
    inside = [(max(int(s), lo) - lo, min(int(e), hi) - lo) for s, e in spans if int(e) > lo and int(s) < hi]
    body = highlight(text[lo:hi], inside)
    return ("… " if lo else "") + body + (" …" if hi < len(text) else ""), True


def render_citation(c: dict[str, Any], turn: int, lang: str) -> str:
    spans = c.get("highlights", [])
    shown, shortened = excerpt(c["text"], spans)
    full = (f"<details class='cite-full'><summary>{t(lang, 'full_passage')}</summary>"
            f"<div class='cite-text'>{highlight(c['text'], spans)}</div></details>") if shortened else ""
    return (
        f"<li class='cite' id='{cite_id(turn, c['n'])}'>"
        f"<div class='cite-head'><span class='cite-n'>{c['n']}</span>"
        f"<span class='cite-title'>{html.escape(c['title'] or c['source'])}</span></div>"
        f"<div class='cite-meta'><span>{ICON_DATE} {t(lang, 'meeting_date')}: {html.escape(show_date(c.get('date'), lang))}</span>"
        f"<span>{ICON_FILE} {html.escape(c['source'])}</span></div>"
        f"<div class='cite-text'>{shown}</div>{full}"
        "</li>"
    )


def describe_filters(f: Filters, lang: str) -> str:
    parts = []
    if f.since:
        parts.append(t(lang, "filter_since", d=show_date(f.since.isoformat(), lang)))
    if f.until:
        parts.append(t(lang, "filter_until", d=show_date(f.until.isoformat(), lang)))
    if f.sources:
        parts.append(t(lang, "filter_docs", n=len(f.sources)))
    return f"<div class='ev-filters'>{t(lang, 'filters_used')}: {html.escape(' · '.join(parts))}</div>" if parts else ""


def _evidence_body(ex: Exchange, turn: int, lang: str) -> str:
    if ex.status == "searching":
        return f"<div class='ev-status pending'>{t(lang, 'evidence_searching')}</div>"
    if ex.status == "error":
        return f"<div class='ev-notice'>{t(lang, 'evidence_error')}</div>"
    if ex.refused or not ex.citations:
        return (f"<div class='ev-notice'><b>{t(lang, 'evidence_refused')}</b><br>"
                f"<span class='hint'>{t(lang, 'evidence_refused_hint')}</span></div>")
    head = (t(lang, "evidence_preview", n=len(ex.citations)) if ex.status == "writing"
            else t(lang, "evidence_final", n=len(ex.citations)))
    cls = "ev-status pending" if ex.status == "writing" else "ev-status"
    cards = "".join(render_citation(c, turn, lang) for c in ex.citations)
    return f"<div class='{cls}'>{head}</div>{describe_filters(ex.filters, lang)}<ol class='cites'>{cards}</ol>"


def render_evidence(exchanges: Sequence[Exchange], lang: str) -> str:
    """The latest answer's evidence; earlier answers' evidence folded below, so old [n] links still land."""
    title = f"<div class='ev-title'>{t(lang, 'evidence')}</div>"
    if not exchanges:
        return f"<div class='evidence'>{title}<div class='ev-empty'>{t(lang, 'evidence_empty')}</div></div>"
    last = len(exchanges)
    parts = [title, f"<div class='ev-question'>{html.escape(exchanges[-1].question)}</div>",
             _evidence_body(exchanges[-1], last, lang)]
    for turn in range(last - 1, 0, -1):
        ex = exchanges[turn - 1]
        if not ex.citations:
            continue
        parts.append(f"<details class='ev-earlier'><summary>{t(lang, 'earlier')}: {html.escape(ex.question)}</summary>"
                     f"<ol class='cites'>{''.join(render_citation(c, turn, lang) for c in ex.citations)}</ol></details>")
    return f"<div class='evidence'>{''.join(parts)}</div>"


@dataclass
class ChatUpdate:
    """One refresh of the chat: the messages, the evidence panel (None: unchanged) and the session state."""

    messages: list[dict[str, str]]
    evidence: str | None
    state: list[Exchange]


def chat_turn(lib: Library, question: str, state: Sequence[Exchange], lang: str, answerer: str, k: int,
              filters: Filters = Filters()) -> Iterator[ChatUpdate]:
    """Ask one question in a conversation: the question at once, the evidence when retrieval is done,
    the answer as it is written, then the checked answer with linked citations.

    Earlier answered turns are the history, so follow-ups ("เขาดำรงตำแหน่งอะไร") are understood.
    """
    question = question.strip()
    if not lib.answerer_ready(answerer):
        raise gr.Error(t(lang, "no_local"), print_exception=False)
    if lib.engine.store.count() == 0:
        raise gr.Error(t(lang, "empty_index"), print_exception=False)
    history = [(e.question, e.answer) for e in state if e.status == "done"]
    ex = Exchange(question, filters=filters, answerer=answerer)
    turns = [*state, ex]
    yield ChatUpdate(render_messages(turns, lang), render_evidence(turns, lang), turns)
    try:
        for event in lib.stream(question, history, filters, answerer, k):
            if isinstance(event, Retrieved):
                ex.citations = [citation_json(c) for c in event.citations]
                ex.refused, ex.status = event.refused, "writing"
                yield ChatUpdate(render_messages(turns, lang), render_evidence(turns, lang), turns)
            elif isinstance(event, Token):
                ex.streamed += event.text
                yield ChatUpdate(render_messages(turns, lang), None, turns)
            elif isinstance(event, Done):
                a = event.answer
                ex.answer, ex.refused, ex.fallback = a.answer, a.refused, a.fallback
                ex.citations = [citation_json(c) for c in a.citations]
                ex.timings_ms, ex.answerer, ex.status = dict(a.timings_ms), a.answerer, "done"
    except Exception as exc:  # noqa: BLE001  -- a model or server failure ends this answer, not the app
        traceback.print_exc()
        ex.status, ex.error = "error", str(exc) or type(exc).__name__
    if ex.status not in ("done", "error"):
        ex.status, ex.error = "error", "the answer stream ended without an answer"
    yield ChatUpdate(render_messages(turns, lang), render_evidence(turns, lang), turns)


STATUS_CLASS = {"added": "ok", "updated": "ok", "unchanged": "same", "failed": "bad", "removed": "same"}


def render_results(results: Sequence[FileResult], lang: str) -> str:
    rows = []
    for r in results:
        detail = r.reason or (t(lang, "result_chunks", n=r.chunks) if r.chunks else "")
        rows.append(
            f"<tr class='res-{STATUS_CLASS.get(r.status, 'same')}'><td class='res-status'>{t(lang, 'status_' + r.status) if r.status in ('added', 'updated', 'unchanged', 'failed') else r.status}</td>"
            f"<td class='res-name'>{html.escape(r.path.name)}<div class='res-title'>{html.escape(r.title)}</div></td>"
            f"<td class='res-detail'>{html.escape(detail)}</td></tr>"
        )
    return f"<table class='results'>{''.join(rows)}</table>" if rows else ""


def render_header(lang: str, docs: Sequence[DocumentRecord]) -> str:
    stats = t(lang, "index_stats", docs=len(docs), chunks=sum(d.chunks for d in docs))
    return (
        "<div class='brand'><div class='brand-mark'>ป</div><div>"
        f"<div class='brand-name'>{t(lang, 'brand')} <span class='brand-sub'>{'Prachum' if lang == 'th' else 'ประชุม'}</span></div>"
        f"<div class='brand-tagline'>{t(lang, 'tagline')}</div></div>"
        f"<div class='brand-stats'><span>{stats}</span><span class='offline'>{t(lang, 'offline')}</span></div></div>"
    )


def example_questions(docs: Sequence[DocumentRecord]) -> list[str]:
    """Questions about the records that are indexed: the seed questions if their meetings are there,
    otherwise one per meeting acronym of the newest records."""
    acronyms = [a for d in docs for a in d.acronyms]
    known = set(acronyms)
    chosen = [q for needs, q in SEED_EXAMPLES if needs in known]
    if chosen:
        return chosen[:4]
    return [f"การประชุม {a} จัดขึ้นเมื่อไร และมีผู้แทนประเทศไทยคือใคร" for a in dict.fromkeys(acronyms)][:3]


def docs_table(docs: Sequence[DocumentRecord], lang: str) -> dict[str, Any]:
    headers = [t(lang, k) for k in ("col_title", "col_date", "col_chunks", "col_source")]
    rows = [[d.title, show_date(d.date, lang) if d.date else t(lang, "no_date"), d.chunks, display_source(d.source)]
            for d in docs]
    return {"headers": headers, "data": rows or [["", "", "", ""]]}


def doc_choices(docs: Sequence[DocumentRecord], lang: str) -> list[tuple[str, str]]:
    return [(f"{d.title[:80]} · {show_date(d.date, lang) if d.date else t(lang, 'no_date')}", d.source) for d in docs]


# ---------------------------------------------------------------------------------------------
# Styling: system and bundled fonts only (nothing fetched), Thai fonts first for Thai glyphs.

THAI_FONTS = ["Noto Sans Thai", "Sarabun", "Leelawadee UI", "Thonburi", "Waree", "Loma", "Garuda", "Tahoma"]


def make_theme() -> gr.themes.Base:
    return gr.themes.Default(
        primary_hue="indigo", secondary_hue="amber", neutral_hue="slate", radius_size="md",
        font=[gr.themes.LocalFont("Source Sans Pro"), *THAI_FONTS, "ui-sans-serif", "system-ui", "sans-serif"],
        font_mono=[gr.themes.LocalFont("IBM Plex Mono"), "ui-monospace", "monospace"],
    )


CSS = """
.gradio-container { max-width: 1360px !important; margin: 0 auto !important; }
.brand { display: flex; align-items: center; gap: 14px; padding: 6px 2px; }
.brand-mark { width: 44px; height: 44px; border-radius: 12px; display: grid; place-items: center;
  background: linear-gradient(135deg, var(--primary-500), var(--primary-700)); color: white;
  font-size: 26px; font-weight: 700; }
.brand-name { font-size: 1.45rem; font-weight: 700; line-height: 1.2; }
.brand-sub { font-size: 1rem; font-weight: 400; color: var(--body-text-color-subdued); margin-left: 6px; }
.brand-tagline { color: var(--body-text-color-subdued); font-size: .95rem; }
.brand-stats { margin-left: auto; display: flex; gap: 8px; flex-wrap: wrap; justify-content: flex-end; }
.brand-stats span { background: var(--background-fill-secondary); border: 1px solid var(--border-color-primary);
  border-radius: 999px; padding: 3px 10px; font-size: .85rem; white-space: nowrap; }
#lang-switch { min-width: 190px !important; max-width: 220px; align-self: center; }
#lang-switch .wrap { justify-content: flex-end; }
.chat-intro { text-align: center; opacity: .85; }
.chat-intro h3 { margin: 0 0 4px 0; }
.pending { color: var(--body-text-color-subdued); font-style: italic; }
.cursor { animation: blink 1s steps(2) infinite; color: var(--primary-500); }
@keyframes blink { 50% { opacity: 0; } }
a.cite-ref { text-decoration: none !important; font-weight: 600; font-size: .85em; color: var(--primary-600) !important;
  background: var(--primary-50); border-radius: 6px; padding: 0 4px; margin: 0 1px; vertical-align: 1px; cursor: pointer; }
a.cite-ref:hover { background: var(--primary-100); }
.answer-meta { color: var(--body-text-color-subdued); font-size: .78rem; margin-top: 6px; }
.refusal { background: var(--background-fill-secondary); border-left: 4px solid var(--neutral-400);
  border-radius: 8px; padding: 8px 12px; line-height: 1.6; }
.refusal .hint, .ev-notice .hint { color: var(--body-text-color-subdued); font-size: .9rem; }
.ui-error { background: #fef2f2; color: #991b1b; border-radius: 8px; padding: 8px 12px; }
#evidence-panel { max-height: 720px; overflow-y: auto; }
.evidence { padding: 2px 4px; }
.ev-title { font-weight: 700; font-size: 1.1rem; margin-bottom: 6px; }
.ev-question { font-size: .9rem; color: var(--body-text-color-subdued); margin-bottom: 8px; }
.ev-status { font-weight: 600; margin: 6px 0; color: var(--primary-700); }
.ev-filters { font-size: .85rem; color: var(--body-text-color-subdued); margin-bottom: 6px; }
.ev-empty, .ev-notice { color: var(--body-text-color-subdued); background: var(--background-fill-secondary);
  border: 1px dashed var(--border-color-primary); border-radius: 10px; padding: 18px; line-height: 1.6; }
ol.cites { list-style: none; padding: 0; margin: 0; }
li.cite { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 12px; margin: 0 0 10px 0;
  background: var(--background-fill-primary); scroll-margin-top: 12px; transition: box-shadow .3s, border-color .3s; }
li.cite.flash { border-color: var(--primary-500); box-shadow: 0 0 0 3px var(--primary-200); }
.cite-head { display: flex; gap: 8px; align-items: baseline; font-weight: 600; line-height: 1.4; }
.cite-n { flex: none; min-width: 22px; height: 22px; border-radius: 6px; background: var(--primary-600); color: white;
  font-size: .8rem; display: inline-grid; place-items: center; }
.cite-meta { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: .8rem; color: var(--body-text-color-subdued);
  margin: 4px 0 6px 30px; }
.cite-text { white-space: pre-wrap; font-size: .92rem; line-height: 1.7; margin-left: 30px; }
.cite-meta span { display: inline-flex; align-items: center; gap: 4px; }
.cite-meta .icon { width: 13px; height: 13px; flex: none; display: inline-block; }
details.cite-full { margin: 4px 0 0 30px; font-size: .85rem; }
details.cite-full summary { cursor: pointer; color: var(--primary-600); }
details.cite-full .cite-text { margin-left: 0; margin-top: 4px; }
.brand-stats .offline::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%;
  background: #22c55e; margin-right: 6px; vertical-align: 1px; }
.cite-text mark { background: rgba(251, 191, 36, .38); color: inherit; border-radius: 3px; padding: 1px 0;
  box-shadow: inset 0 -2px 0 rgba(217, 119, 6, .55); }
details.ev-earlier { margin-top: 10px; }
details.ev-earlier summary { cursor: pointer; color: var(--body-text-color-subdued); font-size: .9rem; }
#upload-results table.results { width: 100%; border-collapse: collapse; font-size: .92rem; margin: 0; }
#upload-results table.results, #upload-results table.results tr, #upload-results table.results td {
  border: none !important; }
#upload-results table.results td { padding: 8px 10px; vertical-align: top;
  border-bottom: 1px solid var(--border-color-primary) !important; }
#docs-table, #docs-table * { font-family: var(--font) !important; }
.res-status { font-weight: 600; white-space: nowrap; }
.res-ok .res-status { color: #15803d; }
.res-same .res-status { color: var(--body-text-color-subdued); }
.res-bad .res-status { color: #b91c1c; }
.res-title { color: var(--body-text-color-subdued); font-size: .82rem; }
"""

# Clicking an [n] in an answer scrolls its evidence card into view (opening an earlier turn if needed).
HEAD = """
<meta name="description" content="Prachum: cited answers from Thai meeting records, offline">
<script>
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a[href^='#cite-']") : null;
  if (!link) return;
  var card = document.getElementById(link.getAttribute("href").slice(1));
  if (!card) return;
  event.preventDefault();
  event.stopPropagation();
  var folded = card.closest("details");
  if (folded) folded.open = true;
  card.scrollIntoView({behavior: "smooth", block: "nearest"});
  card.classList.remove("flash");
  void card.offsetWidth;
  card.classList.add("flash");
  setTimeout(function () { card.classList.remove("flash"); }, 1600);
}, true);
</script>
"""


def launch_options() -> dict[str, Any]:
    """Look and offline behaviour, given to Blocks.launch (Gradio 6 takes them there)."""
    return {"theme": make_theme(), "css": CSS, "head": HEAD, "footer_links": ["api"], "ssr_mode": False,
            "max_file_size": MAX_UPLOAD}


# ---------------------------------------------------------------------------------------------
# The Blocks app.

def build_ui(engine: Prachum, library: Library | None = None) -> gr.Blocks:
    lib = library or Library(engine)
    settings = engine.settings
    docs0 = lib.documents()
    lang0 = "th"

    def answerer_choices(lang: str) -> list[tuple[str, str]]:
        return [(answerer_name(lang, a), a) for a in ANSWERERS]

    def answerer_info(lang: str) -> str:
        local = "✓" if lib.answerer_ready("local") else "—"
        return t(lang, "answerer_info", local=local, openai=f"{settings.openai_model} @ {settings.openai_base_url}")

    with gr.Blocks(title="ประชุม · Prachum", analytics_enabled=False, delete_cache=(3600, 86400)) as demo:
        exchanges = gr.State([])
        with gr.Row(equal_height=True):
            header = gr.HTML(render_header(lang0, docs0), elem_id="brand", scale=5)
            lang = gr.Radio(LANGUAGES, value=lang0, show_label=False, container=False, elem_id="lang-switch",
                            scale=0, min_width=190)
        with gr.Tabs():
            with gr.Tab(t(lang0, "tab_chat"), id="chat") as tab_chat:
                with gr.Row(equal_height=False):
                    with gr.Column(scale=6):
                        chatbot = gr.Chatbot(
                            label=t(lang0, "chatbot"), height=540, elem_id="chat",
                            placeholder=t(lang0, "chat_placeholder" if docs0 else "chat_empty_index"),
                            examples=[{"text": q} for q in example_questions(docs0)],
                            buttons=["copy"], feedback_options=None, latex_delimiters=[],
                            group_consecutive_messages=False,
                        )
                        with gr.Row(equal_height=True):
                            question = gr.Textbox(show_label=False, placeholder=t(lang0, "question_placeholder"),
                                                  scale=8, container=False, autofocus=True, elem_id="question",
                                                  max_lines=4)
                            send = gr.Button(t(lang0, "send"), variant="primary", scale=1, min_width=90,
                                             elem_id="send")
                            clear = gr.Button(t(lang0, "clear"), variant="secondary", scale=0, min_width=110,
                                              elem_id="clear")
                        with gr.Row(equal_height=True):
                            answerer = gr.Radio(answerer_choices(lang0), value=settings.llm,
                                                label=t(lang0, "answerer"), info=answerer_info(lang0),
                                                scale=3, elem_id="answerer")
                            k = gr.Slider(1, 20, value=min(settings.k, 20), step=1, label=t(lang0, "k"), scale=2,
                                          elem_id="k")
                        with gr.Accordion(t(lang0, "filters"), open=False, elem_id="filters") as filters_box:
                            with gr.Row():
                                since = gr.Textbox(label=t(lang0, "since"), placeholder=t(lang0, "date_placeholder"),
                                                   elem_id="since")
                                until = gr.Textbox(label=t(lang0, "until"), placeholder=t(lang0, "date_placeholder"),
                                                   elem_id="until")
                            doc_filter = gr.Dropdown(doc_choices(docs0, lang0), value=[], multiselect=True,
                                                     label=t(lang0, "doc_filter"), info=t(lang0, "doc_filter_info"),
                                                     elem_id="doc-filter")
                    with gr.Column(scale=5):
                        evidence = gr.HTML(render_evidence([], lang0), elem_id="evidence-panel")
            with gr.Tab(t(lang0, "tab_docs"), id="docs") as tab_docs:
                docs_title = gr.Markdown(t(lang0, "docs_title"))
                table = gr.Dataframe(value=docs_table(docs0, lang0), interactive=False, wrap=True,
                                     elem_id="docs-table", column_widths=["50%", "16%", "10%", "24%"])
                with gr.Row(equal_height=False):
                    with gr.Column():
                        upload = gr.File(label=t(lang0, "upload"), file_count="multiple", file_types=UPLOAD_TYPES,
                                         elem_id="upload", height=160)
                        add = gr.Button(t(lang0, "add"), variant="primary", elem_id="add")
                        results = gr.HTML(elem_id="upload-results")
                    with gr.Column():
                        to_remove = gr.Dropdown(doc_choices(docs0, lang0), value=None, label=t(lang0, "remove_pick"),
                                                elem_id="remove-pick")
                        remove = gr.Button(t(lang0, "remove"), variant="stop", elem_id="remove")
                        removed = gr.Markdown(elem_id="remove-result")

        # ---- asking -----------------------------------------------------------------------
        def on_ask(text: str, state: list[Exchange], lang_: str, answerer_: str, k_: float, since_: str,
                   until_: str, sources_: list[str]) -> Iterator[tuple]:
            if not (text or "").strip():
                yield gr.skip(), gr.skip(), gr.skip(), state
                return
            filters = make_filters(lang_, since_, until_, sources_)
            for i, step in enumerate(chat_turn(lib, text, state, lang_, answerer_, int(k_), filters)):
                evidence_html = gr.skip() if step.evidence is None else step.evidence
                yield step.messages, evidence_html, "" if i == 0 else gr.skip(), step.state

        ask_inputs = [question, exchanges, lang, answerer, k, since, until, doc_filter]
        ask_outputs = [chatbot, evidence, question, exchanges]
        ask_opts = dict(concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer", api_visibility="private",
                        show_progress="hidden")
        question.submit(on_ask, ask_inputs, ask_outputs, **ask_opts)
        send.click(on_ask, ask_inputs, ask_outputs, **ask_opts)

        def pick_example(evt: gr.SelectData) -> str:
            return evt.value["text"]

        chatbot.example_select(pick_example, None, question, api_visibility="private") \
            .then(on_ask, ask_inputs, ask_outputs, **ask_opts)

        def on_clear(lang_: str) -> tuple:
            return [], render_evidence([], lang_), "", []

        clear.click(on_clear, [lang], [chatbot, evidence, question, exchanges], api_visibility="private")
        chatbot.clear(on_clear, [lang], [chatbot, evidence, question, exchanges], api_visibility="private")

        # ---- documents --------------------------------------------------------------------
        def refreshed(lang_: str) -> tuple:
            docs = lib.documents()
            return (
                render_header(lang_, docs),
                gr.update(value=docs_table(docs, lang_)),
                gr.update(choices=doc_choices(docs, lang_)),
                gr.update(choices=doc_choices(docs, lang_), value=None),
                gr.update(examples=[{"text": q} for q in example_questions(docs)],
                          placeholder=t(lang_, "chat_placeholder" if docs else "chat_empty_index")),
            )

        refresh_outputs = [header, table, doc_filter, to_remove, chatbot]

        def on_add(files: list[str] | None, lang_: str, progress: gr.Progress = gr.Progress()) -> tuple:
            if not files:
                raise gr.Error(t(lang_, "no_files"), print_exception=False)
            paths = [Path(f) for f in files]
            out = lib.add_files(paths, lambda i, n, name: progress((i, n), desc=f"{t(lang_, 'adding')} {name}",
                                                                  unit="files"), lang=lang_)
            progress((len(paths), len(paths)))
            return (render_results(out, lang_), None, *refreshed(lang_))

        add.click(on_add, [upload, lang], [results, upload, *refresh_outputs], concurrency_limit=1,
                  concurrency_id="index", api_visibility="private")

        def on_remove(source: str | None, lang_: str) -> tuple:
            if not source:
                raise gr.Error(t(lang_, "pick_first"), print_exception=False)
            title = next((d.title for d in lib.documents() if d.source == source), display_source(source))
            n = lib.remove(source)
            message = t(lang_, "removed", title=title, n=n) if n else t(lang_, "not_indexed")
            return (message, *refreshed(lang_))

        remove.click(on_remove, [to_remove, lang], [removed, *refresh_outputs], concurrency_limit=1,
                     concurrency_id="index", api_visibility="private")

        demo.load(refreshed, [lang], refresh_outputs, api_visibility="private", show_progress="hidden")

        # ---- language switch ---------------------------------------------------------------
        def on_lang(lang_: str, state: list[Exchange], answerer_: str) -> tuple:
            docs = lib.documents()
            return (
                render_header(lang_, docs),
                gr.update(label=t(lang_, "tab_chat")),
                gr.update(label=t(lang_, "tab_docs")),
                gr.update(label=t(lang_, "chatbot"), value=render_messages(state, lang_),
                          placeholder=t(lang_, "chat_placeholder" if docs else "chat_empty_index")),
                gr.update(placeholder=t(lang_, "question_placeholder")),
                gr.update(value=t(lang_, "send")),
                gr.update(value=t(lang_, "clear")),
                gr.update(label=t(lang_, "answerer"), info=answerer_info(lang_), choices=answerer_choices(lang_),
                          value=answerer_),
                gr.update(label=t(lang_, "k")),
                gr.update(label=t(lang_, "filters")),
                gr.update(label=t(lang_, "since"), placeholder=t(lang_, "date_placeholder")),
                gr.update(label=t(lang_, "until"), placeholder=t(lang_, "date_placeholder")),
                gr.update(label=t(lang_, "doc_filter"), info=t(lang_, "doc_filter_info"),
                          choices=doc_choices(docs, lang_)),
                render_evidence(state, lang_),
                t(lang_, "docs_title"),
                gr.update(value=docs_table(docs, lang_)),
                gr.update(label=t(lang_, "upload")),
                gr.update(value=t(lang_, "add")),
                gr.update(label=t(lang_, "remove_pick"), choices=doc_choices(docs, lang_)),
                gr.update(value=t(lang_, "remove")),
            )

        lang.change(on_lang, [lang, exchanges, answerer],
                    [header, tab_chat, tab_docs, chatbot, question, send, clear, answerer, k, filters_box, since,
                     until, doc_filter, evidence, docs_title, table, upload, add, to_remove, remove],
                    api_visibility="private", show_progress="hidden")

        # ---- programmatic API ----------------------------------------------------------------
        def ask(question: str, since: str = "", until: str = "", sources: list[str] | None = None,
                answerer: str = "", k: int = 0, history: list[list[str]] | None = None) -> dict:
            """Answer a question from the records; the same JSON as `prachum ask --json`.

            since/until: ISO (2021-01-01) or Thai dates (1 ม.ค. 64); sources: documents as listed by
            /sources; answerer: local, extractive or openai (default from settings); k: passages (default
            from settings); history: earlier [question, answer] pairs, for follow-up questions.
            """
            return api_ask(lib, question, since, until, sources, answerer, k, history)

        def sources() -> list[dict]:
            """Indexed documents, the same JSON objects as `prachum sources --json`."""
            return [{"source": display_source(d.source), "title": d.title, "date": d.date or None,
                     "chunks": d.chunks, "acronyms": d.acronyms} for d in lib.documents()]

        gr.api(ask, api_name="ask", concurrency_limit=ANSWER_CONCURRENCY, concurrency_id="answer")
        gr.api(sources, api_name="sources")
    return demo


def api_ask(lib: Library, question: str, since: str = "", until: str = "", sources: Sequence[str] | None = None,
            answerer: str = "", k: int = 0, history: Sequence[Sequence[str]] | None = None) -> dict:
    """The /ask endpoint; user mistakes become gr.Error with a message saying what to change."""
    question = (question or "").strip()
    if not question:
        raise gr.Error("question is empty", print_exception=False)
    answerer = answerer or lib.settings.llm
    if answerer not in ANSWERERS:
        raise gr.Error(f"answerer must be one of {', '.join(ANSWERERS)}, got {answerer!r}", print_exception=False)
    if not lib.answerer_ready(answerer):
        raise gr.Error(t("en", "no_local"), print_exception=False)
    k = int(k or 0)
    if k and not 1 <= k <= 50:
        raise gr.Error(f"k must be between 1 and 50, got {k}", print_exception=False)
    try:
        source_ids = lib.resolve_sources(list(sources or []))
    except ValueError as exc:
        raise gr.Error(f"{exc}; the /sources endpoint lists the documents", print_exception=False) from None
    filters = make_filters("en", since, until, ())
    filters = Filters(since=filters.since, until=filters.until, sources=source_ids)
    turns = []
    for pair in history or []:
        if len(pair) != 2:
            raise gr.Error("history must be a list of [question, answer] pairs", print_exception=False)
        turns.append((str(pair[0]), str(pair[1])))
    if lib.engine.store.count() == 0:
        raise gr.Error(t("en", "empty_index"), print_exception=False)
    return lib.ask(question, turns, filters, answerer, k or None).to_json()


# ---------------------------------------------------------------------------------------------
# Serving.

def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError as exc:
            raise UiError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another port with --port "
                          "or stop whatever is using it") from None


def warm_up(engine: Prachum) -> None:
    """Load what the first question would otherwise wait for: the default LLM (if set up) and BM25."""
    engine.search.bm25()
    if engine.settings.llm == "extractive" or not Library(engine).answerer_ready(engine.settings.llm):
        return
    engine.chat_model(engine.settings.llm)


def start(engine: Prachum, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None,
          open_browser: bool = False) -> gr.Blocks:
    """Serve the UI in the background and return the running app (``.close()`` stops it)."""
    _check_port(host, port)
    warm_up(engine)
    demo = build_ui(engine)
    demo.queue(default_concurrency_limit=ANSWER_CONCURRENCY, max_size=100)
    demo.launch(server_name=host, server_port=port, auth=auth, inbrowser=open_browser, prevent_thread_lock=True,
                quiet=True, show_error=False, **launch_options())
    return demo


def launch(engine: Prachum, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None,
           open_browser: bool = False) -> None:
    """Serve the UI until interrupted (Ctrl-C). Loopback only unless ``host`` says otherwise."""
    demo = start(engine, host, port, auth, open_browser)
    print(f"Prachum is running at http://{'[' + host + ']' if ':' in host else host}:{port}  (Ctrl-C to stop)",
          flush=True)
    demo.block_thread()


__all__ = ["build_ui", "launch", "start", "launch_options", "Library", "ReadWriteLock", "UiError", "api_ask",
           "render_evidence", "render_answer", "chat_turn", "ChatUpdate", "Exchange", "highlight", "link_markers", "example_questions"]
