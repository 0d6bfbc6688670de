"""How well the meeting catalog's rules read the seed records: precision and recall per field.

``evals/catalog_truth.json`` holds the facts a careful reader finds in each seed record.
The extractor runs on the same cleaned text ingest uses; meetings are paired with the
labelled ones (acronym, edition, name, date), people within a paired meeting (Thai/English,
honorific-insensitive), outcomes by kind and wording. Each field then counts a predicted
value as right only when its pair has the same value after normalising (digits, spaces,
"การจัดประชุม"/"การประชุม", a leading "the"). A fact on an unpaired meeting is wrong.

    python -m evals.catalog_metrics            # the table; exit 1 below evals/thresholds.toml [catalog]
"""
from __future__ import annotations

import json
import re
import sys
import tomllib
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Callable

from ingest.clean import clean_document
from ingest.meetings import extract_facts
from ingest.meetings.group import thai_key
from ingest.metadata import extract_metadata
from prachum.meetings import RecordFacts, names_match
from prachum.thai.text import to_arabic_digits

ROOT = Path(__file__).resolve().parent.parent
TRUTH_PATH = Path(__file__).resolve().parent / "catalog_truth.json"
THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.toml"
SEEDS_DIR = ROOT / "seeds"
MEETING_FIELDS = ("name_th", "name_en", "acronym", "edition", "dates", "time", "venue", "mode", "host", "chair",
                  "asean_chair", "mentioned")
PERSON_FIELDS = ("honorific", "position", "organisation", "role")
FIELDS = ("meeting", *MEETING_FIELDS, "person", *PERSON_FIELDS, "outcome")


@dataclass
class Count:
    tp: int = 0  # predicted values that are right
    fp: int = 0  # predicted values that are wrong (or on a fact that is not there)
    fn: int = 0  # labelled values not predicted right
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def paired(self, pairs: list, predicted: list, truth: list) -> None:
        """Count one record's facts of this kind: each pair is right, the unpaired are extra or missed."""
        self.tp += len(pairs)
        self.fp += len(predicted) - len(pairs)
        self.fn += len(truth) - len(pairs)


def norm(value: object) -> str:
    text = to_arabic_digits(str(value)).lower()
    return re.sub(r"[\s\u200b]+", "", text)


def _plain(value: object) -> str:
    return re.sub(r"\([^)]*\)", "", norm(value))


def _similar(a: str, b: str, ratio: float = 0.9) -> bool:
    return a == b or SequenceMatcher(None, a, b).ratio() >= ratio


def _name_th(a: object, b: object) -> bool:
    return _similar(norm(thai_key(str(a))), norm(thai_key(str(b))))


def _english(v: object) -> str:
    return re.sub(r"^the", "", re.sub(r"[^a-z0-9()]", "", str(v).lower()))


def _name_en(a: object, b: object) -> bool:
    return _english(a) == _english(b)


def _names(v: object) -> set[str]:
    return {norm(x) for x in str(v).split(",") if x.strip()}


def _venue(a: object, b: object) -> bool:
    x, y = norm(a), norm(b)
    short, long = sorted((x, y), key=len)
    return x == y or (short in long and len(short) >= 0.8 * len(long))


def _position(a: object, b: object) -> bool:
    return _similar(_plain(a), _plain(b), 0.9)


MATCH: dict[str, Callable[[object, object], bool]] = {
    "name_th": _name_th, "name_en": _name_en, "venue": _venue, "position": _position,
    "host": lambda a, b: _names(a) == _names(b), "chair": lambda a, b: _names(a) == _names(b),
    "asean_chair": lambda a, b: _names(a) == _names(b),
}


def _value(row: dict[str, Any], name: str) -> object:
    if name == "dates":
        first, last = row.get("first_date"), row.get("last_date")
        return None if first is None else f"{first}/{last or first}"
    return row.get(name)


def _same(name: str, predicted: object, truth: object) -> bool:
    if name in MATCH:
        return MATCH[name](predicted, truth)
    return norm(predicted) == norm(truth)


