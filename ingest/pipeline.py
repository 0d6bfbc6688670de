"""Ingestion end to end: files in, a consistent index out, and a report of what happened.

A pipeline: one thread reads, cleans and chunks the files; chunks of several files are
embedded together in batches (ingest/batches.py); each document is written to the store
in one call, on a third thread, once all its chunks have vectors, so a file that fails changes nothing and
the others still go in: whatever one file raises becomes that file's ``failed`` result,
never a stopped run. A document over ``max_document_chunks`` fails before it is embedded
(a very long text before it is even cleaned, from an estimate of its size).
What a folder holds but cannot be read (other file types, pipes, link loops) is
listed as ``skipped`` with the reason, so nothing is passed over in silence.
A file that was indexed and is now empty is ``removed`` from the index: the file
on disk is the record, and passages it no longer holds must not be cited.
A fingerprint of the file's bytes and of the settings that shape its chunks, compared
with all the store's fingerprints read at once, lets an unchanged file be skipped
after one hash.
"""
from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from contextlib import AbstractContextManager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from ingest.batches import EMBED_BATCH, WRITE_AHEAD, Behind, EmbedBatcher, Pending, Progress
from ingest.chunk import chunk_text
from ingest.clean import clean_document
from ingest.discover import SIDECAR_NAMES, FileResult, discover, file_kind
from ingest.loaders import EmptyDocumentError, LoadError, check_size, load_text
from ingest.meetings import extract_facts
from ingest.metadata import DocMeta, extract_metadata
from prachum.config import Settings
from prachum.errors import PrachumError
from prachum.index.store import ChunkRecord, IndexStore
from prachum.meetings import RecordFacts
from prachum.models import SupportsEmbedding
from prachum.thai.dates import format_thai_date
from prachum.thai.text import search_form

PIPELINE_VERSION = "2"  # 2: meeting facts are extracted at ingest (older records have none)
# the size estimate of a very long text (see estimated_chunks): samples, their length, and how far
# over max_document_chunks the estimate must be to refuse without chunking exactly
ESTIMATE_SAMPLES = 16
ESTIMATE_CHARS = 2000
ESTIMATE_MARGIN = 1.2
# every status a FileResult can have, in the order the summary counts them
STATUSES = ("added", "updated", "unchanged", "removed", "failed", "skipped")
log = logging.getLogger(__name__)
# what the pipeline enters around each change to the store (the app's write lock)
Writing = Callable[[], AbstractContextManager[Any]]


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def chunks(self) -> int:
        return sum(r.chunks for r in self.results if r.status in ("added", "updated"))

    @property
    def exit_code(self) -> int:
        """1 when files were named but none went in (all failed or skipped), else 0."""
        done = sum(self.count(s) for s in ("added", "updated", "unchanged", "removed"))
        return 1 if not done and (self.count("failed") or self.count("skipped")) else 0

    def summary(self) -> str:
        counts = Counter(r.status for r in self.results)
        parts = [f"{counts.get(s, 0)} {s}" for s in ("added", "updated", "unchanged", "failed")]
        parts += [f"{counts[s]} {s}" for s in ("removed", "skipped") if counts.get(s)]
        return f"documents: {', '.join(parts)}; chunks written: {self.chunks}; {self.seconds:.1f} s"


class DocumentTooLarge(LoadError):
    """More chunks than ``max_document_chunks``: refused before any of it is embedded."""


@dataclass
class Prepared:
    """One file read, cleaned, described and chunked: everything its write needs except the vectors."""

    records: list[ChunkRecord]
    text: str  # the cleaned document text; the meeting facts' spans point into it
    meta: DocMeta
    facts: Any = None  # the record's meeting facts (#10), written with its chunks in the same store call
    words: list[list[str]] | None = None  # each chunk's newmm words, cut here so the write does not
    sentences: list[list[tuple[int, int]]] = field(default_factory=list)  # each chunk's sentence spans

    def embedded_texts(self) -> list[str]:
        """The chunks' texts, then each chunk's sentences: the evidence step reads their vectors
        from the catalog instead of encoding them for every question (prachum.index.sentence_cache)."""
        return [r.indexed_text for r in self.records] + [
            search_form(r.text[a:b]) for r, spans in zip(self.records, self.sentences) for a, b in spans]


