"""Four made-up meeting records with hand-written catalog facts, and a store-shaped object over them.

The catalog answerer is tested on records it was not written for: new people, a new acronym,
Thai digits and abbreviated Buddhist-era dates, one record without any meeting. Facts carry the
span of the paragraph that states them, as the extraction rules do, so citations can be checked.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from prachum.index import meeting_tables as mt
from prachum.meetings import Attendance, Meeting, Outcome, RecordFacts, name_key

A = ("วันที่ ๘ ก.พ. ๖๔ เวลา ๐๙.๐๐ น. นางสมศรี ใจงาม ผู้อำนวยการกองแผนงาน เป็นหัวหน้าคณะผู้แทนไทย "
     "เข้าร่วมการประชุมคณะทำงาน ABC ครั้งที่ ๓ ผ่านระบบการประชุมทางไกล\n\n"
     "ประเทศมาเลเซียเป็นเจ้าภาพการประชุม ที่ประชุมเห็นชอบแผนงานปี ๒๕๖๔")
B = ("เมื่อวันที่ 26 สิงหาคม 2564 นางสมศรี ใจงาม รองอธิบดีกรมกิจการสังคม ในฐานะ XYZ Leader of Thailand "
     "พร้อมด้วยนายก้องภพ ดีมาก เข้าร่วมการประชุม XYZ Forum ผ่านระบบการประชุมทางไกล\n\n"
     "การประชุมจัดโดยสาธารณรัฐสิงคโปร์")
C = ("วันที่ ๑๐ พฤษภาคม ๒๕๖๒ นายก้องภพ ดีมาก ผู้อำนวยการกองต่างประเทศ เป็นหัวหน้าคณะผู้แทนไทย "
     "ในการประชุมคณะทำงาน ABC ครั้งที่ ๑ ณ กรุงเทพมหานคร\n\n"
     "ทั้งนี้ การประชุม ABC ครั้งที่ ๒ จะจัดขึ้นวันที่ 16 มีนาคม 2563 ณ ประเทศเวียดนาม")
D = "ประกาศรับสมัครงานตำแหน่งนักวิเคราะห์นโยบายและแผน ประจำปี ๒๕๖๔\n\nผู้สนใจสมัครได้ที่กองการเจ้าหน้าที่"


def para(text: str, phrase: str) -> tuple[int, int]:
    """The [start, end) of the paragraph of ``text`` that holds ``phrase``."""
    at = text.index(phrase)
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, end if end >= 0 else len(text)


def _facts() -> dict[str, RecordFacts]:
    a1, a2 = para(A, "ABC"), para(A, "มาเลเซีย")
    b1 = para(B, "XYZ Forum")
    c1, c2 = para(C, "ครั้งที่ ๑"), para(C, "ครั้งที่ ๒")
    somsri, kong = "สมศรี ใจงาม", "ก้องภพ ดีมาก"
    return {
        "a.txt": RecordFacts("a.txt", (
            Meeting("m1", name_th="การประชุมคณะทำงาน ABC", acronym="ABC", edition=3, first_date=date(2021, 2, 8),
                    last_date=date(2021, 2, 8), time="09.00", mode="video", host="มาเลเซีย", start=a1[0], end=a1[1]),),
            (Attendance("m1", somsri, "นาง", name_key(somsri), "ผู้อำนวยการกองแผนงาน", None, "head", *a1),),
            (Outcome("m1", "agreement", "ที่ประชุมเห็นชอบแผนงานปี ๒๕๖๔", *a2),)),
        "b.txt": RecordFacts("b.txt", (
            Meeting("m1", name_en="XYZ Forum", acronym="XYZ Forum", first_date=date(2021, 8, 26),
                    last_date=date(2021, 8, 26), mode="video", host="สิงคโปร์", start=b1[0], end=b1[1]),),
            (Attendance("m1", somsri, "นาง", name_key(somsri), "รองอธิบดีกรมกิจการสังคม", None, "leader", *b1),
             Attendance("m1", kong, "นาย", name_key(kong), None, None, "accompanied", *b1))),
        "c.txt": RecordFacts("c.txt", (
            Meeting("m1", name_th="การประชุมคณะทำงาน ABC", acronym="ABC", edition=1, first_date=date(2019, 5, 10),
                    last_date=date(2019, 5, 10), venue="กรุงเทพมหานคร", mode="onsite", start=c1[0], end=c1[1]),
            Meeting("m2", name_th="การประชุม ABC", acronym="ABC", edition=2, first_date=date(2020, 3, 16),
                    last_date=date(2020, 3, 16), host="เวียดนาม", mentioned=True, start=c2[0], end=c2[1])),
            (Attendance("m1", kong, "นาย", name_key(kong), "ผู้อำนวยการกองต่างประเทศ", None, "head", *c1),)),
        "d.txt": RecordFacts("d.txt"),
    }


TEXTS = {"a.txt": A, "b.txt": B, "c.txt": C, "d.txt": D}
DATES = {"a.txt": "2021-02-08", "b.txt": "2021-08-26", "c.txt": "2019-05-10", "d.txt": ""}


@dataclass
class Doc:
    source: str
    title: str
    date: str
    acronyms: list[str]
    fingerprint: str
    source_url: str = ""
    chunks: int = 0
    chunk_ids: list[str] = field(default_factory=list)


class FakeStore:
    """What the catalog answerer reads from an index: documents, chunks by id, and the catalog."""

    def __init__(self, texts: dict[str, str] | None = None, facts: dict[str, RecordFacts] | None = None) -> None:
        self.texts = dict(TEXTS if texts is None else texts)
        self._chunks: dict[str, tuple[str, dict[str, Any]]] = {}
        self.docs: list[Doc] = []
        for source, text in self.texts.items():
            ids = []
            start = 0
            for position, piece in enumerate(text.split("\n\n")):
                start = text.index(piece, start)
                cid = f"{source}#{position}"
                self._chunks[cid] = (piece, {"source": source, "title": f"บันทึก {source}", "start": start,
                                             "end": start + len(piece), "position": position,
                                             "date": DATES.get(source, "")})
                ids.append(cid)
                start += len(piece)
            self.docs.append(Doc(source, f"บันทึก {source}", DATES.get(source, ""), [], f"fp-{source}",
                                 chunks=len(ids), chunk_ids=ids))
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        mt.create(conn)
        for source, f in (_facts() if facts is None else facts).items():
            if source in self.texts:
                mt.write(conn, source, f)
        conn.commit()
        self.catalog = SimpleNamespace(conn=conn)

    def documents(self) -> list[Doc]:
        return list(self.docs)

    def chunk_ids(self, source: str) -> list[str]:
        return next((d.chunk_ids for d in self.docs if d.source == source), [])

    def chunks(self, ids: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        return {i: self._chunks[i] for i in ids if i in self._chunks}


def seed_store(seeds_dir: Any = None) -> FakeStore:
    """The five seed records, cleaned as ingest cleans them, with the facts the extraction rules read."""
    from pathlib import Path

    from ingest.clean import clean_document
    from ingest.loaders import load_text
    from ingest.meetings import extract_facts
    from ingest.metadata import extract_metadata

    folder = Path(seeds_dir or Path(__file__).resolve().parents[2] / "seeds")
    texts, facts = {}, {}
    for path in sorted(folder.glob("*.txt")):
        cleaned = clean_document(load_text(path))
        texts[path.name] = cleaned.text
        meta = extract_metadata(cleaned, path)
        DATES[path.name] = meta.date.isoformat() if meta.date else ""
        facts[path.name] = extract_facts(cleaned.text, meta, path.name)
    return FakeStore(texts, facts)