def _meeting_rows(facts: RecordFacts) -> list[dict[str, Any]]:
    rows = []
    for m in facts.meetings:
        row = {k: getattr(m, k) for k in ("key", "name_th", "name_en", "acronym", "edition", "time", "venue", "mode",
                                          "host", "chair", "asean_chair", "mentioned")}
        row["first_date"] = m.first_date.isoformat() if m.first_date else None
        row["last_date"] = m.last_date.isoformat() if m.last_date else None
        rows.append(row)
    return rows


def _pair_score(p: dict[str, Any], t: dict[str, Any]) -> int:
    if p.get("edition") is not None and t.get("edition") is not None and p["edition"] != t["edition"]:
        return 0
    score = 0
    if p.get("acronym") and t.get("acronym"):
        if norm(p["acronym"]) != norm(t["acronym"]):
            return 0
        score += 3
    if p.get("name_th") and t.get("name_th") and _name_th(p["name_th"], t["name_th"]):
        score += 2
    if p.get("name_en") and t.get("name_en") and _name_en(p["name_en"], t["name_en"]):
        score += 2
    if score and p.get("edition") is not None and p.get("edition") == t.get("edition"):
        score += 1
    if score and p.get("first_date") and p.get("first_date") == t.get("first_date"):
        score += 1
    return score


