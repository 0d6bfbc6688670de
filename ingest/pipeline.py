"""Ingestion end to end: files in, a consistent index out, and a report of what happened.

Each file is prepared completely (read, cleaned, chunked, embedded) before the
index is touched, so a file that fails changes nothing and the others still go in.
A fingerprint of the file's bytes and of the settings that shape its chunks lets an
unchanged file be skipped without re-embedding.
"""
from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from tqdm import tqdm

from ingest.chunk import chunk_text
from ingest.clean import clean_document
from prachum.thai.dates import format_thai_date
from ingest.loaders import SUPPORTED_SUFFIXES, LoadError, load_text
from ingest.metadata import DocMeta, extract_metadata
from prachum.config import Settings
from prachum.models import SupportsEmbedding
from prachum.index.store import ChunkRecord, IndexStore
from prachum.thai.text import search_form

PIPELINE_VERSION = "1"
SIDECAR_NAMES = {"sources.toml"}


@dataclass
class FileResult:
    path: Path
    status: str  # added | updated | unchanged | failed | removed
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

    def summary(self) -> str:
        counts = Counter(r.status for r in self.results)
        parts = [f"{counts.get(s, 0)} {s}" for s in ("added", "updated", "unchanged", "failed")]
        if counts.get("removed"):
            parts.append(f"{counts['removed']} removed")
        return f"documents: {', '.join(parts)}; chunks written: {self.chunks}; {self.seconds:.1f} s"


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest from files and folders; what cannot even be tried is reported, not raised."""
    found: list[Path] = []
    problems: list[FileResult] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(path)
            else:
                supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
                problems.append(FileResult(path, "failed", reason=f"unsupported file type {path.suffix or '(none)'}; supported: {supported}"))
        else:
            problems.append(FileResult(path, "failed", reason="no such file or folder"))
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
        raise LoadError("no text left after cleaning")
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
    return records


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
        try:
            data = path.read_bytes()
        except OSError as exc:
            report.results.append(FileResult(path, "failed", reason=f"cannot read: {exc.strerror}"))
            continue
        fp = fingerprint(data, settings, embedder.name)
        previous = store.fingerprint(str(path))
        if previous == fp:
            report.results.append(FileResult(path, "unchanged"))
            continue
        try:
            records = prepare(path, data, settings, embedder, fp)
        except LoadError as exc:
            report.results.append(FileResult(path, "failed", reason=str(exc)))
            continue
        vectors = embedder.embed_passages([r.indexed_text for r in records])
        store.replace_document(str(path), records, vectors)
        status = "updated" if previous else "added"
        report.results.append(FileResult(path, status, chunks=len(records), title=records[0].title))
    if prune:
        for doc in store.documents():
            if not Path(doc.source).exists():
                store.remove_document(doc.source)
                report.results.append(FileResult(Path(doc.source), "removed", chunks=doc.chunks, title=doc.title))
    report.seconds = time.perf_counter() - started
    return report
