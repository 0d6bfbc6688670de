"""The lexical half of retrieval on disk: a tantivy index over newmm words and character 3-grams.

Why tantivy and not our dict BM25 (:mod:`prachum.index.bm25`): that index lived in
memory, was rebuilt whenever the store changed and scored every chunk for every
question; at 100,000 chunks a search took 1.6 s and opening the index 138 s.
tantivy keeps immutable segments on disk, so a write adds one small segment and
an atomic commit (a crash before it leaves the previous commit), opening is a few
file maps, another process sees a commit with :meth:`LexicalIndex.reload`, and a
query visits only the postings of its terms, with block-max WAND skipping chunks
that cannot reach the top k. Measured against SQLite FTS5 and the old index in
docs/lexical-engine.md (bench/lexical_engines.py).

What is indexed is decided here, not by tantivy: the chunk's search form is cut
into newmm words (:func:`prachum.thai.text.word_tokens`) joined by spaces and read
back by tantivy's ``whitespace`` tokenizer (it splits on ASCII whitespace only, so
Thai vowels and tone marks, which its default tokenizer treats as separators, stay
inside their word), and the words run together go to a second field cut into the
character 3-grams of :func:`prachum.index.bm25.char_ngrams` by tantivy's n-gram
tokenizer (code points, so a tone mark is a character of its own, as in Python).
Questions keep today's shape: question words dropped
(:func:`prachum.index.bm25.query_terms`), every word and 3-gram an optional clause.

Scoring keeps today's BM25 (k1 0.6, b 0.75, Lucene idf, one length for words and
3-grams together). tantivy's own BM25 cannot: k1 is fixed at 1.2 and each field is
normalised by its own length, and on XQuAD-th it costs the hybrid 0.6 Recall@1
(docs/lexical-engine.md). So tantivy picks the candidates, ``POOL`` times k of them
with its pruning, and they, and the ids the caller asks to ``include``, are scored
with our formula from their stored words and the index's document frequencies;
on both benchmarks the results equal the old index's exactly. ``exact=False`` keeps
tantivy's own scores (for the comparison).
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import tantivy
from tantivy import Occur, Query

from prachum.errors import StoreError
from prachum.index.bm25 import NGRAM, NGRAM_MARK, char_ngrams, query_terms
from prachum.index.lexical_score import Weights, bm25, weights
from prachum.thai.text import word_tokens
from prachum.types import Filters

log = logging.getLogger(__name__)

# tantivy's built-in tokenizer that splits on ASCII whitespace and changes nothing else
TOKENIZER = "whitespace"
# the character 3-grams of the words run together, cut in Rust (registered at every open)
GRAMS_TOKENIZER = f"prachum_chars{NGRAM}"
# Writer memory: tantivy needs >= 15 MB a thread; one thread, since newmm in Python is the slow part.
WRITER_HEAP = 64_000_000
# Another process's writer (an ingest next to a server's upload) is waited for this long.
LOCK_WAIT_S = 120.0
# The writer (and tantivy's lock on the folder) is let go after this long without a write.
IDLE_RELEASE_S = 1.0
# Exact scoring re-ranks tantivy's POOL * k best. On XQuAD-th, iApp test and iApp with 1,523
# distractor contexts, POOL 1 gives the old index's Recall@1/5 and MRR@10 to the decimal.
POOL = 1
# Written beside the index; an index made with another layout is dropped and rebuilt by the store
# (it is derived from the catalog, and the store's reconcile refills it when the counts differ).
LAYOUT = "prachum-lexical 1: id source acronyms date_ord length words(stored) grams(3)"
LAYOUT_FILE = "prachum-layout.txt"
_ASCII_SPACE = str.maketrans({c: "_" for c in " \t\n\r\x0b\x0c"})


@dataclass(frozen=True)
class LexicalDoc:
    """One chunk as the lexical index sees it: what is matched and what filters read."""

    id: str
    source: str
    text: str  # the chunk's indexed_text (search form); the index tokenises it
    date_ord: int  # yyyymmdd, 0 when undated
    acronyms: tuple[str, ...]


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("source", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("acronyms", tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("date_ord", indexed=True, fast=True)
    sb.add_integer_field("length", fast=True)  # words + 3-grams: BM25's document length, summed for avgdl
    # frequencies without positions: BM25 needs no phrase search, and positions double the postings.
    # The words are stored so that candidates can be scored with our own k1 and b (see search).
    sb.add_text_field("words", stored=True, tokenizer_name=TOKENIZER, index_option="freq")
    sb.add_text_field("grams", tokenizer_name=GRAMS_TOKENIZER, index_option="freq")
    return sb.build()


def analyse(words: Sequence[str]) -> tuple[list[str], list[str]]:
    """The word terms and 3-gram terms of a token list, as indexed (no ASCII space inside a term)."""
    clean = [w.translate(_ASCII_SPACE) for w in words]
    return clean, [g[len(NGRAM_MARK):] for g in char_ngrams(clean, NGRAM)]


def _grams_analyzer() -> tantivy.TextAnalyzer:
    # the same windows as char_ngrams (code points, not bytes: Thai marks are characters of their own)
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(NGRAM, NGRAM, False)).build()


def _ord(day: date) -> int:
    return int(day.strftime("%Y%m%d"))


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _clear(folder: Path) -> None:
    """Remove an index of another layout: tantivy's files only (its meta.json, segments, locks)."""
    for entry in folder.iterdir():
        if entry.is_file() and (entry.suffix in {".idx", ".pos", ".term", ".store", ".fast", ".fieldnorm", ".del"}
                                or entry.name in {"meta.json", ".managed.json", ".tantivy-meta.lock",
                                                  ".tantivy-writer.lock", LAYOUT_FILE}):
            entry.unlink()


