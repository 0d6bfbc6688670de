"""`prachum meetings` and `prachum people`: the meeting catalog on the command line.

Kept beside app/cli.py (which registers them) so that file stays one screenful per job;
like every command they read the settings once and raise :class:`PrachumError` for what a
user can fix, which the `prachum` group prints as one `Error: ...` line.
"""
from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

import click

from prachum.errors import QuestionError


def width(text: str) -> int:
    """Columns a string takes on a terminal: Thai vowels and tone marks above or below take none."""
    return sum(0 if unicodedata.category(c) in ("Mn", "Me") else 1 for c in text)


def fit(text: str | None, size: int) -> str:
    """``text`` cut or padded to ``size`` terminal columns."""
    text = " ".join((text or "-").split())
    if width(text) > size:
        out, used = [], 0
        for c in text:
            w = width(c)
            if used + w > size - 1:
                break
            out.append(c)
            used += w
        text = "".join(out) + "…"
    return text + " " * (size - width(text))


COLUMNS = (("date", "date", 10), ("meeting", "short", 40), ("ed.", "edition", 4), ("host", "host", 22),
           ("Thai head of delegation", "head", 26), ("record", "record", 30))


def table(rows: Sequence[dict[str, Any]]) -> str:
    head = "  ".join(fit(title, size) for title, _, size in COLUMNS)
    lines = [head.rstrip(), "-" * width(head.rstrip())]
    for r in rows:
        lines.append("  ".join(fit(str(r[key]) if r[key] is not None else None, size)
                               for _, key, size in COLUMNS).rstrip())
    return "\n".join(lines)


def _service(ctx: click.Context) -> Any:
    from app.cli import service_from, settings_from

    service = service_from(ctx, settings_from(ctx))
    if service.is_empty():
        raise click.ClickException("the index is empty: run `prachum ingest PATH` first (e.g. `prachum ingest seeds/`)")
    return service


@click.command()
@click.option("--person", help="Only meetings this person attended (Thai or English, any honorific).")
@click.option("--since", help="Only meetings on or after this date (2021-01-01 or 1 ม.ค. 64).")
@click.option("--until", help="Only meetings on or before this date.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per meeting.")
@click.pass_context
def meetings(ctx: click.Context, person: str | None, since: str | None, until: str | None, as_json: bool) -> None:
    """List the meetings in the records: date, meeting, edition, host, Thai head of delegation, record.

    \b
    Examples:
      prachum meetings
      prachum meetings --person "นางจตุพร โรจนพานิช"
      prachum meetings --person "Ms. Wimonrat Ratchukul" --since 2021-01-01
      prachum meetings --since "1 ม.ค. 64" --until 2021-12-31 --json
    """
    from app.cli import date_filters

    filters = date_filters(since, until)
    rows = _service(ctx).meetings(person, filters.since, filters.until)
    if as_json:
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    if not rows:
        click.echo("no meeting in the records matches" + (f" {person!r}" if person else ""))
        return
    click.echo(table(rows))
    click.echo(f"{len(rows)} meetings")


@click.command()
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per person.")
@click.pass_context
def people(ctx: click.Context, name: str | None, as_json: bool) -> None:
    """People in the records: each one's meetings and positions over time.

    \b
    Examples:
      prachum people
      prachum people "นางจตุพร โรจนพานิช"
      prachum people "Jatuporn Rojanapanich" --json
    """
    found = _service(ctx).people(name)
    if name and not found:
        raise QuestionError(f"no record names {name!r}; `prachum people` lists everyone the records name", "person")
    if as_json:
        for p in found:
            click.echo(json.dumps(p, ensure_ascii=False))
        return
    for i, p in enumerate(found):
        click.echo(("\n" if i else "") + click.style(f"{p['display']}  ({p['meetings']} meetings)", bold=True))
        for a in p["appearances"]:
            click.echo(f"  {fit(a['date'], 10)}  {fit(a['meeting'], 44)}  {a['position'] or '-'} ({a['role']})")
            click.echo(f"  {'':10}  {a['record']}")
    if not found:
        click.echo("no people in the records yet")
