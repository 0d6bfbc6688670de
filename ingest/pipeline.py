"""Ingestion end to end: files in, a consistent index out, and a report of what happened.

Each file is prepared completely (read, cleaned, chunked, embedded) before the
index is touched, so a file that fails changes nothing and the others still go in:
whatever one file raises becomes that file's ``failed`` result, never a stopped run.
What a folder holds but cannot be read (other file types, pipes, link loops) is
listed as ``skipped`` with the reason, so nothing is passed over in silence.
A file that was indexed and is now empty is ``removed`` from the index: the file
on disk is the record, and passages it no longer holds must not be cited.
A fingerprint of the file's bytes and of the settings that shape its chunks lets an
unchanged file be skipped without re-embedding.
"""
from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from tqdm import tqdm

from ingest.chunk import chunk_text
from ingest.clean import clean_document
from ingest.loaders import SUPPORTED_SUFFIXES, EmptyDocumentError, LoadError, check_size, load_text
from ingest.metadata import DocMeta, extract_metadata
from prachum.config import Settings
from prachum.errors import PrachumError
from prachum.index.store import ChunkRecord, IndexStore
from prachum.models import SupportsEmbedding
from prachum.thai.dates import format_thai_date
from prachum.thai.text import search_form

PIPELINE_VERSION = "1"
SIDECAR_NAMES = {"sources.toml"}
# every status a FileResult can have, in the order the summary counts them
STATUSES = ("added", "updated", "unchanged", "removed", "failed", "skipped")
log = logging.getLogger(__name__)


@dataclass
class FileResult:
    path: Path
    status: str  # added | updated | unchanged | removed | failed | skipped
    chunks: int = 0
    reason: str = ""
    title: str = ""


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


def file_kind(path: Path) -> str:
    """What a path that is not a regular document is, in words: "a named pipe (FIFO)", "a symbolic link loop"..."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        if path.is_symlink():
            return f"a broken symbolic link (to {os.readlink(path)}, which does not exist)"
        return "no such file or folder" if exc.errno == errno.ENOENT else f"unreadable ({exc.strerror})"
    kinds = ((stat.S_ISREG, "a regular file"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
    return next((kind for test, kind in kinds if test(mode)), "a special file")


def _unsupported(path: Path) -> str:
    return f"unsupported type {path.suffix or '(no extension)'}; Prachum reads {' '.join(sorted(SUPPORTED_SUFFIXES))}"


def _walk(folder: Path, found: list[Path], problems: list[FileResult]) -> None:
    """Documents under ``folder``, sorted; everything else that is not hidden is reported as skipped,
    and a folder without any document is itself a failure.

    Links to folders are not followed (that is how loops are avoided); links to files are.
    """
    found_before, problems_before = len(found), len(problems)
    for root, dirs, names in os.walk(folder, onerror=lambda exc: problems.append(
            FileResult(Path(exc.filename or folder), "failed", reason=f"cannot list this folder: {exc.strerror}"))):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for d in list(dirs):
            if (here / d).is_symlink():
                dirs.remove(d)
                problems.append(FileResult(here / d, "skipped", reason="link to a folder, not followed; give that folder itself to add it"))
        for name in sorted(names):
            path = here / name
            if name.startswith(".") or name in SIDECAR_NAMES:
                continue
            kind = file_kind(path)
            if kind != "a regular file":
                problems.append(FileResult(path, "skipped", reason=f"not a regular file: {kind}"))
            elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
                problems.append(FileResult(path, "skipped", reason=_unsupported(path)))
            else:
                found.append(path)
    if len(found) == found_before:  # a folder named on purpose that gives nothing is a failure, not a shrug
        skipped = sum(1 for r in problems[problems_before:] if r.status == "skipped")
        problems.append(FileResult(folder, "failed", reason="no documents to read in this folder"
                                   + (f" ({skipped} other files skipped)" if skipped else "")))


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest from files and folders; what cannot even be tried is reported, not raised.

    A file named on purpose that cannot be read is ``failed``; what a folder holds
    besides documents is ``skipped``.
    """
    found: list[Path] = []
    problems: list[FileResult] = []
    for path in paths:
        path = Path(path)
        kind = file_kind(path)
        if kind == "a folder":
            _walk(path, found, problems)
        elif kind != "a regular file":
            reason = kind if kind == "no such file or folder" else f"not a regular file: {kind}"
            problems.append(FileResult(path, "failed", reason=reason))
        elif path.suffix.lower() in SUPPORTED_SUFFIXES:
            found.append(path)
        else:
            supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
            problems.append(FileResult(path, "failed", reason=f"unsupported file type {path.suffix or '(none)'}; supported: {supported}"))
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique, problems