def pair(predicted: list[dict[str, Any]], truth: list[dict[str, Any]],
         score: Callable[[dict[str, Any], dict[str, Any]], float]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairing, best score first; pairs scoring 0 are not made."""
    scored = sorted(((score(p, t), i, j) for i, p in enumerate(predicted) for j, t in enumerate(truth)),
                    key=lambda x: (-x[0], x[1], x[2]))
    used_p: set[int] = set()
    used_t: set[int] = set()
    pairs = []
    for s, i, j in scored:
        if s > 0 and i not in used_p and j not in used_t:
            pairs.append((i, j))
            used_p.add(i)
            used_t.add(j)
    return pairs


def _count_fields(counts: dict[str, Count], names: tuple[str, ...], predicted: list[dict[str, Any]],
                  truth: list[dict[str, Any]], pairs: list[tuple[int, int]], where: str) -> None:
    paired_p = {i: j for i, j in pairs}
    paired_t = {j for _, j in pairs}
    for name in names:
        c = counts[name]
        for i, p in enumerate(predicted):
            pv = _value(p, name)
            if pv is None:
                continue
            j = paired_p.get(i)
            tv = _value(truth[j], name) if j is not None else None
            if tv is not None and _same(name, pv, tv):
                c.tp += 1
            else:
                c.fp += 1
                c.misses.append(f"{where}: predicted {name}={pv!r}, labelled {tv!r}")
        for j, t in enumerate(truth):
            tv = _value(t, name)
            if tv is None:
                continue
            i = next((i for i, jj in pairs if jj == j), None)
            pv = _value(predicted[i], name) if i is not None else None
            if j not in paired_t or pv is None or not _same(name, pv, tv):
                c.fn += 1
                if pv is None:
                    c.misses.append(f"{where}: missed {name}={tv!r}")


def _outcome_score(p: dict[str, Any], t: dict[str, Any]) -> float:
    if p["kind"] != t["kind"]:
        return 0
    a, b = norm(p["text"]), norm(t["text"])
    if b in a or a in b:
        return 2
    ratio = SequenceMatcher(None, a, b).find_longest_match(0, len(a), 0, len(b)).size / max(1, min(len(a), len(b)))
    return 1 if ratio >= 0.6 else 0


def score_record(facts: RecordFacts, labelled: dict[str, Any], counts: dict[str, Count]) -> None:
    where = labelled["source"]
    predicted = _meeting_rows(facts)
    truth = labelled["meetings"]
    pairs = pair(predicted, truth, _pair_score)
    c = counts["meeting"]
    c.paired(pairs, predicted, truth)
    c.misses += [f"{where}: extra meeting {p.get('acronym') or p.get('name_th')}" for i, p in enumerate(predicted)
                 if i not in {i for i, _ in pairs}]
    c.misses += [f"{where}: missed meeting {t['id']}" for j, t in enumerate(truth) if j not in {j for _, j in pairs}]
    _count_fields(counts, MEETING_FIELDS, predicted, truth, pairs, where)
    key_of = {predicted[i]["key"]: truth[j]["id"] for i, j in pairs}

    people_p = [{"meeting": key_of.get(a.meeting), "name": a.name, "honorific": a.honorific, "position": a.position,
                 "organisation": a.organisation, "role": a.role} for a in facts.attendance]
    people_t = labelled["attendance"]
    ppairs = pair(people_p, people_t, lambda p, t: float(p["meeting"] == t["meeting"] and names_match(p["name"], t["name"])))
    counts["person"].paired(ppairs, people_p, people_t)
    _count_fields(counts, PERSON_FIELDS, people_p, people_t, ppairs, where)

    out_p = [{"meeting": key_of.get(o.meeting), "kind": o.kind, "text": o.text} for o in facts.outcomes]
    out_t = labelled["outcomes"]
    opairs = pair(out_p, out_t, lambda p, t: _outcome_score(p, t) if p["meeting"] == t["meeting"] else 0)
    c = counts["outcome"]
    c.paired(opairs, out_p, out_t)
    c.misses += [f"{where}: extra outcome {p['kind']} {p['text'][:60]}" for i, p in enumerate(out_p)
                 if i not in {i for i, _ in opairs}]
    c.misses += [f"{where}: missed outcome {t['kind']} {t['text'][:60]}" for j, t in enumerate(out_t)
                 if j not in {j for _, j in opairs}]


def extract_seed(path: Path) -> RecordFacts:
    cleaned = clean_document(path.read_text(encoding="utf-8"))
    return extract_facts(cleaned.text, extract_metadata(cleaned, path), path.name)


def evaluate(truth_path: Path = TRUTH_PATH, seeds_dir: Path = SEEDS_DIR) -> dict[str, Count]:
    labelled = json.loads(truth_path.read_text(encoding="utf-8"))["records"]
    counts = {name: Count() for name in FIELDS}
    for record in labelled:
        score_record(extract_seed(seeds_dir / record["source"]), record, counts)
    return counts


def load_minimums(path: Path = THRESHOLDS_PATH) -> tuple[float, float]:
    section = tomllib.loads(path.read_text(encoding="utf-8")).get("catalog", {})
    return float(section.get("precision_min", 0.95)), float(section.get("recall_min", 0.90))


def violations(counts: dict[str, Count], minimums: tuple[float, float]) -> list[str]:
    p_min, r_min = minimums
    found = []
    for name, c in counts.items():
        if c.precision < p_min:
            found.append(f"{name}: precision {c.precision:.3f} < {p_min:.2f}")
        if c.recall < r_min:
            found.append(f"{name}: recall {c.recall:.3f} < {r_min:.2f}")
    return found


def table(counts: dict[str, Count]) -> str:
    lines = [f"{'field':<14}{'labelled':>9}{'predicted':>10}{'right':>7}{'precision':>11}{'recall':>8}"]
    for name, c in counts.items():
        lines.append(f"{name:<14}{c.tp + c.fn:>9}{c.tp + c.fp:>10}{c.tp:>7}{c.precision:>11.3f}{c.recall:>8.3f}")
    total = Count(sum(c.tp for c in counts.values()), sum(c.fp for c in counts.values()),
                  sum(c.fn for c in counts.values()))
    lines.append(f"{'all fields':<14}{total.tp + total.fn:>9}{total.tp + total.fp:>10}{total.tp:>7}"
                 f"{total.precision:>11.3f}{total.recall:>8.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    counts = evaluate()
    print(table(counts))
    if "--misses" in argv:
        for name, c in counts.items():
            for miss in c.misses:
                print(f"  [{name}] {miss}")
    bad = violations(counts, load_minimums())
    for line in bad:
        print(f"below threshold: {line}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
