"""Thai text forms shared by indexing and querying.

What is indexed and what is asked must pass through the same functions, or a
question written with Thai digits would never match a record written with Arabic
ones. Everything here is cheap and deterministic (newmm, never `longest`).
"""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Iterable, Iterator

import pythainlp.tokenize
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie
from pythainlp.util import normalize as thai_normalize

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_PUNCT_ONLY = re.compile(r"^[\W_]+$", re.UNICODE)
_NAMED = re.compile(r"(?:ประเทศ|สาธารณรัฐ|นางสาว|นาง|นาย)\s?([\u0e00-\u0e7f]{2,})")


class WordTable(Trie):
    """pythainlp's word :class:`~pythainlp.util.Trie` as one flat dict: every prefix of a word -> is it a word.

    newmm asks its dictionary one thing, ``prefixes(text, start)``; a node per letter
    answers it by walking children, this table by looking up ``text[start:end]`` for growing
    ``end`` while the piece is a prefix of some word. A piece is in the table exactly when the
    Trie has a node for it, and marked a word exactly when that node ends one, so both answer
    the same lists. Building the Trie of pythainlp's 62,000 words took 1.4 s of a 5.9 s cold
    `prachum ask`; this table takes about a third of the Trie's time, on first use.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self._words = words
        self._table: dict[str, bool] | None = None
        self._building = threading.Lock()

    @property
    def table(self) -> dict[str, bool]:
        if self._table is None:
            with self._building:
                if self._table is None:
                    words = {w.strip() for w in self._words}  # Trie.add strips too
                    table = dict.fromkeys((w[:i] for w in words for i in range(1, len(w))), False)
                    table.update(dict.fromkeys(words, True))
                    self._word_count, self._table = len(words), table
        return self._table

    def add(self, word: str) -> None:
        table, word = self.table, word.strip()
        for i in range(1, len(word)):
            table.setdefault(word[:i], False)
        if not table.get(word):
            table[word] = True
            self._word_count += 1

    def remove(self, word: str) -> None:
        """Unmark ``word``; its prefixes stay (they never make ``prefixes`` answer a non-word)."""
        if self.table.get(word):
            self.table[word] = False
            self._word_count -= 1

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        table, found, end, n = self.table, [], start + 1, len(text)
        while end <= n:
            is_word = table.get(text[start:end])
            if is_word is None:
                break
            if is_word:
                found.append(text[start:end])
            end += 1
        return found

    def __contains__(self, key: object) -> bool:
        return bool(self.table.get(key)) if isinstance(key, str) else False

    def __iter__(self) -> Iterator[str]:
        """The words, in the table's order (a Trie yields them depth first)."""
        return (word for word, is_word in self.table.items() if is_word)

    def __len__(self) -> int:
        self.table  # noqa: B018  (counts the words)
        return self._word_count


def _default_dictionary_as_table() -> None:
    """Make pythainlp's own default dictionary (``pythainlp.tokenize.word_dict_trie()``) a WordTable.

    Our tokens, crfcut's sentence features and the slot recognisers all call newmm without a
    dictionary, so it is pythainlp's cached default that must be fast. Its builder is
    ``Trie(thai_words())``; built once with WordTable in Trie's place, the same words land in
    the same cache. Nothing changes when something tokenised first (the cache is then full).
    """
    builder = pythainlp.tokenize.word_dict_trie
    cache_info = getattr(builder, "cache_info", None)  # another pythainlp may not cache it: then leave it be
    if cache_info is None or cache_info().currsize:
        return
    saved = pythainlp.tokenize.Trie
    pythainlp.tokenize.Trie = WordTable  # type: ignore[misc]
    try:
        builder()
    finally:
        pythainlp.tokenize.Trie = saved  # type: ignore[misc]


_default_dictionary_as_table()


def to_arabic_digits(text: str) -> str:
    return text.translate(THAI_DIGITS)


def normalize_text(text: str) -> str:
    """Canonical Unicode form for display: NFC, Thai vowel/tone order fixed, no zero-width characters."""
    text = unicodedata.normalize("NFC", text)
    text = ZERO_WIDTH.sub("", text)
    return thai_normalize(text)


@lru_cache(maxsize=8192)  # the same sentences are read question after question (pythainlp's normalize is slow)
def search_form(text: str) -> str:
    """The form that is embedded and tokenised: normalised, Arabic digits, single spaces."""
    text = to_arabic_digits(normalize_text(text))
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def _tokens_cached(text: str) -> tuple[str, ...]:
    words = word_tokenize(text, engine="newmm", keep_whitespace=False)
    return tuple(w.lower() for w in words if w.strip() and not _PUNCT_ONLY.match(w))


def word_tokens(text: str) -> list[str]:
    """newmm word tokens of the search form, lower-cased, without spaces and punctuation (for BM25)."""
    return list(_tokens_cached(search_form(text)))


def named(claim: str) -> list[str]:
    """The first word after a person or country marker: the names a claim commits to."""
    names = []
    for match in _NAMED.finditer(claim):
        words = word_tokens(match.group(1))
        if words:
            # newmm splits some names ("สมชาย" -> "สม", "ชาย"): a too-short first word takes the next
            name = words[0] if len(words[0]) > 2 or len(words) == 1 else words[0] + words[1]
            if not name.startswith(("ใด", "ไหน", "อะไร")):  # "ประเทศใด" asks, it does not name
                names.append(name)
    return names
