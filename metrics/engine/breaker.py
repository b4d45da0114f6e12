"""A circuit breaker per source: a source that failed is not asked again until its retry time.

Without it, every request asks a failing source again and waits on it (a locked SQLite file held each request for
seconds). After a failure the source is "open" for FIRST_WAIT seconds, doubling with each failure in a row up to
LONGEST_WAIT; meanwhile asking it raises at once a SourceError that says since when it is unavailable, and the engine
serves the last good answer marked stale with that reason. When the wait is over, one request tries the source (the
others keep failing fast while it does); a success closes the breaker.

What fails decides what is left alone: SourceUnavailable (down, locked, its file missing or damaged) opens the whole
source; any other SourceError (a table or column missing) opens only that table, so one broken table does not make
the numbers of the others stale. State is per process (each worker remembers what it saw), held in the engine.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, TypeVar

from core.errors import SourceError, SourceUnavailable

T = TypeVar("T")
FIRST_WAIT = 5.0  # seconds a source that just failed is left alone
LONGEST_WAIT = 300.0  # the back-off doubles up to this
UNAVAILABLE = "source unavailable since "  # how the breaker's errors begin (since_of reads the time back)
_SINCE = re.compile(re.escape(UNAVAILABLE) + r"((?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2})")


@dataclass
class Outage:
    """Failures in a row of a source (or one table of it): since when, the last error, when to try again."""

    since: datetime
    error: SourceError
    failures: int
    retry_at: float  # on the breaker's monotonic clock
    trying: bool = False  # one request is trying the source now


class SourceBreaker:
    """Remembers failing sources and tables; `ask` calls a source through it. Thread-safe."""

    def __init__(self, first_wait: float = FIRST_WAIT, longest_wait: float = LONGEST_WAIT,
                 now: Callable[[], datetime] = datetime.now, clock: Callable[[], float] = time.monotonic) -> None:
        self.first_wait, self.longest_wait, self.now, self.clock = first_wait, longest_wait, now, clock
        self._outages: dict[str, Outage] = {}  # by source, or by "source.table"
        self._lock = threading.Lock()

    def ask(self, source: str, table: str, fetch: Callable[[], T]) -> T:
        """fetch() (a question to the source about the table) unless the source or the table is open: then a
        SourceError at once, saying since when. A SourceError from fetch() opens the source or the table (or keeps it
        open, twice as long) and is raised as the breaker's own."""
        keys = (source, f"{source}.{table}")
        with self._lock:
            found = [(key, outage) for key in keys if (outage := self._outages.get(key)) is not None]
            for _, outage in found:
                if outage.trying or self.clock() < outage.retry_at:
                    raise unavailable(outage, self.now())
            for _, outage in found:
                outage.trying = True  # this request tries; the others keep failing fast meanwhile
            seen = {key: outage.failures for key, outage in found}  # failures in a row when this try began
        try:
            value = fetch()
        except SourceError as exc:
            whole = isinstance(exc, SourceUnavailable)
            if not whole:
                with self._lock:
                    self._outages.pop(source, None)  # the source answered: only this table is wrong
            key = source if whole else keys[1]
            raise unavailable(self._failed(key, exc, seen.get(key, 0)), self.now()) from None
        finally:
            with self._lock:
                for key, _ in found:
                    if key in self._outages:
                        self._outages[key].trying = False
        with self._lock:
            for key in keys:
                self._outages.pop(key, None)
        return value

    def outage(self, source: str, table: str | None = None) -> Outage | None:
        """The current outage of the source (or of one table of it); None: closed."""
        with self._lock:
            return self._outages.get(source if table is None else f"{source}.{table}")

    def wait(self, failures: int) -> float:
        """Seconds a source is left alone after this many failures in a row."""
        return min(self.first_wait * 2 ** max(failures - 1, 0), self.longest_wait)

    def _failed(self, key: str, error: SourceError, seen: int) -> Outage:
        """Count a failure of a try that began when `seen` failures were in a row. Tries that were under way together
        (the tiles of one page, asked in parallel, when the source has just failed) count as one failure: the first
        to fail is counted, the others find it and do not double the wait again."""
        with self._lock:
            found = self._outages.get(key)
            if found is not None and found.failures > seen:
                return found
            failures = found.failures + 1 if found else 1
            outage = Outage(found.since if found else self.now(), error, failures, self.clock() + self.wait(failures))
            self._outages[key] = outage
            return outage


def unavailable(outage: Outage, now: datetime) -> SourceError:
    """The error while a source is open: since when (a time today, else a date and time) and its last failure."""
    since = outage.since.strftime("%H:%M" if outage.since.date() == now.date() else "%Y-%m-%d %H:%M")
    error = outage.error
    return SourceError(f"{UNAVAILABLE}{since}: {error.what}", error.where, error.fix)


def since_of(message: str) -> str | None:
    """The time in a breaker's message ("10:42"), or None for another message."""
    found = _SINCE.match(message)
    return found.group(1) if found else None
