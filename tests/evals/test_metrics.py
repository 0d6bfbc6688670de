import pytest

import evals.metrics
from evals import answer_metrics, form_metrics, match_form, retrieval_metrics
from evals.answer_metrics import all_facts_present, contains_gold, exact_match, fact_recall, match_tokens, token_f1
from evals.form_metrics import (
    answer_language,
    answer_length,
    date_form_ok,
    fact_in_first_sentence,
    first_sentence,
    language_matches,
    split_sentences,
)
from evals.match_form import normalize_for_match
from evals.retrieval_metrics import citation_precision, hit_at, mrr_at, refusal_scores, source_matches

RETREAT_DATE = ["8 กุมภาพันธ์ 2564", "8 ก.พ. 64", "8 February 2021", "2021-02-08"]
JATUPORN = ["จตุพร โรจนพานิช", "Jatuporn Rojanapanich"]
BRUNEI = ["บรูไน", "Brunei"]


# --- normalize_for_match ---------------------------------------------------

def test_thai_digits_and_abbreviated_date_spacing_agree():
    assert normalize_for_match("๘ ก.พ. ๖๔") == "8ก.พ.64"
    assert normalize_for_match("8 ก.พ.64") == "8ก.พ.64"
    assert normalize_for_match("๑๕ มีนาคม ๒๕๖๔") == normalize_for_match("15มีนาคม 2564")


def test_casefold_whitespace_and_zero_width():
    assert normalize_for_match("  SOCA\u200b   Leader\tof  Thailand ") == "soca leader of thailand"
    assert normalize_for_match("จตุพร\u200b โรจนพานิช") == "จตุพรโรจนพานิช"


def test_spaces_between_latin_and_thai_are_dropped_but_latin_spacing_kept():
    assert normalize_for_match("SOMSWD ครั้งที่ ๑๖") == "somswdครั้งที่16"
    assert normalize_for_match("ASEAN Development Outlook") == "asean development outlook"


def test_dashes_and_spaced_ranges():
    assert normalize_for_match("20 – 24 สิงหาคม 2561") == "20-24สิงหาคม2561"
    assert normalize_for_match("2021 — 2025") == "2021-2025"


def test_normalize_is_idempotent():
    text = "เมื่อวันที่ ๘ ก.พ. ๖๔ เวลา ๐๙.๐๐ น. SOCA Retreat (Video Conference)"
    once = normalize_for_match(text)
    assert normalize_for_match(once) == once


# --- fact_recall / all_facts_present ---------------------------------------

def test_fact_recall_thai_digits_in_answer():
    answer = "ประชุมเมื่อวันที่ ๘ ก.พ. ๖๔ โดยนางจตุพร โรจนพานิช เป็น SOCA Leader"
    facts = [RETREAT_DATE, JATUPORN, BRUNEI]
    assert fact_recall(answer, facts) == pytest.approx(2 / 3)
    assert not all_facts_present(answer, facts)
    assert all_facts_present(answer + " เจ้าภาพคือบรูไนดารุสซาลาม", facts)


def test_fact_recall_abbreviated_date_without_space_and_english_answer():
    assert fact_recall("วันที่ 8 ก.พ.64", [RETREAT_DATE]) == 1.0
    assert fact_recall("It was held on 8 FEBRUARY 2021, hosted by Brunei.", [RETREAT_DATE, BRUNEI]) == 1.0


def test_numbers_do_not_match_inside_longer_numbers():
    assert fact_recall("การประชุม SOMSWD ครั้งที่ 16", [["ครั้งที่ 1"]]) == 0.0
    assert fact_recall("วันที่ 18 ก.พ. 64", [RETREAT_DATE]) == 0.0
    assert fact_recall("ปี 2015", [["15"]]) == 0.0
    assert fact_recall("ประมาณ ๑๓๐ คน", [["130"]]) == 1.0


def test_latin_forms_must_start_a_word_but_may_inflect():
    assert fact_recall("ADOPTED", [["ADO"]]) == 0.0
    assert fact_recall("CADO report", [["ADO"]]) == 0.0
    assert fact_recall("forums and mechanisms", [["forum"], ["mechanism"]]) == 1.0
    assert fact_recall("Communications", [["Communication"]]) == 1.0
    assert fact_recall("Bruneian", [["Brunei"]]) == 0.0


def test_empty_facts_are_vacuously_present():
    assert fact_recall("ไม่พบข้อมูล", []) == 1.0
    assert all_facts_present("ไม่พบข้อมูล", [])


# --- token_f1 ----------------------------------------------------------------

def test_match_tokens_drop_spaces_and_punctuation():
    assert match_tokens("วันที่ ๒๔ กันยายน ๒๕๖๓.") == ["วันที่", "24", "กันยายน", "2563"]
    assert match_tokens("“SOCA” (Retreat)") == ["soca", "retreat"]