@dataclass(frozen=True)
class _View:
    """One committed state: the searcher and the average document length BM25 needs with it."""

    searcher: tantivy.Searcher
    avgdl: float


class LexicalIndex:
    """BM25 over one folder; one writer (add/delete staged, commit atomic), any number of searches."""

    def __init__(self, path: Path, k1: float, b: float, *, exact: bool = True, grams_boost: float = 1.0) -> None:
        self.path = Path(path)
        self.k1, self.b = k1, b
        self.exact = exact
        self.grams_boost = grams_boost
        self._lock = threading.RLock()
        self._writer: tantivy.IndexWriter | None = None
        self._staged = False  # writes staged since the last commit: the writer must not be let go
        self._timer: threading.Timer | None = None
        self._schema = _schema()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            marker = self.path / LAYOUT_FILE
            if tantivy.Index.exists(str(self.path)) and _read(marker) != LAYOUT:
                _clear(self.path)
            if tantivy.Index.exists(str(self.path)):
                self._index = tantivy.Index.open(str(self.path))
            else:
                self._index = tantivy.Index(self._schema, path=str(self.path), reuse=False)
                marker.write_text(LAYOUT, encoding="utf-8")
        except (OSError, ValueError) as exc:
            raise StoreError(f"cannot open the lexical index in {self.path}: {exc}; remove that folder "
                             "and the next start rebuilds it from the catalog") from exc
        self._schema = self._index.schema
        self._index.register_tokenizer(GRAMS_TOKENIZER, _grams_analyzer())
        self._index.config_reader("manual")
        self._view = self._load_view()

    # --- writing --------------------------------------------------------
    def _get_writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            timer = self._timer
            if timer is not None and timer is not threading.current_thread():
                timer.cancel()
                timer.join()  # our own release under way: it ends when its merges do, however long
            deadline = time.monotonic() + LOCK_WAIT_S
            while True:
                try:
                    self._writer = self._index.writer(heap_size=WRITER_HEAP, num_threads=1)
                    # files of a commit that a killed process never finished would collide with ours
                    # (FileAlreadyExists on a .del file, seen in tests/prachum/index/test_store_crash.py)
                    self._writer.garbage_collect_files()
                    break
                except ValueError as exc:
                    if "LockBusy" not in str(exc) or time.monotonic() > deadline:
                        raise StoreError(f"the lexical index in {self.path} is being written by another "
                                         "process; try again when it has finished") from exc
                    time.sleep(0.05)
        return self._writer

    def add(self, docs: Sequence[LexicalDoc]) -> None:
        """Stage chunks; an id already indexed is replaced (the delete and the add land in one commit)."""
        self.add_words([(d, word_tokens(d.text)) for d in docs])  # newmm outside the lock

    def add_words(self, items: Sequence[tuple[LexicalDoc, Sequence[str]]]) -> None:
        """Stage chunks whose newmm words are already cut (a migration from the old index keeps its words)."""
        if not items:
            return
        prepared = []
        for doc, words in items:
            text = " ".join(w.translate(_ASCII_SPACE) for w in words)
            joined = text.replace(" ", "")
            prepared.append((doc, text, joined, len(words) + max(0, len(joined) - NGRAM + 1)))
        with self._lock:
            writer = self._get_writer()
            self._staged = True
            for doc, text, joined, length in prepared:
                writer.delete_documents_by_term("id", doc.id)
                entry = tantivy.Document()
                entry.add_text("id", doc.id)
                entry.add_text("source", doc.source)
                for acronym in doc.acronyms:
                    entry.add_text("acronyms", acronym)
                entry.add_integer("date_ord", int(doc.date_ord))
                entry.add_integer("length", length)
                entry.add_text("words", text)
                entry.add_text("grams", joined)
                writer.add_document(entry)

    def delete(self, ids: Iterable[str]) -> None:
        """Stage the removal of chunks; an id that is not indexed is ignored."""
        with self._lock:
            writer = None
            for chunk_id in ids:
                writer = writer or self._get_writer()
                self._staged = True
                writer.delete_documents_by_term("id", chunk_id)

    def commit(self) -> None:
        """Make every staged change visible at once (tantivy writes a new meta.json atomically).

        The writer is kept for the next write, its segment merges running in the
        background, and let go once no write came for ``IDLE_RELEASE_S``, so that
        another process (an ingest beside a server) can write next.
        """
        with self._lock:
            if self._writer is None or not self._staged:  # nothing to commit: no fsyncs either
                return
            self._writer.commit()
            self._staged = False
            self._reload()
            self._release_later()

    def rollback(self) -> None:
        """Forget every staged change (the last commit stays as it was)."""
        with self._lock:
            if self._writer is not None:
                self._writer.rollback()
                self._staged = False
                self._release_later()

    def close(self) -> None:
        """Forget staged changes and let go of the writer now, once its merges are done."""
        with self._lock:
            timer = self._timer
            if timer is not None:
                timer.cancel()
            writer, self._writer, self._staged = self._writer, None, False
        if timer is not None and timer is not threading.current_thread():
            timer.join()
        if writer is not None:
            writer.rollback()
            writer.wait_merging_threads()

    def _release_later(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(IDLE_RELEASE_S, self._release_idle)
        self._timer.daemon = True
        self._timer.start()

    def _release_idle(self) -> None:
        if not self._lock.acquire(blocking=False):
            return  # a write is under way and keeps the writer; its commit schedules the next release
        try:
            if self._writer is None or self._staged:
                return
            writer, self._writer = self._writer, None
        finally:
            self._lock.release()
        writer.wait_merging_threads()  # without the lock: a new write in this process joins this thread
        try:
            self._reload()  # merged segments replace the small ones, whose files can then go
        except (ValueError, OSError):  # the folder went away (a temporary index removed): nothing to see
            log.debug("lexical index at %s is gone; not reloaded", self.path)

    def _load_view(self) -> _View:
        searcher = self._index.searcher()
        total = 0.0
        if searcher.num_docs:
            total = searcher.aggregate(Query.all_query(), {"t": {"sum": {"field": "length"}}})["t"]["value"] or 0.0
        return _View(searcher, (total / searcher.num_docs if searcher.num_docs else 0.0) or 1.0)

    def _reload(self) -> None:
        self._index.reload()
        self._view = self._load_view()

    def reload(self) -> None:
        """See the commits made since (by this or another process); cheap when there were none."""
        with self._lock:
            self._reload()

    # --- reading --------------------------------------------------------
    def count(self) -> int:
        return self._view.searcher.num_docs

    def ids(self) -> set[str]:
        searcher = self._view.searcher
        if not searcher.num_docs:
            return set()
        hits = searcher.search(Query.all_query(), searcher.num_docs, count=False).hits
        return {searcher.doc(addr).get_first("id") for _, addr in hits}

    def idf(self, term: str) -> float:
        """Lucene idf of a word token, ``log(1 + (N - n + 0.5) / (n + 0.5))`` (always > 0)."""
        searcher = self._view.searcher
        n = min(searcher.doc_freq("words", term.translate(_ASCII_SPACE)), searcher.num_docs)  # deletes count until merged
        return math.log(1.0 + (searcher.num_docs - n + 0.5) / (n + 0.5))

    def query(self, words: Sequence[str]) -> Query | None:
        """One optional clause per word and per 3-gram of the words (repeats count again, as in BM25)."""
        terms, grams = analyse(words)
        clauses = [(Occur.Should, Query.term_query(self._schema, "words", t)) for t in terms]
        for g in grams if self.grams_boost > 0 else ():
            q = Query.term_query(self._schema, "grams", g)
            clauses.append((Occur.Should, q if self.grams_boost == 1.0 else Query.boost_query(q, self.grams_boost)))
        if not clauses:
            return None
        return Query.boolean_query(clauses)

    def filter_query(self, filters: Filters) -> Query | None:
        """``filters`` as a query that matches and scores 0 (undated chunks pass date filters)."""
        parts = []
        if filters.sources:
            parts.append(Query.term_set_query(self._schema, "source", list(filters.sources)))
        if filters.acronyms:
            parts.append(Query.term_set_query(self._schema, "acronyms", list(filters.acronyms)))
        if filters.since or filters.until:
            within = Query.range_query(
                self._schema, "date_ord", tantivy.FieldType.Integer,
                _ord(filters.since) if filters.since else 0, _ord(filters.until) if filters.until else 99991231)
            undated = Query.term_query(self._schema, "date_ord", 0)
            parts.append(Query.boolean_query([(Occur.Should, within), (Occur.Should, undated)]))
        if not parts:
            return None
        return Query.const_score_query(Query.boolean_query([(Occur.Must, p) for p in parts]), 0.0)

    def search(self, question: str, k: int, filters: Filters = Filters(),
               include: Iterable[str] = ()) -> dict[str, float]:
        """The k best matches (score > 0) for the question, plus the exact score of every id in ``include``.

        Fusion needs a lexical score for every dense candidate: a chunk whose words
        match nothing has a true score of 0.0, which is information. ``include``
        ids are scored whatever ``filters`` say (the dense side applied them) and
        get 0.0 when they match nothing or are not indexed.

        With ``exact`` (the default) tantivy's BM25 (k1 1.2, a length norm per field)
        only picks the candidates, ``POOL`` times k of them with block-max WAND, and
        they are ranked by our BM25 (k1, b, one length for words and 3-grams), whose
        k1 0.6 was chosen inside the hybrid: docs/lexical-engine.md.
        """
        view = self._view  # one snapshot for every lookup, whatever a commit does meanwhile
        words = query_terms(question)
        main = self.query(words)
        wanted = list(dict.fromkeys(include))
        if main is None:
            return dict.fromkeys(wanted, 0.0)
        weighted = weights(view.searcher.doc_freq, view.searcher.num_docs, *analyse(words), self.k1) if self.exact else None
        hits: list[tuple[float, tantivy.DocAddress]] = []
        if k > 0:
            narrow = self.filter_query(filters)
            top = main if narrow is None else Query.boolean_query([(Occur.Must, main), (Occur.Must, narrow)])
            hits = view.searcher.search(top, POOL * k if self.exact else k, count=False).hits
        scored = self._scores(view, weighted, hits)
        best = sorted(((i, s) for i, s in scored.items() if s > 0.0), key=lambda p: (-p[1], p[0]))[:max(k, 0)]
        out = dict(best)
        rest = [i for i in wanted if i not in scored]
        if rest:
            only = Query.const_score_query(Query.term_set_query(self._schema, "id", rest), 0.0)
            more = Query.boolean_query([(Occur.Must, main), (Occur.Must, only)])
            scored.update(self._scores(view, weighted, view.searcher.search(more, len(rest), count=False).hits))
        out.update({i: scored.get(i, 0.0) for i in wanted if i not in out})
        return out

    def _scores(self, view: _View, weighted: Weights | None, hits: Sequence[tuple[float, tantivy.DocAddress]],
                ) -> dict[str, float]:
        """{id: score} of the hits: tantivy's, or with ``exact`` our BM25 from the stored words."""
        docs = [(score, view.searcher.doc(addr)) for score, addr in hits]
        if weighted is None:
            return {doc.get_first("id"): float(score) for score, doc in docs}
        texts = [doc.get_first("words") or "" for _, doc in docs]
        scores = bm25(texts, weighted, self.k1, self.b, view.avgdl)
        return {doc.get_first("id"): float(score) for (_, doc), score in zip(docs, scores)}


__all__ = ["LexicalDoc", "LexicalIndex", "analyse"]
