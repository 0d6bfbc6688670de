"""The one place where a :class:`PrachumError` becomes what the UI shows: a message in the user's language.

Event handlers run inside :func:`shown_errors`, so anything a user can fix (a date
that is not a date, a document that is not indexed, an index that cannot be written)
is a toast with a clear message instead of Gradio's bare "Error".
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterable, Iterator

import gradio as gr

from app.service import make_filters
from app.ui.i18n import t
from prachum.errors import FilterError, PrachumError, QuestionError, UnknownSource
from prachum.types import Filters


def ui_message(exc: PrachumError, lang: str) -> str:
    """What the UI says about ``exc``."""
    if isinstance(exc, FilterError):
        return t(lang, "bad_range") if exc.field == "range" else t(lang, "bad_date", value=exc.value)
    if isinstance(exc, QuestionError) and exc.kind:
        return t(lang, f"question_{exc.kind}", **exc.values)
    if isinstance(exc, UnknownSource):  # only the API names documents by hand
        return f"{exc}; the /sources endpoint lists the documents"
    return str(exc)


def ui_error(message: str) -> gr.Error:
    """A message for the user, shown without a traceback in the server log."""
    return gr.Error(message, print_exception=False)


@contextmanager
def shown_errors(lang: str) -> Iterator[None]:
    """Turn a PrachumError raised inside into a gr.Error the page shows."""
    try:
        yield
    except PrachumError as exc:
        raise ui_error(ui_message(exc, lang)) from None


def form_filters(lang: str, since: str | None, until: str | None, sources: Iterable[str] | None = ()) -> Filters:
    """Filters from the form (dates typed in Thai or ISO); a mistake is a message in the UI language."""
    with shown_errors(lang):
        return make_filters(since, until, sources or ())
