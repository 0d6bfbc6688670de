"""The data between the stages: filters that cannot match say so, the JSON contract keeps its keys."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from prachum import errors
from prachum.errors import FilterError, PrachumError, QuestionError
from prachum.types import Answer, Citation, Filters, Passage, display_source


def test_a_period_that_ends_before_it_starts_is_an_error_not_an_empty_answer():
    with pytest.raises(FilterError, match="since 2021-12-31 is after until 2021-01-01, so no record can match") as err:
        Filters(since=date(2021, 12, 31), until=date(2021, 1, 1))
    assert err.value.field == "range" and isinstance(err.value, QuestionError)
    assert Filters(since=date(2021, 2, 8), until=date(2021, 2, 8)).since == date(2021, 2, 8)


def test_every_user_facing_error_is_a_prachum_error():
    family = [cls for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, Exception)]
    assert len(family) >= 9 and all(issubclass(cls, PrachumError) for cls in family)


def test_sources_are_shown_relative_to_the_current_folder_when_inside_it(tmp_path):
    inside = tmp_path / "บันทึก" / "ประชุม ๒๕๖๔.txt"
    assert display_source(str(inside), cwd=tmp_path) == str(Path("บันทึก") / "ประชุม ๒๕๖๔.txt")
    assert display_source("/elsewhere/ก.พ. 64.txt", cwd=tmp_path) == "/elsewhere/ก.พ. 64.txt"


def test_the_json_contract_keeps_its_keys():
    passage = Passage(id="x", text="นางจตุพร โรจนพานิช เข้าร่วมการประชุม SOCA Retreat เมื่อ ๘ ก.พ. ๖๔", source="/r/x.txt",
                      title="SOCA Retreat", date="2021-02-08", score=0.912345, dense=0.9, lexical=2.0)
    answer = Answer("ใครเป็นผู้แทนประเทศไทย", "นางจตุพร โรจนพานิช [1]", False, [Citation(1, passage, [(0, 18)])],
                    {"retrieve": 12.345, "total": 20.0}, "extractive")
    data = answer.to_json()
    assert list(data) == ["question", "answer", "refused", "citations", "timings_ms", "facts", "route"]
    assert data["route"] == "passages" and "rows" not in data  # rows only for catalog answers (#10)
    assert list(data["citations"][0]) == ["n", "source", "title", "date", "text", "score", "highlights"]
    assert data["citations"][0]["score"] == 0.9123 and data["citations"][0]["highlights"] == [[0, 18]]
    assert data["timings_ms"] == {"retrieve": 12.3, "total": 20.0}