def fingerprint(data: bytes, settings: Settings, model_name: str) -> str:
    shape = f"{PIPELINE_VERSION}|{model_name}|{settings.chunk_tokens}|{settings.chunk_overlap_sentences}"
    return hashlib.sha256(data + b"\0" + shape.encode()).hexdigest()[:32]


def context_prefix(meta: DocMeta) -> str:
    """Title and date put before every chunk that is embedded, so a chunk knows which meeting it is from."""
    when = f" ({format_thai_date(meta.date)}, {meta.date.isoformat()})" if meta.date else ""
    return f"{meta.title}{when}\n"


def prepare(path: Path, data: bytes, settings: Settings, embedder: SupportsEmbedding, print_fp: str) -> list[ChunkRecord]:
    """Read, clean, describe and chunk one file. Raises LoadError with a user-facing reason."""
    cleaned = clean_document(load_text(path))
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
    return records


def _unexpected(path: Path, stage: str, exc: Exception) -> str:
    """One line for an error nobody foresaw; the traceback goes to the debug log, not to the user."""
    log.debug("ingesting %s failed while %s", path, stage, exc_info=True)
    if isinstance(exc, PrachumError):  # already written for users
        return f"{exc}"
    detail = " ".join(str(exc).split())[:200]
    return f"unexpected error while {stage} {path.name}: {type(exc).__name__}{': ' + detail if detail else ''}"


def ingest_file(path: Path, settings: Settings, store: IndexStore, embedder: SupportsEmbedding) -> FileResult:
    """Read one file into the index; every outcome, including any exception, is a FileResult."""
    try:
        check_size(path, path.stat().st_size)
        data = path.read_bytes()
        fp = fingerprint(data, settings, embedder.name)
        previous = store.fingerprint(str(path))
    except LoadError as exc:
        return FileResult(path, "failed", reason=str(exc))
    except OSError as exc:
        reason = "no permission to read it" if isinstance(exc, PermissionError) else f"cannot read: {exc.strerror or exc}"
        return FileResult(path, "failed", reason=reason)
    except Exception as exc:  # noqa: BLE001 - one file's problem must not stop the run
        return FileResult(path, "failed", reason=_unexpected(path, "reading", exc))
    if previous == fp:
        return FileResult(path, "unchanged")
    kept = "; the version indexed earlier stays searchable" if previous else ""
    try:
        records = prepare(path, data, settings, embedder, fp)
        vectors = embedder.embed_passages([r.indexed_text for r in records])
    except EmptyDocumentError as exc:
        if not previous:
            return FileResult(path, "failed", reason=str(exc))
        try:
            removed = store.remove_document(str(path))
        except Exception as store_exc:  # noqa: BLE001
            return FileResult(path, "failed", reason=_unexpected(path, "removing the emptied", store_exc))
        return FileResult(path, "removed", chunks=removed, reason="empty now (no text left), so its old passages were removed from the index")
    except LoadError as exc:
        return FileResult(path, "failed", reason=f"{exc}{kept}")
    except Exception as exc:  # noqa: BLE001
        return FileResult(path, "failed", reason=_unexpected(path, "reading", exc) + kept)
    try:
        store.replace_document(str(path), records, vectors)
    except Exception as exc:  # noqa: BLE001
        return FileResult(path, "failed", reason=_unexpected(path, "writing to the index", exc) + kept)
    return FileResult(path, "updated" if previous else "added", chunks=len(records), title=records[0].title)


def ingest_paths(
    paths: Iterable[Path],
    settings: Settings,
    store: IndexStore,
    embedder: SupportsEmbedding,
    *,
    prune: bool = False,
    progress: bool = True,
) -> IngestReport:
    started = time.perf_counter()
    files, problems = discover(paths)
    report = IngestReport(results=list(problems))
    bar = tqdm(files, desc="ingest", unit="file", disable=not progress, leave=False)
    for path in bar:
        bar.set_postfix_str(path.name[-40:])
        report.results.append(ingest_file(path, settings, store, embedder))
    if prune:
        for doc in store.documents():
            if not Path(doc.source).exists():
                store.remove_document(doc.source)
                report.results.append(FileResult(Path(doc.source), "removed", chunks=doc.chunks, title=doc.title))
    report.seconds = time.perf_counter() - started
    return report
