from datetime import date
from pathlib import Path

import pytest

from ingest.clean import clean_document
from prachum.thai.dates import (
    FoundDate,
    find_dates,
    format_thai_date,
    meeting_date,
    parse_thai_date,
    parse_user_date,
    time_range,
)

SEEDS = Path(__file__).parents[3] / "seeds"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("๑๕ มีนาคม ๒๕๖๔", date(2021, 3, 15)),
        ("วันที่ 24 กันยายน 2563", date(2020, 9, 24)),
        ("วันจันทร์ที่ 20 สิงหาคม 2561", date(2018, 8, 20)),
        ("วันอังคารที่ 9 กุมภาพันธ์ 2564", date(2021, 2, 9)),
        ("20 – 24 สิงหาคม 2561", date(2018, 8, 20)),
        ("21-22 กันยายน 2563", date(2020, 9, 21)),
        ("ระหว่างวันที่ 21-22 และ 24 กันยายน 2563", date(2020, 9, 21)),
        ("30 ก.ค. - 2 ส.ค. 2564", date(2021, 7, 30)),
        ("28 ธ.ค. - 3 ม.ค. 2564", date(2020, 12, 28)),
        ("8 ก.พ. 64", date(2021, 2, 8)),
        ("8 ก. พ. 64", date(2021, 2, 8)),
        ("๘ ก.พ.๖๔", date(2021, 2, 8)),
        ("1 ม.ค. 2564", date(2021, 1, 1)),
        ("3 มี.ค. 64", date(2021, 3, 3)),
        ("13 เม.ย. 2564", date(2021, 4, 13)),
        ("5 พ.ค. 64", date(2021, 5, 5)),
        ("5 มิ.ย. 64", date(2021, 6, 5)),
        ("5 ก.ค. 64", date(2021, 7, 5)),
        ("5 ส.ค. 64", date(2021, 8, 5)),
        ("5 ก.ย. 64", date(2021, 9, 5)),
        ("5 ต.ค. 64", date(2021, 10, 5)),
        ("5 พ.ย. 64", date(2021, 11, 5)),
        ("5 ธ.ค. 64", date(2021, 12, 5)),
        ("24 กันยายน พ.ศ. 2563", date(2020, 9, 24)),
        ("24 กันยายน ค.ศ. 2020", date(2020, 9, 24)),
        ("9 กุมภาพันธ์ 2021", date(2021, 2, 9)),
        ("8 February 2021", date(2021, 2, 8)),
        ("February 8, 2021", date(2021, 2, 8)),
        ("Monday, 8th of February 2021", date(2021, 2, 8)),
        ("3 Mar. 2021", date(2021, 3, 3)),
        ("24/09/2563", date(2020, 9, 24)),
        ("2021-02-08", date(2021, 2, 8)),
    ],
)
def test_parse_thai_date(text, expected):
    assert parse_thai_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ครั้งที่ 16",
        "โรคติดเชื้อไวรัสโคโรนา 2019",
        "COVID-19 ในปี",
        "เวลา 09.00 – 14.00 น.",
        "8 ก.พ. 09.00 น.",  # a time after the month, not a two-digit year
        "สำนักงาน ก.พ.ร. 64",  # an office, not February
        "ตุลาการ 25 คน",
        "31 กุมภาพันธ์ 2564",  # no such day
        "8 Feb 21",  # two-digit years only with Thai months
        "24 กันยายน",  # no year
        "12 may 2021",  # a verb, not May
        "",
    ],
)
def test_not_dates(text):
    assert parse_thai_date(text) is None


