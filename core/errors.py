"""The error types of Vantage: each says what went wrong, where, and how to fix it."""
from __future__ import annotations


class VantageError(Exception):
    """Base error: a message built from what happened, where, and the fix.

    Views render it in one place (a tile's error state, a page alert, a CLI line); never as a zero.
    """

    exit_code = 1
    recorded = False  # set once a `denied` row for this refusal is in the audit trail (it is written where it arises)

    def __init__(self, what: str, where: str = "", fix: str = "") -> None:
        self.what, self.where, self.fix = what, where, fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = self.what
        if self.where:
            text += f" ({self.where})"
        if self.fix:
            text += f". To fix this, {self.fix}"
        return text


class UsageError(VantageError):
    """The command line was used wrongly."""

    exit_code = 2


class UnknownName(VantageError):
    """A question named a metric, dimension or drill level that does not exist."""

    exit_code = 2


class AccessDenied(VantageError):
    """The viewer's role or department does not reach this number."""

    exit_code = 2


class PageRefused(AccessDenied):
    """A page outside the viewer's role: the page says so in one sentence, and its data callbacks get HTTP 403."""


class AuditUnavailable(VantageError):
    """The audit trail cannot be written (data folder full or read-only, file locked): what it would record is not
    shown. Views let it through to the server, which answers HTTP 503."""

    exit_code = 1
    SHOWN = "cannot record access: not shown"  # all a viewer reads of it; the server log says which folder and why


class ConfigError(VantageError):
    """A config file or setting is wrong: names the file and the key."""

    exit_code = 2


class CatalogueError(VantageError):
    """The metric catalogue has problems; all of them are listed at once."""

    exit_code = 2

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the metric catalogue:\n  - " + "\n  - ".join(problems),
            fix="correct each metric named above and run `python app.py check` again",
        )


class SourceError(VantageError):
    """A source could not be read: down, missing, a failing query, a column of the wrong type."""

    exit_code = 1


class SourceUnavailable(SourceError):
    """The source as a whole cannot be read now (down, locked, its file missing or damaged), not just one table of
    it: the engine leaves every table of the source alone a while (metrics/engine/breaker.py)."""


class MetricError(VantageError):
    """A metric could not be computed from rows that were read."""

    exit_code = 1
