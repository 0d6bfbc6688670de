"""The Meetings tab: a timeline of the meetings the records report on, a card per meeting, a person view.

The card shows what the catalog holds on a meeting (names, dates, venue, mode, host, the Thai
delegation, outcomes) and every fact opens the passage it was read from, highlighted, so a
reader can check it as they would a chat answer's citation. The person view lists someone's
meetings and positions in date order, which is how a change of position shows. Words for
both languages live here, beside the only code that shows them.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from typing import Any

import gradio as gr

from app.service import Service
from app.ui.render import excerpt, show_date
from prachum.thai.dates import format_date

WORDS: dict[str, dict[str, str]] = {
    "th": {"tab": "การประชุม", "timeline": "ลำดับเวลาการประชุม (เลือกเพื่อดูรายละเอียด)", "person": "บุคคล",
           "person_info": "ดูการประชุมและตำแหน่งของแต่ละคนตามลำดับเวลา",
           "intro": "การประชุมทั้งหมดที่บันทึกรายงานไว้ เรียงตามวันที่ เลือกการประชุมเพื่อดูรายละเอียด "
                    "ทุกข้อมูลเปิดดูข้อความต้นฉบับได้",
           "pick": "เลือกการประชุมจากลำดับเวลาเพื่อดูรายละเอียด", "pick_person": "เลือกบุคคลเพื่อดูการประชุมและตำแหน่ง",
           "none": "ยังไม่มีการประชุมในคลัง เพิ่มบันทึกการประชุมได้ที่แท็บ “เอกสาร”",
           "date": "วันที่", "time": "เวลา", "venue": "สถานที่", "mode": "รูปแบบ", "host": "เจ้าภาพ",
           "chair": "ประธาน", "asean_chair": "ประธานอาเซียน", "record": "บันทึก", "delegation": "คณะผู้แทนไทย",
           "outcomes": "ผลการประชุม", "mentions": "การประชุมอื่นที่กล่าวถึง", "source_text": "ข้อความต้นฉบับ",
           "video": "ประชุมทางไกล", "onsite": "ณ สถานที่ประชุม", "meetings_n": "{n} การประชุม",
           "changed": "ตำแหน่งเปลี่ยนจาก {a} เป็น {b}", "edition": "ครั้งที่ {n}"},
    "en": {"tab": "Meetings", "timeline": "Meetings by date (pick one for its card)", "person": "Person",
           "person_info": "Someone's meetings and positions, oldest first",
           "intro": "Every meeting the records report on, by date. Pick one for its card; every fact opens "
                    "the passage it was read from.",
           "pick": "Pick a meeting from the timeline to see its card", "pick_person": "Pick a person",
           "none": "No meetings indexed yet: add meeting records in the Documents tab",
           "date": "Date", "time": "Time", "venue": "Venue", "mode": "Mode", "host": "Host", "chair": "Chair",
           "asean_chair": "ASEAN chair", "record": "Record", "delegation": "Thai delegation", "outcomes": "Outcomes",
           "mentions": "Other meetings mentioned", "source_text": "Source passage", "video": "video conference",
           "onsite": "on site", "meetings_n": "{n} meetings", "changed": "Position changed from {a} to {b}",
           "edition": "edition {n}"},
}
ROLE = {"th": {"head": "หัวหน้าคณะ", "leader": "ผู้แทนประเทศไทย", "chair": "ประธาน", "vice_chair": "รองประธาน",
               "opened": "ประธานเปิด", "presented": "นำเสนอ", "spoke": "กล่าวถ้อยแถลง", "attended": "เข้าร่วม",
               "accompanied": "ร่วมคณะ", "assigned_by": "ผู้มอบหมาย"},
        "en": {"head": "head of delegation", "leader": "leader for Thailand", "chair": "chair", "vice_chair": "vice chair",
               "opened": "opened it", "presented": "presented", "spoke": "spoke", "attended": "attended",
               "accompanied": "in the delegation", "assigned_by": "assigned the delegate"}}
OUTCOME = {"th": {"proposal": "ข้อเสนอ", "agreement": "ข้อตกลง", "decision": "มติ", "adopted": "รับรอง",
                  "report": "รายงาน", "next_meeting": "การประชุมครั้งต่อไป", "award": "รางวัล"},
           "en": {"proposal": "proposal", "agreement": "agreement", "decision": "decision", "adopted": "adopted",
                  "report": "report", "next_meeting": "next meeting", "award": "award"}}
STYLE = """<style>
#meeting-card .mcard, #person-view .pview {overflow-wrap:anywhere}
.mcard-title {font-size:1.15em;font-weight:600;margin-bottom:.2em}
.mcard-sub {color:var(--body-text-color-subdued);margin-bottom:.6em}
.mcard-facts {display:grid;grid-template-columns:minmax(5.5em,max-content) 1fr;gap:.25em .8em;margin:0 0 .8em}
.mcard-facts dt {color:var(--body-text-color-subdued)} .mcard-facts dd {margin:0}
.mcard-sec {font-weight:600;margin:.8em 0 .3em} .mcard ul, .pview ol {margin:0;padding-left:1.2em}
.mcard li, .pview li {margin:.35em 0} .mcard details summary, .pview details summary {cursor:pointer;font-size:.9em;
 color:var(--link-text-color)} .mcard .cite-text {font-size:.92em;padding:.4em .6em;border-left:3px solid
 var(--border-color-accent);margin:.3em 0} .mcard mark {background:#fff3b0} .pview-change {margin-top:.6em;font-weight:600}
.pview-date {font-variant-numeric:tabular-nums;white-space:nowrap} .pview-src {color:var(--body-text-color-subdued);font-size:.88em}
</style>"""


def w(lang: str, key: str, **kw: Any) -> str:
    return WORDS[lang][key].format(**kw)


def when(row: dict[str, Any], lang: str) -> str:
    """A meeting's date or range in the reader's form: "20-24 สิงหาคม 2561", "20-24 August 2018"."""
    first, last = row.get("date"), row.get("last_date")
    if not first:
        return show_date(None, lang)
    return format_date(date.fromisoformat(first), date.fromisoformat(last) if last else None, lang)


def timeline_choices(rows: list[dict[str, Any]], lang: str) -> list[tuple[str, str]]:
    """The meetings oldest first, as "date · meeting" choices whose value names the record and meeting."""
    out = []
    for r in rows:
        name = r["meeting"] if lang == "th" else r["meeting_en"]
        short = name if len(name) <= 80 else name[:77].rsplit(" ", 1)[0] + "…"
        if r.get("acronym") and r["acronym"] not in short:  # the acronym first: what people look for
            short = f"{r['acronym']} — {short}"
        out.append((f"{when(r, lang)} · {short}", f"{r['source']}\x1f{r['key']}"))
    return out


def person_choices(people: list[dict[str, Any]], lang: str) -> list[tuple[str, str]]:
    return [(f"{p['display']} · {w(lang, 'meetings_n', n=p['meetings'])}", p["name"]) for p in people]


def _passage(passage: dict[str, Any] | None, lang: str) -> str:
    if not passage:
        return ""
    shown, _ = excerpt(passage["text"], passage["highlights"])
    return (f"<details><summary>{w(lang, 'source_text')}</summary>"
            f"<div class='cite-text'>{shown}</div></details>")


def render_card(card: dict[str, Any] | None, lang: str) -> str:
    """One meeting: its names, facts, delegation, outcomes and mentions, each with its passage."""
    if not card:
        return f"{STYLE}<div class='mcard mcard-empty'>{w(lang, 'pick')}</div>"
    e = html.escape
    title = card["meeting"] if lang == "th" else card["meeting_en"]
    sub = card.get("name_en") if lang == "th" else card.get("name_th")
    facts = [("date", when(card, lang)), ("time", card.get("time")), ("venue", card.get("venue")),
             ("mode", w(lang, card["mode"]) if card.get("mode") in ("video", "onsite") else None),
             ("host", card.get("host")), ("chair", card.get("chair")), ("asean_chair", card.get("asean_chair")),
             ("record", f"{card.get('title') or ''} · {card['record']}")]
    rows = "".join(f"<dt>{w(lang, k)}</dt><dd>{e(str(v))}</dd>" for k, v in facts if v)
    parts = [STYLE, "<div class='mcard'>", f"<div class='mcard-title'>{e(title)}</div>"]
    if sub:
        parts.append(f"<div class='mcard-sub'>{e(sub)}</div>")
    parts.append(f"<dl class='mcard-facts'>{rows}</dl>{_passage(card.get('passage'), lang)}")
    if card.get("delegation"):
        items = "".join(f"<li><b>{e(p['name'])}</b> — {e(p.get('position') or '')} "
                        f"({e(ROLE[lang].get(p['role'], p['role']))}){_passage(p.get('passage'), lang)}</li>"
                        for p in card["delegation"])
        parts.append(f"<div class='mcard-sec'>{w(lang, 'delegation')}</div><ul class='mcard-people'>{items}</ul>")
    if card.get("outcomes"):
        items = "".join(f"<li><b>{e(OUTCOME[lang].get(o['kind'], o['kind']))}:</b> {e(o['text'])}"
                        f"{_passage(o.get('passage'), lang)}</li>" for o in card["outcomes"])
        parts.append(f"<div class='mcard-sec'>{w(lang, 'outcomes')}</div><ul class='mcard-outcomes'>{items}</ul>")
    if card.get("mentions"):
        items = "".join(f"<li>{e(m['meeting'])}{' · ' + e(show_date(m['date'], lang)) if m.get('date') else ''}"
                        f"{_passage(m.get('passage'), lang)}</li>" for m in card["mentions"])
        parts.append(f"<div class='mcard-sec'>{w(lang, 'mentions')}</div><ul>{items}</ul>")
    return "".join(parts) + "</div>"


def render_person(person: dict[str, Any] | None, lang: str) -> str:
    """Someone's meetings oldest first, with the position held at each, and any change of position."""
    if not person:
        return f"{STYLE}<div class='pview pview-empty'>{w(lang, 'pick_person')}</div>"
    e = html.escape
    items = []
    for a in person["appearances"]:
        meeting = a["meeting"] if lang == "th" else a["meeting_en"]
        items.append(f"<li><span class='pview-date'>{e(show_date(a['date'], lang))}</span> — {e(meeting)} — "
                     f"{e(a.get('position') or '-')} ({e(ROLE[lang].get(a['role'], a['role']))})"
                     f"<div class='pview-src'>{e(a['record'])}</div></li>")
    titles = [a["position"] for a in person["appearances"] if a.get("position")]
    change = (f"<div class='pview-change'>{e(w(lang, 'changed', a=titles[0], b=titles[-1]))}</div>"
              if len(set(titles)) > 1 else "")
    return (f"{STYLE}<div class='pview'><div class='mcard-title'>{e(person['display'])} · "
            f"{w(lang, 'meetings_n', n=person['meetings'])}</div><ol class='pview-list'>{''.join(items)}</ol>{change}</div>")


def meetings_tab(lib: Service, lang: gr.Radio, lang0: str, lang_redraws: dict[Any, Callable],
                 docs_redraws: dict[Any, Callable]) -> None:
    """Build the tab (inside ``gr.Tabs``) and register how it redraws on a language switch or a change of
    the documents (``lang_redraws`` / ``docs_redraws`` take a view with ``.lang``)."""
    rows, people = lib.meetings(), lib.people()
    with gr.Tab(w(lang0, "tab"), id="meetings") as tab:
        intro = gr.Markdown(w(lang0, "intro") if rows else w(lang0, "none"), elem_id="meetings-intro")
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=260):
                timeline = gr.Radio(timeline_choices(rows, lang0), value=None, label=w(lang0, "timeline"),
                                    elem_id="meeting-timeline")
            with gr.Column(scale=6, min_width=260):
                card = gr.HTML(render_card(None, lang0), elem_id="meeting-card")
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=260):
                person = gr.Dropdown(person_choices(people, lang0), value=None, label=w(lang0, "person"),
                                     info=w(lang0, "person_info"), elem_id="person-pick")
            with gr.Column(scale=6, min_width=260):
                person_view = gr.HTML(render_person(None, lang0), elem_id="person-view")

    def on_pick(value: str | None, lang_: str) -> str:
        if not value:
            return render_card(None, lang_)
        source, _, key = value.partition("\x1f")
        return render_card(lib.meeting_card(source, key), lang_)

    def on_person(name: str | None, lang_: str) -> str:
        found = [p for p in lib.people(name) if p["name"] == name] if name else []
        return render_person(found[0] if found else None, lang_)

    timeline.change(on_pick, [timeline, lang], [card], api_visibility="private", show_progress="hidden")
    person.change(on_person, [person, lang], [person_view], api_visibility="private", show_progress="hidden")
    lang_redraws.update({  # a language switch starts the tab afresh: its choices are relabelled
        tab: lambda v: gr.update(label=w(v.lang, "tab")),
        intro: lambda v: w(v.lang, "intro") if v.docs else w(v.lang, "none"),
        timeline: lambda v: gr.update(label=w(v.lang, "timeline"), choices=timeline_choices(lib.meetings(), v.lang),
                                      value=None),
        person: lambda v: gr.update(label=w(v.lang, "person"), info=w(v.lang, "person_info"),
                                    choices=person_choices(lib.people(), v.lang), value=None),
        card: lambda v: render_card(None, v.lang),
        person_view: lambda v: render_person(None, v.lang),
    })
    docs_redraws.update({
        intro: lambda v: w(v.lang, "intro") if v.docs else w(v.lang, "none"),
        timeline: lambda v: gr.update(choices=timeline_choices(lib.meetings(), v.lang), value=None),
        person: lambda v: gr.update(choices=person_choices(lib.people(), v.lang), value=None),
    })