def test_find_dates_offsets_and_text():
    text = "เมื่อวันที่ ๘ ก.พ. ๖๔ เวลา ๐๙.๐๐ น. และ 21-22 กันยายน 2563 (8 February 2021)"
    found = find_dates(text)
    assert [f.date for f in found] == [date(2021, 2, 8), date(2020, 9, 21), date(2021, 2, 8)]
    assert all(isinstance(f, FoundDate) for f in found)
    # the span is the date itself: "เมื่อวันที่" stays outside, so a caller can rewrite just the date
    assert [f.text for f in found] == ["๘ ก.พ. ๖๔", "21-22 กันยายน 2563", "8 February 2021"]
    assert all(text[f.start:f.end] == f.text for f in found)


def test_find_dates_skips_yearless_and_numbers():
    text = "จาก 10 ประเทศ ครั้งที่ 15 ระหว่างวันที่ 21-22 และ 24 กันยายน ผ่านระบบ ประจำปี พ.ศ. 2563"
    assert find_dates(text) == []


def _seed(prefix: str) -> str:
    return clean_document(next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")).text


@pytest.mark.parametrize(
    "prefix, expected",
    [("000", date(2020, 9, 24)), ("001", date(2021, 3, 15)), ("002", date(2018, 8, 20)), ("003", date(2021, 2, 8)), ("004", date(2021, 8, 26))],
)
def test_meeting_date_of_seeds(prefix, expected):
    assert meeting_date(_seed(prefix)) == expected


def test_meeting_date_prefers_when_over_posting_date():
    text = "หัวข้อข่าว\nวันศุกร์ที่ 12 มีนาคม 2564\nเมื่อวันพุธที่ 10 มี.ค. 64 ที่ประชุม SOCA ..."
    assert meeting_date(text) == date(2021, 3, 10)
    assert meeting_date("หัวข้อข่าว\nวันศุกร์ที่ 12 มีนาคม 2564\nที่ประชุม") == date(2021, 3, 12)


def test_meeting_date_only_from_the_opening():
    text = "การประชุมครั้งนี้ " + "เนื้อหา " * 400 + "เมื่อวันที่ 1 มกราคม 2564"
    assert meeting_date(text) is None
    assert meeting_date("ไม่มีวันที่ในข้อความนี้") is None


@pytest.mark.parametrize(
    "question, expected",
    [
        ("ในเดือนสิงหาคม 2564 มีการประชุมอะไรบ้าง", (date(2021, 8, 1), date(2021, 8, 31))),
        ("ปี 2561 มีการประชุมอะไร", (date(2018, 1, 1), date(2018, 12, 31))),
        ("พ.ศ. 2561", (date(2018, 1, 1), date(2018, 12, 31))),
        ("ในปี พ.ศ. ๒๕๖๔ ไทยเข้าร่วมกี่ครั้ง", (date(2021, 1, 1), date(2021, 12, 31))),
        ("ประชุมอะไรในปี 2021", (date(2021, 1, 1), date(2021, 12, 31))),
        ("ค.ศ. 2020", (date(2020, 1, 1), date(2020, 12, 31))),
        ("What meetings were held in February 2021?", (date(2021, 2, 1), date(2021, 2, 28))),
        ("What happened in 2021?", (date(2021, 1, 1), date(2021, 12, 31))),
        ("เดือน ก.พ. 64 มีประชุมอะไร", (date(2021, 2, 1), date(2021, 2, 28))),
        ("เดือนสิงหาคม ปี 2564", (date(2021, 8, 1), date(2021, 8, 31))),
        ("Who attended on 8 February 2021?", (date(2021, 2, 8), date(2021, 2, 8))),
        ("เมื่อวันที่ 15 มีนาคม 2564 ใครเป็นผู้แทน", (date(2021, 3, 15), date(2021, 3, 15))),
        ("การประชุมวันที่ 20 – 24 สิงหาคม 2561", (date(2018, 8, 20), date(2018, 8, 24))),
        ("ปีงบประมาณ 2564", (date(2020, 10, 1), date(2021, 9, 30))),
        ("ระหว่างปี 2557 – 2558", (date(2014, 1, 1), date(2015, 12, 31))),
        ("มกราคม - มีนาคม 2564", (date(2021, 1, 1), date(2021, 3, 31))),
        ("ปี 64 ประชุม SOCA กี่ครั้ง", (date(2021, 1, 1), date(2021, 12, 31))),
        # the most specific periods win, several are joined
        ("ในปี 2564 เดือนสิงหาคม 2564", (date(2021, 8, 1), date(2021, 8, 31))),
        ("8 ก.พ. 64 และเดือนมีนาคม 2564", (date(2021, 2, 8), date(2021, 3, 31))),
    ],
)
def test_time_range(question, expected):
    assert time_range(question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "การประชุม SOMSWD+3 ครั้งที่ 15 พูดถึงอะไร",
        "มีผู้เข้าร่วมจาก 10 ประเทศใช่ไหม",
        "การฟื้นฟูหลังโรคติดเชื้อไวรัสโคโรนา 2019 ในอาเซียน",
        "COVID 2019 recovery plan",
        "ความร่วมมือ 5 ปี 10 ประเทศ",
        "การประชุมในเดือนธันวาคม ศกนี้",
        "ASEAN 2025 vision",
        "ใครเป็นประธาน",
    ],
)
def test_time_range_none_without_a_named_period(question):
    assert time_range(question) is None