def test_token_f1_thai_with_thai_digits():
    # prediction tokens: ประชุม วันที่ 24 กันยายน 2563 (5); reference: วันที่ 24 กันยายน 2563 (4)
    # overlap 4 -> P = 4/5, R = 1 -> F1 = 8/9
    assert token_f1("ประชุม วันที่ 24 กันยายน 2563", "วันที่ ๒๔ กันยายน ๒๕๖๓.") == pytest.approx(8 / 9)


def test_token_f1_abbreviated_date_and_mixed_english():
    assert token_f1("8 ก.พ. 64", "๘ ก.พ.๖๔") == 1.0
    # the asean secretariat (3) vs asean secretariat (2): P = 2/3, R = 1 -> F1 = 0.8
    assert token_f1("The ASEAN Secretariat", "asean secretariat") == pytest.approx(0.8)
    assert token_f1("บรูไน", "Philippines") == 0.0


def test_token_f1_counts_repeated_tokens_once_per_occurrence():
    # pred: 2564 2564 (2), ref: 2564 (1): overlap 1 -> P = 1/2, R = 1 -> F1 = 2/3
    assert token_f1("2564 ๒๕๖๔", "2564") == pytest.approx(2 / 3)


def test_token_f1_empty_texts():
    assert token_f1("", "") == 1.0
    assert token_f1("...", "") == 1.0
    assert token_f1("บรูไน", "") == 0.0
    assert token_f1("", "บรูไน") == 0.0


# --- retrieval ----------------------------------------------------------------

RANKED = [
    "/data/seeds/001_e3f30d82e82d8486.txt",
    "/data/seeds/001_e3f30d82e82d8486.txt",
    "/data/seeds/003_f9ff260f397ac10e.txt",
    "C:\\records\\004_3bbcc50efedd5578.txt",
]


def test_source_matches_by_path_or_file_name():
    assert source_matches("/a/b/003_f9ff260f397ac10e.txt", {"003_f9ff260f397ac10e.txt"})
    assert source_matches("xquad:57", {"xquad:57"})
    assert not source_matches("/a/b/003_f9ff260f397ac10e.txt.bak", {"003_f9ff260f397ac10e.txt"})


def test_hit_at_and_mrr_at():
    expected = {"003_f9ff260f397ac10e.txt"}
    assert not hit_at(RANKED, expected, 2)
    assert hit_at(RANKED, expected, 3)
    assert mrr_at(RANKED, expected, k=10) == pytest.approx(1 / 3)
    assert mrr_at(RANKED, expected, k=2) == 0.0
    assert mrr_at(RANKED, {"004_3bbcc50efedd5578.txt", "001_e3f30d82e82d8486.txt"}) == 1.0
    assert mrr_at([], expected) == 0.0


def test_retrieval_metrics_reject_bad_arguments():
    with pytest.raises(ValueError, match="k must be"):
        hit_at(RANKED, {"x.txt"}, 0)
    with pytest.raises(ValueError, match="answerable"):
        mrr_at(RANKED, set())


# --- citation_precision -------------------------------------------------------

FACTS_003 = [RETREAT_DATE, BRUNEI]


def test_citation_precision_needs_expected_source_and_a_fact():
    citations = [
        {"source": "/seeds/003_f9ff260f397ac10e.txt", "text": "เมื่อวันที่ 8 ก.พ. 64  เวลา 09.00 น."},
        {"source": "/seeds/003_f9ff260f397ac10e.txt", "text": "ที่มา : https://www.thaigov.go.th"},
        {"source": "/seeds/001_e3f30d82e82d8486.txt", "text": "ประเทศบรูไนดารุสซาลาม ในปี ๒๕๖๔"},
        {"source": "003_f9ff260f397ac10e.txt", "text": "ประเทศบรูไนดารุสซาลามเป็นเจ้าภาพ"},
    ]
    # 1st and 4th: right file and a fact; 2nd: no fact; 3rd: wrong file
    assert citation_precision(citations, {"003_f9ff260f397ac10e.txt"}, FACTS_003) == 0.5


def test_citation_precision_conventions_without_citations_or_expectations():
    assert citation_precision([], set(), []) == 1.0
    assert citation_precision([], {"003_f9ff260f397ac10e.txt"}, FACTS_003) == 0.0
    wrong = [{"source": "/seeds/000_e91d83dd3f878e86.txt", "text": "วันที่ 24 กันยายน 2563"}]
    assert citation_precision(wrong, set(), []) == 0.0
    only_source = [{"source": "/seeds/000_e91d83dd3f878e86.txt", "text": "อะไรก็ได้"}]
    assert citation_precision(only_source, {"000_e91d83dd3f878e86.txt"}, []) == 1.0


