"""One error family, with messages written for the people who use Prachum.

Anything a user can cause (a bad setting, an unreadable file, a busy port, a model
that is not set up) raises a :class:`PrachumError` whose message says what went
wrong and what to do. The CLI and the UI each turn it into output in one place
(``app.cli.PrachumGroup`` and ``app.ui.errors``); anything else is a bug and keeps its
traceback. The subclasses let callers react to one kind without parsing text, and
keep the built-in base a caller may already catch (``ValueError`` for bad values).
"""
from __future__ import annotations


class PrachumError(Exception):
    """Something the user can fix; ``str(error)`` is the whole message."""


class SettingsError(PrachumError, ValueError):
    """A setting has a value we cannot use; the message says which and why."""


class ModelSetupError(PrachumError, RuntimeError):
    """Setting up a model failed; the message tells the user what to do."""


class StoreError(PrachumError, RuntimeError):
    """The index cannot be opened or written; the message says what to do."""


class LoadError(PrachumError):
    """A document could not be read; the message is the reason."""


class SidecarError(PrachumError, ValueError):
    """``sources.toml`` cannot be used; the message says which file and why."""


class QuestionError(PrachumError, ValueError):
    """The question or its filters cannot be searched (empty, no words, too long, an impossible period).

    ``kind`` ("empty", "no_words", "too_long") and ``values`` let a front end say it in its own language.
    """

    def __init__(self, message: str, kind: str = "", **values: object) -> None:
        super().__init__(message)
        self.kind, self.values = kind, values


class FilterError(QuestionError):
    """A date filter cannot be used. ``field`` is "since" or "until" for a value that is not a date
    (``value`` is what was typed), or "range" when since is after until."""

    def __init__(self, message: str, field: str, value: str = "") -> None:
        super().__init__(message)
        self.field, self.value = field, value


class UnknownSource(QuestionError):
    """A document named by the user is not in the index, or (``ambiguous``) the name fits several."""

    def __init__(self, message: str, ambiguous: bool = False) -> None:
        super().__init__(message)
        self.ambiguous = ambiguous


class LlmError(PrachumError, RuntimeError):
    """The model could not answer this request; the message says why and what to change."""


class UiError(PrachumError, RuntimeError):
    """The UI cannot be served as asked (e.g. the port is taken); the message says what to do."""


class EvalError(PrachumError, ValueError):
    """An evaluation cannot run as asked (bad arguments, unreadable facts or benchmark files)."""