def test_format_thai_date_round_trips():
    assert format_thai_date(date(2021, 2, 8)) == "8 กุมภาพันธ์ 2564"
    assert format_thai_date(date(2018, 12, 31)) == "31 ธันวาคม 2561"
    for day in (date(2020, 1, 1), date(2021, 2, 28), date(2024, 2, 29), date(2019, 10, 15)):
        assert parse_thai_date(format_thai_date(day)) == day


def test_weekday_prefix_stays_outside_the_span():
    text = "วันจันทร์ที่ 20 สิงหาคม 2561 เวลา 09.30 น."
    (found,) = find_dates(text)
    assert (found.date, found.text, text[:found.start]) == (date(2018, 8, 20), "20 สิงหาคม 2561", "วันจันทร์ที่ ")


@pytest.mark.parametrize("typed, expected", [
    ("2021-02-08", date(2021, 2, 8)),
    ("8 ก.พ. 64", date(2021, 2, 8)),
    ("๑๕ มีนาคม ๒๕๖๔", date(2021, 3, 15)),
    ("15 March 2021", date(2021, 3, 15)),
    ("", None),
    ("   ", None),
])
def test_parse_user_date_reads_iso_thai_and_english(typed, expected):
    assert parse_user_date(typed) == expected


def test_parse_user_date_rejects_what_is_not_a_date():
    with pytest.raises(ValueError, match="not a date"):
        parse_user_date("เมื่อวาน")


def test_dates_are_written_in_the_readers_form():
    from prachum.thai.dates import format_date

    [one] = find_dates("เมื่อวันที่ ๘ ก.พ. ๖๔ เวลา ๐๙.๐๐ น.")
    assert format_date(one.date, one.last, "th") == "8 กุมภาพันธ์ 2564"
    assert format_date(one.date, one.last, "en") == "8 February 2021"
    [span] = find_dates("ระหว่างวันที่ 21-22 กันยายน 2563")
    assert span.last == date(2020, 9, 22)
    assert format_date(span.date, span.last, "th") == "21-22 กันยายน 2563"
    assert format_date(span.date, span.last, "en") == "21-22 September 2020"
    assert format_date(date(2021, 1, 30), date(2021, 2, 2), "en") == "30 January - 2 February 2021"
    assert format_date(date(2020, 12, 30), date(2021, 1, 2), "th") == "30 ธันวาคม 2563 - 2 มกราคม 2564"


def test_an_english_year_used_as_an_adjective_names_the_period():
    from prachum.thai.dates import time_range

    first, last = time_range("During which dates was the 2018 workshop held?")
    assert (first.year, last.year) == (2018, 2018)
    assert time_range("Who attended the 16th SOCCOM?") is None  # an edition is not a year