# --- refusal_scores ------------------------------------------------------------

def test_refusal_scores_hand_computed():
    items = [
        (False, True), (False, True), (False, False),  # 2 correct refusals, 1 missed
        (True, True),  # 1 wrong refusal
        (True, False), (True, False), (True, False),  # 3 answered
    ]
    scores = refusal_scores(items)
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["f1"] == pytest.approx(2 / 3)
    assert (scores["correct_refusals"], scores["wrong_refusals"], scores["missed_refusals"], scores["answered"]) == (2, 1, 1, 3)
    assert (scores["answerable"], scores["unanswerable"], scores["total"]) == (4, 3, 7)


def test_refusal_scores_edge_cases():
    none_needed = refusal_scores([(True, False), (True, False)])
    assert (none_needed["precision"], none_needed["recall"]) == (1.0, 1.0)
    never_refuses = refusal_scores([(False, False), (True, False)])
    assert (never_refuses["precision"], never_refuses["recall"], never_refuses["f1"]) == (0.0, 0.0, 0.0)
    always_refuses = refusal_scores([(False, True), (True, True)])
    assert (always_refuses["precision"], always_refuses["recall"]) == (0.5, 1.0)
    assert refusal_scores([])["total"] == 0


# --- exact_match / contains_gold -----------------------------------------------

def test_exact_match_normalises_digits_case_spacing_and_edge_punctuation():
    assert exact_match("๒๕๖๔", ["2564"])
    assert exact_match("  บรูไนดารุสซาลาม. ", ["บรูไน ดารุสซาลาม"])
    assert exact_match("The ASEAN Secretariat", ["the asean secretariat"])
    assert not exact_match("ประเทศบรูไนดารุสซาลาม", ["บรูไนดารุสซาลาม"])


def test_contains_gold_in_a_sentence():
    assert contains_gold("การประชุมจัดขึ้นเมื่อ ๘ ก.พ. ๖๔ ผ่านระบบทางไกล", ["8 ก.พ.64", "9 ก.พ. 64"])
    assert contains_gold("hosted by Brunei Darussalam", ["BRUNEI"])
    assert not contains_gold("ครั้งที่ 16", ["1"])
    assert not contains_gold("ไม่พบข้อมูล", ["บรูไน"])


def test_gold_helpers_need_a_gold():
    with pytest.raises(ValueError, match="gold"):
        exact_match("x", [])
    with pytest.raises(ValueError, match="gold"):
        contains_gold("x", ["  ", "."])


# --- answer form (issue #9) ------------------------------------------------------

FACT_ANSWER_TH = "นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ [1] · 8 กุมภาพันธ์ 2564 [1]"
ASSISTANT = ["ผู้ช่วยปลัดกระทรวง", "Assistant Permanent Secretary"]


def test_answer_length_leaves_out_citation_markers_and_extra_spaces():
    assert answer_length("บรูไน [1]") == 5
    assert answer_length("Brunei Darussalam [1, 2].") == len("Brunei Darussalam .")
    assert answer_length("8 ก.พ. 64 [1]\n\n[2]") == len("8 ก.พ. 64")
    assert answer_length("๒๕๖๔ [12]") == 4  # Thai digits are characters like any other
    assert answer_length("") == 0 and answer_length("[1]") == 0


def test_sentences_split_at_markers_middle_dots_stops_and_newlines():
    assert split_sentences(FACT_ANSWER_TH) == [
        "นางจตุพร โรจนพานิช ผู้ช่วยปลัดกระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", "8 กุมภาพันธ์ 2564"]
    assert split_sentences("It was Brunei. The host chaired ASEAN in 2021.\nSee [1]") == [
        "It was Brunei.", "The host chaired ASEAN in 2021.", "See"]
    assert first_sentence("[1] · ") == ""


def test_abbreviations_do_not_end_a_sentence():
    # "ก.พ." and "น." (after a time) are abbreviations; so are titles
    text = "เมื่อวันที่ ๘ ก.พ. ๖๔ เวลา 09.00 น. นางจตุพร เข้าร่วมประชุม. ต่อมา"
    assert first_sentence(text) == "เมื่อวันที่ ๘ ก.พ. ๖๔ เวลา 09.00 น. นางจตุพร เข้าร่วมประชุม."
    assert first_sentence("Ms. Jatuporn Rojanapanich represented Thailand. She was ...") == \
        "Ms. Jatuporn Rojanapanich represented Thailand."
    assert first_sentence("It started in 2564. Then ...") == "It started in 2564."