def fingerprint(data: bytes, settings: Settings, model_name: str) -> str:
    shape = f"{PIPELINE_VERSION}|{model_name}|{settings.chunk_tokens}|{settings.chunk_overlap_sentences}"
    return hashlib.sha256(data + b"\0" + shape.encode()).hexdigest()[:32]


def context_prefix(meta: DocMeta) -> str:
    """Title and date put before every chunk that is embedded, so a chunk knows which meeting it is from."""
    when = f" ({format_thai_date(meta.date)}, {meta.date.isoformat()})" if meta.date else ""
    return f"{meta.title}{when}\n"


def record_facts(text: str, meta: DocMeta, source: str) -> RecordFacts:
    """The meeting facts of a cleaned record, stored with its chunks in one catalog transaction (#10)."""
    return extract_facts(text, meta, source)


def too_large(path: Path, chunks: int, settings: Settings, about: bool = False) -> DocumentTooLarge:
    cap = settings.max_document_chunks
    return DocumentTooLarge(
        f"{path.name} would make {'about ' if about else ''}{chunks:,} chunks, more than the {cap:,} one "
        f"document may have (max_document_chunks); split it into smaller files, or raise "
        f"max_document_chunks (PRACHUM_MAX_DOCUMENT_CHUNKS) to index it whole")


