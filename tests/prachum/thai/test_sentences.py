from prachum.thai.sentences import split_sentences


def test_sentences_keep_thai_abbreviations_and_times_whole():
    text = "เมื่อวันที่ 8 ก.พ. 64 เวลา 09.00 น. นางจตุพร โรจนพานิช เข้าร่วมการประชุม SOCA Retreat"
    sentences = [text[s.start:s.end] for s in split_sentences(text)]
    joined = " ".join(sentences)
    assert "8 ก.พ. 64" in joined
    assert "09.00" in joined
    assert not any(s.endswith("ก.") for s in sentences)


def test_every_line_is_a_paragraph_and_offsets_point_into_the_text():
    text = "บรรทัดแรก การประชุมครั้งที่ ๑๕\n\nบรรทัดที่สอง SOMSWD+3 ประชุมวันที่ ๒๔ กันยายน ๒๕๖๓"
    spans = split_sentences(text)
    assert len({s.paragraph for s in spans}) == 2
    for s in spans:
        assert text[s.start:s.end].strip() == text[s.start:s.end]