def test_fact_in_first_sentence_takes_the_first_asked_fact():
    facts = [ASSISTANT, RETREAT_DATE]
    assert fact_in_first_sentence(FACT_ANSWER_TH, facts)
    assert not fact_in_first_sentence(FACT_ANSWER_TH, [RETREAT_DATE, ASSISTANT])  # the date comes second
    late = "The meeting was held by video conference. The representative was the Assistant Permanent Secretary [1]."
    assert not fact_in_first_sentence(late, [ASSISTANT])
    assert fact_in_first_sentence("On ๘ ก.พ. ๖๔ [1]. Brunei hosted it.", [RETREAT_DATE, BRUNEI])
    assert fact_in_first_sentence("ไม่พบข้อมูล", [])  # nothing asked: vacuously first


@pytest.mark.parametrize("answer, lang", [
    (FACT_ANSWER_TH, "th"),
    ("การประชุม SOCA Retreat จัดขึ้นเมื่อวันที่ ๘ กุมภาพันธ์ ๒๕๖๔ [1]", "th"),
    ("ผู้แทนคือ Ms. Jatuporn Rojanapanich [1]", "th"),  # an English name in a Thai sentence
    ("หัวข้อคือ “Towards Post-COVID Recovery and Resilience in ASEAN” [1]", "th"),  # a quoted English title
    ("รายงาน ASEAN Development Outlook (ADO) เปิดตัวในภาคบ่าย", "th"),
    ("It was held on 8 February 2021 [1].", "en"),
    ("The SOCA Leader of Thailand was นางจตุพร โรจนพานิช [1].", "en"),  # a titled Thai name
    ("Ms. Jatuporn Rojanapanich (นางจตุพร โรจนพานิช) represented Thailand [1].", "en"),  # a Thai gloss
    ("The theme was “สร้างเสริมภูมิคุ้มกันและความเป็นปึกแผ่นของครอบครัว” [1].", "en"),  # a quoted Thai theme
    ("นางจตุพร โรจนพานิช [1]", "th"),  # only a name: the name's script
    ("SOCA [1]", ""), ("๒๕๖๔", ""), ("", ""),  # acronyms and digits are no language
])
def test_answer_language(answer, lang):
    assert answer_language(answer) == lang


def test_language_matches_the_question():
    assert language_matches("Brunei Darussalam hosted it [1].", "en")
    assert not language_matches("ประเทศบรูไนดารุสซาลามเป็นเจ้าภาพ [1]", "en")
    assert language_matches("SOMSWD+3 [1]", "en") and language_matches("SOMSWD+3 [1]", "th")


@pytest.mark.parametrize("answer", [
    "8 กุมภาพันธ์ 2564", "๘ กุมภาพันธ์ ๒๕๖๔", "วันที่ 21-22 กันยายน พ.ศ. 2563 [1]", "30 กรกฎาคม - 2 สิงหาคม 2564",
    "ประชุมออนไลน์ [1]",  # no date: passes
])
def test_thai_dates_in_the_thai_readers_form(answer):
    assert date_form_ok(answer, "th")


@pytest.mark.parametrize("answer", [
    "8 ก.พ. 64", "๘ ก.พ. ๒๕๖๔", "8 February 2021", "8 กุมภาพันธ์ 2021", "8 กุมภาพันธ์ ค.ศ. 2021", "2021-02-08",
    "8/2/2564", "8 กุมภาพันธ์ 2564 และ 15 มี.ค. 64",  # every date must be in form
])
def test_thai_dates_in_another_form_fail(answer):
    assert not date_form_ok(answer, "th")


@pytest.mark.parametrize("answer, ok", [
    ("It was held on 8 February 2021 [1].", True), ("February 8, 2021", True), ("8th of February 2021", True),
    ("21-22 September 2020", True), ("No date was given [1].", True),
    ("8 Feb 2021", False), ("8 February 2564", False), ("8 กุมภาพันธ์ 2564", False), ("2021-02-08", False),
    ("On 8 February 2021 (๘ ก.พ. ๖๔) [1]", False),
])
def test_english_dates_in_the_english_readers_form(answer, ok):
    assert date_form_ok(answer, "en") is ok


def test_date_form_needs_a_known_language():
    with pytest.raises(ValueError, match="lang"):
        date_form_ok("8 February 2021", "fr")


# --- the one import ----------------------------------------------------------------------------
def test_evals_metrics_re_exports_every_metric_from_its_module():
    """Callers that import from evals.metrics get the very functions of the modules that define them."""
    homes = (match_form, answer_metrics, retrieval_metrics, form_metrics)
    for name in evals.metrics.__all__:
        assert any(getattr(home, name, None) is getattr(evals.metrics, name) for home in homes), name
    public = {n for home in homes for n in vars(home) if not n.startswith("_") and callable(vars(home)[n])
              and getattr(vars(home)[n], "__module__", "") == home.__name__}
    assert public - {"contains_form", "fact_found"} <= set(evals.metrics.__all__)