def estimated_chunks(text: str, settings: Settings, embedder: SupportsEmbedding) -> int:
    """About how many chunks ``text`` makes: the tokens of evenly spaced samples, scaled to its length.

    Counting the tokens of a whole 20 MB text takes minutes; 16 samples of 2,000 characters
    take well under a second and land within a few percent for one language mix.
    """
    step = max(len(text) // ESTIMATE_SAMPLES, 1)
    samples = [search_form(text[i : i + ESTIMATE_CHARS]) for i in range(0, len(text), step)][:ESTIMATE_SAMPLES]
    chars = sum(len(s) for s in samples)
    tokens = sum(embedder.count_tokens(s) for s in samples)
    return int(len(text) * tokens / max(chars, 1) / settings.chunk_tokens)


def prepare(path: Path, data: bytes, settings: Settings, embedder: SupportsEmbedding, print_fp: str) -> Prepared:
    """Read, clean, describe and chunk one file. Raises LoadError with a user-facing reason,
    DocumentTooLarge before any embedding when it holds more than max_document_chunks."""
    raw = load_text(path)
    # A chunk holds at most chunk_tokens tokens and a token at least one character, so only a
    # text this long can be too large; one clearly too large is refused before it is cleaned
    # and chunked (minutes for 20 MB), the others are counted exactly below.
    if len(raw) > settings.max_document_chunks * settings.chunk_tokens:
        about = estimated_chunks(raw, settings, embedder)
        if about > settings.max_document_chunks * ESTIMATE_MARGIN:
            raise too_large(path, about, settings, about=True)
    cleaned = clean_document(raw)
    if not cleaned.text.strip():
        raise EmptyDocumentError(f"{path.name} holds only web boilerplate (share buttons, source credits), no record text")
    meta = extract_metadata(cleaned, path)
    prefix = search_form(context_prefix(meta))
    chunks = chunk_text(
        cleaned.text,
        count_tokens=lambda s: embedder.count_tokens(search_form(s)),
        max_tokens=settings.chunk_tokens,
        overlap_sentences=settings.chunk_overlap_sentences,
        prefix=prefix,
    )
    if len(chunks) > settings.max_document_chunks:
        raise too_large(path, len(chunks), settings)
    source = str(path)
    records = []
    for c in chunks:
        indexed = prefix + search_form(c.text)
        chunk_id = hashlib.sha256(f"{source}\0{c.index}\0{indexed}".encode()).hexdigest()[:32]
        records.append(ChunkRecord(
            id=chunk_id, text=c.text, indexed_text=indexed, source=source, title=meta.title,
            date=meta.date, acronyms=tuple(meta.acronyms), position=c.index, start=c.start, end=c.end,
            fingerprint=print_fp, source_url=meta.source_url,
        ))
    if not records:
        raise EmptyDocumentError(f"{path.name} has no text to index")
    return Prepared(records, cleaned.text, meta, facts=record_facts(cleaned.text, meta, source),
                    words=IndexStore.words(records), sentences=[list(c.sentences) for c in chunks])


def _unexpected(path: Path, stage: str, exc: Exception) -> str:
    """One line for an error nobody foresaw; the traceback goes to the debug log, not to the user."""
    log.debug("ingesting %s failed while %s", path, stage, exc_info=exc)
    if isinstance(exc, PrachumError):  # already written for users
        return f"{exc}"
    detail = " ".join(str(exc).split())[:200]
    return f"unexpected error while {stage} {path.name}: {type(exc).__name__}{': ' + detail if detail else ''}"


@dataclass
class _Job:
    """One file after the reading side: a final result, a document to embed and write, or one to remove."""

    slot: int
    path: Path
    previous: str | None  # the fingerprint indexed before, if any
    result: FileResult | None = None
    prepared: Prepared | None = None

    @property
    def kept(self) -> str:
        return "; the version indexed earlier stays searchable" if self.previous else ""


def _read(slot: int, path: Path, settings: Settings, embedder: SupportsEmbedding, known: dict[str, str]) -> _Job:
    """The reading side for one file; every outcome, including any exception, is a _Job. Never touches the store."""
    job = _Job(slot, path, known.get(str(path)))
    try:
        check_size(path, path.stat().st_size)
        data = path.read_bytes()
        fp = fingerprint(data, settings, embedder.name)
    except LoadError as exc:
        job.result = FileResult(path, "failed", reason=str(exc))
        return job
    except OSError as exc:
        reason = "no permission to read it" if isinstance(exc, PermissionError) else f"cannot read: {exc.strerror or exc}"
        job.result = FileResult(path, "failed", reason=reason)
        return job
    except Exception as exc:  # noqa: BLE001 - one file's problem must not stop the run
        job.result = FileResult(path, "failed", reason=_unexpected(path, "reading", exc))
        return job
    if job.previous == fp:
        job.result = FileResult(path, "unchanged")
        return job
    try:
        job.prepared = prepare(path, data, settings, embedder, fp)
    except EmptyDocumentError as exc:
        if not job.previous:
            job.result = FileResult(path, "failed", reason=str(exc))
    except LoadError as exc:
        job.result = FileResult(path, "failed", reason=f"{exc}{job.kept}")
    except Exception as exc:  # noqa: BLE001
        job.result = FileResult(path, "failed", reason=_unexpected(path, "reading", exc) + job.kept)
    return job


def _remove_emptied(job: _Job, store: IndexStore, writing: Writing) -> FileResult:
    try:
        with writing():
            removed = store.remove_document(str(job.path))
    except Exception as exc:  # noqa: BLE001
        return FileResult(job.path, "failed", reason=_unexpected(job.path, "removing the emptied", exc))
    return FileResult(job.path, "removed", chunks=removed,
                      reason="empty now (no text left), so its old passages were removed from the index")


def _write(done: Pending[_Job], store: IndexStore, writing: Writing) -> FileResult:
    job, prepared = done.item, done.item.prepared
    assert prepared is not None
    if done.error is not None:
        return FileResult(job.path, "failed", reason=_unexpected(job.path, "embedding", done.error) + job.kept)
    vectors, chunks = done.vectors(), len(prepared.records)
    try:
        with writing():
            store.replace_document(str(job.path), prepared.records, vectors[:chunks], facts=prepared.facts,
                                   words=prepared.words)
            _keep_sentences(prepared, vectors[chunks:], store)
    except Exception as exc:  # noqa: BLE001
        return FileResult(job.path, "failed", reason=_unexpected(job.path, "writing to the index", exc) + job.kept)
    return FileResult(job.path, "updated" if job.previous else "added", chunks=len(prepared.records),
                      title=prepared.meta.title)


def _keep_sentences(prepared: Prepared, vectors: np.ndarray, store: IndexStore) -> None:
    """Each chunk's sentence vectors into the catalog's cache; a failure only costs speed later."""
    rows, start = [], 0
    for record, spans in zip(prepared.records, prepared.sentences):
        rows.append((record.id, spans, vectors[start : start + len(spans)]))
        start += len(spans)
    try:
        store.sentences.put(rows)
    except Exception:  # noqa: BLE001 - the evidence step encodes what it does not find
        log.warning("could not keep the sentence vectors of %s", prepared.meta.title, exc_info=True)


def ingest_paths(
    paths: Iterable[Path],
    settings: Settings,
    store: IndexStore,
    embedder: SupportsEmbedding,
    *,
    prune: bool = False,
    progress: bool = True,
    writing: Writing = nullcontext,
    batch_size: int = EMBED_BATCH,
    write_ahead: int = WRITE_AHEAD,
) -> IngestReport:
    """Ingest files and folders; one FileResult per file, in the order found, whatever happens to each.

    Files are read and chunked, then embedded in calls of ``batch_size`` texts across files, while
    the store writes on another thread (``write_ahead`` documents behind; 0 writes inline).
    ``writing()`` is entered around each change to the store, and only then: the app passes its
    write lock, so questions wait for one document's write, never for an upload's embedding.
    """
    started = time.perf_counter()
    files, problems = discover(paths)
    results: list[FileResult | None] = [None] * len(files)
    known = store.fingerprints()
    bar = Progress(len(files), progress)
    batcher: EmbedBatcher[_Job] = EmbedBatcher(embedder, batch_size, on_embedded=bar.embedded)

    def finish(slot: int, result: FileResult) -> None:
        results[slot] = result
        bar.document(result.path.name)

    def write(done: Pending[_Job]) -> None:
        finish(done.item.slot, _write(done, store, writing))

    def remove(job: _Job) -> None:
        finish(job.slot, _remove_emptied(job, store, writing))

    writer = Behind(write_ahead)
    try:
        jobs = (_read(slot, path, settings, embedder, known) for slot, path in enumerate(files))
        for job in jobs:
            if job.result is not None:
                finish(job.slot, job.result)
            elif job.prepared is None:
                writer.put(lambda job=job: remove(job))
            else:
                bar.chunked(len(job.prepared.records))
                for done in batcher.add(job, job.prepared.embedded_texts(), counted=len(job.prepared.records)):
                    writer.put(lambda done=done: write(done))
        for done in batcher.flush():
            writer.put(lambda done=done: write(done))
    except BaseException:
        with suppress(Exception):  # the error that stopped the run is the one to report
            writer.close(drop=True)
        raise
    else:
        writer.close()
    finally:
        bar.close()
    report = IngestReport(results=problems + [r for r in results if r is not None])
    if prune:
        for doc in store.documents():
            if not Path(doc.source).exists():
                with writing():
                    store.remove_document(doc.source)
                report.results.append(FileResult(Path(doc.source), "removed", chunks=doc.chunks, title=doc.title))
    if any(r.status in ("updated", "removed") for r in report.results):
        with writing():
            store.sentences.prune()  # the sentence vectors of chunks that left the index
    report.seconds = time.perf_counter() - started
    return report


__all__ = ["STATUSES", "SIDECAR_NAMES", "EMBED_BATCH", "FileResult", "IngestReport", "Prepared", "DocumentTooLarge",
           "discover", "file_kind", "fingerprint", "context_prefix", "record_facts", "prepare", "ingest_paths"]
