from ingest.chunk import chunk_text
from prachum.thai.text import word_tokens
from tests.conftest import SEEDS


def count(text: str) -> int:
    return len(word_tokens(text)) + 4


def test_chunks_fit_the_budget_and_cover_the_document():
    text = (SEEDS / "001_e3f30d82e82d8486.txt").read_text(encoding="utf-8")
    prefix = "การประชุม SOCCOM ครั้งที่ 16 (15 มีนาคม 2564)\n"
    chunks = chunk_text(text, count, max_tokens=120, overlap_sentences=1, prefix=prefix)
    assert len(chunks) > 3
    for c in chunks:
        assert count(prefix + c.text) <= 120
        assert c.text == text[c.start:c.end]
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    content = {i for i, ch in enumerate(text) if not ch.isspace()}
    missing = content - covered
    assert len(missing) < 40  # only stray boilerplate characters may fall between sentences


def test_consecutive_chunks_overlap_by_a_sentence_within_a_paragraph():
    text = (SEEDS / "004_3bbcc50efedd5578.txt").read_text(encoding="utf-8").splitlines()[2]
    chunks = chunk_text(text, count, max_tokens=120, overlap_sentences=1)
    assert len(chunks) >= 3
    assert all(b.start < a.end for a, b in zip(chunks, chunks[1:]))
    no_overlap = chunk_text(text, count, max_tokens=120, overlap_sentences=0)
    assert all(b.start >= a.end for a, b in zip(no_overlap, no_overlap[1:]))


def test_an_overlong_sentence_is_cut_between_words_never_inside_one():
    words = ["ประชาคมสังคมและวัฒนธรรมอาเซียน"] * 80
    text = "".join(words)  # one Thai "sentence" with no spaces at all
    chunks = chunk_text(text, count, max_tokens=40)
    assert len(chunks) > 1
    for c in chunks:
        assert count(c.text) <= 40
        for piece in word_tokens(c.text):
            assert piece in {"ประชาคม", "สังคม", "และ", "วัฒนธรรม", "อาเซียน"}


def test_mixed_thai_english_and_thai_digits_survive_chunking():
    text = "การประชุม 16th SOCCOM เมื่อวันที่ ๑๕ มีนาคม ๒๕๖๔ (Video Conference) มีผู้เข้าร่วม ๑๓๐ คน"
    chunks = chunk_text(text, count, max_tokens=200)
    assert len(chunks) == 1
    assert chunks[0].text == text


def test_a_chunk_keeps_its_sentences_as_the_evidence_step_would_split_it():
    """ingest keeps these spans' vectors, so the chunk is not split a second time; they must be the
    split the evidence step makes of the chunk alone (Thai digits, dates and English included)."""
    from prachum.thai.sentences import split_sentences

    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        for c in chunk_text(text, count, max_tokens=120, overlap_sentences=1):
            assert c.sentences and c.sentences[0][0] == 0 and c.sentences[-1][1] == len(c.text)
            assert list(c.sentences) == [(s.start, s.end) for s in split_sentences(c.text)], (seed.name, c.index)
