"""The catalog's extraction meets its thresholds on the hand labels, and the scoring can fail."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

from evals import catalog_metrics as cm
from prachum.meetings import Attendance, Meeting, Outcome, RecordFacts


def test_seed_extraction_meets_the_thresholds() -> None:
    counts = cm.evaluate()
    assert set(counts) == set(cm.FIELDS)
    assert counts["meeting"].tp + counts["meeting"].fn == 14  # every labelled meeting is counted
    assert cm.violations(counts, cm.load_minimums()) == [], cm.table(counts)
    assert cm.main([]) == 0


def test_truth_file_is_well_formed() -> None:
    data = json.loads(cm.TRUTH_PATH.read_text(encoding="utf-8"))
    for record in data["records"]:
        assert (cm.SEEDS_DIR / record["source"]).exists()
        ids = {m["id"] for m in record["meetings"]}
        assert all(a["meeting"] in ids for a in record["attendance"] + record["outcomes"])
        for m in record["meetings"]:
            assert set(m) <= {"id", "first_date", "last_date", *cm.MEETING_FIELDS}
            if m.get("first_date"):
                date.fromisoformat(m["first_date"])


LABELLED = {
    "source": "x.txt",
    "meetings": [{"id": "a", "name_th": "การประชุมเจ้าหน้าที่อาวุโส", "acronym": "SOCA Retreat", "edition": None,
                  "first_date": "2021-02-08", "last_date": "2021-02-08", "host": "บรูไนดารุสซาลาม", "mentioned": False}],
    "attendance": [{"meeting": "a", "name": "จตุพร โรจนพานิช", "honorific": "นาง", "position": "ผู้ช่วยปลัดกระทรวง",
                    "role": "leader"}],
    "outcomes": [{"meeting": "a", "kind": "proposal", "text": "ขอบรรจุเอกสารผลลัพธ์สำคัญ จำนวน ๒ ฉบับ"}],
}
RIGHT = RecordFacts("x.txt", (Meeting("m1", name_th="การประชุมเจ้าหน้าที่อาวุโส", acronym="SOCA Retreat",
                                      first_date=date(2021, 2, 8), last_date=date(2021, 2, 8),
                                      host="บรูไนดารุสซาลาม"),),
                    (Attendance("m1", "จตุพร โรจนพานิช", "นาง", position="ผู้ช่วยปลัดกระทรวง", role="leader"),),
                    (Outcome("m1", "proposal", "การขอบรรจุเอกสารผลลัพธ์สำคัญ จำนวน 2 ฉบับ ซึ่งประเทศไทย"),))


def _score(facts: RecordFacts) -> dict[str, cm.Count]:
    counts = {name: cm.Count() for name in cm.FIELDS}
    cm.score_record(facts, LABELLED, counts)
    return counts


def test_right_facts_score_full_marks() -> None:
    counts = _score(RIGHT)
    assert all(c.fp == 0 and c.fn == 0 for c in counts.values()), cm.table(counts)


def test_wrong_values_and_extra_facts_lower_precision() -> None:
    wrong = replace(RIGHT, meetings=(replace(RIGHT.meetings[0], host="ไทย", first_date=date(2021, 2, 9)),
                                     Meeting("m2", acronym="SOMSWD", edition=16, mentioned=True)),
                    attendance=(replace(RIGHT.attendance[0], role="accompanied"),))
    counts = _score(wrong)
    assert counts["host"].precision == 0 and counts["host"].recall == 0
    assert counts["dates"].fp == 1 and counts["role"].fp == 1
    assert counts["meeting"].fp == 1 and counts["meeting"].precision == 0.5
    assert counts["position"].fp == 0
    assert cm.violations(counts, (0.95, 0.9))


def test_missing_facts_lower_recall(tmp_path: Path) -> None:
    counts = _score(RecordFacts("x.txt"))
    assert counts["meeting"].recall == 0 and counts["person"].recall == 0 and counts["outcome"].recall == 0
    assert counts["meeting"].precision == 1.0  # nothing claimed, nothing wrong
